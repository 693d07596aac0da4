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
/// This bench's parts, one file each in `benches/tcp_server/`.
mod tcp_server {
    /// Part 2: one connection writing flat out, into the engine and a plain loop.
    pub mod bulk;
    /// The child process's clients of part 1.
    pub mod client_role;
    /// Part 1's printed rows and `RESULT` lines.
    pub mod clients_report;
    /// Part 1, the server side.
    pub mod many_clients;
}

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use clap::Parser;
use clap::builder::TypedValueParser;

use common::options::{CargoBench, number};
use common::procfs::open_files_limit;
use tcp_server::{bulk, client_role, many_clients};

/// TCP server over 127.0.0.1: many clients against the tutorial's auto-reply, then one
/// connection's bulk data into the engine beside a plain read loop.
#[derive(Parser, Debug)]
#[command(
    name = "tcp_server",
    bin_name = "cargo bench --bench tcp_server --",
    args_override_self = true
)]
struct Options {
    /// Clients of part 1, in a child process, each sending 你好 and reading the reply
    /// (0 = skip; at most 15000)
    #[arg(long, value_name = "N", default_value_t = 10_000, value_parser = number(0..=15_000usize))]
    clients: usize,
    /// Threads of the child process that connect the clients (1..=64)
    #[arg(long, value_name = "T", default_value_t = 8, value_parser = number(1..=64usize))]
    client_threads: usize,
    /// MiB one bulk connection writes at most (1..=65536)
    #[arg(
        long = "bulk-mib",
        value_name = "MIB",
        default_value = "2048",
        value_parser = number(1..=65_536u64).map(|mib| mib << 20),
    )]
    bulk_bytes: u64,
    /// Seconds one bulk connection writes at most (1..=60)
    #[arg(
        long = "bulk-secs",
        value_name = "SECS",
        default_value = "5",
        value_parser = number(1..=60u64).map(Duration::from_secs),
    )]
    bulk_time: Duration,
    /// Bulk runs, each one engine and one plain, the order alternating (0 = skip; at
    /// most 20)
    #[arg(long, value_name = "R", default_value_t = 5, value_parser = number(0..=20usize))]
    bulk_runs: usize,
    /// Run as the child of part 1: --clients clients from --client-threads threads
    /// connect to ADDR (the server in the parent).
    #[arg(long, hide = true, value_name = "ADDR")]
    client_role: Option<SocketAddr>,
    #[command(flatten)]
    _cargo: CargoBench,
}

fn main() {
    let options = Options::parse();
    match options.client_role {
        Some(server) => common::exit_on_error(
            "tcp_server client role",
            client_role::run(server, options.clients, options.client_threads),
        ),
        None => common::exit_on_error("tcp_server", run(&options)),
    }
}

fn run(options: &Options) -> io::Result<()> {
    let bench_start = Instant::now();
    let (soft, hard) = open_files_limit().unwrap_or((0, 0));
    println!(
        "tcp_server bench: 127.0.0.1 only, {} CPU(s), open files limit {soft} soft / {hard} hard",
        common::cpus(),
    );
    let mut results = Vec::new();
    if options.clients > 0 {
        results.extend(many_clients::many_clients(options)?);
    }
    if options.bulk_runs > 0 {
        results.extend(bulk::bulk(options)?);
    }
    common::print_results(&results, bench_start);
    Ok(())
}
