//! Words for the relay: listening, pairs coming and going, faults acting, and its
//! CLI options.

use std::net::SocketAddr;

use crate::engine::relay::{CloseHow, Direction, FaultAction, RelayProtocol, Side};
use crate::i18n::{Describe, Lang, direction_name};

use super::Texts;

impl Texts {
    pub fn relay_listening(
        &self,
        local: SocketAddr,
        protocol: RelayProtocol,
        target: &str,
    ) -> String {
        let protocol = match protocol {
            RelayProtocol::Tcp => "TCP",
            RelayProtocol::Udp => "UDP",
        };
        match self.lang {
            Lang::Zh => format!("中继正在 {local} 监听（{protocol}），转发到 {target}"),
            Lang::En => format!("Relay listening on {local} ({protocol}), forwarding to {target}"),
        }
    }

    pub fn relay_accepted(&self, pair: u64, client: SocketAddr) -> String {
        match self.lang {
            Lang::Zh => format!("#{pair} 客户端 {client} 已连上中继"),
            Lang::En => format!("#{pair} accepted {client}"),
        }
    }

    /// The presenter's picture: the relay connects to the server on the client's behalf.
    pub fn relay_upstream(&self, pair: u64, local: SocketAddr, peer: SocketAddr) -> String {
        match self.lang {
            Lang::Zh => format!("#{pair} 中继已代它连接服务器 {peer}（中继这边的地址 {local}）"),
            Lang::En => {
                format!("#{pair} connected to the server {peer} on its behalf, from {local}")
            }
        }
    }

    pub fn relay_upstream_failed(&self, pair: u64, reason: &str) -> String {
        match self.lang {
            Lang::Zh => format!("#{pair} 连不上服务器：{reason}（已关闭这个客户端）"),
            Lang::En => {
                format!("#{pair} could not reach the server: {reason} (the client was closed)")
            }
        }
    }

    /// `19:48:46.374 #1 client → server 4 bytes [GBK] | 你好`, without the time.
    pub fn relay_forwarded(&self, pair: u64, direction: Direction, len: usize) -> String {
        format!("#{pair} {}", self.relay_forwarded_words(direction, len))
    }

    /// `client → server 4 bytes`: the timeline's words for a forwarded write.
    pub fn relay_forwarded_words(&self, direction: Direction, len: usize) -> String {
        format!(
            "{} {len} {}",
            direction_name(direction, self.lang),
            self.bytes
        )
    }

    /// `#1 client → server 4 bytes [injected]`, without the time.
    pub fn relay_injected(&self, pair: u64, direction: Direction, len: usize) -> String {
        format!(
            "{} [{}]",
            self.relay_forwarded(pair, direction, len),
            self.relay().injected
        )
    }

    pub fn relay_inject_failed(&self, pair: u64, direction: Direction, reason: &str) -> String {
        let toward = direction_name(direction, self.lang);
        match self.lang {
            Lang::Zh => format!("#{pair} 注入失败（{toward}）：{reason}（待发的注入消息已丢弃）"),
            Lang::En => format!(
                "#{pair} could not inject ({toward}): {reason} (messages waiting to be injected were dropped)"
            ),
        }
    }

    pub fn relay_fault(&self, pair: u64, direction: Direction, action: FaultAction) -> String {
        let what = self.fault_action(action);
        match self.lang {
            Lang::Zh => format!(
                "#{pair} 故障（{}）：{what}",
                direction_name(direction, self.lang)
            ),
            Lang::En => format!(
                "#{pair} fault ({}): {what}",
                direction_name(direction, self.lang)
            ),
        }
    }

    pub fn fault_action(&self, action: FaultAction) -> String {
        use FaultAction::*;
        match (action, self.lang) {
            (Delayed { ms }, Lang::Zh) => format!("延迟了 {ms} 毫秒"),
            (Delayed { ms }, Lang::En) => format!("delayed {ms} ms"),
            (Split { pieces }, Lang::Zh) => format!("拆成 {pieces} 段写出"),
            (Split { pieces }, Lang::En) => format!("split into {pieces} writes"),
            (Merged { reads }, Lang::Zh) => format!("把 {reads} 次读到的数据合并为一次写出"),
            (Merged { reads }, Lang::En) => format!("merged {reads} reads into one write"),
            (Corrupted { offset }, Lang::Zh) => format!("翻转了第 {offset} 个字节（从 0 数）"),
            (Corrupted { offset }, Lang::En) => format!("flipped byte {offset} (counting from 0)"),
            (Dropped { len }, Lang::Zh) => format!("丢弃了一个 {len} 字节的数据报"),
            (Dropped { len }, Lang::En) => format!("dropped a datagram of {len} bytes"),
            (Cut { after, reset: true }, Lang::Zh) => {
                format!("{after} 字节后用复位（RST）切断连接")
            }
            (
                Cut {
                    after,
                    reset: false,
                },
                Lang::Zh,
            ) => format!("{after} 字节后用 FIN 切断连接"),
            (Cut { after, reset: true }, Lang::En) => {
                format!("cut the connection with a reset (RST) after {after} bytes")
            }
            (
                Cut {
                    after,
                    reset: false,
                },
                Lang::En,
            ) => {
                format!("cut the connection with a FIN after {after} bytes")
            }
        }
    }

