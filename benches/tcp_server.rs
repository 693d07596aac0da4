//! TCP server benchmark, loopback (127.0.0.1) only.
//!
//! 1. Many clients: a `TcpServer` with the tutorial's auto-reply (收到, GBK) takes
//!    `--clients` connections from a child process (this binary re-run with
//!    `--client-role`, so clients and server each have their own descriptor budget);
//!    every client sends 你好 and reads the reply. Reports the accept rate, the time
//!    until every reply is in, the server's memory and threads, and how long
//!    `disconnect_all` takes.
//! 2. Bulk: one connection sends as fast as it can in 64 KiB writes, to the engine (a
//!    consumer drains and drops the events, like the UI) and to a plain std read loop.
//!
//! Run: `cargo bench --bench tcp_server [-- --clients 10000 --client-threads 8
//!       --bulk-mib 2048 --bulk-secs 5 --bulk-runs 5]`

mod common;

use std::io::{self, Read, Seek, SeekFrom, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::process::{Child, ChildStdin};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use crossbeam_channel::{Receiver, select};
use netdbg::codec::TextEncoding;
use netdbg::engine::{
    AutoReply, AutoReplySpec, CloseReason, CounterSnapshot, TcpServer, TcpServerConfig,
    TcpServerEvent, no_waker,
};

use common::figures::{median, mib, opt, per_sec};
use common::join;
use common::procfs::{StatusFigures, net_counters, reset_peak_rss};
use common::role::{field, spawn_role};

/// 你好 and 收到 in GBK, written out so the check does not trust the engine's codec.
const HELLO_GBK: [u8; 4] = [0xC4, 0xE3, 0xBA, 0xC3];
const REPLY_GBK: [u8; 4] = [0xCA, 0xD5, 0xB5, 0xBD];
/// Connect, send and read every reply within this long, or count the rest as missing
/// (and close them, as a client that gives up would).
const REPLY_DEADLINE: Duration = Duration::from_secs(15);
/// After `disconnect_all`, every client must see its connection end within this long.
const CLOSE_DEADLINE: Duration = Duration::from_secs(5);
/// How long the server's threads get to exit after the last client is gone.
const THREADS_EXIT_CAP: Duration = Duration::from_secs(2);
/// Once the clients have their replies, the server's events must catch up within this.
const SETTLE_CAP: Duration = Duration::from_secs(2);
/// Extra time the child gets, beyond its own deadlines, to report.
const CHILD_GRACE: Duration = Duration::from_secs(5);
/// An accept pause this long counts as a stall.
const LONG_GAP: Duration = Duration::from_millis(100);
const POLL: Duration = Duration::from_millis(20);
const BULK_CHUNK: usize = 64 * 1024;
/// A bulk receiver that hears nothing this long gives up.
const BULK_STALL: Duration = Duration::from_secs(10);

struct Options {
    clients: usize,
    client_threads: usize,
    bulk_bytes: u64,
    bulk_time: Duration,
    bulk_runs: usize,
}

const USAGE: &str = "usage: cargo bench --bench tcp_server [-- --clients N (0 = skip)] \
[--client-threads T] [--bulk-mib MIB] [--bulk-secs SECS] [--bulk-runs R (0 = skip)]";

fn parse_options(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        clients: 10_000,
        client_threads: 8,
        bulk_bytes: 2048 << 20,
        bulk_time: Duration::from_secs(5),
        bulk_runs: 5,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut number = |name: &str, range: std::ops::RangeInclusive<u64>| {
            let value = args.next().ok_or_else(|| format!("{name} needs a value"))?;
            match value.replace('_', "").parse::<u64>() {
                Ok(n) if range.contains(&n) => Ok(n),
                _ => Err(format!(
                    "{name}: {value:?} is not a number in {}..={}",
                    range.start(),
                    range.end()
                )),
            }
        };
        match arg.as_str() {
            // `cargo bench` passes `--bench` to harness-less benches.
            "--bench" => {}
            "--clients" => options.clients = number("--clients", 0..=15_000)? as usize,
            "--client-threads" => {
                options.client_threads = number("--client-threads", 1..=64)? as usize;
            }
            "--bulk-mib" => options.bulk_bytes = number("--bulk-mib", 1..=65_536)? << 20,
            "--bulk-secs" => {
                options.bulk_time = Duration::from_secs(number("--bulk-secs", 1..=60)?)
            }
            "--bulk-runs" => options.bulk_runs = number("--bulk-runs", 0..=20)? as usize,
            "--help" | "-h" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(options)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--client-role") {
        if let Err(err) = client_role(&args[1..]) {
            eprintln!("tcp_server client role: {err}");
            std::process::exit(1);
        }
        return;
    }
    common::run_or_exit("tcp_server", parse_options(&args), run);
}

fn run(options: &Options) -> io::Result<()> {
    let bench_start = Instant::now();
    let (soft, hard) = open_files_limit().unwrap_or((0, 0));
    println!(
        "tcp_server bench: 127.0.0.1 only, {} CPU(s), open files limit {soft} soft / {hard} hard",
        thread::available_parallelism().map_or(0, |n| n.get()),
    );
    let mut results = Vec::new();
    if options.clients > 0 {
        results.extend(many_clients(options)?);
    }
    if options.bulk_runs > 0 {
        results.extend(bulk(options)?);
    }
    println!();
    for line in &results {
        println!("{line}");
    }
    println!(
        "RESULT total_secs={:.1}",
        bench_start.elapsed().as_secs_f64()
    );
    Ok(())
}

// ---------------------------------------------------------------- 1. many clients

/// What the server's events said so far.
#[derive(Default)]
struct Tally {
    /// When each client was accepted, in order (`ClientInfo::since`).
    accepted_at: Vec<SystemTime>,
    /// Longest pause between two consecutive `Connected` events (a 1 s pause would be
    /// a SYN retry after a listen-queue overflow).
    largest_accept_gap: Duration,
    /// Pauses of at least `LONG_GAP` between consecutive `Connected` events.
    long_gaps: u64,
    received: u64,
    received_bytes: u64,
    /// `Received` whose data was not exactly 你好 (split or merged reads).
    received_odd: u64,
    sent_auto: u64,
    sent_bytes: u64,
    closed: u64,
    closed_by_us: u64,
    last_closed: Option<SystemTime>,
    refused: u64,
    accept_failed: u64,
    send_failed: u64,
    first_problem: Option<String>,
}

impl Tally {
    fn apply(&mut self, event: TcpServerEvent) {
        match event {
            TcpServerEvent::Connected(info) => {
                if let Some(&last) = self.accepted_at.last() {
                    let gap = info.since.duration_since(last).unwrap_or_default();
                    self.largest_accept_gap = self.largest_accept_gap.max(gap);
                    self.long_gaps += u64::from(gap >= LONG_GAP);
                }
                self.accepted_at.push(info.since);
            }
            TcpServerEvent::Received { data, .. } => {
                self.received += 1;
                self.received_bytes += data.len() as u64;
                if data != HELLO_GBK {
                    self.received_odd += 1;
                }
            }
            TcpServerEvent::Sent { data, auto, .. } => {
                if auto {
                    self.sent_auto += 1;
                }
                self.sent_bytes += data.len() as u64;
            }
            TcpServerEvent::Closed { reason, at, .. } => {
                self.closed += 1;
                if reason == CloseReason::ByUs {
                    self.closed_by_us += 1;
                } else {
                    self.problem(format!("Closed {reason:?}"));
                }
                self.last_closed = Some(self.last_closed.map_or(at, |last| last.max(at)));
            }
            TcpServerEvent::Refused { error, .. } => {
                self.refused += 1;
                self.problem(format!("Refused: {error}"));
            }
            TcpServerEvent::AcceptFailed(error) => {
                self.accept_failed += 1;
                self.problem(format!("AcceptFailed: {error}"));
            }
            TcpServerEvent::SendFailed { error, .. } => {
                self.send_failed += 1;
                self.problem(format!("SendFailed: {error}"));
            }
            TcpServerEvent::Listening { .. }
            | TcpServerEvent::StoppedListening
            | TcpServerEvent::Skipped(_) => {}
        }
    }

    fn connected(&self) -> u64 {
        self.accepted_at.len() as u64
    }

    fn problem(&mut self, what: String) {
        self.first_problem.get_or_insert(what);
    }

    /// From the first accepted client to the `count`th (all of them if fewer).
    fn accept_span(&self, count: usize) -> Duration {
        let last = count.min(self.accepted_at.len());
        match (self.accepted_at.first(), last.checked_sub(1)) {
            (Some(first), Some(last)) => self.accepted_at[last]
                .duration_since(*first)
                .unwrap_or_default(),
            _ => Duration::ZERO,
        }
    }

    /// Connections per second over the first `count` accepted.
    fn accept_rate(&self, count: usize) -> f64 {
        let count = count.min(self.accepted_at.len());
        per_sec(count.saturating_sub(1) as u64, self.accept_span(count))
    }
}

/// The server's event channel and the child's stdout lines, drained together.
struct Pump {
    events: Receiver<TcpServerEvent>,
    lines: Receiver<String>,
    tally: Tally,
    child_lines: Vec<String>,
}

impl Pump {
    /// Drains until `done` holds or `within` has passed; says whether `done` held.
    fn until(&mut self, within: Duration, done: impl Fn(&Tally, &[String]) -> bool) -> bool {
        let deadline = Instant::now() + within;
        while !done(&self.tally, &self.child_lines) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            select! {
                recv(self.events) -> event => match event {
                    Ok(event) => self.tally.apply(event),
                    Err(_) => return false,
                },
                recv(self.lines) -> line => match line {
                    Ok(line) => self.child_lines.push(line),
                    // The child is gone; only the server's events can still arrive.
                    Err(_) => self.lines = crossbeam_channel::never(),
                },
                default(left) => {}
            }
        }
        true
    }
}

