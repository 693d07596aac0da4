//! The handshake over a blocking socket, with a deadline on the whole of it.

use std::io::{self, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use rustls::Connection;

use super::{TlsError, TlsInfo, explain};

/// Runs the handshake to its end (or the deadline) and says what was agreed.
/// The socket's timeouts are reset to none afterwards. On a verification
/// failure the alert that tells the peer why is sent before returning.
pub fn handshake(
    conn: &mut Connection,
    stream: &TcpStream,
    timeout: Duration,
) -> Result<TlsInfo, TlsError> {
    let deadline = Instant::now() + timeout;
    let timed_out = || TlsError::HandshakeTimeout {
        secs: timeout.as_secs().max(1),
    };
    let result = run(conn, stream, deadline, timed_out);
    let _ = stream.set_read_timeout(None);
    let _ = stream.set_write_timeout(None);
    result?;
    Ok(TlsInfo::from_connection(conn))
}

fn run(
    conn: &mut Connection,
    stream: &TcpStream,
    deadline: Instant,
    timed_out: impl Fn() -> TlsError,
) -> Result<(), TlsError> {
    let mut socket = stream;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(timed_out());
        }
        let _ = stream.set_read_timeout(Some(left));
        let _ = stream.set_write_timeout(Some(left));
        while conn.wants_write() {
            match conn.write_tls(&mut socket) {
                Ok(_) => {}
                Err(err) if is_timeout(&err) => return Err(timed_out()),
                Err(err) => return Err(io_failed(&err)),
            }
        }
        let _ = socket.flush();
        if !conn.is_handshaking() {
            return Ok(());
        }
        match conn.read_tls(&mut socket) {
            Ok(0) => return Err(TlsError::ClosedDuringHandshake),
            Ok(_) => {}
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) if is_timeout(&err) => return Err(timed_out()),
            Err(err) => return Err(io_failed(&err)),
        }
        if let Err(error) = conn.process_new_packets() {
            // Tell the peer why (the alert rustls queued), then give up.
            let _ = conn.write_tls(&mut socket);
            return Err(explain(&error));
        }
    }
}

fn io_failed(err: &io::Error) -> TlsError {
    match err.kind() {
        io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::UnexpectedEof
        | io::ErrorKind::BrokenPipe => TlsError::ClosedDuringHandshake,
        _ => TlsError::Protocol {
            message: err.to_string(),
        },
    }
}

fn is_timeout(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}
