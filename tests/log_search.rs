//! The log's search keeps its matches between frames: new lines are looked at
//! once, lines that fall off take their matches with them, and a new query over
//! a long log is scanned in bounded slices with its progress told.

use std::net::SocketAddr;
use std::time::SystemTime;

use netdbg::codec::TextEncoding;
use netdbg::ui::log::model::{Direction, LogLine, LogModel, MAX_LOG_CAP, MIN_LOG_CAP};
use netdbg::ui::log::search::{SearchIndex, SearchKey};

fn peer() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 7788))
}

fn key(needle: &str) -> SearchKey {
    SearchKey {
        needle: needle.to_owned(),
        show_sent: true,
        peer_filter: String::new(),
        encoding: TextEncoding::Utf8,
    }
}

fn every_line(_: &LogLine) -> bool {
    true
}

fn push(log: &mut LogModel, direction: Direction, text: &str) {
    log.push(SystemTime::now(), direction, peer(), text.as_bytes());
}

#[test]
fn new_lines_are_counted_and_lines_that_fall_off_take_their_matches() {
    let mut log = LogModel::new(MIN_LOG_CAP, TextEncoding::Utf8);
    let mut index = SearchIndex::default();
    for n in 0..MIN_LOG_CAP {
        push(
            &mut log,
            Direction::Rx,
            &format!("line {n} {}", if n % 2 == 0 { "PING" } else { "pong" }),
        );
    }
    assert_eq!(index.update(&log, key("ping"), every_line), 0);
    assert_eq!(
        index.len(),
        MIN_LOG_CAP / 2,
        "case-insensitive, every other line"
    );
    assert_eq!(index.progress(), None);

    // Ten more lines push ten old ones out (five of them matched).
    for n in 0..10 {
        push(&mut log, Direction::Rx, &format!("new {n} ping"));
    }
    assert_eq!(index.update(&log, key("ping"), every_line), 5);
    assert_eq!(index.len(), MIN_LOG_CAP / 2 - 5 + 10);
    let first = index.get(0).expect("a match");
    assert!(
        log.index_of_seq(first).is_ok(),
        "every kept match is a kept line"
    );

    // Another query starts over.
    index.update(&log, key("new 3"), every_line);
    assert_eq!(index.len(), 1);
}

#[test]
fn hidden_lines_are_not_matches() {
    let mut log = LogModel::new(MIN_LOG_CAP, TextEncoding::Utf8);
    push(&mut log, Direction::Rx, "hello from the peer");
    push(&mut log, Direction::Tx, "hello from us");
    let mut index = SearchIndex::default();
    index.update(&log, key("hello"), every_line);
    assert_eq!(index.len(), 2);
    let hide_sent = SearchKey {
        show_sent: false,
        ..key("hello")
    };
    index.update(&log, hide_sent, |line| line.direction != Direction::Tx);
    assert_eq!(index.len(), 1);
}

#[test]
fn a_new_query_over_a_long_log_is_scanned_in_slices() {
    let lines = 120_000;
    let mut log = LogModel::new(MAX_LOG_CAP, TextEncoding::Utf8);
    for n in 0..lines {
        push(&mut log, Direction::Rx, &format!("datagram {n}"));
    }
    let mut index = SearchIndex::default();
    let mut frames = 0;
    let mut progress = Vec::new();
    loop {
        index.update(&log, key("datagram"), every_line);
        frames += 1;
        match index.progress() {
            Some(percent) => progress.push(percent),
            None => break,
        }
        assert!(frames < 100, "the scan ends");
    }
    assert_eq!(index.len(), lines);
    assert!(frames > 1, "one frame does not scan {lines} lines");
    assert!(
        progress.windows(2).all(|pair| pair[0] < pair[1]),
        "progress only grows: {progress:?}"
    );
}