/// The child's report line that starts with `tag`.
fn child_line<'a>(lines: &'a [String], tag: &str) -> Option<&'a str> {
    lines
        .iter()
        .find(|line| line.split_whitespace().next() == Some(tag))
        .map(String::as_str)
}

/// Everything measured in part 1.
struct ClientsRun {
    tally: Tally,
    /// The child's `replied …` and `closed …` lines (empty if it never said).
    replied: String,
    closed: String,
    idle: StatusFigures,
    full: StatusFigures,
    after: StatusFigures,
    peak_reset: bool,
    fds_full: Option<usize>,
    client_count: usize,
    counters: CounterSnapshot,
    disconnect_call: Duration,
    /// From calling `disconnect_all` to the last `Closed` event's time stamp.
    all_closed: Option<Duration>,
    threads_exit: Duration,
    listen_overflows: Option<(u64, u64)>,
    /// What went wrong with the run itself (timeouts, the child's exit).
    trouble: Vec<String>,
}

fn many_clients(options: &Options) -> io::Result<Vec<String>> {
    println!();
    println!(
        "1. {} clients, each sends 你好 (GBK) and reads 收到; server in this process, clients \
         in a child process ({} threads)",
        options.clients, options.client_threads
    );
    let run = run_clients(options)?;
    Ok(report_clients(options, &run))
}

