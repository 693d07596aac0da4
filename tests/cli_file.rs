//! `netdbg file serve` and `netdbg file get` on loopback: against each other and
//! against the tutorial's own Python client and server.

mod support;

use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;
use sha2::{Digest, Sha256};
use support::{Finished, JsonProcess, has_python, line_reader, netdbg, run_bounded};

/// How long any one expectation may take.
const DEADLINE: Duration = Duration::from_secs(20);
const MIB: usize = 1024 * 1024;

/// The tutorial's download client, with the name fixed instead of typed at `input()`.
const TUTORIAL_CLIENT: &str = r#"
from socket import *
tcp_socket = socket(AF_INET, SOCK_STREAM)
tcp_socket.connect(("127.0.0.1", PORT))
download_file_name = "NAME"
tcp_socket.send(download_file_name.encode("utf-8"))
recv_data = tcp_socket.recv(1024)
with open("recv" + download_file_name, "wb") as f:
    f.write(recv_data)
tcp_socket.close()
"#;

/// The tutorial's file server for one client, on a port the OS picks (printed first).
/// `sendall` where the tutorial has `send`: the same on a blocking socket, and sure.
const TUTORIAL_SERVER: &str = r#"
from socket import *
tcp_socket = socket(AF_INET, SOCK_STREAM)
tcp_socket.bind(("127.0.0.1", 0))
tcp_socket.listen(128)
tcp_socket.settimeout(20)
print(tcp_socket.getsockname()[1], flush=True)
new_client_socket, client_addr = tcp_socket.accept()
new_client_socket.settimeout(20)
file_content = None
file_name = new_client_socket.recv(1024).decode("utf-8")
try:
    with open(file_name, "rb") as f:
        file_content = f.read()
except Exception as ret:
    print("没有要下载的文件!")
if file_content:
    new_client_socket.sendall(file_content)
new_client_socket.close()
tcp_socket.close()
"#;

