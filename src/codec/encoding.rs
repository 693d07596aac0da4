//! The text encodings a user can pick for sending and displaying data.

use std::fmt;

use encoding_rs::{EncoderResult, Encoding};

use super::auto;
use super::error::CodecError;
use super::locale;

pub use super::stream_decoder::StreamDecoder;

/// The encodings offered in the UI: Auto, then the ones NetAssist users in East
/// Asia and Western Europe actually meet on serial-over-TCP gear, plus UTF-16.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum TextEncoding {
    /// Per message: UTF-8 when valid, else the system's legacy code page
    /// ([`super::auto`]); text is sent as [`super::auto::auto_send_encoding`].
    Auto,
    Utf8,
    Gbk,
    Gb18030,
    Big5,
    ShiftJis,
    EucKr,
    Windows1252,
    Utf16Le,
    Utf16Be,
}

impl TextEncoding {
    /// In the order the UI should list them.
    pub const ALL: [TextEncoding; 10] = [
        TextEncoding::Auto,
        TextEncoding::Utf8,
        TextEncoding::Gbk,
        TextEncoding::Gb18030,
        TextEncoding::Big5,
        TextEncoding::ShiftJis,
        TextEncoding::EucKr,
        TextEncoding::Windows1252,
        TextEncoding::Utf16Le,
        TextEncoding::Utf16Be,
    ];

    /// The name scripts and the CLI use; the UI shows Auto in its own language.
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Auto => "Auto",
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Gbk => "GBK",
            TextEncoding::Gb18030 => "GB18030",
            TextEncoding::Big5 => "Big5",
            TextEncoding::ShiftJis => "Shift_JIS",
            TextEncoding::EucKr => "EUC-KR",
            TextEncoding::Windows1252 => "Windows-1252",
            TextEncoding::Utf16Le => "UTF-16LE",
            TextEncoding::Utf16Be => "UTF-16BE",
        }
    }

    /// Accepts our own labels, common colloquial spellings ("utf8", "sjis",
    /// "cp936", "latin1", ...) and, as a fallback, any WHATWG label.
    pub fn from_label(s: &str) -> Option<Self> {
        let squashed: String = s
            .trim()
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .flat_map(char::to_lowercase)
            .collect();
        let known = match squashed.as_str() {
            "auto" => Some(TextEncoding::Auto),
            "utf8" => Some(TextEncoding::Utf8),
            "gbk" | "cp936" | "windows936" | "gb2312" => Some(TextEncoding::Gbk),
            "gb18030" => Some(TextEncoding::Gb18030),
            "big5" | "cp950" => Some(TextEncoding::Big5),
            "shiftjis" | "sjis" | "cp932" | "windows31j" => Some(TextEncoding::ShiftJis),
            "euckr" | "cp949" | "uhc" => Some(TextEncoding::EucKr),
            "windows1252" | "cp1252" | "latin1" | "iso88591" => Some(TextEncoding::Windows1252),
            "utf16le" => Some(TextEncoding::Utf16Le),
            "utf16be" => Some(TextEncoding::Utf16Be),
            _ => None,
        };
        known.or_else(|| {
            let whatwg = Encoding::for_label(s.trim().as_bytes())?;
            Self::ALL
                .into_iter()
                .filter(|e| *e != TextEncoding::Auto)
                .find(|e| e.encoding_rs() == whatwg)
        })
    }

    /// Whether bytes below 0x80 are ASCII (all but UTF-16).
    pub fn is_ascii_compatible(self) -> bool {
        self.encoding_rs().is_ascii_compatible()
    }

    /// The encoding_rs coder; for Auto, its fallback's (UTF-8 is tried first).
    pub fn encoding_rs(self) -> &'static Encoding {
        match self {
            TextEncoding::Auto => auto::auto_fallback().encoding_rs(),
            TextEncoding::Utf8 => encoding_rs::UTF_8,
            TextEncoding::Gbk => encoding_rs::GBK,
            TextEncoding::Gb18030 => encoding_rs::GB18030,
            TextEncoding::Big5 => encoding_rs::BIG5,
            TextEncoding::ShiftJis => encoding_rs::SHIFT_JIS,
            TextEncoding::EucKr => encoding_rs::EUC_KR,
            TextEncoding::Windows1252 => encoding_rs::WINDOWS_1252,
            TextEncoding::Utf16Le => encoding_rs::UTF_16LE,
            TextEncoding::Utf16Be => encoding_rs::UTF_16BE,
        }
    }

    /// Exact bytes for `text`, or the first character the encoding cannot
    /// represent. Never substitutes anything: silently sending "&#20320;"
    /// to a device would be far worse than refusing.
    pub fn encode(self, text: &str) -> Result<Vec<u8>, CodecError> {
        match self {
            TextEncoding::Auto => auto::auto_send_encoding().encode(text),
            TextEncoding::Utf8 => Ok(text.as_bytes().to_vec()),
            // encoding_rs only encodes *to* UTF-8 for these; no BOM on the
            // wire because the peer did not ask for one.
            TextEncoding::Utf16Le => Ok(text.encode_utf16().flat_map(u16::to_le_bytes).collect()),
            TextEncoding::Utf16Be => Ok(text.encode_utf16().flat_map(u16::to_be_bytes).collect()),
            _ => self.encode_legacy(text),
        }
    }

    fn encode_legacy(self, text: &str) -> Result<Vec<u8>, CodecError> {
        let mut encoder = self.encoding_rs().new_encoder();
        let initial = encoder
            .max_buffer_length_from_utf8_without_replacement(text.len())
            .unwrap_or(text.len().saturating_mul(4));
        let mut out = vec![0u8; initial.max(16)];
        let (mut read_total, mut written_total) = (0, 0);
        loop {
            let (result, read, written) = encoder.encode_from_utf8_without_replacement(
                &text[read_total..],
                &mut out[written_total..],
                true,
            );
            read_total += read;
            written_total += written;
            match result {
                EncoderResult::InputEmpty => {
                    out.truncate(written_total);
                    return Ok(out);
                }
                EncoderResult::OutputFull => out.resize(out.len() * 2, 0),
                // `read_total` already includes the unmappable character.
                EncoderResult::Unmappable(ch) => {
                    return Err(CodecError::Unmappable {
                        ch,
                        position: text[..read_total].chars().count(),
                        encoding: self,
                    });
                }
            }
        }
    }

    /// Lossy decode (invalid input becomes U+FFFD). BOMs are left alone so
    /// that what is shown matches the bytes the user chose to interpret.
    pub fn decode(self, bytes: &[u8]) -> String {
        self.decode_telling(bytes).0
    }

    /// Like [`Self::decode`], also saying which encoding made the text: `self`,
    /// or for Auto, UTF-8 or the fallback.
    pub fn decode_telling(self, bytes: &[u8]) -> (String, TextEncoding) {
        match self {
            TextEncoding::Auto => auto::decode_auto(bytes, auto::auto_fallback()),
            fixed => (
                fixed
                    .encoding_rs()
                    .decode_without_bom_handling(bytes)
                    .0
                    .into_owned(),
                fixed,
            ),
        }
    }

    /// Best guess for a fresh install: the legacy encoding most devices in
    /// that region still speak. `locale` is BCP-47 ("zh-Hant-TW") or POSIX
    /// ("zh_CN.UTF-8") as returned by the OS.
    pub fn default_for_locale(locale: Option<&str>) -> Self {
        locale.map_or(TextEncoding::Utf8, locale::encoding_for_locale)
    }
}

impl fmt::Display for TextEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}
