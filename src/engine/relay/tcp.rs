//! TCP pairs: each accepted client gets its own connection to the target, and two
//! threads, one per direction, that read and write with blocking calls. A write
//! that waits for a peer that does not read stops its thread's reading, so TCP flow
//! control slows the other side: the relay never buffers more than a pump holds.
//!
//! A FIN read from one side becomes a shutdown(Write) toward the other (the other
//! direction goes on: the tutorial's server still says 再见! after the client's FIN).
//! A reset on one side becomes a reset on the other: SO_LINGER 0, then close. The
//! sockets are shared by the two threads (`&TcpStream` reads and writes), so they
//! close when the last thread lets go of the pair.

use std::net::{Shutdown, SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use socket2::SockRef;

use super::super::EngineError;
use super::super::capture::{CaptureEnds, CaptureSide, ConnectionEvent};
use super::super::error::WorkerRole;
use super::super::listener::AcceptHandler;
use super::super::tcp_client::open_stream;
use super::super::tls::TlsDuplex;
use super::super::worker::Worker;
use super::inject::{InjectQueue, InjectSink};
use super::pump::{SendError, Sink};
use super::shared::{PairLink, Shared};
use super::tls::{TlsSink, accept_client, connect_server};
use super::{CloseHow, Direction, PairId, RelayCounters, RelayEvent, Side};
use direction::pump_direction;
use ending::{capture_close, capture_reset, thread_done};
use ends::TcpSink;

mod direction;
mod ending;
mod ends;

/// Each thread only moves bytes; its buffer is on the heap.
const THREAD_STACK: usize = 256 * 1024;
/// A write waiting on a peer that does not read looks this often whether the
/// pair is ending (and, on Windows, a read waiting for data).
pub(super) const WRITE_POLL: Duration = Duration::from_millis(250);

pub(super) struct Pair {
    id: PairId,
    client: TcpStream,
    /// The client's connection, for the capture.
    client_ends: CaptureEnds,
    server: OnceLock<TcpStream>,
    /// The connection to the target, set before `server`.
    server_ends: OnceLock<CaptureEnds>,
    /// The direction whose sender closed first (its FIN was passed on).
    first_fin: OnceLock<Direction>,
    /// The capture was told how both connections ended.
    capture_ended: AtomicBool,
    /// TLS toward the client (the relay answers as the server), once its handshake is done.
    client_tls: OnceLock<Arc<TlsDuplex>>,
    /// TLS toward the target, set before `server`.
    server_tls: OnceLock<Arc<TlsDuplex>>,
    /// Whose turn it is to write, per direction: the pump's or an injection's.
    turns: [Mutex<()>; 2],
    injections: [InjectQueue; 2],
    /// Someone is ending the pair (a reset passed on, a cut, a hang-up): the pumps
    /// stop quietly, and nothing more is reported as the peers' doing.
    ending: AtomicBool,
    /// Threads still running; the last one out reports `Ended`.
    threads: AtomicUsize,
    counters: Arc<RelayCounters>,
}

impl Pair {
    /// Claims the ending of the pair; false if someone else did already.
    fn claim_end(&self) -> bool {
        !self.ending.swap(true, Ordering::SeqCst)
    }

    /// Closes both connections: with a FIN each, or (reset) with SO_LINGER 0 so
    /// the close that follows, when the threads let go, sends a reset. The reads
    /// the threads are blocked in return at once.
    fn abort(&self, reset: bool) {
        for stream in std::iter::once(&self.client).chain(self.server.get()) {
            if reset {
                let _ = SockRef::from(stream).set_linger(Some(Duration::ZERO));
                let _ = stream.shutdown(Shutdown::Read);
            } else {
                let _ = stream.shutdown(Shutdown::Both);
            }
        }
    }
}

impl PairLink for Pair {
    fn hang_up(&self) -> bool {
        let claimed = self.claim_end();
        if claimed {
            self.abort(false);
        }
        claimed
    }

    fn counters(&self) -> &RelayCounters {
        &self.counters
    }
}

impl InjectSink for Pair {
    fn injections(&self, direction: Direction) -> &InjectQueue {
        &self.injections[direction.index()]
    }

    fn destination(&self, direction: Direction) -> Option<CaptureEnds> {
        match direction {
            Direction::C2s => self.server.get().and(self.server_ends.get().copied()),
            Direction::S2c => Some(self.client_ends),
        }
    }

    fn write_injected(&self, direction: Direction, data: &[u8]) -> Result<(), SendError> {
        let stream = match direction {
            Direction::C2s => self.server.get().ok_or(SendError::Stopped)?,
            Direction::S2c => &self.client,
        };
        let stop = || self.ending.load(Ordering::Relaxed);
        let turn = &self.turns[direction.index()];
        let tls = match direction {
            Direction::C2s => self.server_tls.get(),
            Direction::S2c => self.client_tls.get(),
        };
        match tls {
            Some(tls) => TlsSink {
                tls,
                turn,
                stop: &stop,
            }
            .send(data),
            None => TcpSink {
                stream,
                turn,
                stop: &stop,
            }
            .send(data),
        }
    }
}

/// The relay's side of the accept thread.
pub(super) struct Acceptor(pub Arc<Shared>);

impl AcceptHandler for Acceptor {
    fn accepted(&mut self, stream: TcpStream, peer: SocketAddr) {
        admit(&self.0, stream, peer);
    }

    fn failed(&mut self, error: EngineError) {
        self.0.report(RelayEvent::AcceptFailed(error));
    }

    fn stopped(&mut self) {}
}

fn admit(shared: &Arc<Shared>, stream: TcpStream, client_addr: SocketAddr) {
    if shared.is_stopping() {
        return;
    }
    let mut pairs = shared.lock_pairs();
    if pairs.len() >= shared.max_pairs {
        drop(pairs);
        // Linger 0: the client sees a reset at once, as from a full server.
        let _ = SockRef::from(&stream).set_linger(Some(Duration::ZERO));
        shared.refuse(
            client_addr,
            EngineError::ClientCapReached {
                max: shared.max_pairs,
            },
        );
        return;
    }
    let id = shared.new_id();
    let local = stream.local_addr().unwrap_or(shared.local);
    let client_ends = CaptureEnds::tcp(local, client_addr);
    let pair = Arc::new(Pair {
        id,
        client: stream,
        client_ends,
        server: OnceLock::new(),
        server_ends: OnceLock::new(),
        first_fin: OnceLock::new(),
        capture_ended: AtomicBool::new(false),
        client_tls: OnceLock::new(),
        server_tls: OnceLock::new(),
        turns: Default::default(),
        injections: Default::default(),
        ending: AtomicBool::new(false),
        threads: AtomicUsize::new(1),
        counters: Arc::new(RelayCounters::default()),
    });
    pairs.insert(id, pair.clone());
    drop(pairs);
    shared.report(RelayEvent::Accepted {
        pair: id,
        client: client_addr,
        counters: pair.counters.clone(),
        at: SystemTime::now(),
    });
    shared
        .capture
        .connection(ConnectionEvent::Open, CaptureSide::Peer, client_ends, None);
    let (in_thread, on_panic) = (
        (shared.clone(), pair.clone()),
        (shared.clone(), pair.clone()),
    );
    let spawned = Worker::new(WorkerRole::Receive, format!("relay #{id} c2s"))
        .stack_size(THREAD_STACK)
        .spawn(
            move || run_pair(&in_thread.0, &in_thread.1),
            move |error| panicked(&on_panic.0, &on_panic.1, error),
        );
    if let Err(error) = spawned {
        panicked(shared, &pair, error);
    }
}

/// A thread of the pair could not start or panicked: reset both sides, say why.
fn panicked(shared: &Shared, pair: &Pair, error: EngineError) {
    if pair.claim_end() {
        pair.abort(true);
        capture_reset(shared, pair, None, None);
        shared.report(closed(pair.id, Side::Relay, CloseHow::Error(error)));
    }
    thread_done(shared, pair);
}

fn closed(pair: PairId, by: Side, how: CloseHow) -> RelayEvent {
    RelayEvent::Closed {
        pair,
        by,
        how,
        at: SystemTime::now(),
    }
}

/// The first thread: connects to the target, starts the other direction, then
/// pumps client → server.
fn run_pair(shared: &Arc<Shared>, pair: &Arc<Pair>) {
    if let Some(identity) = &shared.tls_listen {
        match accept_client(identity, &pair.client) {
            Ok((tls, info)) => {
                let _ = pair.client_tls.set(tls);
                shared.report(RelayEvent::TlsReady {
                    pair: pair.id,
                    side: Side::Client,
                    info,
                });
            }
            Err(error) => {
                if pair.claim_end() {
                    pair.abort(false);
                    capture_close(shared, pair);
                    let how = CloseHow::Error(EngineError::Tls(error));
                    shared.report(closed(pair.id, Side::Client, how));
                }
                thread_done(shared, pair);
                return;
            }
        }
    }
    let upstream = connect_upstream(shared).and_then(|(server, peer)| {
        if let Some(options) = &shared.tls_upstream {
            let (tls, info) =
                connect_server(options, &shared.target_host, &server).map_err(EngineError::Tls)?;
            let _ = pair.server_tls.set(tls);
            shared.report(RelayEvent::TlsReady {
                pair: pair.id,
                side: Side::Server,
                info,
            });
        }
        Ok((server, peer))
    });
    let (server, peer) = match upstream {
        Ok(connected) => connected,
        Err(error) => {
            // The client is closed the way a refused connect would be: with a reset.
            if pair.claim_end() {
                pair.abort(true);
                capture_reset(shared, pair, None, None);
                shared.report(RelayEvent::UpstreamFailed {
                    pair: pair.id,
                    error,
                    at: SystemTime::now(),
                });
                shared.report(closed(pair.id, Side::Relay, CloseHow::Reset));
            }
            thread_done(shared, pair);
            return;
        }
    };
    for stream in [&pair.client, &server] {
        // Forward as soon as read: Nagle would merge what a split fault cut apart.
        let _ = stream.set_nodelay(true);
        let _ = stream.set_write_timeout(Some(WRITE_POLL));
    }
    // The socket's own address even if the server reset it already (the reset
    // is read, and passed on, by the server → client pump).
    let local = server
        .local_addr()
        .unwrap_or_else(|_| SocketAddr::new(peer.ip(), 0));
    let server_ends = CaptureEnds::tcp(local, peer);
    let _ = pair.server_ends.set(server_ends);
    let _ = pair.server.set(server);
    shared
        .capture
        .connection(ConnectionEvent::Open, CaptureSide::Local, server_ends, None);
    if pair.ending.load(Ordering::SeqCst) {
        // Hung up while connecting.
        pair.abort(false);
        thread_done(shared, pair);
        return;
    }
    shared.report(RelayEvent::UpstreamConnected {
        pair: pair.id,
        local,
        peer,
        at: SystemTime::now(),
    });
    pair.threads.fetch_add(1, Ordering::SeqCst);
    let (in_thread, on_panic) = (
        (shared.clone(), pair.clone()),
        (shared.clone(), pair.clone()),
    );
    let spawned = Worker::new(WorkerRole::Receive, format!("relay #{} s2c", pair.id))
        .stack_size(THREAD_STACK)
        .spawn(
            move || {
                pump_direction(&in_thread.0, &in_thread.1, Direction::S2c);
                thread_done(&in_thread.0, &in_thread.1);
            },
            move |error| panicked(&on_panic.0, &on_panic.1, error),
        );
    if let Err(error) = spawned {
        panicked(shared, pair, error);
        thread_done(shared, pair);
        return;
    }
    pump_direction(shared, pair, Direction::C2s);
    thread_done(shared, pair);
}

/// Resolves the target and connects to the first address that answers, never
/// to the relay itself.
fn connect_upstream(shared: &Shared) -> Result<(TcpStream, SocketAddr), EngineError> {
    let host = shared.target_host.as_str();
    let unresolvable = || EngineError::Unresolvable {
        host: host.to_owned(),
    };
    let addresses: Vec<SocketAddr> = (host, shared.target_port)
        .to_socket_addrs()
        .map_err(|_| unresolvable())?
        .collect();
    let mut last_error = unresolvable();
    for address in addresses {
        if shared.is_self(address) {
            last_error = EngineError::RelayToItself { addr: address };
            continue;
        }
        let ip = address.ip().to_string();
        match open_stream(&ip, address.port(), None, shared.connect_timeout) {
            Ok(stream) => return Ok((stream, address)),
            Err(error) => last_error = error,
        }
    }
    Err(last_error)
}