/// A folder under the system temp dir with `root` (shared) and `dl` (downloads), removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(label: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "netdbg-cli-file-{}-{}-{label}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(path.join("root")).expect("create the shared folder");
        fs::create_dir_all(path.join("dl")).expect("create the download folder");
        // The child processes see the real path; compare against that.
        Scratch(path.canonicalize().expect("canonical scratch path"))
    }

    fn root(&self) -> PathBuf {
        self.0.join("root")
    }

    fn dl(&self) -> PathBuf {
        self.0.join("dl")
    }

    /// What is in the download folder, sorted.
    fn downloads(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(self.dl())
            .expect("read the download folder")
            .filter_map(|entry| entry.ok())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Deterministic bytes that do not repeat (xorshift64).
fn pseudo_random(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut bytes = Vec::with_capacity(len + 8);
    while bytes.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        bytes.extend_from_slice(&state.to_le_bytes());
    }
    bytes.truncate(len);
    bytes
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// A running `netdbg file serve --json`, killed when dropped.
struct Server {
    process: JsonProcess,
    addr: SocketAddr,
    /// The folder as the server resolved it.
    root: String,
}

impl Server {
    /// Shares `root` on an OS-picked port; `--timeout 30` ends it should a test leak it.
    fn start(root: &Path) -> Server {
        Server::with_timeout(root, "30")
    }

    fn with_timeout(root: &Path, secs: &str) -> Server {
        let mut process = JsonProcess::spawn(
            netdbg()
                .args(["file", "serve", "--bind", "127.0.0.1:0", "--json"])
                .args(["--timeout", secs, "--root"])
                .arg(root),
            DEADLINE,
        );
        let listening = process.wait_for("the listening line", |e| e["event"] == "listening");
        let addr = listening["local"]
            .as_str()
            .and_then(|local| local.parse().ok())
            .expect("a local address");
        let root = listening["root"].as_str().expect("the root").to_owned();
        Server {
            process,
            addr,
            root,
        }
    }

    fn target(&self) -> String {
        self.addr.to_string()
    }

    /// The server's next event that matches; see [`JsonProcess::wait_for`].
    #[track_caller]
    fn wait_for(&mut self, what: &str, matches: impl Fn(&Value) -> bool) -> Value {
        self.process.wait_for(what, matches)
    }
}

/// `netdbg file get TARGET NAME --json …`, run in `cwd`.
fn get(cwd: &Path, target: &str, name: &str, extra: &[&str]) -> Finished {
    run_bounded(
        netdbg()
            .current_dir(cwd)
            .args(["file", "get", target, name, "--json"])
            .args(extra),
        DEADLINE,
    )
}

#[test]
fn a_5_mib_file_arrives_byte_exact_with_its_sha256() {
    let scratch = Scratch::new("big");
    let content = pseudo_random(5 * MIB, 1);
    fs::write(scratch.root().join("big.bin"), &content).expect("write the shared file");
    let mut server = Server::start(&scratch.root());
    assert_eq!(Path::new(&server.root), scratch.root(), "the resolved root");

    let done = get(&scratch.dl(), &server.target(), "big.bin", &[]);
    assert_eq!(done.status.code(), Some(0), "{}", done.stderr);
    let connected = done.event("connected");
    assert_eq!(connected["peer"], server.target());
    let finished = done.event("done");
    let saved = scratch.dl().join("recvbig.bin");
    assert_eq!(
        finished["path"],
        saved.display().to_string(),
        "the tutorial's name"
    );
    assert_eq!(finished["bytes"], 5 * MIB);
    assert_eq!(finished["sha256"], sha256_hex(&content));
    assert!(finished["secs"].is_f64(), "{finished}");
    assert!(
        fs::read(&saved).expect("the saved file") == content,
        "byte-exact"
    );
    assert_eq!(scratch.downloads(), ["recvbig.bin"], "no .part left behind");

    let started = server.wait_for("started", |e| e["event"] == "started");
    assert_eq!(started["name"], "big.bin");
    assert_eq!(started["size"], 5 * MIB);
    let client_peer = started["peer"].clone();
    assert!(
        client_peer
            .as_str()
            .is_some_and(|p| p.starts_with("127.0.0.1:"))
    );
    assert!(started["time"].is_string());
    let sent = server.wait_for("done", |e| e["event"] == "done");
    assert_eq!(
        (&sent["bytes"], &sent["peer"]),
        (&(5 * MIB).into(), &client_peer)
    );
    assert!(sent["mb_per_s"].is_number(), "{sent}");
}

#[test]
fn a_missing_file_exits_1_and_leaves_nothing() {
    let scratch = Scratch::new("missing");
    let mut server = Server::start(&scratch.root());
    let done = get(&scratch.dl(), &server.target(), "missing.txt", &[]);
    assert_eq!(done.status.code(), Some(1), "{}", done.stderr);
    assert!(
        done.stderr.contains("has no file \"missing.txt\""),
        "{}",
        done.stderr
    );
    // README: a download's failure is the "failed" event.
    let error = done.event("failed");
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("The server sent nothing")),
        "{error}"
    );
    assert!(scratch.downloads().is_empty(), "{:?}", scratch.downloads());
    let refused = server.wait_for("refused", |e| e["event"] == "refused");
    assert_eq!(
        (&refused["name"], &refused["reason"]),
        (&"missing.txt".into(), &"not_found".into())
    );
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.contains("No such file in the shared folder")),
        "{refused}"
    );
}

#[test]
fn nothing_listening_exits_1() {
    let scratch = Scratch::new("refused");
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let done = get(&scratch.dl(), &format!("127.0.0.1:{port}"), "a.txt", &[]);
    assert_eq!(done.status.code(), Some(1), "{}", done.stderr);
    assert!(
        done.stderr.contains("refused the connection"),
        "{}",
        done.stderr
    );
    assert!(scratch.downloads().is_empty());
}

