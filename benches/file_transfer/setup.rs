//! Before the runs: the machine, the folders and their free space, and the generated
//! file every kind fetches.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::common::figures::{gb_per_sec, gib, opt};

/// Reads that bring a file into the page cache.
const CHUNK: usize = 1024 * 1024;
/// Writes of the generated file.
const GEN_CHUNK: usize = 8 * 1024 * 1024;
/// Free space kept beyond what the files need.
pub const SPACE_MARGIN: u64 = 2 << 30;

/// The generated file the senders serve.
pub struct Source {
    pub name: String,
    pub size: u64,
    pub sha256: String,
}

/// A folder removed, with everything in it, when dropped (also on an early error).
pub struct Scratch(pub PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Says where the files are served from and downloaded to: the file system, its device
/// and free space. Returns the `RESULT setup` lines.
pub fn describe_dirs(root: &Path, dest: &Path) -> Vec<String> {
    let mut results = Vec::new();
    for (what, dir) in [("served from", root), ("downloads to", dest)] {
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
    results
}

/// Fails unless each folder has room for the `size` file(s) it gets, with
/// `SPACE_MARGIN` to spare.
pub fn check_space(root: &Path, dest: &Path, size: u64) -> io::Result<()> {
    // The source, and one download at a time beside it.
    let same_mount = mount_of(root).map(|m| m.point) == mount_of(dest).map(|m| m.point);
    for (dir, needed) in [
        (root, size * if same_mount { 2 } else { 1 } + SPACE_MARGIN),
        (dest, size + SPACE_MARGIN),
    ] {
        if let Some(free) = free_bytes(dir).filter(|&free| free < needed) {
            return Err(io::Error::other(format!(
                "{} free in {}, {} needed for the {} file",
                gib(free),
                dir.display(),
                gib(needed),
                gib(size),
            )));
        }
    }
    Ok(())
}

pub fn tool_runs(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// Writes `size` pseudo-random bytes (xorshift64*: incompressible, nothing like zeros),
/// hashing them on the way, syncs, then reads the file once so it is in the page cache.
pub fn make_source(root: &Path, size: u64, results: &mut Vec<String>) -> io::Result<Source> {
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

pub fn read_through(path: &Path) -> io::Result<Duration> {
    let mut file = File::open(path)?;
    let mut buf = vec![0u8; CHUNK];
    let start = Instant::now();
    while file.read(&mut buf)? > 0 {}
    Ok(start.elapsed())
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

pub fn load_average() -> String {
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

pub fn cpu_has_flag(flag: &str) -> bool {
    fs::read_to_string("/proc/cpuinfo").is_ok_and(|info| {
        info.lines()
            .find(|line| line.starts_with("flags"))
            .is_some_and(|line| line.split_whitespace().any(|f| f == flag))
    })
}

pub struct Mount {
    pub device: String,
    pub point: String,
    pub fstype: String,
}

/// The mount that holds `dir`: the longest mount point that is a prefix of its path.
pub fn mount_of(dir: &Path) -> Option<Mount> {
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
pub fn free_bytes(dir: &Path) -> Option<u64> {
    let stat = rustix::fs::statvfs(dir).ok()?;
    Some(stat.f_bavail.saturating_mul(stat.f_frsize))
}

#[cfg(not(target_os = "linux"))]
pub fn free_bytes(_dir: &Path) -> Option<u64> {
    None
}
