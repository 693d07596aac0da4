//! Words for the log panel: line counts, counters, search, saving and capture.

use crate::engine::CounterSnapshot;
use crate::i18n::Lang;

use super::Texts;

impl Texts {
    pub fn showing(&self, shown: usize, offered: u64) -> String {
        match self.lang {
            Lang::Zh => format!("显示 {shown} / {offered} 行"),
            Lang::En => format!("showing {shown} of {offered} lines"),
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

    /// The capture file is complete.
    pub fn capture_written(&self, path: &str, records: u64) -> String {
        match self.lang {
            Lang::Zh => format!("抓包已保存：{records} 条记录写入 {path}"),
            Lang::En => format!("capture saved: {records} records in {path}"),
        }
    }

    pub fn search_matches(&self, at: Option<usize>, total: usize) -> String {
        match (self.lang, at) {
            (Lang::Zh, Some(at)) => format!("第 {} / {total} 处", at + 1),
            (Lang::Zh, None) => format!("{total} 处"),
            (Lang::En, Some(at)) => format!("{} of {total}", at + 1),
            (Lang::En, None) => format!("{total} found"),
        }
    }

    pub fn captured(&self, records: u64, path: &str) -> String {
        match self.lang {
            Lang::Zh => format!("已抓包 {records} 条 → {path}"),
            Lang::En => format!("captured {records} → {path}"),
        }
    }

    pub fn log_saved(&self, lines: usize, path: &str) -> String {
        match self.lang {
            Lang::Zh => format!("已保存 {lines} 行到 {path}"),
            Lang::En => format!("saved {lines} lines to {path}"),
        }
    }
}
