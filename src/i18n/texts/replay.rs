//! Words for replay: `netdbg replay`'s lines and the window's Replay panel.

use std::net::SocketAddr;
use std::time::Duration;

use crate::engine::replay::{ReplayEnd, ReplayResult, Side, Timing};
use crate::i18n::{Lang, format_size};

use super::Texts;

/// The panel's words that do not change with a number: one table per language.
pub struct ReplayWords {
    pub title: &'static str,
    pub tip: &'static str,
    pub choose: &'static str,
    pub no_file: &'static str,
    pub side: &'static str,
    pub side_sent: &'static str,
    pub side_received: &'static str,
    pub speed: &'static str,
    pub speed_custom: &'static str,
    pub speed_asap: &'static str,
    pub custom_speed: &'static str,
    pub custom_speed_hint: &'static str,
    pub peer: &'static str,
    pub peer_hint: &'static str,
    pub wait_reply: &'static str,
    pub wait_reply_tip: &'static str,
    pub start: &'static str,
    pub pause: &'static str,
    pub resume: &'static str,
    pub stop: &'static str,
    pub progress: &'static str,
    pub loading: &'static str,
    pub paused: &'static str,
}

const EN: ReplayWords = ReplayWords {
    title: "Replay",
    tip: "Send a recorded session again: one side's messages from a capture (netdbg's JSON lines, pcapng or pcap), with the recorded gaps. The replay opens its own connection to this tab's target; the tab's own connection is left alone.",
    choose: "Choose capture…",
    no_file: "No capture chosen",
    side: "Messages",
    side_sent: "What we sent",
    side_received: "What the peer sent",
    speed: "Speed",
    speed_custom: "Custom",
    speed_asap: "As fast as possible",
    custom_speed: "Speed factor",
    custom_speed_hint: "e.g. 4 or 0.25",
    peer: "Peer in capture",
    peer_hint: "IP:port (when it has several)",
    wait_reply: "Wait for each reply",
    wait_reply_tip: "Send the next message only after the target answered (or 5 s passed), keeping the recorded gap after the reply",
    start: "Start replay",
    pause: "Pause",
    resume: "Resume",
    stop: "Stop replay",
    progress: "Replay progress",
    loading: "Reading the capture…",
    paused: "paused",
};

const ZH: ReplayWords = ReplayWords {
    title: "回放",
    tip: "把录下的会话再发一次：从抓包（netdbg 的 JSON lines、pcapng 或 pcap）中取一方的消息，按录制时的间隔发送。回放自己打开一个连接，连到本页的目标；不动本页已有的连接。",
    choose: "选择抓包…",
    no_file: "还没有选择抓包",
    side: "消息",
    side_sent: "我方发出的",
    side_received: "对方发来的",
    speed: "速度",
    speed_custom: "自定义",
    speed_asap: "尽快发送",
    custom_speed: "速度倍数",
    custom_speed_hint: "例如 4 或 0.25",
    peer: "抓包中的对方",
    peer_hint: "IP:端口（有多个会话时）",
    wait_reply: "等待每条回复",
    wait_reply_tip: "目标回复后（或等满 5 秒）才发下一条，回复之后仍保持录制时的间隔",
    start: "开始回放",
    pause: "暂停",
    resume: "继续",
    stop: "停止回放",
    progress: "回放进度",
    loading: "正在读取抓包…",
    paused: "已暂停",
};

/// A lateness in milliseconds with two decimals.
fn ms(duration: Duration) -> String {
    format!("{:.2}", duration.as_secs_f64() * 1000.0)
}

impl Texts {
    pub fn replay(&self) -> &'static ReplayWords {
        match self.lang {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }

