//! Round-trip times in an HdrHistogram: nanoseconds, 3 significant digits, from
//! 1 ns to a minute, in a fixed ~220 KiB whatever the run's length. Each worker
//! records into its own (an uncontended lock per reply); a snapshot merges them.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use hdrhistogram::Histogram;

/// The longest round trip kept apart; longer ones count as this.
const HIGHEST_NS: u64 = 60_000_000_000;
/// Bars per decade in [`RttStats::buckets`].
const BUCKETS_PER_DECADE: f64 = 10.0;

/// One worker's round-trip times.
pub(super) struct RttRecorder(Mutex<Histogram<u64>>);

impl RttRecorder {
    pub fn new() -> Self {
        RttRecorder(Mutex::new(empty()))
    }

    pub fn record(&self, rtt: Duration) {
        let nanos = u64::try_from(rtt.as_nanos()).unwrap_or(u64::MAX);
        self.lock().saturating_record(nanos.clamp(1, HIGHEST_NS));
    }

    fn lock(&self) -> MutexGuard<'_, Histogram<u64>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn empty() -> Histogram<u64> {
    Histogram::new_with_bounds(1, HIGHEST_NS, 3).expect("constant bounds are valid")
}

/// The round trips of a whole run so far, summed over its workers.
pub(super) fn merge<'a>(recorders: impl IntoIterator<Item = &'a RttRecorder>) -> Histogram<u64> {
    let mut all = empty();
    for recorder in recorders {
        // Same bounds on both sides: adding cannot fail.
        let _ = all.add(&*recorder.lock());
    }
    all
}

/// Percentiles of the round-trip times, in microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RttSummary {
    pub count: u64,
    pub p50_us: f64,
    pub p90_us: f64,
    pub p99_us: f64,
    pub p999_us: f64,
    pub max_us: f64,
    pub mean_us: f64,
}

/// One bar of the round-trip histogram: how many fell in `[low_us, high_us)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RttBucket {
    pub low_us: f64,
    pub high_us: f64,
    pub count: u64,
}

/// What a snapshot tells of round trips: the percentiles over the run and since
/// the last snapshot, and the bars to plot.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RttStats {
    pub summary: Option<RttSummary>,
    /// Since the previous snapshot (to plot over time).
    pub recent: Option<RttSummary>,
    pub buckets: Vec<RttBucket>,
}

impl RttStats {
    /// From the run's round trips so far, and those of the previous snapshot.
    pub(super) fn from_histograms(all: &Histogram<u64>, before: Option<&Histogram<u64>>) -> Self {
        let mut recent = all.clone();
        let recent = match before {
            Some(before) if recent.subtract(before).is_ok() => summarize(&recent),
            _ => summarize(all),
        };
        RttStats {
            summary: summarize(all),
            recent,
            buckets: if all.is_empty() {
                Vec::new()
            } else {
                buckets(all)
            },
        }
    }
}

fn summarize(histogram: &Histogram<u64>) -> Option<RttSummary> {
    if histogram.is_empty() {
        return None;
    }
    let us = |nanos: u64| histogram.highest_equivalent(nanos) as f64 / 1000.0;
    let at = |quantile: f64| us(histogram.value_at_quantile(quantile));
    let summary = RttSummary {
        count: histogram.len(),
        p50_us: at(0.5),
        p90_us: at(0.9),
        p99_us: at(0.99),
        p999_us: at(0.999),
        max_us: us(histogram.max()),
        mean_us: histogram.mean() / 1000.0,
    };
    Some(summary)
}

/// Log-spaced bars (ten a decade) from the fastest round trip to the slowest; each
/// recorded value falls in exactly one.
fn buckets(histogram: &Histogram<u64>) -> Vec<RttBucket> {
    let decade = |nanos: u64| (nanos.max(1) as f64).log10();
    let first = decade(histogram.min()).floor();
    let index = |nanos: u64| ((decade(nanos) - first) * BUCKETS_PER_DECADE).floor() as usize;
    let mut bars: Vec<RttBucket> = (0..=index(histogram.max()))
        .map(|i| {
            let bound = |i: usize| 10f64.powf(first + i as f64 / BUCKETS_PER_DECADE) / 1000.0;
            RttBucket {
                low_us: bound(i),
                high_us: bound(i + 1),
                count: 0,
            }
        })
        .collect();
    for value in histogram.iter_recorded() {
        let nanos = histogram.median_equivalent(value.value_iterated_to());
        let last = bars.len().saturating_sub(1);
        if let Some(bar) = bars.get_mut(index(nanos).min(last)) {
            bar.count += value.count_at_value();
        }
    }
    bars
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_and_bars_hold_what_was_recorded() {
        let recorders = [RttRecorder::new(), RttRecorder::new()];
        for micros in 1..=1000u64 {
            recorders[(micros % 2) as usize].record(Duration::from_micros(micros));
        }
        let stats = RttStats::from_histograms(&merge(&recorders), None);
        let summary = stats.summary.expect("recorded");
        assert_eq!(summary.count, 1000);
        assert!((summary.p50_us - 500.0).abs() < 1.0, "{summary:?}");
        assert!((summary.p99_us - 990.0).abs() < 1.0, "{summary:?}");
        assert!((summary.max_us - 1000.0).abs() < 1.0, "{summary:?}");
        let total: u64 = stats.buckets.iter().map(|bar| bar.count).sum();
        assert_eq!(total, 1000);
    }

    #[test]
    fn no_round_trips_no_summary() {
        let stats = RttStats::from_histograms(&merge(&[RttRecorder::new()]), None);
        assert_eq!(stats, RttStats::default());
    }
}
