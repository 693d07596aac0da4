//! How a load run prints: a progress line a second, and the summary whose JSON
//! shape scripts rely on:
//! `{"event":"summary","connected","failed","sent","received","errors":{…},
//! "rtt_us":{"p50","p90","p99","p999","max"},"msgs_per_s","mb_per_s"}`.

use std::time::Duration;

use serde_json::{Map, Value, json};

use super::super::output::Printer;
use crate::engine::load::{LoadSnapshot, RttSummary};
use crate::i18n::Lang;

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
    let errors: Map<String, Value> = snapshot
        .faults
        .iter()
        .map(|(fault, count)| (fault.key().to_owned(), json!(count)))
        .collect();
    let rtt = snapshot.rtt.summary;
    let us = |pick: fn(&RttSummary) -> f64| rtt.as_ref().map(|rtt| round(pick(rtt), 1));
    let fields = json!({
        "connected": snapshot.connected,
        "failed": snapshot.failed,
        "sent": snapshot.sent,
        "received": snapshot.received,
        "errors": errors,
        "rtt_us": {
            "p50": us(|r| r.p50_us),
            "p90": us(|r| r.p90_us),
            "p99": us(|r| r.p99_us),
            "p999": us(|r| r.p999_us),
            "max": us(|r| r.max_us),
        },
        "msgs_per_s": round(snapshot.msgs_per_s(), 1),
        "mb_per_s": round(snapshot.mb_per_s(), 3),
    });
    let texts = printer.lang.texts();
    let line = texts.load_summary(snapshot, &fault_list(printer.lang, snapshot));
    printer.event("summary", fields, &line);
}

/// "refused 3, reset 1" (or "none"), in the user's language.
pub fn fault_list(lang: Lang, snapshot: &LoadSnapshot) -> String {
    let texts = lang.texts();
    let named: Vec<String> = snapshot
        .faults
        .iter()
        .filter(|(_, count)| *count > 0)
        .map(|(fault, count)| format!("{} {count}", texts.load_fault(fault)))
        .collect();
    if named.is_empty() {
        texts.load_no_faults().to_owned()
    } else {
        named.join(", ")
    }
}

fn round(value: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (value * scale).round() / scale
}
