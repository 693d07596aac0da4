//! One measurement: a paced (or flat-out) sender thread against the engine's
//! `UdpEndpoint` with a UI-like consumer, or against the plain reference receiver.

use std::collections::VecDeque;
use std::io;
use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use netdbg::engine::udp::DEFAULT_RECV_BUFFER;
use netdbg::engine::{UdpConfig, UdpEndpoint, UdpEvent, no_waker};
use socket2::{Domain, Protocol, Socket, Type};

use crate::common::figures::per_sec;
use crate::common::net::recv_until_stopped;
use crate::common::options::number;
use crate::common::procfs::{CounterRise, own_status_field};
use crate::common::{failed, join};

pub const PAYLOAD_LEN: usize = 64;
/// The consumer keeps the last this many payloads, like the UI's log.
pub const KEEP_PAYLOADS: usize = 100_000;
/// At most this many datagrams are sent between two looks at the clock.
const BURST: u64 = 64;
/// How often the main thread samples counters, the channel and RSS.
const POLL: Duration = Duration::from_millis(20);
/// After the sender stops, counters count as settled once quiet this long...
const SETTLE_QUIET: Duration = Duration::from_millis(100);
/// ...or once this much time has passed.
const SETTLE_CAP: Duration = Duration::from_secs(1);
/// Read timeout of the plain receiver, so it notices the stop flag.
const PLAIN_POLL: Duration = Duration::from_millis(100);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rate {
    Paced(u64),
    Max,
}

impl Rate {
    /// `max`, or datagrams per second in 1..=10000000 (clap's value parser).
    pub fn parse(text: &str) -> Result<Rate, String> {
        match text.trim() {
            "max" => Ok(Rate::Max),
            rate => number(1..=10_000_000u64)(rate)
                .map(Rate::Paced)
                .map_err(|_| format!("bad rate {rate:?} (1..=10000000 or max)")),
        }
    }

