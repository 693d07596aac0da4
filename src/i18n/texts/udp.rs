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

    /// `udp listen --join`: a group joined (on an interface, or the system's choice).
    pub fn joined_group(&self, group: std::net::IpAddr, iface: &str) -> String {
        match (iface.is_empty(), self.lang) {
            (true, Lang::Zh) => format!("已加入组播组 {group}"),
            (true, Lang::En) => format!("joined the multicast group {group}"),
            (false, Lang::Zh) => format!("已在网卡 {iface} 上加入组播组 {group}"),
            (false, Lang::En) => format!("joined the multicast group {group} on {iface}"),
        }
    }

    /// `--join` with something that is not an IP address.
    pub fn cli_bad_group(&self, text: &str) -> String {
        match self.lang {
            Lang::Zh => format!("组播组“{text}”不是 IP 地址 — 例如 239.1.2.3 或 ff15::1"),
            Lang::En => {
                format!("Group \"{text}\" is not an IP address — e.g. 239.1.2.3 or ff15::1")
            }
        }
    }

    pub fn idle_timeout(&self, secs: f64, received: u64) -> String {
        match self.lang {
            Lang::Zh => format!("{secs} 秒没有数据，结束（共收到 {received} 个）"),
            Lang::En => format!("no data for {secs} s, stopping ({received} received)"),
        }
    }
}
