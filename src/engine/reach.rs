//! The tutorial's "ping IP" step: is a host there, and does anything listen on a port?
//! A TCP connect probe and, where the system allows it without privileges, one ICMP echo
//! through the system `ping`. Both run on a named worker; results come back as events.

use std::io::Read;
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, unbounded};

use super::Waker;
use super::error::EngineError;
use super::tcp_client::open_stream;

/// How long the TCP probe waits for an answer.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// `ping` waits 2 s for its reply; this is the hard limit (name lookup included)
/// after which the child is killed.
const PING_DEADLINE: Duration = Duration::from_secs(6);

/// Where a port number lies, by IANA's split of the 16-bit space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortClass {
    /// 0–1023: listening on them needs administrator rights.
    WellKnown,
    /// 1024–49151: what servers usually use.
    Registered,
    /// 49152–65535: where the OS picks a client's port from.
    Dynamic,
}

pub fn port_class(port: u16) -> PortClass {
    match port {
        0..=1023 => PortClass::WellKnown,
        1024..=49151 => PortClass::Registered,
        _ => PortClass::Dynamic,
    }
}

/// The range this machine really picks client ports from, where the OS says so
/// (Linux: `/proc/sys/net/ipv4/ip_local_port_range`).
pub fn os_dynamic_port_range() -> Option<(u16, u16)> {
    let text = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range").ok()?;
    parse_port_range(&text)
}

/// Parses the two numbers of `ip_local_port_range` ("32768\t60999").
pub fn parse_port_range(text: &str) -> Option<(u16, u16)> {
    let mut numbers = text.split_whitespace().map(str::parse::<u16>);
    let low = numbers.next()?.ok()?;
    let high = numbers.next()?.ok()?;
    (low <= high).then_some((low, high))
}

/// What the system `ping` said.
#[derive(Debug, Clone, PartialEq)]
pub enum PingOutcome {
    /// An echo reply came back; the round trip in milliseconds when `ping` printed it.
    Replied { millis: Option<f64> },
    /// No reply within the timeout.
    NoReply,
    /// `ping` is not installed, or may not send ICMP here.
    Unavailable,
    /// `ping` ran but failed otherwise (e.g. an unknown host); its own words.
    Failed { message: String },
}

#[derive(Debug, Clone, PartialEq)]
pub enum ReachEvent {
    /// The TCP probe connected to `peer` (and closed again at once).
    TcpReachable {
        peer: SocketAddr,
    },
    /// The TCP probe failed: refused, timed out, unreachable or unknown host.
    TcpFailed(EngineError),
    Ping(PingOutcome),
    /// Both probes are done; nothing more will come.
    Finished,
}

/// One running check. Dropping it does not wait: the worker ends on its own within
/// [`CONNECT_TIMEOUT`] + the ping deadline, and its sends to a dropped channel are ignored.
pub struct ReachCheck {
    events: Receiver<ReachEvent>,
    worker: Option<JoinHandle<()>>,
}

impl ReachCheck {
    /// Starts probing `host` (TCP only when a `port` is given, then ping).
    pub fn start(host: &str, port: Option<u16>, waker: Waker) -> Result<Self, EngineError> {
        Self::start_with(host, port, true, waker)
    }

    /// Like [`ReachCheck::start`], with the ping step optional (tests of the TCP probe).
    pub fn start_with(
        host: &str,
        port: Option<u16>,
        ping: bool,
        waker: Waker,
    ) -> Result<Self, EngineError> {
        Self::start_with_timeout(host, port, ping, CONNECT_TIMEOUT, waker)
    }

    /// Like [`ReachCheck::start_with`], with the TCP probe waiting `connect_timeout`
    /// instead of [`CONNECT_TIMEOUT`] (the CLI's `--timeout`).
    pub fn start_with_timeout(
        host: &str,
        port: Option<u16>,
        ping: bool,
        connect_timeout: Duration,
        waker: Waker,
    ) -> Result<Self, EngineError> {
        let host = host.trim().to_owned();
        // A leading '-' would reach `ping` as an option.
        if host.is_empty() || host.starts_with('-') {
            return Err(EngineError::Unresolvable { host });
        }
        let (tx, events) = unbounded();
        let name = format!("reach {host}");
        let worker = std::thread::Builder::new()
            .name(name)
            .spawn(move || {
                let send = |event| {
                    let _ = tx.send(event);
                    waker();
                };
                if let Some(port) = port {
                    send(tcp_probe(&host, port, connect_timeout));
                }
                if ping {
                    send(ReachEvent::Ping(ping_once(&host)));
                }
                send(ReachEvent::Finished);
            })
            .map_err(|err| EngineError::Thread {
                message: err.to_string(),
            })?;
        Ok(Self {
            events,
            worker: Some(worker),
        })
    }

