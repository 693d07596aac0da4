//! The server's automatic answers: the tutorial's fixed reply (收到) to every message,
//! a farewell (再见!) when a client hangs up, and rules "when a message contains /
//! starts with / equals / matches X, reply Y". What the user typed is kept as an
//! [`AutoReplySpec`]; [`AutoReply::compile`] turns it into bytes and matchers once,
//! so the reader only compares.

use serde::{Deserialize, Serialize};

use crate::codec::{CodecError, PayloadMode, TextEncoding, build_payload, format_hex};

/// What a rule compares a message with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum MatchKind {
    #[default]
    Contains,
    StartsWith,
    Equals,
    Regex,
}

impl MatchKind {
    pub const ALL: [MatchKind; 4] = [
        MatchKind::Contains,
        MatchKind::StartsWith,
        MatchKind::Equals,
        MatchKind::Regex,
    ];
}

/// One rule as the user wrote it. A HEX pattern compares bytes (a regex then runs
/// over the message's HEX dump, e.g. `^01 03`); a text pattern compares the message
/// decoded in the server's encoding, ignoring a trailing CR/LF for "equals".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RuleSpec {
    pub kind: MatchKind,
    pub pattern: String,
    pub pattern_hex: bool,
    pub reply: String,
    pub reply_hex: bool,
}

/// The auto-reply settings as typed. Text replies understand `\r \n \t \xNN` escapes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AutoReplySpec {
    pub reply_enabled: bool,
    pub reply: String,
    pub reply_hex: bool,
    pub farewell_enabled: bool,
    pub farewell: String,
    pub farewell_hex: bool,
    pub rules: Vec<RuleSpec>,
}

impl AutoReplySpec {
    /// The tutorial's server: 收到 to every message, 再见! to a client that hangs up.
    pub fn tutorial() -> Self {
        AutoReplySpec {
            reply_enabled: true,
            reply: "收到".to_owned(),
            farewell_enabled: true,
            farewell: "再见!".to_owned(),
            ..AutoReplySpec::default()
        }
    }
}

/// Which part of the spec is wrong, and how.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AutoReplyError {
    Reply(CodecError),
    Farewell(CodecError),
    /// `rule` counts from 1.
    Pattern {
        rule: usize,
        error: CodecError,
    },
    RuleReply {
        rule: usize,
        error: CodecError,
    },
    Regex {
        rule: usize,
        message: String,
    },
    EmptyPattern {
        rule: usize,
    },
}

/// Ready-to-use answers; cheap to share with the reader thread.
#[derive(Debug, Clone)]
pub struct AutoReply {
    every_message: Option<Vec<u8>>,
    farewell: Option<Vec<u8>>,
    rules: Vec<Rule>,
    encoding: TextEncoding,
}

#[derive(Debug, Clone)]
struct Rule {
    matcher: Matcher,
    reply: Vec<u8>,
}

#[derive(Debug, Clone)]
enum Matcher {
    Text { kind: MatchKind, pattern: String },
    TextRegex(regex::Regex),
    Bytes { kind: MatchKind, pattern: Vec<u8> },
    HexRegex(regex::Regex),
}

impl AutoReply {
    /// No replies at all.
    pub fn none() -> Self {
        AutoReply {
            every_message: None,
            farewell: None,
            rules: Vec::new(),
            encoding: TextEncoding::Utf8,
        }
    }

    pub fn compile(spec: &AutoReplySpec, encoding: TextEncoding) -> Result<Self, AutoReplyError> {
        let bytes = |text: &str, hex: bool| {
            let mode = if hex {
                PayloadMode::Hex
            } else {
                PayloadMode::Text
            };
            build_payload(text, mode, encoding, true)
        };
        let every_message = if spec.reply_enabled {
            Some(bytes(&spec.reply, spec.reply_hex).map_err(AutoReplyError::Reply)?)
        } else {
            None
        };
        let farewell = if spec.farewell_enabled {
            Some(bytes(&spec.farewell, spec.farewell_hex).map_err(AutoReplyError::Farewell)?)
        } else {
            None
        };
        let mut rules = Vec::with_capacity(spec.rules.len());
        for (index, rule) in spec.rules.iter().enumerate() {
            let number = index + 1;
            if rule.pattern.is_empty() {
                return Err(AutoReplyError::EmptyPattern { rule: number });
            }
            let matcher = compile_matcher(rule, number)?;
            let reply =
                bytes(&rule.reply, rule.reply_hex).map_err(|error| AutoReplyError::RuleReply {
                    rule: number,
                    error,
                })?;
            rules.push(Rule { matcher, reply });
        }
        Ok(AutoReply {
            every_message,
            farewell,
            rules,
            encoding,
        })
    }

