//! Turning engine events into UI state without stalling a frame.

use std::time::{Duration, Instant};

use crossbeam_channel::Receiver;

/// How long one frame may spend applying events. A 64-byte datagram costs
/// ~0.2 µs, and the frame around it ~2.5 ms to lay out and ~2.5 ms to paint
/// without a GPU. With 1.5 ms the worst frame of a 100k/s flood with a search
/// was 9–13 ms in 15 of 16 runs (17.5 in one), against 13–17 ms with 3 ms; the
/// price is more frames (12 a second instead of 8, 5–8% of a core more), and a
/// click's frame is as short (benches/gui_scale.sh, session 14).
const DRAIN_BUDGET: Duration = Duration::from_micros(1500);
/// The budget of a frame that is far behind (more queued than [`FAR_BEHIND`] of
/// work): larger, so a flood the short budget cannot keep up with (250k/s with a
/// search) is still drained and shown, not skipped.
const CATCH_UP_BUDGET: Duration = Duration::from_millis(3);
/// How much queued work makes a frame take [`CATCH_UP_BUDGET`].
const FAR_BEHIND: Duration = Duration::from_millis(8);
/// How soon to continue when a frame's budget ran out with events still queued:
/// a frame without a GPU costs ~5 ms of drawing (and as much again to rasterize
/// and show), so not at full frame rate.
const BACKLOG_REFRESH: Duration = Duration::from_millis(25);

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
    let started = Instant::now();
    let catch_up_deadline = started + CATCH_UP_BUDGET;
    let mut deadline = started + DRAIN_BUDGET;
    let mut handled = 0u32;
    while let Ok(event) = events.try_recv() {
        apply(event, backlog > 0);
        backlog = backlog.saturating_sub(1);
        handled += 1;
        // Often enough that a batch of heavy events (a 4 KiB preview each, decoded)
        // cannot overrun the budget by much; `Instant::now` costs ~25 ns.
        if handled.is_multiple_of(16) {
            let now = Instant::now();
            if now <= deadline {
                continue;
            }
            if deadline < catch_up_deadline
                && queued_work(events.len(), now - started, handled) > FAR_BEHIND
            {
                deadline = catch_up_deadline;
                continue;
            }
            // More is waiting: come back soon, but leave the frame loop room to breathe.
            ctx.request_repaint_after(BACKLOG_REFRESH);
            return false;
        }
    }
    true
}

/// How long the `queued` events would take to apply, at the pace of the
/// `handled` ones that took `spent`.
fn queued_work(queued: usize, spent: Duration, handled: u32) -> Duration {
    let secs = spent.as_secs_f64() * queued as f64 / f64::from(handled.max(1));
    Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queued_work_is_the_queue_at_the_pace_so_far() {
        let spent = Duration::from_micros(1500);
        assert_eq!(queued_work(7_500, spent, 7_500), spent);
        assert_eq!(queued_work(75_000, spent, 7_500), Duration::from_millis(15));
        assert_eq!(queued_work(0, spent, 7_500), Duration::ZERO);
        // Nothing handled yet: as if one event took all the time.
        assert_eq!(queued_work(2, spent, 0), Duration::from_millis(3));
        assert_eq!(queued_work(usize::MAX, Duration::MAX, 1), Duration::MAX);
    }
}
