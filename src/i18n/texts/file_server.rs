//! Words for sharing a folder, in the window and in `netdbg file serve`.

use std::net::SocketAddr;

use crate::i18n::Lang;

use super::Texts;

impl Texts {
    pub fn file_serving(&self, local: SocketAddr, root: &str) -> String {
        match self.lang {
            Lang::Zh => format!("正在 {local} 共享 {root}"),
            Lang::En => format!("serving {root} on {local}"),
        }
    }

    pub fn file_server_stopped(&self, active: usize) -> String {
        match self.lang {
            Lang::Zh => format!("已停止共享（还有 {active} 个传输在进行）"),
            Lang::En => format!("not serving ({active} transfers still running)"),
        }
    }

    /// `netdbg file serve`: the first line, with the folder as resolved.
    pub fn cli_file_listening(&self, local: SocketAddr, root: &str) -> String {
        match self.lang {
            Lang::Zh => format!("文件服务器正在 {local} 监听，共享文件夹 {root}"),
            Lang::En => format!("file server listening on {local}, sharing {root}"),
        }
    }

    pub fn cli_file_started(&self, peer: SocketAddr, name: &str, size: u64) -> String {
        match self.lang {
            Lang::Zh => format!("{peer} 请求“{name}”：开始发送 {size} 字节"),
            Lang::En => format!("{peer} asked for \"{name}\": sending {size} bytes"),
        }
    }

    pub fn cli_file_progress(&self, peer: SocketAddr, name: &str, sent: u64, size: u64) -> String {
        let percent = sent.saturating_mul(100).checked_div(size).unwrap_or(100);
        match self.lang {
            Lang::Zh => format!("“{name}” → {peer}：已发送 {sent} / {size} 字节（{percent}%）"),
            Lang::En => format!("\"{name}\" → {peer}: {sent} of {size} bytes sent ({percent}%)"),
        }
    }

    pub fn cli_file_done(
        &self,
        peer: SocketAddr,
        name: &str,
        bytes: u64,
        secs: f64,
        mb_per_s: f64,
    ) -> String {
        match self.lang {
            Lang::Zh => format!(
                "已把“{name}”发给 {peer}：{bytes} 字节，用时 {secs:.2} 秒（{mb_per_s:.1} MB/秒）"
            ),
            Lang::En => format!(
                "sent \"{name}\" to {peer}: {bytes} bytes in {secs:.2} s ({mb_per_s:.1} MB/s)"
            ),
        }
    }

    pub fn cli_file_failed(&self, peer: SocketAddr, name: &str, sent: u64, reason: &str) -> String {
        match self.lang {
            Lang::Zh => format!("向 {peer} 发送“{name}”失败（已发 {sent} 字节）：{reason}"),
            Lang::En => format!("sending \"{name}\" to {peer} failed after {sent} bytes: {reason}"),
        }
    }

    /// A request answered with nothing; `name` is empty when none arrived.
    pub fn cli_file_refused(&self, peer: SocketAddr, name: &str, reason: &str) -> String {
        match (name.is_empty(), self.lang) {
            (true, Lang::Zh) => format!("拒绝了 {peer}：{reason}"),
            (true, Lang::En) => format!("refused {peer}: {reason}"),
            (false, Lang::Zh) => format!("拒绝了 {peer} 对“{name}”的请求：{reason}"),
            (false, Lang::En) => format!("refused {peer} asking for \"{name}\": {reason}"),
        }
    }

    pub fn cli_file_timeout(&self, secs: f64, done: u64) -> String {
        match self.lang {
            Lang::Zh => format!("{secs} 秒没有动静，结束（共发完 {done} 个文件）"),
            Lang::En => format!("nothing happened for {secs} s, stopping (files sent: {done})"),
        }
    }
}
