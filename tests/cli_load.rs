//! `netdbg load tcp|udp` against `netdbg echo` on loopback: every connection up and
//! every reply back, round-trip fields that make sense, the JSON summary's shape,
//! a refusing target, bad input.

mod support;

use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

use serde_json::Value;
use support::{Finished, JsonProcess, netdbg, port_of, run_bounded};

const LIMIT: Duration = Duration::from_secs(30);
const SUMMARY_KEYS: [&str; 9] = [
    "connected",
    "errors",
    "event",
    "failed",
    "mb_per_s",
    "msgs_per_s",
    "received",
    "rtt_us",
    "sent",
];
const RTT_KEYS: [&str; 5] = ["max", "p50", "p90", "p99", "p999"];

fn echo(transport: &str) -> (JsonProcess, String) {
    let mut command = netdbg();
    command.args([
        "echo",
        transport,
        "--bind",
        "127.0.0.1:0",
        "--max-clients",
        "2000",
        "--json",
    ]);
    let mut process = JsonProcess::spawn(&mut command, LIMIT);
    let listening = process.wait_for("listening", |e| e["event"] == "listening");
    let addr = SocketAddr::from(([127, 0, 0, 1], port_of(&listening)));
    (process, addr.to_string())
}

fn load(args: &[&str]) -> Finished {
    run_bounded(netdbg().arg("load").args(args).arg("--json"), LIMIT)
}

/// The summary, checked for the documented shape (and nothing else).
#[track_caller]
fn summary(done: &Finished) -> Value {
    let summary = done.event("summary");
    let mut keys: Vec<&str> = summary
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, SUMMARY_KEYS, "{summary}");
    let mut rtt: Vec<&str> = summary["rtt_us"]
        .as_object()
        .expect("rtt_us is an object")
        .keys()
        .map(String::as_str)
        .collect();
    rtt.sort_unstable();
    assert_eq!(rtt, RTT_KEYS, "{summary}");
    summary
}

/// Round trips present and ordered: 0 < p50 ≤ p90 ≤ p99 ≤ p99.9 ≤ max < the timeout.
#[track_caller]
fn assert_sane_rtt(summary: &Value) {
    let values: Vec<f64> = ["p50", "p90", "p99", "p999", "max"]
        .iter()
        .map(|key| summary["rtt_us"][key].as_f64().expect("a round-trip time"))
        .collect();
    assert!(values[0] > 0.0, "{summary}");
    assert!(values.windows(2).all(|w| w[0] <= w[1]), "{summary}");
    assert!(values[4] < 5_000_000.0, "{summary}");
}

fn errors_total(summary: &Value) -> u64 {
    summary["errors"]
        .as_object()
        .expect("errors")
        .values()
        .map(|count| count.as_u64().expect("a count"))
        .sum()
}

#[test]
fn tcp_storm_gets_every_reply_on_every_connection() {
    let (_echo, addr) = echo("tcp");
    let done = load(&[
        "tcp",
        "--to",
        &addr,
        "--connections",
        "1000",
        "--messages",
        "3",
        "--size",
        "100",
        "--expect-reply",
    ]);
    assert_eq!(done.status.code(), Some(0), "{}", done.stderr);
    let summary = summary(&done);
    assert_eq!(summary["connected"], 1000, "{summary}");
    assert_eq!(summary["failed"], 0, "{summary}");
    assert_eq!(summary["sent"], 3000, "{summary}");
    assert_eq!(summary["received"], 3000, "{summary}");
    assert_eq!(errors_total(&summary), 0, "{summary}");
    assert_sane_rtt(&summary);
    assert!(summary["msgs_per_s"].as_f64().expect("a rate") > 0.0);
}

#[test]
fn tcp_framed_replies_with_variables_are_counted_one_frame_each() {
    let (_echo, addr) = echo("tcp");
    let done = load(&[
        "tcp",
        "--to",
        &addr,
        "--connections",
        "4",
        "--connect-rate",
        "100",
        "--messages",
        "50",
        "--payload",
        "ping ${seq}",
        "--vars",
        "--lf",
        "--frame",
        "line",
        "--expect-reply",
    ]);
    assert_eq!(done.status.code(), Some(0), "{}", done.stderr);
    let summary = summary(&done);
    assert_eq!(summary["sent"], 200, "{summary}");
    assert_eq!(summary["received"], 200, "{summary}");
    assert_sane_rtt(&summary);
}

#[test]
fn tcp_duration_paces_each_connection_and_reports_progress() {
    let (_echo, addr) = echo("tcp");
    let (connections, rate, secs) = (2.0, 200.0, 1.5);
    let done = load(&[
        "tcp",
        "--to",
        &addr,
        "--connections",
        "2",
        "--rate",
        "200",
        "--secs",
        "1.5",
        "--expect-reply",
    ]);
    assert_eq!(done.status.code(), Some(0), "{}", done.stderr);
    assert!(
        done.events().iter().any(|e| e["event"] == "progress"),
        "{}",
        done.stdout
    );
    let summary = summary(&done);
    let sent = summary["sent"].as_f64().expect("sent");
    let due = connections * rate * secs;
    assert!((sent - due).abs() <= connections * 2.0, "{sent} vs {due}");
    assert_eq!(summary["received"], summary["sent"], "{summary}");
}

#[test]
fn udp_count_with_echoes_times_each() {
    let (_echo, addr) = echo("udp");
    let done = load(&[
        "udp",
        "--to",
        &addr,
        "--count",
        "500",
        "--rate",
        "5000",
        "--size",
        "200",
        "--expect-reply",
    ]);
    assert_eq!(done.status.code(), Some(0), "{}", done.stderr);
    let summary = summary(&done);
    assert_eq!(summary["connected"], 1, "{summary}");
    assert_eq!(summary["sent"], 500, "{summary}");
    assert_eq!(summary["received"], 500, "{summary}");
    assert_sane_rtt(&summary);
    let rate = summary["msgs_per_s"].as_f64().expect("a rate");
    assert!(rate > 4000.0 && rate < 5050.0, "{summary}");
}

