//! A load run that cannot start as asked.

use super::Describe;
use crate::engine::load::{
    LoadInputError, MAX_CONNECTIONS, MAX_RATE, RESERVED_FILES, RateOf, StartError,
};
use crate::i18n::Lang;

impl Describe for LoadInputError {
    fn describe(&self, lang: Lang) -> String {
        use LoadInputError::*;
        match (self, lang) {
            (Connections { given }, Lang::Zh) => {
                format!("连接数 {given} 无效 — 请填 1 到 {MAX_CONNECTIONS} 之间的整数")
            }
            (Connections { given }, Lang::En) => format!(
                "{given} connections is not possible — give a whole number from 1 to {MAX_CONNECTIONS}"
            ),
            (Rate { of, given }, Lang::Zh) => {
                let what = match of {
                    RateOf::Messages => "发送速率",
                    RateOf::Connections => "建连速率",
                };
                format!(
                    "{what} {given} 无效 — 每秒次数要大于 0、不超过 {MAX_RATE}；不填则尽快发送（或一次全部建连）"
                )
            }
            (Rate { of, given }, Lang::En) => {
                let what = match of {
                    RateOf::Messages => "A rate",
                    RateOf::Connections => "A connect rate",
                };
                format!(
                    "{what} of {given} per second is not possible — give a number above 0 and up to {MAX_RATE}, or leave it out to go as fast as possible (connect all at once)"
                )
            }
            (ZeroMessages, Lang::Zh) => {
                "消息数不能为 0 — 至少 1 条；不填则一直发到时长结束或手动停止".to_owned()
            }
            (ZeroMessages, Lang::En) => {
                "0 messages would send nothing — give 1 or more, or leave it out to send until the duration ends or you stop".to_owned()
            }
            (ZeroDuration, Lang::Zh) => "时长不能为 0 — 请填大于 0 的秒数".to_owned(),
            (ZeroDuration, Lang::En) => {
                "A duration of 0 s would send nothing — give a number of seconds above 0".to_owned()
            }
            (SizeZero, Lang::Zh) => "消息是空的 — 填写要发送的内容，或给随机数据一个大于 0 的大小".to_owned(),
            (SizeZero, Lang::En) => {
                "The message is empty — type a payload, or give random data a size above 0".to_owned()
            }
            (TcpTooLarge { size, max }, Lang::Zh) => {
                format!("消息 {size} 字节太大 — TCP 压测每条最多 {max} 字节")
            }
            (TcpTooLarge { size, max }, Lang::En) => {
                format!("A {size}-byte message is too large — a TCP load sends at most {max} bytes a message")
            }
            (UdpTooLarge { size, max }, Lang::Zh) => format!(
                "{size} 字节超过 UDP 上限 {max} 字节（一个数据报最多能装的数据）— 请减小大小"
            ),
            (UdpTooLarge { size, max }, Lang::En) => format!(
                "{size} bytes is over the UDP limit of {max} bytes (what one datagram can carry) — give a smaller size"
            ),
            (IdleFraming, Lang::Zh) => {
                "按静默分帧（idle）要等一段静默才算收完，无法计时往返 — 请用 line、delim、fixed 或 len 分帧".to_owned()
            }
            (IdleFraming, Lang::En) => {
                "Idle framing ends a reply only after a silence, so it cannot time round trips — use line, delim, fixed or len framing".to_owned()
            }
            (FdLimit { wanted, limit }, lang) => fd_limit(*wanted, *limit, lang),
        }
    }
}

/// Says the limit and how to raise it on this system.
fn fd_limit(wanted: usize, limit: u64, lang: Lang) -> String {
    let room = limit.saturating_sub(RESERVED_FILES);
    let needed = wanted as u64 + RESERVED_FILES;
    let how_zh = if cfg!(target_os = "macos") {
        format!(
            "在启动 netdbg 的终端里运行 ulimit -n {needed}（上限由 launchctl limit maxfiles 决定）"
        )
    } else {
        format!(
            "在启动 netdbg 的终端里运行 ulimit -n {needed}（需要 root 或先提高硬上限），长期生效请在 /etc/security/limits.conf 里加 “* hard nofile {needed}”，再重新登录"
        )
    };
    let how_en = if cfg!(target_os = "macos") {
        format!(
            "run ulimit -n {needed} in the terminal that starts netdbg (launchctl limit maxfiles sets the ceiling)"
        )
    } else {
        format!(
            "run ulimit -n {needed} in the shell that starts netdbg (as root, or after raising the hard limit); to keep it, add \"* hard nofile {needed}\" to /etc/security/limits.conf and log in again"
        )
    };
    match lang {
        Lang::Zh => format!(
            "{wanted} 个连接超过了本进程能打开的文件数上限 {limit}（每个连接占一个，另留 {RESERVED_FILES} 个）— 最多约 {room} 个连接；要提高上限：{how_zh}"
        ),
        Lang::En => format!(
            "{wanted} connections is over this process's open-files limit of {limit} (one per connection, {RESERVED_FILES} kept for the rest) — about {room} fit; to raise it, {how_en}"
        ),
    }
}

impl Describe for StartError {
    fn describe(&self, lang: Lang) -> String {
        match self {
            StartError::Input(error) => error.describe(lang),
            StartError::Engine(error) => error.describe(lang),
        }
    }
}
