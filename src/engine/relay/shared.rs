//! What the handle, the accept (or receive) thread and every pump share: where
//! events go and within which budget, the capture, the totals, the faults, and
//! the pairs that are open.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use crossbeam_channel::Sender;

use super::super::capture::CaptureSlot;
use super::super::flow::{Flow, Way};
use super::super::{EngineError, Waker};
use super::faults::FaultBoard;
use super::inject::InjectSink;
use super::{Direction, FaultAction, PairId, RelayCounters, RelayEvent};
use crate::codec::FrameNote;
use crate::codec::framing::{FrameItem, Frames};

/// An open pair (TCP) or session (UDP), as the handle sees it.
pub(super) trait PairLink: InjectSink + Send + Sync {
    /// Closes it on the user's request; false if it was ending already.
    fn hang_up(&self) -> bool;
    fn counters(&self) -> &RelayCounters;
}

pub(super) struct Shared {
    pub events: Sender<RelayEvent>,
    pub waker: Waker,
    pub flow: Flow,
    pub capture: CaptureSlot,
    pub totals: Arc<RelayCounters>,
    pub faults: FaultBoard,
    pub pairs: Mutex<HashMap<PairId, Arc<dyn PairLink>>>,
    pub next_id: AtomicU64,
    /// The handle is gone or stopping: every pump ends.
    pub stopping: AtomicBool,
    pub target_host: String,
    pub target_port: u16,
    pub local: SocketAddr,
    pub connect_timeout: Duration,
    pub max_pairs: usize,
    /// TCP: TLS toward clients (the relay answers as the server).
    pub tls_listen: Option<super::super::tls::ServerIdentity>,
    /// TCP: TLS toward the target (the relay is its client).
    pub tls_upstream: Option<super::super::tls::TlsClientOptions>,
    /// How the log cuts each direction into messages.
    pub framing: crate::codec::Framing,
}

impl Shared {
    pub fn report(&self, event: RelayEvent) {
        if self.events.send(event).is_ok() {
            (self.waker)();
        }
    }

    /// Reports bytes written to `direction`'s destination (a write, or with a
    /// framing one message), within the budget.
    pub fn forwarded(&self, pair: PairId, direction: Direction, data: &[u8], frame: FrameNote) {
        let at = SystemTime::now();
        self.flow.report(
            Way::Received,
            data,
            RelayEvent::Skipped,
            |data| RelayEvent::Forwarded {
                pair,
                direction,
                data,
                at,
                frame,
            },
            |event| self.report(event),
        );
    }

    /// Reports what a direction's framer gave for what was just written.
    pub fn frames(&self, pair: PairId, direction: Direction, frames: Frames<'_>) {
        for item in frames {
            match item {
                FrameItem::Frame(frame) => {
                    self.forwarded(pair, direction, frame.payload, frame.note);
                }
                FrameItem::Fault(fault) => self.report(RelayEvent::FrameDropped {
                    pair,
                    direction,
                    fault,
                }),
            }
        }
    }

    /// Reports a fault that acted. It costs budget like a payload (a flood of
    /// one-byte pieces must not flood the consumer with notes either).
    pub fn fault(&self, pair: PairId, direction: Direction, action: FaultAction) {
        let at = SystemTime::now();
        self.flow.report(
            Way::Received,
            &[],
            RelayEvent::Skipped,
            |_| RelayEvent::Fault {
                pair,
                direction,
                action,
                at,
            },
            |event| self.report(event),
        );
    }

    pub fn lock_pairs(&self) -> MutexGuard<'_, HashMap<PairId, Arc<dyn PairLink>>> {
        // Each change to the map is one call: a panic cannot leave it half done.
        self.pairs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::Relaxed)
    }

    pub fn new_id(&self) -> PairId {
        self.next_id.fetch_add(1, Ordering::SeqCst)
    }

    /// Says a pair is over, with its totals, and forgets it.
    pub fn ended(&self, pair: PairId, counters: &RelayCounters) {
        self.lock_pairs().remove(&pair);
        if let Some(skipped) = self.flow.take_skipped() {
            self.report(RelayEvent::Skipped(skipped));
        }
        self.report(RelayEvent::Ended {
            pair,
            c2s: counters.c2s.snapshot(),
            s2c: counters.s2c.snapshot(),
            at: SystemTime::now(),
        });
    }

    /// Whether `peer` is this relay's own listening address: connecting there
    /// would relay to itself, round and round, until descriptors run out.
    pub fn is_self(&self, peer: SocketAddr) -> bool {
        super::config::is_same_endpoint(self.local, peer)
    }

    pub fn refuse(&self, client: SocketAddr, error: EngineError) {
        self.report(RelayEvent::Refused { client, error });
    }
}
