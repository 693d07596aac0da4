//! The bounded list of lines a log view shows. Decoding happens once, when a
//! line arrives (or when the user picks another encoding), never per frame.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::SystemTime;

use crate::codec::{TextEncoding, visible_text};

/// A line keeps at most this many payload bytes for display; the counters and
/// the length column still tell the full size.
pub const MAX_SHOWN_BYTES: usize = 4096;

pub const DEFAULT_LOG_CAP: usize = 100_000;
pub const MIN_LOG_CAP: usize = 100;
pub const MAX_LOG_CAP: usize = 1_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Rx,
    Tx,
    /// Not traffic: something that happened (a client connected, hung up, …).
    Note,
}

#[derive(Debug, Clone)]
pub struct LogLine {
    /// The line's number among all lines offered, so a selection survives lines
    /// scrolling out at the top.
    pub seq: u64,
    pub at: SystemTime,
    pub direction: Direction,
    pub peer: SocketAddr,
    /// The payload's full length, even when `data` was cut to [`MAX_SHOWN_BYTES`].
    pub len: usize,
    pub data: Box<[u8]>,
    /// `data` decoded for display; `None` when that is `data` itself (plain
    /// ASCII/UTF-8 text, the flood case), which halves the allocations per line.
    decoded: Option<Box<str>>,
}

impl LogLine {
    /// The payload decoded, with control characters made visible so a row stays one line.
    pub fn text(&self) -> &str {
        match &self.decoded {
            Some(text) => text,
            None => std::str::from_utf8(&self.data).unwrap_or_default(),
        }
    }
}

/// Decodes `data`, keeping nothing extra when the shown text equals the bytes.
fn decode_for_display(encoding: TextEncoding, data: &[u8]) -> Option<Box<str>> {
    let text = shown(&encoding.decode(data));
    (text.as_bytes() != data).then(|| text.into_boxed_str())
}

/// What a row shows for decoded text: one line, and bytes the encoding could not
/// decode as □ (U+FFFD, the usual mark, is in none of the bundled fonts).
fn shown(text: &str) -> String {
    let visible = visible_text(text);
    if visible.contains(char::REPLACEMENT_CHARACTER) {
        visible.replace(char::REPLACEMENT_CHARACTER, "□")
    } else {
        visible
    }
}

#[derive(Debug)]
pub struct LogModel {
    lines: VecDeque<LogLine>,
    cap: usize,
    /// Every line offered, including those dropped by the cap or while paused.
    offered: u64,
    encoding: TextEncoding,
}

impl LogModel {
    pub fn new(cap: usize, encoding: TextEncoding) -> Self {
        Self {
            lines: VecDeque::new(),
            cap: cap.clamp(MIN_LOG_CAP, MAX_LOG_CAP),
            offered: 0,
            encoding,
        }
    }

    pub fn push(&mut self, at: SystemTime, direction: Direction, peer: SocketAddr, payload: &[u8]) {
        self.offered += 1;
        let data: Box<[u8]> = payload[..payload.len().min(MAX_SHOWN_BYTES)].into();
        let decoded = decode_for_display(self.encoding, &data);
        if self.lines.len() >= self.cap {
            self.lines.pop_front();
        }
        self.lines.push_back(LogLine {
            seq: self.offered,
            at,
            direction,
            peer,
            len: payload.len(),
            data,
            decoded,
        });
    }

    /// Like [`Self::push`], with `text` decoded by the caller's stream decoder, so a
    /// character split across two TCP reads shows whole. Switching the encoding
    /// later re-decodes each line on its own.
    pub fn push_decoded(
        &mut self,
        at: SystemTime,
        direction: Direction,
        peer: SocketAddr,
        payload: &[u8],
        text: &str,
    ) {
        self.push(at, direction, peer, payload);
        let shown = shown(text);
        if let Some(line) = self.lines.back_mut() {
            line.decoded = (shown.as_bytes() != &line.data[..]).then(|| shown.into_boxed_str());
        }
    }

    /// Logs an event in words (kept as UTF-8, never re-decoded).
    pub fn push_note(&mut self, at: SystemTime, peer: SocketAddr, text: &str) {
        self.offered += 1;
        if self.lines.len() >= self.cap {
            self.lines.pop_front();
        }
        self.lines.push_back(LogLine {
            seq: self.offered,
            at,
            direction: Direction::Note,
            peer,
            len: 0,
            data: text.as_bytes().into(),
            decoded: None,
        });
    }

    /// Counts a line the display will never show (paused, or skipped under a flood).
    pub fn count_unshown(&mut self, lines: u64) {
        self.offered += lines;
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    pub fn offered(&self) -> u64 {
        self.offered
    }

    pub fn cap(&self) -> usize {
        self.cap
    }

    pub fn get(&self, index: usize) -> Option<&LogLine> {
        self.lines.get(index)
    }

    pub fn iter(&self) -> impl Iterator<Item = &LogLine> {
        self.lines.iter()
    }

    pub fn set_cap(&mut self, cap: usize) {
        self.cap = cap.clamp(MIN_LOG_CAP, MAX_LOG_CAP);
        while self.lines.len() > self.cap {
            self.lines.pop_front();
        }
    }

    pub fn encoding(&self) -> TextEncoding {
        self.encoding
    }

    /// Re-decodes every kept line, so switching GBK ⇄ UTF-8 fixes what is on screen.
    pub fn set_encoding(&mut self, encoding: TextEncoding) {
        if encoding == self.encoding {
            return;
        }
        self.encoding = encoding;
        for line in &mut self.lines {
            if line.direction != Direction::Note {
                line.decoded = decode_for_display(encoding, &line.data);
            }
        }
    }

    pub fn clear(&mut self) {
        self.lines.clear();
        self.offered = 0;
    }
}