/// A symlink is refused even when it points at a file inside the folder.
#[cfg(unix)]
#[test]
fn a_symlink_is_refused_wherever_it_points() {
    let scratch = Scratch::new("symlink");
    fs::write(scratch.root().join("real.txt"), b"real").expect("write");
    std::os::unix::fs::symlink(
        scratch.root().join("real.txt"),
        scratch.root().join("alias.txt"),
    )
    .expect("symlink");
    let mut server = Server::start(&scratch.root());
    let done = get(&scratch.dl(), &server.target(), "alias.txt", &[]);
    assert_eq!(done.status.code(), Some(1), "{}", done.stderr);
    assert!(scratch.downloads().is_empty(), "{:?}", scratch.downloads());
    let refused = server.wait_for("refused", |e| e["event"] == "refused");
    assert_eq!(refused["name"], "alias.txt");
    assert_eq!(refused["reason"], "symlink", "{refused}");
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.contains("symbolic link")),
        "{refused}"
    );
}

#[test]
fn a_name_leading_out_of_the_folder_is_refused() {
    let scratch = Scratch::new("traversal");
    // Beside the shared folder: what "../x" would reach if the server let it.
    fs::write(scratch.0.join("x"), b"secret").expect("write the outside file");
    let mut server = Server::start(&scratch.root());
    let done = get(&scratch.dl(), &server.target(), "../x", &[]);
    assert_eq!(done.status.code(), Some(1), "{}", done.stderr);
    assert!(done.stderr.contains("has no file"), "{}", done.stderr);
    assert!(scratch.downloads().is_empty(), "{:?}", scratch.downloads());
    let refused = server.wait_for("refused", |e| e["event"] == "refused");
    assert_eq!(refused["name"], "../x");
    assert!(
        refused["reason"] == "bad_name" || refused["reason"] == "outside_root",
        "{refused}"
    );
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.contains("may not leave the shared folder")),
        "{refused}"
    );
}

#[test]
fn an_existing_output_needs_overwrite() {
    let scratch = Scratch::new("overwrite");
    let content = pseudo_random(300 * 1024, 2);
    fs::write(scratch.root().join("data.bin"), &content).expect("write the shared file");
    let existing = scratch.dl().join("out.bin");
    fs::write(&existing, b"keep me").expect("write the existing file");
    let server = Server::start(&scratch.root());

    let refused = get(
        &scratch.dl(),
        &server.target(),
        "data.bin",
        &["-o", "out.bin"],
    );
    assert_eq!(refused.status.code(), Some(2), "{}", refused.stderr);
    assert!(
        refused.stderr.contains("already exists") && refused.stderr.contains("--overwrite"),
        "{}",
        refused.stderr
    );
    assert!(
        refused.stdout.is_empty(),
        "nothing started: {}",
        refused.stdout
    );
    assert_eq!(fs::read(&existing).expect("read"), b"keep me");

    // Human lines this time: a connect line, then where it went and its SHA-256.
    let replaced = run_bounded(
        netdbg()
            .current_dir(scratch.dl())
            .args(["file", "get", &server.target(), "data.bin"])
            .args(["-o", "out.bin", "--overwrite"]),
        DEADLINE,
    );
    assert_eq!(replaced.status.code(), Some(0), "{}", replaced.stderr);
    assert!(fs::read(&existing).expect("read") == content, "replaced");
    assert!(
        replaced.stdout.contains("connected to"),
        "{}",
        replaced.stdout
    );
    assert!(
        replaced
            .stdout
            .contains(&format!("saved {}: 307200 bytes", existing.display())),
        "{}",
        replaced.stdout
    );
    assert!(
        replaced.stdout.contains(&sha256_hex(&content)),
        "{}",
        replaced.stdout
    );
    assert_eq!(scratch.downloads(), ["out.bin"]);

    // A folder as -o: the tutorial's name inside it.
    let into_folder = get(&scratch.0, &server.target(), "data.bin", &["-o", "dl"]);
    assert_eq!(into_folder.status.code(), Some(0), "{}", into_folder.stderr);
    assert_eq!(scratch.downloads(), ["out.bin", "recvdata.bin"]);
}

