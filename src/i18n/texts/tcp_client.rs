//! Words for a TCP connection we open: connecting, connected, closed.

use std::net::SocketAddr;

use crate::i18n::Lang;

use super::Texts;

impl Texts {
    pub fn tcp_connected(&self, local: SocketAddr, peer: SocketAddr) -> String {
        match self.lang {
            Lang::Zh => format!("已连接 {peer}，本地地址 {local}"),
            Lang::En => format!("connected to {peer} from {local}"),
        }
    }

    pub fn tcp_closed_by_peer(&self, peer: &str) -> String {
        match self.lang {
            Lang::Zh => format!("{peer} 关闭了连接（recv 返回 0）"),
            Lang::En => format!("{peer} closed the connection (recv returned 0)"),
        }
    }

    pub fn tcp_closed_by_us(&self, peer: &str) -> String {
        match self.lang {
            Lang::Zh => format!("已断开与 {peer} 的连接"),
            Lang::En => format!("closed the connection to {peer}"),
        }
    }

    pub fn tcp_connecting(&self, target: &str) -> String {
        match self.lang {
            Lang::Zh => format!("正在连接 {target} …"),
            Lang::En => format!("connecting to {target} …"),
        }
    }
}
