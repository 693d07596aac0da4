//! Connecting: resolve the host, then try each address with a timeout. Also used
//! by the file download and the reachability check.

use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

use socket2::{Domain, Protocol, Socket, Type};

use super::super::EngineError;
use super::super::error::IoOp;

/// Resolves the host and tries each address until one accepts.
pub(crate) fn open_stream(
    host: &str,
    port: u16,
    local_port: Option<u16>,
    timeout: Duration,
) -> Result<TcpStream, EngineError> {
    let unresolvable = || EngineError::Unresolvable {
        host: host.to_owned(),
    };
    let addresses: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|_| unresolvable())?
        .collect();
    let mut last_error = unresolvable();
    for peer in addresses {
        match connect_one(peer, local_port, timeout) {
            Ok(stream) => return Ok(stream),
            Err(error) => last_error = error,
        }
    }
    Err(last_error)
}

fn connect_one(
    peer: SocketAddr,
    local_port: Option<u16>,
    timeout: Duration,
) -> Result<TcpStream, EngineError> {
    let socket = Socket::new(Domain::for_address(peer), Type::STREAM, Some(Protocol::TCP))
        .map_err(|err| EngineError::io(IoOp::Connect, &err))?;
    if let Some(port) = local_port {
        let local: SocketAddr = if peer.is_ipv6() {
            (std::net::Ipv6Addr::UNSPECIFIED, port).into()
        } else {
            (std::net::Ipv4Addr::UNSPECIFIED, port).into()
        };
        socket
            .bind(&local.into())
            .map_err(|err| EngineError::from_bind(local, &err))?;
    }
    socket
        .connect_timeout(&peer.into(), timeout)
        .map_err(|err| EngineError::from_connect(peer, timeout, &err))?;
    Ok(socket.into())
}
