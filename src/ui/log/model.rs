//! The bounded list of lines a log view shows. Decoding happens once, when a
//! line arrives (or when the user picks another encoding), never per frame.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::SystemTime;

use crate::codec::{TextEncoding, visible_text};
use crate::engine::Skipped;

/// A line keeps at most this many payload bytes for display; the counters and
/// the length column still tell the full size.
pub const MAX_SHOWN_BYTES: usize = 4096;

pub const DEFAULT_LOG_CAP: usize = 100_000;
pub const MIN_LOG_CAP: usize = 100;
pub const MAX_LOG_CAP: usize = 1_000_000;

/// The log's text may take this much memory (payload bytes kept plus their
/// decoded text): 100,000 lines of 4 KiB would otherwise be 800 MB.
pub const DEFAULT_LOG_MIB: usize = 64;
pub const MIN_LOG_MIB: usize = 1;
pub const MAX_LOG_MIB: usize = 1024;
const MIB: usize = 1024 * 1024;

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
    /// Sent by the auto-reply, not by the user.
    pub auto_reply: bool,
    pub peer: SocketAddr,
    /// The payload's full length, even when `data` was cut to [`MAX_SHOWN_BYTES`].
    pub len: usize,
    pub data: Box<[u8]>,
    /// `data` decoded for display; `None` when that is `data` itself (plain
    /// ASCII/UTF-8 text, the flood case), which halves the allocations per line.
    decoded: Option<Box<str>>,
}

impl LogLine {
    /// Bytes of text this line holds, for the log's memory limit.
    fn cost(&self) -> usize {
        self.data.len() + self.decoded.as_ref().map_or(0, |text| text.len())
    }

    /// How many payload bytes are not kept (a huge read shows a preview).
    pub fn cut_bytes(&self) -> usize {
        match self.direction {
            Direction::Note => 0,
            _ => self.len.saturating_sub(self.data.len()),
        }
    }

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
    /// The memory limit in bytes, and what the kept lines take.
    byte_cap: usize,
    bytes: usize,
    /// Every line offered, including those dropped by the cap or while paused.
    offered: u64,
    encoding: TextEncoding,
}

impl LogModel {
    pub fn new(cap: usize, encoding: TextEncoding) -> Self {
        Self {
            lines: VecDeque::new(),
            cap: cap.clamp(MIN_LOG_CAP, MAX_LOG_CAP),
            byte_cap: DEFAULT_LOG_MIB * MIB,
            bytes: 0,
            offered: 0,
            encoding,
        }
    }

    pub fn push(&mut self, at: SystemTime, direction: Direction, peer: SocketAddr, payload: &[u8]) {
        self.push_preview(at, direction, peer, payload, payload.len());
    }

    /// Logs the first bytes of a payload that was `len` bytes long (the engine
    /// hands the window a preview of a huge read).
    pub fn push_preview(
        &mut self,
        at: SystemTime,
        direction: Direction,
        peer: SocketAddr,
        kept: &[u8],
        len: usize,
    ) {
        let data: Box<[u8]> = kept[..kept.len().min(MAX_SHOWN_BYTES)].into();
        let decoded = decode_for_display(self.encoding, &data);
        self.push_line(at, direction, peer, len.max(kept.len()), data, decoded);
    }

    /// Logs what the auto-reply sent (the row says so).
    pub fn push_auto_reply(&mut self, at: SystemTime, peer: SocketAddr, kept: &[u8], len: usize) {
        self.push_preview(at, Direction::Tx, peer, kept, len);
        if let Some(line) = self.lines.back_mut() {
            line.auto_reply = true;
        }
    }

    /// Like [`Self::push_preview`], with `text` decoded by the caller's stream
    /// decoder, so a character split across two TCP reads shows whole. Switching
    /// the encoding later re-decodes each line on its own.
    pub fn push_decoded(
        &mut self,
        at: SystemTime,
        direction: Direction,
        peer: SocketAddr,
        (kept, len): (&[u8], usize),
        text: &str,
    ) {
        let data: Box<[u8]> = kept[..kept.len().min(MAX_SHOWN_BYTES)].into();
        let shown = shown(text);
        let decoded = (shown.as_bytes() != &data[..]).then(|| shown.into_boxed_str());
        self.push_line(at, direction, peer, len.max(kept.len()), data, decoded);
    }

    /// Logs an event in words (kept as UTF-8, never re-decoded).
    pub fn push_note(&mut self, at: SystemTime, peer: SocketAddr, text: &str) {
        self.push_line(at, Direction::Note, peer, 0, text.as_bytes().into(), None);
    }

    fn push_line(
        &mut self,
        at: SystemTime,
        direction: Direction,
        peer: SocketAddr,
        len: usize,
        data: Box<[u8]>,
        decoded: Option<Box<str>>,
    ) {
        self.offered += 1;
        let line = LogLine {
            seq: self.offered,
            at,
            direction,
            auto_reply: false,
            peer,
            len,
            data,
            decoded,
        };
        let cost = line.cost();
        while !self.lines.is_empty()
            && (self.lines.len() >= self.cap || self.bytes + cost > self.byte_cap)
        {
            self.pop_front();
        }
        self.bytes += cost;
        self.lines.push_back(line);
    }

    fn pop_front(&mut self) {
        if let Some(line) = self.lines.pop_front() {
            self.bytes -= line.cost();
        }
    }

    /// Logs the note saying what the engine skipped while the display was
    /// behind, at the time of the last skipped payload, and counts the skipped
    /// payloads as lines offered.
    pub fn push_skipped(&mut self, skipped: Skipped, peer: SocketAddr, text: &str) {
        let at = skipped.last.unwrap_or_else(SystemTime::now);
        self.push_note(at, peer, text);
        self.count_unshown(skipped.messages);
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

    /// Where the line numbered `seq` is, or where it would be (lines are kept
    /// in `seq` order).
    pub fn index_of_seq(&self, seq: u64) -> Result<usize, usize> {
        self.lines.binary_search_by_key(&seq, |line| line.seq)
    }

    pub fn get(&self, index: usize) -> Option<&LogLine> {
        self.lines.get(index)
    }

    pub fn iter(&self) -> impl Iterator<Item = &LogLine> {
        self.lines.iter()
    }

    pub fn set_cap(&mut self, cap: usize) {
        self.cap = cap.clamp(MIN_LOG_CAP, MAX_LOG_CAP);
        self.trim();
    }

    /// The memory limit in MiB (of text kept: payload bytes and decoded text).
    pub fn set_mib_cap(&mut self, mib: usize) {
        self.byte_cap = mib.clamp(MIN_LOG_MIB, MAX_LOG_MIB) * MIB;
        self.trim();
    }

    /// Bytes of text the kept lines take.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    fn trim(&mut self) {
        while self.lines.len() > self.cap || self.bytes > self.byte_cap {
            self.pop_front();
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
        self.bytes = self.lines.iter().map(LogLine::cost).sum();
        self.trim();
    }

    pub fn clear(&mut self) {
        self.lines.clear();
        self.bytes = 0;
        self.offered = 0;
    }
}
