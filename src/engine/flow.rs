//! The byte budget between a worker and whoever consumes its events (the
//! window, the CLI's printer, the capture writer). See the flow contract in
//! the [engine's module docs](super).
//!
//! A worker asks [`Flow::admit`] before it reports a payload. The answer holds
//! the bytes to put in the event, with a ticket that gives its share of the
//! budget back when the event is dropped, wherever that happens: after the
//! consumer handled it, or when a channel nobody reads any more is discarded.
//! So the budget can never leak, and no consumer has to remember to release.

use std::fmt;
use std::ops::Deref;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

/// What one event costs besides its payload (the event itself, the channel's
/// slot), so a flood of tiny datagrams is bounded too.
pub const EVENT_OVERHEAD: usize = 128;
/// How much of a payload the window keeps per event: a log row shows no more.
pub const DISPLAY_PREVIEW: usize = 4096;
/// In flight to the window per endpoint: a quarter second of a 250k datagrams/s
/// flood fits, so the window skips nothing it could have shown.
pub const DISPLAY_BUDGET: usize = 32 * 1024 * 1024;
/// In flight to a printer or a capture writer: enough to keep them busy.
pub const LOSSLESS_BUDGET: usize = 8 * 1024 * 1024;
/// How often a waiting worker looks whether its endpoint closed meanwhile.
const CLOSE_POLL: Duration = Duration::from_millis(100);

/// What a worker does when the consumer is behind and the budget is spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowMode {
    /// Wait until the consumer catches up: a TCP reader stops reading, so flow
    /// control slows the peer (the CLI prints everything, in order).
    Wait,
    /// Keep going, count what is not reported, and report the count later
    /// (the window; UDP, which cannot be slowed).
    Summarize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlowConfig {
    /// For data the peer sent us.
    pub received: FlowMode,
    /// For data we sent (a file streamed flat out must not wait for a display).
    pub sent: FlowMode,
    /// Bytes in flight at most: payloads as kept plus [`EVENT_OVERHEAD`] each.
    pub budget: usize,
    /// Keep only this many bytes of each payload in its event; the event still
    /// says the full length.
    pub preview: Option<usize>,
    /// Workers give way to the consumer's thread (a window): TCP workers run
    /// below normal priority, UDP receive threads as batch threads; see
    /// [`super::priority`].
    pub background: bool,
}

impl FlowConfig {
    /// Every payload reported whole; workers wait for a slow consumer.
    pub const fn lossless() -> Self {
        FlowConfig {
            received: FlowMode::Wait,
            sent: FlowMode::Wait,
            budget: LOSSLESS_BUDGET,
            preview: None,
            background: false,
        }
    }

    /// For a window: never slows the traffic, shows previews, counts the rest.
    pub const fn display() -> Self {
        FlowConfig {
            received: FlowMode::Summarize,
            sent: FlowMode::Summarize,
            budget: DISPLAY_BUDGET,
            preview: Some(DISPLAY_PREVIEW),
            background: true,
        }
    }

    /// For UDP, which cannot be slowed down: what we send is reported in full
    /// (the sender waits), what arrives is reported as far as the consumer
    /// keeps up and the rest counted (waiting would only make the kernel drop it).
    pub const fn datagrams() -> Self {
        FlowConfig {
            received: FlowMode::Summarize,
            ..FlowConfig::lossless()
        }
    }
}

impl Default for FlowConfig {
    fn default() -> Self {
        FlowConfig::lossless()
    }
}

/// Payloads a consumer was not given because it was behind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Skipped {
    pub messages: u64,
    pub bytes: u64,
    /// When the last of them went by, to place the gap among what was shown.
    pub last: Option<SystemTime>,
}

impl Skipped {
    pub fn is_empty(&self) -> bool {
        self.messages == 0
    }

    pub fn add(&mut self, other: Skipped) {
        self.messages += other.messages;
        self.bytes += other.bytes;
        self.last = self.last.max(other.last);
    }
}

/// Which way a payload went, for the flow's mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    Received,
    Sent,
}

/// One endpoint's budget; cheap to clone, shared by its threads.
#[derive(Clone)]
pub struct Flow {
    shared: Arc<Shared>,
}

struct Shared {
    config: FlowConfig,
    state: Mutex<State>,
    freed: Condvar,
    closed: AtomicBool,
}

#[derive(Default)]
struct State {
    in_flight: usize,
    skipped: Skipped,
    /// Workers waiting for budget: a ticket given back wakes them only if any,
    /// sparing the window a wake-up call per event it drops.
    waiting: usize,
}

/// The answer to [`Flow::admit`].
pub enum Admission {
    /// Report `payload`; if `skipped` is there, report it first, so the
    /// consumer learns of the gap where it happened.
    Report {
        skipped: Option<Skipped>,
        payload: Payload,
    },
    /// Counted, not reported: the consumer is behind.
    Skip,
}

impl Flow {
    pub fn new(config: FlowConfig) -> Self {
        Flow {
            shared: Arc::new(Shared {
                config,
                state: Mutex::new(State::default()),
                freed: Condvar::new(),
                closed: AtomicBool::new(false),
            }),
        }
    }

    pub fn config(&self) -> FlowConfig {
        self.shared.config
    }

    /// Called first thing by a TCP worker thread: lowers its priority when the
    /// consumer is a window.
    pub fn worker_started(&self) {
        if self.shared.config.background {
            super::priority::lower_current_thread();
        }
    }

    /// Called first thing by a UDP receive thread: makes it a batch thread when
    /// the consumer is a window (it keeps its share of the CPU).
    pub fn receiver_started(&self) {
        if self.shared.config.background {
            super::priority::batch_current_thread();
        }
    }

