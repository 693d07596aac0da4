//! What the user typed that cannot be used: addresses, HEX and escapes, the
//! auto-reply's rules.

use super::Describe;
use crate::codec::{CodecError, VarsError};
use crate::engine::{AutoReplyError, InputError};
use crate::i18n::Lang;

impl Describe for InputError {
    fn describe(&self, lang: Lang) -> String {
        use InputError::*;
        match (self, lang) {
            (PortEmpty, Lang::Zh) => "请填写端口号（1–65535）".to_owned(),
            (PortEmpty, Lang::En) => "Enter a port number (1–65535)".to_owned(),
            (PortNotNumber { text }, Lang::Zh) => {
                format!("端口“{text}”不是数字 — 请填 1–65535 之间的整数")
            }
            (PortNotNumber { text }, Lang::En) => {
                format!("Port \"{text}\" is not a number — enter a whole number from 1 to 65535")
            }
            (PortOutOfRange { text }, Lang::Zh) => {
                format!("端口 {text} 超出范围 — 端口号只能是 1–65535")
            }
            (PortOutOfRange { text }, Lang::En) => {
                format!("Port {text} is out of range — ports go from 1 to 65535")
            }
            (PortZero, Lang::Zh) => "这里需要一个固定端口，不能填 0".to_owned(),
            (PortZero, Lang::En) => "A fixed port is needed here; 0 is not allowed".to_owned(),
            (AddressEmpty, Lang::Zh) => "请填写地址".to_owned(),
            (AddressEmpty, Lang::En) => "Enter an address".to_owned(),
            (BadIp { text }, Lang::Zh) => {
                format!("“{text}”不是 IP 地址 — 例如 0.0.0.0、127.0.0.1 或 ::")
            }
            (BadIp { text }, Lang::En) => {
                format!("\"{text}\" is not an IP address — e.g. 0.0.0.0, 127.0.0.1 or ::")
            }
            (MissingPort { text }, Lang::Zh) => {
                format!("“{text}”缺少端口 — 请写成 主机:端口，例如 127.0.0.1:7788")
            }
            (MissingPort { text }, Lang::En) => {
                format!("\"{text}\" has no port — write host:port, e.g. 127.0.0.1:7788")
            }
            (Ipv6NeedsBrackets { text }, Lang::Zh) => {
                format!("“{text}”：IPv6 地址要加方括号，例如 [::1]:7788")
            }
            (Ipv6NeedsBrackets { text }, Lang::En) => {
                format!("\"{text}\": put an IPv6 address in brackets, e.g. [::1]:7788")
            }
        }
    }
}

impl Describe for CodecError {
    fn describe(&self, lang: Lang) -> String {
        use CodecError::*;
        match (self, lang) {
            (HexOddDigits { digits }, Lang::Zh) => {
                format!("HEX 位数是奇数（{digits} 位）— 每个字节要两位，例如 0A")
            }
            (HexOddDigits { digits }, Lang::En) => {
                format!("Odd number of HEX digits ({digits}) — each byte needs two, e.g. 0A")
            }
            (HexInvalidChar { ch, position }, Lang::Zh) => {
                format!("第 {position} 个字符“{ch}”不是十六进制数字（0–9、A–F）")
            }
            (HexInvalidChar { ch, position }, Lang::En) => {
                format!("Character {position} ('{ch}') is not a HEX digit (0–9, A–F)")
            }
            (BadEscape { position, sequence }, Lang::Zh) => format!(
                "第 {position} 个字符处的转义“{sequence}”无效 — 支持 \\r \\n \\t \\\\ \\0 \\xNN"
            ),
            (BadEscape { position, sequence }, Lang::En) => format!(
                "Invalid escape \"{sequence}\" at character {position} — use \\r \\n \\t \\\\ \\0 \\xNN"
            ),
            (
                Unmappable {
                    ch,
                    position,
                    encoding,
                },
                Lang::Zh,
            ) => {
                format!("第 {position} 个字符“{ch}”无法用 {encoding} 编码 — 换用 UTF-8 或 GB18030")
            }
            (
                Unmappable {
                    ch,
                    position,
                    encoding,
                },
                Lang::En,
            ) => format!(
                "Character {position} ('{ch}') cannot be encoded in {encoding} — use UTF-8 or GB18030"
            ),
            (Vars(error), _) => error.describe(lang),
        }
    }
}

const VARIABLES: &str = "seq, seq:04, seq:u16be, time, unix_ms, rand:N, len:u16be";
const INT_FORMATS: &str = "u8, u16be, u16le, u32be, u32le";

