//! Search and peer-filter matching, done without a string per line.

use std::net::SocketAddr;

use netdbg::ui::log::text_match::{contains_ignoring_case, peer_contains};

#[test]
fn search_ignores_case_in_ascii_and_beyond() {
    assert!(contains_ignoring_case("GET /Index.HTML", "index.html"));
    assert!(contains_ignoring_case("abc", ""));
    assert!(!contains_ignoring_case("ab", "abc"));
    assert!(!contains_ignoring_case("temperature=21", "22"));
    assert!(contains_ignoring_case("ÄRGER über 你好", "ärger"));
    assert!(contains_ignoring_case("收到 OK", "ok"));
    assert!(contains_ignoring_case("Straße", "straße"));
    assert!(!contains_ignoring_case("你好", "再见"));
}

#[test]
fn an_ascii_needle_is_found_at_either_end_and_in_either_case() {
    assert!(contains_ignoring_case("needle", "needle"));
    assert!(contains_ignoring_case("xxxxNEEDLE", "needle"));
    assert!(contains_ignoring_case("NeEdLexxxx", "needle"));
    assert!(contains_ignoring_case("nnnneedle", "needle"));
    assert!(!contains_ignoring_case("xxxxneedl", "needle"));
    assert!(!contains_ignoring_case("needl", "needle"));
    assert!(contains_ignoring_case("a=1;b=2", "=2"));
    assert!(contains_ignoring_case("x", "x"));
    assert!(!contains_ignoring_case("", "x"));
    // Every place and case a one-letter-off needle could hide.
    let line = "x".repeat(64);
    assert!(contains_ignoring_case(&line, "xxxx"));
    assert!(!contains_ignoring_case(&line, "zzzz"));
    assert!(!contains_ignoring_case(&line, "xxxz"));
}

#[test]
fn the_peer_filter_matches_the_address_as_written() {
    let v4: SocketAddr = "192.168.1.7:5000".parse().expect("address");
    assert!(peer_contains(v4, "168.1.7:50"));
    assert!(!peer_contains(v4, "192.168.1.70"));
    let longest: SocketAddr = "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff%4294967295]:65535"
        .parse()
        .expect("address");
    assert!(peer_contains(longest, "%4294967295]:65535"));
    let v6: SocketAddr = "[::1]:80".parse().expect("address");
    assert!(peer_contains(v6, "[::1]"));
}
