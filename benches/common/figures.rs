//! Figures the benches compute and print the same way.

use std::time::Duration;

/// The median; NaN for no values.
pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// `count` per second over `over`; 0 when no time passed.
pub fn per_sec(count: u64, over: Duration) -> f64 {
    let secs = over.as_secs_f64();
    if secs > 0.0 { count as f64 / secs } else { 0.0 }
}

/// The value, or `n/a` where it could not be measured.
pub fn opt<T: std::fmt::Display>(value: Option<T>) -> String {
    value.map_or_else(|| "n/a".to_owned(), |v| v.to_string())
}

/// KiB (as /proc reports memory) shown in MiB.
pub fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

/// The value, or `-` in a table cell (and a few `RESULT` fields) where there is none.
pub fn or_dash<T: std::fmt::Display>(value: Option<T>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| v.to_string())
}

/// Bytes in GiB, one decimal.
pub fn gib(bytes: u64) -> String {
    format!("{:.1} GiB", bytes as f64 / (1u64 << 30) as f64)
}

/// `bytes` over `over` in GB/s (10^9 bytes).
pub fn gb_per_sec(bytes: u64, over: Duration) -> f64 {
    bytes as f64 / over.as_secs_f64() / 1e9
}
