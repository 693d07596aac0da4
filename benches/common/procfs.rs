//! What Linux says under /proc about this process (or another) and the machine: memory,
//! CPU time, kernel counters. Off Linux the readers give None or zeros.

use std::fs::{self, File};
use std::io::{self, Read, Seek, SeekFrom};

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

/// /proc/self/status, kept open so it can be read when no descriptor is left.
pub struct ProcStatus(Option<File>);

impl ProcStatus {
    pub fn open() -> io::Result<Self> {
        match File::open("/proc/self/status") {
            Ok(file) => Ok(ProcStatus(Some(file))),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(ProcStatus(None)),
            Err(err) => Err(err),
        }
    }

    pub fn read(&self) -> StatusFigures {
        let mut text = String::new();
        if let Some(mut file) = self.0.as_ref() {
            // procfs regenerates the file when read from the start again.
            let _ = file
                .seek(SeekFrom::Start(0))
                .and_then(|_| file.read_to_string(&mut text));
        }
        StatusFigures::parse(&text)
    }
}

/// Descriptors this process has open (None when /proc cannot be read, e.g. none left).
pub fn open_fds() -> Option<usize> {
    // Less the one `read_dir` itself holds.
    Some(
        fs::read_dir("/proc/self/fd")
            .ok()?
            .count()
            .saturating_sub(1),
    )
}

/// `Max open files` (soft, hard) from /proc/self/limits.
pub fn open_files_limit() -> Option<(u64, u64)> {
    let limits = fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    let mut numbers = line["Max open files".len()..].split_whitespace();
    Some((numbers.next()?.parse().ok()?, numbers.next()?.parse().ok()?))
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

impl CpuTicks {
    /// User + system time of every thread.
    pub fn own(&self) -> u64 {
        self.utime + self.stime
    }

    /// User + system time of the children that were waited for.
    pub fn waited(&self) -> u64 {
        self.cutime + self.cstime
    }
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

/// [`net_counters`] read now, so that how far they rose over a run can be told at its
/// end. They count for the whole network namespace, not for this process alone.
pub struct CounterRise<const N: usize> {
    path: &'static str,
    section: &'static str,
    names: [&'static str; N],
    before: Option<[u64; N]>,
}

impl<const N: usize> CounterRise<N> {
    pub fn start(path: &'static str, section: &'static str, names: [&'static str; N]) -> Self {
        CounterRise {
            path,
            section,
            names,
            before: net_counters(path, section, names),
        }
    }

    /// How far each counter rose since `start`; None where either reading failed.
    pub fn rise(&self) -> Option<[u64; N]> {
        let before = self.before?;
        let now = net_counters(self.path, self.section, self.names)?;
        Some(std::array::from_fn(|at| now[at].saturating_sub(before[at])))
    }
}

/// (busy, total) jiffies of all CPUs together, from /proc/stat's first line.
pub fn cpu_jiffies() -> Option<(u64, u64)> {
    let stat = fs::read_to_string("/proc/stat").ok()?;
    let fields: Vec<u64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .filter_map(|f| f.parse().ok())
        .collect();
    // idle and iowait are the 4th and 5th fields.
    let idle = fields.get(3)? + fields.get(4)?;
    let total: u64 = fields.iter().sum();
    Some((total - idle, total))
}
