//! The senders: the engine's `Repeater` (as the UI runs it, and with 1 ns timer slack),
//! a plain sleep loop, and the what-if spin loops.

use std::io;
use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use netdbg::engine::{
    RepeatConfig, Repeater, UdpConfig, UdpEndpoint, UdpEvent, UdpSender, no_waker,
};

use super::receiver::encode;
use crate::common::{failed, join};

const POLL: Duration = Duration::from_millis(20);

/// Who sends, and how it keeps time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The engine under test: `Repeater` → `UdpSender` → the endpoint's send thread.
    Repeater,
    /// `loop { socket.send_to(..); thread::sleep(interval) }` on a std socket.
    Plain,
    /// What-if: the unchanged `Repeater`, started from a thread whose timer slack is
    /// 1 ns (a spawned thread inherits it), so its sleeps are not rounded up by 50 µs.
    RepeaterSlack1,
    /// What-if: absolute deadlines, sleep until `SPIN_MARGIN` before each, then
    /// yield-spin; sends through the engine's `UdpSender` like the Repeater.
    SpinEngine,
    /// What-if: the same schedule, sending on a std socket from the timing thread
    /// itself (no hop to a send thread).
    SpinSocket,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Repeater => "repeater",
            Kind::Plain => "plain",
            Kind::RepeaterSlack1 => "rep+slack1",
            Kind::SpinEngine => "spin+eng",
            Kind::SpinSocket => "spin+sock",
        }
    }
}

/// How long before a deadline the spin schedule stops sleeping and starts spinning:
/// well above the 50 µs default timer slack plus a wake-up.
pub const SPIN_MARGIN: Duration = Duration::from_micros(200);

/// What the sending side knows at the end of a run.
pub struct Sent {
    pub count: u64,
    /// (count − 1) / time from the first send call to the last.
    pub rate: f64,
    pub errors: u64,
}

/// A `UdpEndpoint` whose events a thread drains, as the UI would; errors are counted.
pub struct EngineSink {
    endpoint: UdpEndpoint,
    drain: JoinHandle<io::Result<u64>>,
}

impl EngineSink {
    pub fn open() -> io::Result<Self> {
        let (events_tx, events_rx) = crossbeam_channel::unbounded();
        let config = UdpConfig::new(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)));
        let endpoint = UdpEndpoint::open(&config, events_tx, no_waker())
            .map_err(failed("UdpEndpoint::open"))?;
        let drain = thread::Builder::new()
            .name("periodic-events".to_owned())
            .spawn(move || {
                let mut errors = 0u64;
                for event in events_rx.iter() {
                    match event {
                        UdpEvent::Error(err) => {
                            eprintln!("engine error: {err}");
                            errors += 1;
                        }
                        UdpEvent::Closed => break,
                        UdpEvent::Bound { .. }
                        | UdpEvent::Sent(_)
                        | UdpEvent::Received(_)
                        | UdpEvent::Skipped(_) => {}
                    }
                }
                Ok(errors)
            })?;
        Ok(EngineSink { endpoint, drain })
    }

    /// A send closure as the UI would hand to a `Repeater`: queue on the endpoint.
    pub fn send_fn(
        &self,
        target: SocketAddr,
        epoch: Instant,
    ) -> impl FnMut(u64) -> bool + Send + use<> {
        let sender: UdpSender = self
            .endpoint
            .sender()
            .expect("a just-opened endpoint has a sender");
        let host = target.ip().to_string();
        move |n| sender.send_to(host.as_str(), target.port(), encode(n, epoch.elapsed()))
    }

    /// Closes the endpoint; returns how many errors it reported.
    pub fn close(self) -> io::Result<u64> {
        self.endpoint.close();
        join(self.drain, "periodic-events")
    }
}

/// A send closure on a std socket of its own, used from the timing thread itself.
pub fn socket_send_fn(target: SocketAddr, epoch: Instant) -> io::Result<impl FnMut(u64) -> bool> {
    let socket = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(move |n| socket.send_to(&encode(n, epoch.elapsed()), target).is_ok())
}

/// Runs the engine's `Repeater` until it has sent `count` (or a generous cap passes).
/// `min_slack`: start it with 1 ns timer slack instead of the default.
pub fn repeat(
    interval: Duration,
    count: u64,
    send: impl FnMut(u64) -> bool + Send + 'static,
    min_slack: bool,
) -> io::Result<Sent> {
    // A new thread inherits its creator's timer slack, so lowering this thread's for
    // the moment of `start` gives the repeat thread 1 ns without touching the engine.
    let restore = if min_slack {
        Some(set_timer_slack(1)?)
    } else {
        None
    };
    let repeater = Repeater::start(
        RepeatConfig {
            interval,
            count: Some(count),
        },
        "periodic-bench",
        send,
        no_waker(),
    )
    .map_err(failed("Repeater::start"));
    if let Some(before) = restore {
        set_timer_slack(before)?;
    }
    let repeater = repeater?;
    let cap = interval.mul_f64(count as f64 * 1.5) + Duration::from_secs(2);
    let started = Instant::now();
    while repeater.is_running() && started.elapsed() < cap {
        thread::sleep(POLL);
    }
    repeater.stop();
    let progress = repeater.progress();
    Ok(Sent {
        count: progress.sent,
        rate: progress.rate(),
        errors: 0,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// `sleep(interval)` after each send: overshoots add up.
    Relative,
    /// Absolute deadlines start + n × interval; sleep to `SPIN_MARGIN` before, then spin.
    SleepThenSpin,
}

/// Sleeps until `SPIN_MARGIN` before `due`, then yields until it is due.
fn wait_until(due: Instant) {
    loop {
        let now = Instant::now();
        if now >= due {
            return;
        }
        let left = due - now;
        if left > SPIN_MARGIN {
            thread::sleep(left - SPIN_MARGIN);
        } else {
            thread::yield_now();
        }
    }
}

/// A timing loop of the bench's own, on its own named thread.
pub fn own_loop(
    schedule: Schedule,
    interval: Duration,
    count: u64,
    mut send: impl FnMut(u64) -> bool + Send + 'static,
) -> io::Result<Sent> {
    let thread = thread::Builder::new()
        .name("periodic-tx".to_owned())
        .spawn(move || {
            let start = Instant::now();
            let (mut sent, mut errors) = (0u64, 0u64);
            let (mut first, mut last) = (None, start);
            for n in 0..count {
                match schedule {
                    Schedule::Relative if n > 0 => thread::sleep(interval),
                    Schedule::Relative => {}
                    Schedule::SleepThenSpin => wait_until(start + interval.mul_f64(n as f64)),
                }
                let called = Instant::now();
                first.get_or_insert(called);
                last = called;
                if send(n) {
                    sent += 1;
                } else {
                    errors += 1;
                }
            }
            let span = first.map_or(Duration::ZERO, |first| last - first);
            let rate = if sent > 1 && !span.is_zero() {
                (sent - 1) as f64 / span.as_secs_f64()
            } else {
                0.0
            };
            Ok(Sent {
                count: sent,
                rate,
                errors,
            })
        })?;
    join(thread, "periodic-tx")
}

/// Sets the main thread's timer slack (Linux; /proc/self is the main thread, which
/// may change its own without privileges); returns the previous value.
fn set_timer_slack(nanos: u64) -> io::Result<u64> {
    const PATH: &str = "/proc/self/timerslack_ns";
    let before = std::fs::read_to_string(PATH)?
        .trim()
        .parse()
        .map_err(|_| io::Error::other("unreadable timerslack_ns"))?;
    std::fs::write(PATH, nanos.to_string())?;
    Ok(before)
}
