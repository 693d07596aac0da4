//! Incremental decoding for data that arrives in arbitrary chunks (TCP
//! reads, serial bursts), where a multi-byte character may be split.

use encoding_rs::{CoderResult, Decoder};

use super::encoding::TextEncoding;

/// Keeps the partial character between `decode_chunk` calls so that e.g. GBK
/// `c4 | e3` decodes to one character instead of two replacement marks.
pub struct StreamDecoder {
    encoding: TextEncoding,
    decoder: Decoder,
}

impl StreamDecoder {
    pub fn new(enc: TextEncoding) -> Self {
        StreamDecoder {
            encoding: enc,
            decoder: fresh_decoder(enc),
        }
    }

    /// Text completed by `bytes`; an unfinished trailing sequence is held
    /// back until the next chunk (or `finish`).
    pub fn decode_chunk(&mut self, bytes: &[u8]) -> String {
        self.decode(bytes, false)
    }

    /// Flushes held-back bytes (an incomplete sequence becomes U+FFFD) and
    /// resets, so the same decoder can be reused for the next stream.
    pub fn finish(&mut self) -> String {
        let text = self.decode(&[], true);
        // encoding_rs forbids using a decoder after `last == true`.
        self.decoder = fresh_decoder(self.encoding);
        text
    }

    pub fn encoding(&self) -> TextEncoding {
        self.encoding
    }

    fn decode(&mut self, mut bytes: &[u8], last: bool) -> String {
        let mut text = String::new();
        loop {
            let needed = self
                .decoder
                .max_utf8_buffer_length(bytes.len())
                .unwrap_or(bytes.len().saturating_mul(3));
            text.reserve(needed.max(8));
            let (result, read, _) = self.decoder.decode_to_string(bytes, &mut text, last);
            bytes = &bytes[read..];
            if result == CoderResult::InputEmpty {
                return text;
            }
        }
    }
}

// encoding_rs::Decoder has no Debug; owners of a StreamDecoder still want to
// derive it.
impl std::fmt::Debug for StreamDecoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamDecoder")
            .field("encoding", &self.encoding)
            .finish_non_exhaustive()
    }
}

fn fresh_decoder(enc: TextEncoding) -> Decoder {
    enc.encoding_rs().new_decoder_without_bom_handling()
}
