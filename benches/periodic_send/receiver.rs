//! What a datagram carries, and the std socket that timestamps each arrival.

use std::io;
use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::common::join;
use crate::common::net::recv_until_stopped;

/// Sequence number and send-call time (ns since the run's epoch), both little-endian.
pub const PAYLOAD_LEN: usize = 16;
/// Read timeout of the receiver, so it notices the stop flag.
const RECV_POLL: Duration = Duration::from_millis(50);
/// After the sender is done, the receiver is given this long to see the last datagrams.
const SETTLE_CAP: Duration = Duration::from_secs(1);

pub fn encode(seq: u64, called: Duration) -> Vec<u8> {
    let mut payload = Vec::with_capacity(PAYLOAD_LEN);
    payload.extend_from_slice(&seq.to_le_bytes());
    payload.extend_from_slice(&(called.as_nanos() as u64).to_le_bytes());
    payload
}

/// One datagram as the receiver saw it; times in µs since the run's epoch.
#[derive(Debug, Clone, Copy)]
pub struct Arrival {
    pub seq: u64,
    /// When the sender handed it over (in the Repeater's send closure, or just before
    /// a std socket's `send_to`).
    pub called: f64,
    pub arrived: f64,
}

/// A std socket whose thread timestamps each arrival the moment `recv_from` returns.
pub struct Receiver {
    pub target: SocketAddr,
    stop: Arc<AtomicBool>,
    count: Arc<AtomicU64>,
    thread: JoinHandle<io::Result<Vec<Arrival>>>,
}

impl Receiver {
    pub fn start(epoch: Instant, expected: u64) -> io::Result<Self> {
        let socket = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?;
        socket.set_read_timeout(Some(RECV_POLL))?;
        let target = socket.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let count = Arc::new(AtomicU64::new(0));
        let thread = {
            let (stop, count) = (stop.clone(), count.clone());
            thread::Builder::new()
                .name(format!("periodic-rx {target}"))
                .spawn(move || {
                    let capacity = usize::try_from(expected).unwrap_or(0).min(10_000_000);
                    let mut arrivals = Vec::with_capacity(capacity);
                    recv_until_stopped(&socket, &stop, 2048, |data| {
                        let arrived = epoch.elapsed();
                        if data.len() < PAYLOAD_LEN {
                            return;
                        }
                        let word = |at: usize| {
                            u64::from_le_bytes(data[at..at + 8].try_into().expect("8 bytes"))
                        };
                        arrivals.push(Arrival {
                            seq: word(0),
                            called: word(8) as f64 / 1e3,
                            arrived: arrived.as_secs_f64() * 1e6,
                        });
                        count.fetch_add(1, Ordering::Relaxed);
                    })?;
                    Ok(arrivals)
                })?
        };
        Ok(Receiver {
            target,
            stop,
            count,
            thread,
        })
    }

    /// Waits (at most `SETTLE_CAP`) for `expected` datagrams, then stops the thread.
    pub fn finish(self, expected: u64) -> io::Result<Vec<Arrival>> {
        let start = Instant::now();
        while self.count.load(Ordering::Relaxed) < expected && start.elapsed() < SETTLE_CAP {
            thread::sleep(Duration::from_millis(5));
        }
        self.stop.store(true, Ordering::Relaxed);
        join(self.thread, "periodic-rx")
    }
}
