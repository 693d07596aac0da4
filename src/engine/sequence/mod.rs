//! Sequences: an ordered list of steps (send, expect within a deadline, wait, repeat a
//! block) read from a TOML script and run against one TCP or UDP peer, headless
//! (`netdbg run`) or from a window. [`Script::parse`] checks everything before
//! anything connects; [`run`] reports each step as it ends.

mod error;
mod runner;
mod script;

pub use crate::engine::link::Transport;
pub use error::{ScriptError, ScriptProblem};
pub use runner::{StepKind, StepReport, Summary, run};
pub use script::{
    Action, Expect, ExpectMatcher, MAX_REPEAT, MAX_TIMEOUT_MS, OnFail, Script, SendPayload, Step,
};
