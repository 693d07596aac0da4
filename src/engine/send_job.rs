//! Sends that run on their own: a message every N ms, or a file — whole, in
//! pieces, or one line per send — without ever loading it into memory. The tab
//! says how one message goes out ([`SendFn`]); the timing is a [`Repeater`]'s.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use super::repeat::{RepeatConfig, Repeater};
use super::{EngineError, Waker};
use crate::codec::MessageMaker;

/// What became of one message handed to a socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    Sent,
    /// The send queue is full (a slow peer): try again shortly.
    Busy,
    /// The socket is closed or the peer gone: stop.
    Gone,
}

/// How a tab sends one message; called on the job's thread.
pub type SendFn = Box<dyn FnMut(Vec<u8>) -> SendOutcome + Send>;

/// Over UDP each piece of a whole file is one datagram of at most this much.
pub const FILE_DATAGRAM: usize = 1024;
/// Over TCP a whole file goes out in pieces of this much.
pub const FILE_STREAM_PIECE: usize = 64 * 1024;
/// Sending line by line, a line (with its line end) may be at most this long:
/// a file without line breaks (a binary, `/dev/zero`) is an error naming the
/// line, not a "line" read into memory whole.
pub const MAX_LINE: usize = 64 * 1024;

/// How long a job waits for a full queue to drain before it gives up.
const BUSY_PATIENCE: Duration = Duration::from_secs(10);
const BUSY_RETRY: Duration = Duration::from_millis(1);

/// How a file goes out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileSendMode {
    /// The whole file as fast as the socket takes it, in pieces of `chunk` bytes
    /// (a datagram each over UDP).
    Whole { chunk: usize },
    /// One line (with its line end) per send, `interval` apart.
    Lines { interval: Duration },
}

/// Sends `message` every `interval`, `count` times (`None`: until stopped); a
/// message with variables is built afresh for each send (the next `${seq}`…).
pub fn repeat_message(
    mut message: MessageMaker,
    config: RepeatConfig,
    mut send: SendFn,
    waker: Waker,
) -> Result<Repeater, EngineError> {
    Repeater::start_fallible(
        config,
        "message",
        move |_| {
            let bytes = message.next_send().map_err(EngineError::BadMessage)?;
            Ok(deliver(&mut send, bytes))
        },
        waker,
    )
}

/// Streams a file through `send`. The file is opened here, so a missing file is
/// an error at once; a read error or a line over [`MAX_LINE`] later ends the
/// job, with the reason in [`Repeater::failure`].
pub fn send_file(
    path: &Path,
    mode: FileSendMode,
    mut send: SendFn,
    waker: Waker,
) -> Result<Repeater, EngineError> {
    let file = File::open(path).map_err(|err| EngineError::FileUnreadable {
        path: path.display().to_string(),
        message: err.to_string(),
    })?;
    let shown_path = path.display().to_string();
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let (interval, chunk) = match mode {
        FileSendMode::Whole { chunk } => (Duration::ZERO, chunk.max(1)),
        FileSendMode::Lines { interval } => (interval, 0),
    };
    let config = RepeatConfig {
        interval,
        count: None,
    };
    Repeater::start_fallible(
        config,
        "file",
        move |n| {
            let piece = if chunk == 0 {
                next_line(&mut reader).map_err(|problem| problem.error(&shown_path, n + 1))?
            } else {
                next_chunk(&mut reader, chunk)
            };
            Ok(match piece {
                Some(piece) => deliver(&mut send, piece),
                None => false,
            })
        },
        waker,
    )
}

/// Sends one message, waiting out a full queue; false ends the job.
fn deliver(send: &mut SendFn, message: Vec<u8>) -> bool {
    let give_up = Instant::now() + BUSY_PATIENCE;
    loop {
        match send(message.clone()) {
            SendOutcome::Sent => return true,
            SendOutcome::Gone => return false,
            SendOutcome::Busy if Instant::now() < give_up => thread::sleep(BUSY_RETRY),
            SendOutcome::Busy => return false,
        }
    }
}

/// Why the next line could not be read.
enum LineProblem {
    TooLong,
    Unreadable(std::io::Error),
}

impl LineProblem {
    fn error(self, path: &str, line: u64) -> EngineError {
        match self {
            LineProblem::TooLong => EngineError::LineTooLong {
                path: path.to_owned(),
                line,
                max: MAX_LINE,
            },
            LineProblem::Unreadable(err) => EngineError::FileUnreadable {
                path: path.to_owned(),
                message: err.to_string(),
            },
        }
    }
}

/// The next line with its line end, at most [`MAX_LINE`] bytes; `None` at the end.
fn next_line(reader: &mut impl BufRead) -> Result<Option<Vec<u8>>, LineProblem> {
    let mut line = Vec::new();
    let limit = MAX_LINE as u64 + 1;
    match reader.take(limit).read_until(b'\n', &mut line) {
        Ok(0) => Ok(None),
        Ok(len) if len > MAX_LINE => Err(LineProblem::TooLong),
        Ok(_) => Ok(Some(line)),
        Err(err) => Err(LineProblem::Unreadable(err)),
    }
}

fn next_chunk(reader: &mut impl Read, chunk: usize) -> Option<Vec<u8>> {
    let mut piece = Vec::with_capacity(chunk);
    match reader.take(chunk as u64).read_to_end(&mut piece) {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(piece),
    }
}
