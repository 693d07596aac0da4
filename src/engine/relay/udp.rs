//! UDP relay: one socket listens; each client address gets a session with an
//! upstream socket of its own, connected to the target, so the target's replies
//! come back on it and go to that client only. A session ends after its idle time
//! without a datagram either way. Sessions are capped ([`Shared::max_pairs`]).
//!
//! The receive thread hands each datagram to its session's bounded queue and never
//! waits: when a session's pump is behind (a delay fault holds datagrams), what
//! does not fit is lost, as the network would lose it.

use std::collections::HashMap;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use crossbeam_channel::TrySendError;

use super::super::EngineError;
use super::super::capture::CaptureEnds;
use super::super::error::{IoOp, WorkerRole, is_wait};
use super::super::worker::Worker;
use super::pump::READ_BUFFER;
use super::shared::Shared;
use super::{CloseHow, Direction, RelayCounters, RelayEvent, Side};
use session::{Session, SessionLinks, Sessions, lock};

mod session;

/// Datagrams waiting for one session's pump before more are lost.
const SESSION_QUEUE: usize = 1024;
/// How often the blocked receive looks at the stop flag.
const STOP_POLL: Duration = Duration::from_millis(250);
/// After the target failed to resolve, new clients are not tried again sooner.
const RETRY_TARGET: Duration = Duration::from_secs(2);
/// Report a full session table at most this often.
const REFUSE_REPORT_EVERY: Duration = Duration::from_secs(1);
const THREAD_STACK: usize = 256 * 1024;

/// The receive thread; the handle stops it through [`Shared::stopping`].
pub(super) struct UdpRelay {
    thread: Option<JoinHandle<()>>,
}

impl UdpRelay {
    pub fn start(
        shared: Arc<Shared>,
        socket: UdpSocket,
        idle: Duration,
    ) -> Result<Self, EngineError> {
        let _ = socket.set_read_timeout(Some(STOP_POLL));
        let socket = Arc::new(socket);
        let name = format!("relay-udp {}", shared.local);
        let thread = Worker::new(WorkerRole::Receive, name).spawn(
            move || {
                let mut dispatcher = Dispatcher {
                    shared,
                    socket,
                    sessions: Arc::new(Mutex::new(HashMap::new())),
                    idle,
                    epoch: Instant::now(),
                    target: None,
                    target_failed: None,
                    last_refused: None,
                };
                dispatcher.run();
            },
            |_| {},
        )?;
        Ok(UdpRelay {
            thread: Some(thread),
        })
    }

