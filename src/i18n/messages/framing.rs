//! Framings that cannot be used, and frames that were dropped, in words.

use super::Describe;
use crate::codec::framing::{
    MAX_DELIMITER, MAX_FIXED, MAX_IDLE_MS, MAX_LENGTH_ADJUST, MAX_LENGTH_OFFSET,
};
use crate::codec::{FrameFault, FramingError};
use crate::i18n::{Lang, format_size};

impl Describe for FramingError {
    fn describe(&self, lang: Lang) -> String {
        use FramingError::*;
        match (self, lang) {
            (Unknown { text }, Lang::Zh) => format!(
                "未知的分帧方式“{text}”— 可用 raw、line、delim:HEX、fixed:N、len:W[be|le][@偏移][,incl][,adj=N] 或 idle:毫秒"
            ),
            (Unknown { text }, Lang::En) => format!(
                "Unknown framing \"{text}\" — use raw, line, delim:HEX, fixed:N, len:W[be|le][@OFFSET][,incl][,adj=N] or idle:MS"
            ),
            (DelimiterEmpty, Lang::Zh) => {
                "分隔符为空 — 请填至少一个 HEX 字节，例如 0D 0A".to_owned()
            }
            (DelimiterEmpty, Lang::En) => {
                "The delimiter is empty — give at least one HEX byte, e.g. 0D 0A".to_owned()
            }
            (DelimiterNotHex { text, error }, Lang::Zh) => {
                format!("分隔符“{text}”不是 HEX：{}", error.describe(lang))
            }
            (DelimiterNotHex { text, error }, Lang::En) => {
                format!("Delimiter \"{text}\" is not HEX: {}", error.describe(lang))
            }
            (DelimiterTooLong { len }, Lang::Zh) => {
                format!("分隔符有 {len} 个字节，太长 — 最多 {MAX_DELIMITER} 个字节")
            }
            (DelimiterTooLong { len }, Lang::En) => {
                format!("The delimiter is {len} bytes long — at most {MAX_DELIMITER} bytes")
            }
            (FixedSize { text }, Lang::Zh) => {
                format!("固定长度“{text}”无效 — 请填 1 到 {MAX_FIXED} 之间的字节数")
            }
            (FixedSize { text }, Lang::En) => format!(
                "Fixed frame size \"{text}\" cannot be used — give a whole number of bytes from 1 to {MAX_FIXED}"
            ),
            (LengthWidth { text }, Lang::Zh) => format!(
                "长度字段宽度“{text}”无效 — 只能是 1、2 或 4 个字节，可加 be（高字节在前）或 le，例如 len:2be"
            ),
            (LengthWidth { text }, Lang::En) => format!(
                "Length field width \"{text}\" cannot be used — it is 1, 2 or 4 bytes, optionally followed by be (big endian) or le, e.g. len:2be"
            ),
            (LengthOffset { text }, Lang::Zh) => {
                format!("长度字段偏移“{text}”无效 — 请填 0 到 {MAX_LENGTH_OFFSET} 之间的字节数")
            }
            (LengthOffset { text }, Lang::En) => format!(
                "Length field offset \"{text}\" cannot be used — give a whole number of bytes from 0 to {MAX_LENGTH_OFFSET}"
            ),
            (LengthAdjust { text }, Lang::Zh) => format!(
                "长度修正值“{text}”无效 — 请填 -{MAX_LENGTH_ADJUST} 到 {MAX_LENGTH_ADJUST} 之间的整数"
            ),
            (LengthAdjust { text }, Lang::En) => format!(
                "Length adjustment \"{text}\" cannot be used — give a whole number from -{MAX_LENGTH_ADJUST} to {MAX_LENGTH_ADJUST}"
            ),
            (LengthOption { text }, Lang::Zh) => {
                format!("长度前缀的选项“{text}”无法识别 — 逗号后只能是 incl 或 adj=N")
            }
            (LengthOption { text }, Lang::En) => format!(
                "Length prefix option \"{text}\" is unknown — after a comma use incl or adj=N"
            ),
            (IdleGap { text }, Lang::Zh) => {
                format!("空闲间隔“{text}”无效 — 请填 1 到 {MAX_IDLE_MS} 之间的毫秒数")
            }
            (IdleGap { text }, Lang::En) => format!(
                "Idle gap \"{text}\" cannot be used — give a whole number of milliseconds from 1 to {MAX_IDLE_MS}"
            ),
        }
    }
}

impl Describe for FrameFault {
    fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (FrameFault::TooLarge { declared, limit }, Lang::Zh) => {
                let size = match declared {
                    Some(size) => format!("{size} 字节的"),
                    None => format!("超过 {} 的", format_size(*limit as u64)),
                };
                format!(
                    "丢弃了一个{size}帧：超出 {} 的上限 — 跳过它的字节（仍计数并写入抓包），从下一帧继续分帧",
                    format_size(*limit as u64)
                )
            }
            (FrameFault::TooLarge { declared, limit }, Lang::En) => {
                let size = match declared {
                    Some(size) => format!("of {size} bytes"),
                    None => format!("of more than {}", format_size(*limit as u64)),
                };
                format!(
                    "Dropped a frame {size}: over the limit of {} — its bytes are skipped (still counted and captured) and framing goes on with the next frame",
                    format_size(*limit as u64)
                )
            }
            (FrameFault::BadLength { value }, Lang::Zh) => format!(
                "长度字段的值 {value} 比帧头还短 — 丢弃已缓存的字节，从下一次读取重新分帧；请检查长度前缀设置"
            ),
            (FrameFault::BadLength { value }, Lang::En) => format!(
                "The length field says {value}, shorter than the header — the bytes held are dropped and framing starts again with the next read; check the length prefix settings"
            ),
        }
    }
}
