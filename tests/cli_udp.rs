//! `netdbg udp listen` and `netdbg udp send` as separate processes on loopback.

mod support;

use std::io::{BufRead, BufReader};
use std::net::UdpSocket;
use std::process::{Child, ChildStdout, Command, Stdio};

use serde_json::Value;
use support::{has_python, netdbg, port_of, read_json};

struct Listener {
    child: Child,
    lines: BufReader<ChildStdout>,
    port: u16,
}

/// Starts `udp listen` on an OS-picked port and reads the port from its first JSON line.
fn listen(extra: &[&str]) -> Listener {
    let mut child = netdbg()
        .args([
            "udp",
            "listen",
            "--bind",
            "127.0.0.1:0",
            "--json",
            "--timeout",
            "20",
        ])
        .args(extra)
        .stdout(Stdio::piped())
        .spawn()
        .expect("start netdbg udp listen");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout"));
    let bound = read_json(&mut lines);
    assert_eq!(bound["event"], "bound");
    let port = port_of(&bound);
    Listener { child, lines, port }
}

#[test]
fn send_reaches_listen_as_json() {
    let mut listener = listen(&["--count", "2", "--encoding", "gbk"]);
    let to = format!("127.0.0.1:{}", listener.port);
    let status = netdbg()
        .args(["udp", "send", "--to", &to, "--encoding", "gbk", "你好"])
        .status()
        .expect("run send");
    assert!(status.success());
    let status = netdbg()
        .args(["udp", "send", "--to", &to, "--hex", "48 65 6c 6c 6f"])
        .status()
        .expect("run send");
    assert!(status.success());

    let first = read_json(&mut listener.lines);
    assert_eq!(first["event"], "received");
    assert_eq!(first["hex"], "c4e3bac3");
    assert_eq!(first["text"], "你好");
    assert_eq!(first["len"], 4);
    assert!(
        first["peer"]
            .as_str()
            .expect("peer")
            .starts_with("127.0.0.1:")
    );
    let second = read_json(&mut listener.lines);
    assert_eq!(second["text"], "Hello");
    assert!(
        listener.child.wait().expect("listen exits").success(),
        "--count 2 ends listen"
    );
}

