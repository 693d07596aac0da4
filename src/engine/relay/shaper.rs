//! The fault logic, without sockets: it turns "these bytes were read at time t"
//! into "make these writes at these times", so every fault can be tested with
//! made-up times. The pump (`pump.rs`) does the reading, waiting and writing.
//!
//! Writes never overtake each other (a TCP stream keeps its order, and so does the
//! relay for datagrams): each is due no earlier than the one before it.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use super::FaultAction;
use super::faults::Faults;

/// A merge window holds at most this much; more goes out at once.
pub const MERGE_CAP: usize = 256 * 1024;
/// A throttled write carries about this share of a second's bytes, so the rate
/// is kept smoothly rather than in one burst per read.
const THROTTLE_SLICES_PER_SEC: u64 = 20;

/// One thing the pump is to do when `due`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub due: Instant,
    pub action: Action,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Write `data` to the destination; `notes` are the faults that shaped it.
    Write {
        data: Vec<u8>,
        notes: Vec<FaultAction>,
    },
    /// Nothing to write, only a fault to report (a dropped datagram).
    Note(FaultAction),
    /// Cut the connection (TCP), after the writes planned before it.
    Cut { after: u64, reset: bool },
}

impl Planned {
    /// The bytes this holds in memory.
    pub fn len(&self) -> usize {
        match &self.action {
            Action::Write { data, .. } => data.len(),
            _ => 0,
        }
    }
}

/// Reads waiting to be merged into one write.
struct Merging {
    data: Vec<u8>,
    reads: usize,
    until: Instant,
}

/// One direction's fault state: the merge window, when the throttled link is free
/// again, how much went through (for the cut), and its own random numbers.
pub struct Shaper {
    rng: fastrand::Rng,
    merging: Option<Merging>,
    /// No write may be due before this (the previous write's time, plus its
    /// transmission time when throttled).
    next_free: Option<Instant>,
    /// Bytes planned for writing so far.
    forwarded: u64,
    /// The connection is to be cut: nothing more is planned.
    cut: bool,
}

impl Shaper {
    pub fn new(seed: u64) -> Self {
        Shaper {
            rng: fastrand::Rng::with_seed(seed),
            merging: None,
            next_free: None,
            forwarded: 0,
            cut: false,
        }
    }

    /// Bytes were read at `now`.
    pub fn read(
        &mut self,
        faults: &Faults,
        now: Instant,
        data: &[u8],
        out: &mut VecDeque<Planned>,
    ) {
        if self.cut {
            return;
        }
        match faults.merge_ms {
            Some(ms) => {
                let merging = self.merging.get_or_insert_with(|| Merging {
                    data: Vec::new(),
                    reads: 0,
                    until: now + Duration::from_millis(ms),
                });
                merging.data.extend_from_slice(data);
                merging.reads += 1;
                if merging.data.len() >= MERGE_CAP {
                    self.flush(faults, now, out);
                }
            }
            None => {
                // Merging was switched off while a window was open: that goes first.
                self.flush(faults, now, out);
                self.emit(faults, now, data.to_vec(), 1, out);
            }
        }
    }

    /// Time passed without a read: a merge window that has ended is written.
    pub fn tick(&mut self, faults: &Faults, now: Instant, out: &mut VecDeque<Planned>) {
        let ended = self
            .merging
            .as_ref()
            .is_some_and(|m| now >= m.until || faults.merge_ms.is_none());
        if ended {
            self.flush(faults, now, out);
        }
    }

    /// The source has no more: whatever is being merged goes now.
    pub fn finish(&mut self, faults: &Faults, now: Instant, out: &mut VecDeque<Planned>) {
        self.flush(faults, now, out);
    }

    /// When [`tick`](Self::tick) has something to do, if ever.
    pub fn deadline(&self) -> Option<Instant> {
        self.merging.as_ref().map(|m| m.until)
    }

    /// Bytes held in the merge window.
    pub fn held(&self) -> usize {
        self.merging.as_ref().map_or(0, |m| m.data.len())
    }

    fn flush(&mut self, faults: &Faults, now: Instant, out: &mut VecDeque<Planned>) {
        if let Some(merging) = self.merging.take() {
            self.emit(faults, now, merging.data, merging.reads, out);
        }
    }

