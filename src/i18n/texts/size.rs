//! Sizes as a person reads them.

use crate::i18n::Lang;

use super::Texts;

impl Texts {
    pub fn file_size(&self, size: u64) -> String {
        match self.lang {
            Lang::Zh => format!("（{}）", format_size(size)),
            Lang::En => format!("({})", format_size(size)),
        }
    }
}

/// Bytes as a person reads them: 512 B, 1.5 KiB, 3.2 MiB, 1.0 GiB.
pub fn format_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// A count whose width stays put as it grows: exact below 10,000, then three
/// significant digits: 12.3k, 456k, 7.89M, 1.23G (the exact number goes in a
/// tooltip).
pub fn format_count(count: u64) -> String {
    if count < 10_000 {
        return count.to_string();
    }
    let units = [(1e3, "k"), (1e6, "M"), (1e9, "G"), (1e12, "T")];
    // The smallest unit in which it rounds to under 1000 (999,999 is 1.00M).
    let (value, unit) = units
        .iter()
        .map(|(scale, unit)| (count as f64 / scale, *unit))
        .find(|(value, _)| *value < 999.5)
        .unwrap_or((count as f64 / 1e15, "P"));
    match value {
        v if v < 9.995 => format!("{v:.2}{unit}"),
        v if v < 99.95 => format!("{v:.1}{unit}"),
        v => format!("{v:.0}{unit}"),
    }
}

/// The widest [`format_count`] gets, to size a slot for it.
pub const WIDEST_COUNT: &str = "88.8M";
