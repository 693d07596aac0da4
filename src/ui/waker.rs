//! The engine's [`Waker`] for the window: asks egui for a frame, at most once
//! per drained batch, so a flood of datagrams does not flood the event loop.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

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
                this.ctx.request_repaint();
            }
        })
    }

    /// Called before draining, so events that arrive during the drain wake us again.
    pub fn rearm(&self) {
        self.pending.store(false, Ordering::Release);
    }
}
