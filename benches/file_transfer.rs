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

use std::ffi::OsStr;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::Receiver;
use netdbg::engine::{
    Download, DownloadConfig, DownloadEvent, FileServer, FileServerConfig, FileServerEvent,
    no_waker,
};
use sha2::{Digest, Sha256};

use common::figures::{median, mib, opt};
use common::procfs::{StatusFigures, TICKS_PER_SEC, cpu_ticks, reset_peak_rss};
use common::role::{field, spawn_role};

/// The plain clients' default read buffer: the downloader's own.
const CHUNK: usize = 1024 * 1024;
/// Writes of the generated file.
const GEN_CHUNK: usize = 8 * 1024 * 1024;
/// Any single transfer that takes longer is given up on.
const TRANSFER_CAP: Duration = Duration::from_secs(120);
/// The server child answers a command within this long.
const CHILD_REPLY_CAP: Duration = Duration::from_secs(10);
/// After a transfer, the server's own report of it arrives within this long.
const SERVED_CAP: Duration = Duration::from_secs(5);
/// How long a client keeps retrying to reach an `nc -l` that is still starting.
const NC_LISTEN_CAP: Duration = Duration::from_secs(3);
/// Free space kept beyond what the files need.
const SPACE_MARGIN: u64 = 2 << 30;
/// The issue's targets.
const TARGET_GB_PER_SEC: f64 = 2.5;
const TARGET_VS_SENDFILE: f64 = 0.9;
const TARGET_VS_PYTHON: f64 = 10.0;
const TARGET_PEAK_RSS_BYTES: u64 = 60_000_000;

/// The tutorial's downloader with its `recv` loop fixed to read everything (the original
/// reads one `recv(1024)` and stops); the name comes from argv instead of `input()`.
/// Prints the seconds from the name being sent to the last write.
const PYTHON_CLIENT: &str = r#"
import socket, sys, time
host, port, name, dest, bufsize = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect((host, port))
s.send(name.encode('utf-8'))
start = time.perf_counter()
with open(dest, 'wb') as f:
    while True:
        d = s.recv(bufsize)
        if not d:
            break
        f.write(d)
print(time.perf_counter() - start)
s.close()
"#;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Netdbg,
    SendfileRef,
    PlainSha,
    PlainWrite,
    PlainAll,
    CopyRef,
    NcListen,
    NcClient,
    Python,
    PythonTutorialBuf,
}

const ALL_KINDS: [Kind; 10] = [
    Kind::Netdbg,
    Kind::SendfileRef,
    Kind::PlainSha,
    Kind::PlainWrite,
    Kind::PlainAll,
    Kind::CopyRef,
    Kind::NcListen,
    Kind::NcClient,
    Kind::Python,
    Kind::PythonTutorialBuf,
];

/// Who sends the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sender {
    /// `FileServer` in the child (sendfile on Linux).
    Netdbg,
    /// `io::copy` file → socket in the child, the file's descriptor hidden so std cannot
    /// turn it into sendfile.
    Copy,
    /// `nc -N -l 127.0.0.1 PORT < file`, started per run.
    Nc,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Netdbg => "netdbg",
            Kind::SendfileRef => "sendfile-ref",
            Kind::PlainSha => "plain+sha",
            Kind::PlainWrite => "plain+write",
            Kind::PlainAll => "plain+all",
            Kind::CopyRef => "copy-ref",
            Kind::NcListen => "nc-l-ref",
            Kind::NcClient => "nc-N",
            Kind::Python => "python-1MiB",
            Kind::PythonTutorialBuf => "python-1KiB",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Kind::Netdbg => "netdbg server → netdbg Download (.part on disk, SHA-256, rename)",
            Kind::SendfileRef => "netdbg server (sendfile) → plain client, reads discarded",
            Kind::PlainSha => "netdbg server → plain client, reads + SHA-256, no write",
            Kind::PlainWrite => "netdbg server → plain client, reads + write to disk, no hash",
            Kind::PlainAll => {
                "netdbg server → plain client, reads + write + SHA-256 (the downloader's loop, \
                 no engine)"
            }
            Kind::CopyRef => "io::copy server (8 KiB, no sendfile) → plain client, discarded",
            Kind::NcListen => "nc -N -l < file → plain client, discarded",
            Kind::NcClient => "netdbg server → nc -N > file (disk)",
            Kind::Python => "netdbg server → tutorial Python client, loop fixed, recv(1048576)",
            Kind::PythonTutorialBuf => {
                "netdbg server → tutorial Python client, loop fixed, tutorial's recv(1024)"
            }
        }
    }

    fn sender(self) -> Sender {
        match self {
            Kind::CopyRef => Sender::Copy,
            Kind::NcListen => Sender::Nc,
            _ => Sender::Netdbg,
        }
    }

    /// The client runs in this process, so its peak RSS is ours.
    fn client_in_process(self) -> bool {
        !matches!(
            self,
            Kind::NcClient | Kind::Python | Kind::PythonTutorialBuf
        )
    }

    fn needs_nc(self) -> bool {
        matches!(self, Kind::NcListen | Kind::NcClient)
    }

    fn needs_python(self) -> bool {
        matches!(self, Kind::Python | Kind::PythonTutorialBuf)
    }
}

struct Options {
    size: u64,
    runs: usize,
    big: u64,
    dest: Option<PathBuf>,
    kinds: Vec<Kind>,
    plain_buf: usize,
}

const USAGE: &str = "usage: cargo bench --bench file_transfer [-- --size-mib MIB] [--runs R] \
[--big-mib MIB (0 = skip)] [--dest DIR] [--plain-buf-kib KIB] [--kinds netdbg,sendfile-ref,\
plain+sha,plain+write,plain+all,copy-ref,nc-l-ref,nc-N,python-1MiB,python-1KiB]";

