//! A reflector: every TCP read and every UDP datagram goes straight back to its
//! sender, as fast as the sender takes it. Two netdbg instances then measure a
//! link both ways (`netdbg echo` on one end). It reports connections, not
//! messages, so it costs nothing per message but the copy; the counters are exact.
//!
//! Memory is bounded: one 64 KiB buffer per TCP client (a client that does not
//! read its echo stops being read, and TCP flow control slows it) and a cap on
//! clients (each has a thread); UDP has one buffer.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam_channel::Sender;
use socket2::{Domain, Protocol, SockRef, Socket, Type};

use super::error::{IoOp, WorkerRole, is_wait};
use super::listener::{AcceptHandler, AcceptLoop, LISTEN_BACKLOG, bind_listener};
use super::worker::Worker;
use super::{CounterSnapshot, Counters, EngineError, Waker};

/// One read (and one datagram) at most.
const BUFFER: usize = 64 * 1024;
/// How often a blocked read or write looks whether the server is stopping.
const STOP_POLL: Duration = Duration::from_millis(250);
const THREAD_STACK: usize = 256 * 1024;
/// A client thread each: the cap keeps a connection flood from taking the machine.
pub const DEFAULT_MAX_CLIENTS: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EchoProtocol {
    Tcp,
    Udp,
}

#[derive(Debug, Clone)]
pub struct EchoConfig {
    pub bind: SocketAddr,
    pub protocol: EchoProtocol,
    pub max_clients: usize,
}

