//! A capture that cannot be replayed: what is wrong, where in the file, and what to do.

use super::Describe;
use crate::engine::replay::{CaptureError, Conversation, Place, Side, TooMuch};
use crate::i18n::{Lang, format_size};

impl Describe for Place {
    fn describe(&self, lang: Lang) -> String {
        match (*self, lang) {
            (Place::Line(line), Lang::Zh) => format!("第 {line} 行"),
            (Place::Line(line), Lang::En) => format!("line {line}"),
            (Place::Block { number, offset }, Lang::Zh) => {
                format!("第 {number} 个块（字节偏移 {offset}）")
            }
            (Place::Block { number, offset }, Lang::En) => {
                format!("block {number} (byte offset {offset})")
            }
            (Place::Packet { number: 0, .. }, Lang::Zh) => "文件头".to_owned(),
            (Place::Packet { number: 0, .. }, Lang::En) => "the file header".to_owned(),
            (Place::Packet { number, offset }, Lang::Zh) => {
                format!("第 {number} 个包（字节偏移 {offset}）")
            }
            (Place::Packet { number, offset }, Lang::En) => {
                format!("packet {number} (byte offset {offset})")
            }
        }
    }
}

fn side_words(side: Side, lang: Lang) -> &'static str {
    match (side, lang) {
        (Side::Sent, Lang::Zh) => "我方发出的",
        (Side::Sent, Lang::En) => "sent by us",
        (Side::Received, Lang::Zh) => "对方发来的",
        (Side::Received, Lang::En) => "sent by the peer",
    }
}

/// The conversations to choose from: `tcp 10.0.0.1:5000 → 10.0.0.2:80 (12 messages); …`.
fn list(conversations: &[Conversation], lang: Lang) -> String {
    let named: Vec<String> = conversations
        .iter()
        .map(|conversation| {
            let (ends, count) = (conversation.ends(), conversation.messages);
            match lang {
                Lang::Zh => format!("{ends}（{count} 条消息）"),
                Lang::En => format!("{ends} ({count} messages)"),
            }
        })
        .collect();
    named.join(if lang == Lang::Zh { "；" } else { "; " })
}

impl Describe for CaptureError {
    fn describe(&self, lang: Lang) -> String {
        use CaptureError::*;
        match (self, lang) {
            (Unreadable { path, message }, Lang::Zh) => format!("读不了“{path}”：{message}"),
            (Unreadable { path, message }, Lang::En) => {
                format!("Cannot read \"{path}\": {message}")
            }
            (NotAFile { path }, Lang::Zh) => format!("“{path}”不是普通文件 — 选一个抓包文件"),
            (NotAFile { path }, Lang::En) => {
                format!("\"{path}\" is not a regular file — choose a capture file")
            }
            (NotACapture, Lang::Zh) => {
                "不是抓包文件 — 能回放的是 netdbg 的 JSON lines 抓包、pcapng 和 pcap".to_owned()
            }
            (NotACapture, Lang::En) => {
                "Not a capture — replay reads netdbg's JSON lines captures, pcapng and pcap"
                    .to_owned()
            }
            (Line { line, problem }, Lang::Zh) => {
                format!("第 {line} 行：{}", problem.describe(lang))
            }
            (Line { line, problem }, Lang::En) => {
                format!("line {line}: {}", problem.describe(lang))
            }
            (
                Packet {
                    place,
                    cut_short: true,
                    message,
                },
                Lang::Zh,
            ) => format!(
                "{}：文件在这里结束（{message}）— 抓包被截断了",
                place.describe(lang)
            ),
            (
                Packet {
                    place,
                    cut_short: true,
                    message,
                },
                Lang::En,
            ) => format!(
                "{}: the file ends inside it ({message}) — the capture is truncated",
                place.describe(lang)
            ),
            (
                Packet {
                    place,
                    cut_short: false,
                    message,
                },
                Lang::Zh,
            ) => {
                format!("{}：无法解析（{message}）", place.describe(lang))
            }
            (
                Packet {
                    place,
                    cut_short: false,
                    message,
                },
                Lang::En,
            ) => {
                format!("{}: does not parse ({message})", place.describe(lang))
            }
            (TooLarge { limit, place }, _) => {
                let at = place.describe(lang);
                match (limit, lang) {
                    (TooMuch::Bytes(max), Lang::Zh) => format!(
                        "抓包的数据超过 {}（到{at}为止）— 先把它截短",
                        format_size(*max)
                    ),
                    (TooMuch::Bytes(max), Lang::En) => format!(
                        "The capture holds more than {} of data (reached at {at}) — cut it shorter first",
                        format_size(*max)
                    ),
                    (TooMuch::Messages(max), Lang::Zh) => {
                        format!("抓包的消息超过 {max} 条（到{at}为止）— 先把它截短")
                    }
                    (TooMuch::Messages(max), Lang::En) => format!(
                        "The capture holds more than {max} messages (reached at {at}) — cut it shorter first"
                    ),
                }
            }
            (
                NothingToSend {
                    side,
                    peer,
                    other_side,
                },
                _,
            ) => {
                let side_text = side_words(*side, lang);
                let with = match (peer, lang) {
                    (Some(peer), Lang::Zh) => format!("（对方 {peer}）"),
                    (Some(peer), Lang::En) => format!(" (peer {peer})"),
                    (None, _) => String::new(),
                };
                match (lang, *other_side) {
                    (Lang::Zh, 0) => format!("抓包里没有{side_text}数据{with}"),
                    (Lang::En, 0) => format!("The capture has no data {side_text}{with}"),
                    (Lang::Zh, other) => format!(
                        "抓包里没有{side_text}数据{with}，另一方向有 {other} 条 — 换一个方向（--side）"
                    ),
                    (Lang::En, other) => format!(
                        "The capture has no data {side_text}{with}; the other side has {other} messages — choose the other side (--side)"
                    ),
                }
            }
            (
                PeerNotFound {
                    peer,
                    conversations,
                },
                Lang::Zh,
            ) => format!(
                "抓包里没有和 {peer} 的会话；有：{}",
                list(conversations, lang)
            ),
            (
                PeerNotFound {
                    peer,
                    conversations,
                },
                Lang::En,
            ) => format!(
                "The capture has no conversation with {peer}; it has: {}",
                list(conversations, lang)
            ),
            (
                SeveralConversations {
                    conversations,
                    total,
                },
                Lang::Zh,
            ) => format!(
                "抓包里有 {total} 个会话 — 用 --peer IP:端口 指定对方，例如：{}",
                list(conversations, lang)
            ),
            (
                SeveralConversations {
                    conversations,
                    total,
                },
                Lang::En,
            ) => format!(
                "The capture has {total} conversations — name the peer with --peer IP:PORT, e.g.: {}",
                list(conversations, lang)
            ),
        }
    }
}
