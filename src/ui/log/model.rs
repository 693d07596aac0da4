//! The bounded list of lines a log view shows. Decoding happens once, when a
//! line arrives (or when the user picks another encoding), never per frame.

use std::net::SocketAddr;
use std::time::SystemTime;

use super::lines::LineStore;
pub use super::lines::{Direction, LogLine};
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

/// A line's payload as the log keeps it: the shown text where it differs from
/// the bytes, and what Auto decoded it as where that mattered.
struct Decoded {
    text: Option<Box<str>>,
    picked: Option<TextEncoding>,
}

/// Decodes `data`, keeping nothing extra when the shown text equals the bytes.
fn decode_for_display(encoding: TextEncoding, data: &[u8]) -> Decoded {
    // Printable ASCII reads the same in every ASCII-compatible encoding (all
    // but UTF-16) and hides nothing: the flood case, decided without building
    // the text.
    if encoding.is_ascii_compatible() && printable_ascii(data) {
        return Decoded {
            text: None,
            picked: None,
        };
    }
    let (text, used) = encoding.decode_telling(data);
    let text = shown(&text);
    Decoded {
        text: (text.as_bytes() != data).then(|| text.into_boxed_str()),
        picked: auto_pick(encoding, data, used),
    }
}

/// Whether every byte is printable ASCII (space to tilde). Every line of a flood
/// asks, so it looks at 32 bytes at a time without stopping early, which the
/// compiler turns into vector instructions (a byte at a time was ~5% of the
/// window thread's time under a 100k/s flood).
fn printable_ascii(data: &[u8]) -> bool {
    data.chunks(32).all(|block| {
        block
            .iter()
            .fold(true, |all, &byte| all & (byte.wrapping_sub(b' ') < 95))
    })
}

