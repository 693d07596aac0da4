//! What happens to an accepted connection: a place at the reader, or a refusal.

use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime};

use super::super::EngineError;
use super::super::capture::{CaptureEnds, CaptureSide, ConnectionEvent};
use super::super::error::IoOp;
use super::super::listener::AcceptHandler;
use super::link::ClientLink;
use super::shared::Shared;
use super::tls_session::ServerSession;
use super::{ClientInfo, CloseReason, TcpServerEvent};
use crate::codec::Framer;

/// The TCP server's side of the accept thread.
pub(super) struct Admitter(pub Arc<Shared>);

impl AcceptHandler for Admitter {
    fn accepted(&mut self, stream: TcpStream, peer: SocketAddr) {
        admit(&self.0, stream, peer);
    }

    fn failed(&mut self, error: EngineError) {
        self.0.reporter.report(TcpServerEvent::AcceptFailed(error));
    }

    fn stopped(&mut self) {
        self.0.reporter.report(TcpServerEvent::StoppedListening);
    }
}

/// Hands an accepted connection to the reader, or refuses it.
fn admit(shared: &Arc<Shared>, stream: TcpStream, peer: SocketAddr) {
    let max = shared.max_clients.load(Ordering::SeqCst);
    let mut clients = shared.lock_clients();
    if clients.len() >= max {
        drop(clients);
        refuse(shared, &stream, peer, EngineError::ClientCapReached { max });
        return;
    }
    let Ok(local) = stream.local_addr() else {
        // The client is already gone; nothing to serve.
        return;
    };
    // The reader serves every client from one thread: a read must never wait.
    if let Err(err) = stream.set_nonblocking(true) {
        drop(clients);
        refuse(shared, &stream, peer, EngineError::io(IoOp::Receive, &err));
        return;
    }
    let _ = stream.set_nodelay(true);
    // One descriptor per client, shared by the reader and the writer:
    // 10,000 clients must fit in a 20,000-descriptor limit.
    let id = shared.next_id.fetch_add(1, Ordering::SeqCst);
    let framer = Framer::new(shared.framing.clone());
    let tls = match shared.tls.as_ref().map(ServerSession::new) {
        None => None,
        Some(Ok(session)) => Some(Box::new(session)),
        Some(Err(error)) => {
            drop(clients);
            refuse(shared, &stream, peer, EngineError::Tls(error));
            return;
        }
    };
    let ends = CaptureEnds::tcp(local, peer);
    let link = Arc::new(ClientLink::new(id, ends, stream, tls, framer));
    clients.insert(link.id, link.clone());
    drop(clients);
    let info = ClientInfo {
        id: link.id,
        peer,
        local,
        since: SystemTime::now(),
        counters: link.counters.clone(),
    };
    // Reported before the reader hears of it, so `Connected` precedes the client's data.
    shared.reporter.report(TcpServerEvent::Connected(info));
    shared
        .reporter
        .capture
        .connection(ConnectionEvent::Open, CaptureSide::Peer, ends, None);
    if let Err(link) = shared.reader.serve(link) {
        // The reader is gone: the server is closing.
        shared.lock_clients().remove(&link.id);
        link.hang_up();
        shared
            .reporter
            .capture
            .connection(ConnectionEvent::Close, CaptureSide::Local, ends, None);
        shared.reporter.report(TcpServerEvent::Closed {
            client: link.id,
            peer,
            reason: CloseReason::ByUs,
            at: SystemTime::now(),
        });
    }
}

fn refuse(shared: &Shared, stream: &TcpStream, peer: SocketAddr, error: EngineError) {
    // Linger 0: the client sees a reset at once instead of a silent half-open socket.
    let _ = socket2::SockRef::from(stream).set_linger(Some(Duration::ZERO));
    let _ = stream.shutdown(std::net::Shutdown::Both);
    shared
        .reporter
        .report(TcpServerEvent::Refused { peer, error });
}
