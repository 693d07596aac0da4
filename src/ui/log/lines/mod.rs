//! Where the log's lines are kept, compactly: blocks of fixed-size records and
//! byte arenas ([`chunk`]), with each peer's address stored once ([`peers`]).
//! A 64-byte line costs 88 bytes in all, where a struct per line with its own
//! allocations cost ~188.

mod chunk;
mod peers;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::SystemTime;

use chunk::{Chunk, ChunkLine};

use crate::codec::TextEncoding;
use peers::PeerTable;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Rx,
    Tx,
    /// Not traffic: something that happened (a client connected, hung up, …).
    Note,
}

/// One kept line, read back from the store.
#[derive(Debug, Clone, Copy)]
pub struct LogLine<'a> {
    /// The line's number among all lines offered, so a selection survives lines
    /// scrolling out at the top.
    pub seq: u64,
    pub at: SystemTime,
    pub direction: Direction,
    /// Sent by the auto-reply, not by the user.
    pub auto_reply: bool,
    pub peer: SocketAddr,
    /// The payload's full length, even when `data` was cut to a preview.
    pub len: usize,
    pub data: &'a [u8],
    /// `data` decoded for display; `None` when that is `data` itself (plain
    /// ASCII/UTF-8 text, the flood case). Set only by the log, which decodes.
    pub(in crate::ui::log) decoded: Option<&'a str>,
    /// Under Auto, what the payload was decoded as (UTF-8 or the system's legacy
    /// code page); `None` for plain ASCII, which reads the same in both.
    pub picked: Option<TextEncoding>,
}

impl<'a> LogLine<'a> {
    /// How many payload bytes are not kept (a huge read shows a preview).
    pub fn cut_bytes(&self) -> usize {
        match self.direction {
            Direction::Note => 0,
            _ => self.len.saturating_sub(self.data.len()),
        }
    }

    /// The payload decoded, with control characters made visible so a row stays one line.
    pub fn text(&self) -> &'a str {
        match self.decoded {
            Some(text) => text,
            None => std::str::from_utf8(self.data).unwrap_or_default(),
        }
    }
}

/// The kept lines, oldest first: pushed at the back, dropped from the front.
#[derive(Debug, Default)]
pub struct LineStore {
    /// Each block with the number of lines stored before it, ever.
    chunks: VecDeque<(u64, Chunk)>,
    /// The number, counted the same way, of the oldest kept line.
    first: u64,
    len: usize,
    peers: PeerTable,
}

impl LineStore {
    /// Keeps `line` (its `seq` as given) at the back.
    pub fn push(&mut self, line: LogLine) {
        let new = ChunkLine {
            seq: line.seq,
            at: line.at,
            direction: line.direction,
            auto_reply: line.auto_reply,
            peer: self.peers.acquire(line.peer),
            len: line.len,
            data: line.data,
            decoded: line.decoded,
            picked: line.picked,
        };
        match self.chunks.back_mut() {
            Some((_, last)) if last.has_room(&new) => last.push(&new),
            last => {
                if let Some((_, last)) = last {
                    last.close();
                }
                let start = self.first + self.len as u64;
                self.chunks.push_back((start, Chunk::starting_with(&new)));
            }
        }
        self.len += 1;
    }

    /// Drops the oldest line.
    pub fn pop_front(&mut self) {
        let Some((chunk, at)) = self.locate(0) else {
            return;
        };
        let (peer, last_of_chunk) = (chunk.peer(at), at + 1 >= chunk.len());
        if let Some(peer) = peer {
            self.peers.release(peer);
        }
        if last_of_chunk {
            self.chunks.pop_front();
        }
        self.first += 1;
        self.len -= 1;
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many distinct peers the kept lines have.
    pub fn peers(&self) -> usize {
        self.peers.count()
    }

    /// Which block holds line `index`, and the line's place in it.
    fn position(&self, index: usize) -> Option<(usize, usize)> {
        if index >= self.len {
            return None;
        }
        let number = self.first + index as u64;
        let block = self
            .chunks
            .partition_point(|(start, _)| *start <= number)
            .checked_sub(1)?;
        let (start, _) = self.chunks.get(block)?;
        Some((block, (number - start) as usize))
    }

    fn locate(&self, index: usize) -> Option<(&Chunk, usize)> {
        let (block, at) = self.position(index)?;
        Some((&self.chunks.get(block)?.1, at))
    }

    pub fn get(&self, index: usize) -> Option<LogLine<'_>> {
        let (chunk, at) = self.locate(index)?;
        self.view(chunk, at)
    }

    fn view<'a>(&'a self, chunk: &'a Chunk, at: usize) -> Option<LogLine<'a>> {
        let stored = chunk.get(at)?;
        Some(LogLine {
            seq: stored.seq,
            at: stored.at,
            direction: stored.direction,
            auto_reply: stored.auto_reply,
            peer: self.peers.address(stored.peer),
            len: stored.len,
            data: stored.data,
            decoded: stored.decoded,
            picked: stored.picked,
        })
    }

    /// The `seq` of line `index`.
    pub fn seq(&self, index: usize) -> Option<u64> {
        let (chunk, at) = self.locate(index)?;
        chunk.seq(at)
    }

    /// Where the line numbered `seq` is, or where it would be (lines are kept
    /// in `seq` order).
    pub fn index_of_seq(&self, seq: u64) -> Result<usize, usize> {
        let (mut low, mut high) = (0, self.len);
        while low < high {
            let middle = low + (high - low) / 2;
            match self.seq(middle) {
                Some(found) if found < seq => low = middle + 1,
                Some(found) if found == seq => return Ok(middle),
                _ => high = middle,
            }
        }
        Err(low)
    }

    /// The lines from `index` on, oldest first.
    pub fn iter_from(&self, index: usize) -> impl Iterator<Item = LogLine<'_>> {
        let (block, at) = self.position(index).unwrap_or((self.chunks.len(), 0));
        self.chunks
            .iter()
            .skip(block)
            .enumerate()
            .flat_map(move |(nth, (_, chunk))| {
                let start = if nth == 0 { at } else { 0 };
                (start..chunk.len()).filter_map(move |at| self.view(chunk, at))
            })
    }
}
