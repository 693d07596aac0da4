//! A message with `${…}` in it, split once into literal text and variables.

use std::fmt;

use super::error::VarsError;

/// `${rand:N}` gives at most this many digits or bytes.
pub const MAX_RAND: usize = 1024;
/// `${seq:NN}` pads to at most this many digits (a u64 has 20).
const MAX_WIDTH: usize = 20;

/// How an integer goes on the wire as raw bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntFormat {
    U8,
    U16Be,
    U16Le,
    U32Be,
    U32Le,
}

impl IntFormat {
    pub const ALL: [IntFormat; 5] = [
        IntFormat::U8,
        IntFormat::U16Be,
        IntFormat::U16Le,
        IntFormat::U32Be,
        IntFormat::U32Le,
    ];

    pub fn label(self) -> &'static str {
        match self {
            IntFormat::U8 => "u8",
            IntFormat::U16Be => "u16be",
            IntFormat::U16Le => "u16le",
            IntFormat::U32Be => "u32be",
            IntFormat::U32Le => "u32le",
        }
    }

    fn from_label(label: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|format| format.label() == label)
    }

    pub fn max(self) -> u64 {
        match self {
            IntFormat::U8 => u64::from(u8::MAX),
            IntFormat::U16Be | IntFormat::U16Le => u64::from(u16::MAX),
            IntFormat::U32Be | IntFormat::U32Le => u64::from(u32::MAX),
        }
    }

    /// `value` cut to the field's width (a counter wraps, as on a device).
    pub fn bytes(self, value: u64) -> Vec<u8> {
        match self {
            IntFormat::U8 => vec![value as u8],
            IntFormat::U16Be => (value as u16).to_be_bytes().to_vec(),
            IntFormat::U16Le => (value as u16).to_le_bytes().to_vec(),
            IntFormat::U32Be => (value as u32).to_be_bytes().to_vec(),
            IntFormat::U32Le => (value as u32).to_le_bytes().to_vec(),
        }
    }
}

impl fmt::Display for IntFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// How `${seq}` is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeqFormat {
    /// Decimal digits, zero-padded to `width` (0: no padding).
    Decimal {
        width: usize,
    },
    Bytes(IntFormat),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Var {
    Seq(SeqFormat),
    /// Local time of day, HH:MM:SS.mmm.
    Time,
    UnixMs,
    /// N random decimal digits in text, N random bytes in HEX.
    Rand(usize),
    /// The length of everything after it in the message.
    Len(IntFormat),
    /// A value the context provides: a regex capture (`${1}`, `${name}`) or a value
    /// saved by an earlier sequence step.
    Named(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Part {
    /// `start`: 1-based character position of the text's first character.
    Literal { start: usize, text: String },
    /// `start`: 1-based character position of the `$`.
    Var { start: usize, var: Var },
}

/// A message split into text and variables; `$${` stands for a literal `${`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Template {
    pub(super) parts: Vec<Part>,
}

impl Template {
    pub fn parse(input: &str) -> Result<Self, VarsError> {
        let chars: Vec<char> = input.chars().collect();
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut literal_start = 1;
        let mut at = 0;
        while at < chars.len() {
            let rest = &chars[at..];
            if rest.starts_with(&['$', '$', '{']) {
                push_char(&mut literal, &mut literal_start, at, '$');
                push_char(&mut literal, &mut literal_start, at, '{');
                at += 3;
                continue;
            }
            if !rest.starts_with(&['$', '{']) {
                push_char(&mut literal, &mut literal_start, at, rest[0]);
                at += 1;
                continue;
            }
            let position = at + 1;
            let Some(close) = rest.iter().position(|&c| c == '}') else {
                return Err(VarsError::Unclosed { position });
            };
            let body: String = rest[2..close].iter().collect();
            if !literal.is_empty() {
                parts.push(Part::Literal {
                    start: literal_start,
                    text: std::mem::take(&mut literal),
                });
            }
            parts.push(Part::Var {
                start: position,
                var: parse_var(&body, position)?,
            });
            at += close + 1;
        }
        if !literal.is_empty() {
            parts.push(Part::Literal {
                start: literal_start,
                text: literal,
            });
        }
        if let Some(Part::Var {
            start,
            var: Var::Len(_),
        }) = parts.last()
        {
            return Err(VarsError::LenAtEnd { position: *start });
        }
        Ok(Template { parts })
    }

    /// True when some part changes from one send to the next (or needs a value).
    pub fn has_vars(&self) -> bool {
        self.parts
            .iter()
            .any(|part| matches!(part, Part::Var { .. }))
    }

    /// Every named value used, with its position.
    pub fn names(&self) -> impl Iterator<Item = (&str, usize)> {
        self.parts.iter().filter_map(|part| match part {
            Part::Var {
                start,
                var: Var::Named(name),
            } => Some((name.as_str(), *start)),
            _ => None,
        })
    }

    /// Fails on the first named value `known` does not know.
    pub fn check_names(&self, known: impl Fn(&str) -> bool) -> Result<(), VarsError> {
        match self.names().find(|(name, _)| !known(name)) {
            Some((name, position)) => Err(VarsError::Unknown {
                name: name.to_owned(),
                position,
            }),
            None => Ok(()),
        }
    }
}

fn push_char(literal: &mut String, start: &mut usize, at: usize, c: char) {
    if literal.is_empty() {
        *start = at + 1;
    }
    literal.push(c);
}

fn parse_var(body: &str, position: usize) -> Result<Var, VarsError> {
    let (name, format) = match body.split_once(':') {
        Some((name, format)) => (name, Some(format)),
        None => (body, None),
    };
    let bad = || VarsError::BadFormat {
        name: name.to_owned(),
        format: format.unwrap_or_default().to_owned(),
        position,
    };
    match (name, format) {
        ("seq", None) => Ok(Var::Seq(SeqFormat::Decimal { width: 0 })),
        ("seq", Some(format)) => {
            if let Some(int) = IntFormat::from_label(format) {
                return Ok(Var::Seq(SeqFormat::Bytes(int)));
            }
            match format.parse::<usize>() {
                Ok(width) if is_digits(format) && width <= MAX_WIDTH => {
                    Ok(Var::Seq(SeqFormat::Decimal { width }))
                }
                _ => Err(bad()),
            }
        }
        ("time", None) => Ok(Var::Time),
        ("unix_ms", None) => Ok(Var::UnixMs),
        ("time" | "unix_ms", Some(_)) => Err(bad()),
        ("rand", count) => {
            let count = count.unwrap_or_default();
            match count.parse::<usize>() {
                Ok(n) if is_digits(count) && (1..=MAX_RAND).contains(&n) => Ok(Var::Rand(n)),
                _ => Err(VarsError::RandCount {
                    count: count.to_owned(),
                    position,
                }),
            }
        }
        ("len", format) => format
            .and_then(IntFormat::from_label)
            .map(Var::Len)
            .ok_or_else(bad),
        (name, None) if is_name(name) => Ok(Var::Named(name.to_owned())),
        _ => Err(VarsError::Unknown {
            name: body.to_owned(),
            position,
        }),
    }
}

fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// A capture group's number, or a name as regex and TOML keys spell them.
fn is_name(text: &str) -> bool {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) if c.is_ascii_digit() => is_digits(text),
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {
            chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        _ => false,
    }
}
