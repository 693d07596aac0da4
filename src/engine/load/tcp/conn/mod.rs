//! One connection of a TCP load run, driven by its worker: connect (non-blocking,
//! with a deadline), send messages on pace, take replies, and end. Every step
//! returns at once; what the connection waits for next is its [`Interest`] (the
//! poller) or its timer (the pace).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io::{self, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::Arc;
#[cfg(unix)]
use std::time::Duration;
use std::time::Instant;

use polling::{Event, Poller};
use socket2::{Domain, Protocol, Socket, Type};

mod receive;

use super::super::config::{MessageSource, TcpLoad};
use super::super::pace::Pace;
use super::super::rtt::RttRecorder;
use super::super::stats::{LoadFault, LoadStats};
use crate::codec::Framing;
use crate::codec::framing::Framer;

/// Messages one connection may start in a row before the others get a turn.
const BURST: u32 = 64;
/// Reads one connection may do in a row before the others get a turn.
const READS_PER_TURN: u32 = 16;
/// The largest reply a connection holds while it gathers it (a fixed framing may
/// ask for more): memory stays bounded with 10,000 connections.
const REPLY_LIMIT: usize = 64 * 1024;

/// When each connection's next paced message is due, soonest first.
pub(super) type Timers = BinaryHeap<Reverse<(Instant, usize)>>;

/// What a step of a connection needs from its worker.
pub(super) struct Turn<'a> {
    pub cfg: &'a TcpLoad,
    pub stats: &'a LoadStats,
    pub rtt: &'a RttRecorder,
    pub source: &'a mut MessageSource,
    pub timers: &'a mut Timers,
    pub now: Instant,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Connecting {
        deadline: Instant,
    },
    Running,
    /// Everything sent (no replies expected): the write side is shut, the peer's
    /// last bytes are read until it closes or the deadline.
    Draining {
        deadline: Instant,
    },
    Done,
}

/// What the poller should wake the connection for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Interest {
    read: bool,
    write: bool,
}

/// A message being written.
struct Outgoing {
    bytes: Arc<[u8]>,
    written: usize,
    /// Taken right before its first byte's write call.
    at: Instant,
}

/// A message written whole whose reply has not come.
struct Awaiting {
    since: Instant,
    deadline: Instant,
    /// Without framing: the echo's bytes still to come.
    echo_left: usize,
}

pub(super) struct Conn {
    key: usize,
    stream: TcpStream,
    phase: Phase,
    pace: Option<Pace>,
    /// Messages to send in all; `None`: until told to stop.
    limit: Option<u64>,
    /// Messages begun (the one in `out` included).
    started: u64,
    out: Option<Outgoing>,
    awaiting: Option<Awaiting>,
    want_write: bool,
    /// While a write waits for room: when it gives up if no byte goes out. A peer
    /// that never reads must not hold the run past its end (or forever).
    write_deadline: Option<Instant>,
    framer: Option<Framer>,
    /// Without expected replies or framing: bytes toward the next echoed message.
    echo_partial: usize,
    last_len: usize,
    timer_armed: bool,
    /// What the poller waits for now (`None`: nothing, its one-shot event fired).
    armed: Option<Interest>,
}

impl Conn {
    /// Starts connecting `key`; a failure the OS reports at once comes back as is.
    pub fn open(key: usize, cfg: &TcpLoad, now: Instant) -> Result<Conn, io::Error> {
        let socket = Socket::new(
            Domain::for_address(cfg.target),
            Type::STREAM,
            Some(Protocol::TCP),
        )?;
        socket.set_nonblocking(true)?;
        let _ = socket.set_tcp_nodelay(true);
        match socket.connect(&cfg.target.into()) {
            Ok(()) => {}
            Err(err) if connect_in_progress(&err) => {}
            Err(err) => return Err(err),
        }
        let framer = cfg.reply_framing.clone().map(|framing| {
            let limit = match framing {
                Framing::Fixed(size) => size.max(REPLY_LIMIT),
                _ => REPLY_LIMIT,
            };
            Framer::with_limit(framing, limit)
        });
        Ok(Conn {
            key,
            stream: socket.into(),
            phase: Phase::Connecting {
                deadline: now + cfg.connect_timeout,
            },
            pace: None,
            limit: cfg.messages,
            started: 0,
            out: None,
            awaiting: None,
            want_write: false,
            write_deadline: None,
            framer,
            echo_partial: 0,
            last_len: 1,
            timer_armed: false,
            armed: None,
        })
    }

