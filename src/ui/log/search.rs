//! Search that does not rescan the log every frame. The matches (line `seq`s)
//! are kept: a new query or filter is scanned in bounded slices across frames,
//! lines that arrive are looked at once, and lines that fall off the front
//! leave the matches with them.

use std::collections::VecDeque;

use super::model::{LogLine, LogModel};
use crate::codec::TextEncoding;

/// Lines looked at per frame while a query is new (a few ms in a release build).
const SCAN_PER_FRAME: usize = 50_000;

/// What the matches were found for: the lowercased query, the filters that
/// decide which lines are shown, and the encoding the lines were decoded with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchKey {
    pub needle: String,
    pub show_sent: bool,
    pub peer_filter: String,
    pub encoding: TextEncoding,
}

#[derive(Debug, Default)]
pub struct SearchIndex {
    key: Option<SearchKey>,
    /// The matching lines' `seq`, oldest first.
    matches: VecDeque<u64>,
    /// Every kept line up to this `seq` has been looked at.
    scanned: u64,
    /// Share of the kept lines looked at, while a scan is under way.
    progress: Option<u8>,
}

impl SearchIndex {
    /// Brings the matches up to date with `log` for `key`, looking at no more
    /// than [`SCAN_PER_FRAME`] lines; `shown` says whether a line is shown at all.
    /// Returns how many matches fell off the front with their lines.
    pub fn update(
        &mut self,
        log: &LogModel,
        key: SearchKey,
        shown: impl Fn(&LogLine) -> bool,
    ) -> usize {
        if self.key.as_ref() != Some(&key) {
            self.matches.clear();
            self.scanned = 0;
            self.key = Some(key);
        }
        let first_kept = log.get(0).map_or(u64::MAX, |line| line.seq);
        let dropped = self.matches.partition_point(|&seq| seq < first_kept);
        self.matches.drain(..dropped);
        let start = match log.index_of_seq(self.scanned) {
            Ok(index) => index + 1,
            Err(index) => index,
        };
        let end = (start + SCAN_PER_FRAME).min(log.len());
        let needle = self.key.as_ref().map_or("", |key| key.needle.as_str());
        for index in start..end {
            let Some(line) = log.get(index) else { break };
            if shown(line) && line.text().to_lowercase().contains(needle) {
                self.matches.push_back(line.seq);
            }
            self.scanned = line.seq;
        }
        self.progress = (end < log.len()).then(|| (end * 100 / log.len().max(1)) as u8);
        dropped
    }

    /// Forgets the query (the search box was emptied).
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    pub fn len(&self) -> usize {
        self.matches.len()
    }

    pub fn is_empty(&self) -> bool {
        self.matches.is_empty()
    }

    /// The `seq` of match number `at`.
    pub fn get(&self, at: usize) -> Option<u64> {
        self.matches.get(at).copied()
    }

    /// While a new query is being scanned: how far, in percent.
    pub fn progress(&self) -> Option<u8> {
        self.progress
    }
}
