//! Which lines of the log match something — the search's query, or the filters
//! that decide which rows are shown — kept between frames instead of found
//! again each frame. A new query or filter is scanned in bounded slices across
//! frames (its progress told), lines that arrive are looked at once, and lines
//! that fall off the front take their entries with them.

use std::collections::HashSet;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::model::{LogLine, LogModel};
use super::seq_list::SeqList;
use crate::codec::TextEncoding;

/// Lines looked at per frame at most while a query or filter is new, and the
/// time that may take: the frame also draws, and under a flood applies events.
const SCAN_PER_FRAME: usize = 50_000;
const SCAN_BUDGET: Duration = Duration::from_millis(2);
/// How many lines are looked at between two looks at the clock.
const SCAN_BATCH: usize = 512;

/// The filters that decide which lines are rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterKey {
    pub show_sent: bool,
    /// The relay's "Show C→S": received (client → server) lines are rows.
    pub show_received: bool,
    pub peer_filter: String,
    /// The TCP server's "selected clients only", as a fingerprint of the set.
    pub only_peers: Option<u64>,
}

impl FilterKey {
    pub fn new(
        show_sent: bool,
        peer_filter: &str,
        only_peers: Option<&HashSet<SocketAddr>>,
    ) -> Self {
        Self {
            show_sent,
            show_received: true,
            peer_filter: peer_filter.trim().to_owned(),
            only_peers: only_peers.map(fingerprint),
        }
    }

    /// The same filters, with received lines shown or hidden.
    pub fn with_received(self, show_received: bool) -> Self {
        Self {
            show_received,
            ..self
        }
    }
}

/// The same for the same set, whatever the order a `HashSet` walks it in.
fn fingerprint(peers: &HashSet<SocketAddr>) -> u64 {
    peers.iter().fold(peers.len() as u64, |sum, peer| {
        let mut hasher = DefaultHasher::new();
        peer.hash(&mut hasher);
        sum.wrapping_add(hasher.finish())
    })
}

/// What the search's matches were found for: the lowercased query, the
/// filters (a hidden line is no match), and the encoding lines were decoded with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchKey {
    pub needle: String,
    pub filters: FilterKey,
    pub encoding: TextEncoding,
}

/// The lines (by `seq`, oldest first) that match what `K` describes.
#[derive(Debug)]
pub struct LineIndex<K> {
    key: Option<K>,
    seqs: SeqList,
    /// Every kept line up to this `seq` has been looked at.
    scanned: u64,
    /// Share of the kept lines looked at, while a scan is under way.
    progress: Option<u8>,
}

impl<K> Default for LineIndex<K> {
    fn default() -> Self {
        Self {
            key: None,
            seqs: SeqList::default(),
            scanned: 0,
            progress: None,
        }
    }
}

impl<K: PartialEq> LineIndex<K> {
    /// Brings the entries up to date with `log` for `key` (`matches` decides a
    /// line), looking at no more than [`SCAN_PER_FRAME`] lines or for longer than
    /// [`SCAN_BUDGET`]. Returns how many entries fell off the front with their lines.
    pub fn update(&mut self, log: &LogModel, key: K, matches: impl Fn(&LogLine) -> bool) -> usize {
        if self.key.as_ref() != Some(&key) {
            self.seqs.clear();
            self.scanned = 0;
            self.key = Some(key);
        }
        let first_kept = log.seq(0).unwrap_or(u64::MAX);
        let dropped = self.seqs.count_below(first_kept);
        self.seqs.drop_front(dropped);
        let start = match log.index_of_seq(self.scanned) {
            Ok(index) => index + 1,
            Err(index) => index,
        };
        let deadline = Instant::now() + SCAN_BUDGET;
        let limit = (start + SCAN_PER_FRAME).min(log.len());
        let mut end = start;
        for line in log.iter_from(start).take(limit.saturating_sub(start)) {
            if matches(&line) {
                self.seqs.push_back(line.seq);
            }
            self.scanned = line.seq;
            end += 1;
            if (end - start).is_multiple_of(SCAN_BATCH) && Instant::now() > deadline {
                break;
            }
        }
        self.progress = (end < log.len()).then(|| (end * 100 / log.len().max(1)) as u8);
        dropped
    }
}

impl<K> LineIndex<K> {
    /// Forgets the query or filter (nothing to look for any more).
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    pub fn len(&self) -> usize {
        self.seqs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.seqs.is_empty()
    }

    /// The `seq` of entry number `at`.
    pub fn get(&self, at: usize) -> Option<u64> {
        self.seqs.get(at)
    }

    /// Which entry the line numbered `seq` is, if it is one.
    pub fn position(&self, seq: u64) -> Option<usize> {
        self.seqs.position(seq)
    }

    /// While a new query or filter is being scanned: how far, in percent.
    pub fn progress(&self) -> Option<u8> {
        self.progress
    }
}
