//! One TLS session shared by a thread that reads and a thread that writes, over
//! blocking sockets (the TCP client and the relay's pumps).
//!
//! rustls's `Connection` is not `Sync`, and a thread blocked in a socket call must
//! not hold it. So the socket is read and written *outside* the session's lock:
//! the reader reads raw bytes, then locks only to decrypt them ([`absorb`]); the
//! writer locks only to encrypt, then writes the records ([`send`]). A second
//! lock, the write turn, keeps records in order on the wire: whoever holds it
//! writes. The reader only ever *tries* to take it (to answer e.g. a key update),
//! so a writer stuck on a peer that does not read never stops the reader; what the
//! reader could not write goes out with the writer's next turn, or when the writer
//! finishes its turn (it looks again after letting go).
//!
//! [`absorb`]: TlsDuplex::absorb
//! [`send`]: TlsDuplex::send

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::{Mutex, MutexGuard, PoisonError};

use rustls::Connection;

use super::{TlsError, explain};

pub struct TlsDuplex {
    conn: Mutex<Connection>,
    write_turn: Mutex<()>,
    /// A handle on the socket for writing records.
    socket: TcpStream,
}

/// What [`TlsDuplex::absorb`] found besides plaintext.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Absorbed {
    /// The peer sent close_notify: no more data follows.
    pub peer_closed: bool,
}

impl TlsDuplex {
    /// Wraps a session whose handshake is done; `socket` is a clone used for writing.
    pub fn new(conn: Connection, socket: TcpStream) -> Self {
        TlsDuplex {
            conn: Mutex::new(conn),
            write_turn: Mutex::new(()),
            socket,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Decrypts `raw`, bytes as read from the socket, appending the plaintext to
    /// `plain` (no more than `raw` holds, so memory stays bounded by the read).
    /// Plaintext the session holds already comes first: what the peer sent with
    /// the end of the handshake was read by the handshake, not by a reader — call
    /// this with no `raw` before the first read to have it.
    pub fn absorb(&self, raw: &[u8], plain: &mut Vec<u8>) -> Result<Absorbed, TlsError> {
        let mut input = raw;
        let mut peer_closed = false;
        let mut failure = None;
        {
            let mut conn = self.lock();
            loop {
                match conn.process_new_packets() {
                    Ok(state) => {
                        let ready = state.plaintext_bytes_to_read();
                        peer_closed |= state.peer_has_closed();
                        let start = plain.len();
                        plain.resize(start + ready, 0);
                        if conn.reader().read_exact(&mut plain[start..]).is_err() {
                            plain.truncate(start);
                        }
                    }
                    Err(error) => {
                        failure = Some(explain(&error));
                        break;
                    }
                }
                if input.is_empty() {
                    break;
                }
                match conn.read_tls(&mut input) {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(err) => {
                        failure = Some(TlsError::Protocol {
                            message: err.to_string(),
                        });
                        break;
                    }
                }
            }
        }
        // Whatever the session wants to say (an alert, a key update) goes out now
        // if the writer is not mid-turn.
        self.flush_if_free();
        match failure {
            Some(error) => Err(error),
            None => Ok(Absorbed { peer_closed }),
        }
    }

    /// Encrypts and writes all of `data`, waiting for the peer to take it.
    pub fn send(&self, data: &[u8]) -> io::Result<()> {
        self.send_unless(data, &|| false)
    }

    /// Like [`send`](Self::send) on a socket with a write timeout: a write that
    /// times out is retried until `stop` says the pair is ending (then `Interrupted`).
    pub fn send_unless(&self, data: &[u8], stop: &dyn Fn() -> bool) -> io::Result<()> {
        {
            let _turn = self
                .write_turn
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            let mut rest = data;
            while !rest.is_empty() {
                let records = {
                    let mut conn = self.lock();
                    let taken = conn.writer().write(rest)?;
                    rest = &rest[taken..];
                    take_records(&mut conn)
                };
                write_records(&self.socket, &records, stop)?;
            }
        }
        self.flush_if_free();
        Ok(())
    }

    /// Says "no more from us" the TLS way (close_notify), without closing the socket.
    pub fn close_notify(&self) -> io::Result<()> {
        self.lock().send_close_notify();
        let _turn = self
            .write_turn
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let records = take_records(&mut self.lock());
        write_records(&self.socket, &records, &|| false)
    }

    /// Writes what the session has queued, unless a writer holds the turn.
    fn flush_if_free(&self) {
        let Ok(_turn) = self.write_turn.try_lock() else {
            return;
        };
        loop {
            let records = take_records(&mut self.lock());
            if records.is_empty() || write_records(&self.socket, &records, &|| false).is_err() {
                return;
            }
        }
    }
}

/// Writes all of `records`; a write timeout is waited out unless `stop` says so
/// (a record cut in half would break the session).
fn write_records(
    socket: &TcpStream,
    mut records: &[u8],
    stop: &dyn Fn() -> bool,
) -> io::Result<()> {
    let mut socket = socket;
    while !records.is_empty() {
        match socket.write(records) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(len) => records = &records[len..],
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err)
                if matches!(
                    err.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                if stop() {
                    return Err(io::ErrorKind::Interrupted.into());
                }
            }
            Err(err) => return Err(err),
        }
    }
    Ok(())
}

/// The records the session has ready for the wire.
fn take_records(conn: &mut Connection) -> Vec<u8> {
    let mut records = Vec::new();
    while conn.wants_write() {
        match conn.write_tls(&mut records) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
    }
    records
}
