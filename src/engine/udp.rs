//! A UDP endpoint: one socket, a receive thread that drains it without pause and a
//! send thread fed by commands. Both use the same socket, so it is full duplex.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, SystemTime};

use crossbeam_channel::{Receiver, Sender};
use socket2::{Domain, Protocol, Socket, Type};

use super::capture::{CaptureDirection, CaptureSink, CaptureSlot};
use super::error::{IoOp, IpFamily};
use super::flow::{Flow, FlowConfig, Payload, Skipped, Way};
use super::{Counters, EngineError, MAX_UDP_PAYLOAD_V4, MAX_UDP_PAYLOAD_V6, Waker};

/// The kernel's default receive buffer loses datagrams above ~50k/s; 4 MiB loses none.
pub const DEFAULT_RECV_BUFFER: usize = 4 * 1024 * 1024;

/// How often a blocked receive looks at the stop flag if the wake-up datagram was lost.
const STOP_POLL: Duration = Duration::from_millis(500);

#[derive(Debug, Clone)]
pub struct UdpConfig {
    pub bind: SocketAddr,
    pub recv_buffer: usize,
    pub broadcast: bool,
    /// How events reach a consumer that falls behind.
    pub flow: FlowConfig,
}

impl UdpConfig {
    pub fn new(bind: SocketAddr) -> Self {
        Self {
            bind,
            recv_buffer: DEFAULT_RECV_BUFFER,
            broadcast: true,
            flow: FlowConfig::datagrams(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Datagram {
    pub peer: SocketAddr,
    pub data: Payload,
    pub at: SystemTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UdpEvent {
    Bound {
        local: SocketAddr,
    },
    Received(Datagram),
    Sent(Datagram),
    /// Datagrams the consumer was not given because it was behind (counted,
    /// and captured if capturing, all the same).
    Skipped(Skipped),
    Error(EngineError),
    /// The endpoint has stopped; no more events follow.
    Closed,
}

#[derive(Debug, Clone)]
pub enum UdpCommand {
    /// Send to `target` (`host:port` text; resolved on the send thread, never on the caller's).
    SendTo {
        host: String,
        port: u16,
        data: Vec<u8>,
    },
}

/// Sends through an open UDP socket; cheap to clone.
#[derive(Clone)]
pub struct UdpSender {
    commands: Sender<UdpCommand>,
}

impl UdpSender {
    /// Queues a datagram; false once the socket is closed.
    pub fn send_to(&self, host: impl Into<String>, port: u16, data: Vec<u8>) -> bool {
        self.commands
            .send(UdpCommand::SendTo {
                host: host.into(),
                port,
                data,
            })
            .is_ok()
    }
}

/// The handle of an open UDP socket. Dropping it closes the socket and ends its threads.
pub struct UdpEndpoint {
    local: SocketAddr,
    capture: CaptureSlot,
    commands: Option<Sender<UdpCommand>>,
    /// Dropped on close: ends the send thread even while [`UdpSender`] clones live on.
    closing: Option<Sender<()>>,
    counters: Arc<Counters>,
    flow: Flow,
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

struct Reporter {
    events: Sender<UdpEvent>,
    waker: Waker,
    capture: CaptureSlot,
    flow: Flow,
}

impl Reporter {
    fn report(&self, event: UdpEvent) {
        // A consumer that went away no longer cares; the workers notice via the stop flag.
        if self.events.send(event).is_ok() {
            (self.waker)();
        }
    }

    /// Reports a datagram within the flow's budget (or counts it as skipped).
    fn report_datagram(
        &self,
        way: Way,
        peer: SocketAddr,
        data: &[u8],
        at: SystemTime,
        event: fn(Datagram) -> UdpEvent,
    ) {
        self.flow.report(
            way,
            data,
            UdpEvent::Skipped,
            |data| event(Datagram { peer, data, at }),
            |event| self.report(event),
        );
    }
}

impl UdpEndpoint {
    /// Binds the socket and starts its threads. Bind failures are returned, so the
    /// caller can say what to fix; later failures arrive as [`UdpEvent::Error`].
    pub fn open(
        config: &UdpConfig,
        events: Sender<UdpEvent>,
        waker: Waker,
    ) -> Result<Self, EngineError> {
        Self::open_with_capture(config, None, events, waker)
    }

    /// Like [`open`](Self::open), capturing from the first datagram on (setting it
    /// afterwards could miss what arrives in between).
    pub fn open_with_capture(
        config: &UdpConfig,
        sink: Option<CaptureSink>,
        events: Sender<UdpEvent>,
        waker: Waker,
    ) -> Result<Self, EngineError> {
        let socket = bind_socket(config)?;
        let local = socket
            .local_addr()
            .map_err(|err| EngineError::io(IoOp::Bind, &err))?;
        let send_socket = socket
            .try_clone()
            .map_err(|err| EngineError::io(IoOp::Bind, &err))?;
        let capture = CaptureSlot::default();
        capture.set(sink);
        let flow = Flow::new(config.flow);
        let reporter = Arc::new(Reporter {
            events,
            waker,
            capture: capture.clone(),
            flow: flow.clone(),
        });
        let counters = Arc::new(Counters::default());
        let stop = Arc::new(AtomicBool::new(false));
        let (command_tx, command_rx) = crossbeam_channel::unbounded();
        let (closing_tx, closing_rx) = crossbeam_channel::bounded::<()>(0);

        reporter.report(UdpEvent::Bound { local });
        let receiver = {
            let (reporter, counters, stop) = (reporter.clone(), counters.clone(), stop.clone());
            thread::Builder::new()
                .name(format!("udp-rx {local}"))
                .spawn(move || receive_loop(&socket, &reporter, &counters, &stop))
                .map_err(|err| EngineError::Thread {
                    message: err.to_string(),
                })?
        };
        let mut endpoint = UdpEndpoint {
            local,
            capture,
            commands: Some(command_tx),
            closing: Some(closing_tx),
            counters: counters.clone(),
            flow,
            stop,
            threads: vec![receiver],
        };
        let sender = thread::Builder::new()
            .name(format!("udp-tx {local}"))
            .spawn(move || {
                send_loop(&send_socket, &command_rx, &closing_rx, &reporter, &counters);
            })
            .map_err(|err| EngineError::Thread {
                message: err.to_string(),
            })?;
        endpoint.threads.push(sender);
        Ok(endpoint)
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// Queues a datagram; the outcome arrives as `Sent` or `Error`.
    pub fn send_to(&self, host: impl Into<String>, port: u16, data: Vec<u8>) {
        if let Some(sender) = self.sender() {
            sender.send_to(host, port, data);
        }
    }

    /// Datagrams skipped since the last one reported: a consumer that has
    /// caught up asks, so a gap at the end of a flood is told too.
    pub fn take_skipped(&self) -> Option<Skipped> {
        self.flow.take_skipped()
    }

    /// Starts (`Some`) or stops (`None`) writing every datagram to a capture.
    pub fn set_capture(&self, sink: Option<CaptureSink>) {
        self.capture.set(sink);
    }

    /// A handle that sends through this socket from another thread (periodic send).
    pub fn sender(&self) -> Option<UdpSender> {
        self.commands.clone().map(|commands| UdpSender { commands })
    }

    /// Closes the socket and waits (briefly) for both threads to end.
    pub fn close(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.flow.close();
        self.commands = None;
        self.closing = None;
        wake_receiver(self.local);
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

impl Drop for UdpEndpoint {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn bind_socket(config: &UdpConfig) -> Result<UdpSocket, EngineError> {
    let fail = |err: io::Error| EngineError::from_bind(config.bind, &err);
    let socket = Socket::new(
        Domain::for_address(config.bind),
        Type::DGRAM,
        Some(Protocol::UDP),
    )
    .map_err(fail)?;
    if config.bind.is_ipv6() {
        // `::` should take IPv4 peers too, as users expect from "all interfaces".
        let _ = socket.set_only_v6(false);
    }
    // Best effort: a smaller buffer still works, it only loses datagrams sooner.
    let _ = socket.set_recv_buffer_size(config.recv_buffer);
    if config.broadcast {
        let _ = socket.set_broadcast(true);
    }
    socket.bind(&config.bind.into()).map_err(fail)?;
    let socket: UdpSocket = socket.into();
    socket
        .set_read_timeout(Some(STOP_POLL))
        .map_err(|err| EngineError::io(IoOp::Bind, &err))?;
    Ok(socket)
}

fn receive_loop(socket: &UdpSocket, reporter: &Reporter, counters: &Counters, stop: &AtomicBool) {
    let mut buf = vec![0u8; 65_536];
    while !stop.load(Ordering::Relaxed) {
        match socket.recv_from(&mut buf) {
            Ok((len, peer)) => {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                counters.record_rx(len);
                let peer = canonical(peer);
                let order = reporter.capture.hold();
                reporter
                    .capture
                    .record(CaptureDirection::Rx, peer, &buf[..len]);
                drop(order);
                reporter.report_datagram(
                    Way::Received,
                    peer,
                    &buf[..len],
                    SystemTime::now(),
                    UdpEvent::Received,
                );
            }
            Err(err) => match err.kind() {
                io::ErrorKind::WouldBlock
                | io::ErrorKind::TimedOut
                | io::ErrorKind::Interrupted => {}
                // Windows reports an ICMP "port unreachable" for an earlier send this way;
                // the socket is fine and must keep receiving.
                io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionRefused => {
                    reporter.report(UdpEvent::Error(EngineError::PeerUnreachable { peer: None }));
                }
                _ => {
                    reporter.report(UdpEvent::Error(EngineError::io(IoOp::Receive, &err)));
                    break;
                }
            },
        }
    }
    if let Some(skipped) = reporter.flow.take_skipped() {
        reporter.report(UdpEvent::Skipped(skipped));
    }
    reporter.report(UdpEvent::Closed);
}

/// Sends until the endpoint closes. What is queued at that moment still goes out;
/// a sender kept by someone else (a periodic send) does not keep the thread alive.
fn send_loop(
    socket: &UdpSocket,
    commands: &Receiver<UdpCommand>,
    closing: &Receiver<()>,
    reporter: &Reporter,
    counters: &Counters,
) {
    let mut out = Outbox {
        socket,
        local_is_v6: socket.local_addr().map(|a| a.is_ipv6()).unwrap_or(false),
        resolved: HashMap::new(),
        reporter,
        counters,
    };
    loop {
        crossbeam_channel::select! {
            recv(commands) -> command => match command {
                Ok(command) => out.send(command),
                Err(_) => return,
            },
            recv(closing) -> _ => {
                commands.try_iter().for_each(|command| out.send(command));
                return;
            }
        }
    }
}

/// The send thread's state: the socket and the addresses it has resolved.
struct Outbox<'a> {
    socket: &'a UdpSocket,
    local_is_v6: bool,
    resolved: HashMap<(String, u16), SocketAddr>,
    reporter: &'a Reporter,
    counters: &'a Counters,
}

impl Outbox<'_> {
    fn send(&mut self, UdpCommand::SendTo { host, port, data }: UdpCommand) {
        let key = (host, port);
        let target = match self.resolved.get(&key) {
            Some(addr) => Ok(*addr),
            None => resolve(&key.0, key.1, self.local_is_v6),
        };
        // A reply received meanwhile is captured after this send, and stamped later.
        let at = SystemTime::now();
        let order = self.reporter.capture.hold();
        let result = target.and_then(|target| {
            self.resolved.insert(key, target);
            send_one(self.socket, target, &data, self.local_is_v6)
        });
        match result {
            Ok(peer) => {
                self.counters.record_tx(data.len());
                self.reporter
                    .capture
                    .record(CaptureDirection::Tx, peer, &data);
                drop(order);
                self.reporter
                    .report_datagram(Way::Sent, peer, &data, at, UdpEvent::Sent);
            }
            Err(error) => self.reporter.report(UdpEvent::Error(error)),
        }
    }
}

fn send_one(
    socket: &UdpSocket,
    target: SocketAddr,
    data: &[u8],
    local_is_v6: bool,
) -> Result<SocketAddr, EngineError> {
    let max = if local_is_v6 && target.is_ipv6() && target_is_real_v6(target) {
        MAX_UDP_PAYLOAD_V6
    } else {
        MAX_UDP_PAYLOAD_V4
    };
    if data.len() > max {
        return Err(EngineError::PayloadTooLarge {
            len: data.len(),
            max,
        });
    }
    match socket.send_to(data, target) {
        Ok(_) => Ok(canonical(target)),
        Err(err) if matches!(err.kind(), io::ErrorKind::ConnectionRefused) => {
            Err(EngineError::PeerUnreachable {
                peer: Some(canonical(target)),
            })
        }
        Err(err) => Err(EngineError::io(IoOp::Send, &err)),
    }
}

fn target_is_real_v6(target: SocketAddr) -> bool {
    match target.ip() {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().is_none(),
        IpAddr::V4(_) => false,
    }
}

/// Resolves `host:port` to an address the socket's family can reach: an IPv6
/// socket reaches IPv4 peers through v4-mapped addresses.
fn resolve(host: &str, port: u16, local_is_v6: bool) -> Result<SocketAddr, EngineError> {
    let candidates: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|_| EngineError::Unresolvable {
            host: host.to_owned(),
        })?
        .collect();
    if candidates.is_empty() {
        return Err(EngineError::Unresolvable {
            host: host.to_owned(),
        });
    }
    let wanted = candidates
        .iter()
        .find(|addr| addr.is_ipv6() == local_is_v6)
        .copied();
    match (wanted, local_is_v6) {
        (Some(addr), _) => Ok(addr),
        (None, true) => {
            let v4 = candidates[0];
            let mapped = match v4.ip() {
                IpAddr::V4(ip) => ip.to_ipv6_mapped(),
                IpAddr::V6(ip) => ip,
            };
            Ok(SocketAddr::new(mapped.into(), port))
        }
        (None, false) => Err(EngineError::FamilyMismatch {
            host: host.to_owned(),
            family: IpFamily::V4,
        }),
    }
}

/// Shows v4-mapped peers of a dual-stack socket as the IPv4 address they are.
fn canonical(addr: SocketAddr) -> SocketAddr {
    SocketAddr::new(addr.ip().to_canonical(), addr.port())
}

/// Unblocks the receive thread at once by sending it an empty datagram.
fn wake_receiver(local: SocketAddr) {
    let target_ip: IpAddr = match local.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => Ipv4Addr::LOCALHOST.into(),
        IpAddr::V6(ip) if ip.is_unspecified() => Ipv6Addr::LOCALHOST.into(),
        ip => ip,
    };
    let from: SocketAddr = if target_ip.is_ipv6() {
        (Ipv6Addr::UNSPECIFIED, 0).into()
    } else {
        (Ipv4Addr::UNSPECIFIED, 0).into()
    };
    if let Ok(socket) = UdpSocket::bind(from) {
        let _ = socket.send_to(&[], (target_ip, local.port()));
    }
}
