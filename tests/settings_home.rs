//! Portable mode: settings beside the executable when `netdbg.portable` or a
//! `settings` folder is there, and a clear notice (never a crash) when that
//! folder cannot be used.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use netdbg::app::{NetdbgApp, Settings};
use netdbg::i18n::{Describe, Lang};
use netdbg::settings_home::{PORTABLE_FOLDER, PORTABLE_MARKER, PortableProblem, SettingsHome};

mod support;
use support::{shows, wait_until};

/// A folder standing for the executable's, removed when dropped.
struct ExeDir(PathBuf);

impl ExeDir {
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for ExeDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn exe_dir() -> ExeDir {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "netdbg-portable-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    ));
    fs::create_dir_all(&path).expect("a folder for the executable");
    ExeDir(path)
}

#[test]
fn without_the_marker_or_the_folder_settings_stay_in_the_profile() {
    let dir = exe_dir();
    assert!(matches!(
        SettingsHome::beside(dir.path()),
        SettingsHome::Profile
    ));
    assert!(!dir.path().join(PORTABLE_FOLDER).exists(), "nothing made");
}

#[test]
fn the_marker_puts_the_settings_in_a_folder_beside_the_executable() {
    let dir = exe_dir();
    fs::write(dir.path().join(PORTABLE_MARKER), b"").expect("marker");
    let home = SettingsHome::beside(dir.path());
    let folder = dir.path().join(PORTABLE_FOLDER);
    assert_eq!(home.file(), Some(folder.join("app.ron").as_path()));
    assert!(home.problem().is_none(), "{:?}", home.problem());
    assert!(folder.is_dir(), "the folder is made");
    let left: Vec<_> = fs::read_dir(&folder).expect("list").collect();
    assert!(left.is_empty(), "the write check leaves nothing: {left:?}");
}

#[test]
fn a_settings_folder_alone_means_portable_too() {
    let dir = exe_dir();
    fs::create_dir(dir.path().join(PORTABLE_FOLDER)).expect("folder");
    let home = SettingsHome::beside(dir.path());
    assert!(home.file().is_some());
    assert!(home.problem().is_none());
}

#[test]
fn a_file_where_the_folder_should_be_is_said_not_fatal() {
    let dir = exe_dir();
    fs::write(dir.path().join(PORTABLE_MARKER), b"").expect("marker");
    fs::write(dir.path().join(PORTABLE_FOLDER), b"not a folder").expect("file");
    let home = SettingsHome::beside(dir.path());
    assert!(
        matches!(home.problem(), Some(PortableProblem::CannotCreate { .. })),
        "{home:?}"
    );
    let said = home.problem().expect("a problem").describe(Lang::En);
    assert!(said.contains("cannot be created"), "{said}");
}

#[test]
fn unreadable_settings_are_said() {
    let dir = exe_dir();
    let folder = dir.path().join(PORTABLE_FOLDER);
    // A folder where the settings file should be: reading it fails, even as root.
    fs::create_dir_all(folder.join("app.ron")).expect("a folder named app.ron");
    let home = SettingsHome::beside(dir.path());
    assert!(
        matches!(home.problem(), Some(PortableProblem::Unreadable { .. })),
        "{home:?}"
    );
}

#[cfg(unix)]
#[test]
fn a_read_only_folder_is_said() {
    let dir = exe_dir();
    let folder = dir.path().join(PORTABLE_FOLDER);
    fs::create_dir(&folder).expect("folder");
    if !make_read_only(&folder) {
        eprintln!(
            "skipped: cannot make a folder read-only here (root on a filesystem without chattr +i)"
        );
        return;
    }
    let home = SettingsHome::beside(dir.path());
    let problem = home.problem().map(|problem| problem.describe(Lang::Zh));
    undo_read_only(&folder);
    assert!(
        matches!(home.problem(), Some(PortableProblem::ReadOnly { .. })),
        "{home:?}"
    );
    assert!(problem.is_some_and(|said| said.contains("不可写")));
}

/// chmod 555, and for root (whom modes do not stop) the immutable attribute.
#[cfg(unix)]
fn make_read_only(folder: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let _ = fs::set_permissions(folder, fs::Permissions::from_mode(0o555));
    let probe = folder.join("probe");
    if fs::write(&probe, b"x").is_err() {
        return true;
    }
    let _ = fs::remove_file(&probe);
    let immutable = std::process::Command::new("chattr")
        .arg("+i")
        .arg(folder)
        .status();
    immutable.is_ok_and(|status| status.success()) && fs::write(&probe, b"x").is_err()
}

#[cfg(unix)]
fn undo_read_only(folder: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::process::Command::new("chattr")
        .arg("-i")
        .arg(folder)
        .status();
    let _ = fs::set_permissions(folder, fs::Permissions::from_mode(0o755));
}

#[test]
fn the_window_says_what_is_wrong_until_dismissed() {
    for lang in [Lang::En, Lang::Zh] {
        let dir = exe_dir();
        fs::write(dir.path().join(PORTABLE_MARKER), b"").expect("marker");
        fs::write(dir.path().join(PORTABLE_FOLDER), b"not a folder").expect("file");
        let problem = SettingsHome::beside(dir.path()).into_problem();
        let said = problem.as_ref().expect("a problem").describe(lang);
        let settings = Settings {
            lang,
            ..Settings::default()
        };
        let mut harness = Harness::builder()
            .with_size(egui::vec2(1100.0, 720.0))
            .build_eframe(move |cc| {
                NetdbgApp::with_settings(&cc.egui_ctx, settings).with_portable_problem(problem)
            });
        harness.run();
        assert!(shows(&harness, &said), "the notice is on screen: {said:?}");
        harness.get_by_label(lang.texts().dismiss).click();
        wait_until(&mut harness, "the notice to go away", |h| !shows(h, &said));
    }
}
