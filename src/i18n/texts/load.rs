//! Words for `netdbg load` (and the figures the Load tab shares with it).

use crate::engine::load::{FaultCounts, LoadFault, LoadSnapshot};
use crate::i18n::Lang;

use super::Texts;

impl Texts {
    pub fn load_fault(&self, fault: LoadFault) -> &'static str {
        match (fault, self.lang) {
            (LoadFault::Refused, Lang::Zh) => "被拒绝",
            (LoadFault::Refused, Lang::En) => "refused",
            (LoadFault::TimedOut, Lang::Zh) => "连接超时",
            (LoadFault::TimedOut, Lang::En) => "timed out",
            (LoadFault::Reset, Lang::Zh) => "被重置",
            (LoadFault::Reset, Lang::En) => "reset",
            (LoadFault::Closed, Lang::Zh) => "对方提前关闭",
            (LoadFault::Closed, Lang::En) => "closed early",
            (LoadFault::ReplyTimeout, Lang::Zh) => "回复超时",
            (LoadFault::ReplyTimeout, Lang::En) => "no reply in time",
            (LoadFault::Other, Lang::Zh) => "其他错误",
            (LoadFault::Other, Lang::En) => "other",
        }
    }

    /// "refused 3, reset 1", or "none".
    pub fn load_fault_list(&self, faults: &FaultCounts) -> String {
        let named: Vec<String> = faults
            .iter()
            .filter(|(_, count)| *count > 0)
            .map(|(fault, count)| format!("{} {count}", self.load_fault(fault)))
            .collect();
        match (named.is_empty(), self.lang) {
            (true, Lang::Zh) => "无".to_owned(),
            (true, Lang::En) => "none".to_owned(),
            (false, Lang::Zh) => named.join("，"),
            (false, Lang::En) => named.join(", "),
        }
    }

    pub fn load_progress(&self, s: &LoadSnapshot, msgs_per_s: f64, mb_per_s: f64) -> String {
        let secs = s.elapsed.as_secs_f64();
        let rtt = s.rtt.summary.map_or(String::new(), |rtt| match self.lang {
            Lang::Zh => format!("，往返 p50 {:.1} µs p99 {:.1} µs", rtt.p50_us, rtt.p99_us),
            Lang::En => format!(", RTT p50 {:.1} µs p99 {:.1} µs", rtt.p50_us, rtt.p99_us),
        });
        match self.lang {
            Lang::Zh => format!(
                "{secs:.1} 秒：在线 {} 失败 {}，已发 {} 已收 {}，{msgs_per_s:.0} 条/秒 {mb_per_s:.2} MB/秒{rtt}",
                s.open, s.failed, s.sent, s.received
            ),
            Lang::En => format!(
                "{secs:.1} s: {} up, {} failed, {} sent, {} received, {msgs_per_s:.0} msg/s {mb_per_s:.2} MB/s{rtt}",
                s.open, s.failed, s.sent, s.received
            ),
        }
    }

    pub fn load_summary(&self, s: &LoadSnapshot) -> String {
        let faults = self.load_fault_list(&s.faults);
        let rtt = s.rtt.summary.map_or(String::new(), |r| match self.lang {
            Lang::Zh => format!(
                "；往返（µs）p50 {:.1} p90 {:.1} p99 {:.1} p99.9 {:.1} 最大 {:.1}",
                r.p50_us, r.p90_us, r.p99_us, r.p999_us, r.max_us
            ),
            Lang::En => format!(
                "; RTT (µs) p50 {:.1} p90 {:.1} p99 {:.1} p99.9 {:.1} max {:.1}",
                r.p50_us, r.p90_us, r.p99_us, r.p999_us, r.max_us
            ),
        });
        let (rate, mb) = (s.msgs_per_s(), s.mb_per_s());
        let secs = s.elapsed.as_secs_f64();
        match self.lang {
            Lang::Zh => format!(
                "共 {secs:.1} 秒：连上 {} 失败 {}，发送 {} 收到 {}，{rate:.1} 条/秒 {mb:.3} MB/秒{rtt}；错误：{faults}",
                s.connected, s.failed, s.sent, s.received
            ),
            Lang::En => format!(
                "{secs:.1} s in all: {} connected, {} failed, {} sent, {} received, {rate:.1} msg/s {mb:.3} MB/s{rtt}; errors: {faults}",
                s.connected, s.failed, s.sent, s.received
            ),
        }
    }

    pub fn load_nothing_connected(&self, faults: &str) -> String {
        match self.lang {
            Lang::Zh => format!("一个连接也没连上（{faults}）— 检查地址和端口，对方程序是否在监听"),
            Lang::En => format!(
                "nothing connected ({faults}) — check the address and port, and that the server is listening"
            ),
        }
    }

    pub fn load_no_echo(&self) -> String {
        match self.lang {
            Lang::Zh => {
                "没有收到任何回显 — 对方是否在运行回显（例如 netdbg echo udp）？".to_owned()
            }
            Lang::En => {
                "no echo came back — is an echo running there (e.g. netdbg echo udp)?".to_owned()
            }
        }
    }

    pub fn load_stopped(&self, signal: &str) -> String {
        match self.lang {
            Lang::Zh => format!("已由 {signal} 停止"),
            Lang::En => format!("stopped by {signal}"),
        }
    }
}
