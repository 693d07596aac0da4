//! Ascending line numbers (`seq`s) added at the back and dropped from the front,
//! held in fixed-size chunks. A `VecDeque` doubles when full: at a million
//! matches that copied 4 MB and touched 8 MB of new memory inside one frame
//! (a 10–14 ms layout under a 100k/s flood with a search matching every line).
//! Chunks are never copied; a full one is followed by a new one.

use std::collections::VecDeque;

/// Entries per chunk: 64 KiB of `u64`s.
const CHUNK: usize = 8192;

#[derive(Debug, Default)]
pub struct SeqList {
    chunks: VecDeque<Vec<u64>>,
    /// Entries of the first chunk already dropped.
    skipped: usize,
    len: usize,
}

impl SeqList {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// Adds `seq`, which is above every `seq` held.
    pub fn push_back(&mut self, seq: u64) {
        match self.chunks.back_mut() {
            Some(last) if last.len() < CHUNK => last.push(seq),
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK);
                chunk.push(seq);
                self.chunks.push_back(chunk);
            }
        }
        self.len += 1;
    }

    /// Entry number `at`, counted from the front.
    pub fn get(&self, at: usize) -> Option<u64> {
        if at >= self.len {
            return None;
        }
        let at = at + self.skipped;
        self.chunks
            .get(at / CHUNK)
            .and_then(|chunk| chunk.get(at % CHUNK))
            .copied()
    }

    /// How many entries at the front are below `seq`.
    pub fn count_below(&self, seq: u64) -> usize {
        // Binary search over positions: entries are ascending.
        let (mut low, mut high) = (0, self.len);
        while low < high {
            let mid = low + (high - low) / 2;
            if self.get(mid).is_some_and(|held| held < seq) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        low
    }

    /// Where `seq` is, if held.
    pub fn position(&self, seq: u64) -> Option<usize> {
        let at = self.count_below(seq);
        (self.get(at) == Some(seq)).then_some(at)
    }

    /// Drops the first `count` entries (all of them if there are fewer).
    pub fn drop_front(&mut self, count: usize) {
        if count >= self.len {
            self.clear();
            return;
        }
        self.len -= count;
        self.skipped += count;
        while self.skipped >= CHUNK {
            self.chunks.pop_front();
            self.skipped -= CHUNK;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;

    use super::{CHUNK, SeqList};

    /// Every operation agrees with a `VecDeque` across chunk boundaries.
    #[test]
    fn agrees_with_a_deque() {
        let mut list = SeqList::default();
        let mut deque = VecDeque::new();
        let mut next = 0u64;
        for round in 0..40 {
            for _ in 0..(CHUNK / 3 + round * 97) {
                next += 1 + next % 3;
                list.push_back(next);
                deque.push_back(next);
            }
            let drop = (round * 1_531) % (deque.len() + 1);
            list.drop_front(drop);
            deque.drain(..drop);
            assert_eq!(list.len(), deque.len());
            for at in [
                0,
                1,
                deque.len() / 2,
                deque.len().saturating_sub(1),
                deque.len(),
            ] {
                assert_eq!(
                    list.get(at),
                    deque.get(at).copied(),
                    "round {round} at {at}"
                );
            }
            for probe in [0, next / 2, next / 2 + 1, next, next + 1] {
                assert_eq!(
                    list.count_below(probe),
                    deque.partition_point(|&seq| seq < probe)
                );
                assert_eq!(list.position(probe), deque.binary_search(&probe).ok());
            }
        }
        list.drop_front(usize::MAX);
        assert!(list.is_empty());
        assert_eq!(list.get(0), None);
        list.push_back(7);
        assert_eq!((list.len(), list.get(0)), (1, Some(7)));
    }

    /// Dropped chunks are given back: a list that slides forward holds at most
    /// two chunks more than its entries need.
    #[test]
    fn dropped_chunks_are_freed() {
        let mut list = SeqList::default();
        for seq in 0..(CHUNK as u64 * 50) {
            list.push_back(seq);
            if list.len() > CHUNK {
                list.drop_front(1);
            }
        }
        assert_eq!(list.len(), CHUNK);
        assert!(list.chunks.len() <= 2, "{} chunks", list.chunks.len());
    }
}