fn run_clients(options: &Options) -> io::Result<ClientsRun> {
    // Opened now: with every descriptor in use, /proc could not be opened any more.
    let status = ProcStatus::open()?;
    let (events_tx, events) = crossbeam_channel::unbounded();
    let mut config = TcpServerConfig::new(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)));
    config.auto_reply = AutoReply::compile(&AutoReplySpec::tutorial(), TextEncoding::Gbk)
        .map_err(|err| io::Error::other(format!("tutorial auto-reply: {err}")))?;
    let server = TcpServer::start(config, events_tx, no_waker())
        .map_err(|err| io::Error::other(format!("TcpServer::start: {err}")))?;
    let idle = status.read();
    let peak_reset = reset_peak_rss();
    let overflows_before = listen_overflows();
    let mut trouble = Vec::new();

    let (mut child, mut child_stdin, lines) = spawn_clients(server.local_addr(), options)?;
    let mut pump = Pump {
        events,
        lines,
        tally: Tally::default(),
        child_lines: Vec::new(),
    };
    if !pump.until(REPLY_DEADLINE + CHILD_GRACE, |_, lines| {
        child_line(lines, "replied").is_some()
    }) {
        trouble.push("the clients never reported their replies".to_owned());
    }
    // The clients may read the last replies before the writer's `Sent` events reach
    // us; let the events catch up.
    let sent = number(
        child_line(&pump.child_lines, "replied").unwrap_or(""),
        "sent",
    );
    let sent = sent.unwrap_or(0.0) as u64;
    pump.until(SETTLE_CAP, |tally, _| {
        tally.received_bytes >= sent * HELLO_GBK.len() as u64 && tally.sent_auto >= tally.received
    });
    let full = status.read();
    let fds_full = open_fds();
    let client_count = server.client_count();
    let counters = server.counters().snapshot();

    writeln!(child_stdin, "disconnect")?;
    child_stdin.flush()?;
    let disconnect_at = SystemTime::now();
    let call_start = Instant::now();
    server.disconnect_all();
    let disconnect_call = call_start.elapsed();
    if !pump.until(CLOSE_DEADLINE + CHILD_GRACE, |tally, lines| {
        tally.closed >= tally.connected() && child_line(lines, "closed").is_some()
    }) {
        trouble.push("not every connection closed in time".to_owned());
    }
    let all_closed = pump
        .tally
        .last_closed
        .and_then(|last| last.duration_since(disconnect_at).ok());
    drop(child_stdin);
    let child_status = child.wait()?;
    if !child_status.success() {
        trouble.push(format!("client process: {child_status}"));
    }
    drop(server);
    let exit_start = Instant::now();
    let mut after = status.read();
    while after.threads > 1 && exit_start.elapsed() < THREADS_EXIT_CAP {
        thread::sleep(POLL);
        after = status.read();
    }
    Ok(ClientsRun {
        replied: child_line(&pump.child_lines, "replied")
            .unwrap_or("")
            .to_owned(),
        closed: child_line(&pump.child_lines, "closed")
            .unwrap_or("")
            .to_owned(),
        tally: pump.tally,
        idle,
        full,
        after,
        peak_reset,
        fds_full,
        client_count,
        counters,
        disconnect_call,
        all_closed,
        threads_exit: exit_start.elapsed(),
        listen_overflows: listen_overflows_since(overflows_before),
        trouble,
    })
}

