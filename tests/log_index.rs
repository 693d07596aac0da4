//! The log's kept line indexes (the search's matches, the filtered rows) stay up
//! to date between frames: new lines are looked at once, lines that fall off take
//! their entries with them, and a new query over a long log is scanned in bounded
//! slices with its progress told.

use std::net::SocketAddr;
use std::time::SystemTime;

use netdbg::codec::TextEncoding;
use netdbg::ui::log::index::{FilterKey, LineIndex, SearchKey};
use netdbg::ui::log::model::{Direction, LogModel, MAX_LOG_CAP, MIN_LOG_CAP};

fn peer() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 7788))
}

fn push(log: &mut LogModel, direction: Direction, text: &str) {
    log.push(SystemTime::now(), direction, peer(), text.as_bytes());
}

/// What the search does: a case-insensitive query over the shown lines.
fn search(
    index: &mut LineIndex<SearchKey>,
    log: &LogModel,
    needle: &str,
    show_sent: bool,
) -> usize {
    let key = SearchKey {
        needle: needle.to_lowercase(),
        filters: FilterKey::new(show_sent, "", None),
        encoding: TextEncoding::Utf8,
    };
    let needle = needle.to_lowercase();
    index.update(log, key, |line| {
        (show_sent || line.direction != Direction::Tx)
            && line.text().to_lowercase().contains(&needle)
    })
}

#[test]
fn new_lines_are_counted_and_lines_that_fall_off_take_their_matches() {
    let mut log = LogModel::new(MIN_LOG_CAP, TextEncoding::Utf8);
    let mut index = LineIndex::default();
    for n in 0..MIN_LOG_CAP {
        let word = if n % 2 == 0 { "PING" } else { "pong" };
        push(&mut log, Direction::Rx, &format!("line {n} {word}"));
    }
    assert_eq!(search(&mut index, &log, "ping", true), 0);
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
    assert_eq!(search(&mut index, &log, "ping", true), 5);
    assert_eq!(index.len(), MIN_LOG_CAP / 2 - 5 + 10);
    let first = index.get(0).expect("a match");
    assert!(
        log.index_of_seq(first).is_ok(),
        "every kept match is a kept line"
    );
    assert_eq!(index.position(first), Some(0));

    // Another query starts over.
    search(&mut index, &log, "new 3", true);
    assert_eq!(index.len(), 1);
}

#[test]
fn a_changed_filter_starts_over() {
    let mut log = LogModel::new(MIN_LOG_CAP, TextEncoding::Utf8);
    push(&mut log, Direction::Rx, "hello from the peer");
    push(&mut log, Direction::Tx, "hello from us");
    let mut index = LineIndex::default();
    search(&mut index, &log, "hello", true);
    assert_eq!(index.len(), 2);
    search(&mut index, &log, "hello", false);
    assert_eq!(index.len(), 1, "sent lines hidden: not matches");
}

#[test]
fn a_new_query_over_a_long_log_is_scanned_in_slices() {
    let lines = 120_000;
    let mut log = LogModel::new(MAX_LOG_CAP, TextEncoding::Utf8);
    for n in 0..lines {
        push(&mut log, Direction::Rx, &format!("datagram {n}"));
    }
    let mut index = LineIndex::default();
    let mut frames = 0;
    let mut progress = Vec::new();
    loop {
        search(&mut index, &log, "datagram", true);
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
