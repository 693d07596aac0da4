//! What one run measured: CPU use while sending, and the spread of gaps, jitter and
//! lateness computed from the arrivals.

use std::time::{Duration, Instant};

use super::receiver::Arrival;
use super::senders::{Kind, Sent};
use super::tables::pct;
use crate::common::procfs::{TICKS_PER_SEC, cpu_jiffies, cpu_ticks};

/// CPU use while sending: all CPUs (everyone's work, from /proc/stat's tick-sampled
/// counters, so short wake-ups are undercounted) and this process's own (to 10 ms).
#[derive(Debug, Clone, Copy)]
pub struct CpuSample {
    at: Instant,
    /// (busy, total) jiffies of all CPUs.
    system: Option<(u64, u64)>,
    /// This process's user + system time, in clock ticks (USER_HZ, 100 on Linux).
    own_ticks: Option<u64>,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct CpuUse {
    /// Percent of all CPUs busy.
    pub system: Option<f64>,
    /// Percent of one CPU used by this bench (sender, receiver, engine threads).
    pub own: Option<f64>,
}

impl CpuSample {
    pub fn now() -> Self {
        let system = cpu_jiffies();
        let own_ticks = cpu_ticks("self").map(|ticks| ticks.own());
        CpuSample {
            at: Instant::now(),
            system,
            own_ticks,
        }
    }

    pub fn until_now(self) -> CpuUse {
        let now = CpuSample::now();
        let wall = (now.at - self.at).as_secs_f64();
        let system = match (self.system, now.system) {
            (Some((busy0, total0)), Some((busy1, total1))) if total1 > total0 => {
                Some(busy1.saturating_sub(busy0) as f64 * 100.0 / (total1 - total0) as f64)
            }
            _ => None,
        };
        let own = match (self.own_ticks, now.own_ticks) {
            (Some(before), Some(after)) if wall > 0.0 => {
                Some(after.saturating_sub(before) as f64 / TICKS_PER_SEC / wall * 100.0)
            }
            _ => None,
        };
        CpuUse { system, own }
    }
}

/// Nearest-rank percentiles of a set of values in µs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Spread {
    pub min: f64,
    pub p50: f64,
    pub p99: f64,
    pub p999: f64,
    pub max: f64,
}

impl Spread {
    fn of(mut values: Vec<f64>) -> Self {
        if values.is_empty() {
            return Spread::default();
        }
        values.sort_by(f64::total_cmp);
        let rank = |p: f64| {
            let at = ((p / 100.0) * values.len() as f64).ceil() as usize;
            values[at.clamp(1, values.len()) - 1]
        };
        Spread {
            min: values[0],
            p50: rank(50.0),
            p99: rank(99.0),
            p999: rank(99.9),
            max: values[values.len() - 1],
        }
    }
}

pub struct Report {
    pub kind: Kind,
    pub interval: Duration,
    pub sent: Sent,
    pub cpu: CpuUse,
    pub received: u64,
    /// Receiver side: (received − 1) / (last arrival − first arrival).
    pub rx_rate: f64,
    pub gaps: Spread,
    /// |gap − interval|.
    pub jitter: Spread,
    /// arrival_n − (arrival_0 + n × interval).
    pub late: Spread,
    /// Lateness of the last datagram: how far the run drifted in all.
    pub late_last: f64,
    /// arrival_n − (call_0 + n × interval): against the sender's own schedule, so a
    /// first datagram that happened to arrive late does not shift every other one.
    pub e2e_late: Spread,
    /// call_n − (call_0 + n × interval): the timer alone.
    pub call_late: Spread,
    /// Send calls less than half an interval after the previous one: catch-up bursts
    /// after a stall.
    pub catch_up: usize,
    /// arrival_n − call_n: the send path (and the receiver's wake-up).
    pub hop: Spread,
}

impl Report {
    pub fn new(
        kind: Kind,
        interval: Duration,
        sent: Sent,
        cpu: CpuUse,
        arrivals: &[Arrival],
    ) -> Self {
        let iv = interval.as_secs_f64() * 1e6;
        let pairs = || arrivals.windows(2).map(|pair| (pair[0], pair[1]));
        let gaps: Vec<f64> = pairs().map(|(a, b)| b.arrived - a.arrived).collect();
        let catch_up = pairs()
            .filter(|(a, b)| b.called - a.called < iv / 2.0)
            .count();
        let jitter = gaps.iter().map(|gap| (gap - iv).abs()).collect();
        let first = arrivals.first().copied();
        let against = |at: fn(&Arrival) -> f64, base: fn(&Arrival) -> f64| -> Vec<f64> {
            let Some(first) = first else {
                return Vec::new();
            };
            let ideal = |a: &Arrival| base(&first) + (a.seq as f64 - first.seq as f64) * iv;
            arrivals.iter().map(|a| at(a) - ideal(a)).collect()
        };
        let late = against(|a| a.arrived, |a| a.arrived);
        let rx_rate = match (first, arrivals.last()) {
            (Some(first), Some(last)) if last.arrived > first.arrived => {
                (arrivals.len() - 1) as f64 * 1e6 / (last.arrived - first.arrived)
            }
            _ => 0.0,
        };
        Report {
            kind,
            interval,
            sent,
            cpu,
            received: arrivals.len() as u64,
            rx_rate,
            gaps: Spread::of(gaps),
            jitter: Spread::of(jitter),
            late_last: late.last().copied().unwrap_or(0.0),
            late: Spread::of(late),
            e2e_late: Spread::of(against(|a| a.arrived, |a| a.called)),
            call_late: Spread::of(against(|a| a.called, |a| a.called)),
            catch_up,
            hop: Spread::of(arrivals.iter().map(|a| a.arrived - a.called).collect()),
        }
    }

    pub fn result_line(&self) -> String {
        let spread = |name: &str, s: &Spread| {
            format!(
                " {name}_min_us={:.1} {name}_p50_us={:.1} {name}_p99_us={:.1} \
                 {name}_p999_us={:.1} {name}_max_us={:.1}",
                s.min, s.p50, s.p99, s.p999, s.max
            )
        };
        format!(
            "RESULT {} interval_us={} sent={} send_errors={} send_rate={:.2} recv={} \
             rx_rate={:.2} own_cpu_pct={} sys_cpu_pct={}{}{}{} late_last_us={:.1}{}{} \
             catch_up={}{}",
            self.kind.label(),
            self.interval.as_micros(),
            self.sent.count,
            self.sent.errors,
            self.sent.rate,
            self.received,
            self.rx_rate,
            pct(self.cpu.own),
            pct(self.cpu.system),
            spread("gap", &self.gaps),
            spread("jitter", &self.jitter),
            spread("late", &self.late),
            self.late_last,
            spread("e2e_late", &self.e2e_late),
            spread("call_late", &self.call_late),
            self.catch_up,
            spread("hop", &self.hop),
        )
    }
}
