//! What a framing is ([`Framing`]), read from the command line's
//! `raw|line|delim:HEX|fixed:N|len:W[be|le][@OFFSET][,incl][,adj=N]|idle:MS` and
//! written back the same way; what can be wrong with it ([`FramingError`]).

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{MAX_DELIMITER, MAX_FIXED, MAX_IDLE_MS, MAX_LENGTH_ADJUST, MAX_LENGTH_OFFSET};
use crate::codec::{CodecError, format_hex_compact, parse_hex};

/// Where one message ends and the next begins.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Framing {
    /// Every read is one message: what TCP happened to deliver together.
    #[default]
    AsRead,
    /// A message ends with LF; the LF and a CR before it are not shown.
    Line,
    /// A message ends with these bytes, which are not shown.
    Delimiter(Vec<u8>),
    /// Every message is this many bytes.
    Fixed(usize),
    /// A header holds the message's length.
    LengthPrefix(LengthPrefix),
    /// A silence of this many milliseconds ends a message (serial bridges).
    Idle { gap_ms: u32 },
}

/// The framings by name, for a choice in the window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum FramingKind {
    #[default]
    AsRead,
    Line,
    Delimiter,
    Fixed,
    LengthPrefix,
    Idle,
}

impl FramingKind {
    pub const ALL: [FramingKind; 6] = [
        FramingKind::AsRead,
        FramingKind::Line,
        FramingKind::Delimiter,
        FramingKind::Fixed,
        FramingKind::LengthPrefix,
        FramingKind::Idle,
    ];
}

/// How wide a length field is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum LengthWidth {
    One,
    #[default]
    Two,
    Four,
}

impl LengthWidth {
    pub const ALL: [LengthWidth; 3] = [LengthWidth::One, LengthWidth::Two, LengthWidth::Four];

    pub fn bytes(self) -> usize {
        match self {
            LengthWidth::One => 1,
            LengthWidth::Two => 2,
            LengthWidth::Four => 4,
        }
    }

    fn from_bytes(bytes: usize) -> Option<Self> {
        Self::ALL.into_iter().find(|width| width.bytes() == bytes)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Endian {
    /// Most significant byte first (network order).
    #[default]
    Big,
    Little,
}

/// A length field: `offset` bytes into the frame, `width` bytes wide. Its value plus
/// `adjust` is the payload's length, or with `counts_whole_frame` the length of the
/// whole frame, header included. The payload is what follows the field.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LengthPrefix {
    pub width: LengthWidth,
    pub endian: Endian,
    pub offset: usize,
    pub counts_whole_frame: bool,
    pub adjust: i64,
}

impl LengthPrefix {
    /// The bytes before the payload: what precedes the field, and the field.
    pub fn header_len(&self) -> usize {
        self.offset + self.width.bytes()
    }

    /// The field's value, from a header at least [`header_len`](Self::header_len) long.
    pub fn read_value(&self, header: &[u8]) -> u64 {
        let field = &header[self.offset..self.header_len()];
        let fold = |value: u64, byte: &u8| (value << 8) | u64::from(*byte);
        match self.endian {
            Endian::Big => field.iter().fold(0, fold),
            Endian::Little => field.iter().rev().fold(0, fold),
        }
    }

    /// The whole frame's length for a field `value`; `None` when the value and the
    /// adjustment make less than a header (or less than nothing).
    pub fn frame_len(&self, value: u64) -> Option<u64> {
        let declared = i128::from(value) + i128::from(self.adjust);
        let header = self.header_len() as i128;
        let total = if self.counts_whole_frame {
            declared
        } else {
            declared.checked_add(header)?
        };
        (declared >= 0 && total >= header)
            .then(|| u64::try_from(total).ok())
            .flatten()
    }
}

impl Framing {
    pub fn kind(&self) -> FramingKind {
        match self {
            Framing::AsRead => FramingKind::AsRead,
            Framing::Line => FramingKind::Line,
            Framing::Delimiter(_) => FramingKind::Delimiter,
            Framing::Fixed(_) => FramingKind::Fixed,
            Framing::LengthPrefix(_) => FramingKind::LengthPrefix,
            Framing::Idle { .. } => FramingKind::Idle,
        }
    }

