//! One thread sends for every client of a server (as one thread reads for them,
//! see `reader.rs`): a thread per client would cost each a stack, and 10,000
//! clients 10,000 threads. Instead each client has a bounded queue here and sends
//! never wait: a client that does not read keeps its queue and is retried
//! a little later, while everyone else's data goes out.
//!
//! A panic while sending to a client closes that client (its `Closed` carries the
//! error); the writer keeps the other queues and goes on.

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};
use std::io;
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant, SystemTime};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};

use super::super::EngineError;
use super::super::capture::{CaptureDirection, CaptureSide, ConnectionEvent, notes};
use super::super::error::{IoOp, WorkerRole};
use super::super::worker::{Worker, catch};
use super::link::ClientLink;
use super::shared::Reporter;
use super::{ClientId, TcpServerEvent};

/// How long a client whose socket buffer is full waits before the next try.
const RETRY_STALLED: Duration = Duration::from_millis(20);

pub(super) struct WriteJob {
    pub link: Arc<ClientLink>,
    pub data: Vec<u8>,
    /// An auto-reply or farewell.
    pub auto: bool,
    /// Close the connection once this is out (the farewell).
    pub close_after: bool,
}

struct Outgoing {
    job: WriteJob,
    written: usize,
}

enum Flush {
    /// Everything queued for the client went out (or was dropped with it).
    Done,
    /// The client's socket buffer is full; try again later.
    Stalled,
}

pub(super) fn spawn(
    reporter: Arc<Reporter>,
    local: SocketAddr,
) -> Result<Sender<WriteJob>, EngineError> {
    let (jobs_tx, jobs) = crossbeam_channel::unbounded();
    Worker::new(WorkerRole::Send, format!("tcp-server-tx {local}")).spawn(
        move || {
            reporter.flow.worker_started();
            let mut writer = Writer {
                queues: HashMap::new(),
                last_retry: Instant::now(),
                current: None,
            };
            while let Err(error) = catch(WorkerRole::Send, || writer.run(&jobs, &reporter)) {
                writer.drop_current(error);
            }
        },
        // Only the bookkeeping above is left to panic, and it cannot: the loop
        // catches every panic of the sending itself.
        |_| {},
    )?;
    Ok(jobs_tx)
}

/// What the writer keeps across a panic.
struct Writer {
    queues: HashMap<ClientId, VecDeque<Outgoing>>,
    last_retry: Instant,
    /// The client being sent to, to close if the send panics.
    current: Option<ClientId>,
}

