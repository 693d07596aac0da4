//! Backslash escapes in the send box: `\r \n \t \\ \0 \xNN`.

use std::borrow::Cow;
use std::iter::Peekable;
use std::str::CharIndices;

use super::error::CodecError;

/// A piece of escaped input.
///
/// `Text` still has to go through the chosen encoding (so `\r` becomes
/// `0d 00` in UTF-16LE), whereas `Bytes` from `\xNN` go on the wire as-is:
/// that is the whole point of `\x`, e.g. `\xC4\xE3` is GBK 你 even when
/// sending UTF-8.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment<'a> {
    Text(Cow<'a, str>),
    Bytes(Vec<u8>),
}

/// A segment plus the 1-based character position in the input where it
/// starts, so later errors (unmappable characters) can point into the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocatedSegment<'a> {
    pub start: usize,
    pub segment: Segment<'a>,
}

pub fn split_escapes(input: &str) -> Result<Vec<Segment<'_>>, CodecError> {
    Ok(split_escapes_located(input)?
        .into_iter()
        .map(|located| located.segment)
        .collect())
}

/// Like [`split_escapes`], keeping where each segment came from.
///
/// Literal runs are borrowed verbatim, and each escape gets its own segment,
/// so a position inside a `Text` segment maps to `start + offset` in the input.
pub fn split_escapes_located(input: &str) -> Result<Vec<LocatedSegment<'_>>, CodecError> {
    let mut scanner = Scanner {
        input,
        chars: input.char_indices().peekable(),
        position: 0,
    };
    let mut segments = Vec::new();
    let mut run: Option<(usize, usize)> = None; // (start position, byte offset)
    while let Some((offset, c)) = scanner.next() {
        if c != '\\' {
            run.get_or_insert((scanner.position, offset));
            continue;
        }
        if let Some((start, run_offset)) = run.take() {
            segments.push(LocatedSegment {
                start,
                segment: Segment::Text(Cow::Borrowed(&input[run_offset..offset])),
            });
        }
        let start = scanner.position;
        let segment = scanner.escape(start, offset)?;
        segments.push(LocatedSegment { start, segment });
    }
    if let Some((start, run_offset)) = run {
        segments.push(LocatedSegment {
            start,
            segment: Segment::Text(Cow::Borrowed(&input[run_offset..])),
        });
    }
    Ok(segments)
}

/// Character iterator that remembers the 1-based position of the last
/// character it returned.
struct Scanner<'a> {
    input: &'a str,
    chars: Peekable<CharIndices<'a>>,
    position: usize,
}

impl<'a> Scanner<'a> {
    fn next(&mut self) -> Option<(usize, char)> {
        let item = self.chars.next()?;
        self.position += 1;
        Some(item)
    }

    /// Reads what follows a backslash found at `start` / byte `offset`.
    fn escape(&mut self, start: usize, offset: usize) -> Result<Segment<'a>, CodecError> {
        let Some((_, kind)) = self.next() else {
            return Err(self.bad(start, offset));
        };
        let text = match kind {
            'r' => "\r",
            'n' => "\n",
            't' => "\t",
            '\\' => "\\",
            '0' => "\0",
            'x' => return self.hex_byte(start, offset),
            _ => return Err(self.bad(start, offset)),
        };
        Ok(Segment::Text(Cow::Borrowed(text)))
    }

    fn hex_byte(&mut self, start: usize, offset: usize) -> Result<Segment<'a>, CodecError> {
        let mut value = 0u8;
        for _ in 0..2 {
            let digit = self.chars.peek().and_then(|&(_, c)| c.to_digit(16));
            let Some(digit) = digit else {
                // Include the offending character (if any) so the user sees
                // why "\x4" or "\x4g" was rejected.
                self.next();
                return Err(self.bad(start, offset));
            };
            self.next();
            value = (value << 4) | digit as u8;
        }
        Ok(Segment::Bytes(vec![value]))
    }

    /// Error covering the input from the backslash up to the last character
    /// consumed.
    fn bad(&mut self, start: usize, offset: usize) -> CodecError {
        let end = self
            .chars
            .peek()
            .map_or(self.input.len(), |&(next_offset, _)| next_offset);
        CodecError::BadEscape {
            position: start,
            sequence: self.input[offset..end].to_string(),
        }
    }
}
