//! Periodic send, timed by a worker thread (not by the window's frames), so it
//! keeps its pace while the window is idle or minimised. Sends are scheduled on
//! absolute deadlines (start + n × interval), so small delays do not add up.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use super::{EngineError, Waker};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RepeatConfig {
    pub interval: Duration,
    /// `None`: until stopped.
    pub count: Option<u64>,
}

/// How a periodic send went, so far or in the end.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RepeatProgress {
    pub sent: u64,
    pub elapsed: Duration,
    pub running: bool,
}

impl RepeatProgress {
    /// Sends per second actually achieved.
    pub fn rate(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 && self.sent > 1 {
            (self.sent - 1) as f64 / secs
        } else {
            0.0
        }
    }
}

/// A running periodic send; dropping it stops it.
pub struct Repeater {
    stop: Arc<AtomicBool>,
    running: Arc<AtomicBool>,
    sent: Arc<AtomicU64>,
    /// Nanoseconds from the first send to the latest.
    span_nanos: Arc<AtomicU64>,
    /// Why the job ended early, if it failed (a file's line too long, …).
    failure: Arc<Mutex<Option<EngineError>>>,
}

impl Repeater {
    /// Calls `send(n)` for n = 0, 1, … every `interval`; `send` returning false
    /// (the socket is gone) ends it. `waker` is called when it ends.
    pub fn start(
        config: RepeatConfig,
        name: &str,
        mut send: impl FnMut(u64) -> bool + Send + 'static,
        waker: Waker,
    ) -> Result<Self, EngineError> {
        Self::start_fallible(config, name, move |n| Ok(send(n)), waker)
    }

    /// Like [`start`](Self::start), for a job that can fail: an error ends it
    /// and is kept for [`failure`](Self::failure).
    pub fn start_fallible(
        config: RepeatConfig,
        name: &str,
        mut send: impl FnMut(u64) -> Result<bool, EngineError> + Send + 'static,
        waker: Waker,
    ) -> Result<Self, EngineError> {
        let repeater = Repeater {
            stop: Arc::new(AtomicBool::new(false)),
            running: Arc::new(AtomicBool::new(true)),
            sent: Arc::new(AtomicU64::new(0)),
            span_nanos: Arc::new(AtomicU64::new(0)),
            failure: Arc::new(Mutex::new(None)),
        };
        let (stop, running, sent, span, failure) = (
            repeater.stop.clone(),
            repeater.running.clone(),
            repeater.sent.clone(),
            repeater.span_nanos.clone(),
            repeater.failure.clone(),
        );
        thread::Builder::new()
            .name(format!("repeat {name}"))
            .spawn(move || {
                // Linux wakes a sleeping thread up to 50 µs late by default ("timer
                // slack"); 1 ns keeps a 1 ms schedule tight (p50 lateness 76 → 25 µs).
                #[cfg(target_os = "linux")]
                let _ = rustix::thread::set_current_timer_slack(std::num::NonZeroU64::new(1));
                let started = Instant::now();
                let mut n = 0u64;
                while config.count.is_none_or(|count| n < count) && !stop.load(Ordering::SeqCst) {
                    let offset = config.interval.as_nanos().saturating_mul(u128::from(n));
                    let due =
                        started + Duration::from_nanos(offset.min(u128::from(u64::MAX)) as u64);
                    let now = Instant::now();
                    if due > now {
                        thread::sleep(due - now);
                    }
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    match send(n) {
                        Ok(true) => {}
                        Ok(false) => break,
                        Err(error) => {
                            *failure.lock().unwrap_or_else(|e| e.into_inner()) = Some(error);
                            break;
                        }
                    }
                    n += 1;
                    sent.store(n, Ordering::SeqCst);
                    span.store(started.elapsed().as_nanos() as u64, Ordering::SeqCst);
                }
                running.store(false, Ordering::SeqCst);
                waker();
            })
            .map_err(|err| EngineError::Thread {
                message: err.to_string(),
            })?;
        Ok(repeater)
    }

    pub fn progress(&self) -> RepeatProgress {
        RepeatProgress {
            sent: self.sent.load(Ordering::SeqCst),
            elapsed: Duration::from_nanos(self.span_nanos.load(Ordering::SeqCst)),
            running: self.running.load(Ordering::SeqCst),
        }
    }

    /// Why the job ended early, if it failed.
    pub fn failure(&self) -> Option<EngineError> {
        self.failure
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    pub fn is_running(&self) -> bool {
        self.running.load(Ordering::SeqCst)
    }

    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

impl Drop for Repeater {
    fn drop(&mut self) {
        self.stop();
    }
}
