//! Rate pacing against a fixed start: message k is due at `start + k / rate`, so a
//! late wake-up makes the next messages go out sooner instead of pushing every later
//! one back (no drift from accumulated sleeps). A sender that fell behind catches up
//! in a burst; over the run the count sent by any instant is the count due by then.

use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
pub struct Pace {
    start: Instant,
    /// Seconds between two messages.
    interval: f64,
}

impl Pace {
    /// `rate` in messages per second, above 0 (checked by the config).
    pub fn new(start: Instant, rate: f64) -> Self {
        Pace {
            start,
            interval: 1.0 / rate,
        }
    }

    /// When message `k` (from 0) is due.
    pub fn due(&self, k: u64) -> Instant {
        self.start + Duration::from_secs_f64(k as f64 * self.interval)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_times_come_from_the_start_not_from_the_last_send() {
        let start = Instant::now();
        let pace = Pace::new(start, 1000.0);
        assert_eq!(pace.due(0), start);
        assert_eq!(pace.due(1000), start + Duration::from_secs(1));
        assert_eq!(pace.due(2500), start + Duration::from_millis(2500));
    }
}