    /// Waits for the receive thread to end (it looks at the stop flag every 250 ms).
    pub fn join(&mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

struct Dispatcher {
    shared: Arc<Shared>,
    socket: Arc<UdpSocket>,
    sessions: Arc<Sessions>,
    idle: Duration,
    epoch: Instant,
    target: Option<SocketAddr>,
    target_failed: Option<Instant>,
    last_refused: Option<Instant>,
}

impl Dispatcher {
    fn run(&mut self) {
        let mut buf = vec![0u8; READ_BUFFER];
        while !self.shared.is_stopping() {
            match self.socket.recv_from(&mut buf) {
                Ok((len, client)) => self.datagram(client, &buf[..len]),
                // Windows: an earlier send drew an ICMP "port unreachable".
                Err(err) if is_wait(&err) || err.kind() == io::ErrorKind::ConnectionReset => {}
                Err(err) => {
                    self.shared.report(RelayEvent::AcceptFailed(EngineError::io(
                        IoOp::Receive,
                        &err,
                    )));
                    std::thread::sleep(STOP_POLL);
                }
            }
        }
        // Every session's pumps see the stop flag and end by themselves.
        for session in lock(&self.sessions).values() {
            session.ending.store(true, Ordering::SeqCst);
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn datagram(&mut self, client: SocketAddr, data: &[u8]) {
        let existing = lock(&self.sessions).get(&client).cloned();
        let session = match existing {
            Some(session) if !session.ending.load(Ordering::SeqCst) => session,
            _ => match self.open(client) {
                Some(session) => session,
                None => return,
            },
        };
        session.last_active.store(self.now_ms(), Ordering::Relaxed);
        match session.c2s.try_send(data.to_vec()) {
            // Full: lost, as on a congested network. Disconnected: ending anyway.
            Ok(()) | Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {}
        }
    }

    /// Opens a session for a new client: its upstream socket and two pumps.
    fn open(&mut self, client: SocketAddr) -> Option<Arc<Session>> {
        let shared = self.shared.clone();
        lock(&self.sessions).retain(|_, s| !s.ending.load(Ordering::SeqCst));
        if lock(&self.sessions).len() >= shared.max_pairs {
            if self
                .last_refused
                .is_none_or(|at| at.elapsed() >= REFUSE_REPORT_EVERY)
            {
                self.last_refused = Some(Instant::now());
                shared.refuse(
                    client,
                    EngineError::ClientCapReached {
                        max: shared.max_pairs,
                    },
                );
            }
            return None;
        }
        if self.target.is_none()
            && self
                .target_failed
                .is_some_and(|at| at.elapsed() < RETRY_TARGET)
        {
            return None;
        }
        let id = shared.new_id();
        let counters = Arc::new(RelayCounters::default());
        shared.report(RelayEvent::Accepted {
            pair: id,
            client,
            counters: counters.clone(),
            at: SystemTime::now(),
        });
        let upstream = match self.upstream() {
            Ok(upstream) => upstream,
            Err(error) => {
                shared.report(RelayEvent::UpstreamFailed {
                    pair: id,
                    error,
                    at: SystemTime::now(),
                });
                shared.ended(id, &counters);
                return None;
            }
        };
        let (Ok(local), Ok(target)) = (upstream.local_addr(), upstream.peer_addr()) else {
            shared.ended(id, &counters);
            return None;
        };
        let (c2s, queue) = crossbeam_channel::bounded(SESSION_QUEUE);
        let upstream = Arc::new(upstream);
        let listen_local = self.socket.local_addr().unwrap_or(shared.local);
        let session = Arc::new(Session {
            id,
            c2s,
            client,
            client_ends: CaptureEnds::udp(listen_local, client),
            upstream_ends: CaptureEnds::udp(local, target),
            upstream: upstream.clone(),
            listen: self.socket.clone(),
            injections: Default::default(),
            last_active: AtomicU64::new(self.now_ms()),
            ending: AtomicBool::new(false),
            threads: AtomicUsize::new(2),
            counters,
        });
        lock(&self.sessions).insert(client, session.clone());
        shared.lock_pairs().insert(id, session.clone());
        shared.report(RelayEvent::UpstreamConnected {
            pair: id,
            local,
            peer: target,
            at: SystemTime::now(),
        });
        let links = SessionLinks {
            shared,
            session: session.clone(),
            sessions: self.sessions.clone(),
            client,
            epoch: self.epoch,
            idle: self.idle,
        };
        let c2s_links = links.clone();
        let c2s_upstream = upstream.clone();
        let listen = self.socket.clone();
        for (direction, body) in [
            (
                Direction::C2s,
                Box::new(move || c2s_links.pump_c2s(queue, &c2s_upstream))
                    as Box<dyn FnOnce() + Send>,
            ),
            (
                Direction::S2c,
                Box::new({
                    let links = links.clone();
                    move || links.pump_s2c(&upstream, &listen)
                }),
            ),
        ] {
            let on_panic = links.clone();
            let spawned = Worker::new(
                WorkerRole::Receive,
                format!("relay #{id} {}", direction.label()),
            )
            .stack_size(THREAD_STACK)
            .spawn(body, move |error| {
                on_panic.end(Side::Relay, CloseHow::Error(error));
                on_panic.thread_done();
            });
            if let Err(error) = spawned {
                links.end(Side::Relay, CloseHow::Error(error));
                links.thread_done();
            }
        }
        Some(session)
    }

    /// A socket of the target's family on any local port, connected to the target.
    fn upstream(&mut self) -> Result<UdpSocket, EngineError> {
        let target = match self.target {
            Some(target) => target,
            None => {
                let resolved = self.resolve();
                self.target_failed = resolved.is_err().then(Instant::now);
                let target = resolved?;
                self.target = Some(target);
                target
            }
        };
        let any: SocketAddr = if target.is_ipv6() {
            (Ipv6Addr::UNSPECIFIED, 0).into()
        } else {
            (Ipv4Addr::UNSPECIFIED, 0).into()
        };
        let socket = UdpSocket::bind(any).map_err(|err| EngineError::from_bind(any, &err))?;
        socket
            .connect(target)
            .map_err(|err| EngineError::from_connect(target, Duration::ZERO, &err))?;
        Ok(socket)
    }

    fn resolve(&self) -> Result<SocketAddr, EngineError> {
        let host = &self.shared.target_host;
        let unresolvable = || EngineError::Unresolvable { host: host.clone() };
        let mut addresses = (host.as_str(), self.shared.target_port)
            .to_socket_addrs()
            .map_err(|_| unresolvable())?
            .peekable();
        let first = *addresses.peek().ok_or_else(unresolvable)?;
        addresses
            .find(|address| !self.shared.is_self(*address))
            .ok_or(EngineError::RelayToItself { addr: first })
    }
}
