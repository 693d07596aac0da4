use thiserror::Error;

use super::parse::IntFormat;

/// A variable that cannot be used. `position` is the 1-based character index of
/// its `$` in the message, as a person counting along the text box expects.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VarsError {
    #[error("\"${{\" at position {position} has no closing \"}}\"")]
    Unclosed { position: usize },

    #[error("unknown variable \"{name}\" at position {position}")]
    Unknown { name: String, position: usize },

    /// The part after `:` does not fit the variable (`${seq:x}`, `${len}`, `${time:3}`).
    #[error("variable \"{name}\" at position {position}: bad format \"{format}\"")]
    BadFormat {
        name: String,
        format: String,
        position: usize,
    },

    #[error("${{len}} at position {position} has nothing after it to count")]
    LenAtEnd { position: usize },

    /// `${rand:N}` with N not a whole number from 1 to [`super::parse::MAX_RAND`].
    #[error("${{rand:{count}}} at position {position}: N must be 1 to 1024")]
    RandCount { count: String, position: usize },

    /// What follows a `${len:…}` is longer than its field can say.
    #[error("${{len:{format}}} at position {position}: {len} bytes do not fit")]
    LenTooLarge {
        len: usize,
        format: IntFormat,
        position: usize,
    },
}