fn parse_options(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        size: 1024 << 20,
        runs: 3,
        big: 4096 << 20,
        dest: None,
        kinds: ALL_KINDS.to_vec(),
        plain_buf: CHUNK,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        let number = |name: &str, value: &str, range: std::ops::RangeInclusive<u64>| match value
            .replace('_', "")
            .parse::<u64>()
        {
            Ok(n) if range.contains(&n) => Ok(n),
            _ => Err(format!(
                "{name}: {value:?} is not a number in {}..={}",
                range.start(),
                range.end()
            )),
        };
        match arg.as_str() {
            // `cargo bench` passes `--bench` to harness-less benches.
            "--bench" => {}
            "--size-mib" => options.size = number(arg, value(arg)?, 1..=16_384)? << 20,
            "--runs" => options.runs = number(arg, value(arg)?, 1..=20)? as usize,
            "--big-mib" => options.big = number(arg, value(arg)?, 0..=65_536)? << 20,
            "--dest" => options.dest = Some(PathBuf::from(value(arg)?)),
            "--plain-buf-kib" => {
                options.plain_buf = number(arg, value(arg)?, 1..=65_536)? as usize * 1024;
            }
            "--kinds" => {
                options.kinds = value(arg)?
                    .split(',')
                    .map(|label| {
                        ALL_KINDS
                            .into_iter()
                            .find(|kind| kind.label() == label)
                            .ok_or_else(|| format!("unknown kind {label:?}\n{USAGE}"))
                    })
                    .collect::<Result<_, _>>()?;
            }
            "--help" | "-h" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(options)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--server-role") {
        if let Err(err) = server_role(&args[1..]) {
            eprintln!("file_transfer server role: {err}");
            std::process::exit(1);
        }
        return;
    }
    common::run_or_exit("file_transfer", parse_options(&args), run);
}

// ---------------------------------------------------------------- the whole run

/// The generated file the senders serve.
struct Source {
    name: String,
    size: u64,
    sha256: String,
}

/// What a bench run needs at hand.
struct Bench {
    server: ServerChild,
    root: PathBuf,
    dest: PathBuf,
    source: Source,
    plain_buf: usize,
}

