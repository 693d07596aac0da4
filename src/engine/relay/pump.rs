//! One direction of a pair: read from the source, let the shaper plan the
//! writes, write them when due. The same loop serves TCP streams and UDP
//! datagrams; `tcp.rs` and `udp.rs` give it their sources and sinks.
//!
//! Memory is bounded: one read buffer, and a queue of planned writes that the pump
//! stops reading into once it holds [`QUEUE_BUDGET`]. A destination that does not
//! read makes the write block, so the pump stops reading, and TCP flow control
//! slows the sender: nothing piles up in the relay.

use std::collections::VecDeque;
use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::super::capture::CaptureDirection;
use super::faults::FaultView;
use super::shaper::{Action, Planned, Shaper};
use super::shared::Shared;
use super::{Direction, PairId, RelayCounters};

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
    /// The cut-after fault acted.
    Cut {
        reset: bool,
    },
    /// The pair or the relay is ending.
    Stopped,
}

pub struct Pump<'a> {
    pub pair: PairId,
    pub direction: Direction,
    /// Whom reads come from and writes go to, for the capture.
    pub from: SocketAddr,
    pub to: SocketAddr,
    pub shared: &'a Shared,
    pub counters: &'a RelayCounters,
    pub stop: &'a (dyn Fn() -> bool + Sync),
}

impl Pump<'_> {
    pub fn run(&self, source: &mut impl Source, sink: &mut impl Sink) -> PumpEnd {
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
                    if let Some(end) = self.execute(item, sink) {
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
                        if let Err(end) = self.write(data, sink) {
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
    fn execute(&self, item: Planned, sink: &mut impl Sink) -> Option<PumpEnd> {
        match item.action {
            Action::Write { data, notes } => {
                for note in notes {
                    self.shared.fault(self.pair, self.direction, note);
                }
                self.write(&data, sink).err()
            }
            Action::Note(note) => {
                self.shared.fault(self.pair, self.direction, note);
                None
            }
            Action::Cut { after, reset } => {
                let note = super::FaultAction::Cut { after, reset };
                self.shared.fault(self.pair, self.direction, note);
                Some(PumpEnd::Cut { reset })
            }
        }
    }

    fn write(&self, data: &[u8], sink: &mut impl Sink) -> Result<(), PumpEnd> {
        match sink.send(data) {
            Ok(()) => {
                self.counters.get(self.direction).record_tx(data.len());
                self.shared.totals.get(self.direction).record_tx(data.len());
                self.shared
                    .capture
                    .record(CaptureDirection::Tx, self.to, data);
                self.shared.forwarded(self.pair, self.direction, data);
                Ok(())
            }
            Err(SendError::Stopped) => Err(PumpEnd::Stopped),
            Err(SendError::Io(_)) if (self.stop)() => Err(PumpEnd::Stopped),
            Err(SendError::Io(error)) => Err(PumpEnd::SinkFailed(error)),
        }
    }
}

/// What the items planned since `from` cost against the budget.
fn cost(queue: &VecDeque<Planned>, from: usize) -> usize {
    queue.range(from..).map(|p| p.len() + ITEM_COST).sum()
}