fn report_clients(options: &Options, run: &ClientsRun) -> Vec<String> {
    let tally = &run.tally;
    let replied = |key: &str| number(&run.replied, key).unwrap_or(f64::NAN);
    let closed = |key: &str| number(&run.closed, key).unwrap_or(f64::NAN);
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

/// Re-runs this binary as the client side; returns it, its stdin and its stdout lines.
fn spawn_clients(
    server: SocketAddr,
    options: &Options,
) -> io::Result<(Child, ChildStdin, Receiver<String>)> {
    spawn_role(
        [
            "--client-role".to_owned(),
            server.to_string(),
            options.clients.to_string(),
            options.client_threads.to_string(),
        ],
        "client-lines",
    )
}

/// The number in `key=value` of a child's report line.
fn number(line: &str, key: &str) -> Option<f64> {
    field(line, key)?.parse().ok()
}

// ---------------------------------------------------------------- the child: clients

#[derive(Default)]
struct ClientReport {
    sent: u64,
    ok: u64,
    wrong: u64,
    missing: u64,
    early_close: u64,
    connect_errors: u64,
    write_errors: u64,
    /// The longest single `connect` (about 1 s means a SYN was dropped and retried).
    slowest_connect: Duration,
    connected_at: Option<Instant>,
    replied_at: Option<Instant>,
}

#[derive(Default)]
struct CloseReport {
    eof: u64,
    reset: u64,
    open: u64,
    extra_bytes: u64,
    done_at: Option<Instant>,
}

/// `--client-role ADDR COUNT THREADS`: connects COUNT clients from THREADS threads, each
/// sends 你好 and reads the reply; prints `replied …`, waits for `disconnect` on stdin,
/// then waits for every connection to end and prints `closed …`.
fn client_role(args: &[String]) -> io::Result<()> {
    let bad = |what: &str| io::Error::other(format!("bad {what}"));
    let server: SocketAddr = args
        .first()
        .and_then(|a| a.parse().ok())
        .ok_or(bad("address"))?;
    let count: usize = args
        .get(1)
        .and_then(|a| a.parse().ok())
        .ok_or(bad("count"))?;
    let threads: usize = args
        .get(2)
        .and_then(|a| a.parse().ok())
        .ok_or(bad("threads"))?;
    let (close_tx, close_rx) = crossbeam_channel::bounded::<()>(0);
    let (reports_tx, reports) = crossbeam_channel::unbounded();
    let start = Instant::now();
    let mut workers = Vec::new();
    for index in 0..threads {
        let share = count / threads + usize::from(index < count % threads);
        let (close_rx, reports_tx) = (close_rx.clone(), reports_tx.clone());
        workers.push(
            thread::Builder::new()
                .name(format!("clients-{index}"))
                .spawn(move || {
                    let (streams, report) = connect_and_ask(server, share, start);
                    let _ = reports_tx.send(report);
                    // The main thread drops the sender on `disconnect`.
                    let _ = close_rx.recv();
                    await_close(streams)
                })?,
        );
    }
    drop(reports_tx);
    let mut total = ClientReport::default();
    for report in reports.iter().take(threads) {
        total.sent += report.sent;
        total.ok += report.ok;
        total.wrong += report.wrong;
        total.missing += report.missing;
        total.early_close += report.early_close;
        total.connect_errors += report.connect_errors;
        total.write_errors += report.write_errors;
        total.slowest_connect = total.slowest_connect.max(report.slowest_connect);
        total.connected_at = total.connected_at.max(report.connected_at);
        total.replied_at = total.replied_at.max(report.replied_at);
    }
    let since = |at: Option<Instant>| at.map_or(f64::NAN, |at| (at - start).as_secs_f64());
    println!(
        "replied sent={} ok={} wrong={} missing={} early_close={} connect_errors={} \
         write_errors={} slowest_connect_ms={:.1} connect_secs={:.4} reply_secs={:.4}",
        total.sent,
        total.ok,
        total.wrong,
        total.missing,
        total.early_close,
        total.connect_errors,
        total.write_errors,
        total.slowest_connect.as_secs_f64() * 1000.0,
        since(total.connected_at),
        since(total.replied_at),
    );
    io::stdout().flush()?;

    // Any line (or the parent going away) means: the server is disconnecting everyone.
    let mut line = String::new();
    io::stdin().read_line(&mut line)?;
    let close_start = Instant::now();
    drop(close_tx);
    let mut closed = CloseReport::default();
    for worker in workers {
        let report = worker
            .join()
            .map_err(|_| io::Error::other("client thread panicked"))?;
        closed.eof += report.eof;
        closed.reset += report.reset;
        closed.open += report.open;
        closed.extra_bytes += report.extra_bytes;
        closed.done_at = closed.done_at.max(report.done_at);
    }
    println!(
        "closed eof={} reset={} open={} extra_bytes={} secs={:.4}",
        closed.eof,
        closed.reset,
        closed.open,
        closed.extra_bytes,
        closed.done_at.map_or(f64::NAN, |at| at
            .saturating_duration_since(close_start)
            .as_secs_f64()),
    );
    io::stdout().flush()
}

/// Connects `count` clients and sends 你好 on each, then reads every reply.
fn connect_and_ask(
    server: SocketAddr,
    count: usize,
    start: Instant,
) -> (Vec<TcpStream>, ClientReport) {
    let mut report = ClientReport::default();
    let mut streams = Vec::with_capacity(count);
    for _ in 0..count {
        let connect_start = Instant::now();
        let connected = TcpStream::connect(server);
        report.slowest_connect = report.slowest_connect.max(connect_start.elapsed());
        match connected {
            Ok(mut stream) => {
                match stream.write_all(&HELLO_GBK) {
                    Ok(()) => report.sent += 1,
                    Err(_) => report.write_errors += 1,
                }
                streams.push(stream);
            }
            Err(err) => {
                if report.connect_errors == 0 {
                    eprintln!("client: connect failed: {err}");
                }
                report.connect_errors += 1;
            }
        }
    }
    report.connected_at = Some(Instant::now());
    let deadline = start + REPLY_DEADLINE;
    let mut kept = Vec::with_capacity(streams.len());
    for mut stream in streams {
        match read_reply(&mut stream, deadline) {
            Reply::Exact => report.ok += 1,
            Reply::Wrong => report.wrong += 1,
            Reply::Closed => {
                report.early_close += 1;
                continue;
            }
            // A client that got no answer gives up and hangs up.
            Reply::Missing => {
                report.missing += 1;
                continue;
            }
        }
        kept.push(stream);
    }
    report.replied_at = Some(Instant::now());
    (kept, report)
}

enum Reply {
    Exact,
    Wrong,
    /// The server closed or reset the connection first.
    Closed,
    /// Nothing (or not all of it) by the deadline.
    Missing,
}

fn read_reply(stream: &mut TcpStream, deadline: Instant) -> Reply {
    let mut reply = [0u8; REPLY_GBK.len()];
    let mut got = 0;
    while got < reply.len() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return Reply::Missing;
        }
        match stream.read(&mut reply[got..]) {
            Ok(0) => return Reply::Closed,
            Ok(len) => got += len,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) if is_timeout(&err) => return Reply::Missing,
            Err(_) => return Reply::Closed,
        }
    }
    if reply == REPLY_GBK {
        Reply::Exact
    } else {
        Reply::Wrong
    }
}

