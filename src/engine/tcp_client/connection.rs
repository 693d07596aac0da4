//! One connection's threads: the first connects (and does the TLS handshake),
//! then reads until the end; the writer sends what is queued. Whichever panics,
//! the connection is closed and ends with `Failed` carrying the error.
//!
//! With TLS the two threads share one session through [`TlsDuplex`]: each does
//! its socket calls outside the session's lock (see `engine/tls/duplex.rs`).

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::Ordering;
use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

use crossbeam_channel::Receiver;

use super::super::EngineError;
use super::super::capture::{CaptureDirection, CaptureEnds, CaptureSide, ConnectionEvent};
use super::super::error::{IoOp, WorkerRole};
use super::super::tls::{HANDSHAKE_TIMEOUT, TlsDuplex, handshake};
use super::super::worker::Worker;
use super::connect::open_stream;
use super::{Link, Outgoing, THREAD_STACK, TcpClientConfig, TcpClientEvent};
use crate::codec::Framer;

pub(super) fn run_connection(
    config: &TcpClientConfig,
    tls: Option<rustls::ClientConnection>,
    link: &Link,
    shared: &Arc<OnceLock<TcpStream>>,
    queue: Receiver<Outgoing>,
) {
    link.flow.worker_started();
    let opened = open_stream(
        &config.host,
        config.port,
        config.local_port,
        config.connect_timeout,
    );
    let stream = match opened {
        Ok(stream) => stream,
        Err(error) => {
            if !link.stop.load(Ordering::SeqCst) {
                link.report(TcpClientEvent::Failed(error));
            }
            return;
        }
    };
    if link.stop.load(Ordering::SeqCst) {
        let _ = stream.shutdown(Shutdown::Both);
        return;
    }
    let (Ok(local), Ok(peer), Ok(writer)) =
        (stream.local_addr(), stream.peer_addr(), stream.try_clone())
    else {
        link.report(TcpClientEvent::Failed(EngineError::NotConnected));
        return;
    };
    let _ = stream.set_nodelay(true);
    if let Ok(handle) = stream.try_clone() {
        let _ = shared.set(handle);
    }
    link.report(TcpClientEvent::Connected { local, peer });
    let ends = CaptureEnds::tcp(local, peer);
    link.capture
        .connection(ConnectionEvent::Open, CaptureSide::Local, ends, None);
    let duplex = match tls {
        Some(session) => match secure(session, &stream, &writer, link, ends) {
            Some(duplex) => Some(duplex),
            None => return,
        },
        None => None,
    };
    let writer = Sink {
        stream: writer,
        tls: duplex.clone(),
    };
    let (writer_link, panicked_link, panicked_stream) =
        (link.clone(), link.clone(), shared.clone());
    let spawned = Worker::new(WorkerRole::Send, format!("tcp-client-tx {peer}"))
        .stack_size(THREAD_STACK)
        .spawn(
            move || write_loop(writer, ends, &queue, &writer_link),
            move |error| writer_panicked(&panicked_link, &panicked_stream, error),
        );
    if let Err(error) = spawned {
        let end = TcpClientEvent::Failed(error);
        capture_end(link, ends, &end);
        link.report(end);
        let _ = stream.shutdown(Shutdown::Both);
        return;
    }
    read_loop(
        stream,
        duplex,
        ends,
        link,
        Framer::new(config.framing.clone()),
    );
}

/// The TLS handshake (with its deadline); `None` when it failed, and said so.
fn secure(
    session: rustls::ClientConnection,
    stream: &TcpStream,
    writer: &TcpStream,
    link: &Link,
    ends: CaptureEnds,
) -> Option<Arc<TlsDuplex>> {
    let mut session = rustls::Connection::from(session);
    match handshake(&mut session, stream, HANDSHAKE_TIMEOUT) {
        Ok(info) => {
            link.report(TcpClientEvent::Tls(info));
            let writer = writer.try_clone().ok()?;
            Some(Arc::new(TlsDuplex::new(session, writer)))
        }
        Err(error) => {
            link.stop.store(true, Ordering::SeqCst);
            let _ = stream.shutdown(Shutdown::Both);
            let end = TcpClientEvent::Failed(EngineError::Tls(error));
            capture_end(link, ends, &end);
            ended(link, end);
            None
        }
    }
}

/// Where the writer's bytes go: the socket, or the TLS session on it.
struct Sink {
    stream: TcpStream,
    tls: Option<Arc<TlsDuplex>>,
}

impl Sink {
    fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        match &self.tls {
            Some(tls) => tls.send(data),
            None => self.stream.write_all(data),
        }
    }

    fn end_writes(&self) {
        if let Some(tls) = &self.tls {
            let _ = tls.close_notify();
        }
        let _ = self.stream.shutdown(Shutdown::Write);
    }
}

