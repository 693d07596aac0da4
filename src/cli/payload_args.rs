//! The options every sending command shares: encoding, HEX, escapes.

use clap::Args;

use super::{CliError, parse_encoding};
use crate::codec::{PayloadMode, TextEncoding, build_payload};
use crate::i18n::{Describe, Lang};

#[derive(Debug, Args)]
pub struct PayloadArgs {
    /// Text encoding on the wire, for messages and replies (UTF-8, GBK, GB18030, Big5, Shift_JIS, EUC-KR, Windows-1252, UTF-16LE, UTF-16BE)
    #[arg(long, value_name = "E")]
    encoding: Option<String>,
    /// Messages are HEX, e.g. "48 65 6c 6c 6f" or 0x48,0x65; data is printed as HEX
    #[arg(long)]
    pub hex: bool,
    /// Understand \r \n \t \\ \0 \xNN in messages
    #[arg(long)]
    escapes: bool,
}

impl PayloadArgs {
    pub fn encoding(&self, lang: Lang) -> Result<TextEncoding, CliError> {
        parse_encoding(self.encoding.as_deref(), lang)
    }

    /// The bytes `message` stands for, or a worded input error.
    pub fn build(
        &self,
        message: &str,
        encoding: TextEncoding,
        lang: Lang,
    ) -> Result<Vec<u8>, CliError> {
        let mode = if self.hex {
            PayloadMode::Hex
        } else {
            PayloadMode::Text
        };
        build_payload(message, mode, encoding, self.escapes)
            .map_err(|error| CliError::Input(error.describe(lang)))
    }
}
