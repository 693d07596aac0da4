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

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use socket2::SockRef;

use super::super::EngineError;
use super::super::capture::{CaptureEnds, CaptureSide, ConnectionEvent};
use super::super::error::{IoOp, WorkerRole};
use super::super::listener::AcceptHandler;
use super::super::tcp_client::open_stream;
use super::super::tls::TlsDuplex;
use super::super::worker::Worker;
use super::inject::{InjectQueue, InjectSink};
use super::pump::{Got, Pump, PumpEnd, SendError, Sink, Source};
use super::shared::{PairLink, Shared};
use super::tls::{TlsSink, TlsSource, accept_client, connect_server};
use super::{CloseHow, Direction, PairId, RelayCounters, RelayEvent, Side};

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

fn pump_direction(shared: &Shared, pair: &Pair, direction: Direction) {
    let (Some(server), Some(server_ends)) = (pair.server.get(), pair.server_ends.get().copied())
    else {
        return;
    };
    let (source, sink, from, to) = match direction {
        Direction::C2s => (&pair.client, server, pair.client_ends, server_ends),
        Direction::S2c => (server, &pair.client, server_ends, pair.client_ends),
    };
    let stop = || pair.ending.load(Ordering::Relaxed) || shared.is_stopping();
    let pump = Pump {
        pair: pair.id,
        direction,
        from,
        to,
        shared,
        counters: &pair.counters,
        stop: &stop,
    };
    let (source_tls, sink_tls) = match direction {
        Direction::C2s => (pair.client_tls.get(), pair.server_tls.get()),
        Direction::S2c => (pair.server_tls.get(), pair.client_tls.get()),
    };
    let turn = &pair.turns[direction.index()];
    let mut source = match source_tls {
        Some(tls) => AnySource::Tls(TlsSource::new(source, tls)),
        None => AnySource::Plain(TcpSource {
            stream: source,
            timeout: None,
        }),
    };
    let mut sink_end = match sink_tls {
        Some(tls) => AnySink::Tls(TlsSink {
            tls,
            turn,
            stop: &stop,
        }),
        None => AnySink::Plain(TcpSink {
            stream: sink,
            turn,
            stop: &stop,
        }),
    };
    let end = pump.run(&mut source, &mut sink_end);
    let (source_side, sink_side) = match direction {
        Direction::C2s => (Side::Client, Side::Server),
        Direction::S2c => (Side::Server, Side::Client),
    };
    match end {
        PumpEnd::Fin => {
            let _ = pair.first_fin.set(direction);
            shared.report(closed(pair.id, source_side, CloseHow::Fin));
            // Passed on: the other side reads the end, and may still answer. Over
            // TLS the end is said the TLS way first (close_notify): a peer that
            // gets a bare FIN takes it for a cut-off session (openssl: decode_error).
            if let Some(tls) = sink_tls {
                let _turn = turn
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let _ = tls.close_notify();
            }
            let _ = sink.shutdown(Shutdown::Write);
        }
        PumpEnd::SourceFailed(error) => broke(shared, pair, source_side, &error, IoOp::Receive),
        PumpEnd::SinkFailed(error) => broke(shared, pair, sink_side, &error, IoOp::Send),
        PumpEnd::Cut { after, reset } => {
            if pair.claim_end() {
                pair.abort(reset);
                let note = super::pump::fault_note(&[super::FaultAction::Cut { after, reset }]);
                if reset {
                    capture_reset(shared, pair, None, note);
                } else {
                    capture_ended(
                        shared,
                        pair,
                        ConnectionEvent::Close,
                        [CaptureSide::Local; 2],
                        note,
                    );
                }
                let how = if reset {
                    CloseHow::Reset
                } else {
                    CloseHow::Fin
                };
                shared.report(closed(pair.id, Side::Relay, how));
            }
        }
        PumpEnd::Idle | PumpEnd::Stopped => {}
    }
}

/// One side's connection broke (reset, or another error): the other side is reset.
fn broke(shared: &Shared, pair: &Pair, side: Side, error: &io::Error, op: IoOp) {
    if !pair.claim_end() {
        return;
    }
    pair.abort(true);
    capture_reset(shared, pair, Some(side), None);
    let how = match error.kind() {
        io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::BrokenPipe => CloseHow::Reset,
        _ => CloseHow::Error(EngineError::io(op, error)),
    };
    shared.report(closed(pair.id, side, how));
}

fn thread_done(shared: &Shared, pair: &Pair) {
    if pair.threads.fetch_sub(1, Ordering::SeqCst) == 1 {
        capture_close(shared, pair);
        shared.ended(pair.id, &pair.counters);
    }
}