/// Reads every connection to its end, counting anything after the reply as extra.
fn await_close(streams: Vec<TcpStream>) -> CloseReport {
    let deadline = Instant::now() + CLOSE_DEADLINE;
    let mut report = CloseReport::default();
    let mut buf = [0u8; 256];
    for mut stream in streams {
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
                report.open += 1;
                break;
            }
            match stream.read(&mut buf) {
                Ok(0) => {
                    report.eof += 1;
                    break;
                }
                Ok(len) => report.extra_bytes += len as u64,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) if is_timeout(&err) => {
                    report.open += 1;
                    break;
                }
                Err(_) => {
                    report.reset += 1;
                    break;
                }
            }
        }
    }
    report.done_at = Some(Instant::now());
    report
}

fn is_timeout(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

// ---------------------------------------------------------------- 2. bulk

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sink {
    Engine,
    Plain,
}

impl Sink {
    fn label(self) -> &'static str {
        match self {
            Sink::Engine => "engine",
            Sink::Plain => "plain",
        }
    }
}

struct BulkRun {
    sent: u64,
    /// From the first write until the receiver saw the end of the stream.
    elapsed: Duration,
    /// Plain: bytes read; engine: the server's `rx_bytes` counter.
    received: u64,
    reads: u64,
    /// Engine only: bytes and `Received` events the consumer took.
    event_bytes: Option<u64>,
    events: Option<u64>,
    channel_peak: Option<usize>,
}

