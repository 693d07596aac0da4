//! Periodic send benchmark (issue #5 item 10): how evenly the engine's `Repeater`,
//! sending through a real `UdpEndpoint`, paces datagrams, beside a plain
//! `loop { socket.send_to(..); thread::sleep(interval) }`. A std socket on 127.0.0.1
//! timestamps every arrival on its own thread. Reported per run: the achieved rate,
//! the gaps between arrivals and their jitter (|gap − interval|), the lateness against
//! the ideal schedule (arrival_n − (arrival_0 + n × interval)), and, to tell the timer
//! from the send path apart, the lateness of the send call itself (timestamped where
//! the datagram is handed over) and the hop from that call to the arrival.
//! Loopback (127.0.0.1) only.
//!
//! Beside them, what-if senders (bench code, the engine unchanged) try the fixes
//! the analysis suggests: less timer slack, sleep-then-spin, no send-thread hop.
//!
//! Run: `cargo bench --bench periodic_send [-- --secs 10 --interval-us 1000
//!       --whatif-secs 3 --slow-secs 2 --slow-interval-us 10000]`

mod common;

use std::io;
use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use netdbg::engine::{
    RepeatConfig, Repeater, UdpConfig, UdpEndpoint, UdpEvent, UdpSender, no_waker,
};

use common::join;
use common::procfs::{TICKS_PER_SEC, cpu_ticks};

/// Sequence number and send-call time (ns since the run's epoch), both little-endian.
const PAYLOAD_LEN: usize = 16;
const POLL: Duration = Duration::from_millis(20);
/// Read timeout of the receiver, so it notices the stop flag.
const RECV_POLL: Duration = Duration::from_millis(50);
/// After the sender is done, the receiver is given this long to see the last datagrams.
const SETTLE_CAP: Duration = Duration::from_secs(1);
const MAX_SECS: f64 = 60.0;
const INTERVAL_US: std::ops::RangeInclusive<u64> = 100..=1_000_000;

struct Options {
    secs: f64,
    interval: Duration,
    whatif_secs: f64,
    slow_secs: f64,
    slow_interval: Duration,
}

const USAGE: &str = "usage: cargo bench --bench periodic_send [-- --secs SECS] \
[--interval-us US] [--whatif-secs SECS (0 = skip)] [--slow-secs SECS (0 = skip)] [--slow-interval-us US]";