/// A folder removed, with everything in it, when dropped (also on an early error).
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn run(options: &Options) -> io::Result<()> {
    let bench_start = Instant::now();
    let load_at_start = load_average();
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

    let nc = tool_runs("nc", &["-h"]);
    let python = tool_runs("python3", &["--version"]);
    println!(
        "file_transfer bench: 127.0.0.1 only, {} CPU(s), load average {} (other work on the \
         machine shares the CPUs), sha_ni {}, nc {}, python3 {}",
        thread::available_parallelism().map_or(0, |n| n.get()),
        load_at_start,
        if cpu_has_flag("sha_ni") { "yes" } else { "no" },
        if nc { "yes" } else { "absent (skipped)" },
        if python { "yes" } else { "absent (skipped)" },
    );
    let mut results = Vec::new();
    for (what, dir) in [("served from", &root), ("downloads to", &dest)] {
        let mount = mount_of(dir);
        let (fstype, device) = mount
            .as_ref()
            .map_or(("?", "?"), |m| (m.fstype.as_str(), m.device.as_str()));
        let free = free_bytes(dir);
        println!(
            "   {what:<13} {} ({fstype} on {device}, mounted at {}; {} free){}",
            dir.display(),
            mount.as_ref().map_or("?", |m| m.point.as_str()),
            free.map_or("?".to_owned(), gib),
            if fstype == "tmpfs" {
                " — tmpfs: memory"
            } else {
                " — disk: writes land in the page cache, written back later"
            }
        );
        results.push(format!(
            "RESULT setup role={} dir={} fstype={fstype} device={device} free_bytes={}",
            what.replace(' ', "_"),
            dir.display(),
            opt(free)
        ));
    }
    // The source, and one download at a time beside it.
    let same_mount = mount_of(&root).map(|m| m.point) == mount_of(&dest).map(|m| m.point);
    for (dir, needed) in [
        (
            &root,
            options.size * if same_mount { 2 } else { 1 } + SPACE_MARGIN,
        ),
        (&dest, options.size + SPACE_MARGIN),
    ] {
        if let Some(free) = free_bytes(dir).filter(|&free| free < needed) {
            return Err(io::Error::other(format!(
                "{} free in {}, {} needed for the {} file",
                gib(free),
                dir.display(),
                gib(needed),
                gib(options.size),
            )));
        }
    }

    let source = make_source(&root, options.size, &mut results)?;
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
    let runs = measure(&mut bench, &kinds, options.runs)?;
    results.extend(summarise(&kinds, &runs));
    if options.big > 0 {
        results.extend(big_file(&mut bench, options.big)?);
    }
    let load_at_end = load_average();
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

fn tool_runs(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

// ---------------------------------------------------------------- the file

/// Writes `size` pseudo-random bytes (xorshift64*: incompressible, nothing like zeros),
/// hashing them on the way, syncs, then reads the file once so it is in the page cache.
fn make_source(root: &Path, size: u64, results: &mut Vec<String>) -> io::Result<Source> {
    let name = format!("bench-{}mib.bin", size >> 20);
    let path = root.join(&name);
    let mut file = File::create(&path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; GEN_CHUNK];
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let (mut written, mut hashing) = (0u64, Duration::ZERO);
    let start = Instant::now();
    while written < size {
        let len = (size - written).min(GEN_CHUNK as u64) as usize;
        fill_random(&mut buf[..len], &mut state);
        let hash_start = Instant::now();
        hasher.update(&buf[..len]);
        hashing += hash_start.elapsed();
        file.write_all(&buf[..len])?;
        written += len as u64;
    }
    let generated = start.elapsed();
    let sync_start = Instant::now();
    file.sync_all()?;
    let synced = sync_start.elapsed();
    drop(file);
    let warm = read_through(&path)?;
    let sha256 = hex(&hasher.finalize());
    println!(
        "   source        {name}: {} generated in {:.2} s (SHA-256 alone {:.2} GB/s in this \
         process), synced in {:.2} s, read once from the page cache at {:.2} GB/s",
        gib(size),
        generated.as_secs_f64(),
        gb_per_sec(size, hashing),
        synced.as_secs_f64(),
        gb_per_sec(size, warm),
    );
    results.push(format!(
        "RESULT source bytes={size} sha256={sha256} sha256_gb_per_sec={:.2} \
         page_cache_read_gb_per_sec={:.2}",
        gb_per_sec(size, hashing),
        gb_per_sec(size, warm)
    ));
    Ok(Source { name, size, sha256 })
}

fn fill_random(buf: &mut [u8], state: &mut u64) {
    for word in buf.chunks_mut(8) {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        let bytes = state.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes();
        word.copy_from_slice(&bytes[..word.len()]);
    }
}

fn read_through(path: &Path) -> io::Result<Duration> {
    let mut file = File::open(path)?;
    let mut buf = vec![0u8; CHUNK];
    let start = Instant::now();
    while file.read(&mut buf)? > 0 {}
    Ok(start.elapsed())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

// ---------------------------------------------------------------- the runs

/// One transfer as a client saw it.
struct Transfer {
    bytes: u64,
    /// The time the bytes took: the `Done` event's `elapsed` for the downloader (name
    /// sent → file flushed), the client's own clock for plain and Python clients (name
    /// sent → end of stream), the process's life for `nc -N`.
    secs: f64,
    /// From starting the client to knowing it finished (`Done` received, process exited).
    wall: f64,
    ok: bool,
    note: Option<String>,
}

struct Run {
    kind: Kind,
    index: usize,
    transfer: Transfer,
    client_hwm_kib: Option<u64>,
    server_hwm_kib: Option<u64>,
    /// CPU seconds (user + system) each side spent, whatever the other load on the machine.
    client_cpu: Option<f64>,
    server_cpu: Option<f64>,
}

impl Run {
    fn gb_per_sec(&self) -> f64 {
        self.transfer.bytes as f64 / self.transfer.secs / 1e9
    }

    fn wall_gb_per_sec(&self) -> f64 {
        self.transfer.bytes as f64 / self.transfer.wall / 1e9
    }

    /// GB moved per CPU second: the rate one otherwise idle core would allow.
    fn client_gb_per_cpu_sec(&self) -> Option<f64> {
        Some(self.transfer.bytes as f64 / self.client_cpu? / 1e9)
    }

    fn server_gb_per_cpu_sec(&self) -> Option<f64> {
        Some(self.transfer.bytes as f64 / self.server_cpu? / 1e9)
    }
}

fn measure(bench: &mut Bench, kinds: &[Kind], runs: usize) -> io::Result<Vec<Run>> {
    println!();
    println!(
        "1. {} ({}) fetched {runs} times per kind, order rotating; GB/s = 10^9 B/s; peaks are \
         VmHWM reset before each transfer (client: this process; server: the child); cpu = user \
         + system seconds of each side",
        bench.source.name,
        gib(bench.source.size),
    );
    for kind in kinds {
        println!("   {:<12} {}", kind.label(), kind.what());
    }
    println!(
        "   (plain clients read into a {} KiB buffer; secs = name sent → end of stream, wall = \
         from starting the client)",
        bench.plain_buf / 1024
    );
    println!(
        "   {:<4} {:<12} {:>8} {:>9} {:>8} {:>10} {:>8} {:>8} {:>12} {:>12}  ok",
        "run",
        "kind",
        "secs",
        "GB/s",
        "wall s",
        "wall GB/s",
        "cli cpu",
        "srv cpu",
        "client peak",
        "server peak"
    );
    let warm_up = run_kind(bench, Kind::Netdbg, 0)?;
    println!(
        "   -    warm-up      {:>8.3} {:>9.3}   (netdbg, not counted){}",
        warm_up.transfer.secs,
        warm_up.gb_per_sec(),
        if warm_up.transfer.ok { "" } else { " NOT ok" },
    );
    let mut all = Vec::new();
    for index in 0..runs {
        for offset in 0..kinds.len() {
            let kind = kinds[(index + offset) % kinds.len()];
            let run = run_kind(bench, kind, index)?;
            println!(
                "   {:<4} {:<12} {:>8.3} {:>9.3} {:>8.3} {:>10.3} {:>8} {:>8} {:>12} {:>12}  {}{}",
                index + 1,
                kind.label(),
                run.transfer.secs,
                run.gb_per_sec(),
                run.transfer.wall,
                run.wall_gb_per_sec(),
                run.client_cpu.map_or("-".to_owned(), |s| format!("{s:.2}")),
                run.server_cpu.map_or("-".to_owned(), |s| format!("{s:.2}")),
                run.client_hwm_kib.map_or("-".to_owned(), mib),
                run.server_hwm_kib.map_or("-".to_owned(), mib),
                if run.transfer.ok { "yes" } else { "NO" },
                run.transfer
                    .note
                    .as_ref()
                    .map_or(String::new(), |note| format!(" ({note})")),
            );
            all.push(run);
        }
    }
    Ok(all)
}

fn run_kind(bench: &mut Bench, kind: Kind, index: usize) -> io::Result<Run> {
    let sender = kind.sender();
    let watch_server = sender != Sender::Nc;
    if watch_server {
        bench.server.reset_peak()?;
    }
    let client_reset = kind.client_in_process() && reset_peak_rss();
    let server_pid = bench.server.child.id().to_string();
    let (self_before, server_before) = (cpu_secs("self"), cpu_secs(&server_pid));
    let size = bench.source.size;
    let name = bench.source.name.clone();
    let dest = bench.dest.join(format!("{}-{}", kind.label(), name));
    let server = match sender {
        Sender::Copy => bench.server.copy,
        _ => bench.server.netdbg,
    };
    let plain = |hash: bool, disk: bool| {
        plain_client(Plain {
            server,
            name: Some(&name),
            buf: bench.plain_buf,
            hash,
            disk: disk.then(|| File::create(&dest)).transpose()?,
            patience: Duration::ZERO,
        })
    };
    let outcome = match kind {
        Kind::Netdbg => netdbg_download(server, &name, &dest, Some(&bench.source.sha256)),
        Kind::SendfileRef | Kind::CopyRef => plain(false, false),
        Kind::PlainSha => plain(true, false),
        Kind::PlainWrite => plain(false, true),
        Kind::PlainAll => plain(true, true),
        Kind::NcListen => nc_listen(&bench.root.join(&name), bench.plain_buf),
        Kind::NcClient => nc_client(server, &name, &dest),
        Kind::Python => python_client(server, &name, &dest, 1_048_576),
        Kind::PythonTutorialBuf => python_client(server, &name, &dest, 1024),
    };
    // A failed run is shown as such; the other kinds still run.
    let mut transfer = outcome.unwrap_or_else(|err| Transfer {
        bytes: 0,
        secs: f64::NAN,
        wall: f64::NAN,
        ok: false,
        note: Some(err.to_string()),
    });
    let client_hwm_kib = client_reset.then(|| StatusFigures::own().hwm_kib);
    let self_after = cpu_secs("self");
    let (own, waited) = (
        self_after.and_then(|after| Some(after.own - self_before?.own)),
        self_after.and_then(|after| Some(after.children - self_before?.children)),
    );
    // `nc` and `python3` were waited for, so their time is in our children's figures.
    let (client_cpu, nc_server_cpu) = if kind.client_in_process() {
        (own, waited)
    } else {
        (waited, None)
    };
    if matches!(kind, Kind::PlainSha | Kind::PlainAll) && transfer.ok {
        // The plain client's note is its hash.
        match transfer.note.take() {
            Some(sha256) if sha256 == bench.source.sha256 => {}
            other => {
                transfer.ok = false;
                transfer.note = Some(format!("SHA-256 {}", other.unwrap_or_default()));
            }
        }
    }
    // Whatever the client wrote must be the whole file, byte for byte where it was hashed.
    if let Ok(meta) = fs::metadata(&dest) {
        if meta.len() != size {
            transfer.ok = false;
            transfer
                .note
                .get_or_insert(format!("file has {} B", meta.len()));
        }
        fs::remove_file(&dest)?;
    }
    if kind == Kind::Netdbg && part_path_exists(&dest) {
        transfer.ok = false;
        transfer.note.get_or_insert("a .part was left".to_owned());
    }
    if transfer.bytes != size {
        transfer.ok = false;
    }
    let server_hwm_kib = if watch_server {
        let report = bench.server.served(SERVED_CAP);
        if let Some(trouble) = report.filter(|line| !line.starts_with("served ")) {
            transfer.ok = false;
            transfer.note.get_or_insert(trouble);
        }
        Some(bench.server.status()?.hwm_kib)
    } else {
        None
    };
    let server_cpu = if watch_server {
        cpu_secs(&server_pid).and_then(|after| Some(after.own - server_before?.own))
    } else {
        nc_server_cpu
    };
    Ok(Run {
        kind,
        index,
        transfer,
        client_hwm_kib,
        server_hwm_kib,
        client_cpu,
        server_cpu,
    })
}

fn part_path_exists(dest: &Path) -> bool {
    netdbg::engine::file_download::part_path(dest).exists()
}

fn netdbg_download(
    server: SocketAddr,
    name: &str,
    dest: &Path,
    expected: Option<&str>,
) -> io::Result<Transfer> {
    let (events_tx, events) = crossbeam_channel::unbounded();
    let config = DownloadConfig {
        host: server.ip().to_string(),
        port: server.port(),
        name: name.to_owned(),
        dest: dest.to_path_buf(),
        overwrite: true,
        connect_timeout: Duration::from_secs(5),
    };
    let start = Instant::now();
    let download = Download::start(config, events_tx, no_waker())
        .map_err(|err| io::Error::other(format!("Download::start: {err}")))?;
    let deadline = start + TRANSFER_CAP;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match events.recv_timeout(left) {
            Ok(DownloadEvent::Done {
                bytes,
                sha256,
                elapsed,
                ..
            }) => {
                let wall = start.elapsed().as_secs_f64();
                let sha_ok = expected.is_none_or(|want| want == sha256);
                return Ok(Transfer {
                    bytes,
                    secs: elapsed.as_secs_f64(),
                    wall,
                    ok: sha_ok,
                    note: (!sha_ok).then(|| format!("SHA-256 {sha256}")),
                });
            }
            Ok(DownloadEvent::Failed(error)) => {
                return Err(io::Error::other(format!("download failed: {error}")));
            }
            Ok(_) => {}
            Err(_) => {
                download.cancel();
                return Err(io::Error::other("download: no Done within the cap"));
            }
        }
    }
}

/// A plain std client, and what it does with each read.
struct Plain<'a> {
    server: SocketAddr,
    /// Sent first (`None` for `nc -l`, which sends without being asked).
    name: Option<&'a str>,
    buf: usize,
    hash: bool,
    disk: Option<File>,
    /// How long to keep trying to reach a server that is still starting.
    patience: Duration,
}

/// Connects, sends the name, reads to the end of the stream; a hash goes in the note.
fn plain_client(plain: Plain) -> io::Result<Transfer> {
    let start = Instant::now();
    let mut stream = connect_retrying(plain.server, plain.patience)?;
    stream.set_read_timeout(Some(TRANSFER_CAP))?;
    if let Some(name) = plain.name {
        stream.write_all(name.as_bytes())?;
    }
    let transfer_start = Instant::now();
    let mut hasher = plain.hash.then(Sha256::new);
    let mut disk = plain.disk;
    let mut buf = vec![0u8; plain.buf];
    let mut bytes = 0u64;
    loop {
        let len = match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(len) => len,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        if let Some(file) = &mut disk {
            file.write_all(&buf[..len])?;
        }
        if let Some(hasher) = &mut hasher {
            hasher.update(&buf[..len]);
        }
        bytes += len as u64;
    }
    drop(disk);
    let note = hasher.map(|hasher| hex(&hasher.finalize()));
    let secs = transfer_start.elapsed().as_secs_f64();
    let _ = stream.shutdown(Shutdown::Both);
    Ok(Transfer {
        bytes,
        secs,
        wall: start.elapsed().as_secs_f64(),
        ok: true,
        note,
    })
}

fn connect_retrying(server: SocketAddr, patience: Duration) -> io::Result<TcpStream> {
    let deadline = Instant::now() + patience;
    loop {
        match TcpStream::connect(server) {
            Ok(stream) => return Ok(stream),
            Err(err) if err.kind() == io::ErrorKind::ConnectionRefused => {
                if Instant::now() >= deadline {
                    return Err(err);
                }
                thread::sleep(Duration::from_millis(2));
            }
            Err(err) => return Err(err),
        }
    }
}

/// `nc -N -l 127.0.0.1 PORT < file`, read by a plain client that discards.
fn nc_listen(file: &Path, buf: usize) -> io::Result<Transfer> {
    let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
        .local_addr()?
        .port();
    let mut nc = Command::new("nc")
        .args(["-N", "-l", "127.0.0.1", &port.to_string()])
        .stdin(File::open(file)?)
        .stdout(Stdio::null())
        .spawn()?;
    let transfer = plain_client(Plain {
        server: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
        name: None,
        buf,
        hash: false,
        disk: None,
        patience: NC_LISTEN_CAP,
    });
    let status = wait_capped(&mut nc, SERVED_CAP)?;
    let mut transfer = transfer?;
    if !status.success() {
        transfer.note = Some(format!("nc -l: {status}"));
    }
    Ok(transfer)
}

/// `printf NAME | nc -N 127.0.0.1 PORT > dest`, timed from spawn to exit.
fn nc_client(server: SocketAddr, name: &str, dest: &Path) -> io::Result<Transfer> {
    let start = Instant::now();
    let mut nc = Command::new("nc")
        .args(["-N", &server.ip().to_string(), &server.port().to_string()])
        .stdin(Stdio::piped())
        .stdout(File::create(dest)?)
        .spawn()?;
    if let Some(mut stdin) = nc.stdin.take() {
        stdin.write_all(name.as_bytes())?;
    }
    let status = wait_capped(&mut nc, TRANSFER_CAP)?;
    let secs = start.elapsed().as_secs_f64();
    Ok(Transfer {
        bytes: fs::metadata(dest)?.len(),
        secs,
        wall: secs,
        ok: status.success(),
        note: (!status.success()).then(|| format!("nc: {status}")),
    })
}

fn python_client(
    server: SocketAddr,
    name: &str,
    dest: &Path,
    bufsize: usize,
) -> io::Result<Transfer> {
    let start = Instant::now();
    let out = Command::new("python3")
        .args(["-c", PYTHON_CLIENT])
        .arg(server.ip().to_string())
        .arg(server.port().to_string())
        .arg(name)
        .arg(dest)
        .arg(bufsize.to_string())
        .stdin(Stdio::null())
        .output()?;
    let wall = start.elapsed().as_secs_f64();
    let secs = String::from_utf8_lossy(&out.stdout).trim().parse::<f64>();
    Ok(Transfer {
        bytes: fs::metadata(dest).map_or(0, |meta| meta.len()),
        secs: secs.clone().unwrap_or(f64::NAN),
        wall,
        ok: out.status.success() && secs.is_ok(),
        note: (!out.status.success())
            .then(|| String::from_utf8_lossy(&out.stderr).trim().to_owned()),
    })
}

fn wait_capped(child: &mut Child, cap: Duration) -> io::Result<std::process::ExitStatus> {
    let deadline = Instant::now() + cap;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        if Instant::now() >= deadline {
            child.kill()?;
            return child.wait();
        }
        thread::sleep(Duration::from_millis(1));
    }
}