impl BulkRun {
    fn mb_per_sec(&self) -> f64 {
        per_sec(self.sent, self.elapsed) / 1e6
    }

    fn exact(&self) -> bool {
        self.received == self.sent && self.event_bytes.is_none_or(|bytes| bytes == self.sent)
    }
}

/// Connects to `target` and writes 64 KiB chunks until `bytes` or `time` is used up.
/// Returns the stream (half-closed, kept open until the receiver is done), the byte
/// count and when the first write started.
fn send_bulk(
    target: SocketAddr,
    bytes: u64,
    time: Duration,
) -> io::Result<(TcpStream, u64, Instant)> {
    let mut stream = TcpStream::connect(target)?;
    let chunk = vec![0x5Au8; BULK_CHUNK];
    let mut sent = 0u64;
    let start = Instant::now();
    while sent < bytes && start.elapsed() < time {
        let len = (bytes - sent).min(BULK_CHUNK as u64) as usize;
        stream.write_all(&chunk[..len])?;
        sent += len as u64;
    }
    stream.shutdown(Shutdown::Write)?;
    Ok((stream, sent, start))
}

fn bulk_engine(bytes: u64, time: Duration) -> io::Result<BulkRun> {
    let (events_tx, events) = crossbeam_channel::unbounded();
    let server = TcpServer::start(
        TcpServerConfig::new(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))),
        events_tx,
        no_waker(),
    )
    .map_err(|err| io::Error::other(format!("TcpServer::start: {err}")))?;
    let consumer = thread::Builder::new()
        .name("bulk-consumer".to_owned())
        .spawn(move || {
            let (mut bytes, mut count, mut peak) = (0u64, 0u64, 0usize);
            while let Ok(event) = events.recv_timeout(BULK_STALL) {
                peak = peak.max(events.len());
                match event {
                    // Dropped at once, as the UI drops what its bounded log cannot keep.
                    TcpServerEvent::Received { data, .. } => {
                        bytes += data.len() as u64;
                        count += 1;
                    }
                    TcpServerEvent::Closed { .. } => {
                        return Ok((bytes, count, peak, Instant::now()));
                    }
                    _ => {}
                }
            }
            Err(io::Error::other("engine: no Closed event"))
        })?;
    let (stream, sent, start) = send_bulk(server.local_addr(), bytes, time)?;
    let (event_bytes, events, channel_peak, end) = join(consumer, "bulk-consumer")?;
    let counters = server.counters().snapshot();
    drop(stream);
    Ok(BulkRun {
        sent,
        elapsed: end - start,
        received: counters.rx_bytes,
        reads: counters.rx_packets,
        event_bytes: Some(event_bytes),
        events: Some(events),
        channel_peak: Some(channel_peak),
    })
}