fn parse_options() -> Result<Options, String> {
    let mut options = Options {
        secs: 10.0,
        interval: Duration::from_millis(1),
        whatif_secs: 3.0,
        slow_secs: 2.0,
        slow_interval: Duration::from_millis(10),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        let secs = |name: &str, text: String, zero_ok: bool| match text.parse::<f64>() {
            Ok(secs) if (secs > 0.0 || (zero_ok && secs == 0.0)) && secs <= MAX_SECS => Ok(secs),
            _ => Err(format!(
                "{name}: {text:?} is not a number of seconds in (0, {MAX_SECS}]"
            )),
        };
        let micros = |name: &str, text: String| match text.replace('_', "").parse::<u64>() {
            Ok(us) if INTERVAL_US.contains(&us) => Ok(Duration::from_micros(us)),
            _ => Err(format!(
                "{name}: {text:?} is not a number of µs in {}..={}",
                INTERVAL_US.start(),
                INTERVAL_US.end()
            )),
        };
        match arg.as_str() {
            // `cargo bench` passes `--bench` to harness-less benches.
            "--bench" => {}
            "--secs" => options.secs = secs("--secs", value("--secs")?, false)?,
            "--interval-us" => options.interval = micros("--interval-us", value("--interval-us")?)?,
            "--whatif-secs" => {
                options.whatif_secs = secs("--whatif-secs", value("--whatif-secs")?, true)?;
            }
            "--slow-secs" => options.slow_secs = secs("--slow-secs", value("--slow-secs")?, true)?,
            "--slow-interval-us" => {
                options.slow_interval = micros("--slow-interval-us", value("--slow-interval-us")?)?;
            }
            "--help" | "-h" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(options)
}

fn encode(seq: u64, called: Duration) -> Vec<u8> {
    let mut payload = Vec::with_capacity(PAYLOAD_LEN);
    payload.extend_from_slice(&seq.to_le_bytes());
    payload.extend_from_slice(&(called.as_nanos() as u64).to_le_bytes());
    payload
}

// ---------------------------------------------------------------- receiver

/// One datagram as the receiver saw it; times in µs since the run's epoch.
#[derive(Debug, Clone, Copy)]
struct Arrival {
    seq: u64,
    /// When the sender handed it over (in the Repeater's send closure, or just before
    /// a std socket's `send_to`).
    called: f64,
    arrived: f64,
}

/// A std socket whose thread timestamps each arrival the moment `recv_from` returns.
struct Receiver {
    target: SocketAddr,
    stop: Arc<AtomicBool>,
    count: Arc<AtomicU64>,
    thread: JoinHandle<io::Result<Vec<Arrival>>>,
}

impl Receiver {
    fn start(epoch: Instant, expected: u64) -> io::Result<Self> {
        let socket = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?;
        socket.set_read_timeout(Some(RECV_POLL))?;
        let target = socket.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let count = Arc::new(AtomicU64::new(0));
        let thread = {
            let (stop, count) = (stop.clone(), count.clone());
            thread::Builder::new()
                .name(format!("periodic-rx {target}"))
                .spawn(move || {
                    let capacity = usize::try_from(expected).unwrap_or(0).min(10_000_000);
                    let mut arrivals = Vec::with_capacity(capacity);
                    let mut buf = [0u8; 2048];
                    while !stop.load(Ordering::Relaxed) {
                        match socket.recv_from(&mut buf) {
                            Ok((len, _)) => {
                                let arrived = epoch.elapsed();
                                if len < PAYLOAD_LEN {
                                    continue;
                                }
                                let word = |at: usize| {
                                    u64::from_le_bytes(buf[at..at + 8].try_into().expect("8 bytes"))
                                };
                                arrivals.push(Arrival {
                                    seq: word(0),
                                    called: word(8) as f64 / 1e3,
                                    arrived: arrived.as_secs_f64() * 1e6,
                                });
                                count.fetch_add(1, Ordering::Relaxed);
                            }
                            Err(err)
                                if matches!(
                                    err.kind(),
                                    io::ErrorKind::WouldBlock
                                        | io::ErrorKind::TimedOut
                                        | io::ErrorKind::Interrupted
                                ) => {}
                            Err(err) => return Err(err),
                        }
                    }
                    Ok(arrivals)
                })?
        };
        Ok(Receiver {
            target,
            stop,
            count,
            thread,
        })
    }

    /// Waits (at most `SETTLE_CAP`) for `expected` datagrams, then stops the thread.
    fn finish(self, expected: u64) -> io::Result<Vec<Arrival>> {
        let start = Instant::now();
        while self.count.load(Ordering::Relaxed) < expected && start.elapsed() < SETTLE_CAP {
            thread::sleep(Duration::from_millis(5));
        }
        self.stop.store(true, Ordering::Relaxed);
        join(self.thread, "periodic-rx")
    }
}

// ---------------------------------------------------------------- senders

/// Who sends, and how it keeps time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// The engine under test: `Repeater` → `UdpSender` → the endpoint's send thread.
    Repeater,
    /// `loop { socket.send_to(..); thread::sleep(interval) }` on a std socket.
    Plain,
    /// What-if: the unchanged `Repeater`, started from a thread whose timer slack is
    /// 1 ns (a spawned thread inherits it), so its sleeps are not rounded up by 50 µs.
    RepeaterSlack1,
    /// What-if: absolute deadlines, sleep until `SPIN_MARGIN` before each, then
    /// yield-spin; sends through the engine's `UdpSender` like the Repeater.
    SpinEngine,
    /// What-if: the same schedule, sending on a std socket from the timing thread
    /// itself (no hop to a send thread).
    SpinSocket,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Repeater => "repeater",
            Kind::Plain => "plain",
            Kind::RepeaterSlack1 => "rep+slack1",
            Kind::SpinEngine => "spin+eng",
            Kind::SpinSocket => "spin+sock",
        }
    }
}

/// How long before a deadline the spin schedule stops sleeping and starts spinning:
/// well above the 50 µs default timer slack plus a wake-up.
const SPIN_MARGIN: Duration = Duration::from_micros(200);

/// What the sending side knows at the end of a run.
struct Sent {
    count: u64,
    /// (count − 1) / time from the first send call to the last.
    rate: f64,
    errors: u64,
}

/// A `UdpEndpoint` whose events a thread drains, as the UI would; errors are counted.
struct EngineSink {
    endpoint: UdpEndpoint,
    drain: JoinHandle<io::Result<u64>>,
}

