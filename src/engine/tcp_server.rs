//! A TCP server: a listening socket (backlog 4096), an accept thread, one reader
//! thread that serves every accepted client (the tutorial's "service sockets") as
//! their data arrives, and one writer thread that sends for every client without
//! ever waiting on one that does not read. Stopping the listener leaves the accepted
//! clients talking; disconnecting them is a separate action. A panic closes what it
//! hit (a client, or the listener) and says so; the rest of the server carries on.

mod accept;
mod link;
mod poll_set;
mod reader;
mod service;
mod shared;
mod tls_session;
mod writer;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock, Weak};
use std::time::SystemTime;

use crossbeam_channel::Sender;

use super::auto_reply::AutoReply;
use super::capture::{CaptureSink, CaptureSlot};
use super::flow::{Flow, FlowConfig, Payload, Skipped};
use super::listener::{AcceptLoop, bind_listener};
use super::tls::{ServerIdentity, TlsInfo};
use super::{Counters, EngineError, Waker};
use crate::codec::framing::{FrameFault, FrameNote, Framing};
use shared::{Reporter, Shared};

pub use super::listener::LISTEN_BACKLOG;
/// Each client holds one descriptor; the cap stays inside a 20,000-descriptor limit.
pub const DEFAULT_MAX_CLIENTS: usize = 10_000;
/// Messages waiting for one slow client before more are refused.
pub const CLIENT_SEND_QUEUE: usize = 1024;

/// Numbers clients in the order they were accepted, from 1.
pub type ClientId = u64;

#[derive(Debug, Clone)]
pub struct TcpServerConfig {
    pub bind: SocketAddr,
    pub max_clients: usize,
    pub backlog: i32,
    pub auto_reply: AutoReply,
    /// How events reach a consumer that falls behind (one budget for all clients).
    pub flow: FlowConfig,
    /// Where one message of a client ends: one `Received` (and one auto-reply
    /// decision) per frame.
    pub framing: Framing,
    /// TLS with every client; events, counters and capture then hold plaintext.
    pub tls: Option<ServerIdentity>,
}

impl TcpServerConfig {
    pub fn new(bind: SocketAddr) -> Self {
        TcpServerConfig {
            bind,
            max_clients: DEFAULT_MAX_CLIENTS,
            backlog: LISTEN_BACKLOG,
            auto_reply: AutoReply::none(),
            flow: FlowConfig::default(),
            framing: Framing::AsRead,
            tls: None,
        }
    }
}

/// An accepted client, as the `Connected` event hands it over. Its counters stay
/// live for as long as anyone holds them.
#[derive(Debug, Clone)]
pub struct ClientInfo {
    pub id: ClientId,
    pub peer: SocketAddr,
    pub local: SocketAddr,
    pub since: SystemTime,
    pub counters: Arc<Counters>,
}

/// Why a client's connection ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloseReason {
    /// The client closed its side: `recv` returned 0.
    ByPeer,
    /// We disconnected it.
    ByUs,
    /// Reset or another error, with the OS's words.
    Error(EngineError),
}

#[derive(Debug, Clone)]
pub enum TcpServerEvent {
    Listening {
        local: SocketAddr,
    },
    /// The listener is closed; accepted clients stay connected.
    StoppedListening,
    /// `accept` failed (e.g. out of file descriptors); the server keeps trying.
    AcceptFailed(EngineError),
    Connected(ClientInfo),
    /// A TLS client's handshake is done: what was agreed, and its certificate if
    /// it showed one (TLS only; its data follows).
    Tls {
        client: ClientId,
        peer: SocketAddr,
        info: TlsInfo,
    },
    /// A connection was accepted and closed at once (client cap, no thread).
    Refused {
        peer: SocketAddr,
        error: EngineError,
    },
    /// One frame of a client (with the default framing: one read). Counters
    /// and capture still go by reads.
    Received {
        client: ClientId,
        peer: SocketAddr,
        data: Payload,
        at: SystemTime,
        frame: FrameNote,
    },
    /// A client's frame was dropped (too large, or a length that makes no sense).
    FrameDropped {
        client: ClientId,
        peer: SocketAddr,
        fault: FrameFault,
    },
    Sent {
        client: ClientId,
        peer: SocketAddr,
        data: Payload,
        at: SystemTime,
        /// An auto-reply or farewell rather than something the user sent.
        auto: bool,
    },
    SendFailed {
        client: ClientId,
        peer: SocketAddr,
        error: EngineError,
    },
    Closed {
        client: ClientId,
        peer: SocketAddr,
        reason: CloseReason,
        at: SystemTime,
    },
    /// Reads and sends (of any clients) the consumer was not given because it
    /// was behind (counted, and captured if capturing, all the same).
    Skipped(Skipped),
}

/// The handle of a running server. Dropping it closes the listener and every client.
pub struct TcpServer {
    shared: Arc<Shared>,
    local: SocketAddr,
}

impl TcpServer {
    /// Binds and starts listening. A bind failure (port in use, …) is returned at
    /// once; everything later arrives as events.
    pub fn start(
        config: TcpServerConfig,
        events: Sender<TcpServerEvent>,
        waker: Waker,
    ) -> Result<Self, EngineError> {
        Self::start_with_capture(config, None, events, waker)
    }

