//! UDP flood benchmark: how many 64-byte datagrams per second the engine's
//! `UdpEndpoint` takes in (and hands to a UI-like consumer) compared with a plain
//! `std::net` receive loop on a socket with the same receive buffer, plus the
//! process's memory after a long flood. Loopback (127.0.0.1) only.
//!
//! Run: `cargo bench --bench udp_flood [-- --secs 5 --rates 50000,100000,250000,max
//!       --long 10000000 --long-cap 90]`

mod common;

use std::collections::VecDeque;
use std::io;
use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use netdbg::engine::udp::DEFAULT_RECV_BUFFER;
use netdbg::engine::{UdpConfig, UdpEndpoint, UdpEvent, no_waker};
use socket2::{Domain, Protocol, Socket, Type};

use common::figures::{mib, opt, per_sec};
use common::join;
use common::procfs::{net_counters, own_status_field, reset_peak_rss};

const PAYLOAD_LEN: usize = 64;
/// The consumer keeps the last this many payloads, like the UI's log.
const KEEP_PAYLOADS: usize = 100_000;
/// At most this many datagrams are sent between two looks at the clock.
const BURST: u64 = 64;
/// How often the main thread samples counters, the channel and RSS.
const POLL: Duration = Duration::from_millis(20);
/// After the sender stops, counters count as settled once quiet this long...
const SETTLE_QUIET: Duration = Duration::from_millis(100);
/// ...or once this much time has passed.
const SETTLE_CAP: Duration = Duration::from_secs(1);
/// Read timeout of the plain receiver, so it notices the stop flag.
const PLAIN_POLL: Duration = Duration::from_millis(100);

const MAX_SECS: f64 = 60.0;
const MAX_RATES: usize = 10;
const MAX_LONG: u64 = 100_000_000;
const MAX_LONG_CAP_SECS: u64 = 600;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rate {
    Paced(u64),
    Max,
}

impl Rate {
    fn label(self) -> String {
        match self {
            Rate::Paced(rate) => rate.to_string(),
            Rate::Max => "max".to_owned(),
        }
    }
}

struct Options {
    secs: f64,
    rates: Vec<Rate>,
    long_count: u64,
    long_cap: Duration,
}

const USAGE: &str = "usage: cargo bench --bench udp_flood [-- --secs N] [--rates R1,R2,...|max] \
[--long COUNT (0 = skip)] [--long-cap SECS]";