#[test]
fn udp_without_an_echo_exits_1() {
    // A port nothing listens on: ICMP says refused (or nothing comes back).
    let free = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
    let addr = free.local_addr().expect("addr").to_string();
    drop(free);
    let done = load(&[
        "udp",
        "--to",
        &addr,
        "--count",
        "20",
        "--rate",
        "1000",
        "--expect-reply",
        "--reply-timeout",
        "0.3",
    ]);
    assert_eq!(done.status.code(), Some(1), "{}", done.stderr);
    let summary = summary(&done);
    assert_eq!(summary["received"], 0, "{summary}");
    assert!(done.stderr.contains("no echo came back"), "{}", done.stderr);
}

#[test]
fn a_refusing_target_exits_1_with_each_connection_counted_refused() {
    let free = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = free.local_addr().expect("addr").to_string();
    drop(free);
    let done = load(&["tcp", "--to", &addr, "--connections", "5"]);
    assert_eq!(done.status.code(), Some(1), "{}", done.stderr);
    let summary = summary(&done);
    assert_eq!(summary["connected"], 0, "{summary}");
    assert_eq!(summary["failed"], 5, "{summary}");
    assert_eq!(summary["errors"]["refused"], 5, "{summary}");
    assert_eq!(summary["rtt_us"]["p50"], Value::Null, "{summary}");
    let lines: Vec<&str> = done.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", done.stderr);
    assert!(
        lines[0].contains("nothing connected (refused 5)"),
        "{lines:?}"
    );
}

#[test]
fn a_peer_that_never_reads_ends_the_run_at_the_write_deadline() {
    // Accepts every connection and never reads: the sockets' buffers fill and each
    // connection's write waits for room that never comes.
    let sink = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = sink.local_addr().expect("addr").to_string();
    let held = std::thread::spawn(move || {
        let mut streams = Vec::new();
        for stream in sink.incoming().take(3) {
            streams.push(stream);
        }
        std::thread::sleep(Duration::from_secs(8));
    });
    let started = std::time::Instant::now();
    let done = load(&[
        "tcp",
        "--to",
        &addr,
        "--connections",
        "3",
        "--messages",
        "100000",
        "--size",
        "60000",
        "--reply-timeout",
        "1",
    ]);
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "took {:?}",
        started.elapsed()
    );
    let summary = summary(&done);
    assert_eq!(summary["connected"], 3, "{summary}");
    assert_eq!(summary["errors"]["timed_out"], 3, "{summary}");
    let sent = summary["sent"].as_u64().expect("sent");
    assert!(sent > 0 && sent < 300_000, "{summary}");
    drop(held);
}

#[test]
fn bad_input_exits_2_before_any_socket() {
    let witness = TcpListener::bind("127.0.0.1:0").expect("bind");
    witness.set_nonblocking(true).expect("nonblocking");
    let to = witness.local_addr().expect("addr").to_string();
    let cases: [(&[&str], &str); 9] = [
        (
            &["tcp", "--connections", "0"],
            "0 connections is not possible",
        ),
        (&["tcp", "--connections", "10001"], "from 1 to 10000"),
        (
            &["tcp", "--rate", "0"],
            "A rate of 0 per second is not possible",
        ),
        (&["tcp", "--connect-rate", "0"], "A connect rate of 0"),
        (&["tcp", "--messages", "0"], "0 messages would send nothing"),
        (&["tcp", "--frame", "idle:50"], "Idle framing"),
        (
            &["udp", "--size", "65508"],
            "over the UDP limit of 65507 bytes",
        ),
        (&["udp", "--rate", "-5"], "A rate of -5"),
        (&["udp", "--secs", "0"], "above 0"),
    ];
    for (args, expected) in cases {
        let mut command = netdbg();
        command
            .arg("load")
            .arg(args[0])
            .args(["--to", &to])
            .args(&args[1..]);
        let done = run_bounded(&mut command, LIMIT);
        assert_eq!(done.status.code(), Some(2), "{args:?}: {}", done.stderr);
        assert!(done.stdout.is_empty(), "{args:?}: {}", done.stdout);
        assert!(done.stderr.contains(expected), "{args:?}: {}", done.stderr);
    }
    assert!(witness.accept().is_err(), "a bad input opened a connection");
}

#[cfg(unix)]
#[test]
fn connections_over_the_open_files_limit_say_the_limit_and_how_to_raise_it() {
    let witness = TcpListener::bind("127.0.0.1:0").expect("bind");
    let to = witness.local_addr().expect("addr").to_string();
    let binary = env!("CARGO_BIN_EXE_netdbg");
    for (lang, expected) in [
        ("en", "over this process's open-files limit of 256"),
        ("zh", "文件数上限 256"),
    ] {
        // `ulimit -n` in sh sets the soft and the hard limit: netdbg cannot raise it.
        let script = format!(
            "ulimit -n 256 && exec {binary} --lang {lang} load tcp --to {to} --connections 1000"
        );
        let done = run_bounded(
            std::process::Command::new("sh").args(["-c", &script]),
            LIMIT,
        );
        assert_eq!(done.status.code(), Some(2), "{}", done.stderr);
        assert!(done.stderr.contains(expected), "{}", done.stderr);
        assert!(done.stderr.contains("ulimit -n 1064"), "{}", done.stderr);
        assert!(done.stderr.contains("limits.conf"), "{}", done.stderr);
    }
}
