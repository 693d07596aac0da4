//! UDP load: one thread sends on pace, another (when echoes are expected) counts
//! them and times each against its send, matched by the number the sender writes
//! in the first 8 bytes of a random payload.

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crossbeam_channel::Sender;
use socket2::{Domain, Protocol, Socket, Type};

use super::RunShared;
use super::config::{MessageSource, UdpLoad};
use super::pace::Pace;
use super::rtt::RttRecorder;
use super::stats::LoadFault;
use crate::engine::EngineError;
use crate::engine::error::is_wait;
use crate::engine::error::{IoOp, WorkerRole};
use crate::engine::worker::Worker;

/// Sends remembered for matching echoes: an echo later than this many sends is
/// counted but not timed.
const RING: usize = 1 << 16;
/// The longest sleep between two looks at the stop flags.
const LOOK: Duration = Duration::from_millis(20);
const RECV_BUFFER: usize = 4 * 1024 * 1024;
/// The bytes that carry a datagram's number.
pub const STAMP: usize = 8;

/// When each recent datagram went out, by its number.
struct SendTimes {
    /// The number + 1 in each slot (0: empty), written after the time.
    numbers: Vec<AtomicU64>,
    nanos: Vec<AtomicU64>,
}

impl SendTimes {
    fn new() -> Self {
        SendTimes {
            numbers: (0..RING).map(|_| AtomicU64::new(0)).collect(),
            nanos: (0..RING).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    fn put(&self, number: u64, nanos: u64) {
        let slot = (number % RING as u64) as usize;
        self.nanos[slot].store(nanos, Ordering::Relaxed);
        self.numbers[slot].store(number.wrapping_add(1), Ordering::Release);
    }

    fn get(&self, number: u64) -> Option<u64> {
        let slot = (number % RING as u64) as usize;
        (self.numbers[slot].load(Ordering::Acquire) == number.wrapping_add(1))
            .then(|| self.nanos[slot].load(Ordering::Relaxed))
    }
}

/// What the sender tells the receiver.
struct Sending {
    times: SendTimes,
    done: AtomicBool,
}

pub(super) struct Started {
    pub threads: Vec<JoinHandle<()>>,
    pub recorder: Arc<RttRecorder>,
}

pub(super) fn start(
    cfg: &UdpLoad,
    source: MessageSource,
    stamp: bool,
    shared: &Arc<RunShared>,
    done: &Sender<()>,
) -> Result<Started, EngineError> {
    let socket = connect(cfg.target)?;
    shared.stats.connected();
    let sending = Arc::new(Sending {
        times: SendTimes::new(),
        done: AtomicBool::new(false),
    });
    let recorder = Arc::new(RttRecorder::new());
    let mut threads = Vec::new();
    if cfg.expect_reply {
        let socket = socket
            .try_clone()
            .map_err(|err| EngineError::io(IoOp::Receive, &err))?;
        let (cfg, shared, sending, recorder, done) = (
            cfg.clone(),
            shared.clone(),
            sending.clone(),
            recorder.clone(),
            done.clone(),
        );
        let on_panic = shared.clone();
        threads.push(
            Worker::new(WorkerRole::Receive, format!("load-udp-rx {}", cfg.target)).spawn(
                move || {
                    let _done = done;
                    receive_loop(&socket, &cfg, stamp, &shared, &sending, &recorder);
                },
                move |error| on_panic.fail(error),
            )?,
        );
    }
    let (cfg, shared, done) = (cfg.clone(), shared.clone(), done.clone());
    let on_panic = shared.clone();
    threads.push(
        Worker::new(WorkerRole::Send, format!("load-udp {}", cfg.target)).spawn(
            move || {
                let _done = done;
                send_loop(&socket, &cfg, source, stamp, &shared, &sending);
                sending.done.store(true, Ordering::SeqCst);
                if !cfg.expect_reply {
                    shared.stats.closed();
                }
            },
            move |error| on_panic.fail(error),
        )?,
    );
    Ok(Started { threads, recorder })
}

fn connect(target: SocketAddr) -> Result<UdpSocket, EngineError> {
    let fail = |err: io::Error| EngineError::io(IoOp::Connect, &err);
    let socket = Socket::new(
        Domain::for_address(target),
        Type::DGRAM,
        Some(Protocol::UDP),
    )
    .map_err(fail)?;
    let _ = socket.set_recv_buffer_size(RECV_BUFFER);
    let any: SocketAddr = if target.is_ipv6() {
        (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
    } else {
        (std::net::Ipv4Addr::UNSPECIFIED, 0).into()
    };
    socket
        .bind(&any.into())
        .map_err(|err| EngineError::from_bind(any, &err))?;
    socket.connect(&target.into()).map_err(fail)?;
    Ok(socket.into())
}

fn send_loop(
    socket: &UdpSocket,
    cfg: &UdpLoad,
    mut source: MessageSource,
    stamp: bool,
    shared: &RunShared,
    sending: &Sending,
) {
    // Linux wakes a sleeper up to 50 µs late by default; 1 ns keeps the pace tight.
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::set_current_timer_slack(std::num::NonZeroU64::new(1));
    let stats = &shared.stats;
    let pace = cfg.rate.map(|rate| Pace::new(Instant::now(), rate));
    // A stamped payload is the same bytes each time but its first 8.
    let mut stamped: Vec<u8> = match (&mut source, stamp) {
        (source, true) => source
            .next()
            .map(|bytes| bytes.to_vec())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let mut number = 0u64;
    while !shared.stopping() && cfg.count.is_none_or(|count| number < count) {
        if let Some(pace) = pace {
            let (due, now) = (pace.due(number), Instant::now());
            if due > now {
                thread::sleep((due - now).min(LOOK));
                continue;
            }
        }
        let fresh;
        let datagram: &[u8] = if stamp && stamped.len() >= STAMP {
            stamped[..STAMP].copy_from_slice(&number.to_le_bytes());
            &stamped
        } else {
            match source.next() {
                Some(bytes) => {
                    fresh = bytes;
                    &fresh
                }
                None => {
                    stats.fault(LoadFault::Other);
                    number += 1;
                    continue;
                }
            }
        };
        let at = Instant::now();
        sending.times.put(number, stats.since_start(at));
        match socket.send(datagram) {
            Ok(len) => {
                stats.bytes_sent(len);
                stats.message_sent(at);
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            // An earlier datagram drew "port unreachable": this one did not go.
            Err(err) => stats.fault(LoadFault::from_io(&err)),
        }
        number += 1;
    }
}

fn receive_loop(
    socket: &UdpSocket,
    cfg: &UdpLoad,
    stamp: bool,
    shared: &RunShared,
    sending: &Sending,
    recorder: &RttRecorder,
) {
    let stats = &shared.stats;
    let _ = socket.set_read_timeout(Some(LOOK));
    let mut buf = vec![0u8; 64 * 1024];
    let mut sending_ended: Option<Instant> = None;
    loop {
        if shared.abort.load(Ordering::Relaxed) {
            break;
        }
        if sending.done.load(Ordering::SeqCst) {
            let ended = *sending_ended.get_or_insert_with(Instant::now);
            if stats.received() >= stats.sent() || ended.elapsed() >= cfg.reply_timeout {
                break;
            }
        }
        match socket.recv(&mut buf) {
            Ok(len) => {
                let at = Instant::now();
                stats.bytes_received(len);
                stats.message_received();
                if stamp && len >= STAMP {
                    let mut number = [0u8; STAMP];
                    number.copy_from_slice(&buf[..STAMP]);
                    if let Some(sent) = sending.times.get(u64::from_le_bytes(number)) {
                        let nanos = stats.since_start(at).saturating_sub(sent);
                        recorder.record(Duration::from_nanos(nanos));
                    }
                }
            }
            Err(err) if is_wait(&err) => {}
            Err(err) => {
                stats.fault(LoadFault::from_io(&err));
                if err.kind() != io::ErrorKind::ConnectionRefused {
                    thread::sleep(LOOK);
                }
            }
        }
    }
    let missing = stats.sent().saturating_sub(stats.received());
    if !shared.abort.load(Ordering::Relaxed) {
        stats.faults_add(LoadFault::ReplyTimeout, missing);
    }
    stats.closed();
}