fn parse_options() -> Result<Options, String> {
    let mut options = Options {
        secs: 5.0,
        rates: vec![
            Rate::Paced(50_000),
            Rate::Paced(100_000),
            Rate::Paced(250_000),
            Rate::Max,
        ],
        long_count: 10_000_000,
        long_cap: Duration::from_secs(90),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            // `cargo bench` passes `--bench` to harness-less benches.
            "--bench" => {}
            "--secs" => {
                let secs: f64 = value("--secs")?
                    .parse()
                    .map_err(|_| "--secs: not a number".to_owned())?;
                if !(secs > 0.0 && secs <= MAX_SECS) {
                    return Err(format!("--secs must be in (0, {MAX_SECS}]"));
                }
                options.secs = secs;
            }
            "--rates" => {
                let rates = value("--rates")?
                    .split(',')
                    .map(|r| match r.trim() {
                        "max" => Ok(Rate::Max),
                        r => match r.replace('_', "").parse::<u64>() {
                            Ok(n) if (1..=10_000_000).contains(&n) => Ok(Rate::Paced(n)),
                            _ => Err(format!("--rates: bad rate {r:?} (1..=10000000 or max)")),
                        },
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                if rates.is_empty() || rates.len() > MAX_RATES {
                    return Err(format!("--rates: 1 to {MAX_RATES} rates"));
                }
                options.rates = rates;
            }
            "--long" => {
                let count: u64 = value("--long")?
                    .replace('_', "")
                    .parse()
                    .map_err(|_| "--long: not a count".to_owned())?;
                if count > MAX_LONG {
                    return Err(format!("--long: at most {MAX_LONG}"));
                }
                options.long_count = count;
            }
            "--long-cap" => {
                let secs: u64 = value("--long-cap")?
                    .parse()
                    .map_err(|_| "--long-cap: not a number of seconds".to_owned())?;
                if !(1..=MAX_LONG_CAP_SECS).contains(&secs) {
                    return Err(format!("--long-cap: 1 to {MAX_LONG_CAP_SECS} s"));
                }
                options.long_cap = Duration::from_secs(secs);
            }
            "--help" | "-h" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(options)
}

// ---------------------------------------------------------------- sender

#[derive(Debug, Clone, Copy)]
struct SendStats {
    sent: u64,
    errors: u64,
    elapsed: Duration,
}

/// Sends `PAYLOAD_LEN`-byte datagrams to `target` from a fresh loopback socket until
/// `max_count` are sent or `duration` has passed. A paced rate is kept against the
/// clock in bursts of at most `BURST`; the sender sleeps whenever it is ahead.
fn spawn_sender(
    target: SocketAddr,
    rate: Rate,
    max_count: u64,
    duration: Duration,
) -> io::Result<JoinHandle<io::Result<SendStats>>> {
    let socket = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?;
    socket.connect(target)?;
    thread::Builder::new()
        .name("flood-tx".to_owned())
        .spawn(move || {
            let mut payload = [0xA5u8; PAYLOAD_LEN];
            let (mut sent, mut errors) = (0u64, 0u64);
            let start = Instant::now();
            loop {
                let elapsed = start.elapsed();
                if sent >= max_count || elapsed >= duration {
                    break;
                }
                let due = match rate {
                    Rate::Max => max_count,
                    Rate::Paced(rate) => {
                        let due = elapsed.as_nanos() * u128::from(rate) / 1_000_000_000 + 1;
                        u64::try_from(due).unwrap_or(u64::MAX).min(max_count)
                    }
                };
                if sent >= due {
                    if let Rate::Paced(rate) = rate {
                        // Datagram number `sent` is due at sent / rate seconds.
                        let next = Duration::from_nanos(
                            u64::try_from(u128::from(sent) * 1_000_000_000 / u128::from(rate))
                                .unwrap_or(u64::MAX),
                        );
                        thread::sleep(next.saturating_sub(elapsed));
                    }
                    continue;
                }
                for _ in 0..(due - sent).min(BURST) {
                    payload[..8].copy_from_slice(&sent.to_le_bytes());
                    match socket.send(&payload) {
                        Ok(_) => sent += 1,
                        Err(_) => {
                            errors += 1;
                            break;
                        }
                    }
                }
            }
            Ok(SendStats {
                sent,
                errors,
                elapsed: start.elapsed(),
            })
        })
}

/// Waits until `read` stops rising (quiet for `SETTLE_QUIET`, at most `SETTLE_CAP`).
fn settle(read: impl Fn() -> u64) -> u64 {
    let start = Instant::now();
    let mut last = read();
    let mut last_change = Instant::now();
    while start.elapsed() < SETTLE_CAP {
        thread::sleep(POLL);
        let now = read();
        if now != last {
            last = now;
            last_change = Instant::now();
        } else if last_change.elapsed() >= SETTLE_QUIET {
            break;
        }
    }
    read()
}

// ---------------------------------------------------------------- receivers

#[derive(Debug, Clone, Copy, Default)]
struct Outcome {
    send: Option<SendStats>,
    received: u64,
    /// Taken by the consumer when the counters had settled (engine only).
    delivered: Option<u64>,
    /// Taken by the consumer in the end, after the endpoint closed (engine only).
    delivered_final: Option<u64>,
    /// Largest number of events waiting in the channel seen while sending.
    backlog_peak: Option<usize>,
    /// How long the consumer took to empty the channel after the endpoint closed.
    drain: Option<Duration>,
    /// Kernel `Udp: RcvbufErrors` rise over the run (whole network namespace).
    kernel_drops: Option<u64>,
    /// Process RSS (KiB) with the endpoint still open, after settling.
    rss_open_kib: Option<u64>,
}

impl Outcome {
    fn stats(&self) -> SendStats {
        self.send.expect("sender stats")
    }

    fn loss_pct(&self) -> f64 {
        let sent = self.stats().sent;
        if sent == 0 {
            return 0.0;
        }
        sent.saturating_sub(self.received) as f64 * 100.0 / sent as f64
    }

    fn send_rate(&self) -> f64 {
        per_sec(self.stats().sent, self.stats().elapsed)
    }

    /// Received datagrams per second of sending.
    fn rx_rate(&self) -> f64 {
        per_sec(self.received, self.stats().elapsed)
    }
}

/// Floods a `UdpEndpoint` whose events a UI-like consumer thread drains.
fn run_engine(rate: Rate, max_count: u64, duration: Duration) -> io::Result<Outcome> {
    let (events_tx, events_rx) = crossbeam_channel::unbounded();
    let config = UdpConfig::new(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)));
    let endpoint = UdpEndpoint::open(&config, events_tx, no_waker())
        .map_err(|err| io::Error::other(format!("UdpEndpoint::open: {err}")))?;
    let target = endpoint.local_addr();
    let delivered = Arc::new(AtomicU64::new(0));
    let probe = events_rx.clone();

    let consumer = {
        let delivered = delivered.clone();
        thread::Builder::new()
            .name("flood-consumer".to_owned())
            .spawn(move || {
                let mut kept: VecDeque<Vec<u8>> = VecDeque::with_capacity(KEEP_PAYLOADS);
                for event in events_rx.iter() {
                    match event {
                        UdpEvent::Received(datagram) => {
                            if kept.len() == KEEP_PAYLOADS {
                                kept.pop_front();
                            }
                            kept.push_back(datagram.data.into_vec());
                            delivered.fetch_add(1, Ordering::Relaxed);
                        }
                        UdpEvent::Error(err) => eprintln!("engine error: {err}"),
                        UdpEvent::Closed => break,
                        UdpEvent::Bound { .. } | UdpEvent::Sent(_) | UdpEvent::Skipped(_) => {}
                    }
                }
                Ok(kept.len())
            })?
    };

    let drops_before = kernel_rcvbuf_errors();
    let sender = spawn_sender(target, rate, max_count, duration)?;
    let mut backlog_peak = 0;
    while !sender.is_finished() {
        thread::sleep(POLL);
        backlog_peak = backlog_peak.max(probe.len());
    }
    let send = join(sender, "flood-tx")?;
    let received = settle(|| endpoint.counters().snapshot().rx_packets);
    let delivered_at_settle = delivered.load(Ordering::Relaxed);
    let kernel_drops = kernel_drops_since(drops_before);
    let rss_open_kib = own_status_field("VmRSS");

    endpoint.close();
    drop(probe);
    let drain_start = Instant::now();
    let _kept = join(consumer, "flood-consumer")?;
    let drain = drain_start.elapsed();

    Ok(Outcome {
        send: Some(send),
        received,
        delivered: Some(delivered_at_settle),
        delivered_final: Some(delivered.load(Ordering::Relaxed)),
        backlog_peak: Some(backlog_peak),
        drain: Some(drain),
        kernel_drops,
        rss_open_kib,
    })
}

/// Opens a plain std socket with the engine's receive buffer, set through socket2.
/// Returns it and the buffer size the kernel reports.
fn plain_socket() -> io::Result<(UdpSocket, usize)> {
    let socket = Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP))?;
    socket.set_recv_buffer_size(DEFAULT_RECV_BUFFER)?;
    socket.bind(&SocketAddr::from((Ipv4Addr::LOCALHOST, 0)).into())?;
    let effective = socket.recv_buffer_size()?;
    let socket: UdpSocket = socket.into();
    socket.set_read_timeout(Some(PLAIN_POLL))?;
    Ok((socket, effective))
}