    /// How long a silence ends a frame, for the idle framing.
    pub fn idle_gap(&self) -> Option<Duration> {
        match self {
            Framing::Idle { gap_ms } => Some(Duration::from_millis(u64::from(*gap_ms))),
            _ => None,
        }
    }

    /// Reads `raw`, `line`, `delim:HEX`, `fixed:N`, `len:W[be|le][@OFFSET][,incl][,adj=N]`
    /// or `idle:MS` (names in any case).
    pub fn parse(text: &str) -> Result<Framing, FramingError> {
        let trimmed = text.trim();
        let (kind, value) = match trimmed.split_once(':') {
            Some((kind, value)) => (kind.trim().to_ascii_lowercase(), Some(value.trim())),
            None => (trimmed.to_ascii_lowercase(), None),
        };
        match (kind.as_str(), value) {
            ("raw", None) => Ok(Framing::AsRead),
            ("line", None) => Ok(Framing::Line),
            ("delim", Some(hex)) => parse_delimiter(hex),
            ("fixed", Some(size)) => parse_fixed(size),
            ("len", Some(spec)) => parse_length(spec).map(Framing::LengthPrefix),
            ("idle", Some(ms)) => parse_idle(ms),
            _ => Err(FramingError::Unknown {
                text: text.to_owned(),
            }),
        }
    }

    /// Checks a framing built field by field (the window's settings) as
    /// [`parse`](Self::parse) checks one typed out.
    pub fn validate(&self) -> Result<(), FramingError> {
        match self {
            Framing::AsRead | Framing::Line => Ok(()),
            Framing::Delimiter(bytes) if bytes.is_empty() => Err(FramingError::DelimiterEmpty),
            Framing::Delimiter(bytes) if bytes.len() > MAX_DELIMITER => {
                Err(FramingError::DelimiterTooLong { len: bytes.len() })
            }
            Framing::Delimiter(_) => Ok(()),
            Framing::Fixed(size) => check_fixed(*size, &size.to_string()).map(|_| ()),
            Framing::LengthPrefix(prefix) => {
                if prefix.offset > MAX_LENGTH_OFFSET {
                    return Err(FramingError::LengthOffset {
                        text: prefix.offset.to_string(),
                    });
                }
                if prefix.adjust.abs() > MAX_LENGTH_ADJUST {
                    return Err(FramingError::LengthAdjust {
                        text: prefix.adjust.to_string(),
                    });
                }
                Ok(())
            }
            Framing::Idle { gap_ms } => check_idle(u64::from(*gap_ms), &gap_ms.to_string()),
        }
    }
}

/// A delimiter typed in HEX (`0D 0A`, `0x7E`), checked.
pub fn parse_delimiter(hex: &str) -> Result<Framing, FramingError> {
    let bytes = parse_hex(hex).map_err(|error| FramingError::DelimiterNotHex {
        text: hex.to_owned(),
        error,
    })?;
    let framing = Framing::Delimiter(bytes);
    framing.validate()?;
    Ok(framing)
}

fn parse_fixed(text: &str) -> Result<Framing, FramingError> {
    let size = text
        .trim()
        .parse::<usize>()
        .map_err(|_| FramingError::FixedSize {
            text: text.to_owned(),
        })?;
    check_fixed(size, text)
}

fn check_fixed(size: usize, text: &str) -> Result<Framing, FramingError> {
    if (1..=MAX_FIXED).contains(&size) {
        Ok(Framing::Fixed(size))
    } else {
        Err(FramingError::FixedSize {
            text: text.to_owned(),
        })
    }
}

fn parse_idle(text: &str) -> Result<Framing, FramingError> {
    let bad = || FramingError::IdleGap {
        text: text.to_owned(),
    };
    let ms = text.trim().parse::<u64>().map_err(|_| bad())?;
    check_idle(ms, text)?;
    Ok(Framing::Idle {
        gap_ms: u32::try_from(ms).map_err(|_| bad())?,
    })
}

fn check_idle(ms: u64, text: &str) -> Result<(), FramingError> {
    if (1..=u64::from(MAX_IDLE_MS)).contains(&ms) {
        Ok(())
    } else {
        Err(FramingError::IdleGap {
            text: text.to_owned(),
        })
    }
}

/// `W[be|le][@OFFSET]` then `,incl` and `,adj=N` in any order.
fn parse_length(spec: &str) -> Result<LengthPrefix, FramingError> {
    let mut parts = spec.split(',');
    let head = parts.next().unwrap_or_default().trim();
    let (width_text, offset_text) = match head.split_once('@') {
        Some((width, offset)) => (width.trim(), Some(offset.trim())),
        None => (head, None),
    };
    let lower = width_text.to_ascii_lowercase();
    let (digits, endian) = if let Some(digits) = lower.strip_suffix("be") {
        (digits, Endian::Big)
    } else if let Some(digits) = lower.strip_suffix("le") {
        (digits, Endian::Little)
    } else {
        (lower.as_str(), Endian::Big)
    };
    let width = digits
        .parse::<usize>()
        .ok()
        .and_then(LengthWidth::from_bytes)
        .ok_or_else(|| FramingError::LengthWidth {
            text: width_text.to_owned(),
        })?;
    let mut prefix = LengthPrefix {
        width,
        endian,
        ..LengthPrefix::default()
    };
    if let Some(text) = offset_text {
        prefix.offset = text
            .parse::<usize>()
            .ok()
            .filter(|offset| *offset <= MAX_LENGTH_OFFSET)
            .ok_or_else(|| FramingError::LengthOffset {
                text: text.to_owned(),
            })?;
    }
    for option in parts.map(str::trim) {
        let lower = option.to_ascii_lowercase();
        if lower == "incl" {
            prefix.counts_whole_frame = true;
        } else if let Some(value) = lower.strip_prefix("adj=") {
            prefix.adjust = value
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|adjust| adjust.abs() <= MAX_LENGTH_ADJUST)
                .ok_or_else(|| FramingError::LengthAdjust {
                    text: value.to_owned(),
                })?;
        } else {
            return Err(FramingError::LengthOption {
                text: option.to_owned(),
            });
        }
    }
    Ok(prefix)
}

