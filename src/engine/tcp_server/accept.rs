//! What happens to an accepted connection: a service thread, or a refusal.

use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime};

use super::super::EngineError;
use super::super::error::WorkerRole;
use super::super::listener::AcceptHandler;
use super::super::worker::Worker;
use super::link::ClientLink;
use super::shared::Shared;
use super::{CLIENT_STACK, ClientInfo, CloseReason, TcpServerEvent, service};

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

/// Gives an accepted connection its service thread, or refuses it.
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
    let _ = stream.set_nodelay(true);
    writer_socket_setup(&stream);
    // One descriptor per client, shared by its service thread and the writer:
    // 10,000 clients must fit in a 20,000-descriptor limit.
    let id = shared.next_id.fetch_add(1, Ordering::SeqCst);
    let link = Arc::new(ClientLink::new(id, peer, stream));
    clients.insert(link.id, link.clone());
    drop(clients);
    let info = ClientInfo {
        id: link.id,
        peer,
        local,
        since: SystemTime::now(),
        counters: link.counters.clone(),
    };
    // Reported before the thread starts, so `Connected` precedes the client's data.
    shared.reporter.report(TcpServerEvent::Connected(info));
    let (thread_shared, thread_link) = (shared.clone(), link.clone());
    let (panicked_shared, panicked_link) = (shared.clone(), link.clone());
    let spawned = Worker::new(WorkerRole::Receive, format!("tcp-client {peer}"))
        .stack_size(CLIENT_STACK)
        .spawn(
            move || service::serve(&thread_link, &thread_shared),
            // Closed like any broken connection: out of the list, socket shut down.
            move |error| {
                service::finish(&panicked_link, &panicked_shared, CloseReason::Error(error))
            },
        );
    if let Err(error) = spawned {
        shared.lock_clients().remove(&link.id);
        link.hang_up();
        shared.reporter.report(TcpServerEvent::Closed {
            client: link.id,
            peer,
            reason: CloseReason::Error(error),
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

/// On Windows the writer cannot ask for a non-blocking send per call, so sends
/// give up after a short time instead (see `writer.rs`).
fn writer_socket_setup(stream: &TcpStream) {
    #[cfg(windows)]
    let _ = stream.set_write_timeout(Some(super::writer::WINDOWS_SEND_SLICE));
    #[cfg(not(windows))]
    let _ = stream;
}
