//! The relay's settings that cannot be used, in words.

use super::Describe;
use crate::engine::relay::{Direction, FaultError, FaultField, MAX_FAULT_MS, RelayError};
use crate::i18n::Lang;

impl Describe for RelayError {
    fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (RelayError::ToItself { listen, target }, Lang::Zh) => format!(
                "中继会转发给自己：监听 {listen}，目标 {target} 是同一个地址 — 换一个目标或监听端口"
            ),
            (RelayError::ToItself { listen, target }, Lang::En) => format!(
                "The relay would forward to itself: it listens on {listen} and the target {target} is that same address — pick another target or listen port"
            ),
            (RelayError::Faults { direction, error }, Lang::Zh) => {
                format!(
                    "{}：{}",
                    direction_name(*direction, lang),
                    error.describe(lang)
                )
            }
            (RelayError::Faults { direction, error }, Lang::En) => {
                format!(
                    "{}: {}",
                    direction_name(*direction, lang),
                    error.describe(lang)
                )
            }
            (RelayError::Engine(error), _) => error.describe(lang),
        }
    }
}

impl Describe for FaultError {
    fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (FaultError::Percent { field, value }, Lang::Zh) => {
                format!(
                    "{}为 {value}% 超出范围 — 概率只能是 0 到 100",
                    field_name(*field, lang)
                )
            }
            (FaultError::Percent { field, value }, Lang::En) => format!(
                "{} of {value} % is out of range — a probability goes from 0 to 100",
                field_name(*field, lang)
            ),
            (FaultError::Zero { field }, Lang::Zh) => {
                format!(
                    "{}不能为 0 — 请填 1 或更大，或不设这一项",
                    field_name(*field, lang)
                )
            }
            (FaultError::Zero { field }, Lang::En) => format!(
                "{} cannot be 0 — give 1 or more, or leave it out",
                field_name(*field, lang)
            ),
            (FaultError::TooLong { field, ms }, Lang::Zh) => format!(
                "{} {ms} 毫秒太长 — 最多 {MAX_FAULT_MS} 毫秒（1 小时）",
                field_name(*field, lang)
            ),
            (FaultError::TooLong { field, ms }, Lang::En) => format!(
                "{} of {ms} ms is too long — at most {MAX_FAULT_MS} ms (an hour)",
                field_name(*field, lang)
            ),
        }
    }
}

/// "client → server" / "客户端 → 服务器".
pub fn direction_name(direction: Direction, lang: Lang) -> &'static str {
    match (direction, lang) {
        (Direction::C2s, Lang::Zh) => "客户端 → 服务器",
        (Direction::C2s, Lang::En) => "client → server",
        (Direction::S2c, Lang::Zh) => "服务器 → 客户端",
        (Direction::S2c, Lang::En) => "server → client",
    }
}

fn field_name(field: FaultField, lang: Lang) -> &'static str {
    use FaultField::*;
    match (field, lang) {
        (Delay, Lang::Zh) => "延迟",
        (Delay, Lang::En) => "The delay",
        (Jitter, Lang::Zh) => "抖动",
        (Jitter, Lang::En) => "The jitter",
        (Rate, Lang::Zh) => "限速（字节/秒）",
        (Rate, Lang::En) => "The rate limit (bytes/s)",
        (Split, Lang::Zh) => "拆分大小（字节）",
        (Split, Lang::En) => "The split size (bytes)",
        (SplitGap, Lang::Zh) => "拆分间隔",
        (SplitGap, Lang::En) => "The gap between pieces",
        (Merge, Lang::Zh) => "合并窗口",
        (Merge, Lang::En) => "The merge window",
        (Drop, Lang::Zh) => "丢包概率",
        (Drop, Lang::En) => "A drop probability",
        (CutAfter, Lang::Zh) => "断开前的字节数",
        (CutAfter, Lang::En) => "The cut-after size (bytes)",
        (Corrupt, Lang::Zh) => "损坏概率",
        (Corrupt, Lang::En) => "A corruption probability",
    }
}