/// The reference: a std socket in a loop calling `recv_from` and counting.
fn run_plain(rate: Rate, max_count: u64, duration: Duration) -> io::Result<Outcome> {
    let (socket, _) = plain_socket()?;
    let target = socket.local_addr()?;
    let count = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let receiver = {
        let (count, stop) = (count.clone(), stop.clone());
        thread::Builder::new()
            .name("plain-rx".to_owned())
            .spawn(move || {
                let mut buf = vec![0u8; 65_536];
                while !stop.load(Ordering::Relaxed) {
                    match socket.recv_from(&mut buf) {
                        Ok(_) => {
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
                Ok(())
            })?
    };

    let drops_before = kernel_rcvbuf_errors();
    let sender = spawn_sender(target, rate, max_count, duration)?;
    let send = join(sender, "flood-tx");
    let received = settle(|| count.load(Ordering::Relaxed));
    let kernel_drops = kernel_drops_since(drops_before);
    stop.store(true, Ordering::Relaxed);
    let receiver = join(receiver, "plain-rx");
    let send = send?;
    receiver?;

    Ok(Outcome {
        send: Some(send),
        received,
        kernel_drops,
        ..Outcome::default()
    })
}

// ---------------------------------------------------------------- /proc

/// The kernel's count of UDP datagrams dropped for a full receive buffer.
fn kernel_rcvbuf_errors() -> Option<u64> {
    let [errors] = net_counters("/proc/net/snmp", "Udp:", ["RcvbufErrors"])?;
    Some(errors)
}

fn kernel_drops_since(before: Option<u64>) -> Option<u64> {
    Some(kernel_rcvbuf_errors()?.saturating_sub(before?))
}

fn kib(value: Option<u64>) -> String {
    value.map_or_else(|| "n/a".to_owned(), mib)
}

// ---------------------------------------------------------------- report

fn header() {
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

fn row(kind: &str, rate: Rate, outcome: &Outcome, ratio: Option<f64>) {
    println!(
        "{:<7} {:>7} {:>10} {:>9.0} {:>10} {:>10} {:>7.3} {:>9.0} {:>8} {:>9} {:>6}",
        kind,
        rate.label(),
        outcome.stats().sent,
        outcome.send_rate(),
        outcome.received,
        outcome
            .delivered
            .map_or_else(|| "-".to_owned(), |d| d.to_string()),
        outcome.loss_pct(),
        outcome.rx_rate(),
        opt(outcome.kernel_drops),
        outcome
            .backlog_peak
            .map_or_else(|| "-".to_owned(), |b| b.to_string()),
        ratio.map_or_else(|| "-".to_owned(), |r| format!("{r:.3}")),
    );
}

fn result_line(kind: &str, rate: Rate, outcome: &Outcome) -> String {
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

fn main() {
    common::run_or_exit("udp_flood", parse_options(), run);
}

fn run(options: &Options) -> io::Result<()> {
    let bench_start = Instant::now();
    let duration = Duration::from_secs_f64(options.secs);
    let (_, effective_buf) = plain_socket()?;
    println!(
        "udp_flood: {PAYLOAD_LEN}-byte datagrams over 127.0.0.1, {} s per measurement, \
         {} CPU(s), SO_RCVBUF requested {} B / kernel reports {} B",
        options.secs,
        thread::available_parallelism().map_or(0, |n| n.get()),
        DEFAULT_RECV_BUFFER,
        effective_buf
    );
    println!(
        "engine = UdpEndpoint + consumer thread keeping the last {KEEP_PAYLOADS} payloads; \
         plain = std UdpSocket recv_from loop; received = receiver counters; \
         delivered = taken by the consumer when counters settled; recv/s = received / send \
         time; k-drops = kernel Udp RcvbufErrors rise (system-wide); ch-peak = most events \
         seen queued in the channel; ratio = engine recv/s / plain recv/s"
    );
    println!();
    header();
    let mut results = Vec::new();
    for &rate in &options.rates {
        // A paced run sends exactly rate × secs datagrams, with a little grace time in
        // case the sender falls behind; `max` sends for exactly `secs`.
        let (count, limit) = match rate {
            Rate::Paced(rate) => (
                (rate as f64 * options.secs).ceil() as u64,
                duration + (duration / 10).max(Duration::from_millis(200)),
            ),
            Rate::Max => (u64::MAX, duration),
        };
        let engine = run_engine(rate, count, limit)?;
        row("engine", rate, &engine, None);
        let plain = run_plain(rate, count, limit)?;
        let ratio = if plain.rx_rate() > 0.0 {
            engine.rx_rate() / plain.rx_rate()
        } else {
            f64::NAN
        };
        row("plain", rate, &plain, Some(ratio));
        results.push(result_line("engine", rate, &engine));
        results.push(result_line("plain", rate, &plain));
        results.push(format!(
            "RESULT ratio rate={} engine_rx_rate={:.0} plain_rx_rate={:.0} ratio={ratio:.3}",
            rate.label(),
            engine.rx_rate(),
            plain.rx_rate()
        ));
    }

    if options.long_count > 0 {
        println!();
        let rss_before = own_status_field("VmRSS");
        let peak_reset = reset_peak_rss();
        let long = run_engine(Rate::Max, options.long_count, options.long_cap)?;
        let peak = own_status_field("VmHWM");
        let rss_after = own_status_field("VmRSS");
        let stats = long.stats();
        let finished = stats.sent >= options.long_count;
        println!(
            "long run (engine, max rate): sent {} of {} datagrams in {:.2} s{} ({:.0}/s); \
             received {} ({:.0}/s), loss {:.3}%, kernel drops {}, channel peak {}, \
             consumer drained the rest in {:.1} ms",
            stats.sent,
            options.long_count,
            stats.elapsed.as_secs_f64(),
            if finished {
                String::new()
            } else {
                format!(" (STOPPED at the {} s cap)", options.long_cap.as_secs())
            },
            long.send_rate(),
            long.received,
            long.rx_rate(),
            long.loss_pct(),
            opt(long.kernel_drops),
            opt(long.backlog_peak),
            long.drain.unwrap_or_default().as_secs_f64() * 1000.0,
        );
        println!(
            "memory: RSS before {} | peak during long run (VmHWM{}) {} | with endpoint open \
             after it {} | after close {}",
            kib(rss_before),
            if peak_reset {
                ", reset before the run"
            } else {
                ", whole process: reset failed"
            },
            kib(peak),
            kib(long.rss_open_kib),
            kib(rss_after)
        );
        results.push(
            result_line("long", Rate::Max, &long) + &format!(" target={}", options.long_count),
        );
        results.push(format!(
            "RESULT memory rss_before_kib={} peak_rss_kib={} peak_reset={peak_reset} \
             rss_open_kib={} rss_after_close_kib={}",
            opt(rss_before),
            opt(peak),
            opt(long.rss_open_kib),
            opt(rss_after)
        ));
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
