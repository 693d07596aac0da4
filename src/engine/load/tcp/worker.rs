//! One worker thread of a TCP load run: a share of the connections, each a
//! non-blocking socket registered with the worker's poller (epoll, kqueue, IOCP),
//! so 10,000 connections take a few threads, not 10,000. The loop opens the
//! connections whose time has come, sends what the pace says is due, serves the
//! sockets the poller reports, and checks the deadlines every [`SWEEP`].

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crossbeam_channel::Sender;
use polling::{Events, Poller};

use super::super::RunShared;
use super::super::config::{MessageSource, TcpLoad};
use super::super::rtt::RttRecorder;
use super::super::stats::{LoadFault, LoadStats};
use super::conn::{Conn, Timers, Turn};

/// One read buffer per worker, shared by its connections.
const READ_BUFFER: usize = 64 * 1024;
/// How often the deadlines are checked (and the stop flag at the latest).
const SWEEP: Duration = Duration::from_millis(20);
/// Connections opened in a row before the open ones get a turn.
const OPENS_PER_TURN: usize = 64;

pub(super) struct WorkerSetup {
    pub cfg: Arc<TcpLoad>,
    /// When each of this worker's connections opens, in order.
    pub opens: Vec<Instant>,
    pub source: MessageSource,
    pub poller: Arc<Poller>,
    pub shared: Arc<RunShared>,
    pub rtt: Arc<RttRecorder>,
    /// Dropped when the worker ends: the monitor hears it.
    pub done: Sender<()>,
}

pub(super) fn run(setup: WorkerSetup) {
    let WorkerSetup {
        cfg,
        opens,
        mut source,
        poller,
        shared,
        rtt,
        done: _done,
    } = setup;
    let stats = &shared.stats;
    let mut conns: Vec<Option<Conn>> = Vec::with_capacity(opens.len());
    let mut timers = Timers::new();
    let mut events = Events::new();
    let mut buf = vec![0u8; READ_BUFFER];
    let (mut next_open, mut live) = (0usize, 0usize);
    let mut last_sweep = Instant::now();
    let mut sending_over = false;
    macro_rules! turn {
        ($now:expr) => {
            Turn {
                cfg: &cfg,
                stats,
                rtt: &rtt,
                source: &mut source,
                timers: &mut timers,
                now: $now,
            }
        };
    }
    loop {
        if shared.abort.load(Ordering::Relaxed) {
            break;
        }
        let now = Instant::now();
        if !sending_over && shared.sending_over.load(Ordering::Relaxed) {
            sending_over = true;
            next_open = opens.len();
            for slot in conns.iter_mut() {
                if let Some(conn) = slot {
                    conn.stop_sending(&mut turn!(now));
                }
                settle(slot, &poller, stats, &mut live);
            }
        }
        let mut opened = 0;
        while next_open < opens.len() && opens[next_open] <= now && opened < OPENS_PER_TURN {
            let key = conns.len();
            match Conn::open(key, &cfg, now) {
                Ok(mut conn) => match conn.register(&poller) {
                    Ok(()) => {
                        conns.push(Some(conn));
                        live += 1;
                    }
                    Err(err) => {
                        stats.failed(LoadFault::from_io(&err));
                        conns.push(None);
                    }
                },
                Err(err) => {
                    stats.failed(LoadFault::from_io(&err));
                    conns.push(None);
                }
            }
            next_open += 1;
            opened += 1;
        }
        while let Some(&std::cmp::Reverse((at, key))) = timers.peek() {
            if at > now {
                break;
            }
            timers.pop();
            if let Some(slot) = conns.get_mut(key) {
                if let Some(conn) = slot {
                    conn.on_timer(&mut turn!(now));
                }
                settle(slot, &poller, stats, &mut live);
            }
        }
        if now.duration_since(last_sweep) >= SWEEP {
            last_sweep = now;
            for slot in conns.iter_mut() {
                if let Some(conn) = slot {
                    conn.sweep(&mut turn!(now));
                }
                settle(slot, &poller, stats, &mut live);
            }
        }
        if next_open == opens.len() && live == 0 {
            break;
        }
        let mut wake = last_sweep + SWEEP;
        if let Some(&std::cmp::Reverse((at, _))) = timers.peek() {
            wake = wake.min(at);
        }
        if let Some(&at) = opens.get(next_open) {
            wake = wake.min(at);
        }
        let timeout = if opened == OPENS_PER_TURN {
            Duration::ZERO
        } else {
            wake.saturating_duration_since(Instant::now())
        };
        #[cfg(unix)]
        if opens.len() == 1
            && let Some(Some(conn)) = conns.first_mut()
            && conn.awaits_reply()
        {
            conn.wait_reply(&mut turn!(Instant::now()), timeout, &mut buf);
            settle(&mut conns[0], &poller, stats, &mut live);
            continue;
        }
        events.clear();
        if let Err(err) = poller.wait(&mut events, Some(timeout))
            && err.kind() != std::io::ErrorKind::Interrupted
        {
            stats.fault(LoadFault::from_io(&err));
            break;
        }
        let now = Instant::now();
        for event in events.iter() {
            if let Some(slot) = conns.get_mut(event.key) {
                if let Some(conn) = slot {
                    conn.on_event(&mut turn!(now), event.readable, event.writable, &mut buf);
                }
                settle(slot, &poller, stats, &mut live);
            }
        }
    }
    for slot in conns.iter_mut() {
        if let Some(conn) = slot {
            conn.abandon(stats);
        }
        settle(slot, &poller, stats, &mut live);
    }
}

/// After a step: a finished connection leaves the poller and is closed; a live one
/// waits for what it needs next.
fn settle(slot: &mut Option<Conn>, poller: &Poller, stats: &LoadStats, live: &mut usize) {
    let Some(conn) = slot else { return };
    if !conn.is_done() {
        if conn.rearm(poller).is_ok() {
            return;
        }
        // The poller refused it: end it rather than leave it deaf.
        conn.force_done(stats);
    }
    conn.deregister(poller);
    *slot = None;
    *live = live.saturating_sub(1);
}
