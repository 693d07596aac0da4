//! The replay's worker: connects, sends each message of a [`Plan`] when it is due
//! (the start instant plus its recorded offset, scaled, so lateness never adds
//! up), optionally waits for a reply after each, and reports as it goes. A second
//! thread reads the replies. Pause, resume and stop arrive as [`ReplayCommand`]s.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, select};

pub use super::config::{Pace, ReplayCommand, ReplayConfig, ReplayEnd, ReplayEvent, ReplayResult};
use super::plan::Plan;
use super::timing::{Lateness, instant_after, scaled, spin_until};
use crate::engine::error::WorkerRole;
use crate::engine::flow::{Admission, Way};
use crate::engine::link::{Got, Link};
use crate::engine::worker::Worker;
use crate::engine::{EngineError, Flow, Waker};

pub use crate::engine::link::Transport;

/// The longest nap between two looks at the commands.
const SLICE: Duration = Duration::from_millis(50);
/// The last stretch before a send is spun, not slept: a sleeper wakes late.
const SPIN: Duration = Duration::from_millis(1);
/// How often the reader looks whether the replay has ended.
const READ_POLL: Duration = Duration::from_millis(100);
/// After our FIN, how long the peer may still answer (the tutorial's says 再见!).
const FAREWELL: Duration = Duration::from_secs(1);
/// The most the peer may keep talking after the last message before we hang up.
const MOST_LINGER: Duration = Duration::from_secs(30);

/// What the worker and the reader share.
struct Shared {
    events: Sender<ReplayEvent>,
    waker: Waker,
    flow: Flow,
    replies: AtomicU64,
    reply_bytes: AtomicU64,
    /// The replay is over: the reader stops.
    ended: AtomicBool,
    /// The peer closed, or the connection failed (then `failure` says how).
    closed: AtomicBool,
    failure: Mutex<Option<EngineError>>,
    /// Held from a send until its event is out, so a reply that comes at once is
    /// reported after the message it answers.
    order: Mutex<()>,
}

impl Shared {
    fn report(&self, event: ReplayEvent) {
        if self.events.send(event).is_ok() {
            (self.waker)();
        }
    }

