//! Part 1's figures: the rows printed, and the `RESULT` lines.

use std::time::Duration;

use super::many_clients::{ClientsRun, LONG_GAP};
use crate::Options;
use crate::common::figures::{mib, opt};
use crate::common::role::parse_field;

pub fn report_clients(options: &Options, run: &ClientsRun) -> Vec<String> {
    let tally = &run.tally;
    let replied = |key: &str| parse_field(&run.replied, key).unwrap_or(f64::NAN);
    let closed = |key: &str| parse_field(&run.closed, key).unwrap_or(f64::NAN);
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    // A stall at the very end (a client waiting out a SYN retry) should not hide the
    // rate of the burst, so the rate is also given over the first 99 %.
    let most = (options.clients * 99).div_ceil(100);
    let rss_per_client = (run.full.rss_kib as f64 - run.idle.rss_kib as f64) * 1024.0
        / tally.connected().max(1) as f64;
    let all_closed_secs = run.all_closed.map_or(f64::NAN, |d| d.as_secs_f64());
    let row = |name: &str, value: String| println!("   {name:<24} {value}");

    for trouble in &run.trouble {
        println!("   NOTE: {trouble}");
    }
    row(
        "Connected events",
        format!(
            "{} of {} (refused {}, accept failures {}, send failures {})",
            tally.connected(),
            options.clients,
            tally.refused,
            tally.accept_failed,
            tally.send_failed
        ),
    );
    row(
        "accept rate",
        format!(
            "{:.0}/s over all ({:.3} s first→last Connected), {:.0}/s over the first 99 % \
             ({:.3} s); largest gap {:.1} ms, {} gaps >= {} ms",
            tally.accept_rate(usize::MAX),
            tally.accept_span(usize::MAX).as_secs_f64(),
            tally.accept_rate(most),
            tally.accept_span(most).as_secs_f64(),
            ms(tally.largest_accept_gap),
            tally.long_gaps,
            LONG_GAP.as_millis()
        ),
    );
    row(
        "client side",
        format!(
            "all connected after {:.3} s, all replies in after {:.3} s; slowest connect {:.1} ms",
            replied("connect_secs"),
            replied("reply_secs"),
            replied("slowest_connect_ms")
        ),
    );
    row(
        "replies",
        format!(
            "{} exactly 收到, {} wrong, {} missing, {} closed early, {} connect errors, {} \
             send errors",
            replied("ok"),
            replied("wrong"),
            replied("missing"),
            replied("early_close"),
            replied("connect_errors"),
            replied("write_errors"),
        ),
    );
    let c = &run.counters;
    row(
        "server events, counters",
        format!(
            "Received {} ({} B, {} not exactly 你好), auto Sent {} ({} B); counters rx {} / \
             {} B, tx {} / {} B",
            tally.received,
            tally.received_bytes,
            tally.received_odd,
            tally.sent_auto,
            tally.sent_bytes,
            c.rx_packets,
            c.rx_bytes,
            c.tx_packets,
            c.tx_bytes
        ),
    );
    row(
        "server, all connected",
        format!(
            "client_count {}, Threads {} (idle {}), open fds {}, VmRSS {} (idle {}; {:.1} KiB \
             per client), VmHWM {}{}",
            run.client_count,
            run.full.threads,
            run.idle.threads,
            opt(run.fds_full),
            mib(run.full.rss_kib),
            mib(run.idle.rss_kib),
            rss_per_client / 1024.0,
            mib(run.full.hwm_kib),
            if run.peak_reset { "" } else { " (not reset)" },
        ),
    );
    row(
        "disconnect_all",
        format!(
            "call {:.1} ms; last Closed event {all_closed_secs:.3} s after ({} of them ByUs); \
             clients saw every end within {:.3} s ({} EOF, {} reset, {} still open, {} B \
             extra)",
            ms(run.disconnect_call),
            tally.closed_by_us,
            closed("secs"),
            closed("eof"),
            closed("reset"),
            closed("open"),
            closed("extra_bytes"),
        ),
    );
    row(
        "server, handle dropped",
        format!(
            "Threads {} after {:.2} s, VmRSS {}",
            run.after.threads,
            run.threads_exit.as_secs_f64(),
            mib(run.after.rss_kib)
        ),
    );
    row(
        "kernel listen overflows",
        run.listen_overflows.map_or_else(
            || "n/a".to_owned(),
            |(overflows, drops)| format!("{overflows} (drops {drops}; whole machine)"),
        ),
    );
    if let Some(problem) = &tally.first_problem {
        row("first problem", problem.clone());
    }

    vec![
        format!(
            "RESULT clients target={} connected={} replies_ok={} accept_rate={:.0} \
             accept_span_secs={:.3} accept_rate_99={:.0} largest_accept_gap_ms={:.1} \
             connect_secs={:.3} all_replies_secs={:.3} slowest_connect_ms={:.1} refused={} \
             accept_failed={} listen_overflows={}",
            options.clients,
            tally.connected(),
            replied("ok"),
            tally.accept_rate(usize::MAX),
            tally.accept_span(usize::MAX).as_secs_f64(),
            tally.accept_rate(most),
            ms(tally.largest_accept_gap),
            replied("connect_secs"),
            replied("reply_secs"),
            replied("slowest_connect_ms"),
            tally.refused,
            tally.accept_failed,
            opt(run.listen_overflows.map(|(overflows, _)| overflows)),
        ),
        format!(
            "RESULT clients_memory rss_idle_kib={} rss_full_kib={} vmhwm_kib={} \
             rss_per_client_bytes={rss_per_client:.0} fds_full={} threads_idle={} \
             threads_full={} threads_after={} rss_after_kib={}",
            run.idle.rss_kib,
            run.full.rss_kib,
            run.full.hwm_kib,
            opt(run.fds_full),
            run.idle.threads,
            run.full.threads,
            run.after.threads,
            run.after.rss_kib,
        ),
        format!(
            "RESULT clients_disconnect call_ms={:.1} all_closed_secs={all_closed_secs:.3} \
             closed={} closed_by_us={} clients_saw_close_secs={:.3}",
            ms(run.disconnect_call),
            tally.closed,
            tally.closed_by_us,
            closed("secs"),
        ),
    ]
}
