//! The options every sending command shares: encoding, HEX, escapes, line ending,
//! checksum; how `--repeat` / `--interval` are read; and how `--file` goes out.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use clap::Args;
use crossbeam_channel::Receiver;

use super::{CliError, parse_encoding};
use crate::codec::{
    Checksum, LineEnding, MessageMaker, PayloadMode, SendOptions, SeqCounter, TextEncoding,
};
use crate::engine::{EngineError, FileSendMode, Repeater, SendOutcome, send_file};
use crate::i18n::{Describe, Lang};

#[derive(Debug, Args)]
pub struct PayloadArgs {
    /// Text encoding on the wire, for messages and replies: auto (the default: prints UTF-8 when valid, else the system's legacy code page; sends in the system's encoding), UTF-8, GBK, GB18030, Big5, Shift_JIS, EUC-KR, Windows-1252, UTF-16LE, UTF-16BE
    #[arg(long, value_name = "E")]
    encoding: Option<String>,
    /// Messages are HEX, e.g. "48 65 6c 6c 6f" or 0x48,0x65; data is printed as HEX
    #[arg(long)]
    pub hex: bool,
    /// Understand \r \n \t \\ \0 \xNN in messages
    #[arg(long)]
    escapes: bool,
    /// Expand ${seq} ${seq:04} ${seq:u16be} ${time} ${unix_ms} ${rand:N} ${len:u16be} in messages, afresh for each send (${seq} counts from 1); without it ${ is plain text
    #[arg(long)]
    vars: bool,
    /// End each message with CR: 0D (encoded like the text, e.g. 0D 00 in UTF-16LE)
    #[arg(long, group = "line_ending")]
    cr: bool,
    /// End each message with LF: 0A (encoded like the text, e.g. 0A 00 in UTF-16LE)
    #[arg(long, group = "line_ending")]
    lf: bool,
    /// End each message with CR LF: 0D 0A (encoded like the text, e.g. 0D 00 0A 00 in UTF-16LE)
    #[arg(long, group = "line_ending")]
    crlf: bool,
    /// Append check bytes computed over the message and its line ending: sum8, xor8,
    /// crc16-modbus, crc16-ccitt (CRC-16/CCITT-FALSE), crc32. CRC-16/Modbus low byte
    /// first as Modbus RTU sends it; CRC-16/CCITT-FALSE and CRC-32 high byte first
    #[arg(long, value_name = "KIND")]
    checksum: Option<String>,
}

impl PayloadArgs {
    pub fn encoding(&self, lang: Lang) -> Result<TextEncoding, CliError> {
        parse_encoding(self.encoding.as_deref(), lang)
    }

    /// How messages become bytes: mode, escapes, line ending and checksum.
    pub fn send_options(&self, lang: Lang) -> Result<SendOptions, CliError> {
        let checksum = match self.checksum.as_deref() {
            None => Checksum::None,
            Some(label) => Checksum::from_label(label)
                .ok_or_else(|| CliError::Input(lang.texts().bad_checksum(label)))?,
        };
        let line_ending = match (self.cr, self.lf, self.crlf) {
            (true, _, _) => LineEnding::Cr,
            (_, true, _) => LineEnding::Lf,
            (_, _, true) => LineEnding::CrLf,
            _ => LineEnding::None,
        };
        Ok(SendOptions {
            mode: if self.hex {
                PayloadMode::Hex
            } else {
                PayloadMode::Text
            },
            escapes: self.escapes,
            vars: self.vars,
            line_ending,
            checksum,
        })
    }

    /// `message` ready to be built afresh for each send (with `--vars`), checked now;
    /// the messages of one command share `counter`.
    pub fn maker(
        &self,
        message: &str,
        options: SendOptions,
        encoding: TextEncoding,
        counter: &SeqCounter,
        lang: Lang,
    ) -> Result<MessageMaker, CliError> {
        MessageMaker::new(message, options, encoding, counter.clone())
            .map_err(|error| CliError::Input(error.describe(lang)))
    }
}

/// `--repeat N`: a whole number, 1 or more.
pub fn parse_repeat(text: &str, lang: Lang) -> Result<u64, CliError> {
    match text.trim().parse::<u64>() {
        Ok(count) if count > 0 => Ok(count),
        _ => Err(CliError::Input(lang.texts().bad_repeat(text))),
    }
}

/// `--interval MS`: whole milliseconds, 1 or more.
pub fn parse_interval(text: &str, lang: Lang) -> Result<Duration, CliError> {
    match text.trim().parse::<u64>() {
        Ok(ms) if ms > 0 => Ok(Duration::from_millis(ms)),
        _ => Err(CliError::Input(lang.texts().bad_interval(text))),
    }
}

/// What `--file` sends and how; built before any socket opens.
pub struct FilePlan {
    path: PathBuf,
    mode: FileSendMode,
    frame: LineFrame,
}

