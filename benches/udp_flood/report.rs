//! The table rows and `RESULT` lines of one measurement.

use super::flood::{Outcome, Rate};
use crate::common::figures::{opt, or_dash};

pub fn header() {
    println!(
        "{:<7} {:>7} {:>10} {:>9} {:>10} {:>10} {:>7} {:>9} {:>8} {:>9} {:>6}",
        "recv",
        "target",
        "sent",
        "sent/s",
        "received",
        "delivered",
        "loss%",
        "recv/s",
        "k-drops",
        "ch-peak",
        "ratio"
    );
}

pub fn row(kind: &str, rate: Rate, outcome: &Outcome, ratio: Option<f64>) {
    println!(
        "{:<7} {:>7} {:>10} {:>9.0} {:>10} {:>10} {:>7.3} {:>9.0} {:>8} {:>9} {:>6}",
        kind,
        rate.label(),
        outcome.stats().sent,
        outcome.send_rate(),
        outcome.received,
        or_dash(outcome.delivered),
        outcome.loss_pct(),
        outcome.rx_rate(),
        opt(outcome.kernel_drops),
        or_dash(outcome.backlog_peak),
        or_dash(ratio.map(|r| format!("{r:.3}"))),
    );
}

pub fn result_line(kind: &str, rate: Rate, outcome: &Outcome) -> String {
    let stats = outcome.stats();
    let mut line = format!(
        "RESULT {kind} rate={} sent={} send_errors={} send_secs={:.3} send_rate={:.0} recv={} \
         loss={:.3}% rx_rate={:.0} kernel_rcvbuf_errors={}",
        rate.label(),
        stats.sent,
        stats.errors,
        stats.elapsed.as_secs_f64(),
        outcome.send_rate(),
        outcome.received,
        outcome.loss_pct(),
        outcome.rx_rate(),
        opt(outcome.kernel_drops),
    );
    if let (Some(delivered), Some(delivered_final), Some(backlog), Some(drain)) = (
        outcome.delivered,
        outcome.delivered_final,
        outcome.backlog_peak,
        outcome.drain,
    ) {
        line += &format!(
            " delivered={delivered} delivered_final={delivered_final} channel_peak={backlog} \
             drain_ms={:.1}",
            drain.as_secs_f64() * 1000.0
        );
    }
    line
}
