//! A sequence script as TOML, read and checked in full before anything connects.
//!
//! ```toml
//! target = "127.0.0.1:8080"      # or given on the command line
//! transport = "tcp"              # tcp | udp
//! encoding = "gbk"
//! frame = "len:2be"              # optional: expect then matches per frame
//! on_fail = "stop"               # stop | continue (a step may say its own)
//! [[step]]
//! send = "你好 ${seq}"            # or send_hex = "01 03 ${seq:u16be}", send_file = "req.bin"
//! [[step]]
//! expect = "收到"                 # or expect_regex / expect_hex / expect_equals
//! timeout_ms = 1000
//! [[step]]
//! wait_ms = 100
//! [[step]]
//! repeat = 3                     # the [[step.step]] tables below, 3 times
//! [[step.step]]
//! send = "ping"
//! ```

use std::collections::HashSet;
use std::ops::Range;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::error::{ScriptError, ScriptProblem};
use crate::codec::vars::Template;
use crate::codec::{CodecError, Framing, PayloadMode, TextEncoding, parse_hex};
use crate::engine::link::Transport;

/// The longest `timeout_ms` / `wait_ms`: ten minutes.
pub const MAX_TIMEOUT_MS: i64 = 600_000;
/// The most times a block may repeat.
pub const MAX_REPEAT: i64 = 1_000_000;
/// An expect without `timeout_ms` waits this long.
const DEFAULT_TIMEOUT_MS: u64 = 1000;
/// A `send_file` larger than this is refused (a script sends messages, not disks).
const MAX_SEND_FILE: u64 = 16 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnFail {
    #[default]
    Stop,
    Continue,
}

#[derive(Debug, Clone)]
pub struct Script {
    pub target: Option<String>,
    pub transport: Transport,
    pub encoding: TextEncoding,
    pub framing: Framing,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone)]
pub struct Step {
    /// 1-based line of the step's table in the file.
    pub line: usize,
    pub action: Action,
    pub on_fail: OnFail,
}

#[derive(Debug, Clone)]
pub enum Action {
    Send(SendPayload),
    Expect(Expect),
    Wait(Duration),
    Repeat { times: u64, steps: Vec<Step> },
}

/// What a send step puts out; text and HEX expand variables afresh each time.
#[derive(Debug, Clone)]
pub enum SendPayload {
    Template {
        template: Template,
        mode: PayloadMode,
    },
    Bytes(Vec<u8>),
}

#[derive(Debug, Clone)]
pub struct Expect {
    pub matcher: ExpectMatcher,
    pub timeout: Duration,
    /// Save this regex capture (the group of that name, else group 1, else the whole
    /// match) as `${name}` for later sends.
    pub save: Option<String>,
}

#[derive(Debug, Clone)]
pub enum ExpectMatcher {
    /// The received text (decoded in the script's encoding) contains it.
    Contains(String),
    /// The received text, without a trailing CR/LF, is exactly it.
    Equals(String),
    Regex(regex::Regex),
    /// The received bytes contain these.
    Hex(Vec<u8>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScript {
    target: Option<Spanned<String>>,
    transport: Option<Spanned<String>>,
    encoding: Option<Spanned<String>>,
    frame: Option<Spanned<String>>,
    on_fail: Option<Spanned<String>>,
    #[serde(default)]
    step: Vec<Spanned<RawStep>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    send: Option<Spanned<String>>,
    send_hex: Option<Spanned<String>>,
    send_file: Option<Spanned<String>>,
    expect: Option<Spanned<String>>,
    expect_equals: Option<Spanned<String>>,
    expect_regex: Option<Spanned<String>>,
    expect_hex: Option<Spanned<String>>,
    timeout_ms: Option<Spanned<i64>>,
    save: Option<Spanned<String>>,
    wait_ms: Option<Spanned<i64>>,
    repeat: Option<Spanned<i64>>,
    on_fail: Option<Spanned<String>>,
    #[serde(default)]
    step: Vec<Spanned<RawStep>>,
}

/// Turns spans into line and column for errors.
struct Source<'a> {
    text: &'a str,
    /// Where `send_file` paths are relative to.
    base: &'a Path,
}

impl Source<'_> {
    fn error(&self, span: Range<usize>, problem: ScriptProblem) -> ScriptError {
        let at = span.start.min(self.text.len());
        let before = &self.text[..at];
        let line = before.matches('\n').count() + 1;
        let column = before
            .rfind('\n')
            .map_or(before, |newline| &before[newline + 1..])
            .chars()
            .count()
            + 1;
        ScriptError {
            line,
            column,
            problem,
        }
    }