#[test]
fn the_tutorial_client_downloads_from_netdbg() {
    if !has_python() {
        eprintln!("python3 not installed; skipping");
        return;
    }
    let scratch = Scratch::new("py-client");
    let content: Vec<u8> = b"hello from netdbg\n".repeat(30);
    fs::write(scratch.root().join("hello.txt"), &content).expect("write the shared file");
    let mut server = Server::start(&scratch.root());
    let code = TUTORIAL_CLIENT
        .replace("PORT", &server.addr.port().to_string())
        .replace("NAME", "hello.txt");
    let done = run_bounded(
        Command::new("python3")
            .args(["-c", &code])
            .current_dir(scratch.dl()),
        DEADLINE,
    );
    assert!(done.status.success(), "{}", done.stderr);
    assert_eq!(
        fs::read(scratch.dl().join("recvhello.txt")).expect("the tutorial's file"),
        content
    );
    let sent = server.wait_for("done", |e| e["event"] == "done");
    assert_eq!(
        (&sent["name"], &sent["bytes"]),
        (&"hello.txt".into(), &content.len().into())
    );
}

#[test]
fn netdbg_downloads_all_of_a_file_from_the_tutorial_server() {
    if !has_python() {
        eprintln!("python3 not installed; skipping");
        return;
    }
    let scratch = Scratch::new("py-server");
    // Far past the tutorial client's recv(1024): netdbg must take it all.
    let content = pseudo_random(200 * 1024, 3);
    fs::write(scratch.root().join("data.bin"), &content).expect("write the shared file");
    let mut python = Command::new("python3")
        .args(["-c", TUTORIAL_SERVER])
        .current_dir(scratch.root())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the tutorial server");
    let port = line_reader(&mut python)
        .recv_timeout(DEADLINE)
        .ok()
        .and_then(|line| line.trim().parse::<u16>().ok());
    let Some(port) = port else {
        let _ = python.kill();
        let _ = python.wait();
        panic!("the tutorial server printed no port");
    };
    let done = get(&scratch.dl(), &format!("127.0.0.1:{port}"), "data.bin", &[]);
    let _ = python.kill();
    let _ = python.wait();
    assert_eq!(done.status.code(), Some(0), "{}", done.stderr);
    let finished = done.event("done");
    assert_eq!(finished["bytes"], content.len());
    assert_eq!(finished["sha256"], sha256_hex(&content));
    assert!(
        fs::read(scratch.dl().join("recvdata.bin")).expect("the saved file") == content,
        "byte-exact"
    );
}

