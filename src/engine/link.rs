//! One connection to a peer, for the engines that talk to a single target (replay,
//! sequences): a TCP stream or a connected UDP socket, read with a deadline, and a
//! second handle to it for a thread that reads the replies.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream, ToSocketAddrs, UdpSocket};
use std::time::Duration;

use crate::engine::error::{IoOp, is_wait};
use crate::engine::{EngineError, MAX_UDP_PAYLOAD_V4, MAX_UDP_PAYLOAD_V6};

/// The largest datagram, and the most one TCP read takes.
const READ_BUF: usize = 64 * 1024;

/// Which kind of connection: a sequence script's `transport`, replay's `--udp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Tcp,
    Udp,
}

pub(crate) enum Link {
    Tcp(TcpStream),
    Udp(UdpSocket),
}

/// What one read gave.
pub(crate) enum Got {
    Data(usize),
    /// Nothing before the deadline.
    Quiet,
    /// The peer closed its side (TCP).
    Closed,
}

impl Link {
    pub(crate) fn open(
        transport: Transport,
        host: &str,
        port: u16,
        connect_timeout: Duration,
    ) -> Result<Link, EngineError> {
        let addr = resolve(host, port)?;
        match transport {
            Transport::Tcp => {
                let stream = TcpStream::connect_timeout(&addr, connect_timeout)
                    .map_err(|err| EngineError::from_connect(addr, connect_timeout, &err))?;
                // Each message leaves when it is due, not when Nagle lets it.
                let _ = stream.set_nodelay(true);
                Ok(Link::Tcp(stream))
            }
            Transport::Udp => {
                let local = if addr.is_ipv6() {
                    SocketAddr::from(([0u16; 8], 0))
                } else {
                    SocketAddr::from(([0u8; 4], 0))
                };
                let socket =
                    UdpSocket::bind(local).map_err(|err| EngineError::from_bind(local, &err))?;
                socket
                    .connect(addr)
                    .map_err(|err| EngineError::io(IoOp::Connect, &err))?;
                Ok(Link::Udp(socket))
            }
        }
    }

    /// A buffer for [`Link::read`] that holds the largest datagram.
    pub(crate) fn buffer() -> Vec<u8> {
        vec![0; READ_BUF]
    }

    pub(crate) fn addresses(&self) -> io::Result<(SocketAddr, SocketAddr)> {
        match self {
            Link::Tcp(stream) => Ok((stream.local_addr()?, stream.peer_addr()?)),
            Link::Udp(socket) => Ok((socket.local_addr()?, socket.peer_addr()?)),
        }
    }

    /// A second handle for the reader, which wakes every `poll` to look
    /// whether the replay has ended.
    pub(crate) fn reader(&self, poll: Duration) -> Result<Link, EngineError> {
        let cloned = match self {
            Link::Tcp(stream) => stream.try_clone().map(Link::Tcp),
            Link::Udp(socket) => socket.try_clone().map(Link::Udp),
        }
        .map_err(|err| EngineError::io(IoOp::Receive, &err))?;
        let set = match &cloned {
            Link::Tcp(stream) => stream.set_read_timeout(Some(poll)),
            Link::Udp(socket) => socket.set_read_timeout(Some(poll)),
        };
        set.map_err(|err| EngineError::io(IoOp::Receive, &err))?;
        Ok(cloned)
    }

    pub(crate) fn send(&mut self, data: &[u8]) -> Result<(), EngineError> {
        match self {
            Link::Tcp(stream) => stream
                .write_all(data)
                .map_err(|err| EngineError::io(IoOp::Send, &err)),
            Link::Udp(socket) => {
                let max = match socket.peer_addr() {
                    Ok(peer) if peer.is_ipv6() => MAX_UDP_PAYLOAD_V6,
                    _ => MAX_UDP_PAYLOAD_V4,
                };
                if data.len() > max {
                    return Err(EngineError::PayloadTooLarge {
                        len: data.len(),
                        max,
                    });
                }
                match socket.send(data) {
                    Ok(_) => Ok(()),
                    Err(err) => Err(unreachable_or(&err, socket.peer_addr().ok(), IoOp::Send)),
                }
            }
        }
    }

    /// Waits up to `wait` (at least 1 ms) for data.
    pub(crate) fn read_within(
        &mut self,
        buf: &mut [u8],
        wait: Duration,
    ) -> Result<Got, EngineError> {
        let wait = Some(wait.max(Duration::from_millis(1)));
        let set = match self {
            Link::Tcp(stream) => stream.set_read_timeout(wait),
            Link::Udp(socket) => socket.set_read_timeout(wait),
        };
        set.map_err(|err| EngineError::io(IoOp::Receive, &err))?;
        self.read(buf)
    }

    /// Waits for data as long as the handle's read timeout says ([`Link::reader`]).
    pub(crate) fn read(&mut self, buf: &mut [u8]) -> Result<Got, EngineError> {
        let got = match self {
            Link::Tcp(stream) => stream.read(buf),
            Link::Udp(socket) => socket.recv(buf),
        };
        match got {
            Ok(0) if matches!(self, Link::Tcp(_)) => Ok(Got::Closed),
            Ok(len) => Ok(Got::Data(len)),
            Err(err) if is_wait(&err) => Ok(Got::Quiet),
            Err(err) => Err(match self {
                Link::Udp(socket) => unreachable_or(&err, socket.peer_addr().ok(), IoOp::Receive),
                Link::Tcp(_) if err.kind() == io::ErrorKind::ConnectionReset => {
                    EngineError::ConnectionReset {
                        message: err.to_string(),
                    }
                }
                Link::Tcp(_) => EngineError::io(IoOp::Receive, &err),
            }),
        }
    }

    /// TCP: our FIN, so the peer knows we are done (its farewell may follow).
    pub(crate) fn finish_sending(&self) {
        if let Link::Tcp(stream) = self {
            let _ = stream.shutdown(Shutdown::Write);
        }
    }

    /// Wakes the reader at once (TCP); UDP's wakes within its poll.
    pub(crate) fn close(&self) {
        if let Link::Tcp(stream) = self {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

fn resolve(host: &str, port: u16) -> Result<SocketAddr, EngineError> {
    (host, port)
        .to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.next())
        .ok_or_else(|| EngineError::Unresolvable {
            host: host.to_owned(),
        })
}

/// UDP: an ICMP "port unreachable" comes back as a refused send or receive.
fn unreachable_or(err: &io::Error, peer: Option<SocketAddr>, op: IoOp) -> EngineError {
    if err.kind() == io::ErrorKind::ConnectionRefused {
        EngineError::PeerUnreachable { peer }
    } else {
        EngineError::io(op, err)
    }
}
