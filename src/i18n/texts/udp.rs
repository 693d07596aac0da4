//! Words for UDP sockets, in the window and the CLI.

use std::net::SocketAddr;

use crate::i18n::Lang;

use super::Texts;

impl Texts {
    pub fn opened_on(&self, local: SocketAddr) -> String {
        match self.lang {
            Lang::Zh => format!("UDP 已打开：{local}"),
            Lang::En => format!("UDP open on {local}"),
        }
    }

    pub fn idle_timeout(&self, secs: f64, received: u64) -> String {
        match self.lang {
            Lang::Zh => format!("{secs} 秒没有数据，结束（共收到 {received} 个）"),
            Lang::En => format!("no data for {secs} s, stopping ({received} received)"),
        }
    }
}
