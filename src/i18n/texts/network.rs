//! Words for the Network tab and `netdbg reach`: port ranges, TCP probes, ping.

use std::net::SocketAddr;

use crate::i18n::Lang;

use super::Texts;

impl Texts {
    pub fn ports_os_range(&self, low: u16, high: u16) -> String {
        match self.lang {
            Lang::Zh => format!("本机实际从 {low}–{high} 中为客户端挑端口"),
            Lang::En => format!("This machine actually picks client ports from {low}–{high}"),
        }
    }

    pub fn tcp_reachable(&self, peer: SocketAddr) -> String {
        match self.lang {
            Lang::Zh => format!("TCP {peer}：可以连接 — 主机在线，这个端口上有程序在监听"),
            Lang::En => {
                format!("TCP {peer}: reachable — the host is up and something listens on that port")
            }
        }
    }

    pub fn tcp_refused(&self, peer: SocketAddr) -> String {
        match self.lang {
            Lang::Zh => format!("TCP {peer}：连接被拒绝 — 主机在线，但这个端口上没有程序在监听"),
            Lang::En => {
                format!("TCP {peer}: refused — the host is up, but nothing listens on that port")
            }
        }
    }

    pub fn tcp_timed_out(&self, peer: SocketAddr, secs: u64) -> String {
        match self.lang {
            Lang::Zh => format!("TCP {peer}：{secs} 秒内无应答 — 防火墙挡住了，或主机不在线"),
            Lang::En => format!(
                "TCP {peer}: timed out after {secs} s — a firewall drops it, or the host is down"
            ),
        }
    }

    pub fn tcp_unreachable(&self, peer: SocketAddr) -> String {
        match self.lang {
            Lang::Zh => format!("TCP {peer}：不可达 — 没有通往它的路由（检查网线、IP 和网关）"),
            Lang::En => format!(
                "TCP {peer}: unreachable — no route to it (check the cable, the IP and the gateway)"
            ),
        }
    }

    pub fn unknown_host(&self, host: &str) -> String {
        match self.lang {
            Lang::Zh => format!("未知主机 {host} — 无法解析这个名字，检查拼写和 DNS"),
            Lang::En => format!(
                "Unknown host {host} — the name does not resolve; check the spelling and DNS"
            ),
        }
    }

    pub fn ping_replied(&self, millis: Option<f64>) -> String {
        // Loopback answers in microseconds: "0.0 ms" would read as no time at all.
        let round_trip = |ms: f64| {
            if ms < 1.0 {
                format!("{ms:.3}")
            } else {
                format!("{ms:.1}")
            }
        };
        match (self.lang, millis) {
            (Lang::Zh, Some(ms)) => {
                format!("ping：有回应，往返 {} ms — 主机在线", round_trip(ms))
            }
            (Lang::Zh, None) => "ping：有回应 — 主机在线".to_owned(),
            (Lang::En, Some(ms)) => {
                format!("ping: reply in {} ms — the host is up", round_trip(ms))
            }
            (Lang::En, None) => "ping: reply — the host is up".to_owned(),
        }
    }

    pub fn ping_failed(&self, message: &str) -> String {
        match self.lang {
            Lang::Zh => format!("ping 失败：{message}"),
            Lang::En => format!("ping failed: {message}"),
        }
    }
}
