use crate::codec::{CodecError, FramingError};

/// A script that cannot run, and where: 1-based line and column in the file (the
/// `toml` crate's spans), so an editor can jump there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ScriptError {
    pub line: usize,
    pub column: usize,
    pub problem: ScriptProblem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScriptProblem {
    /// Not TOML, a key we do not know, or a value of the wrong type (the `toml`
    /// crate's own sentence).
    Toml {
        message: String,
    },
    NoTarget,
    Transport {
        text: String,
    },
    Encoding {
        text: String,
    },
    Frame(FramingError),
    OnFail {
        text: String,
    },
    /// A step with none of send / send_hex / send_file / expect… / wait_ms / repeat.
    NoAction,
    /// A step with two of them.
    TwoActions {
        first: String,
        second: String,
    },
    /// `timeout_ms` or `wait_ms` outside 0–600000.
    MsRange {
        key: &'static str,
        value: i64,
    },
    RepeatRange {
        value: i64,
    },
    /// `repeat` without `[[step.step]]` inside.
    EmptyRepeat,
    Regex {
        message: String,
    },
    /// A send or expect_hex that does not build (bad HEX, a bad variable).
    Message(CodecError),
    /// `save` on an expect that is not `expect_regex`.
    SaveWithoutRegex,
    /// `timeout_ms` or `save` on a step that is not an expect.
    NotForThisStep {
        key: &'static str,
    },
    File {
        path: String,
        message: String,
    },
}