/// What a row tags as Auto's choice: only under Auto, and only when the bytes
/// are not plain ASCII (which reads the same either way).
fn auto_pick(encoding: TextEncoding, data: &[u8], used: TextEncoding) -> Option<TextEncoding> {
    (encoding == TextEncoding::Auto && !data.is_ascii()).then_some(used)
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

/// Bytes of text a line holds, for the log's memory limit.
fn cost(data: &[u8], decoded: Option<&str>) -> usize {
    data.len() + decoded.map_or(0, str::len)
}

/// A note's text is cut (at a character) to this many bytes.
const MAX_NOTE_BYTES: usize = MAX_SHOWN_BYTES;

#[derive(Debug)]
pub struct LogModel {
    lines: LineStore,
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
            lines: LineStore::default(),
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
        self.push_decoding(at, direction, false, peer, kept, len);
    }

    /// Logs what the auto-reply sent (the row says so).
    pub fn push_auto_reply(&mut self, at: SystemTime, peer: SocketAddr, kept: &[u8], len: usize) {
        self.push_decoding(at, Direction::Tx, true, peer, kept, len);
    }

    /// Logs a message the relay injected toward `direction`'s side (the row says so).
    pub fn push_injected(
        &mut self,
        at: SystemTime,
        direction: Direction,
        peer: SocketAddr,
        kept: &[u8],
        len: usize,
    ) {
        self.push_decoding(at, direction, true, peer, kept, len);
    }

    fn push_decoding(
        &mut self,
        at: SystemTime,
        direction: Direction,
        auto_reply: bool,
        peer: SocketAddr,
        kept: &[u8],
        len: usize,
    ) {
        let data = &kept[..kept.len().min(MAX_SHOWN_BYTES)];
        let decoded = decode_for_display(self.encoding, data);
        self.push_line(LogLine {
            seq: 0,
            at,
            direction,
            auto_reply,
            peer,
            len: len.max(kept.len()),
            data,
            decoded: decoded.text.as_deref(),
            picked: decoded.picked,
        });
    }

    /// Like [`Self::push_preview`], with `text` decoded by the caller's stream
    /// decoder (as `used`, which Auto picked), so a character split across two
    /// TCP reads shows whole. Switching the encoding later re-decodes each line
    /// on its own.
    pub fn push_decoded(
        &mut self,
        at: SystemTime,
        direction: Direction,
        peer: SocketAddr,
        (kept, len): (&[u8], usize),
        (text, used): (&str, TextEncoding),
    ) {
        let data = &kept[..kept.len().min(MAX_SHOWN_BYTES)];
        let shown = shown(text);
        let decoded = (shown.as_bytes() != data).then_some(shown.as_str());
        // Bytes held from the read before show in this line's text.
        let plain = data.is_ascii() && text.is_ascii();
        self.push_line(LogLine {
            seq: 0,
            at,
            direction,
            auto_reply: false,
            peer,
            len: len.max(kept.len()),
            data,
            decoded,
            picked: (self.encoding == TextEncoding::Auto && !plain).then_some(used),
        });
    }

    /// Logs an event in words (kept as UTF-8, never re-decoded).
    pub fn push_note(&mut self, at: SystemTime, peer: SocketAddr, text: &str) {
        let mut end = text.len().min(MAX_NOTE_BYTES);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        self.push_line(LogLine {
            seq: 0,
            at,
            direction: Direction::Note,
            auto_reply: false,
            peer,
            len: 0,
            data: &text.as_bytes()[..end],
            decoded: None,
            picked: None,
        });
    }

    /// Keeps `line` as the next one offered, dropping the oldest lines the
    /// limits no longer leave room for.
    fn push_line(&mut self, line: LogLine) {
        self.offered += 1;
        let cost = cost(line.data, line.decoded);
        while !self.lines.is_empty()
            && (self.lines.len() >= self.cap || self.bytes + cost > self.byte_cap)
        {
            self.pop_front();
        }
        self.bytes += cost;
        self.lines.push(LogLine {
            seq: self.offered,
            ..line
        });
    }

    fn pop_front(&mut self) {
        if let Some(line) = self.lines.get(0) {
            self.bytes -= cost(line.data, line.decoded);
        }
        self.lines.pop_front();
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

    /// How many distinct peers the kept lines came from or went to.
    pub fn peer_count(&self) -> usize {
        self.lines.peers()
    }

    pub fn cap(&self) -> usize {
        self.cap
    }

    /// Where the line numbered `seq` is, or where it would be (lines are kept
    /// in `seq` order).
    pub fn index_of_seq(&self, seq: u64) -> Result<usize, usize> {
        self.lines.index_of_seq(seq)
    }

    pub fn get(&self, index: usize) -> Option<LogLine<'_>> {
        self.lines.get(index)
    }

    /// The `seq` of line `index`, without reading the line.
    pub fn seq(&self, index: usize) -> Option<u64> {
        self.lines.seq(index)
    }

    pub fn iter(&self) -> impl Iterator<Item = LogLine<'_>> {
        self.lines.iter_from(0)
    }

    /// The lines from `index` on, oldest first.
    pub fn iter_from(&self, index: usize) -> impl Iterator<Item = LogLine<'_>> {
        self.lines.iter_from(index)
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
        let mut lines = LineStore::default();
        let mut bytes = 0;
        for line in self.lines.iter_from(0) {
            let decoded = match line.direction {
                Direction::Note => Decoded {
                    text: None,
                    picked: None,
                },
                _ => decode_for_display(encoding, line.data),
            };
            bytes += cost(line.data, decoded.text.as_deref());
            lines.push(LogLine {
                seq: line.seq,
                at: line.at,
                direction: line.direction,
                auto_reply: line.auto_reply,
                peer: line.peer,
                len: line.len,
                data: line.data,
                decoded: decoded.text.as_deref(),
                picked: decoded.picked,
            });
        }
        self.lines = lines;
        self.bytes = bytes;
        self.trim();
    }

    pub fn clear(&mut self) {
        self.lines = LineStore::default();
        self.bytes = 0;
        self.offered = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::printable_ascii;

    #[test]
    fn printable_ascii_is_space_to_tilde() {
        for byte in 0..=u8::MAX {
            // Alone, and at every place in a block and past it.
            for at in [0, 1, 31, 32, 33, 70] {
                let mut data = vec![b'x'; 71];
                data[at] = byte;
                assert_eq!(
                    printable_ascii(&data),
                    (b' '..=b'~').contains(&byte),
                    "byte {byte:#04x} at {at}"
                );
            }
            assert_eq!(printable_ascii(&[byte]), (b' '..=b'~').contains(&byte));
        }
        assert!(printable_ascii(b""));
    }
}