// ---------------------------------------------------------------- the summary

fn summarise(kinds: &[Kind], runs: &[Run]) -> Vec<String> {
    let of = |kind: Kind| runs.iter().filter(move |run| run.kind == kind);
    let median_of = |kind: Kind, rate: fn(&Run) -> f64| median(of(kind).map(rate).collect());
    let netdbg = median_of(Kind::Netdbg, Run::gb_per_sec);
    println!();
    println!(
        "   medians       {:>9} {:>10} {:>9} {:>11} {:>11} {:>12} {:>12}",
        "GB/s", "wall GB/s", "netdbg ×", "cli GB/cpu", "srv GB/cpu", "client peak", "server peak"
    );
    let mut results: Vec<String> = runs
        .iter()
        .map(|run| {
            format!(
                "RESULT run kind={} run={} bytes={} secs={:.4} gb_per_sec={:.3} wall_secs={:.4} \
                 wall_gb_per_sec={:.3} client_cpu_secs={} server_cpu_secs={} client_hwm_kib={} \
                 server_hwm_kib={} ok={}",
                run.kind.label(),
                run.index + 1,
                run.transfer.bytes,
                run.transfer.secs,
                run.gb_per_sec(),
                run.transfer.wall,
                run.wall_gb_per_sec(),
                secs_or_na(run.client_cpu),
                secs_or_na(run.server_cpu),
                opt(run.client_hwm_kib),
                opt(run.server_hwm_kib),
                run.transfer.ok
            )
        })
        .collect();
    for &kind in kinds {
        let rate = median_of(kind, Run::gb_per_sec);
        let wall = median_of(kind, Run::wall_gb_per_sec);
        let client = of(kind).filter_map(|run| run.client_hwm_kib).max();
        let server = of(kind).filter_map(|run| run.server_hwm_kib).max();
        let per_cpu = |side: fn(&Run) -> Option<f64>| {
            let rates: Vec<f64> = of(kind).filter_map(side).collect();
            (!rates.is_empty()).then(|| median(rates))
        };
        let (client_cpu, server_cpu) = (
            per_cpu(Run::client_gb_per_cpu_sec),
            per_cpu(Run::server_gb_per_cpu_sec),
        );
        let cpu_cell = |rate: Option<f64>| rate.map_or("-".to_owned(), |r| format!("{r:.2}"));
        println!(
            "   {:<13} {rate:>9.3} {wall:>10.3} {:>9.2} {:>11} {:>11} {:>12} {:>12}",
            kind.label(),
            netdbg / rate,
            cpu_cell(client_cpu),
            cpu_cell(server_cpu),
            client.map_or("-".to_owned(), mib),
            server.map_or("-".to_owned(), mib),
        );
        results.push(format!(
            "RESULT median kind={} gb_per_sec={rate:.3} wall_gb_per_sec={wall:.3} \
             netdbg_ratio={:.3} client_gb_per_cpu_sec={} server_gb_per_cpu_sec={} \
             client_hwm_kib_max={} server_hwm_kib_max={} all_ok={}",
            kind.label(),
            netdbg / rate,
            cpu_cell(client_cpu),
            cpu_cell(server_cpu),
            opt(client),
            opt(server),
            of(kind).all(|run| run.transfer.ok)
        ));
    }
    let ratio = |kind: Kind| netdbg / median_of(kind, Run::gb_per_sec);
    let verdict = |met: bool| if met { "met" } else { "NOT met" };
    let vs_sendfile = ratio(Kind::SendfileRef);
    let vs_python = ratio(Kind::Python);
    println!();
    println!(
        "   targets: netdbg downloader {netdbg:.2} GB/s (>= {TARGET_GB_PER_SEC}: {}); \
         netdbg / sendfile-ref {vs_sendfile:.2} (>= {TARGET_VS_SENDFILE}: {}); netdbg / \
         python-1MiB {vs_python:.1} (>= {TARGET_VS_PYTHON}: {}); netdbg / python-1KiB {:.1}",
        verdict(netdbg >= TARGET_GB_PER_SEC),
        verdict(vs_sendfile >= TARGET_VS_SENDFILE),
        verdict(vs_python >= TARGET_VS_PYTHON),
        ratio(Kind::PythonTutorialBuf),
    );
    println!(
        "   server side, same plain client: sendfile-ref / copy-ref {:.2}, sendfile-ref / \
         nc-l-ref {:.2}; downloader vs nc -N (both write to disk): {:.2}",
        median_of(Kind::SendfileRef, Run::gb_per_sec) / median_of(Kind::CopyRef, Run::gb_per_sec),
        median_of(Kind::SendfileRef, Run::gb_per_sec) / median_of(Kind::NcListen, Run::gb_per_sec),
        ratio(Kind::NcClient),
    );
    results.push(format!(
        "RESULT targets netdbg_gb_per_sec={netdbg:.3} vs_sendfile_ref={vs_sendfile:.3} \
         vs_copy_ref={:.3} vs_nc_client={:.3} vs_python_1mib={vs_python:.2} \
         vs_python_1kib={:.2} gb_per_sec_met={} vs_sendfile_met={} vs_python_met={}",
        ratio(Kind::CopyRef),
        ratio(Kind::NcClient),
        ratio(Kind::PythonTutorialBuf),
        netdbg >= TARGET_GB_PER_SEC,
        vs_sendfile >= TARGET_VS_SENDFILE,
        vs_python >= TARGET_VS_PYTHON,
    ));
    results
}

