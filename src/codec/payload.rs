//! Turns the send box contents into the exact bytes to transmit.

use super::checksum::{Checksum, LineEnding};
use super::encoding::TextEncoding;
use super::error::CodecError;
use super::escapes::{LocatedSegment, Segment, split_escapes_located};
use super::hex::parse_hex;
use super::vars::{MessageMaker, SeqCounter};

/// How the send box is interpreted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PayloadMode {
    Text,
    Hex,
}

/// `escapes` only applies to `Text`; hex input has no use for them.
pub fn build_payload(
    input: &str,
    mode: PayloadMode,
    encoding: TextEncoding,
    escapes: bool,
) -> Result<Vec<u8>, CodecError> {
    match mode {
        PayloadMode::Hex => parse_hex(input),
        PayloadMode::Text if escapes => encode_escaped(input, encoding),
        PayloadMode::Text => encoding.encode(input),
    }
}

fn encode_escaped(input: &str, encoding: TextEncoding) -> Result<Vec<u8>, CodecError> {
    let mut bytes = Vec::with_capacity(input.len());
    for LocatedSegment { start, segment } in split_escapes_located(input)? {
        match segment {
            Segment::Bytes(raw) => bytes.extend_from_slice(&raw),
            Segment::Text(text) => {
                let encoded = encoding.encode(&text).map_err(|err| relocate(err, start))?;
                bytes.extend_from_slice(&encoded);
            }
        }
    }
    Ok(bytes)
}

/// Shifts a position relative to a segment to one in the whole input.
fn relocate(err: CodecError, segment_start: usize) -> CodecError {
    match err {
        CodecError::Unmappable {
            ch,
            position,
            encoding,
        } => CodecError::Unmappable {
            ch,
            position: segment_start + position - 1,
            encoding,
        },
        other => other,
    }
}

/// Everything the send box (or the command line) says about turning text into a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct SendOptions {
    pub mode: PayloadMode,
    /// `\r \n \t \\ \0 \xNN` in text.
    pub escapes: bool,
    /// `${seq}`, `${time}`… are expanded (see [`super::vars`]); off, `${` is text.
    pub vars: bool,
    pub line_ending: LineEnding,
    pub checksum: Checksum,
}

impl Default for SendOptions {
    fn default() -> Self {
        Self {
            mode: PayloadMode::Text,
            escapes: false,
            vars: false,
            line_ending: LineEnding::None,
            checksum: Checksum::None,
        }
    }
}

/// The exact bytes of one message (with variables on: its first send, `${seq}` = 1): the payload, then the line ending (in the text
/// encoding, e.g. `0D 00 0A 00` in UTF-16LE; raw `0D 0A` after HEX), then the
/// checksum over everything before it.
pub fn build_message(
    input: &str,
    options: &SendOptions,
    encoding: TextEncoding,
) -> Result<Vec<u8>, CodecError> {
    if options.vars {
        return MessageMaker::new(input, *options, encoding, SeqCounter::default())?.next_send();
    }
    let bytes = build_payload(input, options.mode, encoding, options.escapes)?;
    finish_message(bytes, options, encoding)
}

/// The payload with the line ending and the checksum after it.
pub(super) fn finish_message(
    mut bytes: Vec<u8>,
    options: &SendOptions,
    encoding: TextEncoding,
) -> Result<Vec<u8>, CodecError> {
    let ending = options.line_ending.text();
    if !ending.is_empty() {
        match options.mode {
            PayloadMode::Text => bytes.extend(encoding.encode(ending)?),
            PayloadMode::Hex => bytes.extend_from_slice(ending.as_bytes()),
        }
    }
    let check = options.checksum.compute(&bytes);
    bytes.extend(check);
    Ok(bytes)
}
