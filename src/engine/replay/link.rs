//! The replay's one connection: a TCP stream or a connected UDP socket, and a
//! second handle to it for the thread that reads the replies.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream, ToSocketAddrs, UdpSocket};
use std::time::Duration;

use crate::engine::error::IoOp;
use crate::engine::{EngineError, MAX_UDP_PAYLOAD_V4, MAX_UDP_PAYLOAD_V6};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Tcp,
    Udp,
}

pub(super) enum Link {
    Tcp(TcpStream),
    Udp(UdpSocket),
}

/// What one read gave.
pub(super) enum Got {
    Data(usize),
    Quiet,
    Closed,
}

impl Link {
    pub(super) fn open(
        transport: Transport,
        host: &str,
        port: u16,
        connect_timeout: Duration,
    ) -> Result<Link, EngineError> {
        let addr = (host, port)
            .to_socket_addrs()
            .ok()
            .and_then(|mut addrs| addrs.next())
            .ok_or_else(|| EngineError::Unresolvable {
                host: host.to_owned(),
            })?;
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

    pub(super) fn addresses(&self) -> io::Result<(SocketAddr, SocketAddr)> {
        match self {
            Link::Tcp(stream) => Ok((stream.local_addr()?, stream.peer_addr()?)),
            Link::Udp(socket) => Ok((socket.local_addr()?, socket.peer_addr()?)),
        }
    }

    /// A second handle for the reader, which wakes every `poll` to look
    /// whether the replay has ended.
    pub(super) fn reader(&self, poll: Duration) -> Result<Link, EngineError> {
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

    pub(super) fn send(&mut self, data: &[u8]) -> Result<(), EngineError> {
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

    pub(super) fn read(&mut self, buf: &mut [u8]) -> Result<Got, EngineError> {
        let got = match self {
            Link::Tcp(stream) => stream.read(buf),
            Link::Udp(socket) => socket.recv(buf),
        };
        match got {
            Ok(0) if matches!(self, Link::Tcp(_)) => Ok(Got::Closed),
            Ok(len) => Ok(Got::Data(len)),
            Err(err)
                if matches!(
                    err.kind(),
                    io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                        | io::ErrorKind::Interrupted
                ) =>
            {
                Ok(Got::Quiet)
            }
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
    pub(super) fn finish_sending(&self) {
        if let Link::Tcp(stream) = self {
            let _ = stream.shutdown(Shutdown::Write);
        }
    }

    /// Wakes the reader at once (TCP); UDP's wakes within its poll.
    pub(super) fn close(&self) {
        if let Link::Tcp(stream) = self {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

/// UDP: an ICMP "port unreachable" comes back as a refused send or receive.
fn unreachable_or(err: &io::Error, peer: Option<SocketAddr>, op: IoOp) -> EngineError {
    if err.kind() == io::ErrorKind::ConnectionRefused {
        EngineError::PeerUnreachable { peer }
    } else {
        EngineError::io(op, err)
    }
}
