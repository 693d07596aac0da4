//! A run's counters, exact and shared by its workers (atomics), and the snapshot a
//! consumer gets of them.

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::rtt::{RttStats, RttSummary};

/// Why a connection failed to come up, or a message went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LoadFault {
    /// Nothing listens there (TCP RST to the SYN; UDP: ICMP port unreachable).
    Refused,
    /// The connect took longer than the connect timeout.
    TimedOut,
    /// The peer reset the connection.
    Reset,
    /// The peer closed before every reply came.
    Closed,
    /// A reply did not come within the reply timeout (UDP: an echo that never came).
    ReplyTimeout,
    /// Anything else (no route, no ports left, a reply frame that broke the framing…).
    Other,
}

impl LoadFault {
    pub const ALL: [LoadFault; 6] = [
        LoadFault::Refused,
        LoadFault::TimedOut,
        LoadFault::Reset,
        LoadFault::Closed,
        LoadFault::ReplyTimeout,
        LoadFault::Other,
    ];

    /// The key in JSON and CSV.
    pub fn key(self) -> &'static str {
        match self {
            LoadFault::Refused => "refused",
            LoadFault::TimedOut => "timed_out",
            LoadFault::Reset => "reset",
            LoadFault::Closed => "closed",
            LoadFault::ReplyTimeout => "reply_timeout",
            LoadFault::Other => "other",
        }
    }

    pub fn from_io(err: &io::Error) -> Self {
        match err.kind() {
            io::ErrorKind::ConnectionRefused => LoadFault::Refused,
            io::ErrorKind::TimedOut => LoadFault::TimedOut,
            io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe => LoadFault::Reset,
            _ => LoadFault::Other,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// How many of each fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FaultCounts([u64; 6]);

impl FaultCounts {
    pub fn get(&self, fault: LoadFault) -> u64 {
        self.0[fault.index()]
    }

    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }

    /// Every fault with its count, in [`LoadFault::ALL`]'s order.
    pub fn iter(&self) -> impl Iterator<Item = (LoadFault, u64)> + '_ {
        LoadFault::ALL
            .into_iter()
            .map(|fault| (fault, self.get(fault)))
    }
}

/// The counters the workers add to.
pub(super) struct LoadStats {
    pub start: Instant,
    connected: AtomicU64,
    closed: AtomicU64,
    failed: AtomicU64,
    sent: AtomicU64,
    received: AtomicU64,
    bytes_sent: AtomicU64,
    bytes_received: AtomicU64,
    faults: [AtomicU64; 6],
    /// Nanoseconds from `start` to the first and the latest message sent.
    first_send: AtomicU64,
    last_send: AtomicU64,
}

impl LoadStats {
    pub fn new(start: Instant) -> Self {
        LoadStats {
            start,
            connected: AtomicU64::new(0),
            closed: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            sent: AtomicU64::new(0),
            received: AtomicU64::new(0),
            bytes_sent: AtomicU64::new(0),
            bytes_received: AtomicU64::new(0),
            faults: Default::default(),
            first_send: AtomicU64::new(u64::MAX),
            last_send: AtomicU64::new(0),
        }
    }

    pub fn connected(&self) {
        self.connected.fetch_add(1, Ordering::Relaxed);
    }

    /// A connection that was up has closed (for whatever reason).
    pub fn closed(&self) {
        self.closed.fetch_add(1, Ordering::Relaxed);
    }

    /// A connection that never came up.
    pub fn failed(&self, fault: LoadFault) {
        self.failed.fetch_add(1, Ordering::Relaxed);
        self.fault(fault);
    }

    pub fn fault(&self, fault: LoadFault) {
        self.faults[fault.index()].fetch_add(1, Ordering::Relaxed);
    }

    pub fn faults_add(&self, fault: LoadFault, count: u64) {
        self.faults[fault.index()].fetch_add(count, Ordering::Relaxed);
    }

    /// A message began to go out at `at` (taken right before the send call).
    pub fn message_sent(&self, at: Instant) {
        self.sent.fetch_add(1, Ordering::Relaxed);
        let nanos = self.since_start(at);
        self.first_send.fetch_min(nanos, Ordering::Relaxed);
        self.last_send.fetch_max(nanos, Ordering::Relaxed);
    }

    pub fn bytes_sent(&self, bytes: usize) {
        self.bytes_sent.fetch_add(bytes as u64, Ordering::Relaxed);
    }

