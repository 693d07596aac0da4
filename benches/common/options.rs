//! What the benches' clap options share: the flag `cargo bench` adds, and values
//! checked against a range.

use std::fmt::Display;
use std::ops::RangeInclusive;
use std::str::FromStr;

/// `cargo bench` passes `--bench` to every bench binary (it tells a libtest harness to
/// run benchmarks, not tests); these benches have no harness and ignore it. Flattened
/// into each bench's options.
#[derive(clap::Args, Debug)]
pub struct CargoBench {
    #[arg(long = "bench", hide = true)]
    bench: bool,
}

/// A number in `range`; `_` may group the digits (`10_000`).
///
/// The range's type is the field's: write it with a suffix (`1..=20usize`), or clap
/// finds an `i32` where the field wants another type.
pub fn number<T>(
    range: RangeInclusive<T>,
) -> impl Fn(&str) -> Result<T, String> + Clone + Send + Sync + 'static
where
    T: FromStr + PartialOrd + Display + Clone + Send + Sync + 'static,
{
    move |text| match text.replace('_', "").parse::<T>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => Err(format!(
            "{text:?} is not a number in {}..={}",
            range.start(),
            range.end()
        )),
    }
}

/// Seconds in (0, `max`], or [0, `max`] where 0 means "skip this part".
pub fn seconds(
    max: f64,
    zero_skips: bool,
) -> impl Fn(&str) -> Result<f64, String> + Clone + Send + Sync + 'static {
    move |text| match text.parse::<f64>() {
        Ok(secs) if (secs > 0.0 || (zero_skips && secs == 0.0)) && secs <= max => Ok(secs),
        _ => Err(format!(
            "{text:?} is not a number of seconds in {}0, {max}]",
            if zero_skips { "[" } else { "(" }
        )),
    }
}