    fn hold_order(&self) -> std::sync::MutexGuard<'_, ()> {
        self.order.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn failure(&self) -> Option<EngineError> {
        self.failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// A replay running on its own thread; dropping it stops it.
pub struct Player {
    commands: Sender<ReplayCommand>,
    thread: Option<JoinHandle<()>>,
}

impl Player {
    /// Starts the worker; it connects, then sends. Everything after the start
    /// arrives as events, [`ReplayEvent::Done`] last.
    pub fn start(
        plan: Arc<Plan>,
        config: ReplayConfig,
        events: Sender<ReplayEvent>,
        waker: Waker,
    ) -> Result<Player, EngineError> {
        let (commands, inbox) = crossbeam_channel::unbounded();
        let name = format!("replay {}:{}", config.host, config.port);
        let (panic_events, panic_waker) = (events.clone(), waker.clone());
        let thread = Worker::new(WorkerRole::Send, name).spawn(
            move || {
                let shared = Arc::new(Shared {
                    events,
                    waker,
                    flow: Flow::new(config.flow),
                    replies: AtomicU64::new(0),
                    reply_bytes: AtomicU64::new(0),
                    ended: AtomicBool::new(false),
                    closed: AtomicBool::new(false),
                    failure: Mutex::new(None),
                    order: Mutex::new(()),
                });
                let done = play(&plan, &config, &inbox, &shared);
                shared.report(ReplayEvent::Done(done));
            },
            move |error| {
                let _ = panic_events.send(ReplayEvent::Done(Err(error)));
                panic_waker();
            },
        )?;
        Ok(Player {
            commands,
            thread: Some(thread),
        })
    }

    pub fn pause(&self) {
        let _ = self.commands.send(ReplayCommand::Pause);
    }

    pub fn resume(&self) {
        let _ = self.commands.send(ReplayCommand::Resume);
    }

    /// Asks the worker to stop; it reports `Done` within a slice (or when a
    /// connect in progress gives up).
    pub fn stop(&self) {
        let _ = self.commands.send(ReplayCommand::Stop);
    }

    pub fn is_finished(&self) -> bool {
        self.thread.as_ref().is_none_or(JoinHandle::is_finished)
    }
}

impl Drop for Player {
    fn drop(&mut self) {
        self.stop();
        // Joined only when already over: the window's thread never waits.
        if let Some(thread) = self.thread.take_if(|thread| thread.is_finished()) {
            let _ = thread.join();
        }
    }
}

fn play(
    plan: &Plan,
    config: &ReplayConfig,
    inbox: &Receiver<ReplayCommand>,
    shared: &Arc<Shared>,
) -> Result<ReplayResult, EngineError> {
    // Linux wakes a sleeper up to 50 µs late by default ("timer slack").
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::set_current_timer_slack(std::num::NonZeroU64::new(1));
    let link = Link::open(
        config.transport,
        &config.host,
        config.port,
        config.connect_timeout,
    )?;
    if let Ok((local, peer)) = link.addresses() {
        shared.report(ReplayEvent::Connected { local, peer });
    }
    let (signal, signals) = crossbeam_channel::bounded(1);
    let reader_link = link.reader(READ_POLL)?;
    let in_reader = shared.clone();
    let reader = Worker::new(WorkerRole::Receive, format!("replay-rx {}", config.host)).spawn(
        move || read_replies(reader_link, &in_reader, &signal),
        |_| {},
    )?;
    let mut run = Run {
        link,
        plan,
        config,
        inbox,
        shared,
        signals,
        lateness: Lateness::with_capacity(plan.len()),
        sent: 0,
        bytes: 0,
        missed: 0,
    };
    let started = Instant::now();
    let mut outcome = run.steps();
    let elapsed = started.elapsed();
    if let Ok(ReplayEnd::Finished) = outcome {
        outcome = run.linger().map(|()| ReplayEnd::Finished);
    }
    shared.ended.store(true, Ordering::SeqCst);
    run.link.close();
    let _ = reader.join();
    if let Some(skipped) = shared.flow.take_skipped() {
        shared.report(ReplayEvent::Skipped(skipped));
    }
    let end = outcome?;
    Ok(ReplayResult {
        sent: run.sent,
        total: plan.len() as u64,
        bytes: run.bytes,
        replies: shared.replies.load(Ordering::SeqCst),
        reply_bytes: shared.reply_bytes.load(Ordering::SeqCst),
        missed_replies: run.missed,
        timing: run.lateness.summary(),
        elapsed,
        end,
    })
}

/// How a wait ended.
enum Waited {
    /// Its time came (or its reply, at that instant).
    Done(Instant),
    /// Paused this long: the schedule moves by as much.
    Paused(Duration),
    /// Nothing before the deadline (a reply that did not come).
    Quiet,
    Stop,
    /// The peer closed or the connection failed.
    Closed,
}

struct Run<'a> {
    link: Link,
    plan: &'a Plan,
    config: &'a ReplayConfig,
    inbox: &'a Receiver<ReplayCommand>,
    shared: &'a Shared,
    /// One signal per reply read (at most one waiting).
    signals: Receiver<Instant>,
    lateness: Lateness,
    sent: u64,
    bytes: u64,
    missed: u64,
}

impl Run<'_> {
    fn steps(&mut self) -> Result<ReplayEnd, EngineError> {
        // Every due time is the base plus the message's scaled offset; a pause
        // or a late reply moves the base, never the offsets.
        let mut base = Instant::now();
        for index in 0..self.plan.len() {
            let due = loop {
                let due = self.due(base, index);
                match self.wait_until(due.unwrap_or_else(Instant::now))? {
                    Waited::Paused(pause) => base += pause,
                    Waited::Stop => return Ok(ReplayEnd::Stopped),
                    Waited::Closed => return self.closed(),
                    Waited::Done(_) | Waited::Quiet => break due,
                }
            };
            if self.config.reply_timeout.is_some() {
                while self.signals.try_recv().is_ok() {}
            }
            let data = self.plan.data(index);
            let order = self.shared.hold_order();
            let at = Instant::now();
            self.link.send(data)?;
            let late = due.map(|due| at.saturating_duration_since(due));
            self.shared.report(ReplayEvent::Sent {
                index,
                len: data.len(),
                at: SystemTime::now(),
                late,
            });
            drop(order);
            if let Some(late) = late {
                self.lateness.push(late);
            }
            self.sent += 1;
            self.bytes += data.len() as u64;
            let Some(timeout) = self.config.reply_timeout else {
                continue;
            };
            let reply_at = match self.wait_reply(timeout)? {
                Waited::Done(at) => at,
                Waited::Stop => return Ok(ReplayEnd::Stopped),
                Waited::Closed => return self.closed(),
                Waited::Paused(_) | Waited::Quiet => {
                    self.missed += 1;
                    self.shared.report(ReplayEvent::NoReply {
                        index,
                        waited: timeout,
                    });
                    if self.config.stop_on_missing_reply {
                        return Ok(ReplayEnd::NoReply);
                    }
                    Instant::now()
                }
            };
            // The next message keeps its gap, but never goes before the reply.
            if let Some(next_due) = self.due(base, index + 1)
                && reply_at > next_due
            {
                base += reply_at - next_due;
            }
        }
        Ok(ReplayEnd::Finished)
    }