/// A sparse file of `size` through netdbg server → downloader: the peaks must not grow.
fn big_file(bench: &mut Bench, size: u64) -> io::Result<Vec<String>> {
    println!();
    let name = format!("bench-big-{}mib.bin", size >> 20);
    let path = bench.root.join(&name);
    let needed = size + SPACE_MARGIN;
    let free = free_bytes(&bench.dest);
    if free.is_some_and(|free| free < needed) {
        println!(
            "2. {name}: skipped, {} free in {} and the download needs {}",
            gib(free.unwrap_or(0)),
            bench.dest.display(),
            gib(needed)
        );
        return Ok(vec![format!(
            "RESULT big skipped=true free_bytes={}",
            opt(free)
        )]);
    }
    File::create(&path)?.set_len(size)?;
    // The first read of a hole allocates and zeroes page-cache pages (about 0.4 GB/s
    // here), which is not what is measured; the source file was read once too.
    let warm = read_through(&path)?;
    println!(
        "2. {name}: {} sparse (holes read as zeros; read once first, {:.2} GB/s), netdbg \
         server → netdbg Download to {}, once",
        gib(size),
        gb_per_sec(size, warm),
        bench.dest.display()
    );
    bench.server.reset_peak()?;
    let client_reset = reset_peak_rss();
    let dest = bench.dest.join(&name);
    let transfer = netdbg_download(bench.server.netdbg, &name, &dest, None);
    let client_hwm = client_reset.then(|| StatusFigures::own().hwm_kib);
    let written = fs::metadata(&dest).map_or(0, |meta| meta.len());
    let _ = fs::remove_file(&dest);
    let _ = fs::remove_file(&path);
    let transfer = transfer?;
    let served = bench.server.served(SERVED_CAP);
    let server_hwm = bench.server.status()?.hwm_kib;
    let exact = transfer.bytes == size && written == size;
    let flat = |kib: Option<u64>| kib.is_some_and(|kib| kib * 1024 < TARGET_PEAK_RSS_BYTES);
    let flat_both = flat(client_hwm) && flat(Some(server_hwm));
    println!(
        "   {:.3} s, {:.3} GB/s (wall {:.3} s); {} B received, {written} B on disk, server: {}",
        transfer.secs,
        transfer.bytes as f64 / transfer.secs / 1e9,
        transfer.wall,
        transfer.bytes,
        served.as_deref().unwrap_or("no report"),
    );
    println!(
        "   peak RSS: downloader process {}, server process {} (target < {} MB each: {})",
        client_hwm.map_or("?".to_owned(), mib),
        mib(server_hwm),
        TARGET_PEAK_RSS_BYTES / 1_000_000,
        if flat_both { "met" } else { "NOT met" },
    );
    Ok(vec![format!(
        "RESULT big bytes={size} received={} written={written} secs={:.4} gb_per_sec={:.3} \
         wall_secs={:.4} client_hwm_kib={} server_hwm_kib={server_hwm} exact={exact} \
         flat_met={flat_both}",
        transfer.bytes,
        transfer.secs,
        transfer.bytes as f64 / transfer.secs / 1e9,
        transfer.wall,
        opt(client_hwm),
    )])
}

