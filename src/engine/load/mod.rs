//! Load and measurement: TCP connection storms and message rates, UDP floods,
//! round-trip times (`netdbg load`, the Load tab).
//!
//! - **Threads**: a TCP run drives its connections from a few workers (one per
//!   core, at most 4), each a poller over non-blocking sockets; a UDP run has a
//!   sender and, when echoes are expected, a receiver. A monitor thread reports a
//!   [`LoadSnapshot`] every `report_every` and the final one when the run ends.
//! - **Timing**: every timestamp is an [`std::time::Instant`] taken right before
//!   the send call or right after the read that completed a reply; round trips go
//!   into an HdrHistogram ([`rtt`]). Sends are paced against the run's start
//!   ([`pace`]), so the rate holds over the run whatever a single wake-up costs.
//! - **Bounds**: every wait has a deadline (connect, reply, drain); memory is a
//!   few hundred bytes per connection, one read buffer per worker, a reply at most
//!   64 KiB while it is gathered, and fixed-size histograms.

mod config;
mod fd_limit;
mod pace;
pub mod rtt;
mod stats;
mod tcp;
mod udp;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{RecvTimeoutError, Sender};
use polling::Poller;

pub use config::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_REPLY_TIMEOUT, DEFAULT_SIZE, LoadConfig, LoadInputError,
    LoadKind, LoadPayload, MAX_CONNECTIONS, MAX_RATE, MAX_TCP_MESSAGE, RateOf, TcpLoad, UdpLoad,
};
pub use fd_limit::RESERVED as RESERVED_FILES;
pub use rtt::{RttBucket, RttStats, RttSummary};
pub use stats::{FaultCounts, LoadFault, LoadSnapshot, round};

use super::worker::Worker;
use super::{EngineError, Waker};
use config::MessageSource;
use rtt::RttRecorder;
use stats::LoadStats;

/// What a run reports.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadEvent {
    Progress(LoadSnapshot),
    /// The run ended (done, out of time, or stopped); the last event. `error`: a
    /// worker failed (a bug) and the run was cut short.
    Finished {
        snapshot: LoadSnapshot,
        error: Option<EngineError>,
    },
}

/// What the run's threads share.
pub(crate) struct RunShared {
    stats: LoadStats,
    /// Stop now: close everything.
    abort: AtomicBool,
    /// The duration is over: send nothing new, collect the replies still due.
    sending_over: AtomicBool,
    failure: Mutex<Option<EngineError>>,
}

impl RunShared {
    fn stopping(&self) -> bool {
        self.abort.load(Ordering::Relaxed) || self.sending_over.load(Ordering::Relaxed)
    }

    fn fail(&self, error: EngineError) {
        self.failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get_or_insert(error);
        self.abort.store(true, Ordering::SeqCst);
    }
}

/// A running load; dropping it stops it.
pub struct LoadRun {
    shared: Arc<RunShared>,
    pollers: Vec<Arc<Poller>>,
    monitor: Option<JoinHandle<()>>,
}

impl LoadRun {
    /// Checks `config` (bad input comes back as [`StartError::Input`]), then starts.
    pub fn start(
        config: LoadConfig,
        events: Sender<LoadEvent>,
        waker: Waker,
    ) -> Result<Self, StartError> {
        config.validate()?;
        let start = Instant::now();
        let shared = Arc::new(RunShared {
            stats: LoadStats::new(start),
            abort: AtomicBool::new(false),
            sending_over: AtomicBool::new(false),
            failure: Mutex::new(None),
        });
        let (done_tx, done_rx) = crossbeam_channel::bounded::<()>(0);
        let source = MessageSource::new(&config.payload);
        let (threads, pollers, recorders) = match &config.kind {
            LoadKind::Tcp(tcp) => {
                let started = tcp::start(tcp, &source, &shared, &done_tx).inspect_err(|_| {
                    shared.abort.store(true, Ordering::SeqCst);
                })?;
                (started.threads, started.pollers, started.recorders)
            }
            LoadKind::Udp(udp) => {
                let stamp =
                    matches!(config.payload, LoadPayload::Random { size } if size >= udp::STAMP);
                let started =
                    udp::start(udp, source, stamp, &shared, &done_tx).inspect_err(|_| {
                        shared.abort.store(true, Ordering::SeqCst);
                    })?;
                (started.threads, Vec::new(), vec![started.recorder])
            }
        };
        drop(done_tx);
        let monitor = Monitor {
            shared: shared.clone(),
            pollers: pollers.clone(),
            threads,
            recorders,
            done: done_rx,
            events,
            waker,
            deadline: config.duration.map(|duration| start + duration),
            every: config.report_every.max(Duration::from_millis(10)),
        };
        let on_panic = shared.clone();
        let monitor = Worker::new(super::error::WorkerRole::Receive, "load-monitor".to_owned())
            .spawn(move || monitor.run(), move |error| on_panic.fail(error))?;
        Ok(LoadRun {
            shared,
            pollers,
            monitor: Some(monitor),
        })
    }

