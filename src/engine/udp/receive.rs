//! The receive thread: drains the socket without pause and reports every datagram.
//! It is the one that says `Closed`, however the endpoint ends.

use std::io;
use std::net::UdpSocket;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::SystemTime;

use super::super::capture::{CaptureDirection, CaptureEnds};
use super::super::error::IoOp;
use super::super::flow::Way;
use super::super::worker::PanicSwitch;
use super::super::{Counters, EngineError};
use super::{Reporter, UdpEvent, canonical};

pub(super) fn receive_loop(
    socket: &UdpSocket,
    reporter: &Reporter,
    counters: &Counters,
    stop: &AtomicBool,
    panic_switch: &PanicSwitch,
) {
    reporter.flow.receiver_started();
    let mut buf = vec![0u8; 65_536];
    let local = super::capture_local(socket);
    while !stop.load(Ordering::Relaxed) {
        match socket.recv_from(&mut buf) {
            Ok((len, peer)) => {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                panic_switch.check("read");
                counters.record_rx(len);
                let peer = canonical(peer);
                let order = reporter.capture.hold();
                reporter.capture.record(
                    CaptureDirection::Rx,
                    CaptureEnds::udp(local, peer),
                    &buf[..len],
                );
                drop(order);
                reporter.report_datagram(
                    Way::Received,
                    peer,
                    &buf[..len],
                    SystemTime::now(),
                    UdpEvent::Received,
                );
            }
            Err(err) => match err.kind() {
                io::ErrorKind::WouldBlock
                | io::ErrorKind::TimedOut
                | io::ErrorKind::Interrupted => {}
                // Windows reports an ICMP "port unreachable" for an earlier send this way;
                // the socket is fine and must keep receiving.
                io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionRefused => {
                    reporter.report(UdpEvent::Error(EngineError::PeerUnreachable { peer: None }));
                }
                _ => {
                    reporter.report(UdpEvent::Error(EngineError::io(IoOp::Receive, &err)));
                    break;
                }
            },
        }
    }
    closed(reporter);
}

/// The receive thread panicked: the socket it owned is closed already; say why,
/// then end as a closed endpoint does (the send thread ends with this thread).
pub(super) fn panicked(reporter: &Reporter, stop: &AtomicBool, error: EngineError) {
    stop.store(true, Ordering::SeqCst);
    reporter.report(UdpEvent::Error(error));
    closed(reporter);
}

fn closed(reporter: &Reporter) {
    if let Some(skipped) = reporter.flow.take_skipped() {
        reporter.report(UdpEvent::Skipped(skipped));
    }
    reporter.report(UdpEvent::Closed);
}
