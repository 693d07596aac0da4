//! The [`Framer`]: bytes as they were read in, whole frames out.
//!
//! A frame larger than the limit is never held: the framer reports
//! [`FrameFault::TooLarge`] and skips that frame's bytes as they arrive (what
//! the framing says is its end: the declared length, the next delimiter, the next
//! silence), then carries on with the frame after it. A length field that makes
//! no sense ([`FrameFault::BadLength`]) cannot be skipped over: the bytes held are
//! dropped and framing starts again with the next read.

use super::{DEFAULT_FRAME_LIMIT, Framing, LengthPrefix};

/// A buffer that grew for a big frame is given back once empty, above this size.
const KEEP_CAPACITY: usize = 64 * 1024;

/// What framing tells about one frame, for the log and the teaching views.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameNote {
    /// How many reads brought its bytes (more than 1: 拆包, the frame was split).
    pub reads: u32,
    /// How many frames the read that completed it completed (more than 1: 粘包).
    pub frames_in_read: u32,
    /// The connection closed before the frame was complete: these are the bytes held.
    pub incomplete: bool,
}

impl Default for FrameNote {
    /// One read, one message: what a read is when nothing frames it.
    fn default() -> Self {
        FrameNote {
            reads: 1,
            frames_in_read: 1,
            incomplete: false,
        }
    }
}

/// Why bytes were dropped instead of becoming a frame. Worded in `crate::i18n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FrameFault {
    /// A frame over `limit` bytes: its length field or fixed size said `declared`,
    /// or (`None`) more than `limit` bytes came without the frame's end.
    TooLarge { declared: Option<u64>, limit: usize },
    /// The length field's `value` (with the adjustment) is shorter than the header.
    BadLength { value: u64 },
}

/// One frame: its payload (without line end, delimiter or header) and its note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameRef<'a> {
    pub payload: &'a [u8],
    pub note: FrameNote,
}

/// What a step of the framer gives, in stream order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameItem<'a> {
    Frame(FrameRef<'a>),
    Fault(FrameFault),
}

/// Cuts one connection's stream into frames. Feed it every read with
/// [`push`](Self::push); tell it of a silence with [`end_of_gap`](Self::end_of_gap)
/// (idle framing) and of the end with [`finish`](Self::finish).
#[derive(Debug, Clone)]
pub struct Framer {
    framing: Framing,
    /// The delimiter for line and delimiter framing.
    delimiter: Vec<u8>,
    limit: usize,
    buf: Vec<u8>,
    /// Where the frame being gathered begins in `buf`.
    start: usize,
    /// Where the search for a delimiter goes on (what lies before was searched).
    scan: usize,
    /// Reads that brought the bytes from `start` on.
    pending_reads: u32,
    skip: Skip,
    out: Vec<Out>,
    /// How many frames the last step completed.
    frames_in_step: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Skip {
    Nothing,
    /// The rest of a frame too large, this many bytes.
    Bytes(u64),
    ToDelimiter,
    ToGap,
}

#[derive(Debug, Clone)]
enum Out {
    Frame {
        start: usize,
        end: usize,
        reads: u32,
        incomplete: bool,
    },
    Fault(FrameFault),
}

/// What the framing makes of the bytes held.
enum Step {
    Frame {
        start: usize,
        end: usize,
        next: usize,
    },
    Drop {
        next: usize,
        fault: Option<FrameFault>,
    },
    Wait,
}

impl Framer {
    pub fn new(framing: Framing) -> Self {
        Self::with_limit(framing, DEFAULT_FRAME_LIMIT)
    }

    /// A framer whose frames may be at most `limit` bytes (header and delimiter included).
    pub fn with_limit(framing: Framing, limit: usize) -> Self {
        let delimiter = match &framing {
            Framing::Line => b"\n".to_vec(),
            Framing::Delimiter(bytes) => bytes.clone(),
            _ => Vec::new(),
        };
        Framer {
            framing,
            delimiter,
            limit: limit.max(1),
            buf: Vec::new(),
            start: 0,
            scan: 0,
            pending_reads: 0,
            skip: Skip::Nothing,
            out: Vec::new(),
            frames_in_step: 0,
        }
    }

    pub fn framing(&self) -> &Framing {
        &self.framing
    }

    /// Bytes held for a frame not yet complete.
    pub fn pending(&self) -> usize {
        self.buf.len() - self.start
    }