impl EchoConfig {
    pub fn new(bind: SocketAddr, protocol: EchoProtocol) -> Self {
        Self {
            bind,
            protocol,
            max_clients: DEFAULT_MAX_CLIENTS,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum EchoEvent {
    Listening {
        local: SocketAddr,
    },
    Accepted {
        peer: SocketAddr,
    },
    /// A client left: the bytes echoed to it, and the error that ended it, if any.
    Closed {
        peer: SocketAddr,
        bytes: u64,
        error: Option<EngineError>,
    },
    /// Turned away (with a reset): the client cap was reached.
    Refused {
        peer: SocketAddr,
        max: usize,
    },
    Error(EngineError),
}

struct Shared {
    events: Sender<EchoEvent>,
    waker: Waker,
    counters: Arc<Counters>,
    stop: AtomicBool,
    clients: Mutex<HashMap<u64, TcpStream>>,
    next_id: AtomicU64,
    max_clients: usize,
}

impl Shared {
    fn report(&self, event: EchoEvent) {
        if self.events.send(event).is_ok() {
            (self.waker)();
        }
    }

    fn stopping(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    fn lock_clients(&self) -> MutexGuard<'_, HashMap<u64, TcpStream>> {
        self.clients
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A running reflector; dropping it stops it and closes every client.
pub struct EchoServer {
    local: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<AcceptLoop>,
    udp: Option<JoinHandle<()>>,
}

impl EchoServer {
    /// Binds and starts; a bind failure is returned at once.
    pub fn start(
        config: &EchoConfig,
        events: Sender<EchoEvent>,
        waker: Waker,
    ) -> Result<Self, EngineError> {
        let shared = Arc::new(Shared {
            events,
            waker,
            counters: Arc::new(Counters::default()),
            stop: AtomicBool::new(false),
            clients: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(1),
            max_clients: config.max_clients.max(1),
        });
        match config.protocol {
            EchoProtocol::Tcp => {
                let listener = bind_listener(config.bind, LISTEN_BACKLOG)?;
                let local = listener
                    .local_addr()
                    .map_err(|err| EngineError::io(IoOp::Bind, &err))?;
                shared.report(EchoEvent::Listening { local });
                let accept = AcceptLoop::start(listener, "echo-accept", Acceptor(shared.clone()))?;
                Ok(EchoServer {
                    local,
                    shared,
                    accept: Some(accept),
                    udp: None,
                })
            }
            EchoProtocol::Udp => {
                let socket = bind_udp(config.bind)?;
                let local = socket
                    .local_addr()
                    .map_err(|err| EngineError::io(IoOp::Bind, &err))?;
                shared.report(EchoEvent::Listening { local });
                let in_thread = shared.clone();
                let thread = Worker::new(WorkerRole::Receive, format!("echo-udp {local}"))
                    .spawn(move || udp_loop(&socket, &in_thread), |_| {})?;
                Ok(EchoServer {
                    local,
                    shared,
                    accept: None,
                    udp: Some(thread),
                })
            }
        }
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// Received (`rx`) and echoed (`tx`), exact.
    pub fn counters(&self) -> &Counters {
        &self.shared.counters
    }

    /// Clients connected now (TCP).
    pub fn client_count(&self) -> usize {
        self.shared.lock_clients().len()
    }

    /// Stops listening, closes every client and waits for the UDP thread; the
    /// final counts (TCP clients still finishing may add their last read).
    pub fn stop(mut self) -> CounterSnapshot {
        self.shut_down();
        if let Some(accept) = self.accept.take() {
            accept.stop_and_wait();
        }
        if let Some(thread) = self.udp.take() {
            let _ = thread.join();
        }
        self.shared.counters.snapshot()
    }

    fn shut_down(&self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(accept) = &self.accept {
            accept.stop();
        }
        for stream in self.shared.lock_clients().values() {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

impl Drop for EchoServer {
    fn drop(&mut self) {
        self.shut_down();
    }
}

struct Acceptor(Arc<Shared>);

impl AcceptHandler for Acceptor {
    fn accepted(&mut self, stream: TcpStream, peer: SocketAddr) {
        let shared = &self.0;
        let mut clients = shared.lock_clients();
        if clients.len() >= shared.max_clients {
            drop(clients);
            let _ = SockRef::from(&stream).set_linger(Some(Duration::ZERO));
            shared.report(EchoEvent::Refused {
                peer,
                max: shared.max_clients,
            });
            return;
        }
        let Ok(handle) = stream.try_clone() else {
            return;
        };
        let id = shared.next_id.fetch_add(1, Ordering::Relaxed);
        clients.insert(id, handle);
        drop(clients);
        shared.report(EchoEvent::Accepted { peer });
        let (in_thread, on_panic) = (shared.clone(), shared.clone());
        let spawned = Worker::new(WorkerRole::Receive, format!("echo {peer}"))
            .stack_size(THREAD_STACK)
            .spawn(
                move || {
                    let (bytes, error) = echo_stream(stream, &in_thread);
                    in_thread.lock_clients().remove(&id);
                    in_thread.report(EchoEvent::Closed { peer, bytes, error });
                },
                move |error| {
                    on_panic.lock_clients().remove(&id);
                    on_panic.report(EchoEvent::Closed {
                        peer,
                        bytes: 0,
                        error: Some(error),
                    });
                },
            );
        if let Err(error) = spawned {
            shared.lock_clients().remove(&id);
            shared.report(EchoEvent::Closed {
                peer,
                bytes: 0,
                error: Some(error),
            });
        }
    }

    fn failed(&mut self, error: EngineError) {
        self.0.report(EchoEvent::Error(error));
    }

    fn stopped(&mut self) {}
}

/// Echoes one client until it closes; the bytes echoed, and what ended it.
fn echo_stream(mut stream: TcpStream, shared: &Shared) -> (u64, Option<EngineError>) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(STOP_POLL));
    let _ = stream.set_write_timeout(Some(STOP_POLL));
    let mut buf = vec![0u8; BUFFER];
    let mut echoed = 0u64;
    loop {
        if shared.stopping() {
            return (echoed, None);
        }
        let len = match stream.read(&mut buf) {
            Ok(0) => {
                let _ = stream.shutdown(Shutdown::Write);
                return (echoed, None);
            }
            Ok(len) => len,
            Err(err) if is_wait(&err) => continue,
            Err(err) => return (echoed, Some(EngineError::io(IoOp::Receive, &err))),
        };
        shared.counters.record_rx(len);
        let mut rest = &buf[..len];
        while !rest.is_empty() {
            match stream.write(rest) {
                Ok(0) => return (echoed, None),
                Ok(written) => rest = &rest[written..],
                Err(err) if is_wait(&err) => {
                    if shared.stopping() {
                        return (echoed, None);
                    }
                }
                Err(err) => return (echoed, Some(EngineError::io(IoOp::Send, &err))),
            }
        }
        shared.counters.record_tx(len);
        echoed += len as u64;
    }
}

fn bind_udp(bind: SocketAddr) -> Result<UdpSocket, EngineError> {
    let fail = |err: io::Error| EngineError::from_bind(bind, &err);
    let socket =
        Socket::new(Domain::for_address(bind), Type::DGRAM, Some(Protocol::UDP)).map_err(fail)?;
    if bind.is_ipv6() {
        let _ = socket.set_only_v6(false);
    }
    let _ = socket.set_recv_buffer_size(super::udp::DEFAULT_RECV_BUFFER);
    socket.bind(&bind.into()).map_err(fail)?;
    let socket: UdpSocket = socket.into();
    socket
        .set_read_timeout(Some(STOP_POLL))
        .map_err(|err| EngineError::io(IoOp::Bind, &err))?;
    Ok(socket)
}

/// Sends every datagram back to where it came from.
fn udp_loop(socket: &UdpSocket, shared: &Shared) {
    let mut buf = vec![0u8; BUFFER];
    while !shared.stopping() {
        match socket.recv_from(&mut buf) {
            Ok((len, from)) => {
                shared.counters.record_rx(len);
                match socket.send_to(&buf[..len], from) {
                    Ok(_) => shared.counters.record_tx(len),
                    // A sender that went away (ICMP): its echo is lost, as on a network.
                    Err(err)
                        if matches!(
                            err.kind(),
                            io::ErrorKind::ConnectionRefused | io::ErrorKind::ConnectionReset
                        ) => {}
                    Err(err) => shared.report(EchoEvent::Error(EngineError::io(IoOp::Send, &err))),
                }
            }
            Err(err) if is_wait(&err) => {}
            // Windows: an earlier echo drew an ICMP "port unreachable".
            Err(err) if err.kind() == io::ErrorKind::ConnectionReset => {}
            Err(err) => {
                shared.report(EchoEvent::Error(EngineError::io(IoOp::Receive, &err)));
                std::thread::sleep(STOP_POLL);
            }
        }
    }
}