    fn line(&self, span: &Range<usize>) -> usize {
        self.error(span.clone(), ScriptProblem::NoAction).line
    }
}

impl Script {
    /// Reads and checks a whole script. `base` is the script's folder (for
    /// `send_file`); `target` from the command line wins over the file's.
    pub fn parse(text: &str, base: &Path, target: Option<&str>) -> Result<Script, ScriptError> {
        let source = Source { text, base };
        let raw: RawScript = toml::from_str(text).map_err(|err| {
            source.error(
                err.span().unwrap_or(0..0),
                ScriptProblem::Toml {
                    message: err.message().trim().to_owned(),
                },
            )
        })?;
        let transport = match &raw.transport {
            None => Transport::Tcp,
            Some(text) => match text.get_ref().to_ascii_lowercase().as_str() {
                "tcp" => Transport::Tcp,
                "udp" => Transport::Udp,
                other => {
                    return Err(source.error(
                        text.span(),
                        ScriptProblem::Transport {
                            text: other.to_owned(),
                        },
                    ));
                }
            },
        };
        let encoding = match &raw.encoding {
            None => TextEncoding::Utf8,
            Some(label) => TextEncoding::from_label(label.get_ref()).ok_or_else(|| {
                source.error(
                    label.span(),
                    ScriptProblem::Encoding {
                        text: label.get_ref().clone(),
                    },
                )
            })?,
        };
        let framing = match &raw.frame {
            None => Framing::AsRead,
            Some(text) => Framing::parse(text.get_ref())
                .map_err(|err| source.error(text.span(), ScriptProblem::Frame(err)))?,
        };
        let on_fail = parse_on_fail(&source, raw.on_fail.as_ref(), OnFail::Stop)?;
        let target = target
            .map(str::to_owned)
            .or_else(|| raw.target.as_ref().map(|t| t.get_ref().clone()));
        if target.is_none() {
            return Err(source.error(0..0, ScriptProblem::NoTarget));
        }
        let mut checker = Checker {
            source: &source,
            encoding,
            saved: HashSet::new(),
        };
        let steps = checker.steps(raw.step, on_fail)?;
        Ok(Script {
            target,
            transport,
            encoding,
            framing,
            steps,
        })
    }
}

fn parse_on_fail(
    source: &Source<'_>,
    raw: Option<&Spanned<String>>,
    default: OnFail,
) -> Result<OnFail, ScriptError> {
    match raw {
        None => Ok(default),
        Some(text) => match text.get_ref().as_str() {
            "stop" => Ok(OnFail::Stop),
            "continue" => Ok(OnFail::Continue),
            other => Err(source.error(
                text.span(),
                ScriptProblem::OnFail {
                    text: other.to_owned(),
                },
            )),
        },
    }
}

/// Walks the steps in order, so a `${name}` is known only after the step saving it.
struct Checker<'a> {
    source: &'a Source<'a>,
    encoding: TextEncoding,
    saved: HashSet<String>,
}