    pub fn events(&self) -> &Receiver<ReachEvent> {
        &self.events
    }

    /// Blocks until the check is finished, collecting every event (for tests and the CLI).
    pub fn wait(mut self, limit: Duration) -> Vec<ReachEvent> {
        let deadline = Instant::now() + limit;
        let mut all = Vec::new();
        while let Ok(event) = self.events.recv_deadline(deadline) {
            let done = event == ReachEvent::Finished;
            all.push(event);
            if done {
                if let Some(worker) = self.worker.take() {
                    let _ = worker.join();
                }
                break;
            }
        }
        all
    }
}

impl Drop for ReachCheck {
    fn drop(&mut self) {
        // Join only a worker that is already done: the UI thread never waits on a probe.
        if let Some(worker) = self.worker.take()
            && worker.is_finished()
        {
            let _ = worker.join();
        }
    }
}

/// Connects to `host:port` and closes again at once.
pub fn tcp_probe(host: &str, port: u16, timeout: Duration) -> ReachEvent {
    match open_stream(host, port, None, timeout) {
        Ok(stream) => match stream.peer_addr() {
            Ok(peer) => ReachEvent::TcpReachable { peer },
            Err(err) => ReachEvent::TcpFailed(EngineError::io(super::error::IoOp::Connect, &err)),
        },
        Err(error) => ReachEvent::TcpFailed(error),
    }
}

/// Sends one ICMP echo through the system `ping`.
pub fn ping_once(host: &str) -> PingOutcome {
    let mut command = Command::new("ping");
    if cfg!(windows) {
        command.args(["-n", "1", "-w", "2000"]);
    } else if cfg!(target_os = "macos") {
        // macOS's -W is in milliseconds; -t is the overall timeout in seconds.
        command.args(["-c", "1", "-t", "2"]);
    } else {
        command.args(["-c", "1", "-W", "2"]);
    }
    command
        .arg(host)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    match command.spawn() {
        Ok(child) => finish_ping(child),
        Err(_) => PingOutcome::Unavailable,
    }
}

fn finish_ping(mut child: Child) -> PingOutcome {
    let deadline = Instant::now() + PING_DEADLINE;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return PingOutcome::NoReply;
            }
        }
    };
    let mut stdout = String::new();
    let mut stderr = String::new();
    if let Some(mut out) = child.stdout.take() {
        let _ = out.read_to_string(&mut stdout);
    }
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_string(&mut stderr);
    }
    ping_outcome(status.code(), &stdout, &stderr)
}

/// Reads `ping`'s exit code and output: 0 replied, 1 no reply (iputils, BSD, Windows),
/// anything else an error — "not permitted" meaning ping cannot work here at all.
pub fn ping_outcome(code: Option<i32>, stdout: &str, stderr: &str) -> PingOutcome {
    let lower = stderr.to_ascii_lowercase();
    if lower.contains("not permitted") || lower.contains("permission denied") {
        return PingOutcome::Unavailable;
    }
    match code {
        Some(0) if !stdout.contains("unreachable") => PingOutcome::Replied {
            millis: round_trip_millis(stdout),
        },
        Some(0 | 1) => PingOutcome::NoReply,
        _ => {
            let message = stderr
                .lines()
                .chain(stdout.lines())
                .map(str::trim)
                .find(|line| !line.is_empty())
                .unwrap_or("ping failed")
                .to_owned();
            PingOutcome::Failed { message }
        }
    }
}

/// The "time=0.045 ms" (Unix) or "time<1ms" (English Windows) of the first reply.
fn round_trip_millis(stdout: &str) -> Option<f64> {
    let line = stdout.lines().find(|line| line.contains("time"))?;
    let after = &line[line.find("time")? + 4..];
    let number: String = after
        .trim_start_matches(['=', '<', ' '])
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    number.parse().ok()
}
