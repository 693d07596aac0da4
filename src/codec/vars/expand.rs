//! A [`Template`] and this send's values → the exact bytes.

use chrono::{DateTime, Local};

use super::error::VarsError;
use super::parse::{IntFormat, Part, SeqFormat, Template, Var};
use crate::codec::encoding::TextEncoding;
use crate::codec::error::CodecError;
use crate::codec::hex::parse_hex;
use crate::codec::payload::{PayloadMode, build_payload};

/// What differs from one send to the next.
pub struct VarValues<'a> {
    pub seq: u64,
    pub now: DateTime<Local>,
    pub rng: &'a mut fastrand::Rng,
    /// Named values (regex captures, saved sequence values) as bytes.
    pub named: &'a dyn Fn(&str) -> Option<Vec<u8>>,
}

/// One piece of the message: known bytes, or a length field filled in last.
enum Piece {
    Bytes(Vec<u8>),
    Len { format: IntFormat, position: usize },
}

/// The payload `template` stands for. Literal text goes through the encoding (and
/// escapes) or is HEX, as without variables; a text value (`${seq}`, `${time}`) is
/// encoded like the text around it, a byte format (`u16be`) is raw bytes in either
/// mode, and `${len:…}` counts the bytes after it.
pub fn expand(
    template: &Template,
    mode: PayloadMode,
    encoding: TextEncoding,
    escapes: bool,
    values: &mut VarValues<'_>,
) -> Result<Vec<u8>, CodecError> {
    let mut pieces = Vec::with_capacity(template.parts.len());
    for part in &template.parts {
        pieces.push(match part {
            Part::Literal { start, text } => {
                let bytes = match mode {
                    PayloadMode::Hex => parse_hex(text),
                    PayloadMode::Text => build_payload(text, mode, encoding, escapes),
                };
                Piece::Bytes(bytes.map_err(|err| shift(err, start - 1))?)
            }
            Part::Var {
                start,
                var: Var::Len(format),
            } => Piece::Len {
                format: *format,
                position: *start,
            },
            Part::Var { start, var } => Piece::Bytes(value(var, *start, mode, encoding, values)?),
        });
    }
    fill_lengths(pieces)
}

fn value(
    var: &Var,
    position: usize,
    mode: PayloadMode,
    encoding: TextEncoding,
    values: &mut VarValues<'_>,
) -> Result<Vec<u8>, CodecError> {
    let text = |text: String| match mode {
        PayloadMode::Text => encoding.encode(&text),
        PayloadMode::Hex => Ok(text.into_bytes()),
    };
    match var {
        Var::Seq(SeqFormat::Decimal { width }) => text(format!("{:0width$}", values.seq)),
        Var::Seq(SeqFormat::Bytes(format)) => Ok(format.bytes(values.seq)),
        Var::Time => text(values.now.format("%H:%M:%S%.3f").to_string()),
        Var::UnixMs => text(values.now.timestamp_millis().to_string()),
        Var::Rand(count) => match mode {
            PayloadMode::Hex => Ok((0..*count).map(|_| values.rng.u8(..)).collect()),
            PayloadMode::Text => text(
                (0..*count)
                    .map(|_| values.rng.digit(10))
                    .collect::<String>(),
            ),
        },
        Var::Named(name) => (values.named)(name).ok_or_else(|| {
            CodecError::Vars(VarsError::Unknown {
                name: name.clone(),
                position,
            })
        }),
        Var::Len(_) => Ok(Vec::new()),
    }
}

/// Writes each length field, from the last one back: a field counts the fields after it.
fn fill_lengths(mut pieces: Vec<Piece>) -> Result<Vec<u8>, CodecError> {
    let mut following = 0usize;
    for piece in pieces.iter_mut().rev() {
        if let Piece::Len { format, position } = *piece {
            if following as u64 > format.max() {
                return Err(CodecError::Vars(VarsError::LenTooLarge {
                    len: following,
                    format,
                    position,
                }));
            }
            *piece = Piece::Bytes(format.bytes(following as u64));
        }
        if let Piece::Bytes(bytes) = piece {
            following += bytes.len();
        }
    }
    Ok(pieces
        .into_iter()
        .flat_map(|piece| match piece {
            Piece::Bytes(bytes) => bytes,
            Piece::Len { .. } => Vec::new(),
        })
        .collect())
}

/// Moves a position inside one literal piece to one in the whole message.
fn shift(err: CodecError, by: usize) -> CodecError {
    match err {
        CodecError::HexInvalidChar { ch, position } => CodecError::HexInvalidChar {
            ch,
            position: position + by,
        },
        CodecError::BadEscape { position, sequence } => CodecError::BadEscape {
            position: position + by,
            sequence,
        },
        CodecError::Unmappable {
            ch,
            position,
            encoding,
        } => CodecError::Unmappable {
            ch,
            position: position + by,
            encoding,
        },
        other => other,
    }
}
