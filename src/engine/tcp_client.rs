//! A TCP client: connect with a timeout, then a reader thread and a writer thread
//! on the one connection. Sends are queued (bounded), so a peer that never reads
//! fills the queue and is reported, instead of blocking the caller.

mod connect;
mod connection;

use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

use crossbeam_channel::{Sender, TrySendError};

use super::capture::{CaptureSink, CaptureSlot};
use super::error::WorkerRole;
use super::flow::{Flow, FlowConfig, Payload, Skipped, Way};
use super::tls::{TlsClientOptions, TlsInfo, client_connection};
use super::worker::{PanicSwitch, Worker};
use super::{Counters, EngineError, Waker};
use crate::codec::framing::{FrameFault, FrameItem, FrameNote, Frames, Framing};
pub(crate) use connect::open_stream;

/// What the writer thread is asked to do.
enum Outgoing {
    Data(Vec<u8>),
    /// TLS: close_notify, then FIN (what `shutdown_write` is on a plain connection).
    EndWrites,
}

/// Messages waiting for a slow peer before new ones are refused.
pub const SEND_QUEUE_LEN: usize = 1024;
/// Both threads only move bytes between the socket and channels.
const THREAD_STACK: usize = 256 * 1024;

#[derive(Debug, Clone)]
pub struct TcpClientConfig {
    pub host: String,
    pub port: u16,
    /// A fixed local port; `None` lets the OS pick one (what the tutorial recommends).
    pub local_port: Option<u16>,
    pub connect_timeout: Duration,
    /// How events reach a consumer that falls behind.
    pub flow: FlowConfig,
    /// Where one received message ends: one `Received` per frame.
    pub framing: Framing,
    /// TLS over the connection, after `Connected`; `None`: plain TCP. Events,
    /// counters and capture then hold the plaintext.
    pub tls: Option<TlsClientOptions>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TcpClientEvent {
    Connected {
        local: SocketAddr,
        peer: SocketAddr,
    },
    /// The TLS handshake is done (TLS only, right after `Connected`): what was
    /// agreed and the server's certificates. Data follows.
    Tls(TlsInfo),
    /// One frame (with the default framing: one read). Counters and capture
    /// still go by reads.
    Received {
        data: Payload,
        at: SystemTime,
        frame: FrameNote,
    },
    Sent {
        data: Payload,
        at: SystemTime,
    },
    /// A frame was dropped (too large, or a length that makes no sense); what
    /// framing does next is in [`crate::codec::framing`]'s `Framer`.
    FrameDropped(FrameFault),
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
    panics: Arc<PanicSwitches>,
}

/// Test hooks: make a thread panic ([`TcpClient::panic_next_read`]).
#[derive(Default)]
struct PanicSwitches {
    read: PanicSwitch,
    send: PanicSwitch,
}

/// Sends on a client connection from another thread; cheap to clone.
#[derive(Clone)]
pub struct TcpClientSender {
    commands: Sender<Outgoing>,
    stream: Arc<OnceLock<TcpStream>>,
    stop: Arc<AtomicBool>,
    tls: bool,
}

impl TcpClientSender {
    /// Queues `data`; `Sent` or `SendFailed` follows. A full queue is refused at once.
    pub fn send(&self, data: Vec<u8>) -> Result<(), EngineError> {
        if self.stream.get().is_none() || self.stop.load(Ordering::Relaxed) {
            return Err(EngineError::NotConnected);
        }
        self.commands
            .try_send(Outgoing::Data(data))
            .map_err(|err| match err {
                TrySendError::Full(_) => EngineError::SendQueueFull {
                    queued: SEND_QUEUE_LEN,
                },
                TrySendError::Disconnected(_) => EngineError::NotConnected,
            })
    }
}

/// What both threads of a connection share.
#[derive(Clone)]
struct Link {
    events: Sender<TcpClientEvent>,
    waker: Waker,
    stop: Arc<AtomicBool>,
    counters: Arc<Counters>,
    capture: CaptureSlot,
    flow: Flow,
    /// Set by the writer's panic: the reader ends the connection with it.
    failure: Arc<OnceLock<EngineError>>,
    panics: Arc<PanicSwitches>,
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
    fn report_sent(&self, data: &[u8], at: SystemTime) {
        self.flow.report(
            Way::Sent,
            data,
            TcpClientEvent::Skipped,
            |data| TcpClientEvent::Sent { data, at },
            |event| self.report(event),
        );
    }

    /// Reports what a step of the framer gave: frames (within the flow's
    /// budget, like sends) and dropped frames.
    fn report_frames(&self, frames: Frames<'_>, at: SystemTime) {
        for item in frames {
            match item {
                FrameItem::Frame(frame) => self.flow.report(
                    Way::Received,
                    frame.payload,
                    TcpClientEvent::Skipped,
                    |data| TcpClientEvent::Received {
                        data,
                        at,
                        frame: frame.note,
                    },
                    |event| self.report(event),
                ),
                FrameItem::Fault(fault) => self.report(TcpClientEvent::FrameDropped(fault)),
            }
        }
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
        // Bad TLS input (a CA file that is missing, a bad SNI) is refused before connecting.
        let tls = match &config.tls {
            Some(options) => {
                Some(client_connection(options, &config.host).map_err(EngineError::Tls)?)
            }
            None => None,
        };
        let (commands, queue) = crossbeam_channel::bounded(SEND_QUEUE_LEN);
        let stream = Arc::new(OnceLock::new());
        let link = Link {
            events: events.clone(),
            waker: waker.clone(),
            stop: Arc::new(AtomicBool::new(false)),
            counters: Arc::new(Counters::default()),
            capture: CaptureSlot::default(),
            flow: Flow::new(config.flow),
            failure: Arc::new(OnceLock::new()),
            panics: Arc::new(PanicSwitches::default()),
        };
        link.capture.set(sink);
        let client = TcpClient {
            capture: link.capture.clone(),
            sender: TcpClientSender {
                commands,
                stream: stream.clone(),
                stop: link.stop.clone(),
                tls: tls.is_some(),
            },
            stream: stream.clone(),
            stop: link.stop.clone(),
            counters: link.counters.clone(),
            flow: link.flow.clone(),
            events,
            waker,
            panics: link.panics.clone(),
        };
        let (panicked_link, panicked_stream) = (link.clone(), stream.clone());
        Worker::new(
            WorkerRole::Receive,
            format!("tcp-client {}:{}", config.host, config.port),
        )
        .stack_size(THREAD_STACK)
        .spawn(
            move || connection::run_connection(&config, tls, &link, &stream, queue),
            move |error| connection::reader_panicked(&panicked_link, &panicked_stream, error),
        )?;
        Ok(client)
    }

    /// Test hook: the reading thread panics when the next data arrives.
    #[doc(hidden)]
    pub fn panic_next_read(&self) {
        self.panics.read.arm();
    }

    /// Test hook: the writer panics at the next send.
    #[doc(hidden)]
    pub fn panic_next_send(&self) {
        self.panics.send.arm();
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
    /// With TLS, close_notify goes first (through the writer, after what is queued).
    pub fn shutdown_write(&self) {
        if self.sender.tls && self.sender.commands.try_send(Outgoing::EndWrites).is_ok() {
            return;
        }
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
