//! Relay benchmark, loopback (127.0.0.1) only, against socat in the same run.
//!
//! 1. Throughput: one TCP stream of `--mib` MiB (default 1024) written flat out in
//!    64 KiB writes through the relay engine (no faults; a consumer drains its events
//!    with the window's display flow) and through `socat TCP4-LISTEN:P,fork TCP4:…`,
//!    to a sink that reads and drops.
//! 2. Latency: `--pings` round trips (default 20,000) of a 64-byte message to an echo
//!    server, direct, through the relay and through socat; p50 and p99, and what each
//!    adds to the direct p50.
//! 3. Memory per idle pair: RSS before and after `--idle` (default 500) idle pairs.
//!
//! Run: `cargo bench --bench relay [-- --mib 1024 --pings 20000 --idle 500]`
//! (socat must be installed: `apt-get install socat`; without it, only netdbg runs).

mod common;

use clap::Parser;
use common::options::{CargoBench, number};

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use netdbg::engine::{FlowConfig, Relay, RelayConfig, RelayEvent, RelayProtocol, no_waker};

/// What to run; see the module's docs.
#[derive(Parser, Debug)]
#[command(
    name = "relay",
    bin_name = "cargo bench --bench relay --",
    args_override_self = true
)]
struct Options {
    /// MiB streamed through each
    #[arg(long, default_value_t = 1024, value_parser = number(1..=1_000_000u64))]
    mib: u64,
    /// Round trips of 64 bytes
    #[arg(long, default_value_t = 20_000, value_parser = number(1..=10_000_000u64))]
    pings: u64,
    /// Idle pairs for the memory figure
    #[arg(long, default_value_t = 500, value_parser = number(1..=10_000u64))]
    idle: u64,
    #[command(flatten)]
    _cargo: CargoBench,
}

fn sink_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            thread::spawn(move || {
                let mut buf = vec![0u8; 256 * 1024];
                while let Ok(1..) = stream.read(&mut buf) {}
            });
        }
    });
    addr
}

fn echo_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let _ = stream.set_nodelay(true);
            thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(len @ 1..) = stream.read(&mut buf) {
                    if stream.write_all(&buf[..len]).is_err() {
                        break;
                    }
                }
            });
        }
    });
    addr
}

/// A relay engine to `target`, its events drained and dropped like the window does.
fn relay_to(target: SocketAddr) -> Relay {
    let mut config = RelayConfig::new(
        "127.0.0.1:0".parse().expect("address"),
        "127.0.0.1",
        target.port(),
        RelayProtocol::Tcp,
    );
    config.flow = FlowConfig::display();
    config.max_pairs = 100_000;
    let (tx, rx) = crossbeam_channel::unbounded::<RelayEvent>();
    thread::spawn(move || for _event in rx {});
    Relay::start(config, tx, no_waker()).expect("start the relay")
}

/// socat forwarding a free port to `target`, once it accepts connections.
fn socat_to(target: SocketAddr) -> Option<(Child, SocketAddr)> {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .ok()?
        .port();
    let child = Command::new("socat")
        .arg(format!("TCP4-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork"))
        .arg(format!("TCP4:127.0.0.1:{}", target.port()))
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if TcpStream::connect(addr).is_ok() {
            return Some((child, addr));
        }
        thread::sleep(Duration::from_millis(20));
    }
    None
}

/// MB/s (10^6) for `mib` MiB written flat out to `addr`.
fn throughput(addr: SocketAddr, mib: u64) -> f64 {
    let mut stream = TcpStream::connect(addr).expect("connect");
    let block = vec![0x5au8; 64 * 1024];
    let total = mib * 1024 * 1024;
    let started = Instant::now();
    let mut written = 0u64;
    while written < total {
        stream.write_all(&block).expect("write");
        written += block.len() as u64;
    }
    stream.shutdown(std::net::Shutdown::Write).expect("FIN");
    // The relay passes the FIN on and the sink closes: the last byte is through.
    let mut rest = [0u8; 16];
    let _ = stream.read(&mut rest);
    total as f64 / started.elapsed().as_secs_f64() / 1e6
}

/// p50 and p99 of `count` 64-byte round trips, in microseconds.
fn latency(addr: SocketAddr, count: u64) -> (f64, f64) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    let message = [7u8; 64];
    let mut answer = [0u8; 64];
    for _ in 0..200 {
        stream.write_all(&message).expect("write");
        stream.read_exact(&mut answer).expect("read");
    }
    let mut micros: Vec<f64> = (0..count)
        .map(|_| {
            let started = Instant::now();
            stream.write_all(&message).expect("write");
            stream.read_exact(&mut answer).expect("read");
            started.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    micros.sort_by(f64::total_cmp);
    let at = |q: f64| micros[((micros.len() as f64 - 1.0) * q) as usize];
    (at(0.50), at(0.99))
}

#[cfg(target_os = "linux")]
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

#[cfg(not(target_os = "linux"))]
fn rss_kib() -> u64 {
    0
}

fn main() {
    let options = Options::parse();
    let (mib, pings, idle) = (options.mib, options.pings, options.idle);
    let sink = sink_server();
    let relay = relay_to(sink);
    let socat = socat_to(sink);
    println!("throughput, one TCP stream of {mib} MiB (MB/s):");
    let ours = throughput(relay.local_addr(), mib);
    println!("  netdbg relay  {ours:8.0}");
    if let Some((_, addr)) = &socat {
        let theirs = throughput(*addr, mib);
        println!(
            "  socat         {theirs:8.0}   netdbg/socat = {:.2}",
            ours / theirs
        );
        println!("RESULT relay_throughput_mb_s={ours:.0} socat_throughput_mb_s={theirs:.0}");
    }
    drop(relay);

    let echo = echo_server();
    let relay = relay_to(echo);
    let socat_echo = socat_to(echo);
    println!("latency, {pings} round trips of 64 bytes (µs):");
    let (d50, d99) = latency(echo, pings);
    println!("  direct        p50 {d50:7.1}  p99 {d99:7.1}");
    let (r50, r99) = latency(relay.local_addr(), pings);
    println!(
        "  netdbg relay  p50 {r50:7.1}  p99 {r99:7.1}   adds p50 {:.1}",
        r50 - d50
    );
    if let Some((_, addr)) = &socat_echo {
        let (s50, s99) = latency(*addr, pings);
        println!(
            "  socat         p50 {s50:7.1}  p99 {s99:7.1}   adds p50 {:.1}",
            s50 - d50
        );
    }

    let before = rss_kib();
    let clients: Vec<TcpStream> = (0..idle)
        .map(|_| TcpStream::connect(relay.local_addr()).expect("connect"))
        .collect();
    let deadline = Instant::now() + Duration::from_secs(30);
    while relay.pair_count() < idle as usize && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(20));
    }
    thread::sleep(Duration::from_millis(500));
    let after = rss_kib();
    println!(
        "memory: {idle} idle pairs add {} KiB RSS, {:.1} KiB per pair",
        after.saturating_sub(before),
        after.saturating_sub(before) as f64 / idle as f64
    );
    drop(clients);
    for (mut child, _) in socat.into_iter().chain(socat_echo) {
        let _ = child.kill();
        let _ = child.wait();
    }
}