    /// When message `index` is due; `None` as fast as possible (or past the end).
    fn due(&self, base: Instant, index: usize) -> Option<Instant> {
        let step = self.plan.steps.get(index)?;
        match self.config.pace {
            Pace::Recorded { speed } => Some(instant_after(base, scaled(step.offset, speed))),
            Pace::Asap => None,
        }
    }

    /// The peer closed or the connection failed: the failure, if there was one.
    fn closed(&self) -> Result<ReplayEnd, EngineError> {
        match self.shared.failure() {
            Some(error) => Err(error),
            None => Ok(ReplayEnd::PeerClosed),
        }
    }

    fn is_closed(&self) -> bool {
        self.shared.closed.load(Ordering::SeqCst)
    }

    /// Naps (minding the commands) until just before `due`, then spins to it.
    fn wait_until(&self, due: Instant) -> Result<Waited, EngineError> {
        loop {
            if self.is_closed() {
                return Ok(Waited::Closed);
            }
            let now = Instant::now();
            if now + SPIN >= due {
                spin_until(due);
                return Ok(Waited::Done(due));
            }
            let nap = (due - now - SPIN).min(SLICE);
            match self.inbox.recv_timeout(nap) {
                Ok(ReplayCommand::Pause) => return self.paused(),
                Ok(ReplayCommand::Resume) | Err(RecvTimeoutError::Timeout) => {}
                Ok(ReplayCommand::Stop) | Err(RecvTimeoutError::Disconnected) => {
                    return Ok(Waited::Stop);
                }
            }
        }
    }

