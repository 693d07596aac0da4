//! The one connection a sequence talks over: a TCP stream or a connected UDP socket,
//! read with a deadline each time.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs, UdpSocket};
use std::time::Duration;

use super::script::Transport;
use crate::engine::EngineError;
use crate::engine::error::IoOp;

/// The largest datagram, and the most one TCP read takes.
const READ_BUF: usize = 64 * 1024;

pub(super) enum Link {
    Tcp(TcpStream),
    Udp(UdpSocket),
}

/// What one read gave.
pub(super) enum Got {
    Data(usize),
    /// Nothing before the deadline.
    Quiet,
    /// The peer closed its side (TCP).
    Closed,
}

impl Link {
    pub(super) fn open(
        transport: Transport,
        host: &str,
        port: u16,
        connect_timeout: Duration,
    ) -> Result<Link, EngineError> {
        let addr = resolve(host, port)?;
        match transport {
            Transport::Tcp => TcpStream::connect_timeout(&addr, connect_timeout)
                .map(|stream| {
                    let _ = stream.set_nodelay(true);
                    Link::Tcp(stream)
                })
                .map_err(|err| EngineError::from_connect(addr, connect_timeout, &err)),
            Transport::Udp => {
                let local: SocketAddr = if addr.is_ipv6() {
                    "[::]:0".parse().expect("a literal address")
                } else {
                    "0.0.0.0:0".parse().expect("a literal address")
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

    pub(super) fn buffer() -> Vec<u8> {
        vec![0; READ_BUF]
    }

    pub(super) fn send(&mut self, bytes: &[u8]) -> Result<(), EngineError> {
        let sent = match self {
            Link::Tcp(stream) => stream.write_all(bytes),
            Link::Udp(socket) => socket.send(bytes).map(|_| ()),
        };
        sent.map_err(|err| EngineError::io(IoOp::Send, &err))
    }

    /// Waits up to `wait` (at least 1 ms) for data.
    pub(super) fn read(&mut self, buf: &mut [u8], wait: Duration) -> Result<Got, EngineError> {
        let wait = wait.max(Duration::from_millis(1));
        let got = match self {
            Link::Tcp(stream) => stream
                .set_read_timeout(Some(wait))
                .and_then(|()| stream.read(buf)),
            Link::Udp(socket) => socket
                .set_read_timeout(Some(wait))
                .and_then(|()| socket.recv(buf)),
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
            Err(err) => Err(EngineError::io(IoOp::Receive, &err)),
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