    /// Plans the writes for one message (a read, or merged reads).
    fn emit(
        &mut self,
        faults: &Faults,
        now: Instant,
        mut data: Vec<u8>,
        reads: usize,
        out: &mut VecDeque<Planned>,
    ) {
        if self.cut {
            return;
        }
        if faults.drop_percent > 0.0 && self.chance(faults.drop_percent) {
            let due = self.next_free.map_or(now, |free| free.max(now));
            out.push_back(Planned {
                due,
                action: Action::Note(FaultAction::Dropped { len: data.len() }),
            });
            return;
        }
        let mut notes = Vec::new();
        if reads > 1 {
            notes.push(FaultAction::Merged { reads });
        }
        let mut cut = None;
        if let Some(limit) = faults.cut_after {
            let left = limit.saturating_sub(self.forwarded);
            if data.len() as u64 >= left {
                data.truncate(usize::try_from(left).unwrap_or(usize::MAX));
                cut = Some(Action::Cut {
                    after: limit,
                    reset: faults.cut_reset,
                });
            }
        }
        self.forwarded += data.len() as u64;
        if !data.is_empty() && faults.corrupt_percent > 0.0 && self.chance(faults.corrupt_percent) {
            let offset = self.rng.usize(..data.len());
            data[offset] ^= 0xFF;
            notes.push(FaultAction::Corrupted { offset });
        }
        let jitter = if faults.jitter_ms > 0 {
            self.rng.u64(0..=faults.jitter_ms)
        } else {
            0
        };
        let held = faults.delay_ms + jitter;
        if held > 0 {
            notes.push(FaultAction::Delayed { ms: held });
        }
        let start = now + Duration::from_millis(held);
        let piece = match (faults.split, faults.rate) {
            (Some(split), _) => split,
            (None, Some(rate)) => throttle_piece(rate),
            (None, None) => data.len(),
        }
        .max(1);
        let pieces = data.len().div_ceil(piece);
        if faults.split.is_some() && pieces > 1 {
            notes.push(FaultAction::Split { pieces });
        }
        let gap = Duration::from_millis(if faults.split.is_some() {
            faults.split_gap_ms
        } else {
            0
        });
        let mut earliest = start;
        for chunk in data.chunks(piece) {
            let due = self.next_free.map_or(earliest, |free| free.max(earliest));
            self.next_free = Some(match faults.rate {
                Some(rate) => due + transmission(chunk.len(), rate),
                None => due,
            });
            out.push_back(Planned {
                due,
                action: Action::Write {
                    data: chunk.to_vec(),
                    notes: std::mem::take(&mut notes),
                },
            });
            earliest = due + gap;
        }
        if let Some(cut) = cut {
            self.cut = true;
            let due = self.next_free.map_or(start, |free| free.max(start));
            // Nothing was left to write (the limit was reached exactly before):
            // the notes still say what happened.
            for note in notes {
                out.push_back(Planned {
                    due,
                    action: Action::Note(note),
                });
            }
            out.push_back(Planned { due, action: cut });
        }
    }

    /// True with `percent` % probability.
    fn chance(&mut self, percent: f64) -> bool {
        percent >= 100.0 || self.rng.f64() * 100.0 < percent
    }
}

/// Bytes per throttled write: a twentieth of a second's worth, 1 byte to 64 KiB.
fn throttle_piece(rate: u64) -> usize {
    usize::try_from((rate / THROTTLE_SLICES_PER_SEC).clamp(1, 64 * 1024)).unwrap_or(64 * 1024)
}

