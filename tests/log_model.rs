//! The bounded log behind every log view.

use std::net::SocketAddr;
use std::time::SystemTime;

use netdbg::codec::TextEncoding;
use netdbg::ui::log::model::{Direction, LogModel, MAX_SHOWN_BYTES, MIN_LOG_CAP};

fn peer() -> SocketAddr {
    "127.0.0.1:5000".parse().expect("addr")
}

#[test]
fn keeps_the_newest_lines_and_counts_every_one() {
    let mut log = LogModel::new(MIN_LOG_CAP, TextEncoding::Utf8);
    for i in 0..(MIN_LOG_CAP + 50) {
        log.push(
            SystemTime::now(),
            Direction::Rx,
            peer(),
            format!("{i}").as_bytes(),
        );
    }
    log.count_unshown(7);
    assert_eq!(log.len(), MIN_LOG_CAP);
    assert_eq!(log.offered(), (MIN_LOG_CAP + 57) as u64);
    assert_eq!(log.get(0).expect("first").text(), "50");
    log.set_cap(1);
    assert_eq!(log.len(), MIN_LOG_CAP, "cap never goes below the minimum");
}

#[test]
fn switching_encoding_redecodes_what_is_on_screen() {
    let mut log = LogModel::new(1000, TextEncoding::Utf8);
    log.push(
        SystemTime::now(),
        Direction::Rx,
        peer(),
        &[0xc4, 0xe3, 0xba, 0xc3],
    );
    assert!(
        log.get(0).expect("line").text().contains('□'),
        "undecodable bytes show as □"
    );
    log.set_encoding(TextEncoding::Gbk);
    assert_eq!(log.get(0).expect("line").text(), "你好");
}

#[test]
fn control_characters_stay_on_one_line_and_big_payloads_are_cut() {
    let mut log = LogModel::new(1000, TextEncoding::Utf8);
    log.push(SystemTime::now(), Direction::Tx, peer(), b"a\r\nb\x01");
    assert_eq!(log.get(0).expect("line").text(), "a\\r\\nb\\x01");
    let big = vec![b'x'; 60_000];
    log.push(SystemTime::now(), Direction::Rx, peer(), &big);
    let line = log.get(1).expect("line");
    assert_eq!(line.len, 60_000);
    assert_eq!(line.data.len(), MAX_SHOWN_BYTES);
    log.clear();
    assert!(log.is_empty());
    assert_eq!(log.offered(), 0);
}

#[test]
fn the_memory_limit_drops_the_oldest_lines_whatever_the_line_count() {
    let mut log = LogModel::new(1_000_000, TextEncoding::Utf8);
    log.set_mib_cap(1);
    let preview = vec![b'y'; MAX_SHOWN_BYTES];
    for _ in 0..1000 {
        // A 64 KiB read, as the engine hands the window its first 4 KiB.
        log.push_preview(SystemTime::now(), Direction::Rx, peer(), &preview, 65_536);
    }
    assert!(log.bytes() <= 1024 * 1024, "{} bytes kept", log.bytes());
    assert_eq!(log.len(), 1024 * 1024 / MAX_SHOWN_BYTES);
    assert_eq!(log.offered(), 1000, "every line still counted");
    let line = log.get(0).expect("line");
    assert_eq!(
        (line.len, line.cut_bytes()),
        (65_536, 65_536 - MAX_SHOWN_BYTES)
    );
    // Decoded text counts too: control bytes shown as escapes take 4 bytes each.
    log.clear();
    log.push(SystemTime::now(), Direction::Rx, peer(), &[0u8; 1000]);
    assert_eq!(log.bytes(), 1000 + 4000);
}