impl Describe for VarsError {
    fn describe(&self, lang: Lang) -> String {
        use VarsError::*;
        match (self, lang) {
            (Unclosed { position }, Lang::Zh) => {
                format!("第 {position} 个字符处的“${{”没有配对的“}}” — 补上“}}”，或关掉“变量”")
            }
            (Unclosed { position }, Lang::En) => format!(
                "\"${{\" at character {position} has no closing \"}}\" — add one, or turn Variables off"
            ),
            (Unknown { name, position }, Lang::Zh) => format!(
                "第 {position} 个字符处的变量“${{{name}}}”不存在 — 可用：{VARIABLES}（自动回复的正则规则还可用 ${{1}}、${{名字}}）"
            ),
            (Unknown { name, position }, Lang::En) => format!(
                "Unknown variable \"${{{name}}}\" at character {position} — use {VARIABLES} (a regex auto-reply rule also has ${{1}}, ${{name}})"
            ),
            (
                BadFormat {
                    name,
                    format,
                    position,
                },
                Lang::Zh,
            ) => {
                let allowed = allowed_formats(name, lang);
                format!("第 {position} 个字符处的变量“${{{name}}}”格式“{format}”无效 — {allowed}")
            }
            (
                BadFormat {
                    name,
                    format,
                    position,
                },
                Lang::En,
            ) => {
                let allowed = allowed_formats(name, lang);
                format!(
                    "Variable \"${{{name}}}\" at character {position}: bad format \"{format}\" — {allowed}"
                )
            }
            (LenAtEnd { position }, Lang::Zh) => format!(
                "第 {position} 个字符处的“${{len}}”后面没有内容可计长度 — 把它放在要计长度的内容前面"
            ),
            (LenAtEnd { position }, Lang::En) => format!(
                "\"${{len}}\" at character {position} has nothing after it to count — put it before the bytes it measures"
            ),
            (RandCount { count, position }, Lang::Zh) => format!(
                "第 {position} 个字符处的“${{rand:{count}}}”：N 要是 1–1024 的整数，例如 ${{rand:4}}"
            ),
            (RandCount { count, position }, Lang::En) => format!(
                "\"${{rand:{count}}}\" at character {position}: N must be a whole number from 1 to 1024, e.g. ${{rand:4}}"
            ),
            (
                LenTooLarge {
                    len,
                    format,
                    position,
                },
                Lang::Zh,
            ) => format!(
                "第 {position} 个字符处的“${{len:{format}}}”：后面有 {len} 字节，{format} 装不下 — 换更宽的格式，例如 u16be"
            ),
            (
                LenTooLarge {
                    len,
                    format,
                    position,
                },
                Lang::En,
            ) => format!(
                "\"${{len:{format}}}\" at character {position}: {len} bytes follow, more than {format} can hold — use a wider format, e.g. u16be"
            ),
        }
    }
}

/// What may follow the `:` of a variable.
fn allowed_formats(name: &str, lang: Lang) -> String {
    match (name, lang) {
        ("seq", Lang::Zh) => format!("可用位数（如 ${{seq:04}}）或 {INT_FORMATS}"),
        ("seq", Lang::En) => format!("use a width (e.g. ${{seq:04}}) or {INT_FORMATS}"),
        ("len", Lang::Zh) => format!("要写成 ${{len:格式}}，格式为 {INT_FORMATS}"),
        ("len", Lang::En) => format!("write ${{len:FORMAT}}, FORMAT one of {INT_FORMATS}"),
        (_, Lang::Zh) => format!("${{{name}}} 不带格式"),
        (_, Lang::En) => format!("${{{name}}} takes no format"),
    }
}

impl Describe for AutoReplyError {
    fn describe(&self, lang: Lang) -> String {
        use AutoReplyError::*;
        match (self, lang) {
            (Reply(error), Lang::Zh) => format!("自动回复内容有误：{}", error.describe(lang)),
            (Reply(error), Lang::En) => format!("Auto-reply text: {}", error.describe(lang)),
            (Farewell(error), Lang::Zh) => format!("告别语有误：{}", error.describe(lang)),
            (Farewell(error), Lang::En) => format!("Farewell text: {}", error.describe(lang)),
            (Pattern { rule, error }, Lang::Zh) => {
                format!("规则 {rule} 的匹配内容有误：{}", error.describe(lang))
            }
            (Pattern { rule, error }, Lang::En) => {
                format!("Rule {rule}, pattern: {}", error.describe(lang))
            }
            (RuleReply { rule, error }, Lang::Zh) => {
                format!("规则 {rule} 的回复内容有误：{}", error.describe(lang))
            }
            (RuleReply { rule, error }, Lang::En) => {
                format!("Rule {rule}, reply: {}", error.describe(lang))
            }
            (Regex { rule, message }, Lang::Zh) => {
                format!("规则 {rule} 的正则表达式无效：{message}")
            }
            (Regex { rule, message }, Lang::En) => {
                format!("Rule {rule}: invalid regular expression: {message}")
            }
            (EmptyPattern { rule }, Lang::Zh) => {
                format!("规则 {rule} 没有填写匹配内容 — 填上内容或删除这条规则")
            }
            (EmptyPattern { rule }, Lang::En) => {
                format!("Rule {rule} has an empty pattern — fill it in or delete the rule")
            }
        }
    }
}
