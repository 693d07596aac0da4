//! Sockets as the benches' plain references use them.

use std::io;
use std::net::UdpSocket;
use std::sync::atomic::{AtomicBool, Ordering};

/// A read that ran into its timeout: `WouldBlock` on Unix, `TimedOut` on Windows.
pub fn is_timeout(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// Receives on `socket` into a `buf_len` buffer until `stop` is set, handing each
/// datagram to `each` the moment `recv_from` returns it. The socket's read timeout
/// says how soon a stop is noticed.
pub fn recv_until_stopped(
    socket: &UdpSocket,
    stop: &AtomicBool,
    buf_len: usize,
    mut each: impl FnMut(&[u8]),
) -> io::Result<()> {
    let mut buf = vec![0u8; buf_len];
    while !stop.load(Ordering::Relaxed) {
        match socket.recv_from(&mut buf) {
            Ok((len, _)) => each(&buf[..len]),
            Err(err) if is_timeout(&err) || err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(())
}