impl Checker<'_> {
    fn steps(
        &mut self,
        raw: Vec<Spanned<RawStep>>,
        on_fail: OnFail,
    ) -> Result<Vec<Step>, ScriptError> {
        raw.into_iter()
            .map(|step| self.step(step, on_fail))
            .collect()
    }

    fn step(&mut self, raw: Spanned<RawStep>, default: OnFail) -> Result<Step, ScriptError> {
        let span = raw.span();
        let line = self.source.line(&span);
        let raw = raw.into_inner();
        let on_fail = parse_on_fail(self.source, raw.on_fail.as_ref(), default)?;
        let candidates: [(&str, Option<Range<usize>>); 9] = [
            ("send", raw.send.as_ref().map(Spanned::span)),
            ("send_hex", raw.send_hex.as_ref().map(Spanned::span)),
            ("send_file", raw.send_file.as_ref().map(Spanned::span)),
            ("expect", raw.expect.as_ref().map(Spanned::span)),
            (
                "expect_equals",
                raw.expect_equals.as_ref().map(Spanned::span),
            ),
            ("expect_regex", raw.expect_regex.as_ref().map(Spanned::span)),
            ("expect_hex", raw.expect_hex.as_ref().map(Spanned::span)),
            ("wait_ms", raw.wait_ms.as_ref().map(Spanned::span)),
            ("repeat", raw.repeat.as_ref().map(Spanned::span)),
        ];
        let mut present = candidates
            .iter()
            .filter_map(|(key, span)| span.clone().map(|span| (*key, span)));
        let Some((first, _)) = present.next() else {
            return Err(self.source.error(span, ScriptProblem::NoAction));
        };
        if let Some((second, second_span)) = present.next() {
            return Err(self.source.error(
                second_span,
                ScriptProblem::TwoActions {
                    first: first.to_owned(),
                    second: second.to_owned(),
                },
            ));
        }
        let is_expect = first.starts_with("expect");
        for (key, value) in [
            ("timeout_ms", raw.timeout_ms.as_ref().map(Spanned::span)),
            ("save", raw.save.as_ref().map(Spanned::span)),
        ] {
            if let Some(at) = value
                && !is_expect
            {
                return Err(self.source.error(at, ScriptProblem::NotForThisStep { key }));
            }
        }
        let action = match first {
            "send" | "send_hex" => {
                let (text, mode) = match (&raw.send, &raw.send_hex) {
                    (Some(text), _) => (text, PayloadMode::Text),
                    (_, Some(text)) => (text, PayloadMode::Hex),
                    _ => unreachable!("one of them is present"),
                };
                Action::Send(self.send_template(text, mode)?)
            }
            "send_file" => Action::Send(self.send_file(raw.send_file.as_ref())?),
            "wait_ms" => {
                let ms = self.ms("wait_ms", raw.wait_ms.as_ref())?;
                Action::Wait(Duration::from_millis(ms))
            }
            "repeat" => self.repeat(raw.repeat.as_ref(), raw.step, on_fail, span)?,
            _ => Action::Expect(self.expect(&raw)?),
        };
        Ok(Step {
            line,
            action,
            on_fail,
        })
    }

    fn send_template(
        &self,
        text: &Spanned<String>,
        mode: PayloadMode,
    ) -> Result<SendPayload, ScriptError> {
        let bad = |error: CodecError| {
            self.source
                .error(text.span(), ScriptProblem::Message(error))
        };
        let template = Template::parse(text.get_ref()).map_err(|e| bad(e.into()))?;
        template
            .check_names(|name| self.saved.contains(name))
            .map_err(|e| bad(e.into()))?;
        // Build it once with every saved value empty: bad HEX or escapes show now.
        let mut rng = fastrand::Rng::new();
        let mut values = crate::codec::vars::VarValues {
            seq: 1,
            now: chrono::Local::now(),
            rng: &mut rng,
            named: &|_| Some(Vec::new()),
        };
        crate::codec::vars::expand(&template, mode, self.encoding, true, &mut values)
            .map_err(bad)?;
        Ok(SendPayload::Template { template, mode })
    }

    fn send_file(&self, path: Option<&Spanned<String>>) -> Result<SendPayload, ScriptError> {
        let Some(path) = path else {
            unreachable!("send_file is present")
        };
        let full = self.source.base.join(path.get_ref());
        let problem = |message: String| {
            self.source.error(
                path.span(),
                ScriptProblem::File {
                    path: full.display().to_string(),
                    message,
                },
            )
        };
        let file = std::fs::File::open(&full).map_err(|err| problem(err.to_string()))?;
        let meta = file.metadata().map_err(|err| problem(err.to_string()))?;
        if !meta.is_file() || meta.len() > MAX_SEND_FILE {
            return Err(problem(format!(
                "not a regular file of at most {MAX_SEND_FILE} bytes"
            )));
        }
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        std::io::Read::read_to_end(&mut std::io::Read::take(file, MAX_SEND_FILE), &mut bytes)
            .map_err(|err| problem(err.to_string()))?;
        Ok(SendPayload::Bytes(bytes))
    }

    fn ms(&self, key: &'static str, value: Option<&Spanned<i64>>) -> Result<u64, ScriptError> {
        let Some(value) = value else {
            return Ok(DEFAULT_TIMEOUT_MS);
        };
        match u64::try_from(*value.get_ref()) {
            Ok(ms) if *value.get_ref() <= MAX_TIMEOUT_MS => Ok(ms),
            _ => Err(self.source.error(
                value.span(),
                ScriptProblem::MsRange {
                    key,
                    value: *value.get_ref(),
                },
            )),
        }
    }

    fn repeat(
        &mut self,
        times: Option<&Spanned<i64>>,
        inner: Vec<Spanned<RawStep>>,
        on_fail: OnFail,
        span: Range<usize>,
    ) -> Result<Action, ScriptError> {
        let Some(times) = times else {
            unreachable!("repeat is present")
        };
        let count = *times.get_ref();
        if !(1..=MAX_REPEAT).contains(&count) {
            return Err(self
                .source
                .error(times.span(), ScriptProblem::RepeatRange { value: count }));
        }
        if inner.is_empty() {
            return Err(self.source.error(span, ScriptProblem::EmptyRepeat));
        }
        Ok(Action::Repeat {
            times: count as u64,
            steps: self.steps(inner, on_fail)?,
        })
    }

    fn expect(&mut self, raw: &RawStep) -> Result<Expect, ScriptError> {
        let timeout = Duration::from_millis(self.ms("timeout_ms", raw.timeout_ms.as_ref())?);
        let matcher = if let Some(text) = &raw.expect {
            ExpectMatcher::Contains(text.get_ref().clone())
        } else if let Some(text) = &raw.expect_equals {
            ExpectMatcher::Equals(text.get_ref().clone())
        } else if let Some(text) = &raw.expect_regex {
            let regex = regex::Regex::new(text.get_ref()).map_err(|err| {
                self.source.error(
                    text.span(),
                    ScriptProblem::Regex {
                        message: crate::engine::auto_reply::regex_problem(&err),
                    },
                )
            })?;
            ExpectMatcher::Regex(regex)
        } else if let Some(text) = &raw.expect_hex {
            let bytes = parse_hex(text.get_ref())
                .map_err(|err| self.source.error(text.span(), ScriptProblem::Message(err)))?;
            ExpectMatcher::Hex(bytes)
        } else {
            unreachable!("an expect key is present")
        };
        let save = match &raw.save {
            None => None,
            Some(name) => {
                if !matches!(matcher, ExpectMatcher::Regex(_)) {
                    return Err(self
                        .source
                        .error(name.span(), ScriptProblem::SaveWithoutRegex));
                }
                self.saved.insert(name.get_ref().clone());
                Some(name.get_ref().clone())
            }
        };
        Ok(Expect {
            matcher,
            timeout,
            save,
        })
    }
}