    pub fn is_active(&self) -> bool {
        self.every_message.is_some() || self.farewell.is_some() || !self.rules.is_empty()
    }

    /// The answer to one received chunk: the first matching rule's reply, else the
    /// fixed reply, else nothing.
    pub fn reply_to(&self, message: &[u8]) -> Option<&[u8]> {
        if !self.rules.is_empty() {
            let text = self.needs_text().then(|| self.encoding.decode(message));
            let hex = self.needs_hex().then(|| format_hex(message));
            let matched = self.rules.iter().find(|rule| {
                rule.matcher
                    .matches(message, text.as_deref(), hex.as_deref())
            });
            if let Some(rule) = matched {
                return Some(&rule.reply);
            }
        }
        self.every_message.as_deref()
    }

    /// What to say to a client that closed its side.
    pub fn farewell(&self) -> Option<&[u8]> {
        self.farewell.as_deref()
    }

    fn needs_text(&self) -> bool {
        self.rules
            .iter()
            .any(|rule| matches!(rule.matcher, Matcher::Text { .. } | Matcher::TextRegex(_)))
    }

    fn needs_hex(&self) -> bool {
        self.rules
            .iter()
            .any(|rule| matches!(rule.matcher, Matcher::HexRegex(_)))
    }
}

/// The regex crate's explanation on one line, for a log row or a CLI error: its
/// syntax errors draw the pattern with a caret under the fault over several lines;
/// keep the "error:" line and say where the caret was.
fn regex_problem(err: &regex::Error) -> String {
    let regex::Error::Syntax(text) = err else {
        return err.to_string();
    };
    let lines: Vec<&str> = text.lines().collect();
    let Some(what) = lines.iter().find_map(|line| line.strip_prefix("error: ")) else {
        return lines.join(" ");
    };
    // The pattern and the caret line are indented by 4 spaces.
    let caret = lines
        .iter()
        .find(|line| line.trim_start().starts_with('^'))
        .map(|line| line.len() - line.trim_start().len());
    match caret {
        Some(indent) if indent >= 4 => format!("{what} (at character {})", indent - 3),
        _ => what.to_owned(),
    }
}

fn compile_matcher(rule: &RuleSpec, number: usize) -> Result<Matcher, AutoReplyError> {
    let regex = |pattern: &str| {
        regex::Regex::new(pattern).map_err(|err| AutoReplyError::Regex {
            rule: number,
            message: regex_problem(&err),
        })
    };
    Ok(match (rule.kind, rule.pattern_hex) {
        (MatchKind::Regex, false) => Matcher::TextRegex(regex(&rule.pattern)?),
        (MatchKind::Regex, true) => Matcher::HexRegex(regex(&format!("(?i){}", rule.pattern))?),
        (kind, false) => Matcher::Text {
            kind,
            pattern: rule.pattern.clone(),
        },
        (kind, true) => {
            let pattern = crate::codec::parse_hex(&rule.pattern).map_err(|error| {
                AutoReplyError::Pattern {
                    rule: number,
                    error,
                }
            })?;
            // Separators alone (" ", ",") are no bytes: such a rule would match every
            // message, and `windows(0)` in "contains" panics.
            if pattern.is_empty() {
                return Err(AutoReplyError::EmptyPattern { rule: number });
            }
            Matcher::Bytes { kind, pattern }
        }
    })
}

impl Matcher {
    fn matches(&self, bytes: &[u8], text: Option<&str>, hex: Option<&str>) -> bool {
        match self {
            Matcher::Text { kind, pattern } => {
                let Some(text) = text else { return false };
                match kind {
                    MatchKind::Contains => text.contains(pattern.as_str()),
                    MatchKind::StartsWith => text.starts_with(pattern.as_str()),
                    MatchKind::Equals => text.trim_end_matches(['\r', '\n']) == pattern,
                    MatchKind::Regex => false,
                }
            }
            Matcher::TextRegex(regex) => text.is_some_and(|text| regex.is_match(text)),
            Matcher::Bytes { kind, pattern } => match kind {
                MatchKind::Contains => bytes
                    .windows(pattern.len())
                    .any(|window| window == pattern.as_slice()),
                MatchKind::StartsWith => bytes.starts_with(pattern),
                MatchKind::Equals => bytes == pattern.as_slice(),
                MatchKind::Regex => false,
            },
            Matcher::HexRegex(regex) => hex.is_some_and(|hex| regex.is_match(hex)),
        }
    }
}