    /// Waits for a reply, up to `timeout` (a pause does not count against it).
    fn wait_reply(&self, timeout: Duration) -> Result<Waited, EngineError> {
        let mut deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            select! {
                recv(self.signals) -> at => return Ok(match at {
                    Ok(at) => Waited::Done(at),
                    Err(_) => Waited::Closed,
                }),
                recv(self.inbox) -> command => match command {
                    Ok(ReplayCommand::Pause) => match self.paused()? {
                        Waited::Paused(pause) => deadline += pause,
                        other => return Ok(other),
                    },
                    Ok(ReplayCommand::Resume) => {}
                    Ok(ReplayCommand::Stop) | Err(_) => return Ok(Waited::Stop),
                },
                default(left) => return Ok(Waited::Quiet),
            }
        }
    }

    /// Paused until Resume (how long it lasted) or Stop.
    fn paused(&self) -> Result<Waited, EngineError> {
        let since = Instant::now();
        self.shared.report(ReplayEvent::Paused);
        loop {
            if self.is_closed() {
                return Ok(Waited::Closed);
            }
            match self.inbox.recv_timeout(SLICE) {
                Ok(ReplayCommand::Resume) => {
                    self.shared.report(ReplayEvent::Resumed);
                    return Ok(Waited::Paused(since.elapsed()));
                }
                Ok(ReplayCommand::Pause) | Err(RecvTimeoutError::Timeout) => {}
                Ok(ReplayCommand::Stop) | Err(RecvTimeoutError::Disconnected) => {
                    return Ok(Waited::Stop);
                }
            }
        }
    }

    /// After the last message: the peer's last replies until it is quiet for
    /// the linger time, then (TCP) our FIN and its farewell.
    fn linger(&self) -> Result<(), EngineError> {
        let hard_stop = Instant::now() + self.config.linger + MOST_LINGER;
        let mut quiet_from = Instant::now();
        while self.wait_quiet(&mut quiet_from, self.config.linger, hard_stop) {}
        if let Some(error) = self.shared.failure() {
            return Err(error);
        }
        if self.is_closed() || self.config.transport == Transport::Udp {
            return Ok(());
        }
        self.link.finish_sending();
        let farewell = Instant::now() + FAREWELL;
        let mut since = Instant::now();
        while self.wait_quiet(&mut since, FAREWELL, farewell) {}
        Ok(())
    }

    /// One wait for a reply within `quiet` of the last; false once quiet, closed,
    /// stopped or past `hard_stop`.
    fn wait_quiet(&self, last: &mut Instant, quiet: Duration, hard_stop: Instant) -> bool {
        if self.is_closed() {
            return false;
        }
        let until = (*last + quiet).min(hard_stop);
        let left = until.saturating_duration_since(Instant::now());
        select! {
            recv(self.signals) -> at => match at {
                Ok(at) => {
                    *last = at;
                    Instant::now() < hard_stop
                }
                Err(_) => false,
            },
            recv(self.inbox) -> command => !matches!(command, Ok(ReplayCommand::Stop) | Err(_)),
            default(left) => false,
        }
    }
}

/// The reader: reports each reply (within the flow's budget) and signals it.
fn read_replies(mut link: Link, shared: &Shared, signal: &Sender<Instant>) {
    shared.flow.worker_started();
    let mut buf = Link::buffer();
    while !shared.ended.load(Ordering::SeqCst) {
        match link.read(&mut buf) {
            Ok(Got::Data(len)) => {
                let data = &buf[..len];
                shared.replies.fetch_add(1, Ordering::SeqCst);
                shared.reply_bytes.fetch_add(len as u64, Ordering::SeqCst);
                let at = SystemTime::now();
                // Budget first (it may wait for a slow consumer), then the order:
                // the sender never waits on the consumer through the lock.
                if let Admission::Report { skipped, payload } =
                    shared.flow.admit(Way::Received, data)
                {
                    let _order = shared.hold_order();
                    if let Some(skipped) = skipped {
                        shared.report(ReplayEvent::Skipped(skipped));
                    }
                    shared.report(ReplayEvent::Received { data: payload, at });
                }
                let _ = signal.try_send(Instant::now());
            }
            Ok(Got::Quiet) => {}
            Ok(Got::Closed) => {
                shared.closed.store(true, Ordering::SeqCst);
                shared.report(ReplayEvent::ClosedByPeer);
                return;
            }
            Err(error) => {
                if !shared.ended.load(Ordering::SeqCst) {
                    *shared
                        .failure
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner) = Some(error);
                    shared.closed.store(true, Ordering::SeqCst);
                }
                return;
            }
        }
    }
}