    /// Starts waiting for the connect's outcome.
    pub fn register(&mut self, poller: &Poller) -> io::Result<()> {
        let interest = self.interest().unwrap_or(Interest {
            read: false,
            write: true,
        });
        // SAFETY: the socket belongs to this connection, which the worker deletes
        // from the poller (`deregister`) before it drops it.
        #[allow(unsafe_code)]
        unsafe {
            poller.add(&self.stream, event(self.key, interest))?;
        }
        self.armed = Some(interest);
        Ok(())
    }

    /// Waits for what the connection needs next (nothing changes if it already does).
    pub fn rearm(&mut self, poller: &Poller) -> io::Result<()> {
        let wanted = self.interest();
        if wanted != self.armed
            && let Some(interest) = wanted
        {
            poller.modify(&self.stream, event(self.key, interest))?;
            self.armed = Some(interest);
        }
        Ok(())
    }

    pub fn deregister(&self, poller: &Poller) {
        let _ = poller.delete(&self.stream);
    }

    pub fn is_done(&self) -> bool {
        self.phase == Phase::Done
    }

    /// The poller woke it.
    pub fn on_event(
        &mut self,
        turn: &mut Turn<'_>,
        readable: bool,
        writable: bool,
        buf: &mut [u8],
    ) {
        self.armed = None;
        match self.phase {
            Phase::Connecting { .. } => self.check_connect(turn),
            Phase::Running | Phase::Draining { .. } => {
                if readable {
                    self.read_some(turn, buf);
                }
                if writable && self.phase == Phase::Running {
                    self.pump(turn);
                }
            }
            Phase::Done => {}
        }
    }

    /// A connection waiting for its reply with nothing else to do. A worker whose
    /// only connection this is waits on its socket alone with one poll(2) instead
    /// of the poller, which costs four more system calls a wait (its timer, the
    /// wake-up pipe, re-arming): one connection's round trips then measure what a
    /// plain blocking ping-pong does (benches/load.sh).
    #[cfg(unix)]
    pub fn awaits_reply(&self) -> bool {
        self.phase == Phase::Running
            && self.awaiting.is_some()
            && self.out.is_none()
            && !self.want_write
    }

    /// Waits up to `timeout` for the socket to be readable, then reads as on an event.
    #[cfg(unix)]
    pub fn wait_reply(&mut self, turn: &mut Turn<'_>, timeout: Duration, buf: &mut [u8]) {
        use rustix::event::{PollFd, PollFlags, Timespec, poll};
        let Ok(timeout) = Timespec::try_from(timeout) else {
            return;
        };
        let mut fds = [PollFd::new(&self.stream, PollFlags::IN)];
        if matches!(poll(&mut fds, Some(&timeout)), Ok(ready) if ready > 0) {
            self.read_some(turn, buf);
        }
    }

    /// Its pace timer came.
    pub fn on_timer(&mut self, turn: &mut Turn<'_>) {
        self.timer_armed = false;
        if self.phase == Phase::Running {
            self.pump(turn);
        }
    }

    /// The deadlines: connect, reply, drain.
    pub fn sweep(&mut self, turn: &mut Turn<'_>) {
        let now = turn.now;
        match self.phase {
            Phase::Connecting { deadline } if now >= deadline => {
                self.fail(turn.stats, LoadFault::TimedOut);
            }
            Phase::Running
                if self
                    .awaiting
                    .as_ref()
                    .is_some_and(|awaiting| now >= awaiting.deadline) =>
            {
                self.end(turn.stats, Some(LoadFault::ReplyTimeout));
            }
            Phase::Draining { deadline } if now >= deadline => self.end(turn.stats, None),
            Phase::Running if self.write_deadline.is_some_and(|deadline| now >= deadline) => {
                self.end(turn.stats, Some(LoadFault::TimedOut));
            }
            _ => {}
        }
    }

    /// The run's time is up: send nothing new, finish what is under way.
    pub fn stop_sending(&mut self, turn: &mut Turn<'_>) {
        match self.phase {
            Phase::Connecting { .. } => self.end(turn.stats, None),
            Phase::Running => {
                self.limit = Some(self.started);
                self.settle(turn);
            }
            _ => {}
        }
    }

    /// The run is stopped: the connection goes without a fault.
    pub fn abandon(&mut self, stats: &LoadStats) {
        self.end(stats, None);
    }

    /// The poller would not take it back: it ends, counted as a fault.
    pub fn force_done(&mut self, stats: &LoadStats) {
        self.end(stats, Some(LoadFault::Other));
    }

    fn interest(&self) -> Option<Interest> {
        match self.phase {
            Phase::Connecting { .. } => Some(Interest {
                read: false,
                write: true,
            }),
            Phase::Running => Some(Interest {
                read: true,
                write: self.want_write,
            }),
            Phase::Draining { .. } => Some(Interest {
                read: true,
                write: false,
            }),
            Phase::Done => None,
        }
    }