    /// Stops at once: every connection closes; the final snapshot follows.
    pub fn stop(&self) {
        self.shared.abort.store(true, Ordering::SeqCst);
        for poller in &self.pollers {
            let _ = poller.notify();
        }
    }

    /// Sends nothing new, but waits for the replies still due (as at the end of
    /// the duration).
    pub fn finish_sending(&self) {
        self.shared.sending_over.store(true, Ordering::SeqCst);
        for poller in &self.pollers {
            let _ = poller.notify();
        }
    }
}

impl Drop for LoadRun {
    fn drop(&mut self) {
        self.stop();
        if let Some(monitor) = self.monitor.take() {
            let _ = monitor.join();
        }
    }
}

/// Why a run did not start.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Input(#[from] LoadInputError),
    #[error(transparent)]
    Engine(#[from] EngineError),
}

/// Reports on the run, ends it at its deadline, and joins its threads.
struct Monitor {
    shared: Arc<RunShared>,
    pollers: Vec<Arc<Poller>>,
    threads: Vec<JoinHandle<()>>,
    recorders: Vec<Arc<RttRecorder>>,
    /// Disconnected once every worker has ended.
    done: crossbeam_channel::Receiver<()>,
    events: Sender<LoadEvent>,
    waker: Waker,
    deadline: Option<Instant>,
    every: Duration,
}

impl Monitor {
    fn run(mut self) {
        let mut before = None;
        let mut next_report = Instant::now() + self.every;
        loop {
            let mut wake = next_report;
            if let Some(deadline) = self.deadline {
                wake = wake.min(deadline);
            }
            match self.done.recv_deadline(wake) {
                Err(RecvTimeoutError::Disconnected) => break,
                Ok(()) | Err(RecvTimeoutError::Timeout) => {}
            }
            let now = Instant::now();
            if self.deadline.is_some_and(|deadline| now >= deadline) {
                self.deadline = None;
                self.shared.sending_over.store(true, Ordering::SeqCst);
                for poller in &self.pollers {
                    let _ = poller.notify();
                }
            }
            if now >= next_report {
                next_report += self.every;
                if next_report < now {
                    next_report = now + self.every;
                }
                let snapshot = self.snapshot(false, &mut before);
                self.report(LoadEvent::Progress(snapshot));
            }
        }
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
        let error = self
            .shared
            .failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let snapshot = self.snapshot(true, &mut before);
        self.report(LoadEvent::Finished { snapshot, error });
    }

    /// The run now; `before` holds the round trips of the previous snapshot.
    fn snapshot(
        &self,
        finished: bool,
        before: &mut Option<hdrhistogram::Histogram<u64>>,
    ) -> LoadSnapshot {
        let histogram = rtt::merge(self.recorders.iter().map(|recorder| &**recorder));
        let rtt = RttStats::from_histograms(&histogram, before.as_ref());
        *before = Some(histogram);
        self.shared.stats.snapshot(Instant::now(), rtt, finished)
    }

    fn report(&self, event: LoadEvent) {
        if self.events.send(event).is_ok() {
            (self.waker)();
        }
    }
}