#[test]
fn listen_prints_human_lines_and_stops_when_idle() {
    let mut child = netdbg()
        .args(["udp", "listen", "--bind", "127.0.0.1:0", "--timeout", "0.5"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout"));
    let mut bound = String::new();
    lines.read_line(&mut bound).expect("first line");
    assert!(bound.contains("UDP open on 127.0.0.1:"), "{bound}");
    let port: u16 = bound
        .trim()
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("port");
    let peer = UdpSocket::bind("127.0.0.1:0").expect("peer");
    peer.send_to(b"line\r\n", ("127.0.0.1", port))
        .expect("send");
    let mut received = String::new();
    lines.read_line(&mut received).expect("received line");
    assert!(received.contains("RX"), "{received}");
    assert!(
        received.contains("line\\r\\n"),
        "control characters shown as escapes: {received}"
    );
    assert!(
        child.wait().expect("exit").success(),
        "idle timeout is a normal end"
    );
}

#[test]
fn send_repeats_and_prints_the_reply() {
    let echo = UdpSocket::bind("127.0.0.1:0").expect("echo");
    let port = echo.local_addr().expect("addr").port();
    let server = std::thread::spawn(move || {
        let mut buf = [0u8; 64];
        for _ in 0..3 {
            let (len, from) = echo.recv_from(&mut buf).expect("echo receives");
            echo.send_to(&buf[..len], from).expect("echo replies");
        }
    });
    let output = netdbg()
        .args([
            "udp",
            "send",
            "--to",
            &format!("127.0.0.1:{port}"),
            "--json",
        ])
        .args([
            "--repeat",
            "3",
            "--interval",
            "10",
            "--wait",
            "0.5",
            "--escapes",
            "a\\x00b",
        ])
        .output()
        .expect("run send");
    assert!(output.status.success());
    server.join().expect("echo thread");
    let events: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    let count = |name: &str| events.iter().filter(|e| e["event"] == name).count();
    assert_eq!(count("sent"), 3);
    assert_eq!(count("received"), 3);
    assert!(
        events
            .iter()
            .filter(|e| e["event"] == "sent")
            .all(|e| e["hex"] == "610062")
    );
}

#[test]
fn bad_input_exits_2_with_one_clear_line() {
    let cases: [&[&str]; 5] = [
        &["udp", "send", "--to", "127.0.0.1", "x"],
        &["udp", "send", "--to", "127.0.0.1:65536", "x"],
        &["udp", "send", "--to", "127.0.0.1:9", "--hex", "4G"],
        &["udp", "listen", "--bind", "127.0.0.1:abc"],
        &[
            "udp",
            "send",
            "--to",
            "127.0.0.1:9",
            "--encoding",
            "klingon",
            "x",
        ],
    ];
    for args in cases {
        let output = netdbg().args(args).output().expect("run");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn messages_follow_the_language() {
    let output = netdbg()
        .args([
            "--lang",
            "zh",
            "udp",
            "send",
            "--to",
            "127.0.0.1:70000",
            "x",
        ])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("超出范围"));
}

#[test]
fn port_in_use_exits_1() {
    let holder = UdpSocket::bind("127.0.0.1:0").expect("holder");
    let port = holder.local_addr().expect("addr").port();
    let output = netdbg()
        .args(["udp", "listen", "--bind", &format!("127.0.0.1:{port}")])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("Port {port} is already in use")),
        "{stderr}"
    );
}

#[test]
fn help_and_version() {
    let help = netdbg().arg("--help").output().expect("run");
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("udp"));
    let version = netdbg().arg("--version").output().expect("run");
    assert!(String::from_utf8_lossy(&version.stdout).contains(env!("CARGO_PKG_VERSION")));
}

/// The tutorial's receiver (`recvfrom(1024)`, `decode('gbk')`) against `netdbg udp send`,
/// and its sender (`sendto(...encode('gbk'))`) against `netdbg udp listen`.
#[test]
fn tutorial_python_peers_both_ways() {
    if !has_python() {
        eprintln!("python3 not installed; skipping");
        return;
    }
    let receiver = "from socket import *\n\
        s = socket(AF_INET, SOCK_DGRAM)\n\
        s.bind(('127.0.0.1', 0))\n\
        print(s.getsockname()[1], flush=True)\n\
        data, addr = s.recvfrom(1024)\n\
        print(data.decode('gbk'), flush=True)\n";
    let mut python = Command::new("python3")
        .args(["-c", receiver])
        .stdout(Stdio::piped())
        .spawn()
        .expect("python receiver");
    let mut lines = BufReader::new(python.stdout.take().expect("stdout"));
    let mut port = String::new();
    lines.read_line(&mut port).expect("port line");
    let status = netdbg()
        .args([
            "udp",
            "send",
            "--to",
            &format!("127.0.0.1:{}", port.trim()),
            "--encoding",
            "gbk",
            "收到 你好",
        ])
        .status()
        .expect("send");
    assert!(status.success());
    let mut text = String::new();
    lines.read_line(&mut text).expect("decoded line");
    assert_eq!(text.trim_end(), "收到 你好");
    assert!(python.wait().expect("python exits").success());

    let mut listener = listen(&["--count", "1", "--encoding", "gbk"]);
    let sender = format!(
        "from socket import *\n\
         s = socket(AF_INET, SOCK_DGRAM)\n\
         s.sendto('你好，网络调试助手'.encode('gbk'), ('127.0.0.1', {}))\n",
        listener.port
    );
    assert!(
        Command::new("python3")
            .args(["-c", &sender])
            .status()
            .expect("python sender")
            .success()
    );
    let received = read_json(&mut listener.lines);
    assert_eq!(received["text"], "你好，网络调试助手");
    assert!(listener.child.wait().expect("listen exits").success());
}
