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