fn read_loop(
    mut stream: TcpStream,
    tls: Option<Arc<TlsDuplex>>,
    ends: CaptureEnds,
    link: &Link,
    mut framer: Framer,
) {
    let mut buf = vec![0u8; 64 * 1024];
    let mut plain = Vec::new();
    let mut gap = GapTimer::default();
    // What the server sent right after its handshake was read by the handshake.
    if let Some(tls) = &tls
        && tls.absorb(&[], &mut plain).is_ok()
        && !plain.is_empty()
    {
        link.counters.record_rx(plain.len());
        link.capture.record(CaptureDirection::Rx, ends, &plain);
        link.report_frames(framer.push(&plain), SystemTime::now());
    }
    let end = loop {
        gap.arm(&stream, &framer);
        match stream.read(&mut buf) {
            Ok(0) if link.stop.load(Ordering::SeqCst) => break TcpClientEvent::ClosedByUs,
            Ok(0) => break TcpClientEvent::ClosedByPeer,
            Ok(len) => {
                link.panics.read.check("read");
                let data = match &tls {
                    None => &buf[..len],
                    Some(tls) => {
                        plain.clear();
                        match tls.absorb(&buf[..len], &mut plain) {
                            Ok(absorbed) if absorbed.peer_closed && plain.is_empty() => {
                                break TcpClientEvent::ClosedByPeer;
                            }
                            Ok(_) => &plain[..],
                            Err(error) => break TcpClientEvent::Failed(EngineError::Tls(error)),
                        }
                    }
                };
                if data.is_empty() {
                    continue;
                }
                link.counters.record_rx(data.len());
                // (No send/record ordering here: the writer's send may block on a
                // peer that does not read, and must never hold up the reader.)
                link.capture.record(CaptureDirection::Rx, ends, data);
                link.report_frames(framer.push(data), SystemTime::now());
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            // The read timeout of idle framing: the peer was silent for the gap.
            Err(err) if gap.is_armed() && is_timeout(&err) => {
                link.report_frames(framer.end_of_gap(), SystemTime::now());
            }
            Err(_) if link.stop.load(Ordering::SeqCst) => break TcpClientEvent::ClosedByUs,
            Err(err) => {
                break TcpClientEvent::Failed(EngineError::ConnectionReset {
                    message: err.to_string(),
                });
            }
        }
    };
    // A frame the peer never finished is shown as such, before how it ended.
    link.report_frames(framer.finish(), SystemTime::now());
    // The writer panicked and hung up: that is how the connection ended.
    let end = match link.failure.get() {
        Some(error) => TcpClientEvent::Failed(error.clone()),
        None => end,
    };
    link.stop.store(true, Ordering::SeqCst);
    let _ = stream.shutdown(Shutdown::Both);
    capture_end(link, ends, &end);
    ended(link, end);
}

/// How the connection ended, for the capture: FINs (the peer's first, or ours),
/// or the reset the OS reported.
fn capture_end(link: &Link, ends: CaptureEnds, end: &TcpClientEvent) {
    let (event, by) = match end {
        TcpClientEvent::ClosedByPeer => (ConnectionEvent::Close, CaptureSide::Peer),
        TcpClientEvent::Failed(EngineError::ConnectionReset { .. }) => {
            (ConnectionEvent::Reset, CaptureSide::Peer)
        }
        _ => (ConnectionEvent::Close, CaptureSide::Local),
    };
    link.capture.connection(event, by, ends, None);
}

/// The connection's thread (connect, then read) panicked: hang up and fail.
pub(super) fn reader_panicked(link: &Link, stream: &OnceLock<TcpStream>, error: EngineError) {
    link.stop.store(true, Ordering::SeqCst);
    let end = TcpClientEvent::Failed(error);
    if let Some(stream) = stream.get() {
        if let (Ok(local), Ok(peer)) = (stream.local_addr(), stream.peer_addr()) {
            capture_end(link, CaptureEnds::tcp(local, peer), &end);
        }
        let _ = stream.shutdown(Shutdown::Both);
    }
    ended(link, end);
}

/// The writer panicked: hang up; the reader, woken, reports the error.
fn writer_panicked(link: &Link, stream: &OnceLock<TcpStream>, error: EngineError) {
    let _ = link.failure.set(error);
    link.stop.store(true, Ordering::SeqCst);
    if let Some(stream) = stream.get() {
        let _ = stream.shutdown(Shutdown::Both);
    }
}

/// The last events: what was skipped, then how the connection ended.
fn ended(link: &Link, end: TcpClientEvent) {
    if let Some(skipped) = link.flow.take_skipped() {
        link.report(TcpClientEvent::Skipped(skipped));
    }
    link.report(end);
}

fn write_loop(mut sink: Sink, ends: CaptureEnds, queue: &Receiver<Outgoing>, link: &Link) {
    link.flow.worker_started();
    for outgoing in queue {
        let data = match outgoing {
            Outgoing::Data(data) => data,
            Outgoing::EndWrites => {
                sink.end_writes();
                continue;
            }
        };
        if link.stop.load(Ordering::SeqCst) {
            break;
        }
        link.panics.send.check("send");
        // Stamped before the write: a reply read meanwhile must not look earlier.
        let at = SystemTime::now();
        match sink.write_all(&data) {
            Ok(()) => {
                link.counters.record_tx(data.len());
                link.capture.record(CaptureDirection::Tx, ends, &data);
                link.report_sent(&data, at);
            }
            Err(_) if link.stop.load(Ordering::SeqCst) => break,
            Err(err) => {
                link.report(TcpClientEvent::SendFailed(EngineError::io(
                    IoOp::Send,
                    &err,
                )));
                break;
            }
        }
    }
}

/// Idle framing's timer: the socket's read timeout, set only while bytes wait
/// for a silence to end their frame (an idle reader sleeps without waking).
#[derive(Default)]
struct GapTimer {
    armed: bool,
}

impl GapTimer {
    fn arm(&mut self, stream: &TcpStream, framer: &Framer) {
        let wanted = framer.waiting_for_gap();
        if wanted == self.armed {
            return;
        }
        let timeout = if wanted {
            framer.framing().idle_gap()
        } else {
            None
        };
        self.armed = stream.set_read_timeout(timeout).is_ok() && wanted;
    }

    fn is_armed(&self) -> bool {
        self.armed
    }
}

/// How a read timeout shows: `WouldBlock` on Unix, `TimedOut` on Windows.
fn is_timeout(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}
