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
/// This bench's parts, one file each in `benches/periodic_send/`.
mod periodic_send {
    /// The payload, and the std socket that timestamps each arrival.
    pub mod receiver;
    /// What one run measured, from the arrivals and the CPU counters.
    pub mod report;
    /// The Repeater, the plain loop and the what-if senders.
    pub mod senders;
    /// The two tables.
    pub mod tables;
}

use std::io;
use std::ops::RangeInclusive;
use std::time::{Duration, Instant};

use clap::Parser;
use clap::builder::TypedValueParser;

use common::options::{CargoBench, number, seconds};
use periodic_send::receiver::{PAYLOAD_LEN, Receiver};
use periodic_send::report::{CpuSample, Report};
use periodic_send::senders::{
    EngineSink, Kind, SPIN_MARGIN, Schedule, Sent, own_loop, repeat, socket_send_fn,
};
use periodic_send::tables::{lateness_table, rate_table};

const MAX_SECS: f64 = 60.0;
const INTERVAL_US: RangeInclusive<u64> = 100..=1_000_000;

/// Periodic send over 127.0.0.1: how evenly the engine's Repeater paces datagrams,
/// beside a plain sleep loop and what-if senders.
#[derive(Parser, Debug)]
#[command(
    name = "periodic_send",
    bin_name = "cargo bench --bench periodic_send --",
    args_override_self = true
)]
struct Options {
    /// Seconds of the repeater and of the plain loop at --interval-us, in (0, 60]
    #[arg(long, value_name = "SECS", default_value_t = 10.0, value_parser = seconds(MAX_SECS, false))]
    secs: f64,
    /// The interval between two sends, in µs (100..=1000000)
    #[arg(
        long = "interval-us",
        value_name = "US",
        default_value = "1000",
        value_parser = number(INTERVAL_US).map(Duration::from_micros),
    )]
    interval: Duration,
    /// Seconds of each what-if sender (rep+slack1, spin+eng, spin+sock) at --interval-us,
    /// in [0, 60] (0 = skip)
    #[arg(long, value_name = "SECS", default_value_t = 3.0, value_parser = seconds(MAX_SECS, true))]
    whatif_secs: f64,
    /// Seconds of the repeater and of the plain loop at --slow-interval-us, in [0, 60]
    /// (0 = skip)
    #[arg(long, value_name = "SECS", default_value_t = 2.0, value_parser = seconds(MAX_SECS, true))]
    slow_secs: f64,
    /// The slow runs' interval, in µs (100..=1000000)
    #[arg(
        long = "slow-interval-us",
        value_name = "US",
        default_value = "10000",
        value_parser = number(INTERVAL_US).map(Duration::from_micros),
    )]
    slow_interval: Duration,
    #[command(flatten)]
    _cargo: CargoBench,
}

fn main() {
    common::exit_on_error("periodic_send", run(&Options::parse()));
}

fn run(options: &Options) -> io::Result<()> {
    let bench_start = Instant::now();
    println!(
        "periodic_send: {PAYLOAD_LEN}-byte datagrams over 127.0.0.1; {} CPU(s), loadavg {}, \
         timer slack {} ns, clocksource {}",
        common::cpus(),
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
    let results: Vec<String> = reports.iter().map(Report::result_line).collect();
    common::print_results(&results, bench_start);
    Ok(())
}

fn read_trimmed(path: &str) -> String {
    std::fs::read_to_string(path).map_or_else(|_| "n/a".to_owned(), |s| s.trim().to_owned())
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