/// The command line's spelling, which [`Framing::parse`] reads back.
impl fmt::Display for Framing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Framing::AsRead => f.write_str("raw"),
            Framing::Line => f.write_str("line"),
            Framing::Delimiter(bytes) => write!(f, "delim:{}", format_hex_compact(bytes)),
            Framing::Fixed(size) => write!(f, "fixed:{size}"),
            Framing::LengthPrefix(prefix) => {
                let endian = match prefix.endian {
                    Endian::Big => "be",
                    Endian::Little => "le",
                };
                write!(f, "len:{}{endian}", prefix.width.bytes())?;
                if prefix.offset > 0 {
                    write!(f, "@{}", prefix.offset)?;
                }
                if prefix.counts_whole_frame {
                    f.write_str(",incl")?;
                }
                if prefix.adjust != 0 {
                    write!(f, ",adj={}", prefix.adjust)?;
                }
                Ok(())
            }
            Framing::Idle { gap_ms } => write!(f, "idle:{gap_ms}"),
        }
    }
}

/// A framing that cannot be used, naming the field that is wrong. Worded for
/// the user in `crate::i18n`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FramingError {
    /// Not one of the framings at all.
    Unknown {
        text: String,
    },
    DelimiterEmpty,
    DelimiterNotHex {
        text: String,
        error: CodecError,
    },
    DelimiterTooLong {
        len: usize,
    },
    /// Not a whole number from 1 to [`MAX_FIXED`].
    FixedSize {
        text: String,
    },
    /// Not 1, 2 or 4 (with `be` or `le`).
    LengthWidth {
        text: String,
    },
    LengthOffset {
        text: String,
    },
    LengthAdjust {
        text: String,
    },
    /// After a comma, neither `incl` nor `adj=N`.
    LengthOption {
        text: String,
    },
    /// Not a whole number of milliseconds from 1 to [`MAX_IDLE_MS`].
    IdleGap {
        text: String,
    },
}
