//! The compact store under the log: every field of a line reads back as it was
//! pushed, across block boundaries, while old lines fall off the front.

use std::net::SocketAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use netdbg::codec::TextEncoding;
use netdbg::ui::log::model::{Direction, LogModel, MAX_LOG_CAP, MAX_SHOWN_BYTES};

fn peer(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// What line `i` of the mixed workload is.
struct Expected {
    at: SystemTime,
    direction: Direction,
    auto_reply: bool,
    peer: SocketAddr,
    len: usize,
    data: Vec<u8>,
    text: String,
}

fn expected(i: usize) -> Expected {
    let at =
        UNIX_EPOCH + Duration::new(1_700_000_000 + i as u64, (i * 7919 % 1_000_000_000) as u32);
    let peer = peer(1000 + (i % 37) as u16);
    match i % 5 {
        0 => Expected {
            at,
            direction: Direction::Rx,
            auto_reply: false,
            peer,
            len: 64,
            data: format!("{i:064}").into_bytes(),
            text: format!("{i:064}"),
        },
        1 => Expected {
            at,
            direction: Direction::Tx,
            auto_reply: true,
            peer,
            len: 2,
            data: b"ok".to_vec(),
            text: "ok".into(),
        },
        // Control bytes: the shown text differs from the bytes.
        2 => Expected {
            at,
            direction: Direction::Rx,
            auto_reply: false,
            peer,
            len: 3,
            data: vec![b'a', 0x01, b'\n'],
            text: "a\\x01\\n".into(),
        },
        // A preview of a large read.
        3 => Expected {
            at,
            direction: Direction::Rx,
            auto_reply: false,
            peer,
            len: 70_000 + i,
            data: vec![b'z'; MAX_SHOWN_BYTES],
            text: "z".repeat(MAX_SHOWN_BYTES),
        },
        _ => Expected {
            at,
            direction: Direction::Note,
            auto_reply: false,
            peer,
            len: 0,
            data: format!("client {i} connected").into_bytes(),
            text: format!("client {i} connected"),
        },
    }
}

fn push(log: &mut LogModel, i: usize) {
    let line = expected(i);
    match (line.direction, line.auto_reply) {
        (Direction::Note, _) => log.push_note(line.at, line.peer, &line.text),
        (_, true) => log.push_auto_reply(line.at, line.peer, &line.data, line.len),
        (direction, false) => log.push_preview(line.at, direction, line.peer, &line.data, line.len),
    }
}

fn assert_line_is(log: &LogModel, index: usize, i: usize) {
    let want = expected(i);
    let line = log.get(index).expect("a kept line");
    assert_eq!(line.at, want.at, "line {i}");
    assert_eq!(line.direction, want.direction, "line {i}");
    assert_eq!(line.auto_reply, want.auto_reply, "line {i}");
    assert_eq!(line.peer, want.peer, "line {i}");
    assert_eq!(line.len, want.len, "line {i}");
    assert_eq!(line.data, &want.data[..], "line {i}");
    assert_eq!(line.text(), want.text, "line {i}");
}

#[test]
fn every_field_reads_back_across_blocks_as_old_lines_fall_off() {
    let cap = 10_000;
    let mut log = LogModel::new(cap, TextEncoding::Utf8);
    log.set_mib_cap(1024);
    let total = 25_000;
    for i in 0..total {
        push(&mut log, i);
    }
    assert_eq!(log.len(), cap);
    let first = total - cap;
    for index in [0, 1, 4095, 4096, 4097, 5000, cap - 1] {
        assert_line_is(&log, index, first + index);
    }
    for (index, line) in log.iter().enumerate() {
        assert_eq!(line.seq, (first + index + 1) as u64);
    }
    let from = 6000;
    let seqs: Vec<u64> = log.iter_from(from).map(|line| line.seq).take(3).collect();
    assert_eq!(
        seqs,
        [
            (first + from + 1) as u64,
            (first + from + 2) as u64,
            (first + from + 3) as u64
        ]
    );
    assert!(log.get(cap).is_none());
}

#[test]
fn lines_are_found_by_seq_across_gaps() {
    let mut log = LogModel::new(MAX_LOG_CAP, TextEncoding::Utf8);
    for i in 0..10_000 {
        log.push(SystemTime::now(), Direction::Rx, peer(1), b"x");
        if i % 1000 == 999 {
            // Lines skipped under a flood: numbers with no line.
            log.count_unshown(5_000_000_000);
        }
    }
    for index in [0, 999, 1000, 4095, 4096, 9999] {
        let seq = log.get(index).expect("line").seq;
        assert_eq!(log.index_of_seq(seq), Ok(index));
        assert_eq!(log.seq(index), Some(seq));
    }
    let after_gap = log.get(1000).expect("line").seq;
    assert_eq!(log.index_of_seq(after_gap - 1), Err(1000));
    assert_eq!(log.index_of_seq(u64::MAX), Err(10_000));
}

#[test]
fn times_before_the_epoch_and_far_ahead_read_back_exactly() {
    let mut log = LogModel::new(1000, TextEncoding::Utf8);
    let times = [
        UNIX_EPOCH - Duration::new(86_400 * 365, 123),
        UNIX_EPOCH,
        UNIX_EPOCH + Duration::new(4_102_444_800, 999_999_999),
    ];
    for at in times {
        log.push(at, Direction::Rx, peer(1), b"t");
    }
    let read: Vec<SystemTime> = log.iter().map(|line| line.at).collect();
    assert_eq!(read, times);
}

#[test]
fn a_flood_from_ever_new_ports_keeps_no_more_peers_than_lines() {
    let mut log = LogModel::new(1000, TextEncoding::Utf8);
    for port in 1..=60_000u16 {
        log.push(SystemTime::now(), Direction::Rx, peer(port), b"spoofed");
    }
    assert_eq!(log.len(), 1000);
    assert_eq!(log.peer_count(), 1000);
    assert_eq!(log.get(0).expect("line").peer, peer(59_001));
    log.clear();
    assert_eq!(log.peer_count(), 0);
}

#[test]
fn switching_the_encoding_keeps_every_line_and_its_number() {
    let mut log = LogModel::new(MAX_LOG_CAP, TextEncoding::Utf8);
    let gbk = [0xC4, 0xE3, 0xBA, 0xC3]; // 你好 in GBK
    for i in 0..9000 {
        log.push(SystemTime::now(), Direction::Rx, peer(7), &gbk);
        if i == 10 {
            log.count_unshown(3);
        }
    }
    let before: Vec<u64> = log.iter().map(|line| line.seq).collect();
    log.set_encoding(TextEncoding::Gbk);
    let after: Vec<u64> = log.iter().map(|line| line.seq).collect();
    assert_eq!(before, after);
    assert!(
        log.iter()
            .all(|line| line.text() == "你好" && line.data == gbk)
    );
    assert_eq!(log.bytes(), 9000 * (4 + "你好".len()));
}

#[test]
fn a_long_note_is_cut_at_a_character() {
    let mut log = LogModel::new(1000, TextEncoding::Utf8);
    let long = "好".repeat(MAX_SHOWN_BYTES);
    log.push_note(SystemTime::now(), peer(1), &long);
    let text = log.get(0).expect("note").text();
    assert!(!text.is_empty() && text.len() <= MAX_SHOWN_BYTES);
    assert!(text.chars().all(|c| c == '好'));
}

#[test]
fn printable_ascii_is_kept_as_is_except_where_it_means_other_text() {
    let mut log = LogModel::new(1000, TextEncoding::Gbk);
    log.push(SystemTime::now(), Direction::Rx, peer(1), b"temp=21.5 ~ok~");
    assert_eq!(log.get(0).expect("line").text(), "temp=21.5 ~ok~");
    // In UTF-16 the same bytes are other characters: "xx" is U+7878.
    let mut log = LogModel::new(1000, TextEncoding::Utf16Le);
    log.push(SystemTime::now(), Direction::Rx, peer(1), b"xxA ");
    assert_eq!(log.get(0).expect("line").text(), "\u{7878}\u{2041}");
}
