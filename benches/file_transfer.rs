//! File transfer benchmark, loopback (127.0.0.1) only: netdbg's file server and
//! downloader on one large file, beside plain references.
//!
//! A pseudo-random file of `--size-mib` is written once to a scratch folder under the
//! system temp dir, synced to disk (so no writeback runs during the measurements) and
//! read once, so every sender serves it from the page cache. Each kind below then fetches
//! it `--runs` times, the order rotating per run, after one uncounted warm-up download
//! (the first writes of a run into fresh page-cache pages are much slower on a VM);
//! downloads go to `--dest` (default: the scratch folder) and are checked and deleted
//! after each run. Beside GB/s, each side's CPU seconds are reported: on a shared machine
//! they say what a transfer costs even when other work steals the CPUs.
//!
//! The senders run in a child process (this binary re-run with `--server-role`), so the
//! server's and the downloader's peak RSS (VmHWM, reset before every transfer) are
//! separate. Last, one `--big-mib` sparse file goes netdbg server → downloader, to show
//! that neither side's memory grows with the file.
//!
//! Run: `cargo bench --bench file_transfer [-- --size-mib 1024 --runs 3 --big-mib 4096
//!       --dest DIR --kinds netdbg,sendfile-ref,...]`

mod common;
/// This bench's parts, one file each in `benches/file_transfer/`.
mod file_transfer {
    /// The downloading side of each kind.
    pub mod clients;
    /// The kinds of transfer.
    pub mod kinds;
    /// The runs, each with its checks and figures.
    pub mod measure;
    /// The sending side, in a child process.
    pub mod server;
    /// The machine, the folders and the generated file.
    pub mod setup;
    /// Medians, targets, and the big sparse file.
    pub mod summary;
}

use std::fs;
use std::io;
use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;
use clap::builder::TypedValueParser;

use common::options::{CargoBench, number};
use file_transfer::kinds::{ALL_KINDS, Kind};
use file_transfer::server::{self, ServerChild};
use file_transfer::setup::{self, Scratch, Source};
use file_transfer::{measure, summary};

/// File transfer over 127.0.0.1: netdbg's file server and downloader on one large file,
/// beside plain references.
#[derive(Parser, Debug)]
#[command(
    name = "file_transfer",
    bin_name = "cargo bench --bench file_transfer --",
    args_override_self = true
)]
struct Options {
    /// MiB of the generated file every kind fetches (1..=16384)
    #[arg(
        long = "size-mib",
        value_name = "MIB",
        default_value = "1024",
        value_parser = number(1..=16_384u64).map(|mib| mib << 20),
    )]
    size: u64,
    /// Times each kind fetches it, the order rotating (1..=20)
    #[arg(long, value_name = "R", default_value_t = 3, value_parser = number(1..=20usize))]
    runs: usize,
    /// MiB of the sparse file netdbg sends once at the end, to show that neither side's
    /// memory grows with the file (0 = skip; at most 65536)
    #[arg(
        long = "big-mib",
        value_name = "MIB",
        default_value = "4096",
        value_parser = number(0..=65_536u64).map(|mib| mib << 20),
    )]
    big: u64,
    /// Folder the downloads go to [default: the scratch folder under the system temp dir]
    #[arg(long, value_name = "DIR")]
    dest: Option<PathBuf>,
    /// The plain clients' read buffer, in KiB (1..=65536; the default is the
    /// downloader's own)
    #[arg(
        long = "plain-buf-kib",
        value_name = "KIB",
        default_value = "1024",
        value_parser = number(1..=65_536usize).map(|kib| kib * 1024),
    )]
    plain_buf: usize,
    /// The kinds to measure, comma-separated [default: all; those that need nc or
    /// python3 are skipped where it is absent]
    #[arg(
        long,
        value_name = "KIND,...",
        value_enum,
        value_delimiter = ',',
        default_values_t = ALL_KINDS,
        hide_default_value = true
    )]
    kinds: Vec<Kind>,
    /// Run as the server child, serving ROOT.
    #[arg(long, hide = true, value_name = "ROOT")]
    server_role: Option<PathBuf>,
    #[command(flatten)]
    _cargo: CargoBench,
}

fn main() {
    let options = Options::parse();
    match &options.server_role {
        Some(root) => common::exit_on_error("file_transfer server role", server::role(root)),
        None => common::exit_on_error("file_transfer", run(&options)),
    }
}

/// What a bench run needs at hand.
struct Bench {
    server: ServerChild,
    root: PathBuf,
    dest: PathBuf,
    source: Source,
    plain_buf: usize,
}

fn run(options: &Options) -> io::Result<()> {
    let bench_start = Instant::now();
    let load_at_start = setup::load_average();
    let scratch =
        Scratch(std::env::temp_dir().join(format!("netdbg-file-transfer-{}", std::process::id())));
    let root = scratch.0.join("served");
    fs::create_dir_all(&root)?;
    let dest_scratch = options
        .dest
        .as_ref()
        .map(|dir| Scratch(dir.join(format!("netdbg-file-transfer-{}", std::process::id()))));
    let dest = dest_scratch
        .as_ref()
        .map_or(&scratch.0, |s| &s.0)
        .join("got");
    fs::create_dir_all(&dest)?;

    let nc = setup::tool_runs("nc", &["-h"]);
    let python = setup::tool_runs("python3", &["--version"]);
    println!(
        "file_transfer bench: 127.0.0.1 only, {} CPU(s), load average {} (other work on the \
         machine shares the CPUs), sha_ni {}, nc {}, python3 {}",
        common::cpus(),
        load_at_start,
        if setup::cpu_has_flag("sha_ni") {
            "yes"
        } else {
            "no"
        },
        if nc { "yes" } else { "absent (skipped)" },
        if python { "yes" } else { "absent (skipped)" },
    );
    let mut results = setup::describe_dirs(&root, &dest);
    setup::check_space(&root, &dest, options.size)?;

    let source = setup::make_source(&root, options.size, &mut results)?;
    let server = ServerChild::spawn(&root)?;
    let mut bench = Bench {
        server,
        root: root.clone(),
        dest,
        source,
        plain_buf: options.plain_buf,
    };
    let kinds: Vec<Kind> = options
        .kinds
        .iter()
        .copied()
        .filter(|kind| (nc || !kind.needs_nc()) && (python || !kind.needs_python()))
        .collect();
    let runs = measure::measure(&mut bench, &kinds, options.runs)?;
    results.extend(summary::summarise(&kinds, &runs));
    if options.big > 0 {
        results.extend(summary::big_file(&mut bench, options.big)?);
    }
    let load_at_end = setup::load_average();
    println!();
    println!("   load average at the end: {load_at_end}");
    results.push(format!(
        "RESULT load start=\"{load_at_start}\" end=\"{load_at_end}\""
    ));
    let status = bench.server.finish()?;
    if !status.success() {
        println!("   NOTE: server child: {status}");
    }
    drop(dest_scratch);
    drop(scratch);
    common::print_results(&results, bench_start);
    Ok(())
}
