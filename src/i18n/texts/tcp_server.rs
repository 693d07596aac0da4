//! Words for the TCP server: listening, clients coming and going, sending to them,
//! and its CLI options.

use std::net::SocketAddr;

use crate::i18n::Lang;

use super::Texts;

impl Texts {
    pub fn server_listening(&self, local: SocketAddr) -> String {
        match self.lang {
            Lang::Zh => format!("TCP 服务器正在 {local} 监听"),
            Lang::En => format!("TCP server listening on {local}"),
        }
    }

    pub fn server_stopped_listening(&self) -> String {
        match self.lang {
            Lang::Zh => "已停止监听：不再接受新连接，已连接的客户端继续通信".to_owned(),
            Lang::En => {
                "Stopped listening: no new connections; connected clients keep talking".to_owned()
            }
        }
    }

    /// The tutorial's picture: accept() hands each client its own service socket.
    pub fn client_connected(&self, peer: SocketAddr) -> String {
        match self.lang {
            Lang::Zh => format!("{peer} 已连接（accept 返回了专门为它服务的新套接字）"),
            Lang::En => format!("{peer} connected (accept returned a new socket serving it)"),
        }
    }

    pub fn client_reset(&self, peer: SocketAddr, reason: &str) -> String {
        match self.lang {
            Lang::Zh => format!("{peer} 的连接异常断开：{reason}"),
            Lang::En => format!("{peer}: the connection broke: {reason}"),
        }
    }

    pub fn client_refused(&self, peer: SocketAddr, reason: &str) -> String {
        match self.lang {
            Lang::Zh => format!("拒绝了 {peer}：{reason}"),
            Lang::En => format!("refused {peer}: {reason}"),
        }
    }

    pub fn server_status(&self, listening: Option<SocketAddr>, clients: usize) -> String {
        match (listening, self.lang) {
            (Some(local), Lang::Zh) => format!("正在 {local} 监听 — {clients} 个客户端在线"),
            (Some(local), Lang::En) => {
                format!("listening on {local} — {clients} clients connected")
            }
            (None, Lang::Zh) => format!("未监听 — {clients} 个客户端仍在线"),
            (None, Lang::En) => format!("not listening — {clients} clients still connected"),
        }
    }

    pub fn clients_summary(&self, shown: usize, selected: usize, total: usize) -> String {
        match self.lang {
            Lang::Zh => format!("显示 {shown} / {total} 个，已选 {selected} 个"),
            Lang::En => format!("{shown} of {total} shown, {selected} selected"),
        }
    }

    pub fn send_to_selected_count(&self, selected: usize) -> String {
        format!("{} ({selected})", self.send_to_selected)
    }

    pub fn plot_selected_count(&self, selected: usize) -> String {
        format!("{} ({selected})", self.plot_selected_clients)
    }

    pub fn send_to_all_count(&self, connected: usize) -> String {
        format!("{} ({connected})", self.send_to_all)
    }

    pub fn sent_to_some(&self, queued: usize, wanted: usize) -> String {
        match self.lang {
            Lang::Zh => {
                format!("只发给了 {queued} / {wanted} 个客户端 — 其余的已断开或发送队列已满")
            }
            Lang::En => format!(
                "Sent to {queued} of {wanted} clients — the others are gone or their send queue is full"
            ),
        }
    }

    /// `netdbg tcp serve --rule` that is not KIND:PATTERN=>REPLY.
    pub fn bad_rule(&self, spec: &str) -> String {
        match self.lang {
            Lang::Zh => format!(
                "规则“{spec}”格式不对 — 请写成 类型:匹配内容=>回复，类型为 contains、starts、equals、regex 之一，例如 contains:ping=>pong"
            ),
            Lang::En => format!(
                "Bad rule \"{spec}\" — write KIND:PATTERN=>REPLY with KIND one of contains, starts, equals, regex, e.g. contains:ping=>pong"
            ),
        }
    }

    /// `netdbg tcp serve --max-clients` that is not a whole number of 1 or more.
    pub fn bad_max_clients(&self, text: &str) -> String {
        match self.lang {
            Lang::Zh => format!("客户端上限“{text}”无效 — 请填不小于 1 的整数，例如 10000"),
            Lang::En => format!(
                "Client limit \"{text}\" is invalid — give a whole number of 1 or more, e.g. 10000"
            ),
        }
    }
}
