//! How a load run prints: a progress line a second, and the summary whose JSON
//! shape scripts rely on:
//! `{"event":"summary","connected","failed","sent","received","errors":{…},
//! "rtt_us":{"p50","p90","p99","p999","max"},"msgs_per_s","mb_per_s"}`.

use std::time::Duration;

use serde_json::json;

use super::super::output::Printer;
use crate::engine::load::{LoadSnapshot, round};

/// Keeps the last snapshot, to say what the last second did.
#[derive(Default)]
pub struct Progress {
    last: Option<(Duration, u64, u64)>,
}

impl Progress {
    pub fn print(&mut self, printer: &Printer, snapshot: &LoadSnapshot) {
        let (secs, sent, bytes) = self.last.unwrap_or_default();
        let span = snapshot.elapsed.saturating_sub(secs).as_secs_f64();
        let per_s = |now: u64, then: u64| {
            if span > 0.0 {
                now.saturating_sub(then) as f64 / span
            } else {
                0.0
            }
        };
        let msgs_per_s = per_s(snapshot.sent, sent);
        let mb_per_s = per_s(snapshot.bytes_sent, bytes) / 1e6;
        self.last = Some((snapshot.elapsed, snapshot.sent, snapshot.bytes_sent));
        let rtt = snapshot.rtt.summary;
        let texts = printer.lang.texts();
        printer.event(
            "progress",
            json!({
                "secs": round(snapshot.elapsed.as_secs_f64(), 3),
                "connected": snapshot.connected,
                "open": snapshot.open,
                "failed": snapshot.failed,
                "sent": snapshot.sent,
                "received": snapshot.received,
                "msgs_per_s": round(msgs_per_s, 1),
                "mb_per_s": round(mb_per_s, 3),
                "rtt_us": rtt.map(|rtt| json!({ "p50": round(rtt.p50_us, 1), "p99": round(rtt.p99_us, 1) })),
            }),
            &texts.load_progress(snapshot, msgs_per_s, mb_per_s),
        );
    }
}

/// The final counts, rates and round-trip times.
pub fn summary(printer: &Printer, snapshot: &LoadSnapshot) {
    let texts = printer.lang.texts();
    let line = texts.load_summary(snapshot);
    printer.event("summary", snapshot.summary_json(), &line);
}