/// How long `len` bytes take at `rate` bytes per second.
fn transmission(len: usize, rate: u64) -> Duration {
    Duration::from_secs_f64(len as f64 / rate.max(1) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(faults: &Faults, reads: &[(u64, &[u8])]) -> (Instant, Vec<Planned>) {
        let t0 = Instant::now();
        let mut shaper = Shaper::new(7);
        let mut out = VecDeque::new();
        for (ms, data) in reads {
            let now = t0 + Duration::from_millis(*ms);
            shaper.tick(faults, now, &mut out);
            shaper.read(faults, now, data, &mut out);
        }
        shaper.finish(faults, t0 + Duration::from_secs(100), &mut out);
        (t0, out.into_iter().collect())
    }

    fn writes(planned: &[Planned]) -> Vec<&[u8]> {
        planned
            .iter()
            .filter_map(|p| match &p.action {
                Action::Write { data, .. } => Some(data.as_slice()),
                _ => None,
            })
            .collect()
    }

    fn ms(t0: Instant, at: Instant) -> u64 {
        at.duration_since(t0).as_millis() as u64
    }

    #[test]
    fn no_faults_write_at_once_as_read() {
        let (t0, planned) = plan(&Faults::default(), &[(0, b"ab"), (5, b"cd")]);
        assert_eq!(writes(&planned), [b"ab", b"cd"]);
        assert_eq!(ms(t0, planned[1].due), 5);
    }

    #[test]
    fn split_makes_pieces_a_gap_apart() {
        let faults = Faults {
            split: Some(2),
            split_gap_ms: 10,
            ..Faults::default()
        };
        let (t0, planned) = plan(&faults, &[(0, b"abcde")]);
        assert_eq!(writes(&planned), [&b"ab"[..], b"cd", b"e"]);
        let dues: Vec<u64> = planned.iter().map(|p| ms(t0, p.due)).collect();
        assert_eq!(dues, [0, 10, 20]);
        assert!(matches!(&planned[0].action, Action::Write { notes, .. }
            if notes == &[FaultAction::Split { pieces: 3 }]));
    }

    #[test]
    fn merge_joins_reads_within_the_window() {
        let faults = Faults {
            merge_ms: Some(50),
            ..Faults::default()
        };
        let (t0, planned) = plan(&faults, &[(0, b"ab"), (10, b"cd"), (70, b"ef")]);
        assert_eq!(writes(&planned), [&b"abcd"[..], b"ef"]);
        // Written when the window closed, noticed at the next read.
        assert_eq!(ms(t0, planned[0].due), 70);
        assert!(matches!(&planned[0].action, Action::Write { notes, .. }
            if notes == &[FaultAction::Merged { reads: 2 }]));
    }

    #[test]
    fn a_full_merge_window_goes_at_once() {
        let faults = Faults {
            merge_ms: Some(1000),
            ..Faults::default()
        };
        let big = vec![1u8; MERGE_CAP];
        let t0 = Instant::now();
        let mut shaper = Shaper::new(1);
        let mut out = VecDeque::new();
        shaper.read(&faults, t0, &big, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(shaper.held(), 0);
    }

    #[test]
    fn delay_and_jitter_keep_order() {
        let faults = Faults {
            delay_ms: 100,
            jitter_ms: 50,
            ..Faults::default()
        };
        let reads: Vec<(u64, &[u8])> = (0..50).map(|i| (i, &b"x"[..])).collect();
        let (t0, planned) = plan(&faults, &reads);
        let dues: Vec<u64> = planned.iter().map(|p| ms(t0, p.due)).collect();
        assert!(dues.windows(2).all(|w| w[0] <= w[1]), "{dues:?}");
        assert!(
            dues.iter().all(|&d| (100..=150 + 50).contains(&d)),
            "{dues:?}"
        );
        assert!(dues[0] >= 100 && dues[0] <= 150);
    }

    #[test]
    fn throttle_spreads_bytes_at_the_rate() {
        let faults = Faults {
            rate: Some(1000),
            ..Faults::default()
        };
        let data = vec![0u8; 1000];
        let (t0, planned) = plan(&faults, &[(0, &data)]);
        // 50-byte pieces, 50 ms apart: 1000 bytes take a second.
        assert_eq!(planned.len(), 20);
        assert_eq!(ms(t0, planned[19].due), 950);
    }

    #[test]
    fn cut_after_stops_at_the_limit() {
        let faults = Faults {
            cut_after: Some(5),
            cut_reset: true,
            ..Faults::default()
        };
        let (_, planned) = plan(&faults, &[(0, b"abc"), (1, b"defg"), (2, b"hij")]);
        assert_eq!(writes(&planned), [&b"abc"[..], b"de"]);
        assert_eq!(
            planned.last().map(|p| &p.action),
            Some(&Action::Cut {
                after: 5,
                reset: true
            })
        );
    }

    #[test]
    fn corrupt_flips_one_byte() {
        let faults = Faults {
            corrupt_percent: 100.0,
            ..Faults::default()
        };
        let (_, planned) = plan(&faults, &[(0, b"\x00\x00\x00\x00")]);
        let Action::Write { data, notes } = &planned[0].action else {
            panic!("{planned:?}")
        };
        assert_eq!(data.iter().filter(|&&b| b == 0xFF).count(), 1);
        let offset = data.iter().position(|&b| b == 0xFF).unwrap();
        assert_eq!(notes, &[FaultAction::Corrupted { offset }]);
    }

    #[test]
    fn drop_loses_about_the_share_asked_for() {
        let faults = Faults {
            drop_percent: 30.0,
            ..Faults::default()
        };
        let reads: Vec<(u64, &[u8])> = (0..2000).map(|_| (0, &b"d"[..])).collect();
        let (_, planned) = plan(&faults, &reads);
        let dropped = planned
            .iter()
            .filter(|p| matches!(p.action, Action::Note(FaultAction::Dropped { len: 1 })))
            .count();
        assert!((450..750).contains(&dropped), "{dropped} of 2000");
        let all = Faults {
            drop_percent: 100.0,
            ..Faults::default()
        };
        assert!(writes(&plan(&all, &[(0, b"x")]).1).is_empty());
    }
}
