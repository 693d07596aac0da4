//! Helpers shared by the file server tests: scratch folders, test data, a server
//! on loopback and waiting on its events with deadlines, downloads.
#![allow(dead_code)]

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::Receiver;
use netdbg::engine::file_download::part_path;
use netdbg::engine::{
    Download, DownloadConfig, DownloadEvent, FileServer, FileServerConfig, FileServerEvent,
    Refusal, no_waker,
};
use sha2::{Digest, Sha256};

pub const WAIT: Duration = Duration::from_secs(20);
pub const MIB: usize = 1024 * 1024;

/// A folder under the system temp dir, removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(label: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "netdbg-files-{}-{}-{label}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        fs::create_dir_all(path.join("root")).expect("create scratch folder");
        fs::create_dir_all(path.join("dl")).expect("create scratch folder");
        Scratch(path)
    }

    /// The folder the server shares.
    pub fn root(&self) -> PathBuf {
        self.0.join("root")
    }

    /// Where downloads go.
    pub fn dl(&self) -> PathBuf {
        self.0.join("dl")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Deterministic bytes that do not compress or repeat (xorshift64).
pub fn pseudo_random(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(len);
    out
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// A file of zeros that takes no disk space (`sendfile` sends its holes quickly).
pub fn sparse_file(path: &Path, len: u64) {
    File::create(path)
        .and_then(|file| file.set_len(len))
        .expect("create sparse file");
}

pub fn serve(root: PathBuf) -> (FileServer, Receiver<FileServerEvent>) {
    serve_with(FileServerConfig::new(
        "127.0.0.1:0".parse().expect("test address"),
        root,
    ))
}

/// Starts a server and checks that it says where it listens.
pub fn serve_with(config: FileServerConfig) -> (FileServer, Receiver<FileServerEvent>) {
    let (tx, rx) = crossbeam_channel::unbounded();
    let server = FileServer::start(config, tx, no_waker()).expect("serve on loopback");
    match rx.recv_timeout(WAIT) {
        Ok(FileServerEvent::Listening { local, root }) => {
            assert_eq!(local, server.local_addr());
            assert_eq!(root, server.root());
        }
        other => panic!("expected Listening first, got {other:?}"),
    }
    (server, rx)
}

#[track_caller]
pub fn next_server(
    rx: &Receiver<FileServerEvent>,
    what: &str,
    wanted: impl Fn(&FileServerEvent) -> bool,
) -> FileServerEvent {
    let deadline = Instant::now() + WAIT;
    loop {
        match rx.recv_deadline(deadline) {
            Ok(event) if wanted(&event) => return event,
            Ok(_) => {}
            Err(_) => panic!("timed out waiting for the server to report {what}"),
        }
    }
}

/// Waits for the server to refuse a request and returns the name and reason.
#[track_caller]
pub fn next_refusal(rx: &Receiver<FileServerEvent>) -> (String, Refusal) {
    match next_server(rx, "Refused", |event| {
        matches!(event, FileServerEvent::Refused { .. })
    }) {
        FileServerEvent::Refused { name, reason, .. } => (name, reason),
        _ => unreachable!(),
    }
}

/// Waits for a transfer's Started, then its Done or Failed.
#[track_caller]
pub fn started_and_ended(rx: &Receiver<FileServerEvent>) -> (FileServerEvent, FileServerEvent) {
    let started = next_server(rx, "Started", |event| {
        matches!(event, FileServerEvent::Started { .. })
    });
    let FileServerEvent::Started { transfer: id, .. } = started else {
        unreachable!()
    };
    let ended = next_server(rx, "Done or Failed", |event| {
        matches!(event,
            FileServerEvent::Done { transfer, .. } | FileServerEvent::Failed { transfer, .. }
                if *transfer == id)
    });
    (started, ended)
}

/// Waits until no transfer runs and no connection waits for its name.
#[track_caller]
pub fn wait_for_idle(server: &FileServer) {
    let deadline = Instant::now() + WAIT;
    while server.active_transfers() != 0 || server.waiting_requests() != 0 {
        assert!(
            Instant::now() < deadline,
            "{} transfers and {} waiting requests still running",
            server.active_transfers(),
            server.waiting_requests()
        );
        thread::sleep(Duration::from_millis(10));
    }
}

pub fn request(port: u16, name: &str, dest: &Path) -> DownloadConfig {
    DownloadConfig {
        host: "127.0.0.1".into(),
        port,
        name: name.into(),
        dest: dest.to_path_buf(),
        overwrite: false,
        connect_timeout: Duration::from_secs(3),
    }
}

pub fn download(config: DownloadConfig) -> (Download, Receiver<DownloadEvent>) {
    let (tx, rx) = crossbeam_channel::unbounded();
    let download = Download::start(config, tx, no_waker()).expect("download starts");
    (download, rx)
}

/// The download's last word: `Done` or `Failed`.
#[track_caller]
pub fn outcome(rx: &Receiver<DownloadEvent>) -> DownloadEvent {
    let deadline = Instant::now() + WAIT;
    loop {
        match rx.recv_deadline(deadline) {
            Ok(event @ (DownloadEvent::Done { .. } | DownloadEvent::Failed(_))) => return event,
            Ok(_) => {}
            Err(_) => panic!("timed out waiting for the download to end"),
        }
    }
}

#[track_caller]
pub fn assert_nothing_on_disk(dest: &Path) {
    assert!(!dest.exists(), "{} must not exist", dest.display());
    let part = part_path(dest);
    assert!(!part.exists(), "{} must not exist", part.display());
}

/// Sends `name` as the tutorial's client does and reads the whole reply.
pub fn raw_request(port: u16, name: &[u8]) -> io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(WAIT))?;
    stream.write_all(name)?;
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply)?;
    Ok(reply)
}
