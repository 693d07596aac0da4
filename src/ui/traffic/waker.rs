//! The engine's [`Waker`] for the window: asks egui for a frame, at most once
//! per drained batch and no sooner than [`TRAFFIC_REFRESH`], so traffic alone
//! never drives the window at full frame rate. (Without a GPU a frame costs
//! ~12 ms of CPU; at 85 frames/s a mere 1,000 datagrams/s took a whole core,
//! at 10 frames/s still 15%.)
//! Input from the user still repaints at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The longest a new datagram waits before it is on screen.
pub const TRAFFIC_REFRESH: Duration = Duration::from_millis(250);

use crate::engine::Waker;

#[derive(Clone)]
pub struct RepaintWaker {
    pending: Arc<AtomicBool>,
    ctx: egui::Context,
}

impl RepaintWaker {
    pub fn new(ctx: egui::Context) -> Self {
        Self {
            pending: Arc::new(AtomicBool::new(false)),
            ctx,
        }
    }

    pub fn waker(&self) -> Waker {
        let this = self.clone();
        Arc::new(move || {
            if !this.pending.swap(true, Ordering::AcqRel) {
                this.ctx.request_repaint_after(TRAFFIC_REFRESH);
            }
        })
    }

    /// Called before draining, so events that arrive during the drain wake us again.
    pub fn rearm(&self) {
        self.pending.store(false, Ordering::Release);
    }
}
