//! The send thread: resolves each target once, sends the datagrams it is given,
//! and reports each outcome.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::SystemTime;

use crossbeam_channel::Receiver;

use super::super::capture::{CaptureDirection, CaptureEnds};
use super::super::error::{IoOp, IpFamily};
use super::super::flow::Way;
use super::super::worker::PanicSwitch;
use super::super::{Counters, EngineError, MAX_UDP_PAYLOAD_V4, MAX_UDP_PAYLOAD_V6};
use super::{Reporter, UdpCommand, UdpEvent, canonical, wake_receiver};

/// Sends until the endpoint closes. What is queued at that moment still goes out;
/// a sender kept by someone else (a periodic send) does not keep the thread alive.
/// The thread also ends when the receive thread does (`halt` disconnects): after
/// `Closed`, nothing more is sent.
pub(super) fn send_loop(
    socket: &UdpSocket,
    commands: &Receiver<UdpCommand>,
    closing: &Receiver<()>,
    halt: &Receiver<()>,
    reporter: &Reporter,
    counters: &Counters,
    panic_switch: &PanicSwitch,
) {
    let mut out = Outbox {
        socket,
        local_is_v6: socket.local_addr().map(|a| a.is_ipv6()).unwrap_or(false),
        local: super::capture_local(socket),
        resolved: HashMap::new(),
        reporter,
        counters,
        panic_switch,
    };
    loop {
        crossbeam_channel::select! {
            recv(commands) -> command => match command {
                Ok(command) => out.send(command),
                Err(_) => return,
            },
            recv(closing) -> _ => break,
            recv(halt) -> _ => break,
        }
    }
    commands.try_iter().for_each(|command| out.send(command));
}

/// The send thread panicked: say why, and close the endpoint (the receive
/// thread, woken, says `Closed`).
pub(super) fn panicked(
    reporter: &Reporter,
    stop: &AtomicBool,
    local: SocketAddr,
    error: EngineError,
) {
    stop.store(true, Ordering::SeqCst);
    reporter.report(UdpEvent::Error(error));
    wake_receiver(local);
}

/// The send thread's state: the socket and the addresses it has resolved.
struct Outbox<'a> {
    socket: &'a UdpSocket,
    local_is_v6: bool,
    /// The socket's address, for the capture.
    local: SocketAddr,
    resolved: HashMap<(String, u16), SocketAddr>,
    reporter: &'a Reporter,
    counters: &'a Counters,
    panic_switch: &'a PanicSwitch,
}

impl Outbox<'_> {
    fn send(&mut self, UdpCommand::SendTo { host, port, data }: UdpCommand) {
        self.panic_switch.check("send");
        let key = (host, port);
        let target = match self.resolved.get(&key) {
            Some(addr) => Ok(*addr),
            None => resolve(&key.0, key.1, self.local_is_v6),
        };
        // A reply received meanwhile is captured after this send, and stamped later.
        let at = SystemTime::now();
        let order = self.reporter.capture.hold();
        let result = target.and_then(|target| {
            self.resolved.insert(key, target);
            send_one(self.socket, target, &data, self.local_is_v6)
        });
        match result {
            Ok(peer) => {
                self.counters.record_tx(data.len());
                self.reporter.capture.record(
                    CaptureDirection::Tx,
                    CaptureEnds::udp(self.local, peer),
                    &data,
                );
                drop(order);
                self.reporter
                    .report_datagram(Way::Sent, peer, &data, at, UdpEvent::Sent);
            }
            Err(error) => self.reporter.report(UdpEvent::Error(error)),
        }
    }
}

fn send_one(
    socket: &UdpSocket,
    target: SocketAddr,
    data: &[u8],
    local_is_v6: bool,
) -> Result<SocketAddr, EngineError> {
    let max = if local_is_v6 && target.is_ipv6() && target_is_real_v6(target) {
        MAX_UDP_PAYLOAD_V6
    } else {
        MAX_UDP_PAYLOAD_V4
    };
    if data.len() > max {
        return Err(EngineError::PayloadTooLarge {
            len: data.len(),
            max,
        });
    }
    match socket.send_to(data, target) {
        Ok(_) => Ok(canonical(target)),
        Err(err) if matches!(err.kind(), io::ErrorKind::ConnectionRefused) => {
            Err(EngineError::PeerUnreachable {
                peer: Some(canonical(target)),
            })
        }
        Err(err) => Err(EngineError::io(IoOp::Send, &err)),
    }
}

fn target_is_real_v6(target: SocketAddr) -> bool {
    match target.ip() {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().is_none(),
        IpAddr::V4(_) => false,
    }
}

/// Resolves `host:port` to an address the socket's family can reach: an IPv6
/// socket reaches IPv4 peers through v4-mapped addresses.
fn resolve(host: &str, port: u16, local_is_v6: bool) -> Result<SocketAddr, EngineError> {
    let candidates: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|_| EngineError::Unresolvable {
            host: host.to_owned(),
        })?
        .collect();
    if candidates.is_empty() {
        return Err(EngineError::Unresolvable {
            host: host.to_owned(),
        });
    }
    let wanted = candidates
        .iter()
        .find(|addr| addr.is_ipv6() == local_is_v6)
        .copied();
    match (wanted, local_is_v6) {
        (Some(addr), _) => Ok(addr),
        (None, true) => {
            let v4 = candidates[0];
            let mapped = match v4.ip() {
                IpAddr::V4(ip) => ip.to_ipv6_mapped(),
                IpAddr::V6(ip) => ip,
            };
            Ok(SocketAddr::new(mapped.into(), port))
        }
        (None, false) => Err(EngineError::FamilyMismatch {
            host: host.to_owned(),
            family: IpFamily::V4,
        }),
    }
}
