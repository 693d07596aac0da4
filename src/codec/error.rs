use thiserror::Error;

use super::encoding::TextEncoding;

/// Everything that can go wrong while turning user input into bytes.
///
/// Fields stay structured (no preformatted strings) so the UI can build its
/// own translated message by matching on the variant. All positions are
/// 1-based *character* indices into the user's input, because that is what
/// a person counting along a text box expects.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CodecError {
    /// A hex token has an odd number of digits; `digits` is that token's
    /// digit count (the `0x` prefix is not counted).
    #[error("odd number of hex digits ({digits}); each byte needs two digits")]
    HexOddDigits { digits: usize },

    #[error("invalid hex character '{ch}' at position {position}")]
    HexInvalidChar { ch: char, position: usize },

    /// `sequence` is the offending text starting with the backslash.
    #[error("invalid escape sequence \"{sequence}\" at position {position}")]
    BadEscape { position: usize, sequence: String },

    #[error("character '{ch}' at position {position} cannot be represented in {encoding}")]
    Unmappable {
        ch: char,
        position: usize,
        encoding: TextEncoding,
    },

    #[error(transparent)]
    Vars(#[from] super::vars::VarsError),
}
