//! One accepted client's service (the tutorial's "service socket"): read,
//! report, answer automatically, and say how the connection ended (also when
//! serving it panicked). The reader thread calls these for whichever client has data.

use std::io::{self, Read};
use std::net::Shutdown;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::SystemTime;

use super::super::EngineError;
use super::super::capture::{CaptureDirection, CaptureSide, ConnectionEvent};
use super::link::ClientLink;
use super::shared::Shared;
use super::tls_session::ServerSession;
use super::{CloseReason, TcpServerEvent};
use crate::codec::framing::{FrameItem, Frames};

/// Reads one client gets in a row before the others' turn: a flood of 64 KiB
/// reads still goes at full speed, and no client waits long for another.
const READS_PER_TURN: usize = 16;

/// How a client's turn at the reader ended.
pub(super) enum Turn {
    /// It has nothing more to read for now.
    Open,
    Closed(CloseReason),
}

/// Reads what the client has sent (up to [`READS_PER_TURN`] reads into `buf`),
/// reporting and answering each read.
pub(super) fn read_some(link: &Arc<ClientLink>, shared: &Arc<Shared>, buf: &mut [u8]) -> Turn {
    let mut stream = &link.stream;
    for _ in 0..READS_PER_TURN {
        match stream.read(buf) {
            Ok(0) if link.closing.load(Ordering::SeqCst) => return Turn::Closed(CloseReason::ByUs),
            Ok(0) => return Turn::Closed(CloseReason::ByPeer),
            Ok(len) => {
                link.panic_read.check("read");
                match &link.tls {
                    None => received(link, shared, &buf[..len]),
                    Some(tls) => {
                        if let Some(end) = tls_received(link, tls, shared, &buf[..len]) {
                            return Turn::Closed(end);
                        }
                    }
                }
                if len < buf.len() {
                    // Most likely all there was: the reader learns of more from the
                    // poller, without a read that only says "nothing yet".
                    return Turn::Open;
                }
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => return Turn::Open,
            Err(_) if link.closing.load(Ordering::SeqCst) => {
                return Turn::Closed(CloseReason::ByUs);
            }
            Err(err) => {
                return Turn::Closed(CloseReason::Error(EngineError::ConnectionReset {
                    message: err.to_string(),
                }));
            }
        }
    }
    Turn::Open
}

/// Takes the client off the list, says how it ended, and closes the connection
/// (after a farewell, if one is due).
pub(super) fn finish(link: &Arc<ClientLink>, shared: &Arc<Shared>, reason: CloseReason) {
    // The writer hung up on it after a panic: that, not "closed by us", is why.
    let reason = match (link.failure.get(), reason) {
        (Some(error), CloseReason::ByUs | CloseReason::ByPeer) => CloseReason::Error(error.clone()),
        (_, reason) => reason,
    };
    shared.lock_clients().remove(&link.id);
    // A frame the client never finished is shown as such, before how it ended.
    report_frames(link, shared, link.lock_framer().finish(), false);
    let farewell = match reason {
        CloseReason::ByPeer => shared.auto_reply().farewell().map(<[u8]>::to_vec),
        _ => None,
    };
    let (event, by) = match &reason {
        CloseReason::ByPeer => (ConnectionEvent::Close, CaptureSide::Peer),
        CloseReason::Error(EngineError::ConnectionReset { .. }) => {
            (ConnectionEvent::Reset, CaptureSide::Peer)
        }
        _ => (ConnectionEvent::Close, CaptureSide::Local),
    };
    let hang_up = || {
        let _ = link.stream.shutdown(Shutdown::Both);
        shared
            .reporter
            .capture
            .connection(event, by, link.ends, None);
    };
    // After any `Sent` of data the client may have read just before it hung up.
    let order = link.lock_report_order();
    // Without a farewell the connection is over now: the capture says so before
    // `Closed` is reported, so whoever stops capturing on `Closed` has the close
    // (as the TCP client's capture does), and after any data sent.
    if farewell.is_none() {
        hang_up();
    }
    if let Some(skipped) = shared.reporter.flow.take_skipped() {
        shared.reporter.report(TcpServerEvent::Skipped(skipped));
    }
    shared.reporter.report(TcpServerEvent::Closed {
        client: link.id,
        peer: link.peer,
        reason,
        at: SystemTime::now(),
    });
    drop(order);
    // The farewell goes through the writer, after anything still queued; it closes
    // the connection, and the capture records the close, once the farewell is out.
    if let Some(farewell) = farewell
        && shared.queue_job(link, farewell, true, true).is_err()
    {
        hang_up();
    }
}

/// TLS: decrypts what was read and serves the plaintext; `Some` when the
/// session ended (an error, or the client's close_notify).
fn tls_received(
    link: &Arc<ClientLink>,
    tls: &ServerSession,
    shared: &Arc<Shared>,
    raw: &[u8],
) -> Option<CloseReason> {
    let mut plain = Vec::new();
    let fed = match tls.feed(&link.stream, raw, &mut plain) {
        Ok(fed) => fed,
        Err(error) => return Some(CloseReason::Error(EngineError::Tls(error))),
    };
    if let Some(info) = fed.handshake_done {
        shared.reporter.report(TcpServerEvent::Tls {
            client: link.id,
            peer: link.peer,
            info,
        });
    }
    if !plain.is_empty() {
        received(link, shared, &plain);
    }
    if fed.records_waiting {
        // The writer writes them when the socket has room.
        let _ = shared.queue_job(link, Vec::new(), true, false);
    }
    fed.peer_closed.then_some(CloseReason::ByPeer)
}

fn received(link: &Arc<ClientLink>, shared: &Shared, data: &[u8]) {
    link.counters.record_rx(data.len());
    shared.reporter.totals.record_rx(data.len());
    let order = shared.reporter.capture.hold();
    shared
        .reporter
        .capture
        .record(CaptureDirection::Rx, link.ends, data);
    drop(order);
    report_frames(link, shared, link.lock_framer().push(data), true);
    // The echo is the read as it came, whatever the framing. A client that does
    // not read its echoes loses them once its send queue is full.
    if shared.auto_reply().echoes() {
        let _ = shared.queue_job(link, data.to_vec(), true, false);
    }
}

/// Idle framing: the client was silent for the gap, so what it sent is a frame.
pub(super) fn gap_elapsed(link: &Arc<ClientLink>, shared: &Shared) {
    report_frames(link, shared, link.lock_framer().end_of_gap(), true);
}

/// Whether the client's framer waits for a silence to end a frame.
pub(super) fn waiting_for_gap(link: &ClientLink) -> bool {
    link.lock_framer().waiting_for_gap()
}

/// Reports each frame (and dropped frame) of a step of the client's framer;
/// each frame gets its own auto-reply decision when `answer`.
fn report_frames(link: &Arc<ClientLink>, shared: &Shared, frames: Frames<'_>, answer: bool) {
    let at = SystemTime::now();
    let auto_reply = shared.auto_reply();
    for item in frames {
        let frame = match item {
            FrameItem::Frame(frame) => frame,
            FrameItem::Fault(fault) => {
                shared.reporter.report(TcpServerEvent::FrameDropped {
                    client: link.id,
                    peer: link.peer,
                    fault,
                });
                continue;
            }
        };
        let reply = answer
            .then(|| auto_reply.reply_to(frame.payload))
            .flatten()
            .map(std::borrow::Cow::into_owned);
        shared
            .reporter
            .report_received(link, frame.payload, at, frame.note);
        if let Some(reply) = reply {
            queue_reply(link, shared, reply);
        }
    }
}

fn queue_reply(link: &Arc<ClientLink>, shared: &Shared, reply: Vec<u8>) {
    match shared.queue(link, reply, true) {
        Ok(()) => {}
        // A client that floods without reading: say so once, not per message.
        Err(error @ EngineError::SendQueueFull { .. }) => {
            if !link.overflow_reported.swap(true, Ordering::SeqCst) {
                shared.reporter.report(TcpServerEvent::SendFailed {
                    client: link.id,
                    peer: link.peer,
                    error,
                });
            }
        }
        Err(_) => {}
    }
}