    pub fn label(self) -> String {
        match self {
            Rate::Paced(rate) => rate.to_string(),
            Rate::Max => "max".to_owned(),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct SendStats {
    pub sent: u64,
    pub errors: u64,
    pub elapsed: Duration,
}

/// Sends `PAYLOAD_LEN`-byte datagrams to `target` from a fresh loopback socket until
/// `max_count` are sent or `duration` has passed. A paced rate is kept against the
/// clock in bursts of at most `BURST`; the sender sleeps whenever it is ahead.
fn spawn_sender(
    target: SocketAddr,
    rate: Rate,
    max_count: u64,
    duration: Duration,
) -> io::Result<JoinHandle<io::Result<SendStats>>> {
    let socket = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?;
    socket.connect(target)?;
    thread::Builder::new()
        .name("flood-tx".to_owned())
        .spawn(move || {
            let mut payload = [0xA5u8; PAYLOAD_LEN];
            let (mut sent, mut errors) = (0u64, 0u64);
            let start = Instant::now();
            loop {
                let elapsed = start.elapsed();
                if sent >= max_count || elapsed >= duration {
                    break;
                }
                let due = match rate {
                    Rate::Max => max_count,
                    Rate::Paced(rate) => {
                        let due = elapsed.as_nanos() * u128::from(rate) / 1_000_000_000 + 1;
                        u64::try_from(due).unwrap_or(u64::MAX).min(max_count)
                    }
                };
                if sent >= due {
                    if let Rate::Paced(rate) = rate {
                        // Datagram number `sent` is due at sent / rate seconds.
                        let next = Duration::from_nanos(
                            u64::try_from(u128::from(sent) * 1_000_000_000 / u128::from(rate))
                                .unwrap_or(u64::MAX),
                        );
                        thread::sleep(next.saturating_sub(elapsed));
                    }
                    continue;
                }
                for _ in 0..(due - sent).min(BURST) {
                    payload[..8].copy_from_slice(&sent.to_le_bytes());
                    match socket.send(&payload) {
                        Ok(_) => sent += 1,
                        Err(_) => {
                            errors += 1;
                            break;
                        }
                    }
                }
            }
            Ok(SendStats {
                sent,
                errors,
                elapsed: start.elapsed(),
            })
        })
}

/// Waits until `read` stops rising (quiet for `SETTLE_QUIET`, at most `SETTLE_CAP`).
fn settle(read: impl Fn() -> u64) -> u64 {
    let start = Instant::now();
    let mut last = read();
    let mut last_change = Instant::now();
    while start.elapsed() < SETTLE_CAP {
        thread::sleep(POLL);
        let now = read();
        if now != last {
            last = now;
            last_change = Instant::now();
        } else if last_change.elapsed() >= SETTLE_QUIET {
            break;
        }
    }
    read()
}

/// The kernel's count of UDP datagrams dropped for a full receive buffer, from now on.
fn kernel_rcvbuf_errors() -> CounterRise<1> {
    CounterRise::start("/proc/net/snmp", "Udp:", ["RcvbufErrors"])
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Outcome {
    pub send: Option<SendStats>,
    pub received: u64,
    /// Taken by the consumer when the counters had settled (engine only).
    pub delivered: Option<u64>,
    /// Taken by the consumer in the end, after the endpoint closed (engine only).
    pub delivered_final: Option<u64>,
    /// Largest number of events waiting in the channel seen while sending.
    pub backlog_peak: Option<usize>,
    /// How long the consumer took to empty the channel after the endpoint closed.
    pub drain: Option<Duration>,
    /// Kernel `Udp: RcvbufErrors` rise over the run (whole network namespace).
    pub kernel_drops: Option<u64>,
    /// Process RSS (KiB) with the endpoint still open, after settling.
    pub rss_open_kib: Option<u64>,
}

impl Outcome {
    pub fn stats(&self) -> SendStats {
        self.send.expect("sender stats")
    }

    pub fn loss_pct(&self) -> f64 {
        let sent = self.stats().sent;
        if sent == 0 {
            return 0.0;
        }
        sent.saturating_sub(self.received) as f64 * 100.0 / sent as f64
    }

    pub fn send_rate(&self) -> f64 {
        per_sec(self.stats().sent, self.stats().elapsed)
    }

    /// Received datagrams per second of sending.
    pub fn rx_rate(&self) -> f64 {
        per_sec(self.received, self.stats().elapsed)
    }
}

/// Floods a `UdpEndpoint` whose events a UI-like consumer thread drains.
pub fn run_engine(rate: Rate, max_count: u64, duration: Duration) -> io::Result<Outcome> {
    let (events_tx, events_rx) = crossbeam_channel::unbounded();
    let config = UdpConfig::new(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)));
    let endpoint =
        UdpEndpoint::open(&config, events_tx, no_waker()).map_err(failed("UdpEndpoint::open"))?;
    let target = endpoint.local_addr();
    let delivered = Arc::new(AtomicU64::new(0));
    let probe = events_rx.clone();

    let consumer = {
        let delivered = delivered.clone();
        thread::Builder::new()
            .name("flood-consumer".to_owned())
            .spawn(move || {
                let mut kept: VecDeque<Vec<u8>> = VecDeque::with_capacity(KEEP_PAYLOADS);
                for event in events_rx.iter() {
                    match event {
                        UdpEvent::Received(datagram) => {
                            if kept.len() == KEEP_PAYLOADS {
                                kept.pop_front();
                            }
                            kept.push_back(datagram.data.into_vec());
                            delivered.fetch_add(1, Ordering::Relaxed);
                        }
                        UdpEvent::Error(err) => eprintln!("engine error: {err}"),
                        UdpEvent::Closed => break,
                        UdpEvent::Bound { .. } | UdpEvent::Sent(_) | UdpEvent::Skipped(_) => {}
                    }
                }
                Ok(kept.len())
            })?
    };

    let drops = kernel_rcvbuf_errors();
    let sender = spawn_sender(target, rate, max_count, duration)?;
    let mut backlog_peak = 0;
    while !sender.is_finished() {
        thread::sleep(POLL);
        backlog_peak = backlog_peak.max(probe.len());
    }
    let send = join(sender, "flood-tx")?;
    let received = settle(|| endpoint.counters().snapshot().rx_packets);
    let delivered_at_settle = delivered.load(Ordering::Relaxed);
    let kernel_drops = drops.rise().map(|[errors]| errors);
    let rss_open_kib = own_status_field("VmRSS");

    endpoint.close();
    drop(probe);
    let drain_start = Instant::now();
    let _kept = join(consumer, "flood-consumer")?;
    let drain = drain_start.elapsed();

    Ok(Outcome {
        send: Some(send),
        received,
        delivered: Some(delivered_at_settle),
        delivered_final: Some(delivered.load(Ordering::Relaxed)),
        backlog_peak: Some(backlog_peak),
        drain: Some(drain),
        kernel_drops,
        rss_open_kib,
    })
}

/// Opens a plain std socket with the engine's receive buffer, set through socket2.
/// Returns it and the buffer size the kernel reports.
pub fn plain_socket() -> io::Result<(UdpSocket, usize)> {
    let socket = Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP))?;
    socket.set_recv_buffer_size(DEFAULT_RECV_BUFFER)?;
    socket.bind(&SocketAddr::from((Ipv4Addr::LOCALHOST, 0)).into())?;
    let effective = socket.recv_buffer_size()?;
    let socket: UdpSocket = socket.into();
    socket.set_read_timeout(Some(PLAIN_POLL))?;
    Ok((socket, effective))
}

/// The reference: a std socket in a loop calling `recv_from` and counting.
pub fn run_plain(rate: Rate, max_count: u64, duration: Duration) -> io::Result<Outcome> {
    let (socket, _) = plain_socket()?;
    let target = socket.local_addr()?;
    let count = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let receiver = {
        let (count, stop) = (count.clone(), stop.clone());
        thread::Builder::new()
            .name("plain-rx".to_owned())
            .spawn(move || {
                recv_until_stopped(&socket, &stop, 65_536, |_| {
                    count.fetch_add(1, Ordering::Relaxed);
                })
            })?
    };

    let drops = kernel_rcvbuf_errors();
    let sender = spawn_sender(target, rate, max_count, duration)?;
    let send = join(sender, "flood-tx");
    let received = settle(|| count.load(Ordering::Relaxed));
    let kernel_drops = drops.rise().map(|[errors]| errors);
    stop.store(true, Ordering::Relaxed);
    let receiver = join(receiver, "plain-rx");
    let send = send?;
    receiver?;

    Ok(Outcome {
        send: Some(send),
        received,
        kernel_drops,
        ..Outcome::default()
    })
}
