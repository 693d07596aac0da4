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
        return contains_ascii_ignoring_case(text.as_bytes(), needle.as_bytes());
    }
    text.to_lowercase().contains(needle)
}

/// The ASCII case: only where the needle's first letter occurs (either case,
/// found with `memchr`'s vector search) is the rest compared. A flood's search
/// looks at every line that arrives, ~100,000 a second.
fn contains_ascii_ignoring_case(haystack: &[u8], needle: &[u8]) -> bool {
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    let Some(last_start) = haystack.len().checked_sub(needle.len()) else {
        return false;
    };
    memchr::memchr2_iter(
        first.to_ascii_lowercase(),
        first.to_ascii_uppercase(),
        &haystack[..=last_start],
    )
    .any(|at| haystack[at + 1..at + needle.len()].eq_ignore_ascii_case(rest))
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