    /// Idle framing, with something a silence would end: the reader should wake
    /// after the gap and call [`end_of_gap`](Self::end_of_gap).
    pub fn waiting_for_gap(&self) -> bool {
        matches!(self.framing, Framing::Idle { .. })
            && (self.pending() > 0 || self.skip == Skip::ToGap)
    }

    /// Takes one read; gives the frames it completed (and faults), in order.
    pub fn push(&mut self, read: &[u8]) -> Frames<'_> {
        self.begin();
        if read.is_empty() {
            return self.frames();
        }
        if self.framing == Framing::AsRead {
            self.buf.extend_from_slice(read);
            self.emit(0, read.len(), 1, false);
            self.start = self.buf.len();
            return self.frames();
        }
        let read = self.skip_bytes(read);
        if read.is_empty() {
            return self.frames();
        }
        if self.pending() == 0 {
            self.pending_reads = 0;
        }
        self.pending_reads = self.pending_reads.saturating_add(1);
        self.buf.extend_from_slice(read);
        self.cut();
        self.frames()
    }

    /// The line was silent for the idle gap: what was gathered is a frame.
    pub fn end_of_gap(&mut self) -> Frames<'_> {
        self.begin();
        if matches!(self.framing, Framing::Idle { .. }) {
            if self.skip == Skip::ToGap {
                self.skip = Skip::Nothing;
                self.start = self.buf.len();
            } else if self.pending() > 0 {
                self.emit(self.start, self.buf.len(), self.pending_reads, false);
                self.start = self.buf.len();
            }
            self.pending_reads = 0;
        }
        self.frames()
    }

    /// The stream ended: what is held comes out, marked incomplete (except
    /// with idle framing, where the end is as good as a silence).
    pub fn finish(&mut self) -> Frames<'_> {
        self.begin();
        let skipping = self.skip != Skip::Nothing;
        if self.pending() > 0 && !skipping {
            let incomplete = !matches!(self.framing, Framing::Idle { .. });
            self.emit(self.start, self.buf.len(), self.pending_reads, incomplete);
        }
        self.start = self.buf.len();
        self.scan = self.start;
        self.skip = Skip::Nothing;
        self.pending_reads = 0;
        self.frames()
    }

    /// Forgets the last step's frames and what they held.
    fn begin(&mut self) {
        self.out.clear();
        self.frames_in_step = 0;
        if self.start > 0 {
            self.buf.drain(..self.start);
            self.scan = self.scan.saturating_sub(self.start);
            self.start = 0;
        }
        if self.buf.is_empty() && self.buf.capacity() > KEEP_CAPACITY {
            self.buf = Vec::new();
        }
    }

    fn frames(&self) -> Frames<'_> {
        Frames {
            framer: self,
            next: 0,
        }
    }

    fn emit(&mut self, start: usize, end: usize, reads: u32, incomplete: bool) {
        self.out.push(Out::Frame {
            start,
            end,
            reads: reads.max(1),
            incomplete,
        });
        self.frames_in_step += 1;
    }

    /// The part of `read` past the rest of a frame being skipped.
    fn skip_bytes<'r>(&mut self, read: &'r [u8]) -> &'r [u8] {
        let Skip::Bytes(left) = self.skip else {
            return read;
        };
        let skipped = usize::try_from(left).map_or(read.len(), |left| left.min(read.len()));
        let left = left - skipped as u64;
        self.skip = if left == 0 {
            Skip::Nothing
        } else {
            Skip::Bytes(left)
        };
        &read[skipped..]
    }

    /// Cuts every frame the bytes held complete.
    fn cut(&mut self) {
        loop {
            let step = match &self.framing {
                Framing::AsRead => Step::Wait,
                Framing::Line | Framing::Delimiter(_) => self.delimited(),
                Framing::Fixed(size) => self.counted(*size as u64, 0),
                Framing::LengthPrefix(prefix) => self.length_prefixed(*prefix),
                Framing::Idle { .. } => self.idle(),
            };
            match step {
                Step::Wait => return,
                Step::Frame { start, end, next } => {
                    self.emit(start, end, self.pending_reads, false);
                    self.advance(next);
                }
                Step::Drop { next, fault } => {
                    if let Some(fault) = fault {
                        self.out.push(Out::Fault(fault));
                    }
                    let progressed = next > self.start;
                    self.advance(next);
                    if !progressed || next >= self.buf.len() {
                        return;
                    }
                }
            }
        }
    }

    /// The next frame starts at `next`; what remains came with the last read.
    fn advance(&mut self, next: usize) {
        self.start = next.min(self.buf.len());
        self.scan = self.scan.max(self.start);
        self.pending_reads = u32::from(self.pending() > 0);
    }

    fn delimited(&mut self) -> Step {
        let from = self.scan.max(self.start);
        let found = find(&self.buf[from..], &self.delimiter).map(|at| from + at);
        let Some(at) = found else {
            // A delimiter may begin in the last bytes: search those again next time.
            self.scan = (self.buf.len() + 1)
                .saturating_sub(self.delimiter.len())
                .max(self.start);
            if self.skip == Skip::ToDelimiter {
                return Step::Drop {
                    next: self.scan,
                    fault: None,
                };
            }
            if self.pending() > self.limit {
                self.skip = Skip::ToDelimiter;
                return Step::Drop {
                    next: self.scan,
                    fault: Some(self.too_large(None)),
                };
            }
            return Step::Wait;
        };
        let next = at + self.delimiter.len();
        if self.skip == Skip::ToDelimiter {
            self.skip = Skip::Nothing;
            return Step::Drop { next, fault: None };
        }
        if next - self.start > self.limit {
            return Step::Drop {
                next,
                fault: Some(self.too_large(None)),
            };
        }
        let mut end = at;
        if self.framing == Framing::Line && end > self.start && self.buf[end - 1] == b'\r' {
            end -= 1;
        }
        Step::Frame {
            start: self.start,
            end,
            next,
        }
    }

    /// A frame of `total` bytes whose payload begins `header` bytes in.
    fn counted(&mut self, total: u64, header: usize) -> Step {
        let held = self.pending() as u64;
        if total > self.limit as u64 {
            let fault = Some(self.too_large(Some(total)));
            if held >= total {
                return Step::Drop {
                    next: self.start + total as usize,
                    fault,
                };
            }
            self.skip = Skip::Bytes(total - held);
            return Step::Drop {
                next: self.buf.len(),
                fault,
            };
        }
        if held < total {
            return Step::Wait;
        }
        let end = self.start + total as usize;
        Step::Frame {
            start: self.start + header,
            end,
            next: end,
        }
    }

    fn length_prefixed(&mut self, prefix: LengthPrefix) -> Step {
        let header = prefix.header_len();
        if self.pending() < header {
            return Step::Wait;
        }
        let value = prefix.read_value(&self.buf[self.start..]);
        match prefix.frame_len(value) {
            Some(total) => self.counted(total, header),
            None => Step::Drop {
                next: self.buf.len(),
                fault: Some(FrameFault::BadLength { value }),
            },
        }
    }

    fn idle(&mut self) -> Step {
        if self.skip == Skip::ToGap {
            return Step::Drop {
                next: self.buf.len(),
                fault: None,
            };
        }
        if self.pending() > self.limit {
            self.skip = Skip::ToGap;
            return Step::Drop {
                next: self.buf.len(),
                fault: Some(self.too_large(None)),
            };
        }
        Step::Wait
    }

    fn too_large(&self, declared: Option<u64>) -> FrameFault {
        FrameFault::TooLarge {
            declared,
            limit: self.limit,
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    match needle {
        [] => None,
        [byte] => haystack.iter().position(|b| b == byte),
        _ => haystack
            .windows(needle.len())
            .position(|window| window == needle),
    }
}

/// The frames and faults of one step of a [`Framer`], in stream order.
pub struct Frames<'a> {
    framer: &'a Framer,
    next: usize,
}

impl<'a> Iterator for Frames<'a> {
    type Item = FrameItem<'a>;

    fn next(&mut self) -> Option<FrameItem<'a>> {
        let framer = self.framer;
        let out = framer.out.get(self.next)?;
        self.next += 1;
        Some(match out {
            Out::Fault(fault) => FrameItem::Fault(*fault),
            Out::Frame {
                start,
                end,
                reads,
                incomplete,
            } => FrameItem::Frame(FrameRef {
                payload: &framer.buf[*start..*end],
                note: FrameNote {
                    reads: *reads,
                    frames_in_read: framer.frames_in_step,
                    incomplete: *incomplete,
                },
            }),
        })
    }
}
