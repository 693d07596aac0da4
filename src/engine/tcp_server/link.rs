//! One accepted client as the engine keeps it: its socket (shared by the reader
//! and the writer), its queue's count and how it is being closed.

use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use super::super::capture::CaptureEnds;
use super::super::worker::PanicSwitch;
use super::super::{Counters, EngineError};
use super::ClientId;
use super::tls_session::ServerSession;
use crate::codec::Framer;

pub(super) struct ClientLink {
    pub id: ClientId,
    pub peer: SocketAddr,
    /// The connection's two ends, for the capture.
    pub ends: CaptureEnds,
    pub stream: TcpStream,
    /// The TLS session, on a TLS server. Boxed: a session is over a kilobyte,
    /// and a plain server's 10,000 clients would each carry the room for one.
    pub tls: Option<Box<ServerSession>>,
    pub counters: Arc<Counters>,
    /// Messages queued for the writer and not yet sent.
    pub queued: AtomicUsize,
    /// Set once a full queue was reported, so a flood reports it once.
    pub overflow_reported: AtomicBool,
    /// We are disconnecting it.
    pub closing: AtomicBool,
    /// Why, if not because someone asked: the writer panicked while sending to it.
    pub failure: OnceLock<EngineError>,
    /// Cuts what the client sends into frames; only the reader uses it.
    framer: Mutex<Framer>,
    /// Keeps a client's `Sent` and `Closed` events in the order they happened.
    report_order: Mutex<()>,
    /// Test hooks ([`TcpServer::panic_next_read`](super::TcpServer::panic_next_read)).
    pub panic_read: PanicSwitch,
    pub panic_send: PanicSwitch,
}

impl ClientLink {
    pub fn new(
        id: ClientId,
        ends: CaptureEnds,
        stream: TcpStream,
        tls: Option<Box<ServerSession>>,
        framer: Framer,
    ) -> Self {
        ClientLink {
            id,
            peer: ends.peer,
            ends,
            stream,
            tls,
            counters: Arc::new(Counters::default()),
            queued: 0.into(),
            overflow_reported: false.into(),
            closing: false.into(),
            failure: OnceLock::new(),
            framer: Mutex::new(framer),
            report_order: Mutex::new(()),
            panic_read: PanicSwitch::default(),
            panic_send: PanicSwitch::default(),
        }
    }

    pub fn lock_report_order(&self) -> MutexGuard<'_, ()> {
        self.report_order
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn lock_framer(&self) -> MutexGuard<'_, Framer> {
        // Only the reader takes it; a panic while it held it closes this client.
        self.framer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn hang_up(&self) {
        self.closing.store(true, Ordering::SeqCst);
        let _ = self.stream.shutdown(Shutdown::Both);
    }

    /// Hangs up because of `error`; the reader says so in `Closed`.
    pub fn fail(&self, error: EngineError) {
        let _ = self.failure.set(error);
        self.hang_up();
    }
}

#[cfg(test)]
mod tests {
    use super::ClientLink;

    /// 10,000 clients are 10,000 links: a field carried inline by every client
    /// (a TLS session was 1.1 KB of each) shows in the window's memory.
    #[test]
    fn a_client_link_stays_small() {
        let size = std::mem::size_of::<ClientLink>();
        assert!(size <= 512, "ClientLink is {size} bytes");
    }
}
