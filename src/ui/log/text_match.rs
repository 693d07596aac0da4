//! Matching a line against the search box and the peer filter without building
//! a string per line: the index looks at up to a million lines when a query
//! changes, and an allocation each cost more than the comparison.

use std::io::Write;
use std::net::SocketAddr;

/// Whether `text` contains `needle`, ignoring case; `needle` is already lowercase.
pub fn contains_ignoring_case(text: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    if text.is_ascii() && needle.is_ascii() {
        let needle = needle.as_bytes();
        return text
            .as_bytes()
            .windows(needle.len())
            .any(|window| window.eq_ignore_ascii_case(needle));
    }
    text.to_lowercase().contains(needle)
}

/// Whether `peer` written out (`192.168.1.7:5000`, `[::1]:80`) contains `filter`.
pub fn peer_contains(peer: SocketAddr, filter: &str) -> bool {
    // The longest address, `[ffff:…:ffff%4294967295]:65535`, is 59 bytes.
    let mut buffer = [0u8; 64];
    let mut rest = &mut buffer[..];
    if write!(rest, "{peer}").is_err() {
        return peer.to_string().contains(filter);
    }
    let written = 64 - rest.len();
    std::str::from_utf8(&buffer[..written]).is_ok_and(|text| text.contains(filter))
}
