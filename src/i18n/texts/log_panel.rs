//! Words for the log panel: line counts, counters, search, saving and capture.

use crate::engine::{CounterSnapshot, Skipped};
use crate::i18n::Lang;

use super::{Texts, WIDEST_COUNT, format_count, format_size};

impl Texts {
    pub fn showing(&self, shown: usize, offered: u64) -> String {
        self.showing_words(&shown.to_string(), &offered.to_string())
    }

    /// [`Self::showing`] with counts that keep their width ([`format_count`]).
    pub fn showing_compact(&self, shown: usize, offered: u64) -> String {
        self.showing_words(&format_count(shown as u64), &format_count(offered))
    }

    /// The widest [`Self::showing_compact`] (or the filter's progress) gets.
    pub fn showing_widest(&self) -> String {
        longer(
            self.showing_words(WIDEST_COUNT, WIDEST_COUNT),
            self.filter_progress(100),
        )
    }

    fn showing_words(&self, shown: &str, offered: &str) -> String {
        match self.lang {
            Lang::Zh => format!("显示 {shown} / {offered} 行"),
            Lang::En => format!("showing {shown} of {offered} lines"),
        }
    }

    /// The window fell behind a flood and skipped data (`datagrams`: UDP's
    /// messages, else TCP reads and sends).
    pub fn display_skipped(&self, skipped: Skipped, datagrams: bool) -> String {
        let (count, size) = (skipped.messages, format_size(skipped.bytes));
        match (self.lang, datagrams) {
            (Lang::Zh, true) => {
                format!("显示跟不上：{count} 个数据报（{size}）未显示 — 计数和抓包文件是完整的")
            }
            (Lang::Zh, false) => {
                format!("显示跟不上：{count} 次读写（{size}）未显示 — 计数和抓包文件是完整的")
            }
            (Lang::En, true) => format!(
                "display fell behind: {count} datagrams ({size}) not shown — counters and capture are exact"
            ),
            (Lang::En, false) => format!(
                "display fell behind: {count} reads/sends ({size}) not shown — counters and capture are exact"
            ),
        }
    }

    /// The CLI could not print everything: stdout was slower than the network.
    pub fn not_printed(&self, skipped: Skipped, datagrams: bool) -> String {
        let (count, size) = (skipped.messages, format_size(skipped.bytes));
        match (self.lang, datagrams) {
            (Lang::Zh, true) => format!(
                "{count} 个数据报（{size}）到达时标准输出跟不上，未打印 — 计数和抓包文件是完整的"
            ),
            (Lang::Zh, false) => format!("{count} 次读写（{size}）未打印 — 计数和抓包文件是完整的"),
            (Lang::En, true) => format!(
                "{count} datagrams ({size}) arrived while stdout was behind and were not printed — counters and capture are exact"
            ),
            (Lang::En, false) => format!(
                "{count} reads/sends ({size}) were not printed — counters and capture are exact"
            ),
        }
    }

    /// Beside a payload's full length when a row keeps only its first bytes.
    pub fn preview_shown(&self, kept: usize) -> String {
        let size = format_size(kept as u64);
        match self.lang {
            Lang::Zh => format!("，显示前 {size}"),
            Lang::En => format!(", first {size} shown"),
        }
    }

    /// After a preview cut to its first bytes: how much more there was.
    pub fn more_bytes(&self, more: usize) -> String {
        let size = format_size(more as u64);
        match self.lang {
            Lang::Zh => format!(" …（另有 {size} 未显示）"),
            Lang::En => format!(" … {size} more"),
        }
    }

    /// "RX 3 pkts / 11 bytes   TX 1 pkts / 5 bytes" (`marks`: the two directions'
    /// words, RX/TX or the relay's C→S/S→C)
    /// [`Self::counters`] with numbers that keep their width: counts as
    /// [`format_count`], bytes exact below 10,000, then as [`format_size`].
    pub fn counters_compact(&self, c: &CounterSnapshot, marks: (&str, &str)) -> String {
        let bytes = |bytes: u64| match bytes {
            0..10_000 => format!("{bytes} {}", self.bytes),
            _ => format_size(bytes),
        };
        self.counters_words(
            marks,
            [&format_count(c.rx_packets), &bytes(c.rx_bytes)],
            [&format_count(c.tx_packets), &bytes(c.tx_bytes)],
        )
    }

