//! The sending side, in a child process (this binary re-run with `--server-role ROOT`)
//! so that its peak RSS is its own: netdbg's `FileServer` and the `io::copy` reference.
//! `ServerChild` is the parent's handle on it.

use std::ffi::OsStr;
use std::fs::File;
use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, ChildStdin, ExitStatus};
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::Receiver;
use netdbg::engine::{FileServer, FileServerConfig, FileServerEvent, no_waker};

use crate::common::failed;
use crate::common::figures::mib;
use crate::common::procfs::{StatusFigures, reset_peak_rss};
use crate::common::role::{field, parse_field, spawn_role, wait_capped};

/// The server child answers a command within this long.
const CHILD_REPLY_CAP: Duration = Duration::from_secs(10);
/// After a transfer, the server's own report of it arrives within this long.
pub const SERVED_CAP: Duration = Duration::from_secs(5);

/// This binary re-run with `--server-role ROOT`: netdbg's `FileServer` and the `io::copy`
/// reference, answering `reset` and `status` on stdin with its own memory figures.
pub struct ServerChild {
    pub child: Child,
    pub stdin: ChildStdin,
    pub lines: Receiver<String>,
    /// Lines about transfers, kept until asked for.
    pub reports: Vec<String>,
    pub netdbg: SocketAddr,
    pub copy: SocketAddr,
}

impl ServerChild {
    pub fn spawn(root: &Path) -> io::Result<Self> {
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
            parse_field(&listening, key)
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

    pub fn reset_peak(&mut self) -> io::Result<()> {
        let reply = self.ask("reset")?;
        self.reports.clear();
        match field(&reply, "ok") {
            Some("true") => Ok(()),
            _ => Err(io::Error::other(
                "the server child cannot reset VmHWM (/proc/self/clear_refs)",
            )),
        }
    }

    pub fn status(&mut self) -> io::Result<StatusFigures> {
        let reply = self.ask("status")?;
        let number = |key: &str| parse_field(&reply, key).unwrap_or(0);
        // The child reports its memory only.
        Ok(StatusFigures {
            rss_kib: number("rss_kib"),
            hwm_kib: number("hwm_kib"),
            ..StatusFigures::default()
        })
    }

    /// The server's report of the last transfer (`served …`, `failed …`, `refused …`).
    pub fn served(&mut self, cap: Duration) -> Option<String> {
        if self.reports.is_empty() {
            self.reports.extend(self.lines.recv_timeout(cap).ok());
        }
        self.reports.pop()
    }

    pub fn finish(mut self) -> io::Result<ExitStatus> {
        let last = self.status()?;
        println!("   server child at the end: VmRSS {}", mib(last.rss_kib));
        drop(self.stdin);
        wait_capped(&mut self.child, CHILD_REPLY_CAP)
    }
}

/// `--server-role ROOT`: serves ROOT on two ports, says `listening netdbg=… copy=…`,
/// then reports each transfer in a line and answers `reset` and `status` on stdin.
pub fn role(root: &Path) -> io::Result<()> {
    let root = root.to_path_buf();
    let (events_tx, events) = crossbeam_channel::unbounded();
    let server = FileServer::start(
        FileServerConfig::new(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), root.clone()),
        events_tx,
        no_waker(),
    )
    .map_err(failed("FileServer::start"))?;
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
