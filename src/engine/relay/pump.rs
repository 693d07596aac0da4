//! One direction of a pair: read from the source, let the shaper plan the
//! writes, write them when due. The same loop serves TCP streams and UDP
//! datagrams; `tcp.rs` and `udp.rs` give it their sources and sinks.
//!
//! Memory is bounded: one read buffer, and a queue of planned writes that the pump
//! stops reading into once it holds [`QUEUE_BUDGET`]. A destination that does not
//! read makes the write block, so the pump stops reading, and TCP flow control
//! slows the sender: nothing piles up in the relay.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::io;
use std::time::{Duration, Instant};

use super::super::capture::{CaptureDirection, CaptureEnds};
use super::faults::FaultView;
use super::shaper::{Action, Planned, Shaper};
use super::shared::Shared;
use super::{Direction, FaultAction, PairId, RelayCounters};
use crate::codec::{FrameNote, Framer, Framing};

/// One read at most; also the largest datagram the relay forwards whole.
pub const READ_BUFFER: usize = 64 * 1024;
/// Planned writes held at most, in bytes plus [`ITEM_COST`] each, before the
/// pump stops reading (a delay or a throttle holds bytes back).
pub const QUEUE_BUDGET: usize = 1024 * 1024;
/// What one planned write costs besides its bytes (a split into 1-byte pieces
/// must not hold a hundred times its bytes).
const ITEM_COST: usize = 64;
/// The longest a waiting pump sleeps before it looks at its faults and the stop flag.
pub const POLL: Duration = Duration::from_millis(50);

/// What a source gave.
pub enum Got {
    Data(usize),
    /// The wait passed without data.
    Timeout,
    /// The peer closed its side (TCP FIN), or the session's channel closed.
    Eof,
    /// UDP: the session was silent for its idle time.
    Idle,
    Failed(io::Error),
}

pub trait Source {
    /// Reads into `buf`, waiting at most `wait` (`None`: until something happens).
    fn recv(&mut self, buf: &mut [u8], wait: Option<Duration>) -> Got;
}

pub enum SendError {
    /// The pair is ending: the write was abandoned.
    Stopped,
    Io(io::Error),
}

pub trait Sink {
    /// Writes all of `data` (one datagram for UDP), waiting for the peer to take it.
    fn send(&mut self, data: &[u8]) -> Result<(), SendError>;
}

/// How a pump ended.
pub enum PumpEnd {
    /// The source closed and everything planned was written.
    Fin,
    Idle,
    SourceFailed(io::Error),
    SinkFailed(io::Error),
    /// The cut-after fault acted, after this many bytes in the pump's direction.
    Cut {
        after: u64,
        reset: bool,
    },
    /// The pair or the relay is ending.
    Stopped,
}

pub struct Pump<'a> {
    pub pair: PairId,
    pub direction: Direction,
    /// The connection (or socket and peer) reads come from and writes go to,
    /// for the capture.
    pub from: CaptureEnds,
    pub to: CaptureEnds,
    pub shared: &'a Shared,
    pub counters: &'a RelayCounters,
    pub stop: &'a (dyn Fn() -> bool + Sync),
}

