//! Turning engine events into UI state without stalling a frame.

use std::time::{Duration, Instant};

use crossbeam_channel::Receiver;

/// How long one frame may spend applying events. A 64-byte datagram costs
/// ~0.21 µs, so 20 frames a second apply ~285,000 a second, more than the 250k/s
/// flood (and events beyond the log's limit are only counted); the frame (~2–4 ms
/// to lay out, ~4 ms to paint without a GPU) stays under 16 ms. With 10 ms the
/// worst frame under a 100k/s flood with a search was 22–25 ms and a click's p99
/// 53–61 ms; 4 ms left frames a millisecond longer than 3 (benches/gui_scale.sh).
const DRAIN_BUDGET: Duration = Duration::from_millis(3);
/// The budget of a frame that has the user's input to answer: a click is shown
/// after this frame, so it stays short (with 8 ms per frame and a repaint every
/// 16 ms, a click under a TCP flood took 75 ms median, 150 ms at worst).
const INPUT_BUDGET: Duration = Duration::from_millis(3);
/// How soon to continue when a frame's budget ran out with events still queued:
/// a frame without a GPU costs ~10 ms of drawing, so not at full frame rate.
const BACKLOG_REFRESH: Duration = Duration::from_millis(50);

/// Applies queued events until the queue is empty or the frame's budget is spent
/// (then asks for another frame). `apply` is told which events are `backlog`: the
/// oldest ones beyond `keep`, which would scroll out of a log capped at `keep`
/// before anyone saw them, so they only need counting.
/// Returns true when it emptied the queue: the window has caught up, and the
/// engine's flow can say what it skipped since its last report.
pub fn drain_events<E>(
    ctx: &egui::Context,
    events: &Receiver<E>,
    keep: usize,
    mut apply: impl FnMut(E, bool),
) -> bool {
    let mut backlog = events.len().saturating_sub(keep);
    let answering = ctx.input(|input| !input.events.is_empty() || input.pointer.any_down());
    let deadline = Instant::now()
        + if answering {
            INPUT_BUDGET
        } else {
            DRAIN_BUDGET
        };
    let mut handled = 0u32;
    while let Ok(event) = events.try_recv() {
        apply(event, backlog > 0);
        backlog = backlog.saturating_sub(1);
        handled += 1;
        // Often enough that a batch of heavy events (a 4 KiB preview each, decoded)
        // cannot overrun the budget by much; `Instant::now` costs ~25 ns.
        if handled.is_multiple_of(16) && Instant::now() > deadline {
            // More is waiting: come back soon, but leave the frame loop room to breathe.
            ctx.request_repaint_after(BACKLOG_REFRESH);
            return false;
        }
    }
    true
}
