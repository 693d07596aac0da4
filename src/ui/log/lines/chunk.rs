//! A block of consecutive log lines: a small fixed-size record per line and one
//! byte arena holding their payloads (and, where it differs, the decoded text).
//! A block is allocated once at its full size and freed whole when its last
//! line falls off, so a million lines are a few hundred allocations.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::Direction;
use crate::codec::{TextEncoding, auto_fallback};

/// Lines per block, and its arena's size: 4096 lines of 64 bytes fill both.
pub const CHUNK_LINES: usize = 4096;
pub const CHUNK_BYTES: usize = 256 * 1024;

const TX: u8 = 1;
const NOTE: u8 = 2;
const AUTO_REPLY: u8 = 4;
/// The payload was longer than what is kept: its length follows the kept bytes.
const CUT: u8 = 8;
/// The shown text differs from the bytes: its length and the text follow.
const DECODED: u8 = 16;
/// Auto decoded the payload as UTF-8, or as the system's legacy code page.
const PICKED_UTF8: u8 = 32;
const PICKED_FALLBACK: u8 = 64;

/// One line, 24 bytes; its bytes live in the block's arena at `offset`.
#[derive(Debug, Clone, Copy)]
struct Record {
    /// Nanoseconds since the Unix epoch (negative before it).
    at: i64,
    /// The line's `seq` minus the block's first.
    seq_delta: u32,
    peer: u32,
    offset: u32,
    kept: u16,
    flags: u8,
}

/// A line as the block stores it and reads it back (the peer as an id).
pub struct ChunkLine<'a> {
    pub seq: u64,
    pub at: SystemTime,
    pub direction: Direction,
    pub auto_reply: bool,
    pub peer: u32,
    /// The payload's full length (at least `data.len()`).
    pub len: usize,
    pub data: &'a [u8],
    pub decoded: Option<&'a str>,
    /// Auto's choice: UTF-8 or (any other) the system's fallback, stored as one bit.
    pub picked: Option<TextEncoding>,
}

impl ChunkLine<'_> {
    /// Arena bytes the line takes.
    fn size(&self) -> usize {
        let cut = if self.len > self.data.len() { 8 } else { 0 };
        self.data.len() + cut + self.decoded.map_or(0, |text| 4 + text.len())
    }
}

#[derive(Debug)]
pub struct Chunk {
    first_seq: u64,
    records: Vec<Record>,
    arena: Vec<u8>,
}

impl Chunk {
    /// A block whose first line is `line`.
    pub fn starting_with(line: &ChunkLine) -> Self {
        let mut chunk = Self {
            first_seq: line.seq,
            records: Vec::with_capacity(CHUNK_LINES),
            arena: Vec::with_capacity(CHUNK_BYTES.max(line.size())),
        };
        chunk.push(line);
        chunk
    }

    /// Whether `line` goes in this block without growing it.
    pub fn has_room(&self, line: &ChunkLine) -> bool {
        self.records.len() < CHUNK_LINES
            && self.arena.len() + line.size() <= self.arena.capacity()
            && line
                .seq
                .checked_sub(self.first_seq)
                .is_some_and(|delta| u32::try_from(delta).is_ok())
            && line.data.len() <= usize::from(u16::MAX)
    }

    /// Stores `line`; the caller checked [`Self::has_room`].
    pub fn push(&mut self, line: &ChunkLine) {
        let kept = line.data.len().min(usize::from(u16::MAX));
        let data = &line.data[..kept];
        let mut flags = match line.direction {
            Direction::Rx => 0,
            Direction::Tx => TX,
            Direction::Note => NOTE,
        };
        if line.auto_reply {
            flags |= AUTO_REPLY;
        }
        flags |= match line.picked {
            None => 0,
            Some(TextEncoding::Utf8) => PICKED_UTF8,
            Some(_) => PICKED_FALLBACK,
        };
        let offset = self.arena.len() as u32;
        self.arena.extend_from_slice(data);
        if line.len > kept {
            flags |= CUT;
            self.arena
                .extend_from_slice(&(line.len as u64).to_le_bytes());
        }
        if let Some(text) = line.decoded {
            flags |= DECODED;
            self.arena
                .extend_from_slice(&(text.len() as u32).to_le_bytes());
            self.arena.extend_from_slice(text.as_bytes());
        }
        self.records.push(Record {
            at: nanos_since_epoch(line.at),
            seq_delta: (line.seq - self.first_seq) as u32,
            peer: line.peer,
            offset,
            kept: kept as u16,
            flags,
        });
    }

    /// Gives back what the block did not fill (it takes no more lines).
    pub fn close(&mut self) {
        self.records.shrink_to_fit();
        self.arena.shrink_to_fit();
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn seq(&self, at: usize) -> Option<u64> {
        let record = self.records.get(at)?;
        Some(self.first_seq + u64::from(record.seq_delta))
    }

    pub fn peer(&self, at: usize) -> Option<u32> {
        self.records.get(at).map(|record| record.peer)
    }

    pub fn get(&self, at: usize) -> Option<ChunkLine<'_>> {
        let record = self.records.get(at)?;
        let start = record.offset as usize;
        let mut end = start + usize::from(record.kept);
        let data = self.arena.get(start..end)?;
        // A note is words, not a payload: it has no length.
        let mut len = if record.flags & NOTE != 0 {
            0
        } else {
            data.len()
        };
        if record.flags & CUT != 0 {
            len = read_u64(&self.arena, end)? as usize;
            end += 8;
        }
        let decoded = if record.flags & DECODED != 0 {
            let text_len = read_u32(&self.arena, end)? as usize;
            let text = self.arena.get(end + 4..end + 4 + text_len)?;
            Some(std::str::from_utf8(text).unwrap_or_default())
        } else {
            None
        };
        Some(ChunkLine {
            seq: self.first_seq + u64::from(record.seq_delta),
            at: time_from_nanos(record.at),
            direction: match record.flags & (TX | NOTE) {
                TX => Direction::Tx,
                NOTE => Direction::Note,
                _ => Direction::Rx,
            },
            auto_reply: record.flags & AUTO_REPLY != 0,
            peer: record.peer,
            len,
            data,
            decoded,
            picked: match record.flags & (PICKED_UTF8 | PICKED_FALLBACK) {
                PICKED_UTF8 => Some(TextEncoding::Utf8),
                PICKED_FALLBACK => Some(auto_fallback()),
                _ => None,
            },
        })
    }
}

fn read_u64(arena: &[u8], at: usize) -> Option<u64> {
    let bytes = arena.get(at..at + 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(bytes))
}

fn read_u32(arena: &[u8], at: usize) -> Option<u32> {
    let bytes = arena.get(at..at + 4)?.try_into().ok()?;
    Some(u32::from_le_bytes(bytes))
}

/// Exact to the nanosecond for ±292 years around 1970.
fn nanos_since_epoch(at: SystemTime) -> i64 {
    match at.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_nanos()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_nanos()).map_or(i64::MIN, |n| -n),
    }
}

fn time_from_nanos(nanos: i64) -> SystemTime {
    let distance = Duration::from_nanos(nanos.unsigned_abs());
    if nanos >= 0 {
        UNIX_EPOCH + distance
    } else {
        UNIX_EPOCH - distance
    }
}