impl Pump<'_> {
    pub fn run(&self, source: &mut impl Source, sink: &mut impl Sink) -> PumpEnd {
        let mut log = FramedLog::new(&self.shared.framing);
        let end = self.pump(source, sink, &mut log);
        // A message the sender never finished shows as such.
        if let Some(framer) = &mut log.framer {
            self.shared
                .frames(self.pair, self.direction, framer.finish());
        }
        end
    }

    fn pump(&self, source: &mut impl Source, sink: &mut impl Sink, log: &mut FramedLog) -> PumpEnd {
        let mut buf = vec![0u8; READ_BUFFER];
        let board = &self.shared.faults;
        let mut view = FaultView::new(board, self.direction);
        let mut shaper = Shaper::new(fastrand::u64(..));
        let mut queue: VecDeque<Planned> = VecDeque::new();
        let mut queued = 0usize;
        let mut eof = false;
        loop {
            if (self.stop)() {
                return PumpEnd::Stopped;
            }
            let faults = view.current(board);
            let planned_before = queue.len();
            shaper.tick(faults, Instant::now(), &mut queue);
            queued += cost(&queue, planned_before);
            if !faults.paused {
                while queue.front().is_some_and(|p| p.due <= Instant::now()) {
                    let Some(item) = queue.pop_front() else { break };
                    queued = queued.saturating_sub(item.len() + ITEM_COST);
                    if let Some(end) = self.execute(item, sink, log) {
                        return end;
                    }
                }
            }
            if eof && queue.is_empty() && shaper.held() == 0 {
                return PumpEnd::Fin;
            }
            let now = Instant::now();
            let next_write = queue.front().filter(|_| !faults.paused).map(|p| p.due);
            let wake = match (next_write, shaper.deadline()) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let mut wait = wake.map(|at| at.saturating_duration_since(now));
            // Idle-gap framing: a silence of the gap ends the message held.
            if let Some(left) = log.gap_left(now) {
                if left.is_zero() {
                    log.end_of_gap(self);
                    continue;
                }
                wait = Some(wait.map_or(left, |w| w.min(left)));
            }
            if faults.paused {
                wait = Some(wait.map_or(POLL, |w| w.min(POLL)));
            }
            if wait == Some(Duration::ZERO) {
                continue;
            }
            if eof || queued >= QUEUE_BUDGET {
                std::thread::sleep(wait.map_or(POLL, |w| w.min(POLL)));
                continue;
            }
            match source.recv(&mut buf, wait) {
                Got::Data(len) => {
                    // The read may have waited long: the faults may have changed meanwhile.
                    let faults = view.current(board);
                    let data = &buf[..len];
                    self.counters.get(self.direction).record_rx(len);
                    self.shared.totals.get(self.direction).record_rx(len);
                    self.shared
                        .capture
                        .record(CaptureDirection::Rx, self.from, data);
                    if faults.is_passthrough() && queue.is_empty() && shaper.held() == 0 {
                        if let Err(end) = self.write(data, sink, log, None) {
                            return end;
                        }
                    } else {
                        let planned_before = queue.len();
                        shaper.read(faults, Instant::now(), data, &mut queue);
                        queued += cost(&queue, planned_before);
                    }
                }
                Got::Timeout => {}
                Got::Eof if (self.stop)() => return PumpEnd::Stopped,
                Got::Eof => {
                    eof = true;
                    let planned_before = queue.len();
                    shaper.finish(faults, Instant::now(), &mut queue);
                    queued += cost(&queue, planned_before);
                }
                Got::Idle => return PumpEnd::Idle,
                Got::Failed(_) if (self.stop)() => return PumpEnd::Stopped,
                Got::Failed(error) => return PumpEnd::SourceFailed(error),
            }
        }
    }

    /// Does one planned thing; `Some` when the pump is to end.
    fn execute(&self, item: Planned, sink: &mut impl Sink, log: &mut FramedLog) -> Option<PumpEnd> {
        match item.action {
            Action::Write { data, notes } => {
                let capture_note = fault_note(&notes);
                for note in notes {
                    self.shared.fault(self.pair, self.direction, note);
                }
                self.write(&data, sink, log, capture_note).err()
            }
            Action::Note(note) => {
                self.shared.fault(self.pair, self.direction, note);
                None
            }
            Action::Cut { after, reset } => {
                let note = super::FaultAction::Cut { after, reset };
                self.shared.fault(self.pair, self.direction, note);
                Some(PumpEnd::Cut { after, reset })
            }
        }
    }

    fn write(
        &self,
        data: &[u8],
        sink: &mut impl Sink,
        log: &mut FramedLog,
        note: Option<Cow<'static, str>>,
    ) -> Result<(), PumpEnd> {
        match sink.send(data) {
            Ok(()) => {
                self.counters.get(self.direction).record_tx(data.len());
                self.shared.totals.get(self.direction).record_tx(data.len());
                self.shared
                    .capture
                    .record_noted(CaptureDirection::Tx, self.to, data, note);
                log.written(self, data);
                Ok(())
            }
            Err(SendError::Stopped) => Err(PumpEnd::Stopped),
            Err(SendError::Io(_)) if (self.stop)() => Err(PumpEnd::Stopped),
            Err(SendError::Io(error)) => Err(PumpEnd::SinkFailed(error)),
        }
    }
}

/// How a direction's writes show in the log: as written, or cut into messages
/// by a framer of its own (what is forwarded is the same either way).
struct FramedLog {
    framer: Option<Framer>,
    /// Idle-gap framing: the gap, and when the last bytes were written.
    gap: Option<Duration>,
    last_write: Option<Instant>,
}

impl FramedLog {
    fn new(framing: &Framing) -> Self {
        let gap = match framing {
            Framing::Idle { gap_ms } => Some(Duration::from_millis(u64::from(*gap_ms))),
            _ => None,
        };
        FramedLog {
            framer: (*framing != Framing::AsRead).then(|| Framer::new(framing.clone())),
            gap,
            last_write: None,
        }
    }

    fn written(&mut self, pump: &Pump<'_>, data: &[u8]) {
        match &mut self.framer {
            Some(framer) => {
                pump.shared
                    .frames(pump.pair, pump.direction, framer.push(data));
                self.last_write = Some(Instant::now());
            }
            None => pump
                .shared
                .forwarded(pump.pair, pump.direction, data, FrameNote::default()),
        }
    }

    /// How long until the gap ends the message held, if one waits for it.
    fn gap_left(&self, now: Instant) -> Option<Duration> {
        let (gap, last, framer) = (self.gap?, self.last_write?, self.framer.as_ref()?);
        framer
            .waiting_for_gap()
            .then(|| gap.saturating_sub(now.saturating_duration_since(last)))
    }

    fn end_of_gap(&mut self, pump: &Pump<'_>) {
        if let Some(framer) = &mut self.framer {
            pump.shared
                .frames(pump.pair, pump.direction, framer.end_of_gap());
        }
        self.last_write = None;
    }
}

/// The capture's note for a write the faults shaped: `fault: delayed 20 ms; …`.
pub fn fault_note(actions: &[FaultAction]) -> Option<Cow<'static, str>> {
    if actions.is_empty() {
        return None;
    }
    let words = crate::i18n::Lang::En.texts();
    let what: Vec<String> = actions.iter().map(|a| words.fault_action(*a)).collect();
    Some(Cow::Owned(format!("fault: {}", what.join("; "))))
}

/// What the items planned since `from` cost against the budget.
fn cost(queue: &VecDeque<Planned>, from: usize) -> usize {
    queue.range(from..).map(|p| p.len() + ITEM_COST).sum()
}