// ---------------------------------------------------------------- the server child

/// This binary re-run with `--server-role ROOT`: netdbg's `FileServer` and the `io::copy`
/// reference, answering `reset` and `status` on stdin with its own memory figures.
struct ServerChild {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    /// Lines about transfers, kept until asked for.
    reports: Vec<String>,
    netdbg: SocketAddr,
    copy: SocketAddr,
}

impl ServerChild {
    fn spawn(root: &Path) -> io::Result<Self> {
        let (child, stdin, lines) = spawn_role(
            [OsStr::new("--server-role"), root.as_os_str()],
            "server-lines",
        )?;
        let mut server = ServerChild {
            child,
            stdin,
            lines,
            reports: Vec::new(),
            netdbg: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            copy: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        };
        let listening = server.line_starting("listening ", CHILD_REPLY_CAP)?;
        let addr = |key: &str| {
            field(&listening, key)
                .and_then(|value| value.parse().ok())
                .ok_or_else(|| io::Error::other(format!("server child said {listening:?}")))
        };
        server.netdbg = addr("netdbg")?;
        server.copy = addr("copy")?;
        Ok(server)
    }

    fn line_starting(&mut self, tag: &str, cap: Duration) -> io::Result<String> {
        let deadline = Instant::now() + cap;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.starts_with(tag) => return Ok(line),
                Ok(line) => self.reports.push(line),
                Err(_) => return Err(io::Error::other(format!("server child: no {tag:?} line"))),
            }
        }
    }

    fn ask(&mut self, command: &str) -> io::Result<String> {
        writeln!(self.stdin, "{command}")?;
        self.stdin.flush()?;
        self.line_starting(&format!("{command} "), CHILD_REPLY_CAP)
    }

    fn reset_peak(&mut self) -> io::Result<()> {
        let reply = self.ask("reset")?;
        self.reports.clear();
        match field(&reply, "ok") {
            Some("true") => Ok(()),
            _ => Err(io::Error::other(
                "the server child cannot reset VmHWM (/proc/self/clear_refs)",
            )),
        }
    }

    fn status(&mut self) -> io::Result<StatusFigures> {
        let reply = self.ask("status")?;
        let number = |key: &str| field(&reply, key).and_then(|v| v.parse().ok()).unwrap_or(0);
        // The child reports its memory only.
        Ok(StatusFigures {
            rss_kib: number("rss_kib"),
            hwm_kib: number("hwm_kib"),
            ..StatusFigures::default()
        })
    }

    /// The server's report of the last transfer (`served …`, `failed …`, `refused …`).
    fn served(&mut self, cap: Duration) -> Option<String> {
        if self.reports.is_empty() {
            self.reports.extend(self.lines.recv_timeout(cap).ok());
        }
        self.reports.pop()
    }

    fn finish(mut self) -> io::Result<std::process::ExitStatus> {
        let last = self.status()?;
        println!("   server child at the end: VmRSS {}", mib(last.rss_kib));
        drop(self.stdin);
        wait_capped(&mut self.child, CHILD_REPLY_CAP)
    }
}

