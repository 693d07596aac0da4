//! What this build is: version, git commit and build date (from `build.rs`),
//! for `--version` and the About dialog.

pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The commit built, 12 hex digits, or "unknown" outside a git checkout.
pub const GIT_COMMIT: &str = env!("NETDBG_GIT_COMMIT");
/// The day it was built (UTC), `YYYY-MM-DD`.
pub const BUILD_DATE: &str = env!("NETDBG_BUILD_DATE");
/// Where the project lives (Cargo.toml's `homepage`).
pub const HOMEPAGE: &str = env!("CARGO_PKG_HOMEPAGE");
/// `0.1.0 (commit 1a2b3c4d5e6f, built 2026-12-05)`, what `--version` prints after the name.
pub const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("NETDBG_GIT_COMMIT"),
    ", built ",
    env!("NETDBG_BUILD_DATE"),
    ")"
);