impl FilePlan {
    /// Whole files go out in pieces of `chunk` bytes, exactly as they are; with
    /// `lines`, one line per send, `interval` apart, dressed by the line-end and
    /// checksum options. A file that cannot be opened is an input error.
    pub fn new(
        path: &Path,
        lines: bool,
        interval: Duration,
        chunk: usize,
        payload: &PayloadArgs,
        lang: Lang,
    ) -> Result<Self, CliError> {
        // The job opens it again; this is only so that a path that is missing or a
        // folder (which opens fine on Unix and fails only when read) fails as bad input
        // before any socket. Other kinds (a pipe, a device) are left to the job.
        if path.is_dir() {
            let path = path.display().to_string();
            return Err(CliError::Input(lang.texts().cli_file_is_folder(&path)));
        }
        File::open(path).map_err(|err| {
            CliError::Input(
                EngineError::FileUnreadable {
                    path: path.display().to_string(),
                    message: err.to_string(),
                }
                .describe(lang),
            )
        })?;
        let (mode, frame) = if lines {
            let options = payload.send_options(lang)?;
            let frame = LineFrame::new(&options, payload.encoding(lang)?, lang)?;
            (FileSendMode::Lines { interval }, frame)
        } else {
            (FileSendMode::Whole { chunk }, LineFrame::default())
        };
        Ok(Self {
            path: path.to_owned(),
            mode,
            frame,
        })
    }

    /// How long the job may go without a piece before it counts as stuck.
    pub fn silence(&self) -> Duration {
        let interval = match self.mode {
            FileSendMode::Lines { interval } => interval,
            FileSendMode::Whole { .. } => Duration::ZERO,
        };
        interval.saturating_add(Duration::from_secs(30))
    }

    /// Starts streaming the file through `send` (called on the job's thread).
    pub fn start(
        &self,
        mut send: impl FnMut(Vec<u8>) -> SendOutcome + Send + 'static,
        lang: Lang,
    ) -> Result<FileJob, CliError> {
        let frame = self.frame.clone();
        let cut_short = Arc::new(AtomicBool::new(false));
        let last_failed = cut_short.clone();
        let (done_tx, done) = crossbeam_channel::bounded(1);
        let job = send_file(
            &self.path,
            self.mode,
            Box::new(move |piece| {
                let outcome = send(frame.apply(piece));
                last_failed.store(outcome != SendOutcome::Sent, Ordering::SeqCst);
                outcome
            }),
            Arc::new(move || {
                let _ = done_tx.try_send(());
            }),
        )
        .map_err(|e| CliError::Network(e.describe(lang)))?;
        Ok(FileJob {
            job,
            done,
            cut_short,
        })
    }
}

/// A running `--file` send.
pub struct FileJob {
    pub job: Repeater,
    /// Gets one message when the job has ended.
    pub done: Receiver<()>,
    /// The last piece did not go out (queue full for too long, or the socket gone).
    cut_short: Arc<AtomicBool>,
}

impl FileJob {
    /// Stops the job and says how far it got: `sent` pieces seen out of those it read.
    pub fn unfinished(&self, sent: u64, lang: Lang) -> CliError {
        self.job.stop();
        CliError::Network(lang.texts().send_unfinished(sent, self.job.progress().sent))
    }

    /// After `done`: why the job stopped early, if the file was at fault (a line
    /// too long for `--lines` is the user's input to fix: exit code 2).
    pub fn failure(&self, lang: Lang) -> Option<CliError> {
        let error = self.job.failure()?;
        let message = error.describe(lang);
        Some(match error {
            EngineError::LineTooLong { .. } => CliError::Input(message),
            _ => CliError::Network(message),
        })
    }

    /// After `done`: did every piece the job read go out?
    pub fn cut_short(&self) -> bool {
        self.cut_short.load(Ordering::SeqCst)
    }
}

/// What `--lines` does to each line: the chosen line end in place of the file's
/// own, then the check bytes over the line and its end.
#[derive(Clone, Default)]
struct LineFrame {
    ending: Option<Vec<u8>>,
    checksum: Checksum,
}

impl LineFrame {
    fn new(options: &SendOptions, encoding: TextEncoding, lang: Lang) -> Result<Self, CliError> {
        let text = options.line_ending.text();
        let ending = match (text.is_empty(), options.mode) {
            (true, _) => None,
            (false, PayloadMode::Hex) => Some(text.as_bytes().to_vec()),
            (false, PayloadMode::Text) => Some(
                encoding
                    .encode(text)
                    .map_err(|error| CliError::Input(error.describe(lang)))?,
            ),
        };
        Ok(Self {
            ending,
            checksum: options.checksum,
        })
    }

    fn apply(&self, mut line: Vec<u8>) -> Vec<u8> {
        if let Some(ending) = &self.ending {
            if line.ends_with(b"\r\n") {
                line.truncate(line.len() - 2);
            } else if line.ends_with(b"\n") {
                line.truncate(line.len() - 1);
            }
            line.extend_from_slice(ending);
        }
        let check = self.checksum.compute(&line);
        line.extend(check);
        line
    }
}
