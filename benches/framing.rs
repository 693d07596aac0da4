//! Framing benchmark, loopback (127.0.0.1) only: one TCP connection carries
//! `--frames` messages of 64 bytes, each behind a 2-byte big-endian length
//! (`--frame len:2be`), written flat out in 64 KiB writes. The TCP client engine
//! reads them with framing (one `Received` per message) and, in the same run,
//! the same stream without (one `Received` per read). Both use the CLI's lossless
//! flow, so every event reaches the consumer, which counts them.
//!
//! Run: `cargo bench --bench framing [-- --frames 2000000 --rounds 3]`

mod common;

use clap::Parser;
use common::options::{CargoBench, number};

use std::io::Write;
use std::net::TcpListener;
use std::thread;
use std::time::{Duration, Instant};

use netdbg::engine::{FlowConfig, Framing, TcpClient, TcpClientConfig, TcpClientEvent, no_waker};

const PAYLOAD: usize = 64;
const WRITE: usize = 64 * 1024;

/// What to run; see the module's docs.
#[derive(Parser, Debug)]
#[command(
    name = "framing",
    bin_name = "cargo bench --bench framing --",
    args_override_self = true
)]
struct Options {
    /// Messages of 64 bytes
    #[arg(long, default_value_t = 2_000_000, value_parser = number(1..=1_000_000_000u64))]
    frames: u64,
    /// Rounds, framed and unframed each
    #[arg(long, default_value_t = 3, value_parser = number(1..=100u64))]
    rounds: u64,
    #[command(flatten)]
    _cargo: CargoBench,
}

/// `frames` messages of 64 bytes, each after its 2-byte big-endian length.
fn stream(frames: u64) -> Vec<u8> {
    let mut wire = Vec::with_capacity(frames as usize * (PAYLOAD + 2));
    for index in 0..frames {
        wire.extend_from_slice(&(PAYLOAD as u16).to_be_bytes());
        let byte = (index % 251) as u8;
        wire.extend(std::iter::repeat_n(byte, PAYLOAD));
    }
    wire
}

struct Outcome {
    events: u64,
    payload_bytes: u64,
    elapsed: Duration,
}

/// Sends `wire` to a TCP client engine with `framing` and counts what it reports.
fn run(wire: &'static [u8], framing: Framing) -> Outcome {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let writer = thread::spawn(move || {
        let (mut peer, _) = listener.accept().expect("accept");
        for piece in wire.chunks(WRITE) {
            peer.write_all(piece).expect("write");
        }
    });
    let (tx, rx) = crossbeam_channel::unbounded();
    let config = TcpClientConfig {
        tls: None,
        host: "127.0.0.1".to_owned(),
        port,
        local_port: None,
        connect_timeout: Duration::from_secs(5),
        flow: FlowConfig::lossless(),
        framing,
    };
    let client = TcpClient::connect(config, tx, no_waker()).expect("connect");
    let mut started = None;
    let mut events = 0u64;
    let mut payload_bytes = 0u64;
    for event in rx.iter() {
        match event {
            TcpClientEvent::Connected { .. } => started = Some(Instant::now()),
            TcpClientEvent::Received { data, .. } => {
                events += 1;
                payload_bytes += data.len() as u64;
            }
            TcpClientEvent::ClosedByPeer => break,
            TcpClientEvent::Failed(error) | TcpClientEvent::SendFailed(error) => {
                panic!("the connection failed: {error}")
            }
            TcpClientEvent::FrameDropped(fault) => panic!("a frame was dropped: {fault}"),
            _ => {}
        }
    }
    let elapsed = started.map(|s| s.elapsed()).unwrap_or_default();
    writer.join().expect("writer");
    assert_eq!(client.counters().snapshot().rx_bytes, wire.len() as u64);
    Outcome {
        events,
        payload_bytes,
        elapsed,
    }
}

fn main() {
    let options = Options::parse();
    let (frames, rounds) = (options.frames, options.rounds);
    let wire: &'static [u8] = Box::leak(stream(frames).into_boxed_slice());
    let mib = wire.len() as f64 / (1024.0 * 1024.0);
    println!(
        "framing: {frames} messages of {PAYLOAD} bytes behind a 2-byte big-endian length ({mib:.1} MiB), one loopback TCP connection, lossless flow"
    );
    println!(
        "{:<8} {:>6} {:>12} {:>10} {:>14} {:>10}",
        "framing", "round", "events", "seconds", "messages/s", "MiB/s"
    );
    let mut best = [0f64; 2];
    for round in 1..=rounds {
        for (slot, (name, framing)) in [
            ("len:2be", Framing::parse("len:2be").expect("valid")),
            ("raw", Framing::AsRead),
        ]
        .into_iter()
        .enumerate()
        {
            let outcome = run(wire, framing);
            let seconds = outcome.elapsed.as_secs_f64();
            if slot == 0 {
                assert_eq!(outcome.events, frames, "one event per message");
                assert_eq!(outcome.payload_bytes, frames * PAYLOAD as u64);
            }
            // Messages the stream carried per second, whether or not the engine cut them.
            let rate = frames as f64 / seconds;
            best[slot] = best[slot].max(rate);
            println!(
                "{name:<8} {round:>6} {:>12} {seconds:>10.3} {rate:>14.0} {:>10.1}",
                outcome.events,
                mib / seconds
            );
        }
    }
    println!(
        "best: framed {:.0} messages/s, unframed {:.0} messages/s (framed runs at {:.0} % of unframed)",
        best[0],
        best[1],
        100.0 * best[0] / best[1]
    );
}
