//! The Auto encoding: each message shows as UTF-8 when it is valid UTF-8, and
//! otherwise in the system's legacy code page (GBK on a Chinese system, the ANSI
//! code page on Windows), so neither a UTF-8 peer nor a GBK device shows 乱码.

use std::sync::OnceLock;

use super::encoding::TextEncoding;

/// What Auto sends text as: the encoding devices around this system most likely
/// expect (GBK on a Chinese system, the ANSI code page on Windows, else UTF-8),
/// the same as before Auto existed.
pub fn auto_send_encoding() -> TextEncoding {
    static SEND: OnceLock<TextEncoding> = OnceLock::new();
    *SEND.get_or_init(|| concrete(crate::platform::default_encoding()))
}

/// What Auto shows a message as when it is not valid UTF-8.
pub fn auto_fallback() -> TextEncoding {
    static FALLBACK: OnceLock<TextEncoding> = OnceLock::new();
    *FALLBACK.get_or_init(|| fallback_for(crate::platform::default_encoding()))
}

/// The legacy code page that goes with a system's default encoding: itself when
/// it is one, else Windows-1252 (Latin-1's superset, what Western devices send),
/// which turns any byte into a character.
pub fn fallback_for(system: TextEncoding) -> TextEncoding {
    match system {
        TextEncoding::Auto | TextEncoding::Utf8 | TextEncoding::Utf16Le | TextEncoding::Utf16Be => {
            TextEncoding::Windows1252
        }
        legacy => legacy,
    }
}

fn concrete(encoding: TextEncoding) -> TextEncoding {
    match encoding {
        TextEncoding::Auto => TextEncoding::Utf8,
        other => other,
    }
}

/// `bytes` as text, and which encoding made it: UTF-8 when they are valid UTF-8,
/// else `fallback` (lossy: what it cannot decode becomes U+FFFD).
pub fn decode_auto(bytes: &[u8], fallback: TextEncoding) -> (String, TextEncoding) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_owned(), TextEncoding::Utf8),
        Err(_) => {
            let fallback = fallback_for(fallback);
            (fallback.decode(bytes), fallback)
        }
    }
}