fn bulk_plain(bytes: u64, time: Duration) -> io::Result<BulkRun> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    let target = listener.local_addr()?;
    let receiver = thread::Builder::new()
        .name("bulk-plain-rx".to_owned())
        .spawn(move || {
            let (mut stream, _) = listener.accept()?;
            stream.set_read_timeout(Some(BULK_STALL))?;
            let mut buf = vec![0u8; BULK_CHUNK];
            let (mut bytes, mut reads) = (0u64, 0u64);
            loop {
                match stream.read(&mut buf) {
                    Ok(0) => return Ok((bytes, reads, Instant::now())),
                    Ok(len) => {
                        bytes += len as u64;
                        reads += 1;
                    }
                    Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                    Err(err) => return Err(err),
                }
            }
        })?;
    let (stream, sent, start) = send_bulk(target, bytes, time)?;
    let (received, reads, end) = join(receiver, "bulk-plain-rx")?;
    drop(stream);
    Ok(BulkRun {
        sent,
        elapsed: end - start,
        received,
        reads,
        event_bytes: None,
        events: None,
        channel_peak: None,
    })
}

fn bulk(options: &Options) -> io::Result<Vec<String>> {
    println!();
    println!(
        "2. bulk: one connection writes {} MiB (at most {} s) in 64 KiB writes; engine = \
         TcpServer (no auto-reply) + a consumer dropping the events, plain = std TcpListener \
         + 64 KiB read loop; time = first write → receiver sees the end; {} runs, order \
         alternating",
        options.bulk_bytes >> 20,
        options.bulk_time.as_secs(),
        options.bulk_runs
    );
    println!(
        "   {:<4} {:<7} {:>11} {:>7} {:>9} {:>11} {:>8} {:>11} {:>8} {:>8} {:>6}",
        "run",
        "recv",
        "sent B",
        "secs",
        "MB/s",
        "counted B",
        "reads",
        "event B",
        "events",
        "ch-peak",
        "exact"
    );
    let mut runs: Vec<(usize, Sink, BulkRun)> = Vec::new();
    for index in 0..options.bulk_runs {
        let order = if index % 2 == 0 {
            [Sink::Engine, Sink::Plain]
        } else {
            [Sink::Plain, Sink::Engine]
        };
        for kind in order {
            let run = match kind {
                Sink::Engine => bulk_engine(options.bulk_bytes, options.bulk_time)?,
                Sink::Plain => bulk_plain(options.bulk_bytes, options.bulk_time)?,
            };
            let dash = |v: Option<String>| v.unwrap_or_else(|| "-".to_owned());
            println!(
                "   {:<4} {:<7} {:>11} {:>7.3} {:>9.1} {:>11} {:>8} {:>11} {:>8} {:>8} {:>6}",
                index + 1,
                kind.label(),
                run.sent,
                run.elapsed.as_secs_f64(),
                run.mb_per_sec(),
                run.received,
                run.reads,
                dash(run.event_bytes.map(|b| b.to_string())),
                dash(run.events.map(|e| e.to_string())),
                dash(run.channel_peak.map(|p| p.to_string())),
                if run.exact() { "yes" } else { "NO" },
            );
            runs.push((index, kind, run));
        }
    }
    let rates = |kind: Sink| -> Vec<f64> {
        runs.iter()
            .filter(|(_, k, _)| *k == kind)
            .map(|(_, _, run)| run.mb_per_sec())
            .collect()
    };
    let (engine, plain) = (median(rates(Sink::Engine)), median(rates(Sink::Plain)));
    let paired = median(
        rates(Sink::Engine)
            .iter()
            .zip(rates(Sink::Plain))
            .map(|(e, p)| e / p)
            .collect(),
    );
    let ratio = engine / plain;
    let all_exact = runs.iter().all(|(_, _, run)| run.exact());
    println!(
        "   median: engine {engine:.1} MB/s, plain {plain:.1} MB/s, ratio {ratio:.3} (median of \
         per-run ratios {paired:.3}, target >= 0.9: {}); bytes exact in every run: {}",
        if ratio >= 0.9 { "met" } else { "NOT met" },
        if all_exact { "yes" } else { "NO" },
    );
    let mut results: Vec<String> = runs
        .iter()
        .map(|(index, kind, run)| {
            format!(
                "RESULT bulk run={} recv={} sent={} secs={:.4} mb_per_sec={:.1} counted={} \
                 reads={} event_bytes={} events={} channel_peak={} exact={}",
                index + 1,
                kind.label(),
                run.sent,
                run.elapsed.as_secs_f64(),
                run.mb_per_sec(),
                run.received,
                run.reads,
                opt(run.event_bytes),
                opt(run.events),
                opt(run.channel_peak),
                run.exact(),
            )
        })
        .collect();
    results.push(format!(
        "RESULT bulk_median engine_mb_per_sec={engine:.1} plain_mb_per_sec={plain:.1} \
         ratio={ratio:.3} paired_ratio={paired:.3} all_exact={all_exact}"
    ));
    Ok(results)
}

