//! A relay that sits between a client (a device) and its server: it listens, and
//! for each client opens its own connection to the target (TCP), or keeps an
//! upstream socket per client address (UDP). Both directions are forwarded as soon
//! as they are read, logged, counted, and may be shaped by faults that change while
//! it runs: delay and jitter, a throttle, split and merged writes (TCP 拆包/粘包),
//! drops, cuts, corruption, a pause.
//!
//! It keeps the flow contract of the [engine](super): counters exact per direction,
//! the capture lossless (each read as `rx` from its sender, each write as `tx` to its
//! receiver), the display bounded by a [`Flow`]. Memory per pair is bounded: fixed
//! buffers and a bounded queue of planned writes per direction; a side that stops
//! reading holds the other back through TCP flow control.
//!
//! The handle is used like [`TcpServer`](super::TcpServer): events over crossbeam,
//! methods to change faults or hang up pairs while it runs, and everything closed
//! when it is dropped.

mod config;
mod faults;
mod inject;
mod pump;
mod shaper;
mod shared;
mod tcp;
mod tls;
mod udp;

use std::collections::HashMap;
use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use crossbeam_channel::Sender;
use socket2::{Domain, Protocol, Socket, Type};

use super::capture::{CaptureSink, CaptureSlot};
use super::counters::{CounterSnapshot, Counters};
use super::error::IoOp;
use super::flow::{Flow, Payload, Skipped};
use super::listener::{AcceptLoop, bind_listener};
use super::{EngineError, Waker};
pub use config::{RelayConfig, RelayError, RelayProtocol};
use faults::FaultBoard;
pub use faults::{FaultError, FaultField, Faults, MAX_FAULT_MS};
pub use inject::{INJECT_BUDGET, RelayInjector};
pub use pump::{QUEUE_BUDGET, READ_BUFFER};
use shared::Shared;

/// Two threads per pair; the cap keeps a flood of clients from taking the machine.
pub const DEFAULT_MAX_PAIRS: usize = 1000;
/// Giving up on the target after this long, the client is closed.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// A UDP session without a datagram either way for this long ends.
pub const DEFAULT_UDP_IDLE: Duration = Duration::from_secs(60);

/// Numbers pairs (TCP) and sessions (UDP) in the order they began, from 1.
pub type PairId = u64;

/// Which way bytes go through the relay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Client → server.
    C2s,
    /// Server → client.
    S2c,
}

impl Direction {
    pub const BOTH: [Direction; 2] = [Direction::C2s, Direction::S2c];

    /// `c2s` or `s2c`, as the CLI and JSON say it.
    pub fn label(self) -> &'static str {
        match self {
            Direction::C2s => "c2s",
            Direction::S2c => "s2c",
        }
    }

    fn index(self) -> usize {
        match self {
            Direction::C2s => 0,
            Direction::S2c => 1,
        }
    }
}

/// Who ended a connection (or half of it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Client,
    Server,
    /// The relay itself: a cut fault, a hang-up, a target it could not reach.
    Relay,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloseHow {
    /// TCP: the side said it has no more to send; the other direction goes on.
    Fin,
    /// A reset: both connections of the pair are closed.
    Reset,
    /// Another error, with the OS's words; both connections are closed.
    Error(EngineError),
    /// UDP: the session was silent for its idle time.
    Idle,
}

/// A fault that acted on a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultAction {
    /// Held back this long (delay plus jitter).
    Delayed { ms: u64 },
    /// Written in this many pieces.
    Split { pieces: usize },
    /// This many reads written as one.
    Merged { reads: usize },
    /// One byte flipped (inverted), at this offset of the message.
    Corrupted { offset: usize },
    /// A datagram lost.
    Dropped { len: usize },
    /// The connection was cut after this many bytes in this direction.
    Cut { after: u64, reset: bool },
}

/// Exact counts for one pair, or for the whole relay. In each direction `rx` is
/// what was read from the sender and `tx` what was written to the receiver (they
/// differ while faults hold bytes back, or after a cut).
#[derive(Debug, Default)]
pub struct RelayCounters {
    pub c2s: Counters,
    pub s2c: Counters,
}

impl RelayCounters {
    pub fn get(&self, direction: Direction) -> &Counters {
        match direction {
            Direction::C2s => &self.c2s,
            Direction::S2c => &self.s2c,
        }
    }
}

