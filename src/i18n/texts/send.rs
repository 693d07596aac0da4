//! Words for sending: payload options, repeated sends and unfinished ones.

use crate::i18n::Lang;

use super::Texts;

impl Texts {
    /// `--checksum` with a name we do not know.
    pub fn bad_checksum(&self, label: &str) -> String {
        let known = "sum8, xor8, crc16-modbus, crc16-ccitt, crc32";
        match self.lang {
            Lang::Zh => format!("不认识的校验方式“{label}”— 可用：{known}"),
            Lang::En => format!("Unknown checksum \"{label}\" — use one of: {known}"),
        }
    }

    /// `--repeat` that is not a whole number of 1 or more.
    pub fn bad_repeat(&self, text: &str) -> String {
        match self.lang {
            Lang::Zh => format!("重复次数“{text}”无效 — 请填不小于 1 的整数，例如 10"),
            Lang::En => format!(
                "Repeat count \"{text}\" is invalid — give a whole number of 1 or more, e.g. 10"
            ),
        }
    }

    /// `--interval` that is not a whole number of milliseconds, 1 or more.
    pub fn bad_interval(&self, text: &str) -> String {
        match self.lang {
            Lang::Zh => format!("间隔“{text}”无效 — 请填不小于 1 的整数毫秒数，例如 1000"),
            Lang::En => format!(
                "Interval \"{text}\" is invalid — give a whole number of milliseconds, 1 or more, e.g. 1000"
            ),
        }
    }

    /// The send thread went quiet before every message was sent.
    pub fn send_unfinished(&self, sent: u64, wanted: u64) -> String {
        match self.lang {
            Lang::Zh => format!("发送没有完成：只发出了 {sent} / {wanted} 个 — 请重试"),
            Lang::En => format!("Sending did not finish: {sent} of {wanted} went out — try again"),
        }
    }

    pub fn repeat_status(&self, sent: u64, rate: f64, running: bool) -> String {
        match (self.lang, running) {
            (Lang::Zh, true) => format!("已发 {sent} 次，{rate:.1} 次/秒"),
            (Lang::Zh, false) => format!("已结束：共发 {sent} 次，{rate:.1} 次/秒"),
            (Lang::En, true) => format!("{sent} sent, {rate:.1}/s"),
            (Lang::En, false) => format!("done: {sent} sent, {rate:.1}/s"),
        }
    }
}
