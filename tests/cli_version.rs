//! `netdbg --version`: the version, the git commit built and the build date.

use std::process::Command;

fn netdbg_version() -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_netdbg"))
        .arg("--version")
        .output()
        .expect("netdbg runs");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).expect("UTF-8")
}

#[test]
fn version_says_the_commit_and_the_build_date() {
    let line = netdbg_version();
    let prefix = format!("netdbg {} (commit ", env!("CARGO_PKG_VERSION"));
    let rest = line
        .trim_end()
        .strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("{line:?} starts with {prefix:?}"));
    let (commit, rest) = rest.split_once(", built ").expect("a build date");
    let date = rest.strip_suffix(')').expect("closing parenthesis");
    let head = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned());
    match head {
        Some(head) => assert_eq!(commit, head, "the commit checked out"),
        None => assert_eq!(commit, "unknown"),
    }
    let parts: Vec<u32> = date
        .split('-')
        .map(|part| part.parse().expect("a number"))
        .collect();
    assert!(
        matches!(parts[..], [year, 1..=12, 1..=31] if year >= 2026),
        "{date}"
    );
}