impl EngineSink {
    fn open() -> io::Result<Self> {
        let (events_tx, events_rx) = crossbeam_channel::unbounded();
        let config = UdpConfig::new(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)));
        let endpoint = UdpEndpoint::open(&config, events_tx, no_waker())
            .map_err(|err| io::Error::other(format!("UdpEndpoint::open: {err}")))?;
        let drain = thread::Builder::new()
            .name("periodic-events".to_owned())
            .spawn(move || {
                let mut errors = 0u64;
                for event in events_rx.iter() {
                    match event {
                        UdpEvent::Error(err) => {
                            eprintln!("engine error: {err}");
                            errors += 1;
                        }
                        UdpEvent::Closed => break,
                        UdpEvent::Bound { .. }
                        | UdpEvent::Sent(_)
                        | UdpEvent::Received(_)
                        | UdpEvent::Skipped(_) => {}
                    }
                }
                Ok(errors)
            })?;
        Ok(EngineSink { endpoint, drain })
    }

    /// A send closure as the UI would hand to a `Repeater`: queue on the endpoint.
    fn send_fn(
        &self,
        target: SocketAddr,
        epoch: Instant,
    ) -> impl FnMut(u64) -> bool + Send + use<> {
        let sender: UdpSender = self
            .endpoint
            .sender()
            .expect("a just-opened endpoint has a sender");
        let host = target.ip().to_string();
        move |n| sender.send_to(host.as_str(), target.port(), encode(n, epoch.elapsed()))
    }

    /// Closes the endpoint; returns how many errors it reported.
    fn close(self) -> io::Result<u64> {
        self.endpoint.close();
        join(self.drain, "periodic-events")
    }
}

/// A send closure on a std socket of its own, used from the timing thread itself.
fn socket_send_fn(target: SocketAddr, epoch: Instant) -> io::Result<impl FnMut(u64) -> bool> {
    let socket = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(move |n| socket.send_to(&encode(n, epoch.elapsed()), target).is_ok())
}

