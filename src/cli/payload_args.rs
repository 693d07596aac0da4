//! The options every sending command shares: encoding, HEX, escapes, line ending,
//! checksum; and how `--repeat` / `--interval` are read.

use std::time::Duration;

use clap::Args;

use super::{CliError, parse_encoding};
use crate::codec::{Checksum, LineEnding, PayloadMode, SendOptions, TextEncoding, build_message};
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
    /// End each message with CR: 0D (encoded like the text, e.g. 0D 00 in UTF-16LE)
    #[arg(long, group = "line_ending")]
    cr: bool,
    /// End each message with LF: 0A (encoded like the text, e.g. 0A 00 in UTF-16LE)
    #[arg(long, group = "line_ending")]
    lf: bool,
    /// End each message with CR LF: 0D 0A (encoded like the text, e.g. 0D 00 0A 00 in UTF-16LE)
    #[arg(long, group = "line_ending")]
    crlf: bool,
    /// Append check bytes computed over the message and its line ending: sum8, xor8,
    /// crc16-modbus, crc16-ccitt (CRC-16/CCITT-FALSE), crc32. CRC-16/Modbus low byte
    /// first as Modbus RTU sends it; CRC-16/CCITT-FALSE and CRC-32 high byte first
    #[arg(long, value_name = "KIND")]
    checksum: Option<String>,
}

impl PayloadArgs {
    pub fn encoding(&self, lang: Lang) -> Result<TextEncoding, CliError> {
        parse_encoding(self.encoding.as_deref(), lang)
    }

    /// How messages become bytes: mode, escapes, line ending and checksum.
    pub fn send_options(&self, lang: Lang) -> Result<SendOptions, CliError> {
        let checksum = match self.checksum.as_deref() {
            None => Checksum::None,
            Some(label) => Checksum::from_label(label)
                .ok_or_else(|| CliError::Input(lang.texts().bad_checksum(label)))?,
        };
        let line_ending = match (self.cr, self.lf, self.crlf) {
            (true, _, _) => LineEnding::Cr,
            (_, true, _) => LineEnding::Lf,
            (_, _, true) => LineEnding::CrLf,
            _ => LineEnding::None,
        };
        Ok(SendOptions {
            mode: if self.hex {
                PayloadMode::Hex
            } else {
                PayloadMode::Text
            },
            escapes: self.escapes,
            line_ending,
            checksum,
        })
    }

    /// The bytes `message` stands for, or a worded input error.
    pub fn build(
        &self,
        message: &str,
        options: &SendOptions,
        encoding: TextEncoding,
        lang: Lang,
    ) -> Result<Vec<u8>, CliError> {
        build_message(message, options, encoding)
            .map_err(|error| CliError::Input(error.describe(lang)))
    }
}

/// `--repeat N`: a whole number, 1 or more.
pub fn parse_repeat(text: &str, lang: Lang) -> Result<u64, CliError> {
    match text.trim().parse::<u64>() {
        Ok(count) if count > 0 => Ok(count),
        _ => Err(CliError::Input(lang.texts().bad_repeat(text))),
    }
}

/// `--interval MS`: whole milliseconds, 1 or more.
pub fn parse_interval(text: &str, lang: Lang) -> Result<Duration, CliError> {
    match text.trim().parse::<u64>() {
        Ok(ms) if ms > 0 => Ok(Duration::from_millis(ms)),
        _ => Err(CliError::Input(lang.texts().bad_interval(text))),
    }
}
