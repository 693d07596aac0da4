//! `netdbg file get` stopped mid-download by SIGINT, SIGTERM or SIGHUP: it cancels,
//! removes `NAME.part`, says so in one line, and exits 128 + the signal's number.
#![cfg(unix)]

mod support;

use std::fs;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::netdbg;

/// How long any one expectation may take.
const DEADLINE: Duration = Duration::from_secs(10);

/// A file server that sends the first bytes of the file and then nothing, so the
/// download sits there with its `.part` on disk. It holds the connection until the
/// client hangs up (or the deadline), and says what it saw of the client.
struct StallingServer {
    target: String,
    thread: JoinHandle<Stalled>,
}

#[derive(Debug)]
struct Stalled {
    /// The name the client asked for.
    name: String,
    /// Whether the client hung up (its cancel closes the socket) before the deadline.
    hung_up: bool,
}

impl StallingServer {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let target = listener.local_addr().expect("addr").to_string();
        let thread = thread::spawn(move || {
            let (mut stream, _) = listener.accept().expect("accept the download");
            stream
                .set_read_timeout(Some(DEADLINE))
                .expect("read timeout");
            let mut name = [0u8; 1024];
            let len = stream.read(&mut name).expect("the file name");
            stream.write_all(b"first bytes").expect("send a little");
            Stalled {
                name: String::from_utf8_lossy(&name[..len]).into_owned(),
                hung_up: wait_for_hang_up(&mut stream),
            }
        });
        StallingServer { target, thread }
    }

    fn finish(self) -> Stalled {
        self.thread.join().expect("the stalling server")
    }
}

/// Reads until the peer closes: true, or the read timeout: false.
fn wait_for_hang_up(stream: &mut TcpStream) -> bool {
    let mut buf = [0u8; 64];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(err) if support::is_timeout(&err) => return false,
            // A reset is a hang-up too.
            Err(_) => return true,
        }
    }
}

/// An empty folder for the download, removed when dropped.
struct Folder(PathBuf);

impl Folder {
    fn new(label: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("netdbg-cli-signals-{}-{label}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).expect("create the download folder");
        Folder(path)
    }

    fn entries(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(&self.0)
            .expect("read the folder")
            .filter_map(Result::ok)
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Polls for `path` to appear (the engine gives no event for it).
#[track_caller]
fn wait_for_file(path: &Path, child: &mut Child) {
    let deadline = Instant::now() + DEADLINE;
    while !path.exists() {
        if let Some(status) = child.try_wait().expect("try_wait") {
            panic!("netdbg ended ({status}) before {} appeared", path.display());
        }
        assert!(
            Instant::now() < deadline,
            "{} did not appear",
            path.display()
        );
        thread::sleep(Duration::from_millis(10));
    }
}

#[track_caller]
fn wait_exit(child: &mut Child) -> ExitStatus {
    let deadline = Instant::now() + DEADLINE;
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("netdbg did not exit within {DEADLINE:?} of the signal");
        }
        thread::sleep(Duration::from_millis(10));
    }
}

fn read_all(pipe: Option<impl Read>) -> String {
    let mut text = String::new();
    if let Some(mut pipe) = pipe {
        pipe.read_to_string(&mut text).expect("read the pipe");
    }
    text
}

/// What a stopped `file get` printed and how it ended.
struct Outcome {
    status: ExitStatus,
    stdout: String,
    stderr: String,
    /// What is left in the download folder.
    left: Vec<String>,
    server: Stalled,
}

/// Starts `file get` against a stalling server, waits for its `.part`, sends `signal`.
fn stop_download(signal: &str, extra: &[&str]) -> Outcome {
    let folder = Folder::new(signal);
    let server = StallingServer::start();
    let mut child = netdbg()
        .current_dir(&folder.0)
        .args(["file", "get", &server.target, "slow.bin"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start netdbg file get");
    wait_for_file(&folder.0.join("recvslow.bin.part"), &mut child);
    let sent = Command::new("kill")
        .args(["-s", signal, &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(sent.success(), "kill -s {signal}");
    let status = wait_exit(&mut child);
    Outcome {
        status,
        stdout: read_all(child.stdout.take()),
        stderr: read_all(child.stderr.take()),
        left: folder.entries(),
        server: server.finish(),
    }
}

#[track_caller]
fn assert_cancelled(outcome: &Outcome, signal: &str, code: i32) {
    assert_eq!(
        outcome.status.code(),
        Some(code),
        "SIG{signal}: {}",
        outcome.stderr
    );
    assert!(
        outcome.left.is_empty(),
        "SIG{signal}: nothing may be left, found {:?}",
        outcome.left
    );
    let lines: Vec<&str> = outcome.stderr.lines().collect();
    assert_eq!(
        lines,
        [format!(
            "netdbg: Download cancelled (SIG{signal}) — the incomplete file was removed; nothing was saved"
        )],
        "SIG{signal}"
    );
    assert_eq!(outcome.server.name, "slow.bin");
    assert!(outcome.server.hung_up, "the cancel closed the connection");
}

#[test]
fn sigint_removes_the_part_and_exits_130() {
    let outcome = stop_download("INT", &[]);
    assert_cancelled(&outcome, "INT", 130);
    assert!(
        outcome.stdout.contains("asking for \"slow.bin\""),
        "{}",
        outcome.stdout
    );
}

#[test]
fn sigterm_removes_the_part_and_exits_143_with_a_json_event() {
    let outcome = stop_download("TERM", &["--json"]);
    assert_cancelled(&outcome, "TERM", 143);
    let events: Vec<Value> = outcome
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON"))
        .collect();
    let last = events.last().expect("events");
    assert_eq!(last["event"], "cancelled", "{events:?}");
    assert_eq!(last["signal"], "SIGTERM");
    assert_eq!(last["exit_code"], 143);
}

#[test]
fn sighup_removes_the_part_and_exits_129() {
    let outcome = stop_download("HUP", &[]);
    assert_cancelled(&outcome, "HUP", 129);
}