// ---------------------------------------------------------------- helpers, /proc

/// /proc/self/status, kept open so it can be read when no descriptor is left.
struct ProcStatus(Option<std::fs::File>);

impl ProcStatus {
    fn open() -> io::Result<Self> {
        match std::fs::File::open("/proc/self/status") {
            Ok(file) => Ok(ProcStatus(Some(file))),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(ProcStatus(None)),
            Err(err) => Err(err),
        }
    }

    fn read(&self) -> StatusFigures {
        let mut text = String::new();
        if let Some(mut file) = self.0.as_ref() {
            // procfs regenerates the file when read from the start again.
            let _ = file
                .seek(SeekFrom::Start(0))
                .and_then(|_| file.read_to_string(&mut text));
        }
        StatusFigures::parse(&text)
    }
}

/// Descriptors this process has open (None when /proc cannot be read, e.g. none left).
fn open_fds() -> Option<usize> {
    // Less the one `read_dir` itself holds.
    Some(
        std::fs::read_dir("/proc/self/fd")
            .ok()?
            .count()
            .saturating_sub(1),
    )
}

/// `Max open files` (soft, hard) from /proc/self/limits.
fn open_files_limit() -> Option<(u64, u64)> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    let mut numbers = line["Max open files".len()..].split_whitespace();
    Some((numbers.next()?.parse().ok()?, numbers.next()?.parse().ok()?))
}

/// The kernel's TcpExt ListenOverflows and ListenDrops (whole network namespace).
fn listen_overflows() -> Option<(u64, u64)> {
    let [overflows, drops] = net_counters(
        "/proc/net/netstat",
        "TcpExt:",
        ["ListenOverflows", "ListenDrops"],
    )?;
    Some((overflows, drops))
}

fn listen_overflows_since(before: Option<(u64, u64)>) -> Option<(u64, u64)> {
    let (before, now) = (before?, listen_overflows()?);
    Some((
        now.0.saturating_sub(before.0),
        now.1.saturating_sub(before.1),
    ))
}
