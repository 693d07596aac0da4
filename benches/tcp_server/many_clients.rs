//! Part 1, the server side: a `TcpServer` with the tutorial's auto-reply in this
//! process, its events tallied while the child's clients connect, get their replies and
//! are disconnected.

use std::io::{self, Write};
use std::net::{Ipv4Addr, SocketAddr};
use std::process::{Child, ChildStdin};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use crossbeam_channel::{Receiver, select};
use netdbg::codec::TextEncoding;
use netdbg::engine::{
    AutoReply, AutoReplySpec, CloseReason, CounterSnapshot, TcpServer, TcpServerConfig,
    TcpServerEvent, no_waker,
};

use super::client_role::{CLOSE_DEADLINE, HELLO_GBK, REPLY_DEADLINE};
use super::clients_report::report_clients;
use crate::Options;
use crate::common::failed;
use crate::common::figures::per_sec;
use crate::common::procfs::{CounterRise, ProcStatus, StatusFigures, open_fds, reset_peak_rss};
use crate::common::role::{parse_field, spawn_role};

/// How long the server's threads get to exit after the last client is gone.
const THREADS_EXIT_CAP: Duration = Duration::from_secs(2);
/// Once the clients have their replies, the server's events must catch up within this.
const SETTLE_CAP: Duration = Duration::from_secs(2);
/// Extra time the child gets, beyond its own deadlines, to report.
const CHILD_GRACE: Duration = Duration::from_secs(5);
/// An accept pause this long counts as a stall.
pub const LONG_GAP: Duration = Duration::from_millis(100);
const POLL: Duration = Duration::from_millis(20);

/// What the server's events said so far.
#[derive(Default)]
pub struct Tally {
    /// When each client was accepted, in order (`ClientInfo::since`).
    pub accepted_at: Vec<SystemTime>,
    /// Longest pause between two consecutive `Connected` events (a 1 s pause would be
    /// a SYN retry after a listen-queue overflow).
    pub largest_accept_gap: Duration,
    /// Pauses of at least `LONG_GAP` between consecutive `Connected` events.
    pub long_gaps: u64,
    pub received: u64,
    pub received_bytes: u64,
    /// `Received` whose data was not exactly 你好 (split or merged reads).
    pub received_odd: u64,
    pub sent_auto: u64,
    pub sent_bytes: u64,
    pub closed: u64,
    pub closed_by_us: u64,
    pub last_closed: Option<SystemTime>,
    pub refused: u64,
    pub accept_failed: u64,
    pub send_failed: u64,
    pub first_problem: Option<String>,
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
            TcpServerEvent::FrameDropped { fault, .. } => {
                self.problem(format!("FrameDropped: {fault}"));
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
            | TcpServerEvent::Tls { .. }
            | TcpServerEvent::StoppedListening
            | TcpServerEvent::Skipped(_) => {}
        }
    }

    pub fn connected(&self) -> u64 {
        self.accepted_at.len() as u64
    }

    fn problem(&mut self, what: String) {
        self.first_problem.get_or_insert(what);
    }

    /// From the first accepted client to the `count`th (all of them if fewer).
    pub fn accept_span(&self, count: usize) -> Duration {
        let last = count.min(self.accepted_at.len());
        match (self.accepted_at.first(), last.checked_sub(1)) {
            (Some(first), Some(last)) => self.accepted_at[last]
                .duration_since(*first)
                .unwrap_or_default(),
            _ => Duration::ZERO,
        }
    }

    /// Connections per second over the first `count` accepted.
    pub fn accept_rate(&self, count: usize) -> f64 {
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
pub fn child_line<'a>(lines: &'a [String], tag: &str) -> Option<&'a str> {
    lines
        .iter()
        .find(|line| line.split_whitespace().next() == Some(tag))
        .map(String::as_str)
}

/// Everything measured in part 1.
pub struct ClientsRun {
    pub tally: Tally,
    /// The child's `replied …` and `closed …` lines (empty if it never said).
    pub replied: String,
    pub closed: String,
    pub idle: StatusFigures,
    pub full: StatusFigures,
    pub after: StatusFigures,
    pub peak_reset: bool,
    pub fds_full: Option<usize>,
    pub client_count: usize,
    pub counters: CounterSnapshot,
    pub disconnect_call: Duration,
    /// From calling `disconnect_all` to the last `Closed` event's time stamp.
    pub all_closed: Option<Duration>,
    pub threads_exit: Duration,
    pub listen_overflows: Option<(u64, u64)>,
    /// What went wrong with the run itself (timeouts, the child's exit).
    pub trouble: Vec<String>,
}

pub fn many_clients(options: &Options) -> io::Result<Vec<String>> {
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
        .map_err(failed("tutorial auto-reply"))?;
    let server =
        TcpServer::start(config, events_tx, no_waker()).map_err(failed("TcpServer::start"))?;
    let idle = status.read();
    let peak_reset = reset_peak_rss();
    let overflows = listen_overflows();
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
    let sent = parse_field::<f64>(
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
        listen_overflows: overflows
            .rise()
            .map(|[overflows, drops]| (overflows, drops)),
        trouble,
    })
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
            "--clients".to_owned(),
            options.clients.to_string(),
            "--client-threads".to_owned(),
            options.client_threads.to_string(),
        ],
        "client-lines",
    )
}

/// The kernel's TcpExt ListenOverflows and ListenDrops, from now on.
fn listen_overflows() -> CounterRise<2> {
    CounterRise::start(
        "/proc/net/netstat",
        "TcpExt:",
        ["ListenOverflows", "ListenDrops"],
    )
}
