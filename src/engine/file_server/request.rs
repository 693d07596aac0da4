//! One connection from accept to close: the name, the file, then the transfer.
//! Until its file is open a connection holds only a waiting place, never one of
//! the transfer slots, so idle connections cannot lock downloaders out.

use std::io::{self, Read};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use super::{FileServerEvent, Open, OpenedFile, Shared, send};
use crate::engine::EngineError;
use crate::engine::file_names::{self, MAX_NAME_BYTES, Refusal};

/// How often a transfer reports its progress.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);
/// After the file, how long to read what the client still sends before closing
/// (closing with unread data would reset the connection and could lose the tail).
const LINGER_READ: Duration = Duration::from_secs(2);

/// One taken place in a counted pool; given back when dropped, whatever happens.
pub(super) struct Slot<'a>(pub(super) &'a AtomicUsize);

impl<'a> Slot<'a> {
    fn take(count: &'a AtomicUsize, max: usize) -> Option<Self> {
        if count.fetch_add(1, Ordering::SeqCst) >= max {
            count.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        Some(Slot(count))
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

pub(super) fn refuse(
    shared: &Shared,
    stream: &TcpStream,
    peer: SocketAddr,
    name: String,
    reason: Refusal,
) {
    // Nothing is sent: the tutorial's client takes an empty reply as "no such file".
    let _ = stream.shutdown(Shutdown::Write);
    shared.report(FileServerEvent::Refused {
        peer,
        name,
        reason,
        at: SystemTime::now(),
    });
}

/// Keeps a connection where the server can cut it (cancel, drop), until dropped.
struct Registered<'a> {
    shared: &'a Shared,
    id: u64,
    stream: Arc<TcpStream>,
}

impl<'a> Registered<'a> {
    fn new(shared: &'a Shared, stream: TcpStream) -> Self {
        let stream = Arc::new(stream);
        let id = shared.next_connection.fetch_add(1, Ordering::SeqCst);
        let conn = Open {
            stream: stream.clone(),
            sending: false,
        };
        shared.lock_open().insert(id, conn);
        Registered { shared, id, stream }
    }

    /// Marks it as a transfer; returns the cancel count it must not see move.
    fn start_sending(&self) -> u64 {
        let mut open = self.shared.lock_open();
        if let Some(conn) = open.get_mut(&self.id) {
            conn.sending = true;
        }
        self.shared.cancels.load(Ordering::SeqCst)
    }
}

impl Drop for Registered<'_> {
    fn drop(&mut self) {
        self.shared.lock_open().remove(&self.id);
    }
}

/// One connection: read the name, open the file, then, with a transfer slot, send
/// it. Until the file is open it holds only its `waiting` place.
pub(super) fn serve(stream: TcpStream, peer: SocketAddr, shared: &Shared, waiting: Slot<'_>) {
    let conn = Registered::new(shared, stream);
    // Checked after registering, so a server dropped meanwhile either cut this
    // connection or is seen here.
    if shared.closed.load(Ordering::SeqCst) {
        return;
    }
    let stream = &*conn.stream;
    let raw = read_name(stream, shared.name_timeout);
    if shared.closed.load(Ordering::SeqCst) {
        return;
    }
    let shown = String::from_utf8_lossy(&raw[..raw.len().min(MAX_NAME_BYTES)]).into_owned();
    if raw.is_empty() {
        refuse(shared, stream, peer, shown, Refusal::NoName);
        drain_and_close(stream);
        return;
    }
    let name = match file_names::name_from_bytes(&raw) {
        Ok(name) => name,
        Err(problem) => {
            refuse(shared, stream, peer, shown, Refusal::BadName(problem));
            drain_and_close(stream);
            return;
        }
    };
    let opened = match shared.folder.open_file(name) {
        Ok(opened) => opened,
        Err(reason) => {
            refuse(shared, stream, peer, name.to_owned(), reason);
            drain_and_close(stream);
            return;
        }
    };
    drop(waiting);
    let max = shared.max_transfers;
    let Some(_sending) = Slot::take(&shared.active, max) else {
        refuse(shared, stream, peer, name.to_owned(), Refusal::Busy { max });
        drain_and_close(stream);
        return;
    };
    transfer(&conn, peer, shared, name, &opened);
}

/// Sends the open file; reports Started, Progress and Done or Failed.
fn transfer(
    conn: &Registered<'_>,
    peer: SocketAddr,
    shared: &Shared,
    name: &str,
    opened: &OpenedFile,
) {
    let stream = &*conn.stream;
    let cancels = conn.start_sending();
    let transfer = shared.next_id.fetch_add(1, Ordering::SeqCst);
    shared.report(FileServerEvent::Started {
        transfer,
        peer,
        name: name.to_owned(),
        size: opened.size,
        at: SystemTime::now(),
    });
    let started = Instant::now();
    let mut last_report = Instant::now();
    let cancelled =
        || shared.cancels.load(Ordering::SeqCst) != cancels || shared.closed.load(Ordering::SeqCst);
    let mut progress = |sent: u64| {
        if last_report.elapsed() >= PROGRESS_EVERY {
            last_report = Instant::now();
            shared.report(FileServerEvent::Progress { transfer, sent });
        }
    };
    let mut pace = send::Pace {
        stall: shared.stall_timeout,
        cancelled: &cancelled,
        progress: &mut progress,
    };
    match send::send_file(&opened.file, stream, opened.size, &mut pace) {
        Ok(sent) => {
            shared.report(FileServerEvent::Done {
                transfer,
                sent,
                elapsed: started.elapsed(),
            });
            drain_and_close(stream);
        }
        Err((sent, err)) => {
            // A reset tells a downloader the file is incomplete; a plain close would not.
            let _ = socket2::SockRef::from(stream).set_linger(Some(Duration::ZERO));
            let error = match err.kind() {
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => EngineError::Stalled {
                    secs: shared.stall_timeout.as_secs(),
                },
                _ => EngineError::ConnectionReset {
                    message: err.to_string(),
                },
            };
            shared.report(FileServerEvent::Failed {
                transfer,
                sent,
                error,
            });
        }
    }
}

/// Reads the file name: one `send` from the client, at most [`MAX_NAME_BYTES`]
/// (one byte more is read to notice a longer name). A character cut between two
/// reads waits for its rest. The timeout is for the whole name, not per read, so
/// a byte now and then does not keep a connection waiting for ever.
fn read_name(mut stream: &TcpStream, timeout: Duration) -> Vec<u8> {
    let deadline = Instant::now() + timeout;
    let mut buf = vec![0u8; MAX_NAME_BYTES + 1];
    let mut len = 0;
    while len < buf.len() {
        let left = deadline.saturating_duration_since(Instant::now());
        // std refuses a zero timeout, which would mean waiting for ever.
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            break;
        }
        match stream.read(&mut buf[len..]) {
            Ok(0) => break,
            Ok(read) => {
                len += read;
                match std::str::from_utf8(&buf[..len]) {
                    Err(err) if err.error_len().is_none() => {}
                    _ => break,
                }
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    buf.truncate(len);
    buf
}

/// FIN after the data, then read (and drop) what the client still sends until it
/// closes, so the close cannot turn into a reset that loses the file's tail.
fn drain_and_close(mut stream: &TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    // The transfer may have left the socket non-blocking.
    let _ = stream.set_nonblocking(false);
    let deadline = Instant::now() + LINGER_READ;
    let mut buf = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            break;
        }
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
    }
}
