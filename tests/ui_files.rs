//! The file transfer tab in a headless window: serve a folder, download from it,
//! see progress end in a SHA-256, see refusals and the "already exists" question.

mod support;

use std::fs;
use std::path::{Path, PathBuf};

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use netdbg::app::{Settings, Tab};
use netdbg::i18n::Lang;
use netdbg::ui::file::FileSettings;
use netdbg::ui::file::download::DownloadSettings;
use netdbg::ui::file::server::FileServerSettings;
use sha2::{Digest, Sha256};
use support::{App, harness, shows, wait_for_text, wait_until};

/// A folder of its own under the system temp dir, removed at the end.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("netdbg-ui-files-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("shared")).expect("scratch dir");
        fs::create_dir_all(dir.join("downloads")).expect("scratch dir");
        Scratch(dir)
    }

    fn shared(&self) -> PathBuf {
        self.0.join("shared")
    }

    fn downloads(&self) -> PathBuf {
        self.0.join("downloads")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn settings(scratch: &Scratch, name: &str) -> Settings {
    Settings {
        lang: Lang::En,
        tab: Tab::Files,
        files: FileSettings {
            download: DownloadSettings {
                // Typed once the server's port is known.
                server: String::new(),
                name: name.to_owned(),
                folder: scratch.downloads().display().to_string(),
            },
            server: FileServerSettings {
                folder: scratch.shared().display().to_string(),
                local_ip: "127.0.0.1".to_owned(),
                local_port: "0".to_owned(),
            },
        },
        ..Settings::default()
    }
}

/// Starts serving and points the downloader at the server's port.
fn start_serving(harness: &mut App<'_>) {
    harness.get_by_label("Start serving").click();
    wait_for_text(harness, "serving ");
    let local = harness
        .state()
        .files()
        .server
        .local_addr()
        .expect("the server is listening");
    harness
        .get_by_role_and_label(Role::TextInput, "Server")
        .click();
    harness.step();
    harness
        .get_by_role_and_label(Role::TextInput, "Server")
        .type_text(&local.to_string());
    harness.step();
}

fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

fn pseudo_random(len: usize) -> Vec<u8> {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

#[test]
fn serve_a_folder_and_download_from_it() {
    let scratch = Scratch::new("download");
    let data = pseudo_random(3 * 1024 * 1024 + 17);
    fs::write(scratch.shared().join("firmware.bin"), &data).expect("shared file");
    let mut harness = harness(settings(&scratch, "firmware.bin"));
    wait_for_text(&mut harness, "firmware.bin");
    start_serving(&mut harness);

    harness.get_by_label("Download").click();
    wait_for_text(&mut harness, "Downloaded ");
    let saved = scratch.downloads().join("recvfirmware.bin");
    assert_eq!(fs::read(&saved).expect("saved file"), data);
    assert!(shows(&harness, &sha256_hex(&data)), "the SHA-256 is shown");
    assert!(!Path::new(&format!("{}.part", saved.display())).exists());
    // The server lists the transfer as done.
    wait_for_text(&mut harness, "done");
}

#[test]
fn a_missing_file_and_a_way_out_of_the_folder_are_refused() {
    let scratch = Scratch::new("refused");
    fs::write(scratch.0.join("secret.txt"), b"never sent").expect("outside file");
    let mut harness = harness(settings(&scratch, "../secret.txt"));
    start_serving(&mut harness);

    harness.get_by_label("Download").click();
    wait_for_text(&mut harness, "The server sent nothing");
    wait_for_text(&mut harness, "refused");
    assert!(!scratch.downloads().join("recvsecret.txt").exists());
    assert!(
        fs::read_dir(scratch.downloads())
            .expect("downloads")
            .next()
            .is_none(),
        "nothing was written, not even a .part"
    );
}

/// The folder's list shows regular files only (a symlink or a FIFO is not
/// listed), and a symlink is refused even when it points inside the folder.
#[cfg(unix)]
#[test]
fn symlinks_are_neither_listed_nor_served() {
    let scratch = Scratch::new("links");
    let shared = scratch.shared();
    fs::write(shared.join("real.txt"), b"real").expect("shared file");
    std::os::unix::fs::symlink(shared.join("real.txt"), shared.join("alias.txt")).expect("symlink");
    std::os::unix::fs::symlink(shared.join("real.txt"), shared.join("hidden-link.txt"))
        .expect("symlink");
    rustix::fs::mkfifoat(
        rustix::fs::CWD,
        shared.join("hidden-pipe"),
        rustix::fs::Mode::RUSR,
    )
    .expect("mkfifo");
    let mut harness = harness(settings(&scratch, "alias.txt"));
    wait_for_text(&mut harness, "real.txt");
    assert!(!shows(&harness, "hidden-"), "only regular files are listed");
    start_serving(&mut harness);

    harness.get_by_label("Download").click();
    wait_for_text(&mut harness, "The server sent nothing");
    wait_for_text(&mut harness, "symbolic link");
    assert!(
        fs::read_dir(scratch.downloads())
            .expect("downloads")
            .next()
            .is_none(),
        "nothing was written"
    );
}

#[test]
fn an_existing_file_is_not_overwritten_without_asking() {
    let scratch = Scratch::new("exists");
    fs::write(scratch.shared().join("a.txt"), b"new content").expect("shared file");
    fs::write(scratch.downloads().join("recva.txt"), b"old").expect("existing file");
    let mut harness = harness(settings(&scratch, "a.txt"));
    start_serving(&mut harness);

    harness.get_by_label("Download").click();
    wait_for_text(&mut harness, "already exists");
    assert_eq!(
        fs::read(scratch.downloads().join("recva.txt")).expect("old file"),
        b"old"
    );
    harness.get_by_label("Use a new name").click();
    wait_for_text(&mut harness, "Downloaded ");
    assert_eq!(
        fs::read(scratch.downloads().join("recva (1).txt")).expect("new name"),
        b"new content"
    );

    harness.get_by_label("Download").click();
    wait_for_text(&mut harness, "already exists");
    harness.get_by_label("Overwrite").click();
    wait_until(&mut harness, "the old file replaced", |_| {
        fs::read(scratch.downloads().join("recva.txt")).is_ok_and(|data| data == b"new content")
    });
}

#[test]
fn the_server_port_must_be_free() {
    let scratch = Scratch::new("port");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let mut settings = settings(&scratch, "a.txt");
    settings.files.server.local_port = taken.local_addr().expect("addr").port().to_string();
    let mut harness = harness(settings);
    harness.get_by_label("Start serving").click();
    wait_for_text(&mut harness, "is already in use");
}

#[test]
fn hostile_file_names_show_escaped_on_one_line() {
    let scratch = Scratch::new("hostile");
    // A name on disk is as untrusted as one from the network.
    fs::write(scratch.shared().join("a\x1b[2Jb\u{202E}.txt"), b"x").expect("shared file");
    let mut harness = harness(settings(&scratch, "a.txt"));
    wait_for_text(&mut harness, "a\\x1B[2Jb\\u{202E}.txt");
    start_serving(&mut harness);
    let local = harness
        .state()
        .files()
        .server
        .local_addr()
        .expect("the server is listening");
    let mut client = std::net::TcpStream::connect(local).expect("connect");
    std::io::Write::write_all(&mut client, "\x1b[2J\x07evil\nFAKE \u{202E}txt".as_bytes())
        .expect("send the name");
    wait_for_text(&mut harness, "\\x1B[2J\\x07evil\\nFAKE \\u{202E}txt");
    for raw in ["\x1b", "\x07", "evil\n", "\u{202E}"] {
        assert!(!shows(&harness, raw), "{raw:?} is shown raw");
    }
}
