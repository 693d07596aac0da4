//! Words for `netdbg echo`.

use std::net::SocketAddr;

use crate::i18n::Lang;

use super::Texts;

impl Texts {
    pub fn echo_listening(&self, local: SocketAddr) -> String {
        match self.lang {
            Lang::Zh => format!("回显服务在 {local} 等待，收到什么就原样发回"),
            Lang::En => format!("Echoing on {local}: everything received goes straight back"),
        }
    }

    pub fn echo_closed(&self, peer: SocketAddr, bytes: u64, error: Option<&str>) -> String {
        match (error, self.lang) {
            (None, Lang::Zh) => format!("{peer} 已断开（回显了 {bytes} 字节）"),
            (None, Lang::En) => format!("{peer} left ({bytes} bytes echoed)"),
            (Some(error), Lang::Zh) => format!("{peer} 已断开（回显了 {bytes} 字节）：{error}"),
            (Some(error), Lang::En) => format!("{peer} left ({bytes} bytes echoed): {error}"),
        }
    }

    /// The TCP server tab's echo switch.
    pub fn echo_reads(&self) -> &'static str {
        match self.lang {
            Lang::Zh => "回显：收到什么就原样发回",
            Lang::En => "Echo: send every read back as it came",
        }
    }

    pub fn echo_reads_tip(&self) -> &'static str {
        match self.lang {
            Lang::Zh => {
                "每次读到的数据原样发回给那个客户端（与分帧无关），同时照常自动回复。不读回显的客户端在发送队列满后会丢失回显；要无损的反射端请用 netdbg echo"
            }
            Lang::En => {
                "Each read goes straight back to its client as it came (whatever the framing), besides any reply. A client that does not read its echoes loses them once its send queue is full; netdbg echo is the lossless reflector"
            }
        }
    }

    pub fn echo_quiet(&self, secs: f64) -> String {
        match self.lang {
            Lang::Zh => format!("{secs} 秒没有数据，结束"),
            Lang::En => format!("nothing to echo for {secs} s, stopping"),
        }
    }

    pub fn echo_summary(&self, messages: u64, bytes: u64, secs: f64) -> String {
        match self.lang {
            Lang::Zh => {
                format!("共回显 {messages} 条消息（读/数据报），{bytes} 字节，用时 {secs:.1} 秒")
            }
            Lang::En => format!(
                "echoed {messages} messages (reads or datagrams), {bytes} bytes in {secs:.1} s"
            ),
        }
    }
}