    pub fn relay_closed(&self, pair: u64, by: Side, how: &CloseHow) -> String {
        let zh = self.lang == Lang::Zh;
        let what = match (by, how) {
            (Side::Client, CloseHow::Fin) if zh => "客户端关闭了发送方向（FIN）— 已转告服务器，服务器仍可回话".to_owned(),
            (Side::Client, CloseHow::Fin) => "the client closed its side (FIN) — passed on to the server, which may still answer".to_owned(),
            (Side::Server, CloseHow::Fin) if zh => "服务器关闭了发送方向（FIN）— 已转告客户端".to_owned(),
            (Side::Server, CloseHow::Fin) => "the server closed its side (FIN) — passed on to the client".to_owned(),
            (Side::Client, CloseHow::Reset) if zh => "客户端复位了连接（RST）— 中继也复位了到服务器的连接".to_owned(),
            (Side::Client, CloseHow::Reset) => "the client reset the connection (RST) — the relay reset the server's connection too".to_owned(),
            (Side::Server, CloseHow::Reset) if zh => "服务器复位了连接（RST）— 中继也复位了到客户端的连接".to_owned(),
            (Side::Server, CloseHow::Reset) => "the server reset the connection (RST) — the relay reset the client's connection too".to_owned(),
            (Side::Relay, CloseHow::Reset) if zh => "中继复位了两边的连接（RST）".to_owned(),
            (Side::Relay, CloseHow::Reset) => "the relay reset both connections (RST)".to_owned(),
            (Side::Relay, CloseHow::Fin) if zh => "中继关闭了两边的连接（FIN）".to_owned(),
            (Side::Relay, CloseHow::Fin) => "the relay closed both connections (FIN)".to_owned(),
            (_, CloseHow::Idle) if zh => "会话空闲超时，已结束".to_owned(),
            (_, CloseHow::Idle) => "the session was idle and ended".to_owned(),
            (side, CloseHow::Error(error)) => {
                let message = error.describe(self.lang);
                match (side, zh) {
                    (Side::Client, true) => format!("客户端的连接出错：{message} — 两边都已关闭"),
                    (Side::Server, true) => format!("服务器的连接出错：{message} — 两边都已关闭"),
                    (Side::Relay, true) => format!("中继出错：{message} — 两边都已关闭"),
                    (Side::Client, false) => format!("the client's connection failed: {message} — both are closed"),
                    (Side::Server, false) => format!("the server's connection failed: {message} — both are closed"),
                    (Side::Relay, false) => format!("the relay failed: {message} — both are closed"),
                }
            }
        };
        format!("#{pair} {what}")
    }

    pub fn relay_ended(&self, pair: u64, c2s: u64, s2c: u64) -> String {
        let (up, down) = (
            direction_name(Direction::C2s, self.lang),
            direction_name(Direction::S2c, self.lang),
        );
        match self.lang {
            Lang::Zh => format!("#{pair} 结束：{up} {c2s} 字节，{down} {s2c} 字节"),
            Lang::En => format!("#{pair} ended: {up} {c2s} bytes, {down} {s2c} bytes"),
        }
    }

    pub fn relay_timeout(&self, secs: f64, pairs: u64) -> String {
        match self.lang {
            Lang::Zh => format!("{secs} 秒没有事件，结束（共中继了 {pairs} 个客户端）"),
            Lang::En => format!("no event for {secs} s, stopping (clients relayed: {pairs})"),
        }
    }

    /// `relay --stdin`: a typed line that is not `[#N] server|client MESSAGE`.
    pub fn relay_stdin_syntax(&self) -> String {
        match self.lang {
            Lang::Zh => "注入请输入：server 消息（发给服务器）或 client 消息（发给客户端），可在前面加 #N 指定连接对（默认最新的一对）".to_owned(),
            Lang::En => "To inject, type: server MESSAGE (to the server) or client MESSAGE (to the client), optionally after #N for pair N (default: the newest pair)".to_owned(),
        }
    }

    /// `relay --max-pairs` that is not 1 to `most`.
    pub fn relay_bad_max_pairs(&self, text: &str, most: usize) -> String {
        match self.lang {
            Lang::Zh => {
                format!("连接对上限“{text}”无效 — 请填 1 到 {most} 的整数（每对连接用两个线程）")
            }
            Lang::En => format!(
                "Pair limit \"{text}\" is invalid — give a whole number from 1 to {most} (each pair takes two threads)"
            ),
        }
    }

    /// `relay --frame` with `--udp` (a datagram is a message already).
    pub fn relay_frame_needs_tcp(&self) -> String {
        match self.lang {
            Lang::Zh => "--frame 只用于 TCP — UDP 的每个数据报本来就是一条消息".to_owned(),
            Lang::En => "--frame is for TCP — each UDP datagram is a message already".to_owned(),
        }
    }

    /// `relay --drop` without `--udp`.
    pub fn relay_drop_needs_udp(&self) -> String {
        match self.lang {
            Lang::Zh => "--drop 只用于 UDP（按概率丢数据报）— TCP 请用 --cut-after 字节数 切断连接".to_owned(),
            Lang::En => "--drop is for UDP (datagrams lost at random) — for TCP use --cut-after BYTES to cut the connection".to_owned(),
        }
    }

    /// `relay --udp --cut-after`.
    pub fn relay_cut_needs_tcp(&self) -> String {
        match self.lang {
            Lang::Zh => {
                "--cut-after 只用于 TCP（UDP 没有连接可切断）— UDP 请用 --drop 百分比".to_owned()
            }
            Lang::En => {
                "--cut-after is for TCP (UDP has no connection to cut) — for UDP use --drop PERCENT"
                    .to_owned()
            }
        }
    }
}
