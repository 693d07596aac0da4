//! Runs a checked [`Script`] over one connection, step by step, reporting each step
//! as it ends. Every wait has a deadline; a stop flag ends it between reads.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::script::{Action, Expect, ExpectMatcher, OnFail, Script, SendPayload, Step};
use crate::codec::framing::{FrameItem, Frames};
use crate::codec::vars::{VarValues, expand};
use crate::codec::{Framer, Framing, SeqCounter, TextEncoding};
use crate::engine::EngineError;
use crate::engine::link::{Got, Link};

/// How long connecting may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The longest single wait, so a stop is noticed soon.
const SLICE: Duration = Duration::from_millis(100);
/// What an expect keeps of the bytes it saw (for matching and for the report).
const MAX_SEEN: usize = 1024 * 1024;
/// What a report carries of them.
const REPORTED: usize = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    Send,
    Expect,
    Wait,
}

impl StepKind {
    pub fn label(self) -> &'static str {
        match self {
            StepKind::Send => "send",
            StepKind::Expect => "expect",
            StepKind::Wait => "wait",
        }
    }
}

/// One step that ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepReport {
    /// Counts the steps run, from 1 (a repeated block's steps count each time).
    pub index: usize,
    /// The step's line in the script.
    pub line: usize,
    pub kind: StepKind,
    pub passed: bool,
    /// How long the step took: for an expect, from its start to the match (or the deadline).
    pub ms: u64,
    /// What a send put out.
    pub sent: Vec<u8>,
    /// What an expect last looked at (the frame, or the bytes since it began), cut at 4 KiB.
    pub received: Vec<u8>,
    /// An expect's deadline.
    pub timeout_ms: Option<u64>,
    /// The peer closed the connection while an expect waited.
    pub closed: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub passed: u64,
    pub failed: u64,
    /// Stopped by the stop flag (not by a failed step).
    pub stopped: bool,
}

/// Connects to `host:port` and runs every step. `Err` only when the network fails
/// (cannot connect, a send fails); a failed expectation is a report, not an error.
pub fn run(
    script: &Script,
    host: &str,
    port: u16,
    stop: &AtomicBool,
    report: &mut dyn FnMut(&StepReport),
) -> Result<Summary, EngineError> {
    let link = Link::open(script.transport, host, port, CONNECT_TIMEOUT)?;
    let mut runner = Runner {
        encoding: script.encoding,
        link,
        framer: Framer::new(script.framing.clone()),
        framed: script.framing != Framing::AsRead,
        buf: Link::buffer(),
        counter: SeqCounter::default(),
        rng: fastrand::Rng::new(),
        saved: HashMap::new(),
        index: 0,
        summary: Summary::default(),
        stop,
        report,
    };
    runner.steps(&script.steps)?;
    Ok(runner.summary)
}

/// Whether to go on after a step.
#[derive(PartialEq, Eq)]
enum Next {
    Go,
    Halt,
}

struct Runner<'a> {
    encoding: TextEncoding,
    link: Link,
    framer: Framer,
    framed: bool,
    buf: Vec<u8>,
    counter: SeqCounter,
    rng: fastrand::Rng,
    saved: HashMap<String, Vec<u8>>,
    index: usize,
    summary: Summary,
    stop: &'a AtomicBool,
    report: &'a mut dyn FnMut(&StepReport),
}

