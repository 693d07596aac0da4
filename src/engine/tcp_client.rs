//! A TCP client: connect with a timeout, then a reader thread and a writer thread
//! on the one connection. Sends are queued (bounded), so a peer that never reads
//! fills the queue and is reported, instead of blocking the caller.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread;
use std::time::{Duration, SystemTime};

use crossbeam_channel::{Receiver, Sender, TrySendError};
use socket2::{Domain, Protocol, Socket, Type};

use super::capture::{CaptureDirection, CaptureSink, CaptureSlot};
use super::error::IoOp;
use super::flow::{Flow, FlowConfig, Payload, Skipped, Way};
use super::{Counters, EngineError, Waker};

/// Messages waiting for a slow peer before new ones are refused.
pub const SEND_QUEUE_LEN: usize = 1024;

#[derive(Debug, Clone)]
pub struct TcpClientConfig {
    pub host: String,
    pub port: u16,
    /// A fixed local port; `None` lets the OS pick one (what the tutorial recommends).
    pub local_port: Option<u16>,
    pub connect_timeout: Duration,
    /// How events reach a consumer that falls behind.
    pub flow: FlowConfig,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TcpClientEvent {
    Connected {
        local: SocketAddr,
        peer: SocketAddr,
    },
    Received {
        data: Payload,
        at: SystemTime,
    },
    Sent {
        data: Payload,
        at: SystemTime,
    },
    /// Reads and sends the consumer was not given because it was behind
    /// (counted, and captured if capturing, all the same).
    Skipped(Skipped),
    /// The peer closed its side: `recv` returned 0.
    ClosedByPeer,
    /// We closed the connection.
    ClosedByUs,
    /// Connecting failed, or the connection broke (reset); no more data follows.
    Failed(EngineError),
    /// A send could not go out; the connection may still be up.
    SendFailed(EngineError),
}

/// The handle of one client connection. Dropping it closes the connection;
/// its threads end by themselves (a connect in progress ends at its timeout).
pub struct TcpClient {
    sender: TcpClientSender,
    capture: CaptureSlot,
    stream: Arc<OnceLock<TcpStream>>,
    stop: Arc<AtomicBool>,
    counters: Arc<Counters>,
    flow: Flow,
    events: Sender<TcpClientEvent>,
    waker: Waker,
}

/// Sends on a client connection from another thread; cheap to clone.
#[derive(Clone)]
pub struct TcpClientSender {
    commands: Sender<Vec<u8>>,
    stream: Arc<OnceLock<TcpStream>>,
    stop: Arc<AtomicBool>,
}

impl TcpClientSender {
    /// Queues `data`; `Sent` or `SendFailed` follows. A full queue is refused at once.
    pub fn send(&self, data: Vec<u8>) -> Result<(), EngineError> {
        if self.stream.get().is_none() || self.stop.load(Ordering::Relaxed) {
            return Err(EngineError::NotConnected);
        }
        self.commands.try_send(data).map_err(|err| match err {
            TrySendError::Full(_) => EngineError::SendQueueFull {
                queued: SEND_QUEUE_LEN,
            },
            TrySendError::Disconnected(_) => EngineError::NotConnected,
        })
    }
}

struct Link {
    events: Sender<TcpClientEvent>,
    waker: Waker,
    stop: Arc<AtomicBool>,
    counters: Arc<Counters>,
    capture: CaptureSlot,
    flow: Flow,
}

impl Link {
    fn report(&self, event: TcpClientEvent) {
        if self.events.send(event).is_ok() {
            (self.waker)();
        }
    }

    /// Reports data within the flow's budget (or counts it as skipped). In
    /// [`FlowMode::Wait`](super::FlowMode::Wait) this waits for the consumer,
    /// so a reader stops reading and TCP slows the peer.
    fn report_data(&self, way: Way, data: &[u8], at: SystemTime) {
        self.flow.report(
            way,
            data,
            TcpClientEvent::Skipped,
            |data| match way {
                Way::Received => TcpClientEvent::Received { data, at },
                Way::Sent => TcpClientEvent::Sent { data, at },
            },
            |event| self.report(event),
        );
    }
}

impl TcpClient {
    /// Starts connecting in the background; the outcome arrives as `Connected` or `Failed`.
    pub fn connect(
        config: TcpClientConfig,
        events: Sender<TcpClientEvent>,
        waker: Waker,
    ) -> Result<Self, EngineError> {
        Self::connect_with_capture(config, None, events, waker)
    }

