//! Injecting: a message the user typed, sent to the client or to the server in
//! the middle of a pair's session, as if the other side had sent it.
//!
//! Each direction of a pair keeps a queue of messages to inject, bounded by
//! [`INJECT_BUDGET`] bytes. A short-lived thread drains it while it holds
//! anything: it waits its turn with the direction's pump (TCP: a write is never
//! cut into by another), writes, counts, captures and reports, in the order the
//! messages were given. A peer that does not read holds the thread, never the
//! caller; the queue then fills and further messages are refused as busy.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use super::super::capture::{CaptureDirection, CaptureEnds, notes};
use super::super::error::WorkerRole;
use super::super::flow::Way;
use super::super::worker::Worker;
use super::super::{EngineError, MAX_UDP_PAYLOAD_V4};
use super::pump::SendError;
use super::shared::{PairLink, Shared};
use super::{Direction, PairId, RelayEvent, RelayProtocol};

/// Bytes waiting to be injected in one direction of a pair before more are refused.
pub const INJECT_BUDGET: usize = 1024 * 1024;
/// The draining thread only writes; its data is on the heap.
const THREAD_STACK: usize = 128 * 1024;

/// One direction's messages waiting to be injected.
#[derive(Default)]
pub(super) struct InjectQueue {
    state: Mutex<QueueState>,
}

#[derive(Default)]
struct QueueState {
    messages: VecDeque<Vec<u8>>,
    bytes: usize,
    /// A thread is draining the queue.
    draining: bool,
}

impl InjectQueue {
    fn lock(&self) -> MutexGuard<'_, QueueState> {
        // Each change is one call under the lock: a panic cannot leave it half done.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Takes the next message, or says the draining is over.
    fn next(&self) -> Option<Vec<u8>> {
        let mut state = self.lock();
        let message = state.messages.pop_front();
        match &message {
            Some(message) => state.bytes -= message.len(),
            None => state.draining = false,
        }
        message
    }

    /// Forgets what waits (the pair is ending, or a write failed).
    fn abandon(&self) {
        let mut state = self.lock();
        state.messages.clear();
        state.bytes = 0;
        state.draining = false;
    }
}

/// Writes injected messages to one side of a pair; implemented by TCP pairs and
/// UDP sessions.
pub(super) trait InjectSink {
    fn injections(&self, direction: Direction) -> &InjectQueue;
    /// The connection (or socket and peer) `direction` writes to, once it can
    /// (TCP: after the target answered).
    fn destination(&self, direction: Direction) -> Option<CaptureEnds>;
    /// Writes `data` whole to `direction`'s destination, between the pump's writes.
    fn write_injected(&self, direction: Direction, data: &[u8]) -> Result<(), SendError>;
}

/// Injects into a running relay's pairs, from any thread. It keeps the relay's
/// shared state alive, not the relay: once the relay stops, every pair is gone.
#[derive(Clone)]
pub struct RelayInjector {
    shared: Arc<Shared>,
    protocol: RelayProtocol,
}

impl RelayInjector {
    pub(super) fn new(shared: Arc<Shared>, protocol: RelayProtocol) -> Self {
        RelayInjector { shared, protocol }
    }

    /// Sends `data` to `direction`'s destination of a pair (`C2s`: to the
    /// server, `S2c`: to the client) between what the relay forwards;
    /// `Injected` follows once written. Refused when the pair is gone, its
    /// server not reached yet, a datagram too large, or [`INJECT_BUDGET`]
    /// already waits (a peer that does not read).
    pub fn inject(
        &self,
        pair: PairId,
        direction: Direction,
        data: Vec<u8>,
    ) -> Result<(), EngineError> {
        let max = MAX_UDP_PAYLOAD_V4;
        if self.protocol == RelayProtocol::Udp && data.len() > max {
            return Err(EngineError::PayloadTooLarge {
                len: data.len(),
                max,
            });
        }
        if self.protocol == RelayProtocol::Tcp && data.is_empty() {
            return Err(EngineError::EmptyMessage);
        }
        if self.shared.is_stopping() {
            return Err(EngineError::PairGone { pair });
        }
        let link = self.shared.lock_pairs().get(&pair).cloned();
        let link = link.ok_or(EngineError::PairGone { pair })?;
        queue_and_drain(&self.shared, pair, link, direction, data)
    }
}

/// Queues `data` for `direction` of the pair and makes sure a thread writes it.
fn queue_and_drain(
    shared: &Arc<Shared>,
    pair: PairId,
    link: Arc<dyn PairLink>,
    direction: Direction,
    data: Vec<u8>,
) -> Result<(), EngineError> {
    if link.destination(direction).is_none() {
        return Err(EngineError::UpstreamNotReady { pair });
    }
    let queue = link.injections(direction);
    let mut state = queue.lock();
    // One message larger than the budget still goes when nothing waits.
    if !state.messages.is_empty() && state.bytes + data.len() > INJECT_BUDGET {
        return Err(EngineError::SendQueueFull {
            queued: state.messages.len(),
        });
    }
    state.bytes += data.len();
    state.messages.push_back(data);
    if state.draining {
        return Ok(());
    }
    state.draining = true;
    drop(state);
    let (in_thread, on_panic) = ((shared.clone(), link.clone()), link.clone());
    let spawned = Worker::new(
        WorkerRole::Send,
        format!("relay #{pair} inject {}", direction.label()),
    )
    .stack_size(THREAD_STACK)
    .spawn(
        move || drain(&in_thread.0, pair, &*in_thread.1, direction),
        move |_| on_panic.injections(direction).abandon(),
    );
    if let Err(error) = spawned {
        link.injections(direction).abandon();
        return Err(error);
    }
    Ok(())
}

/// Writes what the queue holds, in order, until it is empty.
fn drain(shared: &Shared, pair: PairId, link: &dyn PairLink, direction: Direction) {
    let queue = link.injections(direction);
    while let Some(message) = queue.next() {
        match link.write_injected(direction, &message) {
            Ok(()) => injected(shared, pair, link, direction, &message),
            Err(SendError::Stopped) => return queue.abandon(),
            Err(SendError::Io(error)) => {
                queue.abandon();
                shared.report(RelayEvent::InjectFailed {
                    pair,
                    direction,
                    error: EngineError::io(super::super::error::IoOp::Send, &error),
                    at: SystemTime::now(),
                });
                return;
            }
        }
    }
}

/// Counts, captures and reports a message written.
fn injected(shared: &Shared, pair: PairId, link: &dyn PairLink, direction: Direction, data: &[u8]) {
    link.counters().get(direction).record_tx(data.len());
    shared.totals.get(direction).record_tx(data.len());
    if let Some(to) = link.destination(direction) {
        let note = Some(std::borrow::Cow::Borrowed(notes::INJECTED));
        shared
            .capture
            .record_noted(CaptureDirection::Tx, to, data, note);
    }
    let at = SystemTime::now();
    shared.flow.report(
        Way::Sent,
        data,
        RelayEvent::Skipped,
        |data| RelayEvent::Injected {
            pair,
            direction,
            data,
            at,
        },
        |event| shared.report(event),
    );
}
