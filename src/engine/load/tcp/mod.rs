//! TCP load: the connections shared out among a few worker threads.

mod conn;
mod worker;

use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::Sender;
use polling::Poller;

use super::RunShared;
use super::config::{MessageSource, TcpLoad};
use super::rtt::RttRecorder;
use crate::engine::EngineError;
use crate::engine::error::{IoOp, WorkerRole};
use crate::engine::worker::Worker;

/// More workers than this gain nothing: a worker drives thousands of sockets.
const MOST_WORKERS: usize = 4;
const THREAD_STACK: usize = 512 * 1024;

/// What the run's handle keeps of its workers.
pub(super) struct Started {
    pub threads: Vec<JoinHandle<()>>,
    pub pollers: Vec<Arc<Poller>>,
    pub recorders: Vec<Arc<RttRecorder>>,
}

pub(super) fn start(
    cfg: &TcpLoad,
    source: &MessageSource,
    shared: &Arc<RunShared>,
    done: &Sender<()>,
) -> Result<Started, EngineError> {
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    let workers = cores.clamp(1, MOST_WORKERS).min(cfg.connections.max(1));
    let start = shared.stats.start;
    let open_at = |i: usize| match cfg.connect_rate {
        Some(rate) => start + Duration::from_secs_f64(i as f64 / rate),
        None => start,
    };
    let cfg = Arc::new(cfg.clone());
    let mut started = Started {
        threads: Vec::with_capacity(workers),
        pollers: Vec::with_capacity(workers),
        recorders: Vec::with_capacity(workers),
    };
    for w in 0..workers {
        let opens: Vec<Instant> = (w..cfg.connections).step_by(workers).map(open_at).collect();
        let poller = Arc::new(Poller::new().map_err(|err| EngineError::io(IoOp::Connect, &err))?);
        let rtt = Arc::new(RttRecorder::new());
        let setup = worker::WorkerSetup {
            cfg: cfg.clone(),
            opens,
            source: source.clone(),
            poller: poller.clone(),
            shared: shared.clone(),
            rtt: rtt.clone(),
            done: done.clone(),
        };
        let on_panic = shared.clone();
        let thread = Worker::new(WorkerRole::Send, format!("load-tcp {w} → {}", cfg.target))
            .stack_size(THREAD_STACK)
            .spawn(
                move || worker::run(setup),
                move |error| on_panic.fail(error),
            )?;
        started.threads.push(thread);
        started.pollers.push(poller);
        started.recorders.push(rtt);
    }
    Ok(started)
}
