//! What `--version` and the About dialog tell besides the version: the git commit
//! built and the build date (`NETDBG_GIT_COMMIT`, `NETDBG_BUILD_DATE`). And on
//! Windows targets: embed the app icon and version information in the exe.
//! (Cross-builds from Linux use mingw's `x86_64-w64-mingw32-windres`.)

use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

fn main() {
    println!("cargo:rerun-if-changed=assets/icon.ico");
    build_info();
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return;
    }
    let mut resource = winresource::WindowsResource::new();
    resource
        .set_icon("assets/icon.ico")
        .set("ProductName", "netdbg")
        .set(
            "FileDescription",
            "netdbg — 网络调试助手 (network debugging assistant)",
        );
    if let Err(error) = resource.compile() {
        // The exe still works without an icon; say why it has none.
        println!("cargo:warning=no icon or version info embedded: {error}");
    }
}

/// The commit and the date, with "unknown" for a commit outside a git checkout
/// (a source tarball). `SOURCE_DATE_EPOCH` fixes the date for reproducible builds.
fn build_info() {
    // A new commit moves HEAD or the branch it names (in a worktree, .git is a
    // file naming the directories these live in).
    for (asked, files) in [
        ("--git-dir", &["HEAD"][..]),
        ("--git-common-dir", &["refs/heads", "packed-refs"][..]),
    ] {
        if let Some(dir) = git(&["rev-parse", asked]) {
            for file in files {
                let path = std::path::Path::new(&dir).join(file);
                if path.exists() {
                    println!("cargo:rerun-if-changed={}", path.display());
                }
            }
        }
    }
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    let commit = git(&["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| "unknown".to_owned());
    let seconds = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|text| text.trim().parse::<u64>().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |since| since.as_secs())
        });
    println!("cargo:rustc-env=NETDBG_GIT_COMMIT={commit}");
    println!("cargo:rustc-env=NETDBG_BUILD_DATE={}", utc_date(seconds));
}

/// What `git ARGS` prints (trimmed), if git is there and says something.
fn git(args: &[&str]) -> Option<String> {
    let output = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(output.stdout).ok()?.trim().to_owned();
    (output.status.success() && !text.is_empty()).then_some(text)
}

/// `YYYY-MM-DD` (UTC) of a Unix time: the civil-from-days algorithm
/// (Howard Hinnant's), as no date crate is a build dependency.
fn utc_date(seconds: u64) -> String {
    let days = (seconds / 86_400) as i64 + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}
