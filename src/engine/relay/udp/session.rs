//! A UDP relay session: one client address, its own upstream socket connected
//! to the target, and two pumps (client → server from the receive thread's
//! queue, server → client from the upstream socket). It ends after its idle
//! time without a datagram either way, on a cut, or when the relay stops.

use std::collections::HashMap;
use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};

use super::super::super::EngineError;
use super::super::super::capture::CaptureEnds;
use super::super::super::error::{IoOp, is_wait};
use super::super::inject::{InjectQueue, InjectSink};
use super::super::pump::{Got, POLL, Pump, PumpEnd, SendError, Sink, Source};
use super::super::shared::{PairLink, Shared};
use super::super::{CloseHow, Direction, PairId, RelayCounters, RelayEvent, Side};
use super::STOP_POLL;

pub(super) type Sessions = Mutex<HashMap<SocketAddr, Arc<Session>>>;

pub(super) struct Session {
    pub(super) id: PairId,
    pub(super) c2s: Sender<Vec<u8>>,
    pub(super) client: SocketAddr,
    /// The relay's listening socket and the client, for the capture.
    pub(super) client_ends: CaptureEnds,
    /// The upstream socket and the target, for the capture.
    pub(super) upstream_ends: CaptureEnds,
    /// Connected to the target; the server → client pump reads from it.
    pub(super) upstream: Arc<UdpSocket>,
    /// The relay's listening socket, which answers the client.
    pub(super) listen: Arc<UdpSocket>,
    pub(super) injections: [InjectQueue; 2],
    /// Milliseconds since the relay started, at the last datagram either way.
    pub(super) last_active: AtomicU64,
    pub(super) ending: AtomicBool,
    pub(super) threads: AtomicUsize,
    pub(super) counters: Arc<RelayCounters>,
}

impl PairLink for Session {
    fn hang_up(&self) -> bool {
        !self.ending.swap(true, Ordering::SeqCst)
    }

    fn counters(&self) -> &RelayCounters {
        &self.counters
    }
}

impl InjectSink for Session {
    fn injections(&self, direction: Direction) -> &InjectQueue {
        &self.injections[direction.index()]
    }

    fn destination(&self, direction: Direction) -> Option<CaptureEnds> {
        Some(match direction {
            Direction::C2s => self.upstream_ends,
            Direction::S2c => self.client_ends,
        })
    }

    fn write_injected(&self, direction: Direction, data: &[u8]) -> Result<(), SendError> {
        if self.ending.load(Ordering::Relaxed) {
            return Err(SendError::Stopped);
        }
        let mut sink = match direction {
            Direction::C2s => DatagramSink {
                socket: &self.upstream,
                to: None,
            },
            Direction::S2c => DatagramSink {
                socket: &self.listen,
                to: Some(self.client),
            },
        };
        sink.send(data)
    }
}

pub(super) fn lock(sessions: &Sessions) -> MutexGuard<'_, HashMap<SocketAddr, Arc<Session>>> {
    sessions
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// What a session's two threads share.
#[derive(Clone)]
pub(super) struct SessionLinks {
    pub(super) shared: Arc<Shared>,
    pub(super) session: Arc<Session>,
    pub(super) sessions: Arc<Sessions>,
    pub(super) client: SocketAddr,
    pub(super) epoch: Instant,
    pub(super) idle: Duration,
}

impl SessionLinks {
    fn stopping(&self) -> bool {
        self.session.ending.load(Ordering::Relaxed) || self.shared.is_stopping()
    }