    pub fn replay_side(&self, side: Side) -> &'static str {
        let words = self.replay();
        match side {
            Side::Sent => words.side_sent,
            Side::Received => words.side_received,
        }
    }

    /// What a capture holds for the replay: `12 messages (345 B) sent by us to 10.0.0.2:80, over 3.2 s`.
    pub fn replay_loaded(
        &self,
        messages: usize,
        bytes: u64,
        side: Side,
        peer: SocketAddr,
        span: Duration,
    ) -> String {
        let size = format_size(bytes);
        let secs = span.as_secs_f64();
        match (self.lang, side) {
            (Lang::Zh, Side::Sent) => {
                format!("{messages} 条消息（{size}），我方发给 {peer}，录制时长 {secs:.1} 秒")
            }
            (Lang::Zh, Side::Received) => {
                format!("{messages} 条消息（{size}），由 {peer} 发来，录制时长 {secs:.1} 秒")
            }
            (Lang::En, Side::Sent) => {
                format!("{messages} messages ({size}) sent to {peer}, recorded over {secs:.1} s")
            }
            (Lang::En, Side::Received) => {
                format!("{messages} messages ({size}) sent by {peer}, recorded over {secs:.1} s")
            }
        }
    }

    /// A UDP replay's socket is ready.
    pub fn replay_udp_ready(&self, local: SocketAddr, peer: SocketAddr) -> String {
        match self.lang {
            Lang::Zh => format!("从 {local} 向 {peer} 发送（UDP）"),
            Lang::En => format!("sending to {peer} from {local} (UDP)"),
        }
    }

    pub fn replay_no_reply(&self, number: usize, waited: Duration) -> String {
        let secs = waited.as_secs_f64();
        match self.lang {
            Lang::Zh => format!("第 {number} 条消息之后 {secs} 秒内没有回复"),
            Lang::En => format!("no reply within {secs} s after message {number}"),
        }
    }

    /// The timing of the sends: `timing error p50 0.05 ms, p99 0.21 ms`.
    pub fn replay_timing(&self, timing: &Timing) -> String {
        match self.lang {
            Lang::Zh => format!(
                "时间误差 p50 {} 毫秒，p99 {} 毫秒",
                ms(timing.p50),
                ms(timing.p99)
            ),
            Lang::En => format!(
                "timing error p50 {} ms, p99 {} ms",
                ms(timing.p50),
                ms(timing.p99)
            ),
        }
    }

    /// The result line: what was sent, what came back, how close to the schedule.
    pub fn replay_summary(&self, result: &ReplayResult) -> String {
        let (sent, total, replies) = (result.sent, result.total, result.replies);
        let size = format_size(result.bytes);
        let secs = result.elapsed.as_secs_f64();
        let mut line = match self.lang {
            Lang::Zh => {
                format!(
                    "已发送 {sent}/{total} 条（{size}），用时 {secs:.1} 秒；收到 {replies} 个回复"
                )
            }
            Lang::En => format!(
                "sent {sent} of {total} messages ({size}) in {secs:.1} s; {replies} replies"
            ),
        };
        if result.missed_replies > 0 {
            let missed = result.missed_replies;
            line += &match self.lang {
                Lang::Zh => format!("，{missed} 条没等到回复"),
                Lang::En => format!(", {missed} missed"),
            };
        }
        if let Some(timing) = &result.timing {
            let sep = if self.lang == Lang::Zh { "；" } else { "; " };
            line += sep;
            line += &self.replay_timing(timing);
        }
        match (result.end, self.lang) {
            (ReplayEnd::Stopped, Lang::Zh) => line += "（已停止）",
            (ReplayEnd::Stopped, Lang::En) => line += " (stopped)",
            (ReplayEnd::PeerClosed, Lang::Zh) => line += "（对方关闭了连接）",
            (ReplayEnd::PeerClosed, Lang::En) => line += " (the peer closed the connection)",
            (ReplayEnd::NoReply, Lang::Zh) => line += "（没等到回复，已停止）",
            (ReplayEnd::NoReply, Lang::En) => line += " (stopped: a reply did not come)",
            (ReplayEnd::Finished, _) => {}
        }
        line
    }

    /// The peer hung up before every message was sent.
    pub fn replay_cut_short(&self, sent: u64, total: u64) -> String {
        match self.lang {
            Lang::Zh => format!("对方在第 {sent}/{total} 条消息之后关闭了连接"),
            Lang::En => format!("The peer closed the connection after {sent} of {total} messages"),
        }
    }

    pub fn replay_stopped_by(&self, signal: &str) -> String {
        match self.lang {
            Lang::Zh => format!("回放被 {signal} 停止"),
            Lang::En => format!("replay stopped by {signal}"),
        }
    }

    pub fn replay_bad_speed(&self, text: &str) -> String {
        match self.lang {
            Lang::Zh => {
                format!("速度“{text}”无效 — 填一个大于 0 的倍数（最大 1000），例如 0.5 或 2")
            }
            Lang::En => format!(
                "Speed \"{text}\" is not valid — give a factor above 0 (at most 1000), e.g. 0.5 or 2"
            ),
        }
    }

    pub fn replay_bad_peer(&self, text: &str) -> String {
        match self.lang {
            Lang::Zh => format!("对方地址“{text}”无效 — 写成 IP:端口，例如 192.168.1.10:5000"),
            Lang::En => {
                format!("Peer \"{text}\" is not valid — write IP:PORT, e.g. 192.168.1.10:5000")
            }
        }
    }

    /// The seconds to wait for each reply must be more than 0.
    pub fn replay_bad_reply_timeout(&self, secs: f64) -> String {
        match self.lang {
            Lang::Zh => format!("回复等待时间 {secs} 无效 — 填大于 0 的秒数"),
            Lang::En => format!("Reply timeout {secs} is not valid — give seconds above 0"),
        }
    }

    /// The panel's progress: `3 / 12`.
    pub fn replay_progress(&self, done: u64, total: u64) -> String {
        format!("{done} / {total}")
    }

    /// The chosen capture in the panel: its name and what it holds.
    pub fn replay_file(&self, name: &str, messages: usize, conversations: usize) -> String {
        match self.lang {
            Lang::Zh => format!("{name}：{messages} 条消息，{conversations} 个会话"),
            Lang::En => {
                let plural = |count: usize, one: &str, many: &str| {
                    format!("{count} {}", if count == 1 { one } else { many })
                };
                format!(
                    "{name}: {}, {}",
                    plural(messages, "message", "messages"),
                    plural(conversations, "conversation", "conversations")
                )
            }
        }
    }

    /// Where the panel sends, for the line beside its buttons.
    pub fn replay_target(&self, target: &str, udp: bool) -> String {
        let proto = if udp { "UDP" } else { "TCP" };
        match self.lang {
            Lang::Zh => format!("目标 {target}（{proto}，独立连接）"),
            Lang::En => format!("to {target} ({proto}, its own connection)"),
        }
    }
}
