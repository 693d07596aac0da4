//! Fixed UI words. A struct rather than a key lookup, so a missing translation
//! is a compile error, not a blank button.

use std::net::SocketAddr;

use crate::engine::CounterSnapshot;

use super::Lang;

pub struct Texts {
    pub lang: Lang,
    pub app_title: &'static str,
    pub language: &'static str,
    pub tab_udp: &'static str,
    pub tab_tcp_client: &'static str,
    pub server: &'static str,
    pub local_port_optional: &'static str,
    pub auto: &'static str,
    pub connect: &'static str,
    pub disconnect: &'static str,
    pub local_address: &'static str,
    pub local_port: &'static str,
    pub open: &'static str,
    pub close: &'static str,
    pub target: &'static str,
    pub target_hint: &'static str,
    pub send: &'static str,
    pub send_box: &'static str,
    pub send_hint: &'static str,
    pub mode_text: &'static str,
    pub mode_hex: &'static str,
    pub escapes: &'static str,
    pub escapes_tip: &'static str,
    pub encoding: &'static str,
    pub show: &'static str,
    pub show_text: &'static str,
    pub show_hex: &'static str,
    pub show_both: &'static str,
    pub pause_display: &'static str,
    pub clear: &'static str,
    pub auto_scroll: &'static str,
    pub log_limit: &'static str,
    pub reset_counters: &'static str,
    pub rx: &'static str,
    pub tx: &'static str,
    pub packets: &'static str,
    pub bytes: &'static str,
    pub status_closed: &'static str,
    pub scope_any: &'static str,
    pub scope_loopback: &'static str,
    pub scope_private: &'static str,
    pub scope_link_local: &'static str,
    pub scope_public: &'static str,
    pub not_open: &'static str,
    pub privileged_port_hint: &'static str,
    pub port_zero_hint: &'static str,
    pub paused: &'static str,
    pub log_empty: &'static str,
}

pub const ZH: Texts = Texts {
    lang: Lang::Zh,
    app_title: "netdbg — 网络调试助手",
    language: "语言",
    tab_udp: "UDP",
    tab_tcp_client: "TCP 客户端",
    server: "服务器",
    local_port_optional: "本地端口（可选）",
    auto: "自动",
    connect: "连接",
    disconnect: "断开",
    local_address: "本地地址",
    local_port: "本地端口",
    open: "打开",
    close: "关闭",
    target: "目标",
    target_hint: "主机:端口，例如 127.0.0.1:8080",
    send: "发送",
    send_box: "发送内容",
    send_hint: "要发送的内容（Ctrl+Enter 发送）",
    mode_text: "文本",
    mode_hex: "HEX",
    escapes: "转义",
    escapes_tip: "识别 \\r \\n \\t \\\\ \\xNN",
    encoding: "编码",
    show: "显示",
    show_text: "文本",
    show_hex: "HEX",
    show_both: "文本+HEX",
    pause_display: "暂停显示",
    clear: "清空",
    auto_scroll: "自动滚动",
    log_limit: "日志上限（行）",
    reset_counters: "计数清零",
    rx: "收",
    tx: "发",
    packets: "包",
    bytes: "字节",
    status_closed: "未打开",
    scope_any: "所有接口",
    scope_loopback: "本机回环",
    scope_private: "局域网（私有）",
    scope_link_local: "链路本地",
    scope_public: "公网",
    not_open: "请先打开 UDP 端口再发送",
    privileged_port_hint: "提示：1024 以下的端口可能需要管理员权限",
    port_zero_hint: "端口 0：由系统分配一个空闲端口",
    paused: "显示已暂停，数据仍在接收和计数",
    log_empty: "还没有数据。打开端口后，收到和发出的数据会显示在这里。",
};

pub const EN: Texts = Texts {
    lang: Lang::En,
    app_title: "netdbg — 网络调试助手",
    language: "Language",
    tab_udp: "UDP",
    tab_tcp_client: "TCP client",
    server: "Server",
    local_port_optional: "Local port (optional)",
    auto: "auto",
    connect: "Connect",
    disconnect: "Disconnect",
    local_address: "Local address",
    local_port: "Local port",
    open: "Open",
    close: "Close",
    target: "Target",
    target_hint: "host:port, e.g. 127.0.0.1:8080",
    send: "Send",
    send_box: "Message",
    send_hint: "Message to send (Ctrl+Enter sends)",
    mode_text: "Text",
    mode_hex: "HEX",
    escapes: "Escapes",
    escapes_tip: "Understands \\r \\n \\t \\\\ \\xNN",
    encoding: "Encoding",
    show: "Show",
    show_text: "Text",
    show_hex: "HEX",
    show_both: "Text+HEX",
    pause_display: "Pause display",
    clear: "Clear",
    auto_scroll: "Auto-scroll",
    log_limit: "Log limit (lines)",
    reset_counters: "Reset counters",
    rx: "RX",
    tx: "TX",
    packets: "pkts",
    bytes: "bytes",
    status_closed: "Not open",
    scope_any: "all interfaces",
    scope_loopback: "loopback",
    scope_private: "private LAN",
    scope_link_local: "link-local",
    scope_public: "public",
    not_open: "Open the UDP socket before sending",
    privileged_port_hint: "Note: ports below 1024 may need administrator rights",
    port_zero_hint: "Port 0: the OS picks a free port",
    paused: "Display paused; data is still received and counted",
    log_empty: "Nothing yet. Open the socket; data received and sent shows up here.",
};

impl Texts {
    pub fn showing(&self, shown: usize, offered: u64) -> String {
        match self.lang {
            Lang::Zh => format!("显示 {shown} / {offered} 行"),
            Lang::En => format!("showing {shown} of {offered} lines"),
        }
    }

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

    /// "RX 3 pkts / 11 bytes   TX 1 pkts / 5 bytes"
    pub fn counters(&self, c: &CounterSnapshot) -> String {
        format!(
            "{} {} {} / {} {}   {} {} {} / {} {}",
            self.rx,
            c.rx_packets,
            self.packets,
            c.rx_bytes,
            self.bytes,
            self.tx,
            c.tx_packets,
            self.packets,
            c.tx_bytes,
            self.bytes
        )
    }

    pub fn tcp_connecting(&self, target: &str) -> String {
        match self.lang {
            Lang::Zh => format!("正在连接 {target} …"),
            Lang::En => format!("connecting to {target} …"),
        }
    }

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
}