    /// The widest [`Self::counters_compact`] gets.
    pub fn counters_widest(&self, marks: (&str, &str)) -> String {
        let widest = [WIDEST_COUNT, "1023.9 MiB"];
        self.counters_words(marks, widest, widest)
    }

    fn counters_words(
        &self,
        (rx, tx): (&str, &str),
        [rx_packets, rx_bytes]: [&str; 2],
        [tx_packets, tx_bytes]: [&str; 2],
    ) -> String {
        format!(
            "{rx} {rx_packets} {} / {rx_bytes}   {tx} {tx_packets} {} / {tx_bytes}",
            self.packets, self.packets
        )
    }

    pub fn counters(&self, c: &CounterSnapshot, (rx, tx): (&str, &str)) -> String {
        format!(
            "{} {} {} / {} {}   {} {} {} / {} {}",
            rx,
            c.rx_packets,
            self.packets,
            c.rx_bytes,
            self.bytes,
            tx,
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

    /// A new filter is being applied to a long log.
    pub fn filter_progress(&self, percent: u8) -> String {
        match self.lang {
            Lang::Zh => format!("筛选中… {percent}%"),
            Lang::En => format!("filtering… {percent}%"),
        }
    }

    /// A new query is being looked for in a long log.
    pub fn search_progress(&self, percent: u8) -> String {
        match self.lang {
            Lang::Zh => format!("查找中… {percent}%"),
            Lang::En => format!("searching… {percent}%"),
        }
    }

    /// "3 of 12", or "12 found" before Next/Previous; large counts compact.
    pub fn search_matches(&self, at: Option<usize>, total: usize) -> String {
        let at = at.map(|at| format_count(at as u64 + 1));
        self.search_words(at.as_deref(), &format_count(total as u64))
    }

    /// [`Self::search_matches`] with every digit (its tooltip).
    pub fn search_matches_exact(&self, at: Option<usize>, total: usize) -> String {
        let at = at.map(|at| (at + 1).to_string());
        self.search_words(at.as_deref(), &total.to_string())
    }

    /// The widest the search's count gets (progress included).
    pub fn search_widest(&self) -> String {
        longer(
            self.search_words(Some(WIDEST_COUNT), WIDEST_COUNT),
            self.search_progress(100),
        )
    }

    fn search_words(&self, at: Option<&str>, total: &str) -> String {
        match (self.lang, at) {
            (Lang::Zh, Some(at)) => format!("第 {at} / {total} 处"),
            (Lang::Zh, None) => format!("{total} 处"),
            (Lang::En, Some(at)) => format!("{at} of {total}"),
            (Lang::En, None) => format!("{total} found"),
        }
    }

    pub fn captured(&self, records: u64, path: &str) -> String {
        match self.lang {
            Lang::Zh => format!("已抓包 {records} 条 → {path}"),
            Lang::En => format!("captured {records} → {path}"),
        }
    }

    /// The toolbar's short note while capturing (the whole path is its tooltip).
    pub fn capturing(&self, records: &str) -> String {
        match self.lang {
            Lang::Zh => format!("抓包中 {records}"),
            Lang::En => format!("capturing {records}"),
        }
    }

    /// The widest [`capturing`](Self::capturing) note, for its fixed-width slot.
    pub fn capturing_widest(&self) -> String {
        self.capturing(WIDEST_COUNT)
    }

    pub fn log_saved(&self, lines: usize, path: &str) -> String {
        match self.lang {
            Lang::Zh => format!("已保存 {lines} 行到 {path}"),
            Lang::En => format!("saved {lines} lines to {path}"),
        }
    }

    /// `message` is the system's reason, as it gave it.
    pub fn log_save_failed(&self, path: &str, message: &str) -> String {
        match self.lang {
            Lang::Zh => format!("日志未能保存到 {path}：{message}"),
            Lang::En => format!("could not save the log to {path}: {message}"),
        }
    }
}

/// Of two texts sharing one slot, the one with more characters.
fn longer(a: String, b: String) -> String {
    if b.chars().count() > a.chars().count() {
        b
    } else {
        a
    }
}