    /// Like [`connect`](Self::connect), capturing from the first byte on (a server
    /// that speaks first could otherwise beat [`set_capture`](Self::set_capture)).
    pub fn connect_with_capture(
        config: TcpClientConfig,
        sink: Option<CaptureSink>,
        events: Sender<TcpClientEvent>,
        waker: Waker,
    ) -> Result<Self, EngineError> {
        let (commands, queue) = crossbeam_channel::bounded(SEND_QUEUE_LEN);
        let stream = Arc::new(OnceLock::new());
        let link = Link {
            events: events.clone(),
            waker: waker.clone(),
            stop: Arc::new(AtomicBool::new(false)),
            counters: Arc::new(Counters::default()),
            capture: CaptureSlot::default(),
            flow: Flow::new(config.flow),
        };
        link.capture.set(sink);
        let client = TcpClient {
            capture: link.capture.clone(),
            sender: TcpClientSender {
                commands,
                stream: stream.clone(),
                stop: link.stop.clone(),
            },
            stream: stream.clone(),
            stop: link.stop.clone(),
            counters: link.counters.clone(),
            flow: link.flow.clone(),
            events,
            waker,
        };
        thread::Builder::new()
            .name(format!("tcp-client {}:{}", config.host, config.port))
            .stack_size(256 * 1024)
            .spawn(move || run_connection(&config, &link, &stream, queue))
            .map_err(|err| EngineError::Thread {
                message: err.to_string(),
            })?;
        Ok(client)
    }

    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// Queues `data`; `Sent` or `SendFailed` follows. A full queue is refused at once.
    pub fn send(&self, data: Vec<u8>) -> Result<(), EngineError> {
        self.sender.send(data)
    }

    /// What was skipped since the last payload reported: a consumer that has
    /// caught up asks, so a gap at the end of a flood is told too.
    pub fn take_skipped(&self) -> Option<Skipped> {
        self.flow.take_skipped()
    }

    /// Starts (`Some`) or stops (`None`) writing the connection's traffic to a capture.
    pub fn set_capture(&self, sink: Option<CaptureSink>) {
        self.capture.set(sink);
    }

    /// Sends from another thread (periodic send).
    pub fn sender(&self) -> TcpClientSender {
        self.sender.clone()
    }

    /// Says "no more from us" (FIN) but keeps reading, so the peer's last words
    /// (the tutorial's server answers a close with 再见!) still arrive.
    pub fn shutdown_write(&self) {
        if let Some(stream) = self.stream.get() {
            let _ = stream.shutdown(Shutdown::Write);
        }
    }

    /// Closes the connection (both directions) without waiting; `ClosedByUs` follows.
    pub fn close(&self) {
        if self.stop.swap(true, Ordering::SeqCst) {
            return;
        }
        self.flow.close();
        self.hang_up();
    }