    /// Like [`start`](Self::start), capturing from the first client on.
    pub fn start_with_capture(
        config: TcpServerConfig,
        sink: Option<CaptureSink>,
        events: Sender<TcpServerEvent>,
        waker: Waker,
    ) -> Result<Self, EngineError> {
        let listener = bind_listener(config.bind, config.backlog)?;
        let local = listener
            .local_addr()
            .map_err(|err| EngineError::io(super::error::IoOp::Bind, &err))?;
        let reporter = Arc::new(Reporter {
            events,
            waker,
            totals: Arc::new(Counters::default()),
            capture: CaptureSlot::default(),
            flow: Flow::new(config.flow),
        });
        reporter.capture.set(sink);
        let writer = writer::spawn(reporter.clone(), local)?;
        let (reader, inbox) = reader::channel()?;
        let shared = Arc::new(Shared {
            reporter,
            clients: Mutex::new(HashMap::new()),
            auto_reply: RwLock::new(Arc::new(config.auto_reply)),
            framing: config.framing,
            tls: config.tls.map(|identity| identity.config),
            max_clients: AtomicUsize::new(config.max_clients.max(1)),
            backlog: config.backlog,
            accept: Mutex::new(None),
            next_id: AtomicU64::new(1),
            writer,
            reader,
        });
        reader::spawn(inbox, shared.clone(), local)?;
        // From here on the server ends as the handle's `drop` ends it.
        let server = TcpServer { shared, local };
        server.shared.listen(listener)?;
        Ok(server)
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// Totals over all clients, exact under any load.
    pub fn counters(&self) -> &Counters {
        &self.shared.reporter.totals
    }

    pub fn is_listening(&self) -> bool {
        self.shared
            .lock_accept()
            .as_ref()
            .is_some_and(AcceptLoop::is_running)
    }

    pub fn client_count(&self) -> usize {
        self.shared.lock_clients().len()
    }

    /// Closes the listening socket; connected clients keep talking.
    pub fn stop_listening(&self) {
        if let Some(accept) = self.shared.lock_accept().as_ref() {
            accept.stop();
        }
    }

    /// Listens again on the same address after [`stop_listening`](Self::stop_listening).
    pub fn resume_listening(&self) -> Result<(), EngineError> {
        if self.is_listening() {
            return Ok(());
        }
        if let Some(previous) = self.shared.lock_accept().take() {
            previous.stop_and_wait();
        }
        let listener = bind_listener(self.local, self.shared.backlog)?;
        self.shared.listen(listener)
    }

    /// What was skipped since the last payload reported: a consumer that has
    /// caught up asks, so a gap at the end of a flood is told too.
    pub fn take_skipped(&self) -> Option<Skipped> {
        self.shared.reporter.flow.take_skipped()
    }

    /// Starts (`Some`) or stops (`None`) writing every client's traffic to a capture.
    pub fn set_capture(&self, sink: Option<CaptureSink>) {
        self.shared.reporter.capture.set(sink);
    }

    pub fn set_auto_reply(&self, auto_reply: AutoReply) {
        if let Ok(mut current) = self.shared.auto_reply.write() {
            *current = Arc::new(auto_reply);
        }
    }

    pub fn set_max_clients(&self, max: usize) {
        self.shared.max_clients.store(max.max(1), Ordering::SeqCst);
    }

    /// Queues `data` for one client; `Sent` or `SendFailed` follows. Never blocks.
    pub fn send(&self, client: ClientId, data: Vec<u8>) -> Result<(), EngineError> {
        self.shared.send(client, data)
    }

    /// Queues `data` for every connected client; returns how many got it queued.
    pub fn send_to_all(&self, data: &[u8]) -> usize {
        self.shared.send_to_all(data)
    }

    /// Sends from another thread (periodic send); it does not keep the server alive.
    pub fn sender(&self) -> TcpServerSender {
        TcpServerSender {
            shared: Arc::downgrade(&self.shared),
        }
    }

    /// Closes one client's connection; `Closed { reason: ByUs }` follows.
    pub fn disconnect(&self, client: ClientId) {
        if let Some(link) = self.shared.lock_clients().get(&client) {
            link.hang_up();
        }
    }

    pub fn disconnect_all(&self) {
        for link in self.shared.lock_clients().values() {
            link.hang_up();
        }
    }

    /// Test hook: the reader panics when the client's next data arrives.
    #[doc(hidden)]
    pub fn panic_next_read(&self, client: ClientId) {
        if let Some(link) = self.shared.lock_clients().get(&client) {
            link.panic_read.arm();
        }
    }

    /// Test hook: the writer panics when it next sends to the client.
    #[doc(hidden)]
    pub fn panic_next_send(&self, client: ClientId) {
        if let Some(link) = self.shared.lock_clients().get(&client) {
            link.panic_send.arm();
        }
    }

    /// Test hook: the accept thread panics when the next connection arrives.
    #[doc(hidden)]
    pub fn panic_next_accept(&self) {
        if let Some(accept) = self.shared.lock_accept().as_ref() {
            accept.panic_next_accept();
        }
    }
}

impl Drop for TcpServer {
    fn drop(&mut self) {
        self.shared.reporter.flow.close();
        self.stop_listening();
        self.disconnect_all();
        self.shared.reader.stop();
    }
}

/// Sends to a server's clients from another thread; cheap to clone.
#[derive(Clone)]
pub struct TcpServerSender {
    shared: Weak<Shared>,
}

impl TcpServerSender {
    pub fn send(&self, client: ClientId, data: Vec<u8>) -> Result<(), EngineError> {
        self.shared
            .upgrade()
            .ok_or(EngineError::NotConnected)?
            .send(client, data)
    }

    /// How many clients got it queued; `None` once the server is gone.
    pub fn send_to_all(&self, data: &[u8]) -> Option<usize> {
        Some(self.shared.upgrade()?.send_to_all(data))
    }
}
