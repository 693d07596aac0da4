//! The replay's clock: speed factors, and how late each send was against its
//! schedule (p50 and p99 of all sends, exact: one number per message, and the
//! messages are bounded).

use std::time::{Duration, Instant};

use super::SPEED_RANGE;

/// The longest a scaled gap may be (a recording left open over a weekend,
/// replayed at ×0.001): past this it waits as good as forever anyway.
const LONGEST: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// A speed factor as the user writes it: `2`, `0.5`, `x2` or `×2`; `None` unless
/// it is a number within [`SPEED_RANGE`].
pub fn parse_speed(text: &str) -> Option<f64> {
    let text = text.trim();
    let number = text.strip_prefix(['x', 'X', '×']).unwrap_or(text).trim();
    number
        .parse::<f64>()
        .ok()
        .filter(|speed| speed.is_finite() && SPEED_RANGE.contains(speed))
}

/// `offset` at `speed` (×2 halves it).
pub fn scaled(offset: Duration, speed: f64) -> Duration {
    Duration::try_from_secs_f64(offset.as_secs_f64() / speed)
        .unwrap_or(LONGEST)
        .min(LONGEST)
}

/// `base + after`, or as far as an `Instant` goes.
pub(super) fn instant_after(base: Instant, after: Duration) -> Instant {
    base.checked_add(after)
        .unwrap_or_else(|| base + Duration::from_secs(365 * 24 * 3600))
}

/// How late the sends were: the middle one and the 99th percentile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
    /// Sends measured.
    pub count: u64,
}

/// Every send's lateness, in nanoseconds.
#[derive(Debug, Default)]
pub(super) struct Lateness {
    nanos: Vec<u64>,
}

impl Lateness {
    pub(super) fn with_capacity(count: usize) -> Self {
        Lateness {
            nanos: Vec::with_capacity(count),
        }
    }

    pub(super) fn push(&mut self, late: Duration) {
        self.nanos
            .push(u64::try_from(late.as_nanos()).unwrap_or(u64::MAX));
    }

    pub(super) fn summary(&mut self) -> Option<Timing> {
        if self.nanos.is_empty() {
            return None;
        }
        self.nanos.sort_unstable();
        let at = |fraction: f64| {
            let rank = (fraction * self.nanos.len() as f64).ceil() as usize;
            Duration::from_nanos(self.nanos[rank.clamp(1, self.nanos.len()) - 1])
        };
        Some(Timing {
            p50: at(0.50),
            p99: at(0.99),
            max: at(1.0),
            count: self.nanos.len() as u64,
        })
    }
}

/// Waits the last stretch before `deadline` without sleeping: the OS wakes a
/// sleeper up to a scheduler tick late, a spin is within microseconds. No
/// `yield_now`: on a busy machine a yield hands the core away for a whole slice.
pub(super) fn spin_until(deadline: Instant) {
    while Instant::now() < deadline {
        std::hint::spin_loop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speeds_are_numbers_within_range() {
        assert_eq!(parse_speed("2"), Some(2.0));
        assert_eq!(parse_speed(" x0.5 "), Some(0.5));
        assert_eq!(parse_speed("×2"), Some(2.0));
        for bad in ["0", "-1", "abc", "", "NaN", "inf", "1e9"] {
            assert_eq!(parse_speed(bad), None, "{bad}");
        }
    }

    #[test]
    fn percentiles_are_ranks_of_the_sorted_sends() {
        let mut late = Lateness::default();
        for micros in (1..=100).rev() {
            late.push(Duration::from_micros(micros));
        }
        let timing = late.summary().expect("sends");
        assert_eq!(timing.p50, Duration::from_micros(50));
        assert_eq!(timing.p99, Duration::from_micros(99));
        assert_eq!(timing.max, Duration::from_micros(100));
        assert_eq!(Lateness::default().summary(), None);
    }

    #[test]
    fn scaling_divides_by_the_speed_and_stays_finite() {
        assert_eq!(scaled(Duration::from_secs(2), 2.0), Duration::from_secs(1));
        assert_eq!(scaled(Duration::from_secs(1), 0.5), Duration::from_secs(2));
        assert_eq!(scaled(Duration::MAX, 0.001), LONGEST);
    }
}
