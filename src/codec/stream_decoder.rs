//! Incremental decoding for data that arrives in arbitrary chunks (TCP
//! reads, serial bursts), where a multi-byte character may be split.

use encoding_rs::{CoderResult, Decoder};

use super::auto::{auto_fallback, fallback_for};
use super::encoding::TextEncoding;

/// Keeps the partial character between `decode_chunk` calls so that e.g. GBK
/// `c4 | e3` decodes to one character instead of two replacement marks.
pub struct StreamDecoder {
    encoding: TextEncoding,
    state: State,
    /// What the last chunk was decoded as.
    used: TextEncoding,
}

enum State {
    Fixed(Decoder),
    /// Auto decides per chunk: UTF-8 when the chunk (after bytes held back from
    /// the one before) is valid UTF-8, else the fallback.
    Auto {
        fallback: TextEncoding,
        /// The start of a UTF-8 character the last chunk ended with (≤ 3 bytes).
        utf8_tail: Vec<u8>,
        legacy: Decoder,
    },
}

impl StreamDecoder {
    /// Auto falls back to the system's legacy code page.
    pub fn new(enc: TextEncoding) -> Self {
        Self::with_fallback(enc, auto_fallback())
    }

    /// Like [`Self::new`], with Auto's fallback given.
    pub fn with_fallback(enc: TextEncoding, fallback: TextEncoding) -> Self {
        let fallback = fallback_for(fallback);
        let state = match enc {
            TextEncoding::Auto => State::Auto {
                fallback,
                utf8_tail: Vec::new(),
                legacy: fresh_decoder(fallback),
            },
            fixed => State::Fixed(fresh_decoder(fixed)),
        };
        StreamDecoder {
            encoding: enc,
            state,
            used: match enc {
                TextEncoding::Auto => TextEncoding::Utf8,
                fixed => fixed,
            },
        }
    }

    /// Text completed by `bytes`; an unfinished trailing sequence is held
    /// back until the next chunk (or `finish`).
    pub fn decode_chunk(&mut self, bytes: &[u8]) -> String {
        match &mut self.state {
            State::Fixed(decoder) => decode(decoder, bytes, false),
            State::Auto {
                fallback,
                utf8_tail,
                legacy,
            } => {
                let (text, used) = decode_auto_chunk(*fallback, utf8_tail, legacy, bytes);
                self.used = used;
                text
            }
        }
    }

    /// Flushes held-back bytes (an incomplete sequence becomes U+FFFD) and
    /// resets, so the same decoder can be reused for the next stream.
    pub fn finish(&mut self) -> String {
        let text = match &mut self.state {
            State::Fixed(decoder) => decode(decoder, &[], true),
            // A UTF-8 start that never got its end was not UTF-8.
            State::Auto {
                fallback,
                utf8_tail,
                legacy,
            } => {
                let tail = std::mem::take(utf8_tail);
                let text = decode(legacy, &tail, true);
                if !text.is_empty() {
                    self.used = *fallback;
                }
                text
            }
        };
        // encoding_rs forbids using a decoder after `last == true`.
        *self = Self {
            used: self.used,
            ..Self::with_fallback(self.encoding, self.fallback())
        };
        text
    }

    /// The encoding chosen (possibly Auto).
    pub fn encoding(&self) -> TextEncoding {
        self.encoding
    }

    /// What the last chunk was decoded as: the fixed encoding, or what Auto picked.
    pub fn used(&self) -> TextEncoding {
        self.used
    }

    fn fallback(&self) -> TextEncoding {
        match &self.state {
            State::Auto { fallback, .. } => *fallback,
            State::Fixed(_) => auto_fallback(),
        }
    }
}

/// One chunk under Auto. A chunk that is UTF-8 but for an unfinished last
/// character shows as UTF-8 while the rest is awaited; if the stream ends (or
/// goes on) so that those bytes were not UTF-8 after all, they show in the
/// fallback then, while what came before them stays as shown.
fn decode_auto_chunk(
    fallback: TextEncoding,
    utf8_tail: &mut Vec<u8>,
    legacy: &mut Decoder,
    bytes: &[u8],
) -> (String, TextEncoding) {
    let mut joined = std::mem::take(utf8_tail);
    joined.extend_from_slice(bytes);
    // The fallback is in the middle of a character: the rest of it follows.
    if holds_partial_character(legacy, fallback) {
        return (decode(legacy, &joined, false), fallback);
    }
    match std::str::from_utf8(&joined) {
        Ok(text) => (text.to_owned(), TextEncoding::Utf8),
        // Valid so far, cut inside a character: keep its start for the next chunk.
        Err(error) if error.error_len().is_none() => {
            let valid = error.valid_up_to();
            utf8_tail.extend_from_slice(&joined[valid..]);
            let text = std::str::from_utf8(&joined[..valid]).unwrap_or_default();
            (text.to_owned(), TextEncoding::Utf8)
        }
        Err(_) => (decode(legacy, &joined, false), fallback),
    }
}

/// Whether `decoder` holds the first byte(s) of a character: encoding_rs then
/// reserves room for one more character than a fresh decoder does.
fn holds_partial_character(decoder: &Decoder, encoding: TextEncoding) -> bool {
    decoder.max_utf8_buffer_length(0) != fresh_decoder(encoding).max_utf8_buffer_length(0)
}

fn decode(decoder: &mut Decoder, mut bytes: &[u8], last: bool) -> String {
    let mut text = String::new();
    loop {
        let needed = decoder
            .max_utf8_buffer_length(bytes.len())
            .unwrap_or(bytes.len().saturating_mul(3));
        text.reserve(needed.max(8));
        let (result, read, _) = decoder.decode_to_string(bytes, &mut text, last);
        bytes = &bytes[read..];
        if result == CoderResult::InputEmpty {
            return text;
        }
    }
}

// encoding_rs::Decoder has no Debug; owners of a StreamDecoder still want to
// derive it.
impl std::fmt::Debug for StreamDecoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamDecoder")
            .field("encoding", &self.encoding)
            .field("used", &self.used)
            .finish_non_exhaustive()
    }
}

fn fresh_decoder(enc: TextEncoding) -> Decoder {
    enc.encoding_rs().new_decoder_without_bom_handling()
}
