//! Words for the encoding choice, above all Auto: what it does and what it picked.

use crate::codec::{TextEncoding, auto_fallback, auto_send_encoding};
use crate::i18n::Lang;

use super::Texts;

impl Texts {
    /// The name in the encoding list; Auto says what it switches between.
    pub fn encoding_name(&self, encoding: TextEncoding) -> String {
        match (encoding, self.lang) {
            (TextEncoding::Auto, Lang::Zh) => format!("自动（UTF-8 / {}）", auto_fallback()),
            (TextEncoding::Auto, Lang::En) => format!("Auto (UTF-8 / {})", auto_fallback()),
            (fixed, _) => fixed.label().to_owned(),
        }
    }

    /// What the chosen encoding does with received and sent text.
    pub fn encoding_hint(&self, encoding: TextEncoding) -> String {
        let (fallback, send) = (auto_fallback(), auto_send_encoding());
        match (encoding, self.lang) {
            (TextEncoding::Auto, Lang::Zh) => format!(
                "每条收到的消息：是有效的 UTF-8 就按 UTF-8 显示，否则按 {fallback} 显示，行上标出用了哪种。发送的文字按 {send} 编码。"
            ),
            (TextEncoding::Auto, Lang::En) => format!(
                "Each message received shows as UTF-8 when it is valid UTF-8, otherwise as {fallback}; the row says which. Text you send goes out as {send}."
            ),
            (fixed, Lang::Zh) => format!("收到的和发送的文字都按 {fixed}"),
            (fixed, Lang::En) => format!("Text received and sent is {fixed}"),
        }
    }

    /// The tag's tooltip on a row Auto decoded.
    pub fn picked_hint(&self, picked: TextEncoding) -> String {
        match (picked, self.lang) {
            (TextEncoding::Utf8, Lang::Zh) => "自动：这条消息是有效的 UTF-8".to_owned(),
            (TextEncoding::Utf8, Lang::En) => "Auto: this message is valid UTF-8".to_owned(),
            (other, Lang::Zh) => format!("自动：这条消息不是有效的 UTF-8，按 {other} 显示"),
            (other, Lang::En) => {
                format!("Auto: this message is not valid UTF-8, so it shows as {other}")
            }
        }
    }
}