#[derive(Debug, Clone)]
pub enum RelayEvent {
    Listening {
        local: SocketAddr,
        protocol: RelayProtocol,
    },
    /// `accept` (TCP) or the listening socket's receive (UDP) failed; the relay
    /// keeps trying.
    AcceptFailed(EngineError),
    /// A client came (TCP: accepted; UDP: its first datagram). Its counters stay
    /// live for as long as anyone holds them.
    Accepted {
        pair: PairId,
        client: SocketAddr,
        counters: Arc<RelayCounters>,
        at: SystemTime,
    },
    /// A client turned away at once (the pair cap).
    Refused {
        client: SocketAddr,
        error: EngineError,
    },
    /// The relay reached the target on the client's behalf from `local`.
    UpstreamConnected {
        pair: PairId,
        local: SocketAddr,
        peer: SocketAddr,
        at: SystemTime,
    },
    /// A TLS side's handshake is done (`side`: Client when the relay answered as
    /// the server, Server when it spoke TLS to the target); data on it is plaintext.
    TlsReady {
        pair: PairId,
        side: Side,
        info: crate::engine::tls::TlsInfo,
    },
    /// The target could not be reached; the client is closed (TCP: reset).
    UpstreamFailed {
        pair: PairId,
        error: EngineError,
        at: SystemTime,
    },
    /// Bytes written to the receiving side, as written (after any fault); with a
    /// framing, one message of them (and `frame` says how it came).
    Forwarded {
        pair: PairId,
        direction: Direction,
        data: Payload,
        at: SystemTime,
        frame: crate::codec::FrameNote,
    },
    /// With a framing: bytes dropped instead of becoming a message (too large, a
    /// bad length); forwarding is not affected.
    FrameDropped {
        pair: PairId,
        direction: Direction,
        fault: crate::codec::FrameFault,
    },
    Fault {
        pair: PairId,
        direction: Direction,
        action: FaultAction,
        at: SystemTime,
    },
    /// A side ended: with a FIN only its direction ends; otherwise the pair does.
    Closed {
        pair: PairId,
        by: Side,
        how: CloseHow,
        at: SystemTime,
    },
    /// Both directions are over and the sockets closed; the pair's totals.
    Ended {
        pair: PairId,
        c2s: CounterSnapshot,
        s2c: CounterSnapshot,
        at: SystemTime,
    },
    /// A message the user injected, written to `direction`'s destination.
    Injected {
        pair: PairId,
        direction: Direction,
        data: Payload,
        at: SystemTime,
    },
    /// Injecting failed (the destination's connection broke); what waited is dropped.
    InjectFailed {
        pair: PairId,
        direction: Direction,
        error: EngineError,
        at: SystemTime,
    },
    /// Writes and fault notes the consumer was not given because it was behind
    /// (counted, and captured if capturing, all the same).
    Skipped(Skipped),
}

/// The handle of a running relay. Dropping it stops listening and closes every pair.
pub struct Relay {
    shared: Arc<Shared>,
    local: SocketAddr,
    protocol: RelayProtocol,
    accept: Option<AcceptLoop>,
    udp: Option<udp::UdpRelay>,
}

impl Relay {
    /// Checks the settings, binds and starts listening. A bad setting or a bind
    /// failure (port in use, …) is returned at once; the rest arrives as events.
    pub fn start(
        config: RelayConfig,
        events: Sender<RelayEvent>,
        waker: Waker,
    ) -> Result<Self, RelayError> {
        Self::start_with_capture(config, None, events, waker)
    }