    /// Takes budget for `data` going `way`: waits for it or skips, as the mode
    /// says. A payload larger than the whole budget goes when nothing else is
    /// in flight. Once the flow is closed nothing waits any more.
    pub fn admit(&self, way: Way, data: &[u8]) -> Admission {
        let config = self.shared.config;
        let kept = &data[..config.preview.map_or(data.len(), |n| data.len().min(n))];
        let cost = kept.len() + EVENT_OVERHEAD;
        let mode = match way {
            Way::Received => config.received,
            Way::Sent => config.sent,
        };
        let mut state = self.shared.lock();
        loop {
            if state.in_flight == 0 || state.in_flight + cost <= config.budget {
                break;
            }
            if mode == FlowMode::Summarize || self.is_closed() {
                state.skipped.add(Skipped {
                    messages: 1,
                    bytes: data.len() as u64,
                    last: Some(SystemTime::now()),
                });
                return Admission::Skip;
            }
            state.waiting += 1;
            state = match self.shared.freed.wait_timeout(state, CLOSE_POLL) {
                Ok((state, _)) => state,
                Err(poisoned) => poisoned.into_inner().0,
            };
            state.waiting -= 1;
        }
        state.in_flight += cost;
        let skipped = std::mem::take(&mut state.skipped);
        drop(state);
        Admission::Report {
            skipped: (!skipped.is_empty()).then_some(skipped),
            payload: Payload {
                kept: kept.to_vec(),
                len: data.len(),
                ticket: Some(Ticket {
                    shared: self.shared.clone(),
                    cost,
                }),
            },
        }
    }

    /// Admits `data` and hands `send` what to report: a [`Skipped`] summary
    /// first if the consumer missed something since the last payload, then
    /// the payload's own event. Nothing when this payload is skipped too.
    pub fn report<E>(
        &self,
        way: Way,
        data: &[u8],
        skipped_event: impl FnOnce(Skipped) -> E,
        payload_event: impl FnOnce(Payload) -> E,
        mut send: impl FnMut(E),
    ) {
        if let Admission::Report { skipped, payload } = self.admit(way, data) {
            if let Some(skipped) = skipped {
                send(skipped_event(skipped));
            }
            send(payload_event(payload));
        }
    }

    /// What was skipped since the last report. A consumer that has handled
    /// (and dropped) every event it was given calls this to learn of a gap
    /// that no later payload has reported yet.
    pub fn take_skipped(&self) -> Option<Skipped> {
        let skipped = std::mem::take(&mut self.shared.lock().skipped);
        (!skipped.is_empty()).then_some(skipped)
    }

    /// Bytes given out and not yet given back.
    pub fn in_flight(&self) -> usize {
        self.shared.lock().in_flight
    }

    /// The endpoint is closing: wake every waiting worker, and wait no more.
    pub fn close(&self) {
        self.shared.closed.store(true, Ordering::SeqCst);
        let _guard = self.shared.lock();
        self.shared.freed.notify_all();
    }

    fn is_closed(&self) -> bool {
        self.shared.closed.load(Ordering::SeqCst)
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // Every change to the state is one statement: a panic cannot leave it half done.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A share of a flow's budget, given back when dropped.
struct Ticket {
    shared: Arc<Shared>,
    cost: usize,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        state.in_flight = state.in_flight.saturating_sub(self.cost);
        if state.waiting > 0 {
            self.shared.freed.notify_all();
        }
    }
}

/// A payload in an event: the bytes kept (all of them, or a preview) and the
/// full length. Dereferences to the kept bytes; [`Payload::len`] is the full
/// length. Holding it holds its share of the budget: copy what you need to keep.
pub struct Payload {
    kept: Vec<u8>,
    len: usize,
    ticket: Option<Ticket>,
}

impl Payload {
    /// The full length of what went over the wire.
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when only a preview was kept.
    pub fn is_cut(&self) -> bool {
        self.kept.len() < self.len
    }

    /// The kept bytes, giving the budget back.
    pub fn into_vec(mut self) -> Vec<u8> {
        self.ticket = None;
        std::mem::take(&mut self.kept)
    }
}

impl From<Vec<u8>> for Payload {
    /// A payload outside any budget (tests, replays).
    fn from(kept: Vec<u8>) -> Self {
        Payload {
            len: kept.len(),
            kept,
            ticket: None,
        }
    }
}

impl Deref for Payload {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.kept
    }
}

impl AsRef<[u8]> for Payload {
    fn as_ref(&self) -> &[u8] {
        &self.kept
    }
}

/// A clone is a plain copy: it holds no share of the budget.
impl Clone for Payload {
    fn clone(&self) -> Self {
        Payload {
            kept: self.kept.clone(),
            len: self.len,
            ticket: None,
        }
    }
}

impl PartialEq for Payload {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.kept == other.kept
    }
}

impl Eq for Payload {}

impl PartialEq<[u8]> for Payload {
    fn eq(&self, other: &[u8]) -> bool {
        !self.is_cut() && self.kept == other
    }
}

impl<const N: usize> PartialEq<[u8; N]> for Payload {
    fn eq(&self, other: &[u8; N]) -> bool {
        *self == other[..]
    }
}

impl<const N: usize> PartialEq<&[u8; N]> for Payload {
    fn eq(&self, other: &&[u8; N]) -> bool {
        *self == other[..]
    }
}

impl PartialEq<&[u8]> for Payload {
    fn eq(&self, other: &&[u8]) -> bool {
        *self == **other
    }
}

impl PartialEq<Vec<u8>> for Payload {
    fn eq(&self, other: &Vec<u8>) -> bool {
        *self == other[..]
    }
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_cut() {
            write!(f, "{:?}… ({} bytes)", self.kept, self.len)
        } else {
            write!(f, "{:?}", self.kept)
        }
    }
}
