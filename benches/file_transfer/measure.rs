//! The measured transfers: every kind `--runs` times, the order rotating, each with its
//! checks, CPU seconds and peak RSS per side.

use std::fs::{self, File};
use std::io;
use std::path::Path;
use std::time::Duration;

use super::clients::{
    Plain, Transfer, nc_client, nc_listen, netdbg_download, plain_client, python_client,
};
use super::kinds::{Kind, Sender};
use super::server::SERVED_CAP;
use crate::Bench;
use crate::common::figures::{gib, mib, or_dash};
use crate::common::procfs::{StatusFigures, TICKS_PER_SEC, cpu_ticks, reset_peak_rss};

pub struct Run {
    pub kind: Kind,
    pub index: usize,
    pub transfer: Transfer,
    pub client_hwm_kib: Option<u64>,
    pub server_hwm_kib: Option<u64>,
    /// CPU seconds (user + system) each side spent, whatever the other load on the machine.
    pub client_cpu: Option<f64>,
    pub server_cpu: Option<f64>,
}

impl Run {
    pub fn gb_per_sec(&self) -> f64 {
        self.transfer.bytes as f64 / self.transfer.secs / 1e9
    }

    pub fn wall_gb_per_sec(&self) -> f64 {
        self.transfer.bytes as f64 / self.transfer.wall / 1e9
    }

    /// GB moved per CPU second: the rate one otherwise idle core would allow.
    pub fn client_gb_per_cpu_sec(&self) -> Option<f64> {
        Some(self.transfer.bytes as f64 / self.client_cpu? / 1e9)
    }

    pub fn server_gb_per_cpu_sec(&self) -> Option<f64> {
        Some(self.transfer.bytes as f64 / self.server_cpu? / 1e9)
    }
}

pub fn measure(bench: &mut Bench, kinds: &[Kind], runs: usize) -> io::Result<Vec<Run>> {
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
                or_dash(run.client_cpu.map(|s| format!("{s:.2}"))),
                or_dash(run.server_cpu.map(|s| format!("{s:.2}"))),
                or_dash(run.client_hwm_kib.map(mib)),
                or_dash(run.server_hwm_kib.map(mib)),
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

pub fn run_kind(bench: &mut Bench, kind: Kind, index: usize) -> io::Result<Run> {
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
        own: ticks.own() as f64 / TICKS_PER_SEC,
        children: ticks.waited() as f64 / TICKS_PER_SEC,
    })
}