    pub fn message_received(&self) {
        self.received.fetch_add(1, Ordering::Relaxed);
    }

    pub fn messages_received(&self, count: u64) {
        self.received.fetch_add(count, Ordering::Relaxed);
    }

    pub fn bytes_received(&self, bytes: usize) {
        self.bytes_received
            .fetch_add(bytes as u64, Ordering::Relaxed);
    }

    pub fn sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    pub fn received(&self) -> u64 {
        self.received.load(Ordering::Relaxed)
    }

    pub fn since_start(&self, at: Instant) -> u64 {
        u64::try_from(at.saturating_duration_since(self.start).as_nanos()).unwrap_or(u64::MAX)
    }

    pub fn snapshot(&self, now: Instant, rtt: RttStats, finished: bool) -> LoadSnapshot {
        let load = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        let connected = load(&self.connected);
        let mut faults = FaultCounts::default();
        for (slot, counter) in faults.0.iter_mut().zip(&self.faults) {
            *slot = load(counter);
        }
        let (first, last) = (load(&self.first_send), load(&self.last_send));
        LoadSnapshot {
            elapsed: now.saturating_duration_since(self.start),
            connected,
            open: connected.saturating_sub(load(&self.closed)),
            failed: load(&self.failed),
            sent: load(&self.sent),
            received: load(&self.received),
            bytes_sent: load(&self.bytes_sent),
            bytes_received: load(&self.bytes_received),
            faults,
            send_span: (first <= last).then(|| Duration::from_nanos(last - first)),
            rtt,
            finished,
        }
    }
}

/// A run as it stands (or, `finished`, as it ended).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LoadSnapshot {
    pub elapsed: Duration,
    /// Connections that came up (UDP: 1 once its socket is connected).
    pub connected: u64,
    /// Connections up right now.
    pub open: u64,
    /// Connections that never came up.
    pub failed: u64,
    /// Messages written whole (UDP: datagrams sent).
    pub sent: u64,
    /// Replies (frames, echoes, datagrams) received.
    pub received: u64,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    pub faults: FaultCounts,
    /// From the first message sent to the latest.
    pub send_span: Option<Duration>,
    pub rtt: RttStats,
    pub finished: bool,
}

impl LoadSnapshot {
    /// Messages sent per second, measured between the first send and the latest:
    /// `n` sends span `n − 1` intervals.
    pub fn msgs_per_s(&self) -> f64 {
        match self.send_span {
            Some(span) if self.sent > 1 && !span.is_zero() => {
                (self.sent - 1) as f64 / span.as_secs_f64()
            }
            _ => 0.0,
        }
    }

    /// The summary every consumer prints or exports, in the shape scripts rely on:
    /// `{"connected","failed","sent","received","errors":{…},
    /// "rtt_us":{"p50","p90","p99","p999","max"},"msgs_per_s","mb_per_s"}`
    /// (round trips `null` when there were none).
    pub fn summary_json(&self) -> serde_json::Value {
        use serde_json::{Map, Value, json};
        let errors: Map<String, Value> = self
            .faults
            .iter()
            .map(|(fault, count)| (fault.key().to_owned(), json!(count)))
            .collect();
        let rtt = self.rtt.summary;
        let us = |pick: fn(&RttSummary) -> f64| rtt.as_ref().map(|rtt| round(pick(rtt), 1));
        json!({
            "connected": self.connected,
            "failed": self.failed,
            "sent": self.sent,
            "received": self.received,
            "errors": errors,
            "rtt_us": {
                "p50": us(|r| r.p50_us),
                "p90": us(|r| r.p90_us),
                "p99": us(|r| r.p99_us),
                "p999": us(|r| r.p999_us),
                "max": us(|r| r.max_us),
            },
            "msgs_per_s": round(self.msgs_per_s(), 3),
            "mb_per_s": round(self.mb_per_s(), 3),
        })
    }

    /// Megabytes (10⁶ bytes) sent per second, at the same measure.
    pub fn mb_per_s(&self) -> f64 {
        if self.sent == 0 {
            return 0.0;
        }
        self.msgs_per_s() * (self.bytes_sent as f64 / self.sent as f64) / 1e6
    }
}

/// `value` to `digits` decimals, for printing.
pub fn round(value: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (value * scale).round() / scale
}