    fn check_connect(&mut self, turn: &mut Turn<'_>) {
        match self.stream.take_error() {
            Ok(Some(err)) | Err(err) => return self.fail(turn.stats, LoadFault::from_io(&err)),
            Ok(None) => {}
        }
        match self.stream.peer_addr() {
            Ok(_) => {}
            // Woken early: still connecting.
            Err(err) if err.kind() == io::ErrorKind::NotConnected => return,
            Err(err) => return self.fail(turn.stats, LoadFault::from_io(&err)),
        }
        turn.stats.connected();
        self.phase = Phase::Running;
        self.pace = turn.cfg.rate.map(|rate| Pace::new(turn.now, rate));
        self.pump(turn);
    }

    /// Writes what is due: the rest of the message under way, then new messages
    /// while the pace, the reply and the socket allow.
    fn pump(&mut self, turn: &mut Turn<'_>) {
        let mut burst = 0;
        loop {
            if let Some(out) = &mut self.out {
                while out.written < out.bytes.len() {
                    match self.stream.write(&out.bytes[out.written..]) {
                        Ok(0) => return self.end(turn.stats, Some(LoadFault::Closed)),
                        Ok(len) => {
                            turn.stats.bytes_sent(len);
                            out.written += len;
                            self.write_deadline = None;
                        }
                        Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                            self.want_write = true;
                            self.write_deadline
                                .get_or_insert_with(|| Instant::now() + turn.cfg.reply_timeout);
                            return;
                        }
                        Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                        Err(err) => return self.end(turn.stats, Some(LoadFault::from_io(&err))),
                    }
                }
                turn.stats.message_sent(out.at);
                self.last_len = out.bytes.len();
                if turn.cfg.expect_reply {
                    self.awaiting = Some(Awaiting {
                        since: out.at,
                        deadline: Instant::now() + turn.cfg.reply_timeout,
                        echo_left: out.bytes.len(),
                    });
                }
                self.out = None;
            }
            self.want_write = false;
            if self.all_started() {
                return self.settle(turn);
            }
            if self.awaiting.is_some() {
                return;
            }
            let now = Instant::now();
            if let Some(due) = self.pace.map(|pace| pace.due(self.started))
                && due > now
            {
                return self.arm_timer(turn, due);
            }
            burst += 1;
            if burst > BURST {
                return self.arm_timer(turn, now);
            }
            let Some(bytes) = turn.source.next() else {
                return self.end(turn.stats, Some(LoadFault::Other));
            };
            self.started += 1;
            self.out = Some(Outgoing {
                bytes,
                written: 0,
                at: Instant::now(),
            });
        }
    }

    /// Everything sent: with replies expected, done once the last has come;
    /// otherwise shut the write side and read what the peer still sends.
    fn settle(&mut self, turn: &mut Turn<'_>) {
        if self.phase != Phase::Running || self.out.is_some() || self.awaiting.is_some() {
            return;
        }
        if !self.all_started() {
            return;
        }
        if turn.cfg.expect_reply {
            return self.end(turn.stats, None);
        }
        let _ = self.stream.shutdown(Shutdown::Write);
        self.phase = Phase::Draining {
            deadline: Instant::now() + turn.cfg.reply_timeout,
        };
    }

    /// Every message it is to send has begun.
    fn all_started(&self) -> bool {
        self.limit.is_some_and(|limit| self.started >= limit)
    }

    fn arm_timer(&mut self, turn: &mut Turn<'_>, at: Instant) {
        if !self.timer_armed {
            turn.timers.push(Reverse((at, self.key)));
            self.timer_armed = true;
        }
    }

    /// A connection that never came up.
    fn fail(&mut self, stats: &LoadStats, fault: LoadFault) {
        stats.failed(fault);
        self.phase = Phase::Done;
    }

    fn end(&mut self, stats: &LoadStats, fault: Option<LoadFault>) {
        match self.phase {
            Phase::Done => return,
            Phase::Connecting { .. } => {}
            Phase::Running | Phase::Draining { .. } => stats.closed(),
        }
        if let Some(fault) = fault {
            stats.fault(fault);
        }
        self.phase = Phase::Done;
    }
}

fn event(key: usize, interest: Interest) -> Event {
    Event::new(key, interest.read, interest.write)
}

/// A non-blocking connect that has begun (Unix: EINPROGRESS; Windows: WSAEWOULDBLOCK).
fn connect_in_progress(err: &io::Error) -> bool {
    #[cfg(unix)]
    if err.raw_os_error() == Some(libc::EINPROGRESS) {
        return true;
    }
    err.kind() == io::ErrorKind::WouldBlock
}
