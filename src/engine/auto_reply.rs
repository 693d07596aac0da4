//! The server's automatic answers: the tutorial's fixed reply (收到) to every message,
//! a farewell (再见!) when a client hangs up, and rules "when a message contains /
//! starts with / equals / matches X, reply Y". What the user typed is kept as an
//! [`AutoReplySpec`]; [`AutoReply::compile`] turns it into bytes and matchers once,
//! so the reader only compares.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::codec::vars::{Template, VarValues, expand};
use crate::codec::{
    CodecError, PayloadMode, SeqCounter, TextEncoding, build_payload, format_hex, parse_hex,
};

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
    /// Send every read back as it came (an echo server), besides any reply.
    pub echo: bool,
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
    /// `${seq}` in a regex rule's reply counts the replies built from templates.
    counter: SeqCounter,
    /// Every read goes back as it came.
    echo: bool,
}

#[derive(Debug, Clone)]
struct Rule {
    matcher: Matcher,
    reply: Reply,
}

/// A rule's answer: fixed bytes, or (a regex rule whose reply has `${…}`) a template
/// filled with the match's capture groups (`${1}`, `${name}`) and the send variables.
#[derive(Debug, Clone)]
enum Reply {
    Fixed(Vec<u8>),
    Template {
        template: Template,
        mode: PayloadMode,
    },
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
            counter: SeqCounter::default(),
            echo: false,
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
            let reply_error = |error| AutoReplyError::RuleReply {
                rule: number,
                error,
            };
            let reply = match &matcher {
                Matcher::TextRegex(regex) | Matcher::HexRegex(regex)
                    if rule.reply.contains("${") =>
                {
                    let template = reply_template(&rule.reply, regex)
                        .map_err(|error| reply_error(CodecError::Vars(error)))?;
                    let mode = if rule.reply_hex {
                        PayloadMode::Hex
                    } else {
                        PayloadMode::Text
                    };
                    let reply = Reply::Template { template, mode };
                    // A bad HEX or escape around the variables shows now, not at the first match.
                    reply.check(encoding).map_err(reply_error)?;
                    reply
                }
                _ => Reply::Fixed(bytes(&rule.reply, rule.reply_hex).map_err(reply_error)?),
            };
            rules.push(Rule { matcher, reply });
        }
        Ok(AutoReply {
            every_message,
            farewell,
            rules,
            encoding,
            counter: SeqCounter::default(),
            echo: spec.echo,
        })
    }

    pub fn is_active(&self) -> bool {
        self.every_message.is_some()
            || self.farewell.is_some()
            || !self.rules.is_empty()
            || self.echo
    }

    /// Whether every read goes back to its client as it came (before framing).
    pub fn echoes(&self) -> bool {
        self.echo
    }

    /// The answer to one received chunk: the first matching rule's reply, else the
    /// fixed reply, else nothing. A templated reply that cannot be built (its
    /// `${len:u8}` outgrown by a long capture) is no reply.
    pub fn reply_to(&self, message: &[u8]) -> Option<Cow<'_, [u8]>> {
        if !self.rules.is_empty() {
            let text = self.needs_text().then(|| self.encoding.decode(message));
            let hex = self.needs_hex().then(|| format_hex(message));
            let matched = self.rules.iter().find(|rule| {
                rule.matcher
                    .matches(message, text.as_deref(), hex.as_deref())
            });
            if let Some(rule) = matched {
                return match &rule.reply {
                    Reply::Fixed(bytes) => Some(Cow::Borrowed(bytes)),
                    Reply::Template { template, mode } => {
                        let subject = match rule.matcher {
                            Matcher::HexRegex(_) => hex.as_deref(),
                            _ => text.as_deref(),
                        };
                        self.fill(rule, template, *mode, subject.unwrap_or_default())
                            .map(Cow::Owned)
                    }
                };
            }
        }
        self.every_message.as_deref().map(Cow::Borrowed)
    }

    /// A templated reply with this match's capture groups: from a text regex in the
    /// server's encoding, from a HEX regex as the bytes the captured digits spell.
    fn fill(
        &self,
        rule: &Rule,
        template: &Template,
        mode: PayloadMode,
        subject: &str,
    ) -> Option<Vec<u8>> {
        let (Matcher::TextRegex(regex) | Matcher::HexRegex(regex)) = &rule.matcher else {
            return None;
        };
        let captures = regex.captures(subject)?;
        let hex = matches!(rule.matcher, Matcher::HexRegex(_));
        let encoding = self.encoding;
        let named = |name: &str| {
            let group = match name.parse::<usize>() {
                Ok(index) => captures.get(index),
                Err(_) => captures.name(name),
            };
            let text = group.map_or("", |group| group.as_str());
            Some(if hex {
                parse_hex(text).unwrap_or_else(|_| text.as_bytes().to_vec())
            } else {
                encoding
                    .encode(text)
                    .unwrap_or_else(|_| text.as_bytes().to_vec())
            })
        };
        let mut rng = fastrand::Rng::new();
        let mut values = VarValues {
            seq: self.counter.take(),
            now: chrono::Local::now(),
            rng: &mut rng,
            named: &named,
        };
        expand(template, mode, encoding, true, &mut values).ok()
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

impl Reply {
    /// Builds the reply once with every group empty, to find errors at compile time.
    fn check(&self, encoding: TextEncoding) -> Result<(), CodecError> {
        let Reply::Template { template, mode } = self else {
            return Ok(());
        };
        let mut rng = fastrand::Rng::new();
        let mut values = VarValues {
            seq: 1,
            now: chrono::Local::now(),
            rng: &mut rng,
            named: &|_| Some(Vec::new()),
        };
        expand(template, *mode, encoding, true, &mut values).map(|_| ())
    }
}

/// A regex rule's reply, its `${1}` / `${name}` checked against the regex's groups.
fn reply_template(reply: &str, regex: &regex::Regex) -> Result<Template, crate::codec::VarsError> {
    let template = Template::parse(reply)?;
    template.check_names(|name| match name.parse::<usize>() {
        Ok(index) => index < regex.captures_len(),
        Err(_) => regex.capture_names().flatten().any(|group| group == name),
    })?;
    Ok(template)
}

/// The regex crate's explanation on one line, for a log row or a CLI error: its
/// syntax errors draw the pattern with a caret under the fault over several lines;
/// keep the "error:" line and say where the caret was.
pub(crate) fn regex_problem(err: &regex::Error) -> String {
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