#[test]
fn bad_input_exits_2_with_a_message() {
    let scratch = Scratch::new("bad-input");
    let not_a_folder = scratch.0.join("plain.txt");
    fs::write(&not_a_folder, b"x").expect("write a file");
    let missing = scratch.0.join("no-such-folder");
    let serve = |root: &Path, bind: &str| {
        run_bounded(
            netdbg()
                .args(["file", "serve", "--bind", bind, "--timeout", "1", "--root"])
                .arg(root),
            DEADLINE,
        )
    };
    let root = scratch.root();
    let cases = [
        (serve(&missing, "127.0.0.1:0"), "Cannot share the folder"),
        (
            serve(&not_a_folder, "127.0.0.1:0"),
            "Cannot share the folder",
        ),
        (serve(&root, "127.0.0.1"), "has no port"),
        (serve(&root, "300.1.1.1:8080"), "is not an IP address"),
        (serve(&root, "127.0.0.1:70000"), "out of range"),
        (
            get(&scratch.dl(), "127.0.0.1:9", "", &[]),
            "The file name is empty",
        ),
        (get(&scratch.dl(), "localhost", "a.txt", &[]), "has no port"),
        (
            get(&scratch.dl(), "127.0.0.1:9", "a.txt", &["-o", "nope/a.txt"]),
            "does not exist",
        ),
        (
            get(&scratch.dl(), "127.0.0.1:9", "a.txt", &["-o", "nope/"]),
            "does not exist",
        ),
        (
            get(
                &scratch.dl(),
                "127.0.0.1:9",
                "a.txt",
                &["--connect-timeout", "-1"],
            ),
            "Invalid time -1",
        ),
    ];
    for (index, (done, expected)) in cases.iter().enumerate() {
        assert_eq!(done.status.code(), Some(2), "case {index}: {}", done.stderr);
        assert!(
            done.stderr.contains(expected),
            "case {index}: {}",
            done.stderr
        );
        assert!(done.stdout.is_empty(), "case {index}: {}", done.stdout);
    }
    let zh = run_bounded(
        netdbg()
            .current_dir(scratch.dl())
            .args(["--lang", "zh", "file", "get", "127.0.0.1:9", ""]),
        DEADLINE,
    );
    assert_eq!(zh.status.code(), Some(2));
    assert!(zh.stderr.contains("文件名是空的"), "{}", zh.stderr);
    assert!(scratch.downloads().is_empty());
}

#[test]
fn a_port_in_use_exits_1() {
    let scratch = Scratch::new("in-use");
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let done = run_bounded(
        netdbg()
            .args(["file", "serve", "--bind", &format!("127.0.0.1:{port}")])
            .args(["--timeout", "1", "--root"])
            .arg(scratch.root()),
        DEADLINE,
    );
    assert_eq!(done.status.code(), Some(1), "{}", done.stderr);
    assert!(
        done.stderr
            .contains(&format!("Port {port} is already in use")),
        "{}",
        done.stderr
    );
}

#[test]
fn timeout_stops_a_quiet_server() {
    let scratch = Scratch::new("timeout");
    let started = Instant::now();
    let done = run_bounded(
        netdbg()
            .args(["file", "serve", "--bind", "127.0.0.1:0", "--json"])
            .args(["--timeout", "1", "--root"])
            .arg(scratch.root()),
        DEADLINE,
    );
    assert_eq!(done.status.code(), Some(0), "{}", done.stderr);
    assert!(started.elapsed() >= Duration::from_millis(900));
    let events = done.events();
    assert_eq!(
        events.first().map(|e| &e["event"]),
        Some(&"listening".into())
    );
    assert_eq!(done.event("timeout")["done"], 0);
}

#[test]
fn timeout_does_not_cut_a_slow_transfer() {
    let scratch = Scratch::new("slow");
    let content = pseudo_random(9 * MIB, 4);
    fs::write(scratch.root().join("slow.bin"), &content).expect("write the shared file");
    let mut server = Server::with_timeout(&scratch.root(), "0.3");
    let mut stream = TcpStream::connect_timeout(&server.addr, DEADLINE).expect("connect");
    stream.set_read_timeout(Some(DEADLINE)).expect("timeout");
    stream.write_all(b"slow.bin").expect("send the name");
    // About 8 MB/s: the first 8 MiB `sendfile` alone takes longer than the 0.3 s timeout.
    let mut received = Vec::with_capacity(content.len());
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(len) => received.extend_from_slice(&buf[..len]),
            Err(err) => panic!("the transfer broke after {} bytes: {err}", received.len()),
        }
        thread::sleep(Duration::from_millis(8));
    }
    assert!(
        received == content,
        "{} of {} bytes",
        received.len(),
        content.len()
    );
    let sent = server.wait_for("done", |e| e["event"] == "done");
    assert_eq!(sent["bytes"], content.len());
    server.wait_for("the timeout, once idle", |e| e["event"] == "timeout");
}