fn server_role(args: &[String]) -> io::Result<()> {
    let root = PathBuf::from(
        args.first()
            .ok_or_else(|| io::Error::other("no root folder"))?,
    );
    let (events_tx, events) = crossbeam_channel::unbounded();
    let server = FileServer::start(
        FileServerConfig::new(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), root.clone()),
        events_tx,
        no_waker(),
    )
    .map_err(|err| io::Error::other(format!("FileServer::start: {err}")))?;
    thread::Builder::new()
        .name("server-events".to_owned())
        .spawn(move || {
            for event in events {
                match event {
                    FileServerEvent::Done { sent, elapsed, .. } => {
                        println!("served sent={sent} secs={:.4}", elapsed.as_secs_f64());
                    }
                    FileServerEvent::Failed { sent, error, .. } => {
                        println!("failed sent={sent} error: {error}");
                    }
                    FileServerEvent::Refused { name, reason, .. } => {
                        println!("refused name={name:?} reason: {reason}");
                    }
                    FileServerEvent::AcceptFailed(error) => println!("failed accept: {error}"),
                    _ => {}
                }
            }
        })?;
    let copy = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    let copy_addr = copy.local_addr()?;
    thread::Builder::new()
        .name("copy-accept".to_owned())
        .spawn(move || copy_server(&copy, &root))?;
    println!("listening netdbg={} copy={copy_addr}", server.local_addr());
    for line in io::stdin().lines() {
        match line?.trim() {
            "reset" => println!("reset ok={}", reset_peak_rss()),
            "status" => {
                let figures = StatusFigures::own();
                println!(
                    "status rss_kib={} hwm_kib={}",
                    figures.rss_kib, figures.hwm_kib
                );
            }
            other => println!("unknown command {other:?}"),
        }
    }
    drop(server);
    Ok(())
}

