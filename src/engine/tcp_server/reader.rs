//! One thread reads for every client of a server. A thread per client cost each
//! client a stack and a read buffer of its own: with 10,000 clients that was
//! 10,000 threads and ~170 MB of memory, most of it for clients that sat idle.
//! Here each client's socket is non-blocking and registered with a [`PollSet`];
//! the thread serves whichever clients have data, a few reads each in turn (so a
//! flooding client cannot starve the others), into one buffer.
//!
//! A panic while serving a client closes that client (its `Closed` carries the
//! error); the reader keeps the others and goes on.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, TryRecvError};
use polling::{Events, Poller};

use super::super::EngineError;
use super::super::error::{IoOp, WorkerRole};
use super::super::tls::{HANDSHAKE_TIMEOUT, TlsError};
use super::super::worker::{Worker, catch};
use super::CloseReason;
use super::link::ClientLink;
use super::poll_set::{Key, PollSet};
use super::service::{self, Turn};
use super::shared::Shared;

/// The one read buffer: as large as a read that keeps a bulk sender at full speed.
const READ_BUFFER: usize = 64 * 1024;
/// A safety net for the wake-ups: the reader looks whether it should stop at least
/// this often, even if a wake-up were lost.
const WAKE_AT_LEAST_EVERY: Duration = Duration::from_secs(1);

/// What the accept thread and the handle use to reach the reader.
pub(super) struct ReaderHandle {
    new_clients: Sender<Arc<ClientLink>>,
    poller: Arc<Poller>,
    stopping: Arc<AtomicBool>,
}

/// The reader's side of [`ReaderHandle`].
pub(super) struct Inbox {
    new_clients: Receiver<Arc<ClientLink>>,
    poller: Arc<Poller>,
    stopping: Arc<AtomicBool>,
}

impl ReaderHandle {
    /// Hands an accepted client to the reader; gives it back if the reader is gone.
    pub fn serve(&self, link: Arc<ClientLink>) -> Result<(), Arc<ClientLink>> {
        self.new_clients.send(link).map_err(|error| error.0)?;
        let _ = self.poller.notify();
        Ok(())
    }

    /// The server's handle is gone: the reader ends once its clients are closed.
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        let _ = self.poller.notify();
    }
}

pub(super) fn channel() -> Result<(ReaderHandle, Inbox), EngineError> {
    let poller = Arc::new(Poller::new().map_err(|err| EngineError::io(IoOp::Receive, &err))?);
    let (tx, rx) = crossbeam_channel::unbounded();
    let stopping = Arc::new(AtomicBool::new(false));
    let handle = ReaderHandle {
        new_clients: tx,
        poller: poller.clone(),
        stopping: stopping.clone(),
    };
    let inbox = Inbox {
        new_clients: rx,
        poller,
        stopping,
    };
    Ok((handle, inbox))
}

pub(super) fn spawn(
    inbox: Inbox,
    shared: Arc<Shared>,
    local: SocketAddr,
) -> Result<(), EngineError> {
    Worker::new(WorkerRole::Receive, format!("tcp-server-rx {local}")).spawn(
        move || {
            shared.reporter.flow.worker_started();
            let mut reader = Reader {
                clients: PollSet::new(inbox.poller.clone()),
                buf: vec![0; READ_BUFFER],
                current: None,
                gaps: HashMap::new(),
                handshakes: HashMap::new(),
            };
            while let Err(error) = catch(WorkerRole::Receive, || reader.run(&inbox, &shared)) {
                reader.drop_current(&shared, error);
            }
        },
        // Only the bookkeeping above is left to panic, and it cannot: the loop
        // catches every panic of the serving itself.
        |_| {},
    )?;
    Ok(())
}

/// What the reader keeps across a panic.
struct Reader {
    clients: PollSet,
    buf: Vec<u8>,
    /// The client being served, to close if serving it panics.
    current: Option<Key>,
    /// Idle framing: when each client that has sent part of a frame will have
    /// been silent long enough for it to end.
    gaps: HashMap<Key, Instant>,
    /// TLS: when each client still in its handshake must have finished it.
    handshakes: HashMap<Key, Instant>,
}

impl Reader {
    /// Serves until the server's handle is gone and every client is closed.
    fn run(&mut self, inbox: &Inbox, shared: &Arc<Shared>) {
        let mut events = Events::new();
        loop {
            let stopping = inbox.stopping.load(Ordering::SeqCst);
            self.take_new_clients(inbox, shared, stopping);
            if stopping && self.clients.is_empty() {
                return;
            }
            events.clear();
            // An error here is EINTR or the like; the next round waits again.
            let _ = self.clients.wait(&mut events, self.next_wake());
            // Silences first: data that came after one belongs to the next frame.
            self.end_gaps(shared);
            self.end_slow_handshakes(shared);
            for event in events.iter() {
                self.current = Some(event.key);
                self.serve(event.key, shared);
                self.current = None;
            }
        }
    }

