//! The faults a relay injects in one direction, as the user sets them, and the
//! board the pumps read them from while the relay runs.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use serde::{Deserialize, Serialize};

use super::Direction;

/// The longest delay, jitter, gap or merge window: an hour is already more than
/// any test needs, and keeps every deadline far from `Instant`'s limits.
pub const MAX_FAULT_MS: u64 = 3_600_000;

/// What the relay does to the bytes of one direction. The default does nothing:
/// bytes go through as soon as they are read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    /// Hold every write this many milliseconds after its bytes were read.
    pub delay_ms: u64,
    /// Plus a random 0..=jitter_ms on each write (writes keep their order).
    pub jitter_ms: u64,
    /// At most this many bytes per second.
    pub rate: Option<u64>,
    /// Write what was read in pieces of this many bytes (TCP 拆包).
    pub split: Option<usize>,
    /// Between two pieces of one split write, milliseconds.
    pub split_gap_ms: u64,
    /// Reads within this many milliseconds of the first go out as one write (TCP 粘包).
    pub merge_ms: Option<u64>,
    /// UDP: lose each datagram with this probability, in percent.
    pub drop_percent: f64,
    /// TCP: after this many bytes in this direction, cut the connection.
    pub cut_after: Option<u64>,
    /// The cut is a reset (RST) rather than a FIN.
    pub cut_reset: bool,
    /// Flip one byte of a write with this probability, in percent.
    pub corrupt_percent: f64,
    /// Hold everything until released (reading goes on until the relay's
    /// buffer is full, then TCP flow control holds the sender).
    pub paused: bool,
}

/// Which setting a [`FaultError`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultField {
    Delay,
    Jitter,
    Rate,
    Split,
    SplitGap,
    Merge,
    Drop,
    CutAfter,
    Corrupt,
}

/// A fault setting that cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FaultError {
    /// A probability outside 0–100 %.
    Percent { field: FaultField, value: f64 },
    /// A size, rate or window of 0, which would mean nothing or forever.
    Zero { field: FaultField },
    /// A time above [`MAX_FAULT_MS`].
    TooLong { field: FaultField, ms: u64 },
}

impl Faults {
    /// True when nothing is injected: the pump may write straight from its buffer.
    pub fn is_passthrough(&self) -> bool {
        *self == Faults::default()
    }

    /// Checks every setting; the first one that cannot be used is the error.
    pub fn check(&self) -> Result<(), FaultError> {
        for (field, value) in [
            (FaultField::Drop, self.drop_percent),
            (FaultField::Corrupt, self.corrupt_percent),
        ] {
            if !(0.0..=100.0).contains(&value) {
                return Err(FaultError::Percent { field, value });
            }
        }
        let zero = [
            (FaultField::Rate, self.rate == Some(0)),
            (FaultField::Split, self.split == Some(0)),
            (FaultField::Merge, self.merge_ms == Some(0)),
            (FaultField::CutAfter, self.cut_after == Some(0)),
        ];
        if let Some((field, _)) = zero.into_iter().find(|(_, is_zero)| *is_zero) {
            return Err(FaultError::Zero { field });
        }
        let times = [
            (FaultField::Delay, self.delay_ms),
            (FaultField::Jitter, self.jitter_ms),
            (FaultField::SplitGap, self.split_gap_ms),
            (FaultField::Merge, self.merge_ms.unwrap_or(0)),
        ];
        match times.into_iter().find(|(_, ms)| *ms > MAX_FAULT_MS) {
            Some((field, ms)) => Err(FaultError::TooLong { field, ms }),
            None => Ok(()),
        }
    }
}

/// Both directions' faults, changed by the handle and read by the pumps. A pump
/// keeps its own copy and takes a new one only when the generation moved, so a
/// read costs one atomic load, not a lock.
#[derive(Default)]
pub(crate) struct FaultBoard {
    faults: RwLock<[Arc<Faults>; 2]>,
    generation: AtomicU64,
}

impl FaultBoard {
    pub fn new(c2s: Faults, s2c: Faults) -> Self {
        FaultBoard {
            faults: RwLock::new([Arc::new(c2s), Arc::new(s2c)]),
            generation: AtomicU64::new(1),
        }
    }

    pub fn set(&self, direction: Direction, faults: Faults) {
        let mut all = self
            .faults
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        all[direction.index()] = Arc::new(faults);
        drop(all);
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    pub fn get(&self, direction: Direction) -> Arc<Faults> {
        self.faults
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)[direction.index()]
        .clone()
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Relaxed)
    }
}

/// A pump's copy of its direction's faults, refreshed when they change.
pub(crate) struct FaultView {
    direction: Direction,
    seen: u64,
    current: Arc<Faults>,
}

impl FaultView {
    pub fn new(board: &FaultBoard, direction: Direction) -> Self {
        FaultView {
            direction,
            seen: board.generation(),
            current: board.get(direction),
        }
    }

    /// The faults now in force.
    pub fn current(&mut self, board: &FaultBoard) -> &Faults {
        let generation = board.generation();
        if generation != self.seen {
            self.seen = generation;
            self.current = board.get(self.direction);
        }
        &self.current
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_passes_through_and_is_valid() {
        assert!(Faults::default().is_passthrough());
        assert_eq!(Faults::default().check(), Ok(()));
        let paused = Faults {
            paused: true,
            ..Faults::default()
        };
        assert!(!paused.is_passthrough());
    }

    #[test]
    fn bad_settings_are_named() {
        let bad = |faults: Faults| faults.check().unwrap_err();
        assert_eq!(
            bad(Faults {
                drop_percent: 100.5,
                ..Faults::default()
            }),
            FaultError::Percent {
                field: FaultField::Drop,
                value: 100.5
            }
        );
        assert_eq!(
            bad(Faults {
                corrupt_percent: -1.0,
                ..Faults::default()
            }),
            FaultError::Percent {
                field: FaultField::Corrupt,
                value: -1.0
            }
        );
        assert!(matches!(
            bad(Faults {
                corrupt_percent: f64::NAN,
                ..Faults::default()
            }),
            FaultError::Percent { .. }
        ));
        assert_eq!(
            bad(Faults {
                split: Some(0),
                ..Faults::default()
            }),
            FaultError::Zero {
                field: FaultField::Split
            }
        );
        assert_eq!(
            bad(Faults {
                delay_ms: MAX_FAULT_MS + 1,
                ..Faults::default()
            }),
            FaultError::TooLong {
                field: FaultField::Delay,
                ms: MAX_FAULT_MS + 1
            }
        );
    }

    #[test]
    fn a_view_sees_changes() {
        let board = FaultBoard::new(Faults::default(), Faults::default());
        let mut view = FaultView::new(&board, Direction::S2c);
        assert!(view.current(&board).is_passthrough());
        board.set(
            Direction::S2c,
            Faults {
                paused: true,
                ..Faults::default()
            },
        );
        assert!(view.current(&board).paused);
        assert!(board.get(Direction::C2s).is_passthrough());
    }
}