impl Runner<'_> {
    fn steps(&mut self, steps: &[Step]) -> Result<Next, EngineError> {
        for step in steps {
            if self.stop.load(Ordering::SeqCst) {
                self.summary.stopped = true;
                return Ok(Next::Halt);
            }
            if self.step(step)? == Next::Halt {
                return Ok(Next::Halt);
            }
        }
        Ok(Next::Go)
    }

    fn step(&mut self, step: &Step) -> Result<Next, EngineError> {
        let started = Instant::now();
        let mut report = StepReport {
            index: self.index + 1,
            line: step.line,
            kind: StepKind::Send,
            passed: true,
            ms: 0,
            sent: Vec::new(),
            received: Vec::new(),
            timeout_ms: None,
            closed: false,
        };
        match &step.action {
            Action::Repeat { times, steps } => {
                for _ in 0..*times {
                    if self.steps(steps)? == Next::Halt {
                        return Ok(Next::Halt);
                    }
                }
                return Ok(Next::Go);
            }
            Action::Send(payload) => {
                report.sent = self.message(payload)?;
                self.link.send(&report.sent)?;
            }
            Action::Wait(duration) => {
                report.kind = StepKind::Wait;
                let end = started + *duration;
                while Instant::now() < end && !self.stop.load(Ordering::SeqCst) {
                    std::thread::sleep((end - Instant::now()).min(SLICE));
                }
            }
            Action::Expect(expect) => {
                report.kind = StepKind::Expect;
                report.timeout_ms = Some(expect.timeout.as_millis() as u64);
                self.expect(expect, started, &mut report)?;
            }
        }
        report.ms = started.elapsed().as_millis() as u64;
        self.index += 1;
        if report.passed {
            self.summary.passed += 1;
        } else {
            self.summary.failed += 1;
        }
        (self.report)(&report);
        Ok(match (report.passed, step.on_fail) {
            (false, OnFail::Stop) => Next::Halt,
            _ => Next::Go,
        })
    }

    fn message(&mut self, payload: &SendPayload) -> Result<Vec<u8>, EngineError> {
        match payload {
            SendPayload::Bytes(bytes) => Ok(bytes.clone()),
            SendPayload::Template { template, mode } => {
                let saved = &self.saved;
                let named = |name: &str| saved.get(name).cloned();
                let mut values = VarValues {
                    seq: self.counter.take(),
                    now: chrono::Local::now(),
                    rng: &mut self.rng,
                    named: &named,
                };
                expand(template, *mode, self.encoding, true, &mut values)
                    .map_err(EngineError::BadMessage)
            }
        }
    }

    /// Reads until the expectation holds or its deadline passes: per frame with a
    /// framing, else over everything received since the step began.
    fn expect(
        &mut self,
        expect: &Expect,
        started: Instant,
        report: &mut StepReport,
    ) -> Result<(), EngineError> {
        let deadline = started + expect.timeout;
        let mut seen = Vec::new();
        let mut last_data = started;
        report.passed = false;
        loop {
            let now = Instant::now();
            if now >= deadline || self.stop.load(Ordering::SeqCst) {
                break;
            }
            let mut wait = (deadline - now).min(SLICE);
            if let Some(gap) = self.framer.framing().idle_gap()
                && self.framer.waiting_for_gap()
            {
                wait = wait.min((last_data + gap).saturating_duration_since(now));
            }
            let got = self.link.read_within(&mut self.buf, wait)?;
            let frames: Vec<Vec<u8>> = match got {
                Got::Data(len) => {
                    last_data = Instant::now();
                    if self.framed {
                        collect(self.framer.push(&self.buf[..len]))
                    } else {
                        let room = MAX_SEEN.saturating_sub(seen.len());
                        seen.extend_from_slice(&self.buf[..len.min(room)]);
                        Vec::new()
                    }
                }
                Got::Quiet => match self.framer.framing().idle_gap() {
                    Some(gap) if self.framer.waiting_for_gap() && last_data.elapsed() >= gap => {
                        collect(self.framer.end_of_gap())
                    }
                    _ => Vec::new(),
                },
                Got::Closed => {
                    report.closed = true;
                    collect(self.framer.finish())
                }
            };
            if self.framed {
                for frame in frames {
                    if let Some(saved) = matches(expect, &frame, self.encoding) {
                        self.pass(expect, saved, &frame, report);
                        return Ok(());
                    }
                    seen = frame;
                }
            } else if let Some(saved) = matches(expect, &seen, self.encoding) {
                self.pass(expect, saved, &seen, report);
                return Ok(());
            }
            if report.closed {
                break;
            }
        }
        report.received = seen[..seen.len().min(REPORTED)].to_vec();
        Ok(())
    }

    fn pass(
        &mut self,
        expect: &Expect,
        saved: Option<Vec<u8>>,
        seen: &[u8],
        report: &mut StepReport,
    ) {
        report.passed = true;
        report.received = seen[..seen.len().min(REPORTED)].to_vec();
        if let (Some(name), Some(value)) = (&expect.save, saved) {
            self.saved.insert(name.clone(), value);
        }
    }
}

fn collect(items: Frames<'_>) -> Vec<Vec<u8>> {
    items
        .filter_map(|item| match item {
            FrameItem::Frame(frame) => Some(frame.payload.to_vec()),
            FrameItem::Fault(_) => None,
        })
        .collect()
}

/// `Some` when `bytes` meet the expectation, with the value a regex captured: the
/// group named like `save`, else group 1, else the whole match.
fn matches(expect: &Expect, bytes: &[u8], encoding: TextEncoding) -> Option<Option<Vec<u8>>> {
    match &expect.matcher {
        ExpectMatcher::Hex(pattern) => (pattern.is_empty()
            || bytes
                .windows(pattern.len())
                .any(|window| window == pattern.as_slice()))
        .then_some(None),
        ExpectMatcher::Contains(text) => encoding
            .decode(bytes)
            .contains(text.as_str())
            .then_some(None),
        ExpectMatcher::Equals(text) => {
            (encoding.decode(bytes).trim_end_matches(['\r', '\n']) == text).then_some(None)
        }
        ExpectMatcher::Regex(regex) => {
            let text = encoding.decode(bytes);
            let captures = regex.captures(&text)?;
            let group = expect
                .save
                .as_deref()
                .and_then(|name| captures.name(name))
                .or_else(|| captures.get(1))
                .or_else(|| captures.get(0));
            let value = group.map(|group| {
                encoding
                    .encode(group.as_str())
                    .unwrap_or_else(|_| group.as_str().as_bytes().to_vec())
            });
            Some(value)
        }
    }
}
