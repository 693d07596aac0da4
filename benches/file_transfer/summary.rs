//! After the runs: the medians and the targets, then the one big sparse file
//! that shows neither side's memory grows with the file.

use std::fs::{self, File};
use std::io;

use super::clients::netdbg_download;
use super::kinds::Kind;
use super::measure::Run;
use super::server::SERVED_CAP;
use super::setup::{SPACE_MARGIN, free_bytes, read_through};
use crate::Bench;
use crate::common::figures::{gb_per_sec, gib, median, mib, opt, or_dash};
use crate::common::procfs::{StatusFigures, reset_peak_rss};

/// The targets.
const TARGET_GB_PER_SEC: f64 = 2.5;
const TARGET_VS_SENDFILE: f64 = 0.9;
const TARGET_VS_PYTHON: f64 = 10.0;
const TARGET_PEAK_RSS_BYTES: u64 = 60_000_000;

pub fn summarise(kinds: &[Kind], runs: &[Run]) -> Vec<String> {
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
                opt(run.client_cpu.map(|s| format!("{s:.2}"))),
                opt(run.server_cpu.map(|s| format!("{s:.2}"))),
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
        let cpu_cell = |rate: Option<f64>| or_dash(rate.map(|r| format!("{r:.2}")));
        println!(
            "   {:<13} {rate:>9.3} {wall:>10.3} {:>9.2} {:>11} {:>11} {:>12} {:>12}",
            kind.label(),
            netdbg / rate,
            cpu_cell(client_cpu),
            cpu_cell(server_cpu),
            or_dash(client.map(mib)),
            or_dash(server.map(mib)),
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
pub fn big_file(bench: &mut Bench, size: u64) -> io::Result<Vec<String>> {
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
