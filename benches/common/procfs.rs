//! What Linux says under /proc about this process (or another) and the machine: memory,
//! CPU time, kernel counters. Off Linux the readers give None or zeros.

use std::fs;

/// The unit of /proc's CPU times (USER_HZ): 100 on every architecture this runs on.
pub const TICKS_PER_SEC: f64 = 100.0;

/// Resets VmHWM to the current RSS (Linux >= 4.0), so a later peak belongs to what
/// ran in between.
pub fn reset_peak_rss() -> bool {
    fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// A field of a /proc/…/status text: VmRSS and VmHWM in kB, Threads a count.
pub fn status_field(text: &str, name: &str) -> Option<u64> {
    text.lines().find_map(|line| {
        let rest = line.strip_prefix(name)?.strip_prefix(':')?;
        rest.trim().trim_end_matches("kB").trim().parse().ok()
    })
}

/// A field of this process's /proc/self/status, read now.
pub fn own_status_field(name: &str) -> Option<u64> {
    status_field(&fs::read_to_string("/proc/self/status").ok()?, name)
}

/// What a /proc/…/status said; zeros where it could not be read (off Linux).
#[derive(Default)]
pub struct StatusFigures {
    pub rss_kib: u64,
    pub hwm_kib: u64,
    pub threads: u64,
}

impl StatusFigures {
    pub fn parse(text: &str) -> Self {
        let field = |name: &str| status_field(text, name).unwrap_or(0);
        StatusFigures {
            rss_kib: field("VmRSS"),
            hwm_kib: field("VmHWM"),
            threads: field("Threads"),
        }
    }

    /// This process's, read now.
    pub fn own() -> Self {
        Self::parse(&fs::read_to_string("/proc/self/status").unwrap_or_default())
    }
}

/// CPU time from /proc/PID/stat, in clock ticks ([`TICKS_PER_SEC`]).
#[derive(Debug, Clone, Copy)]
pub struct CpuTicks {
    /// User and system time of every thread, live or gone.
    pub utime: u64,
    pub stime: u64,
    /// The same of children that were waited for.
    pub cutime: u64,
    pub cstime: u64,
}

/// `pid` is a number or `self`.
pub fn cpu_ticks(pid: &str) -> Option<CpuTicks> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which may hold spaces: state is field 3, utime 14.
    let mut fields = stat
        .rsplit_once(')')?
        .1
        .split_whitespace()
        .skip(11)
        .map(|field| field.parse().ok());
    let mut next = || fields.next().flatten();
    Some(CpuTicks {
        utime: next()?,
        stime: next()?,
        cutime: next()?,
        cstime: next()?,
    })
}

/// Counters from a /proc/net file made of `Section: names…` / `Section: values…` line
/// pairs (snmp, netstat), in the order of `names`.
pub fn net_counters<const N: usize>(
    path: &str,
    section: &str,
    names: [&str; N],
) -> Option<[u64; N]> {
    let text = fs::read_to_string(path).ok()?;
    let mut lines = text.lines().filter(|line| line.starts_with(section));
    let (heads, values) = (lines.next()?, lines.next()?);
    let mut counters = [0; N];
    for (counter, name) in counters.iter_mut().zip(names) {
        let at = heads.split_whitespace().position(|head| head == name)?;
        *counter = values.split_whitespace().nth(at)?.parse().ok()?;
    }
    Some(counters)
}