/// Runs the engine's `Repeater` until it has sent `count` (or a generous cap passes).
/// `min_slack`: start it with 1 ns timer slack instead of the default.
fn repeat(
    interval: Duration,
    count: u64,
    send: impl FnMut(u64) -> bool + Send + 'static,
    min_slack: bool,
) -> io::Result<Sent> {
    // A new thread inherits its creator's timer slack, so lowering this thread's for
    // the moment of `start` gives the repeat thread 1 ns without touching the engine.
    let restore = if min_slack {
        Some(set_timer_slack(1)?)
    } else {
        None
    };
    let repeater = Repeater::start(
        RepeatConfig {
            interval,
            count: Some(count),
        },
        "periodic-bench",
        send,
        no_waker(),
    )
    .map_err(|err| io::Error::other(format!("Repeater::start: {err}")));
    if let Some(before) = restore {
        set_timer_slack(before)?;
    }
    let repeater = repeater?;
    let cap = interval.mul_f64(count as f64 * 1.5) + Duration::from_secs(2);
    let started = Instant::now();
    while repeater.is_running() && started.elapsed() < cap {
        thread::sleep(POLL);
    }
    repeater.stop();
    let progress = repeater.progress();
    Ok(Sent {
        count: progress.sent,
        rate: progress.rate(),
        errors: 0,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Schedule {
    /// `sleep(interval)` after each send: overshoots add up.
    Relative,
    /// Absolute deadlines start + n × interval; sleep to `SPIN_MARGIN` before, then spin.
    SleepThenSpin,
}

/// Sleeps until `SPIN_MARGIN` before `due`, then yields until it is due.
fn wait_until(due: Instant) {
    loop {
        let now = Instant::now();
        if now >= due {
            return;
        }
        let left = due - now;
        if left > SPIN_MARGIN {
            thread::sleep(left - SPIN_MARGIN);
        } else {
            thread::yield_now();
        }
    }
}

/// A timing loop of the bench's own, on its own named thread.
fn own_loop(
    schedule: Schedule,
    interval: Duration,
    count: u64,
    mut send: impl FnMut(u64) -> bool + Send + 'static,
) -> io::Result<Sent> {
    let thread = thread::Builder::new()
        .name("periodic-tx".to_owned())
        .spawn(move || {
            let start = Instant::now();
            let (mut sent, mut errors) = (0u64, 0u64);
            let (mut first, mut last) = (None, start);
            for n in 0..count {
                match schedule {
                    Schedule::Relative if n > 0 => thread::sleep(interval),
                    Schedule::Relative => {}
                    Schedule::SleepThenSpin => wait_until(start + interval.mul_f64(n as f64)),
                }
                let called = Instant::now();
                first.get_or_insert(called);
                last = called;
                if send(n) {
                    sent += 1;
                } else {
                    errors += 1;
                }
            }
            let span = first.map_or(Duration::ZERO, |first| last - first);
            let rate = if sent > 1 && !span.is_zero() {
                (sent - 1) as f64 / span.as_secs_f64()
            } else {
                0.0
            };
            Ok(Sent {
                count: sent,
                rate,
                errors,
            })
        })?;
    join(thread, "periodic-tx")
}

/// Sets the main thread's timer slack (Linux; /proc/self is the main thread, which
/// may change its own without privileges); returns the previous value.
fn set_timer_slack(nanos: u64) -> io::Result<u64> {
    const PATH: &str = "/proc/self/timerslack_ns";
    let before = std::fs::read_to_string(PATH)?
        .trim()
        .parse()
        .map_err(|_| io::Error::other("unreadable timerslack_ns"))?;
    std::fs::write(PATH, nanos.to_string())?;
    Ok(before)
}

/// One measurement: a fresh receiver, then `count` sends every `interval` by `kind`.
fn run_case(kind: Kind, interval: Duration, count: u64) -> io::Result<Report> {
    let epoch = Instant::now();
    let receiver = Receiver::start(epoch, count)?;
    let target = receiver.target;
    let cpu = CpuSample::now();
    let sent = match kind {
        Kind::Repeater | Kind::RepeaterSlack1 | Kind::SpinEngine => {
            let engine = EngineSink::open()?;
            let send = engine.send_fn(target, epoch);
            let sent = if kind == Kind::SpinEngine {
                own_loop(Schedule::SleepThenSpin, interval, count, send)
            } else {
                repeat(interval, count, send, kind == Kind::RepeaterSlack1)
            };
            let errors = engine.close()?;
            sent.map(|sent| Sent { errors, ..sent })?
        }
        Kind::Plain => own_loop(
            Schedule::Relative,
            interval,
            count,
            socket_send_fn(target, epoch)?,
        )?,
        Kind::SpinSocket => own_loop(
            Schedule::SleepThenSpin,
            interval,
            count,
            socket_send_fn(target, epoch)?,
        )?,
    };
    let cpu = cpu.until_now();
    let arrivals = receiver.finish(sent.count)?;
    Ok(Report::new(kind, interval, sent, cpu, &arrivals))
}

/// CPU use while sending: all CPUs (everyone's work, from /proc/stat's tick-sampled
/// counters, so short wake-ups are undercounted) and this process's own (to 10 ms).
#[derive(Debug, Clone, Copy)]
struct CpuSample {
    at: Instant,
    /// (busy, total) jiffies of all CPUs.
    system: Option<(u64, u64)>,
    /// This process's user + system time, in clock ticks (USER_HZ, 100 on Linux).
    own_ticks: Option<u64>,
}

#[derive(Debug, Clone, Copy, Default)]
struct CpuUse {
    /// Percent of all CPUs busy.
    system: Option<f64>,
    /// Percent of one CPU used by this bench (sender, receiver, engine threads).
    own: Option<f64>,
}

impl CpuSample {
    fn now() -> Self {
        let system = std::fs::read_to_string("/proc/stat").ok().and_then(|stat| {
            let fields: Vec<u64> = stat
                .lines()
                .next()?
                .split_whitespace()
                .skip(1)
                .filter_map(|f| f.parse().ok())
                .collect();
            // idle and iowait are the 4th and 5th fields.
            let idle = fields.get(3)? + fields.get(4)?;
            let total: u64 = fields.iter().sum();
            Some((total - idle, total))
        });
        let own_ticks = cpu_ticks("self").map(|ticks| ticks.utime + ticks.stime);
        CpuSample {
            at: Instant::now(),
            system,
            own_ticks,
        }
    }

    fn until_now(self) -> CpuUse {
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

// ---------------------------------------------------------------- statistics

/// Nearest-rank percentiles of a set of values in µs.
#[derive(Debug, Clone, Copy, Default)]
struct Spread {
    min: f64,
    p50: f64,
    p99: f64,
    p999: f64,
    max: f64,
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

struct Report {
    kind: Kind,
    interval: Duration,
    sent: Sent,
    cpu: CpuUse,
    received: u64,
    /// Receiver side: (received − 1) / (last arrival − first arrival).
    rx_rate: f64,
    gaps: Spread,
    /// |gap − interval|.
    jitter: Spread,
    /// arrival_n − (arrival_0 + n × interval).
    late: Spread,
    /// Lateness of the last datagram: how far the run drifted in all.
    late_last: f64,
    /// arrival_n − (call_0 + n × interval): against the sender's own schedule, so a
    /// first datagram that happened to arrive late does not shift every other one.
    e2e_late: Spread,
    /// call_n − (call_0 + n × interval): the timer alone.
    call_late: Spread,
    /// Send calls less than half an interval after the previous one: catch-up bursts
    /// after a stall.
    catch_up: usize,
    /// arrival_n − call_n: the send path (and the receiver's wake-up).
    hop: Spread,
}

impl Report {
    fn new(kind: Kind, interval: Duration, sent: Sent, cpu: CpuUse, arrivals: &[Arrival]) -> Self {
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

    fn result_line(&self) -> String {
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

// ---------------------------------------------------------------- report

fn read_trimmed(path: &str) -> String {
    std::fs::read_to_string(path).map_or_else(|_| "n/a".to_owned(), |s| s.trim().to_owned())
}

/// A table column: heading, width, and the cell of a report.
type Column = (&'static str, usize, fn(&Report) -> String);

/// Prints the reports under groups of columns, each group titled, `|` between groups.
fn print_table(groups: &[(&str, &[Column])], reports: &[Report]) {
    let line = |cell: &dyn Fn(&Column) -> String| {
        let mut out = String::new();
        for (at, (_, columns)) in groups.iter().enumerate() {
            if at > 0 {
                out += " |";
            }
            for (i, column) in columns.iter().enumerate() {
                let (pad, width) = (if at == 0 && i == 0 { "" } else { " " }, column.1);
                // The first column (the sender's name) is left-aligned.
                if at == 0 && i == 0 {
                    out += &format!("{pad}{:<width$}", cell(column));
                } else {
                    out += &format!("{pad}{:>width$}", cell(column));
                }
            }
        }
        println!("{}", out.trim_end());
    };
    let mut titles = String::new();
    for (at, (title, columns)) in groups.iter().enumerate() {
        let width: usize = columns.iter().map(|c| c.1 + 1).sum::<usize>() - 1;
        let sep = if at > 0 { " | " } else { "" };
        titles += &format!("{sep}{title:>width$}");
    }
    println!("{}", titles.trim_end());
    line(&|c| c.0.to_owned());
    for report in reports {
        line(&|c| (c.2)(report));
    }
}

fn us(value: f64) -> String {
    format!("{value:.0}")
}

fn pct(value: Option<f64>) -> String {
    value.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.1}"))
}

const SENDER: [Column; 2] = [
    ("sender", 10, |r| r.kind.label().to_owned()),
    ("interval", 8, |r| format!("{} µs", r.interval.as_micros())),
];

fn rate_table(reports: &[Report]) {
    let counts: [Column; 6] = [
        ("sent", 6, |r| r.sent.count.to_string()),
        ("sent/s", 8, |r| format!("{:.2}", r.sent.rate)),
        ("recv", 6, |r| r.received.to_string()),
        ("recv/s", 8, |r| format!("{:.2}", r.rx_rate)),
        ("own%", 5, |r| pct(r.cpu.own)),
        ("sys%", 5, |r| pct(r.cpu.system)),
    ];
    let gaps: [Column; 4] = [
        ("p50", 6, |r| us(r.gaps.p50)),
        ("p99", 6, |r| us(r.gaps.p99)),
        ("p99.9", 6, |r| us(r.gaps.p999)),
        ("max", 6, |r| us(r.gaps.max)),
    ];
    let jitter: [Column; 4] = [
        ("p50", 5, |r| us(r.jitter.p50)),
        ("p99", 5, |r| us(r.jitter.p99)),
        ("p99.9", 5, |r| us(r.jitter.p999)),
        ("max", 5, |r| us(r.jitter.max)),
    ];
    print_table(
        &[
            ("", &SENDER),
            ("", &counts),
            ("gap between arrivals", &gaps),
            ("|gap − iv|", &jitter),
        ],
        reports,
    );
}

fn lateness_table(reports: &[Report]) {
    let late: [Column; 4] = [
        ("p50", 7, |r| us(r.late.p50)),
        ("p99", 7, |r| us(r.late.p99)),
        ("max", 7, |r| us(r.late.max)),
        ("last", 7, |r| us(r.late_last)),
    ];
    let e2e: [Column; 3] = [
        ("p50", 7, |r| us(r.e2e_late.p50)),
        ("p99", 7, |r| us(r.e2e_late.p99)),
        ("max", 7, |r| us(r.e2e_late.max)),
    ];
    let call: [Column; 4] = [
        ("p50", 7, |r| format!("{:.1}", r.call_late.p50)),
        ("p99", 7, |r| format!("{:.1}", r.call_late.p99)),
        ("max", 7, |r| us(r.call_late.max)),
        ("burst", 5, |r| r.catch_up.to_string()),
    ];
    let hop: [Column; 3] = [
        ("p50", 5, |r| format!("{:.1}", r.hop.p50)),
        ("p99", 5, |r| us(r.hop.p99)),
        ("max", 5, |r| us(r.hop.max)),
    ];
    print_table(
        &[
            ("", &SENDER),
            ("arrival vs a_0 + n × iv", &late),
            ("arrival vs c_0 + n × iv", &e2e),
            ("send call vs c_0 + n × iv", &call),
            ("hop call → arrival", &hop),
        ],
        reports,
    );
}

fn main() {
    common::run_or_exit("periodic_send", parse_options(), run);
}

fn run(options: &Options) -> io::Result<()> {
    let bench_start = Instant::now();
    println!(
        "periodic_send: {PAYLOAD_LEN}-byte datagrams over 127.0.0.1; {} CPU(s), loadavg {}, \
         timer slack {} ns, clocksource {}",
        thread::available_parallelism().map_or(0, |n| n.get()),
        read_trimmed("/proc/loadavg"),
        read_trimmed("/proc/self/timerslack_ns"),
        read_trimmed("/sys/devices/system/clocksource/clocksource0/current_clocksource"),
    );
    println!(
        "repeater = engine Repeater (absolute deadlines) → UdpSender → UdpEndpoint send \
         thread; plain = std socket, loop {{ send_to; sleep(interval) }}. What-ifs (bench \
         code, engine unchanged): rep+slack1 = the Repeater with 1 ns timer slack; spin+eng / \
         spin+sock = sleep to {} µs before each deadline, then yield until due, sending \
         through the engine / on a std socket from the timing thread.",
        SPIN_MARGIN.as_micros()
    );
    println!(
        "A std socket timestamps arrivals. sent/s = (sent − 1) / first-to-last send call \
         (Repeater: progress().rate()); own% = this process's CPU (% of one core), sys% = \
         all CPUs busy (tick-sampled); a_0 / c_0 = first arrival / first send call; \
         burst = send calls < iv/2 after the previous (catch-up); hop = send call → \
         arrival. Times in µs."
    );
    println!();

    let count_for =
        |secs: f64, interval: Duration| ((secs / interval.as_secs_f64()).round() as u64).max(2);
    let mut cases = vec![
        (Kind::Repeater, options.secs, options.interval),
        (Kind::Plain, options.secs, options.interval),
    ];
    if options.whatif_secs > 0.0 {
        let slack_settable = std::fs::metadata("/proc/self/timerslack_ns").is_ok();
        for kind in [Kind::RepeaterSlack1, Kind::SpinEngine, Kind::SpinSocket] {
            if kind != Kind::RepeaterSlack1 || slack_settable {
                cases.push((kind, options.whatif_secs, options.interval));
            }
        }
    }
    if options.slow_secs > 0.0 {
        for kind in [Kind::Repeater, Kind::Plain] {
            cases.push((kind, options.slow_secs, options.slow_interval));
        }
    }
    let reports = cases
        .into_iter()
        .map(|(kind, secs, interval)| run_case(kind, interval, count_for(secs, interval)))
        .collect::<io::Result<Vec<_>>>()?;

    rate_table(&reports);
    println!();
    lateness_table(&reports);
    println!();
    for report in &reports {
        println!("{}", report.result_line());
    }
    println!(
        "RESULT total_secs={:.1}",
        bench_start.elapsed().as_secs_f64()
    );
    Ok(())
}
