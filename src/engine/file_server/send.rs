//! Sending an open file to a client with a deadline on progress: a transfer ends
//! when no byte went out for the stall timeout, whatever each call returns.
//!
//! A socket's send timeout restarts with every call, and `sendfile` returns after
//! every partial write, so a reader taking 1 byte a second kept a transfer alive
//! for 93 s instead of 30. Here the deadline moves only when bytes go out.

use crate::engine::error::is_wait;
use std::fs::File;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// Bytes per `sendfile` call: large enough to be fast, small enough to notice a cancel.
#[cfg(target_os = "linux")]
const SENDFILE_CHUNK: usize = 2 * 1024 * 1024;
/// The copy buffer where there is no `sendfile`.
const COPY_BUFFER: usize = 1024 * 1024;
/// Bytes per `write` in the copy loop, so that a call returns, and the deadline
/// moves, soon after its bytes are taken.
const WRITE_PIECE: usize = 64 * 1024;
/// The copy loop's longest single wait, so a cancel is seen between two.
#[cfg(not(windows))]
const WRITE_SLICE: Duration = Duration::from_secs(1);

/// What a transfer needs besides the file and the socket.
pub(super) struct Pace<'a> {
    pub stall: Duration,
    pub cancelled: &'a dyn Fn() -> bool,
    pub progress: &'a mut dyn FnMut(u64),
}

/// Sends `size` bytes of `file` (fewer if it shrinks meanwhile); on failure, how
/// much went out and why (`TimedOut` when the client stopped taking bytes).
#[cfg(target_os = "linux")]
pub(super) fn send_file(
    file: &File,
    stream: &TcpStream,
    size: u64,
    pace: &mut Pace<'_>,
) -> Result<u64, (u64, io::Error)> {
    use rustix::io::Errno;
    // Non-blocking, so that waiting is `poll` with the time left until the deadline
    // and never a `sendfile` that restarts its own timer.
    stream.set_nonblocking(true).map_err(|err| (0, err))?;
    let mut deadline = Instant::now() + pace.stall;
    let mut sent = 0u64;
    while sent < size {
        if (pace.cancelled)() {
            return Err((sent, io::ErrorKind::Interrupted.into()));
        }
        let chunk = usize::try_from(size - sent)
            .unwrap_or(usize::MAX)
            .min(SENDFILE_CHUNK);
        match rustix::fs::sendfile(stream, file, None, chunk) {
            // The file got shorter while we sent it: what there was went out.
            Ok(0) => break,
            Ok(len) => {
                sent += len as u64;
                deadline = Instant::now() + pace.stall;
                (pace.progress)(sent);
            }
            Err(Errno::AGAIN) => wait_writable(stream, deadline).map_err(|err| (sent, err))?,
            Err(Errno::INTR) => {}
            // A file system that cannot splice: copy through a buffer instead.
            Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) if sent == 0 => {
                stream.set_nonblocking(false).map_err(|err| (0, err))?;
                return copy_file(file, stream, size, pace);
            }
            Err(err) => return Err((sent, err.into())),
        }
    }
    Ok(sent)
}

/// Waits until the socket takes bytes again or the client goes away; `TimedOut`
/// when the deadline passes first. A cancel shuts the socket down, which wakes
/// this at once.
///
/// The kernel signals "writable" only once a good part of the send buffer is
/// free (half of what is queued), the same rule that wakes a blocking writer.
/// A reader taking a byte a second never gets there, so it is dropped when the
/// deadline passes. No last `sendfile` is tried then: measured on loopback, one
/// still took 95 KB of slack 10 s after a 1 B/s reader's buffers filled, which
/// would have moved the deadline once more (dropped after 2× the stall timeout).
#[cfg(target_os = "linux")]
fn wait_writable(stream: &TcpStream, deadline: Instant) -> io::Result<()> {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(io::ErrorKind::TimedOut.into());
    }
    let timeout =
        Timespec::try_from(left).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    let mut fds = [PollFd::new(stream, PollFlags::OUT)];
    match poll(&mut fds, Some(&timeout)) {
        Ok(0) => Err(io::ErrorKind::TimedOut.into()),
        // Writable, or an error or hang-up that the next `sendfile` reports; a
        // signal: wait again for what is left.
        Ok(_) | Err(rustix::io::Errno::INTR) => Ok(()),
        Err(err) => Err(err.into()),
    }
}