/// The reference sender: read the name, `io::copy` the file to the socket, close.
fn copy_server(listener: &TcpListener, root: &Path) {
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let root = root.to_path_buf();
        let spawned = thread::Builder::new()
            .name("copy-send".to_owned())
            .spawn(move || match copy_one(stream, &root) {
                Ok((sent, elapsed)) => {
                    println!("served sent={sent} secs={:.4}", elapsed.as_secs_f64());
                }
                Err(err) => println!("failed copy: {err}"),
            });
        if let Err(err) = spawned {
            println!("failed copy thread: {err}");
        }
    }
}

/// Hides the file's descriptor: given a bare `File` and a `TcpStream`, std's `io::copy`
/// uses sendfile on Linux, which would make this no reference at all.
struct NoFd(File);

impl Read for NoFd {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

fn copy_one(mut stream: TcpStream, root: &Path) -> io::Result<(u64, Duration)> {
    let mut name = [0u8; 1024];
    let len = stream.read(&mut name)?;
    let name = std::str::from_utf8(&name[..len]).map_err(io::Error::other)?;
    // Only the bench asks, for a file it made; still, nothing outside `root`.
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        return Err(io::Error::other(format!("bad name {name:?}")));
    }
    let mut file = NoFd(File::open(root.join(name))?);
    let start = Instant::now();
    let sent = io::copy(&mut file, &mut stream)?;
    let elapsed = start.elapsed();
    stream.shutdown(Shutdown::Write)?;
    // Until the client closes, so the close cannot become a reset.
    let _ = stream.set_read_timeout(Some(SERVED_CAP));
    let mut rest = [0u8; 64];
    while matches!(stream.read(&mut rest), Ok(n) if n > 0) {}
    Ok((sent, elapsed))
}

// ---------------------------------------------------------------- helpers, /proc

fn gb_per_sec(bytes: u64, over: Duration) -> f64 {
    bytes as f64 / over.as_secs_f64() / 1e9
}

fn secs_or_na(secs: Option<f64>) -> String {
    secs.map_or_else(|| "n/a".to_owned(), |secs| format!("{secs:.2}"))
}

fn gib(bytes: u64) -> String {
    format!("{:.1} GiB", bytes as f64 / (1u64 << 30) as f64)
}

/// CPU seconds from /proc/PID/stat.
#[derive(Clone, Copy)]
struct CpuSecs {
    /// utime + stime of every thread, live or gone.
    own: f64,
    /// cutime + cstime: children that were waited for.
    children: f64,
}

/// `pid` is a number or `self`. None off Linux.
fn cpu_secs(pid: &str) -> Option<CpuSecs> {
    let ticks = cpu_ticks(pid)?;
    Some(CpuSecs {
        own: (ticks.utime + ticks.stime) as f64 / TICKS_PER_SEC,
        children: (ticks.cutime + ticks.cstime) as f64 / TICKS_PER_SEC,
    })
}

fn load_average() -> String {
    fs::read_to_string("/proc/loadavg").map_or_else(
        |_| "?".to_owned(),
        |text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        },
    )
}

fn cpu_has_flag(flag: &str) -> bool {
    fs::read_to_string("/proc/cpuinfo").is_ok_and(|info| {
        info.lines()
            .find(|line| line.starts_with("flags"))
            .is_some_and(|line| line.split_whitespace().any(|f| f == flag))
    })
}

struct Mount {
    device: String,
    point: String,
    fstype: String,
}

/// The mount that holds `dir`: the longest mount point that is a prefix of its path.
fn mount_of(dir: &Path) -> Option<Mount> {
    let dir = dir.canonicalize().ok()?;
    let mounts = fs::read_to_string("/proc/mounts").ok()?;
    mounts
        .lines()
        .filter_map(|line| {
            let mut parts = line.split_whitespace();
            let (device, point, fstype) = (parts.next()?, parts.next()?, parts.next()?);
            dir.starts_with(point).then(|| Mount {
                device: device.to_owned(),
                point: point.to_owned(),
                fstype: fstype.to_owned(),
            })
        })
        .max_by_key(|mount| mount.point.len())
}

#[cfg(target_os = "linux")]
fn free_bytes(dir: &Path) -> Option<u64> {
    let stat = rustix::fs::statvfs(dir).ok()?;
    Some(stat.f_bavail.saturating_mul(stat.f_frsize))
}

#[cfg(not(target_os = "linux"))]
fn free_bytes(_dir: &Path) -> Option<u64> {
    None
}