    fn hang_up(&self) {
        match self.stream.get() {
            // The reader wakes up and reports `ClosedByUs`.
            Some(stream) => {
                let _ = stream.shutdown(Shutdown::Both);
            }
            // Still connecting: the connect thread sees the flag when it returns.
            None => {
                if self.events.send(TcpClientEvent::ClosedByUs).is_ok() {
                    (self.waker)();
                }
            }
        }
    }
}

impl Drop for TcpClient {
    /// Closes quietly: whoever dropped the handle is not listening any more.
    fn drop(&mut self) {
        self.flow.close();
        if !self.stop.swap(true, Ordering::SeqCst)
            && let Some(stream) = self.stream.get()
        {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

fn run_connection(
    config: &TcpClientConfig,
    link: &Link,
    shared: &OnceLock<TcpStream>,
    queue: Receiver<Vec<u8>>,
) {
    link.flow.worker_started();
    let opened = open_stream(
        &config.host,
        config.port,
        config.local_port,
        config.connect_timeout,
    );
    let stream = match opened {
        Ok(stream) => stream,
        Err(error) => {
            if !link.stop.load(Ordering::SeqCst) {
                link.report(TcpClientEvent::Failed(error));
            }
            return;
        }
    };
    if link.stop.load(Ordering::SeqCst) {
        let _ = stream.shutdown(Shutdown::Both);
        return;
    }
    let (Ok(local), Ok(peer), Ok(writer)) =
        (stream.local_addr(), stream.peer_addr(), stream.try_clone())
    else {
        link.report(TcpClientEvent::Failed(EngineError::NotConnected));
        return;
    };
    let _ = stream.set_nodelay(true);
    if let Ok(handle) = stream.try_clone() {
        let _ = shared.set(handle);
    }
    link.report(TcpClientEvent::Connected { local, peer });
    let writer_link = Link {
        events: link.events.clone(),
        waker: link.waker.clone(),
        stop: link.stop.clone(),
        counters: link.counters.clone(),
        capture: link.capture.clone(),
        flow: link.flow.clone(),
    };
    let spawned = thread::Builder::new()
        .name(format!("tcp-client-tx {peer}"))
        .stack_size(256 * 1024)
        .spawn(move || write_loop(writer, peer, &queue, &writer_link));
    if let Err(err) = spawned {
        link.report(TcpClientEvent::Failed(EngineError::Thread {
            message: err.to_string(),
        }));
        let _ = stream.shutdown(Shutdown::Both);
        return;
    }
    read_loop(stream, peer, link);
}

/// Resolves the host and tries each address until one accepts.
pub(crate) fn open_stream(
    host: &str,
    port: u16,
    local_port: Option<u16>,
    timeout: Duration,
) -> Result<TcpStream, EngineError> {
    let unresolvable = || EngineError::Unresolvable {
        host: host.to_owned(),
    };
    let addresses: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|_| unresolvable())?
        .collect();
    let mut last_error = unresolvable();
    for peer in addresses {
        match connect_one(peer, local_port, timeout) {
            Ok(stream) => return Ok(stream),
            Err(error) => last_error = error,
        }
    }
    Err(last_error)
}

fn connect_one(
    peer: SocketAddr,
    local_port: Option<u16>,
    timeout: Duration,
) -> Result<TcpStream, EngineError> {
    let socket = Socket::new(Domain::for_address(peer), Type::STREAM, Some(Protocol::TCP))
        .map_err(|err| EngineError::io(IoOp::Connect, &err))?;
    if let Some(port) = local_port {
        let local: SocketAddr = if peer.is_ipv6() {
            (std::net::Ipv6Addr::UNSPECIFIED, port).into()
        } else {
            (std::net::Ipv4Addr::UNSPECIFIED, port).into()
        };
        socket
            .bind(&local.into())
            .map_err(|err| EngineError::from_bind(local, &err))?;
    }
    socket
        .connect_timeout(&peer.into(), timeout)
        .map_err(|err| EngineError::from_connect(peer, timeout, &err))?;
    Ok(socket.into())
}

fn read_loop(mut stream: TcpStream, peer: SocketAddr, link: &Link) {
    let mut buf = vec![0u8; 64 * 1024];
    let end = loop {
        match stream.read(&mut buf) {
            Ok(0) if link.stop.load(Ordering::SeqCst) => break TcpClientEvent::ClosedByUs,
            Ok(0) => break TcpClientEvent::ClosedByPeer,
            Ok(len) => {
                link.counters.record_rx(len);
                // (No send/record ordering here: the writer's send may block on a
                // peer that does not read, and must never hold up the reader.)
                link.capture.record(CaptureDirection::Rx, peer, &buf[..len]);
                link.report_data(Way::Received, &buf[..len], SystemTime::now());
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(_) if link.stop.load(Ordering::SeqCst) => break TcpClientEvent::ClosedByUs,
            Err(err) => {
                break TcpClientEvent::Failed(EngineError::ConnectionReset {
                    message: err.to_string(),
                });
            }
        }
    };
    link.stop.store(true, Ordering::SeqCst);
    let _ = stream.shutdown(Shutdown::Both);
    if let Some(skipped) = link.flow.take_skipped() {
        link.report(TcpClientEvent::Skipped(skipped));
    }
    link.report(end);
}

fn write_loop(mut stream: TcpStream, peer: SocketAddr, queue: &Receiver<Vec<u8>>, link: &Link) {
    link.flow.worker_started();
    for data in queue {
        if link.stop.load(Ordering::SeqCst) {
            break;
        }
        // Stamped before the write: a reply read meanwhile must not look earlier.
        let at = SystemTime::now();
        match stream.write_all(&data) {
            Ok(()) => {
                link.counters.record_tx(data.len());
                link.capture.record(CaptureDirection::Tx, peer, &data);
                link.report_data(Way::Sent, &data, at);
            }
            Err(_) if link.stop.load(Ordering::SeqCst) => break,
            Err(err) => {
                link.report(TcpClientEvent::SendFailed(EngineError::io(
                    IoOp::Send,
                    &err,
                )));
                break;
            }
        }
    }
}
