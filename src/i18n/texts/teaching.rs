//! Words for the teaching views: the timeline, the connection map and captions.

use std::net::SocketAddr;

use crate::i18n::Lang;

use super::Texts;

impl Texts {
    pub fn timeline_connect(&self, peer: SocketAddr) -> String {
        match self.lang {
            Lang::Zh => format!("connect()：已连上 {peer}"),
            Lang::En => format!("connect(): connected to {peer}"),
        }
    }

    pub fn timeline_accept(&self, peer: SocketAddr) -> String {
        match self.lang {
            Lang::Zh => format!("accept()：{peer} 已连接"),
            Lang::En => format!("accept(): {peer} connected"),
        }
    }

    pub fn timeline_sent(&self, len: usize) -> String {
        match self.lang {
            Lang::Zh => format!("发出 {len} 字节"),
            Lang::En => format!("sent {len} bytes"),
        }
    }

    pub fn timeline_received(&self, len: usize) -> String {
        match self.lang {
            Lang::Zh => format!("收到 {len} 字节"),
            Lang::En => format!("received {len} bytes"),
        }
    }

    pub fn timeline_position(&self, at: usize, total: usize) -> String {
        match self.lang {
            Lang::Zh => format!("第 {at} / {total} 个事件"),
            Lang::En => format!("event {at} of {total}"),
        }
    }

    pub fn map_summary(&self, connected: usize, closing: usize, closed_recently: usize) -> String {
        match self.lang {
            Lang::Zh => format!(
                "已连接 {connected} · 正在关闭 {closing} · 最近一分钟关闭 {closed_recently}"
            ),
            Lang::En => format!(
                "connected {connected} · closing {closing} · closed in the last minute {closed_recently}"
            ),
        }
    }

    pub fn caption_accepted(&self, peer: SocketAddr) -> String {
        match self.lang {
            Lang::Zh => format!("服务器 accept() 返回了一个新的套接字，专门为 {peer} 服务"),
            Lang::En => format!("accept() returned a new socket that serves {peer} only"),
        }
    }

    pub fn caption_peer_closed(&self, peer: SocketAddr) -> String {
        match self.lang {
            Lang::Zh => format!("对方关闭了连接：recv() 返回 0（{peer}）"),
            Lang::En => format!("The peer closed: recv() returned 0 ({peer})"),
        }
    }

    pub fn caption_datagram(&self, peer: SocketAddr, len: usize) -> String {
        match self.lang {
            Lang::Zh => format!("收到一封信（UDP 数据报）来自 {peer}，{len} 字节"),
            Lang::En => format!("A letter (UDP datagram) arrived from {peer}, {len} bytes"),
        }
    }

    pub fn caption_connected(&self, peer: SocketAddr) -> String {
        match self.lang {
            Lang::Zh => format!("connect() 成功：三次握手完成，已连上 {peer}"),
            Lang::En => format!("connect() succeeded: the three-way handshake is done with {peer}"),
        }
    }
}