    fn pump(&self, direction: Direction) -> PumpParts<'_> {
        let session = &self.session;
        let (from, to) = match direction {
            Direction::C2s => (session.client_ends, session.upstream_ends),
            Direction::S2c => (session.upstream_ends, session.client_ends),
        };
        PumpParts {
            links: self,
            direction,
            from,
            to,
        }
    }

    pub(super) fn pump_c2s(&self, queue: Receiver<Vec<u8>>, upstream: &UdpSocket) {
        let stop = || self.stopping();
        let parts = self.pump(Direction::C2s);
        let end = parts.run(
            &stop,
            &mut QueueSource { queue },
            &mut DatagramSink {
                socket: upstream,
                to: None,
            },
        );
        self.finish(end, Side::Client, Side::Server);
        self.thread_done();
    }

    pub(super) fn pump_s2c(&self, upstream: &UdpSocket, listen: &UdpSocket) {
        let stop = || self.stopping();
        let parts = self.pump(Direction::S2c);
        let end = parts.run(
            &stop,
            &mut UpstreamSource {
                socket: upstream,
                links: self,
                timeout: None,
            },
            &mut DatagramSink {
                socket: listen,
                to: Some(self.client),
            },
        );
        self.finish(end, Side::Server, Side::Client);
        self.thread_done();
    }

    fn finish(&self, end: PumpEnd, source: Side, sink: Side) {
        let io_error = |op, error: &io::Error| CloseHow::Error(EngineError::io(op, error));
        match end {
            PumpEnd::Idle => self.end(Side::Relay, CloseHow::Idle),
            PumpEnd::SourceFailed(error) => self.end(source, io_error(IoOp::Receive, &error)),
            PumpEnd::SinkFailed(error) => self.end(sink, io_error(IoOp::Send, &error)),
            PumpEnd::Cut { reset, .. } => {
                let how = if reset {
                    CloseHow::Reset
                } else {
                    CloseHow::Fin
                };
                self.end(Side::Relay, how);
            }
            PumpEnd::Fin | PumpEnd::Stopped => {}
        }
    }

    /// Ends the session (once) and says how.
    pub(super) fn end(&self, by: Side, how: CloseHow) {
        if self.session.ending.swap(true, Ordering::SeqCst) {
            return;
        }
        let mut sessions = lock(&self.sessions);
        if sessions
            .get(&self.client)
            .is_some_and(|s| Arc::ptr_eq(s, &self.session))
        {
            sessions.remove(&self.client);
        }
        drop(sessions);
        self.shared.report(RelayEvent::Closed {
            pair: self.session.id,
            by,
            how,
            at: SystemTime::now(),
        });
    }

    pub(super) fn thread_done(&self) {
        if self.session.threads.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.shared.ended(self.session.id, &self.session.counters);
        }
    }

    fn touch(&self) {
        let now = u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.session.last_active.store(now, Ordering::Relaxed);
    }

    fn idle_for(&self) -> Duration {
        let last = self.session.last_active.load(Ordering::Relaxed);
        self.epoch
            .elapsed()
            .saturating_sub(Duration::from_millis(last))
    }
}

struct PumpParts<'a> {
    links: &'a SessionLinks,
    direction: Direction,
    from: CaptureEnds,
    to: CaptureEnds,
}

impl PumpParts<'_> {
    fn run(
        &self,
        stop: &(dyn Fn() -> bool + Sync),
        source: &mut impl Source,
        sink: &mut impl Sink,
    ) -> PumpEnd {
        Pump {
            pair: self.links.session.id,
            direction: self.direction,
            from: self.from,
            to: self.to,
            shared: &self.links.shared,
            counters: &self.links.session.counters,
            stop,
        }
        .run(source, sink)
    }
}

/// Client → server: the datagrams the receive thread queued for this session.
struct QueueSource {
    queue: Receiver<Vec<u8>>,
}

impl Source for QueueSource {
    fn recv(&mut self, buf: &mut [u8], wait: Option<Duration>) -> Got {
        match self.queue.recv_timeout(wait.map_or(POLL, |w| w.min(POLL))) {
            Ok(datagram) => {
                let len = datagram.len().min(buf.len());
                buf[..len].copy_from_slice(&datagram[..len]);
                Got::Data(len)
            }
            Err(RecvTimeoutError::Timeout) => Got::Timeout,
            Err(RecvTimeoutError::Disconnected) => Got::Eof,
        }
    }
}

/// Server → client: the session's upstream socket; silence past the idle time ends it.
struct UpstreamSource<'a> {
    socket: &'a UdpSocket,
    links: &'a SessionLinks,
    timeout: Option<Duration>,
}

impl Source for UpstreamSource<'_> {
    fn recv(&mut self, buf: &mut [u8], wait: Option<Duration>) -> Got {
        let wanted = Some(
            wait.map_or(STOP_POLL, |w| w.min(STOP_POLL))
                .max(Duration::from_millis(1)),
        );
        if wanted != self.timeout && self.socket.set_read_timeout(wanted).is_ok() {
            self.timeout = wanted;
        }
        match self.socket.recv(buf) {
            Ok(len) => {
                self.links.touch();
                Got::Data(len)
            }
            // The target's port is closed (ICMP): its datagrams are lost, as without a relay.
            Err(err)
                if is_wait(&err)
                    || matches!(
                        err.kind(),
                        io::ErrorKind::ConnectionRefused | io::ErrorKind::ConnectionReset
                    ) =>
            {
                if self.links.idle_for() >= self.links.idle {
                    Got::Idle
                } else {
                    Got::Timeout
                }
            }
            Err(err) => Got::Failed(err),
        }
    }
}

/// One datagram per write: to the connected target, or to the client.
struct DatagramSink<'a> {
    socket: &'a UdpSocket,
    to: Option<SocketAddr>,
}

impl Sink for DatagramSink<'_> {
    fn send(&mut self, data: &[u8]) -> Result<(), SendError> {
        let sent = match self.to {
            Some(to) => self.socket.send_to(data, to),
            None => self.socket.send(data),
        };
        match sent {
            Ok(_) => Ok(()),
            // A closed port answered an earlier datagram (ICMP): this one may get through.
            Err(err)
                if matches!(
                    err.kind(),
                    io::ErrorKind::ConnectionRefused | io::ErrorKind::ConnectionReset
                ) =>
            {
                Ok(())
            }
            Err(err) => Err(SendError::Io(err)),
        }
    }
}