impl Writer {
    /// Sends until the server is gone.
    fn run(&mut self, jobs: &Receiver<WriteJob>, reporter: &Reporter) {
        loop {
            let first = if self.queues.is_empty() {
                match jobs.recv() {
                    Ok(job) => Some(job),
                    Err(_) => return,
                }
            } else {
                match jobs.recv_timeout(RETRY_STALLED) {
                    Ok(job) => Some(job),
                    Err(RecvTimeoutError::Timeout) => None,
                    // The server is gone; what is still queued cannot be delivered.
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            };
            let mut touched = Vec::new();
            for job in first.into_iter().chain(jobs.try_iter()) {
                let id = job.link.id;
                self.queues
                    .entry(id)
                    .or_default()
                    .push_back(Outgoing { job, written: 0 });
                touched.push(id);
            }
            let current = &mut self.current;
            if self.last_retry.elapsed() >= RETRY_STALLED {
                self.last_retry = Instant::now();
                self.queues.retain(|id, queue| {
                    *current = Some(*id);
                    matches!(flush(queue, reporter), Flush::Stalled)
                });
            } else {
                touched.dedup();
                for id in touched {
                    *current = Some(id);
                    if let Some(queue) = self.queues.get_mut(&id)
                        && matches!(flush(queue, reporter), Flush::Done)
                    {
                        self.queues.remove(&id);
                    }
                }
            }
            *current = None;
        }
    }

    /// After a panic: closes the client it happened on, with the error.
    fn drop_current(&mut self, error: EngineError) {
        let Some(queue) = self.current.take().and_then(|id| self.queues.remove(&id)) else {
            return;
        };
        if let Some(front) = queue.front() {
            let link = &front.job.link;
            link.queued.fetch_sub(queue.len(), Ordering::SeqCst);
            link.fail(error);
        }
    }
}

/// Sends as much of one client's queue as its socket takes without waiting.
fn flush(queue: &mut VecDeque<Outgoing>, reporter: &Reporter) -> Flush {
    while let Some(front) = queue.front_mut() {
        let link = front.job.link.clone();
        link.panic_send.check("send");
        if link.closing.load(Ordering::SeqCst) {
            link.queued.fetch_sub(queue.len(), Ordering::SeqCst);
            queue.clear();
            return Flush::Done;
        }
        // Held from the send until `Sent` is reported: the client may read the data
        // and hang up at once, and its `Closed` must not overtake this `Sent`.
        let order = link.lock_report_order();
        // The send never blocks, so holding the capture order across it is safe.
        let capture_order = reporter.capture.hold();
        let rest = &front.job.data[front.written..];
        let result = match &link.tls {
            Some(tls) => tls.send(&link.stream, rest),
            None => try_send(&link.stream, rest),
        };
        match result {
            Ok(len) => {
                front.written += len;
                if front.written < front.job.data.len() {
                    continue;
                }
                // TLS: done when its records are on the wire too.
                if link.tls.as_ref().is_some_and(|tls| tls.records_waiting()) {
                    return Flush::Stalled;
                }
                let Some(done) = queue.pop_front() else { break };
                link.queued.fetch_sub(1, Ordering::SeqCst);
                link.overflow_reported.store(false, Ordering::SeqCst);
                sent(&link, done.job, reporter);
                drop(capture_order);
                drop(order);
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) if is_would_block(&err) => return Flush::Stalled,
            Err(err) => {
                link.queued.fetch_sub(queue.len(), Ordering::SeqCst);
                queue.clear();
                reporter.report(TcpServerEvent::SendFailed {
                    client: link.id,
                    peer: link.peer,
                    error: EngineError::io(IoOp::Send, &err),
                });
                return Flush::Done;
            }
        }
    }
    Flush::Done
}

fn sent(link: &ClientLink, job: WriteJob, reporter: &Reporter) {
    if job.data.is_empty() {
        // Only asked to write a TLS session's waiting records: nothing to report.
        return;
    }
    link.counters.record_tx(job.data.len());
    reporter.totals.record_tx(job.data.len());
    let note = match (job.close_after, job.auto) {
        (true, _) => Some(Cow::Borrowed(notes::FAREWELL)),
        (false, true) => Some(Cow::Borrowed(notes::AUTO_REPLY)),
        (false, false) => None,
    };
    reporter
        .capture
        .record_noted(CaptureDirection::Tx, link.ends, &job.data, note);
    let close_after = job.close_after;
    reporter.report_sent(link, &job.data, SystemTime::now(), job.auto);
    if close_after {
        if let Some(tls) = &link.tls {
            tls.close_notify(&link.stream);
        }
        let _ = link.stream.shutdown(Shutdown::Both);
        // Only a farewell closes after it: the answer to the client's FIN.
        reporter
            .capture
            .connection(ConnectionEvent::Close, CaptureSide::Peer, link.ends, None);
    }
}

fn is_would_block(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// One send that never waits for the peer to read.
#[cfg(unix)]
pub(super) fn try_send(stream: &TcpStream, data: &[u8]) -> io::Result<usize> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let flags = libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL;
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let flags = libc::MSG_DONTWAIT;
    socket2::SockRef::from(stream).send_with_flags(data, flags)
}

/// Windows has no per-call non-blocking send, but the socket is non-blocking
/// (the reader needs it so), so a send the peer has no room for returns `WouldBlock`.
#[cfg(windows)]
pub(super) fn try_send(mut stream: &TcpStream, data: &[u8]) -> io::Result<usize> {
    use std::io::Write;
    stream.write(data)
}
