//! What the accept thread, the reader, the writer and the handle share:
//! the clients, the settings a running server can change, and the reporter.

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::SystemTime;

use crossbeam_channel::Sender;

use super::super::auto_reply::AutoReply;
use super::super::capture::CaptureSlot;
use super::super::flow::{Flow, Way};
use super::super::listener::AcceptLoop;
use super::super::{Counters, EngineError, Waker};
use super::accept::Admitter;
use super::link::ClientLink;
use super::reader::ReaderHandle;
use super::writer::WriteJob;
use super::{CLIENT_SEND_QUEUE, ClientId, TcpServerEvent};
use crate::codec::framing::{FrameNote, Framing};

/// What the accept thread, the reader, the writer and the handle share.
pub(super) struct Shared {
    pub reporter: Arc<Reporter>,
    pub clients: Mutex<HashMap<ClientId, Arc<ClientLink>>>,
    pub auto_reply: RwLock<Arc<AutoReply>>,
    /// Each accepted client gets a framer for it.
    pub framing: Framing,
    /// Every client speaks TLS with this configuration.
    pub tls: Option<Arc<rustls::ServerConfig>>,
    pub max_clients: AtomicUsize,
    pub backlog: i32,
    /// The accept thread, while listening (and after a stop, until it is replaced).
    pub accept: Mutex<Option<AcceptLoop>>,
    pub next_id: AtomicU64,
    pub writer: Sender<WriteJob>,
    pub reader: ReaderHandle,
}

/// Reports events and counts the totals; shared with the writer, which must not
/// hold [`Shared`] (that would keep its own job channel open forever).
pub(super) struct Reporter {
    pub events: Sender<TcpServerEvent>,
    pub waker: Waker,
    pub totals: Arc<Counters>,
    pub capture: CaptureSlot,
    pub flow: Flow,
}

impl Reporter {
    pub fn report(&self, event: TcpServerEvent) {
        if self.events.send(event).is_ok() {
            (self.waker)();
        }
    }

    /// Reports what was sent to a client within the flow's budget (or counts it
    /// as skipped).
    pub fn report_sent(&self, link: &ClientLink, data: &[u8], at: SystemTime, auto: bool) {
        let (client, peer) = (link.id, link.peer);
        self.flow.report(
            Way::Sent,
            data,
            TcpServerEvent::Skipped,
            |data| TcpServerEvent::Sent {
                client,
                peer,
                data,
                at,
                auto,
            },
            |event| self.report(event),
        );
    }

    /// Reports one frame of a client within the flow's budget (or counts it as
    /// skipped). In [`FlowMode::Wait`](crate::engine::FlowMode::Wait) this waits for the
    /// consumer, so the client's reader stops reading and TCP slows the client.
    pub fn report_received(
        &self,
        link: &ClientLink,
        data: &[u8],
        at: SystemTime,
        frame: FrameNote,
    ) {
        let (client, peer) = (link.id, link.peer);
        self.flow.report(
            Way::Received,
            data,
            TcpServerEvent::Skipped,
            |data| TcpServerEvent::Received {
                client,
                peer,
                data,
                at,
                frame,
            },
            |event| self.report(event),
        );
    }
}

impl Shared {
    pub fn send(&self, client: ClientId, data: Vec<u8>) -> Result<(), EngineError> {
        let link = self
            .lock_clients()
            .get(&client)
            .cloned()
            .ok_or(EngineError::NotConnected)?;
        self.queue(&link, data, false)
    }

    pub fn send_to_all(&self, data: &[u8]) -> usize {
        let links: Vec<Arc<ClientLink>> = self.lock_clients().values().cloned().collect();
        links
            .iter()
            .filter(|link| self.queue(link, data.to_vec(), false).is_ok())
            .count()
    }

    pub fn lock_clients(&self) -> MutexGuard<'_, HashMap<ClientId, Arc<ClientLink>>> {
        // A panicking holder cannot leave the map half-updated: each change is one call.
        self.clients
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Starts the accept thread on `listener` and says so.
    pub fn listen(self: &Arc<Self>, listener: TcpListener) -> Result<(), EngineError> {
        let local = listener
            .local_addr()
            .map_err(|err| EngineError::io(super::super::error::IoOp::Bind, &err))?;
        // Said before the thread starts, so `Listening` comes before any `Connected`.
        self.reporter.report(TcpServerEvent::Listening { local });
        let accept = AcceptLoop::start(listener, "tcp-accept", Admitter(self.clone()))?;
        *self.lock_accept() = Some(accept);
        Ok(())
    }

    pub fn lock_accept(&self) -> MutexGuard<'_, Option<AcceptLoop>> {
        self.accept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn auto_reply(&self) -> Arc<AutoReply> {
        match self.auto_reply.read() {
            Ok(current) => current.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Hands a message to the writer, unless the client's queue is full.
    pub fn queue(
        &self,
        link: &Arc<ClientLink>,
        data: Vec<u8>,
        auto: bool,
    ) -> Result<(), EngineError> {
        self.queue_job(link, data, auto, false)
    }

    pub fn queue_job(
        &self,
        link: &Arc<ClientLink>,
        data: Vec<u8>,
        auto: bool,
        close_after: bool,
    ) -> Result<(), EngineError> {
        if link.closing.load(Ordering::SeqCst) {
            return Err(EngineError::NotConnected);
        }
        if link.queued.fetch_add(1, Ordering::SeqCst) >= CLIENT_SEND_QUEUE {
            link.queued.fetch_sub(1, Ordering::SeqCst);
            return Err(EngineError::SendQueueFull {
                queued: CLIENT_SEND_QUEUE,
            });
        }
        let job = WriteJob {
            link: link.clone(),
            data,
            auto,
            close_after,
        };
        self.writer.send(job).map_err(|_| {
            link.queued.fetch_sub(1, Ordering::SeqCst);
            EngineError::NotConnected
        })
    }
}
