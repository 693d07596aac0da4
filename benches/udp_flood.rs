//! UDP flood benchmark: how many 64-byte datagrams per second the engine's
//! `UdpEndpoint` takes in (and hands to a UI-like consumer) compared with a plain
//! `std::net` receive loop on a socket with the same receive buffer, plus the
//! process's memory after a long flood. Loopback (127.0.0.1) only.
//!
//! Run: `cargo bench --bench udp_flood [-- --secs 5 --rates 50000,100000,250000,max
//!       --long 10000000 --long-cap 90]`

mod common;
/// This bench's parts, one file each in `benches/udp_flood/`.
mod udp_flood {
    /// The sender, and the engine and plain receivers it floods.
    pub mod flood;
    /// The table and the `RESULT` lines.
    pub mod report;
}

use std::io;
use std::time::{Duration, Instant};

use clap::Parser;
use clap::builder::TypedValueParser;
use netdbg::engine::udp::DEFAULT_RECV_BUFFER;

use common::figures::{mib, opt};
use common::options::{CargoBench, number, seconds};
use common::procfs::{own_status_field, reset_peak_rss};
use udp_flood::flood::{KEEP_PAYLOADS, PAYLOAD_LEN, Rate, plain_socket, run_engine, run_plain};
use udp_flood::report::{header, result_line, row};

const MAX_RATES: usize = 10;

/// UDP flood over 127.0.0.1: the engine's receive path beside a plain `recv_from` loop,
/// then one long flood for the memory figures.
#[derive(Parser, Debug)]
#[command(
    name = "udp_flood",
    bin_name = "cargo bench --bench udp_flood --",
    args_override_self = true
)]
struct Options {
    /// Seconds of sending per measurement, in (0, 60]
    #[arg(long, value_name = "SECS", default_value_t = 5.0, value_parser = seconds(60.0, false))]
    secs: f64,
    /// Datagrams per second, each rate measured in turn (1 to 10 of them, each
    /// 1..=10000000 or `max`: as fast as the sender can)
    #[arg(
        long,
        value_name = "R1,R2,...|max",
        default_value = "50000,100000,250000,max",
        value_parser = Rates::parse,
    )]
    rates: Rates,
    /// Datagrams of the long run, at the maximum rate, for the memory figures (0 = skip;
    /// at most 100000000)
    #[arg(
        long = "long",
        value_name = "COUNT",
        default_value_t = 10_000_000,
        value_parser = number(0..=100_000_000u64),
    )]
    long_count: u64,
    /// Seconds the long run may take at most (1..=600)
    #[arg(
        long,
        value_name = "SECS",
        default_value = "90",
        value_parser = number(1..=600u64).map(Duration::from_secs),
    )]
    long_cap: Duration,
    #[command(flatten)]
    _cargo: CargoBench,
}

/// The value of `--rates`.
#[derive(Clone, Debug)]
struct Rates(Vec<Rate>);

impl Rates {
    fn parse(text: &str) -> Result<Rates, String> {
        let rates = text
            .split(',')
            .map(Rate::parse)
            .collect::<Result<Vec<_>, _>>()?;
        if rates.len() > MAX_RATES {
            return Err(format!("1 to {MAX_RATES} rates"));
        }
        Ok(Rates(rates))
    }
}

fn main() {
    common::exit_on_error("udp_flood", run(&Options::parse()));
}

fn run(options: &Options) -> io::Result<()> {
    let bench_start = Instant::now();
    let duration = Duration::from_secs_f64(options.secs);
    let (_, effective_buf) = plain_socket()?;
    println!(
        "udp_flood: {PAYLOAD_LEN}-byte datagrams over 127.0.0.1, {} s per measurement, \
         {} CPU(s), SO_RCVBUF requested {} B / kernel reports {} B",
        options.secs,
        common::cpus(),
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
    for &rate in &options.rates.0 {
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
        results.extend(long_run(options)?);
    }
    common::print_results(&results, bench_start);
    Ok(())
}

/// The engine under a flood of `--long` datagrams: memory before, at the peak, after.
fn long_run(options: &Options) -> io::Result<[String; 2]> {
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
        opt(rss_before.map(mib)),
        if peak_reset {
            ", reset before the run"
        } else {
            ", whole process: reset failed"
        },
        opt(peak.map(mib)),
        opt(long.rss_open_kib.map(mib)),
        opt(rss_after.map(mib))
    );
    Ok([
        result_line("long", Rate::Max, &long) + &format!(" target={}", options.long_count),
        format!(
            "RESULT memory rss_before_kib={} peak_rss_kib={} peak_reset={peak_reset} \
             rss_open_kib={} rss_after_close_kib={}",
            opt(rss_before),
            opt(peak),
            opt(long.rss_open_kib),
            opt(rss_after)
        ),
    ])
}