    fn take_new_clients(&mut self, inbox: &Inbox, shared: &Arc<Shared>, stopping: bool) {
        loop {
            let link = match inbox.new_clients.try_recv() {
                Ok(link) => link,
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => return,
            };
            if stopping {
                // Accepted as the server was closing: it gets its `Closed` too.
                link.hang_up();
            }
            match self.clients.add(link.clone()) {
                Ok(key) if link.tls.is_some() => {
                    self.handshakes
                        .insert(key, Instant::now() + HANDSHAKE_TIMEOUT);
                }
                Ok(_) => {}
                Err(err) => {
                    let error = EngineError::io(IoOp::Receive, &err);
                    service::finish(&link, shared, CloseReason::Error(error));
                }
            }
        }
    }

    /// Reads what one client sent, then waits for it again or closes it.
    fn serve(&mut self, key: Key, shared: &Arc<Shared>) {
        let Some(link) = self.clients.get(key).cloned() else {
            return;
        };
        let reason = match service::read_some(&link, shared, &mut self.buf) {
            Turn::Open => match self.clients.rearm(key) {
                Ok(()) => {
                    self.time_gap(key, &link, shared);
                    return;
                }
                Err(err) => CloseReason::Error(EngineError::io(IoOp::Receive, &err)),
            },
            Turn::Closed(reason) => reason,
        };
        self.gaps.remove(&key);
        self.handshakes.remove(&key);
        self.clients.remove(key);
        service::finish(&link, shared, reason);
    }

    /// TLS: closes the clients whose handshake outlived its deadline (a client
    /// that connects and says nothing must not hold a place for ever).
    fn end_slow_handshakes(&mut self, shared: &Arc<Shared>) {
        if self.handshakes.is_empty() {
            return;
        }
        let now = Instant::now();
        let mut late = Vec::new();
        let clients = &self.clients;
        self.handshakes.retain(|key, deadline| {
            let handshaking = clients
                .get(*key)
                .and_then(|link| link.tls.as_ref())
                .is_some_and(|tls| tls.is_handshaking());
            if handshaking && *deadline <= now {
                late.push(*key);
            }
            handshaking && *deadline > now
        });
        for key in late {
            self.gaps.remove(&key);
            if let Some(link) = self.clients.remove(key) {
                let error = TlsError::HandshakeTimeout {
                    secs: HANDSHAKE_TIMEOUT.as_secs(),
                };
                service::finish(&link, shared, CloseReason::Error(EngineError::Tls(error)));
            }
        }
    }

    /// Idle framing: the client's frame ends after a silence of the gap from now.
    fn time_gap(&mut self, key: Key, link: &ClientLink, shared: &Shared) {
        match shared.framing.idle_gap() {
            Some(gap) if service::waiting_for_gap(link) => {
                self.gaps.insert(key, Instant::now() + gap);
            }
            _ => {
                self.gaps.remove(&key);
            }
        }
    }

    /// How long the poller may wait: until the first silence ends, at most a second.
    fn next_wake(&self) -> Duration {
        let now = Instant::now();
        self.gaps
            .values()
            .chain(self.handshakes.values())
            .map(|deadline| deadline.saturating_duration_since(now))
            .fold(WAKE_AT_LEAST_EVERY, Duration::min)
    }

    /// Ends the frames of clients that have been silent for the gap.
    fn end_gaps(&mut self, shared: &Arc<Shared>) {
        if self.gaps.is_empty() {
            return;
        }
        let now = Instant::now();
        let ended: Vec<Key> = self
            .gaps
            .iter()
            .filter(|(_, deadline)| **deadline <= now)
            .map(|(key, _)| *key)
            .collect();
        for key in ended {
            self.gaps.remove(&key);
            if let Some(link) = self.clients.get(key).cloned() {
                self.current = Some(key);
                service::gap_elapsed(&link, shared);
                self.current = None;
            }
        }
    }

    /// After a panic: closes the client it happened on, with the error.
    fn drop_current(&mut self, shared: &Arc<Shared>, error: EngineError) {
        let Some(key) = self.current.take() else {
            return;
        };
        self.gaps.remove(&key);
        self.handshakes.remove(&key);
        let Some(link) = self.clients.remove(key) else {
            return;
        };
        service::finish(&link, shared, CloseReason::Error(error));
    }
}
