//! Replay timing benchmark (issue #19 item 5): how close to its schedule the replay
//! engine sends. A capture of N messages G ms apart (netdbg's JSON lines, written
//! here) is replayed at ×1 over UDP to a socket on 127.0.0.1 that timestamps every
//! arrival on its own thread. Reported: the engine's own timing error (each send's
//! lateness against start + recorded offset, measured next to the send call) as
//! p50 / p99 / max, and the same measured at the receiver (arrival_n − arrival_0 −
//! offset_n, which adds the loopback hop). Loopback only; the goal is p99 ≤ 1 ms.
//!
//! Run: `cargo bench --bench replay [-- --messages 1000 --gap-ms 10]`

mod common;

use std::io::Write;
use std::net::UdpSocket;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use clap::Parser;

use common::options::{CargoBench, number};
use netdbg::engine::replay::{
    Pace, Plan, Player, ReplayConfig, ReplayEvent, Side, Transport, load,
};
use netdbg::engine::{FlowConfig, no_waker};

/// Replay over 127.0.0.1 at the recorded pace: the timing error of each send.
#[derive(Parser, Debug)]
#[command(
    name = "replay",
    bin_name = "cargo bench --bench replay --",
    args_override_self = true
)]
struct Options {
    /// Messages in the capture (10..=100000)
    #[arg(long, default_value_t = 1000, value_parser = number(10..=100_000usize))]
    messages: usize,
    /// Recorded gap between two messages, in ms (1..=1000)
    #[arg(long = "gap-ms", default_value_t = 10, value_parser = number(1..=1000u64))]
    gap_ms: u64,
    #[command(flatten)]
    _cargo: CargoBench,
}

fn percentile(sorted: &[f64], fraction: f64) -> f64 {
    let rank = (fraction * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let options = Options::parse();
    let path =
        std::env::temp_dir().join(format!("netdbg-bench-replay-{}.jsonl", std::process::id()));
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path)?);
    let start = chrono::DateTime::parse_from_rfc3339("2026-11-25T18:00:00+08:00")?;
    for n in 0..options.messages {
        let at = start + chrono::Duration::milliseconds((n as u64 * options.gap_ms) as i64);
        let data = format!("message {n:06}");
        let hex: String = data.bytes().map(|b| format!("{b:02x}")).collect();
        writeln!(
            file,
            r#"{{"time":"{}","dir":"tx","peer":"127.0.0.1:9","len":{},"hex":"{hex}"}}"#,
            at.format("%Y-%m-%dT%H:%M:%S%.6f%:z"),
            data.len()
        )?;
    }
    file.flush()?;
    drop(file);
    let capture = load(&path)?;
    let _ = std::fs::remove_file(&path);
    let plan = Arc::new(Plan::new(Arc::new(capture), Side::Sent, None)?);

    let receiver = UdpSocket::bind("127.0.0.1:0")?;
    receiver.set_read_timeout(Some(Duration::from_secs(2)))?;
    let port = receiver.local_addr()?.port();
    let expected = options.messages;
    let arrivals = thread::spawn(move || {
        let mut times = Vec::with_capacity(expected);
        let mut buf = [0u8; 256];
        while times.len() < expected {
            match receiver.recv(&mut buf) {
                Ok(_) => times.push(Instant::now()),
                Err(_) => break,
            }
        }
        times
    });

    let config = ReplayConfig {
        pace: Pace::Recorded { speed: 1.0 },
        linger: Duration::ZERO,
        flow: FlowConfig::datagrams(),
        ..ReplayConfig::new("127.0.0.1".to_owned(), port, Transport::Udp)
    };
    let (tx, events) = crossbeam_channel::unbounded();
    let _player = Player::start(plan.clone(), config, tx, no_waker())?;
    let result = loop {
        if let ReplayEvent::Done(done) = events.recv_timeout(Duration::from_secs(120))? {
            break done?;
        }
    };
    let times = arrivals.join().map_err(|_| "the receiver panicked")?;

    println!(
        "replay over UDP 127.0.0.1: {} messages, {} ms apart, ×1",
        options.messages, options.gap_ms
    );
    println!(
        "sent {} of {} in {:.2} s",
        result.sent,
        result.total,
        result.elapsed.as_secs_f64()
    );
    if let Some(timing) = result.timing {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "send timing error (engine):    p50 {:.3} ms  p99 {:.3} ms  max {:.3} ms",
            ms(timing.p50),
            ms(timing.p99),
            ms(timing.max)
        );
    }
    if let Some(&first) = times.first() {
        let mut late: Vec<f64> = times
            .iter()
            .zip(&plan.steps)
            .map(|(at, step)| {
                let due = first + step.offset;
                at.saturating_duration_since(due).as_secs_f64() * 1000.0
            })
            .collect();
        late.sort_by(f64::total_cmp);
        println!(
            "arrival error (receiver):      p50 {:.3} ms  p99 {:.3} ms  max {:.3} ms  ({} of {} arrived)",
            percentile(&late, 0.5),
            percentile(&late, 0.99),
            percentile(&late, 1.0),
            times.len(),
            options.messages
        );
    }
    Ok(())
}
