//! A client's TLS session at the server, driven sans-IO on the non-blocking socket:
//! the reader feeds what it read (`read_tls`, `process_new_packets`) and takes the
//! plaintext; the writer hands plaintext in and writes the records out as far as
//! the socket takes them without waiting. Neither ever blocks while holding the
//! session's lock.
//!
//! Memory per client is bounded: rustls holds at most [`SESSION_BUFFER`] of
//! records for the socket, and the plaintext of one read is taken at once.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use rustls::{ServerConfig, ServerConnection};

use super::super::tls::{SESSION_BUFFER, TlsError, TlsInfo, explain};
use super::writer::try_send;

pub(super) struct ServerSession {
    conn: Mutex<ServerConnection>,
}

/// What feeding the session gave besides plaintext.
pub(super) struct Fed {
    /// The handshake finished with this read: what it agreed.
    pub handshake_done: Option<TlsInfo>,
    /// Records are waiting for room in the socket: the writer must flush them.
    pub records_waiting: bool,
    /// close_notify arrived: the client has finished sending.
    pub peer_closed: bool,
}

impl ServerSession {
    pub fn new(config: &Arc<ServerConfig>) -> Result<Self, TlsError> {
        let mut conn = ServerConnection::new(config.clone()).map_err(|err| TlsError::Config {
            message: err.to_string(),
        })?;
        conn.set_buffer_limit(Some(SESSION_BUFFER));
        Ok(ServerSession {
            conn: Mutex::new(conn),
        })
    }

    fn lock(&self) -> MutexGuard<'_, ServerConnection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn is_handshaking(&self) -> bool {
        self.lock().is_handshaking()
    }

    /// Decrypts `raw`, appending the plaintext to `plain`, and writes what the
    /// session has to say (handshake messages, alerts) as far as the socket takes it.
    pub fn feed(
        &self,
        stream: &TcpStream,
        raw: &[u8],
        plain: &mut Vec<u8>,
    ) -> Result<Fed, TlsError> {
        let mut conn = self.lock();
        let was_handshaking = conn.is_handshaking();
        let mut input = raw;
        let mut peer_closed = false;
        while !input.is_empty() {
            conn.read_tls(&mut input)
                .map_err(|err| TlsError::Protocol {
                    message: err.to_string(),
                })?;
            match conn.process_new_packets() {
                Ok(state) => {
                    peer_closed |= state.peer_has_closed();
                    let start = plain.len();
                    plain.resize(start + state.plaintext_bytes_to_read(), 0);
                    if conn.reader().read_exact(&mut plain[start..]).is_err() {
                        plain.truncate(start);
                    }
                }
                Err(error) => {
                    // The alert that says why, if the socket takes it.
                    let _ = write_records(&mut conn, stream);
                    return Err(explain(&error));
                }
            }
        }
        let handshake_done =
            (was_handshaking && !conn.is_handshaking()).then(|| TlsInfo::from_connection(&conn));
        let records_waiting = !write_records(&mut conn, stream).unwrap_or(true);
        Ok(Fed {
            handshake_done,
            records_waiting,
            peer_closed,
        })
    }

    /// Writer: first the records still waiting, then as much of `data` as the
    /// session takes (returned), encrypted and written as far as the socket
    /// takes it. `WouldBlock` when waiting records still do not fit.
    pub fn send(&self, stream: &TcpStream, data: &[u8]) -> io::Result<usize> {
        let mut conn = self.lock();
        if !write_records(&mut conn, stream)? {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        if data.is_empty() || conn.is_handshaking() {
            // Sends wait for the handshake (rustls would buffer them unbounded).
            return if data.is_empty() {
                Ok(0)
            } else {
                Err(io::ErrorKind::WouldBlock.into())
            };
        }
        let taken = conn.writer().write(data)?;
        let _ = write_records(&mut conn, stream)?;
        Ok(taken)
    }

    /// Records are still waiting for the socket.
    pub fn records_waiting(&self) -> bool {
        self.lock().wants_write()
    }

    /// close_notify, written if the socket has room (the farewell's end).
    pub fn close_notify(&self, stream: &TcpStream) {
        let mut conn = self.lock();
        conn.send_close_notify();
        let _ = write_records(&mut conn, stream);
    }
}

/// Writes waiting records without waiting; `Ok(true)` when none are left.
fn write_records(conn: &mut ServerConnection, stream: &TcpStream) -> io::Result<bool> {
    let mut socket = NoWait(stream);
    while conn.wants_write() {
        match conn.write_tls(&mut socket) {
            Ok(_) => {}
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err)
                if matches!(
                    err.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Ok(false);
            }
            Err(err) => return Err(err),
        }
    }
    Ok(true)
}

/// The socket as a `Write` whose writes never wait (and never raise SIGPIPE).
struct NoWait<'a>(&'a TcpStream);

impl Write for NoWait<'_> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        try_send(self.0, data)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