#[cfg(not(target_os = "linux"))]
pub(super) fn send_file(
    file: &File,
    stream: &TcpStream,
    size: u64,
    pace: &mut Pace<'_>,
) -> Result<u64, (u64, io::Error)> {
    copy_file(file, stream, size, pace)
}

/// The loop where there is no `sendfile`: read a buffer, write it in pieces,
/// each write waiting at most until the deadline.
pub(super) fn copy_file(
    mut file: &File,
    mut stream: &TcpStream,
    size: u64,
    pace: &mut Pace<'_>,
) -> Result<u64, (u64, io::Error)> {
    let mut buf = vec![0u8; COPY_BUFFER];
    let mut deadline = Instant::now() + pace.stall;
    let mut sent = 0u64;
    while sent < size {
        let len = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(len) => len.min(usize::try_from(size - sent).unwrap_or(usize::MAX)),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err((sent, err)),
        };
        let mut written = 0;
        while written < len {
            if (pace.cancelled)() {
                return Err((sent, io::ErrorKind::Interrupted.into()));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err((sent, io::ErrorKind::TimedOut.into()));
            }
            // On Windows a send that timed out leaves the socket "indeterminate", so
            // the one wait there runs to the deadline and its timeout ends the
            // transfer. Elsewhere short slices let a cancel be seen in between.
            #[cfg(not(windows))]
            let left = left.min(WRITE_SLICE);
            stream
                .set_write_timeout(Some(left))
                .map_err(|err| (sent, err))?;
            let end = len.min(written + WRITE_PIECE);
            match stream.write(&buf[written..end]) {
                Ok(0) => return Err((sent, io::ErrorKind::WriteZero.into())),
                Ok(put) => {
                    written += put;
                    sent += put as u64;
                    deadline = Instant::now() + pace.stall;
                    (pace.progress)(sent);
                }
                Err(err) if cfg!(windows) && err.kind() == io::ErrorKind::TimedOut => {
                    return Err((sent, err));
                }
                Err(err) if is_wait(&err) => {}
                Err(err) => return Err((sent, err)),
            }
        }
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use std::io::Read;
    use std::net::TcpListener;

    use super::*;

    /// The copy loop (the only one off Linux) drops a client that reads a byte a
    /// second after its stall timeout, not after the byte-a-second trickle ends.
    #[test]
    fn the_copy_loop_gives_up_on_a_trickle_at_the_stall_deadline() {
        let dir = std::env::temp_dir().join(format!("netdbg-copy-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("mkdir");
        let path = dir.join("big");
        let file = File::create(&path)
            .and_then(|file| file.set_len(64 << 20).map(|()| file))
            .expect("sparse file");
        drop(file);
        let file = File::open(&path).expect("open");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let reading = stop.clone();
        let reader = std::thread::spawn(move || {
            let mut client = TcpStream::connect(addr).expect("connect");
            client
                .set_read_timeout(Some(Duration::from_secs(10)))
                .expect("timeout");
            let mut byte = [0u8; 1];
            // One byte every 200 ms (the client's pace) until told to stop: what
            // is queued would take it days to read.
            while !reading.load(std::sync::atomic::Ordering::SeqCst)
                && matches!(client.read(&mut byte), Ok(1))
            {
                std::thread::park_timeout(Duration::from_millis(200));
            }
        });
        let (stream, _) = listener.accept().expect("accept");
        let stall = Duration::from_millis(1500);
        let started = Instant::now();
        let mut pace = Pace {
            stall,
            cancelled: &|| false,
            progress: &mut |_| {},
        };
        let outcome = copy_file(&file, &stream, 64 << 20, &mut pace);
        let took = started.elapsed();
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        reader.thread().unpark();
        drop(stream);
        let _ = reader.join();
        let _ = std::fs::remove_dir_all(&dir);
        let (sent, err) = outcome.expect_err("the trickle is dropped");
        assert_eq!(err.kind(), io::ErrorKind::TimedOut, "after {sent} bytes");
        assert!(sent < 64 << 20);
        // The buffers fill at once, then nothing moves: stall plus a slice at most.
        assert!(took < stall + Duration::from_millis(2500), "took {took:?}");
    }
}