/// Both connections ended with FINs: the side whose sender closed first did first.
fn capture_close(shared: &Shared, pair: &Pair) {
    let by = match pair.first_fin.get() {
        Some(Direction::C2s) => [CaptureSide::Peer, CaptureSide::Local],
        Some(Direction::S2c) => [CaptureSide::Local, CaptureSide::Peer],
        None => [CaptureSide::Local; 2],
    };
    capture_ended(shared, pair, ConnectionEvent::Close, by, None);
}

/// Both connections were reset: by the relay, except the side that `broke` first.
fn capture_reset(
    shared: &Shared,
    pair: &Pair,
    broke: Option<Side>,
    note: Option<std::borrow::Cow<'static, str>>,
) {
    let by = |side| {
        if broke == Some(side) {
            CaptureSide::Peer
        } else {
            CaptureSide::Local
        }
    };
    let by = [by(Side::Client), by(Side::Server)];
    capture_ended(shared, pair, ConnectionEvent::Reset, by, note);
}

/// Tells the capture, once, how the client's and the target's connections
/// (`by` in that order) ended.
fn capture_ended(
    shared: &Shared,
    pair: &Pair,
    event: ConnectionEvent,
    by: [CaptureSide; 2],
    note: Option<std::borrow::Cow<'static, str>>,
) {
    if pair.capture_ended.swap(true, Ordering::SeqCst) {
        return;
    }
    shared
        .capture
        .connection(event, by[0], pair.client_ends, note.clone());
    if let Some(server_ends) = pair.server_ends.get() {
        shared.capture.connection(event, by[1], *server_ends, note);
    }
}

/// A side's source, plain or TLS.
enum AnySource<'a> {
    Plain(TcpSource<'a>),
    Tls(TlsSource<'a>),
}

impl Source for AnySource<'_> {
    fn recv(&mut self, buf: &mut [u8], wait: Option<Duration>) -> Got {
        match self {
            AnySource::Plain(source) => source.recv(buf, wait),
            AnySource::Tls(source) => source.recv(buf, wait),
        }
    }
}

/// A side's sink, plain or TLS.
enum AnySink<'a> {
    Plain(TcpSink<'a>),
    Tls(TlsSink<'a>),
}

impl Sink for AnySink<'_> {
    fn send(&mut self, data: &[u8]) -> Result<(), SendError> {
        match self {
            AnySink::Plain(sink) => sink.send(data),
            AnySink::Tls(sink) => sink.send(data),
        }
    }
}

struct TcpSource<'a> {
    stream: &'a TcpStream,
    /// The read timeout set on the socket now (set again only when it changes).
    timeout: Option<Duration>,
}

impl Source for TcpSource<'_> {
    fn recv(&mut self, buf: &mut [u8], wait: Option<Duration>) -> Got {
        // Windows does not wake a blocked read on shutdown(Read), so the pump
        // looks at its stop flag this often there instead.
        #[cfg(windows)]
        let wait = Some(wait.map_or(WRITE_POLL, |w| w.min(WRITE_POLL)));
        let wanted = wait.map(|w| w.max(Duration::from_millis(1)));
        if wanted != self.timeout && self.stream.set_read_timeout(wanted).is_ok() {
            self.timeout = wanted;
        }
        let mut stream = self.stream;
        match stream.read(buf) {
            Ok(0) => Got::Eof,
            Ok(len) => Got::Data(len),
            Err(err)
                if matches!(
                    err.kind(),
                    io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                        | io::ErrorKind::Interrupted
                ) =>
            {
                Got::Timeout
            }
            Err(err) => Got::Failed(err),
        }
    }
}

struct TcpSink<'a> {
    stream: &'a TcpStream,
    /// Held for a whole write: an injected message never lands inside another.
    turn: &'a Mutex<()>,
    stop: &'a (dyn Fn() -> bool + Sync),
}

impl Sink for TcpSink<'_> {
    fn send(&mut self, mut data: &[u8]) -> Result<(), SendError> {
        let _turn = self
            .turn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        while !data.is_empty() {
            let mut stream = self.stream;
            match stream.write(data) {
                Ok(0) => return Err(SendError::Io(io::ErrorKind::WriteZero.into())),
                Ok(len) => data = &data[len..],
                Err(err)
                    if matches!(
                        err.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    if (self.stop)() {
                        return Err(SendError::Stopped);
                    }
                }
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return Err(SendError::Io(err)),
            }
        }
        Ok(())
    }
}