    /// Like [`start`](Self::start), capturing from the first client on.
    pub fn start_with_capture(
        config: RelayConfig,
        sink: Option<CaptureSink>,
        events: Sender<RelayEvent>,
        waker: Waker,
    ) -> Result<Self, RelayError> {
        config.check()?;
        let (tcp, udp_socket) = match config.protocol {
            RelayProtocol::Tcp => (Some(bind_listener(config.listen, config.backlog)?), None),
            RelayProtocol::Udp => (None, Some(bind_udp(config.listen)?)),
        };
        let local = match (&tcp, &udp_socket) {
            (Some(listener), _) => listener.local_addr(),
            (_, Some(socket)) => socket.local_addr(),
            _ => unreachable!("one of the two was bound"),
        }
        .map_err(|err| EngineError::io(IoOp::Bind, &err))?;
        let capture = CaptureSlot::default();
        capture.set(sink);
        let shared = Arc::new(Shared {
            events,
            waker,
            flow: Flow::new(config.flow),
            capture,
            totals: Arc::new(RelayCounters::default()),
            faults: FaultBoard::new(config.c2s, config.s2c),
            pairs: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(1),
            stopping: AtomicBool::new(false),
            target_host: config.target_host,
            target_port: config.target_port,
            local,
            connect_timeout: config.connect_timeout,
            max_pairs: config.max_pairs.max(1),
            framing: config.framing.clone(),
            tls_listen: config.tls_listen,
            tls_upstream: config.tls_upstream,
        });
        // Said before any thread starts, so `Listening` comes before any `Accepted`.
        shared.report(RelayEvent::Listening {
            local,
            protocol: config.protocol,
        });
        let mut relay = Relay {
            shared: shared.clone(),
            local,
            protocol: config.protocol,
            accept: None,
            udp: None,
        };
        if let Some(listener) = tcp {
            relay.accept = Some(AcceptLoop::start(
                listener,
                "relay-accept",
                tcp::Acceptor(shared),
            )?);
        } else if let Some(socket) = udp_socket {
            relay.udp = Some(udp::UdpRelay::start(shared, socket, config.udp_idle)?);
        }
        Ok(relay)
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    pub fn protocol(&self) -> RelayProtocol {
        self.protocol
    }

    /// Changes one direction's faults; running pumps take them at their next step.
    pub fn set_faults(&self, direction: Direction, faults: Faults) -> Result<(), FaultError> {
        faults.check()?;
        self.shared.faults.set(direction, faults);
        Ok(())
    }

    pub fn faults(&self, direction: Direction) -> Faults {
        (*self.shared.faults.get(direction)).clone()
    }

    /// Holds (`true`) or releases one direction, keeping its other faults.
    pub fn set_paused(&self, direction: Direction, paused: bool) {
        let faults = Faults {
            paused,
            ..self.faults(direction)
        };
        self.shared.faults.set(direction, faults);
    }

    /// Totals over all pairs, exact under any load.
    pub fn counters(&self) -> &RelayCounters {
        &self.shared.totals
    }

    /// Pairs (sessions) open now.
    pub fn pair_count(&self) -> usize {
        self.shared.lock_pairs().len()
    }

    /// Closes one pair (both connections, with a FIN each); `Closed { by: Relay }`
    /// then `Ended` follow. False if it is not open.
    pub fn close_pair(&self, pair: PairId) -> bool {
        let link = self.shared.lock_pairs().get(&pair).cloned();
        let closed = link.is_some_and(|link| link.hang_up());
        if closed {
            self.shared.report(RelayEvent::Closed {
                pair,
                by: Side::Relay,
                how: CloseHow::Fin,
                at: SystemTime::now(),
            });
        }
        closed
    }

    /// Sends `data` to `direction`'s destination of a pair (`C2s`: to the server,
    /// `S2c`: to the client) between what the relay forwards; see [`RelayInjector`].
    pub fn inject(
        &self,
        pair: PairId,
        direction: Direction,
        data: Vec<u8>,
    ) -> Result<(), EngineError> {
        self.injector().inject(pair, direction, data)
    }

    /// A handle that injects from another thread (a periodic send).
    pub fn injector(&self) -> RelayInjector {
        RelayInjector::new(self.shared.clone(), self.protocol)
    }

    pub fn close_all(&self) {
        let pairs: Vec<PairId> = self.shared.lock_pairs().keys().copied().collect();
        for pair in pairs {
            self.close_pair(pair);
        }
    }

    /// What was skipped since the last payload reported: a consumer that has
    /// caught up asks, so a gap at the end of a flood is told too.
    pub fn take_skipped(&self) -> Option<Skipped> {
        self.shared.flow.take_skipped()
    }

    /// Starts (`Some`) or stops (`None`) writing every pair's traffic to a capture.
    pub fn set_capture(&self, sink: Option<CaptureSink>) {
        self.shared.capture.set(sink);
    }

    /// Stops listening and closes every pair, then waits until the listening port
    /// is free again (a UDP relay's receive thread looks every 250 ms).
    pub fn stop(mut self) {
        self.shut_down();
        if let Some(accept) = self.accept.take() {
            accept.stop_and_wait();
        }
        if let Some(udp) = self.udp.as_mut() {
            udp.join();
        }
    }

    fn shut_down(&self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        self.shared.flow.close();
        if let Some(accept) = &self.accept {
            accept.stop();
        }
        let links: Vec<_> = self.shared.lock_pairs().values().cloned().collect();
        for link in links {
            link.hang_up();
        }
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.shut_down();
    }
}

/// The UDP relay's listening socket, with a receive buffer that holds a burst.
fn bind_udp(bind: SocketAddr) -> Result<UdpSocket, EngineError> {
    let fail = |err: std::io::Error| EngineError::from_bind(bind, &err);
    let socket =
        Socket::new(Domain::for_address(bind), Type::DGRAM, Some(Protocol::UDP)).map_err(fail)?;
    if bind.is_ipv6() {
        let _ = socket.set_only_v6(false);
    }
    let _ = socket.set_recv_buffer_size(super::udp::DEFAULT_RECV_BUFFER);
    socket.bind(&bind.into()).map_err(fail)?;
    Ok(socket.into())
}
