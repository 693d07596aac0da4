//! The `${seq}` counter of one endpoint (a tab, a CLI run): shared by the send box,
//! its quick commands and its periodic send, so they count together.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Counts sends that used `${seq}`; the first is 1.
#[derive(Debug, Clone, Default)]
pub struct SeqCounter(Arc<AtomicU64>);

impl SeqCounter {
    /// The value for a send going out now; the next one gets one more.
    pub fn take(&self) -> u64 {
        self.0.fetch_add(1, Ordering::SeqCst).wrapping_add(1)
    }

    /// The value the next send will get, without using it (for the preview).
    pub fn peek(&self) -> u64 {
        self.0.load(Ordering::SeqCst).wrapping_add(1)
    }
}
