//! A UDP endpoint: one socket, a receive thread that drains it without pause and a
//! send thread fed by commands. Both use the same socket, so it is full duplex.
//! If either thread panics, the endpoint reports it and closes.

pub mod multicast;
mod receive;
mod send;

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use crossbeam_channel::Sender;
use socket2::{Domain, Protocol, Socket, Type};

use super::capture::{CaptureSink, CaptureSlot};
use super::error::{IoOp, WorkerRole};
use super::flow::{Flow, FlowConfig, Payload, Skipped, Way};
use super::worker::{PanicSwitch, Worker};
use super::{Counters, EngineError, Waker};
use multicast::Memberships;
pub use multicast::{IfaceSpec, Membership, MulticastError, MulticastSend};

/// The kernel's default receive buffer loses datagrams above ~50k/s; 4 MiB loses none.
pub const DEFAULT_RECV_BUFFER: usize = 4 * 1024 * 1024;

/// How often a blocked receive looks at the stop flag if the wake-up datagram was lost.
const STOP_POLL: Duration = Duration::from_millis(500);

#[derive(Debug, Clone)]
pub struct UdpConfig {
    pub bind: SocketAddr,
    pub recv_buffer: usize,
    pub broadcast: bool,
    /// SO_REUSEADDR: other sockets may bind the same port (several listeners
    /// of one multicast group on this machine).
    pub reuse_address: bool,
    /// How events reach a consumer that falls behind.
    pub flow: FlowConfig,
}

impl UdpConfig {
    pub fn new(bind: SocketAddr) -> Self {
        Self {
            bind,
            recv_buffer: DEFAULT_RECV_BUFFER,
            broadcast: true,
            reuse_address: false,
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
    /// The socket itself, for its options (multicast); the threads own clones.
    control: UdpSocket,
    memberships: Memberships,
    capture: CaptureSlot,
    commands: Option<Sender<UdpCommand>>,
    /// Dropped on close: ends the send thread even while [`UdpSender`] clones live on.
    closing: Option<Sender<()>>,
    counters: Arc<Counters>,
    flow: Flow,
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
    panics: Arc<PanicSwitches>,
}

/// Test hooks: make a thread panic ([`UdpEndpoint::panic_next_read`]).
#[derive(Default)]
struct PanicSwitches {
    read: PanicSwitch,
    send: PanicSwitch,
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
        let control = socket
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

        let panics = Arc::new(PanicSwitches::default());
        // Disconnects when the receive thread ends, however it ends: the send thread
        // ends with it.
        let (halt_tx, halt_rx) = crossbeam_channel::bounded::<()>(0);

        reporter.report(UdpEvent::Bound { local });
        let receiver = {
            let (reporter, counters, stop) = (reporter.clone(), counters.clone(), stop.clone());
            let (panicked_reporter, panicked_stop) = (reporter.clone(), stop.clone());
            let panics = panics.clone();
            Worker::new(WorkerRole::Receive, format!("udp-rx {local}")).spawn(
                move || {
                    let _halt = halt_tx;
                    receive::receive_loop(&socket, &reporter, &counters, &stop, &panics.read);
                },
                move |error| receive::panicked(&panicked_reporter, &panicked_stop, error),
            )?
        };
        let mut endpoint = UdpEndpoint {
            local,
            control,
            memberships: Memberships::default(),
            capture,
            commands: Some(command_tx),
            closing: Some(closing_tx),
            counters: counters.clone(),
            flow,
            stop: stop.clone(),
            threads: vec![receiver],
            panics: panics.clone(),
        };
        let panicked_reporter = reporter.clone();
        let sender = Worker::new(WorkerRole::Send, format!("udp-tx {local}")).spawn(
            move || {
                send::send_loop(
                    &send_socket,
                    &command_rx,
                    &closing_rx,
                    &halt_rx,
                    &reporter,
                    &counters,
                    &panics.send,
                );
            },
            move |error| send::panicked(&panicked_reporter, &stop, local, error),
        )?;
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

    /// Joins a multicast group on the interface `iface` names.
    pub fn join(&self, group: IpAddr, iface: &IfaceSpec) -> Result<Membership, MulticastError> {
        self.memberships.join(&self.control, group, iface)
    }

    /// Leaves a group (on every interface it was joined on, when `iface` is `None`).
    pub fn leave(&self, group: IpAddr, iface: Option<&IfaceSpec>) -> Result<(), MulticastError> {
        self.memberships.leave(&self.control, group, iface)
    }

    /// The groups joined now, in the order they were joined.
    pub fn memberships(&self) -> Vec<Membership> {
        self.memberships.list()
    }

    /// How datagrams to a group go out from now on: interface, TTL, loopback.
    pub fn set_multicast_send(&self, options: &MulticastSend) -> Result<(), MulticastError> {
        multicast::apply_send_options(&self.control, options)
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

    /// Test hook: the receive thread panics when the next datagram arrives.
    #[doc(hidden)]
    pub fn panic_next_read(&self) {
        self.panics.read.arm();
    }

    /// Test hook: the send thread panics at the next send.
    #[doc(hidden)]
    pub fn panic_next_send(&self) {
        self.panics.send.arm();
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
    if config.reuse_address {
        socket.set_reuse_address(true).map_err(fail)?;
    }
    socket.bind(&config.bind.into()).map_err(fail)?;
    let socket: UdpSocket = socket.into();
    socket
        .set_read_timeout(Some(STOP_POLL))
        .map_err(|err| EngineError::io(IoOp::Bind, &err))?;
    Ok(socket)
}

/// Shows v4-mapped peers of a dual-stack socket as the IPv4 address they are.
fn canonical(addr: SocketAddr) -> SocketAddr {
    SocketAddr::new(addr.ip().to_canonical(), addr.port())
}

/// The socket's own address as a capture records it (the bound address: the OS
/// does not say which of a wildcard socket's addresses a datagram came to).
fn capture_local(socket: &UdpSocket) -> SocketAddr {
    socket
        .local_addr()
        .unwrap_or_else(|_| SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0)))
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
