//! What a peer sends is never printed raw: a file name or a payload carrying ESC
//! sequences, BEL, a newline with a fake log line after it, or a bidi override shows
//! as escapes on the one line of its event, in every command's text output; JSON
//! keeps the raw text in its values and no such character in the line itself.

mod support;

use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::process::{Child, Stdio};
use std::sync::mpsc::Receiver;
use std::time::Duration;

use netdbg::codec::{is_hidden, visible_text};
use support::{line_reader, netdbg};

const DEADLINE: Duration = Duration::from_secs(10);

/// Clears the screen, rings the bell, starts a line that looks like netdbg's own, and
/// turns the rest of the line around.
const NASTY: &str = "\x1b[2J\x07evil\nnetdbg: FAKE line \u{202E}txt.exe";

/// A server started in text mode; `--timeout 1` ends it once the test is quiet.
struct TextServer {
    child: Child,
    lines: Receiver<String>,
    addr: SocketAddr,
}

impl TextServer {
    /// `args` must make the first line name the address as its last `ip:port`-looking word.
    fn start(args: &[&str]) -> Self {
        let mut child = netdbg()
            .args(args)
            .args(["--timeout", "1"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("start netdbg");
        let lines = line_reader(&mut child);
        let first = lines.recv_timeout(DEADLINE).expect("the listening line");
        let addr = first
            .split([' ', ','])
            .find_map(|word| word.parse().ok())
            .unwrap_or_else(|| panic!("no address in {first:?}"));
        TextServer { child, lines, addr }
    }

    /// Every line after the first, until the server exits by itself.
    fn rest(mut self) -> Vec<String> {
        let mut rest = Vec::new();
        while let Ok(line) = self.lines.recv_timeout(DEADLINE) {
            rest.push(line);
        }
        let status = self.child.wait().expect("the server exits");
        assert!(status.success(), "{status}: {rest:?}");
        rest
    }
}

/// No raw control or bidi character anywhere, and the fake line did not start a line.
#[track_caller]
fn assert_escaped(lines: &[String]) {
    for line in lines {
        assert!(!line.chars().any(is_hidden), "raw control in {line:?}");
        assert!(!line.starts_with("netdbg: FAKE"), "a faked line: {lines:?}");
    }
    let carrying: Vec<&String> = lines.iter().filter(|l| l.contains("FAKE line")).collect();
    assert_eq!(carrying.len(), 1, "one line for the request: {lines:?}");
    assert!(
        carrying[0].contains("\\x1B[2J\\x07evil\\nnetdbg: FAKE line \\u{202E}txt.exe"),
        "{carrying:?}"
    );
}

#[test]
fn file_serve_prints_a_hostile_name_escaped_on_one_line() {
    let root = std::env::temp_dir().join(format!("netdbg-untrusted-{}", std::process::id()));
    fs::create_dir_all(&root).expect("the shared folder");
    let root_text = root.display().to_string();
    let server = TextServer::start(&[
        "file",
        "serve",
        "--bind",
        "127.0.0.1:0",
        "--root",
        &root_text,
    ]);
    let mut client = TcpStream::connect(server.addr).expect("connect");
    client.write_all(NASTY.as_bytes()).expect("send the name");
    let mut reply = Vec::new();
    client
        .set_read_timeout(Some(DEADLINE))
        .expect("read timeout");
    client.read_to_end(&mut reply).expect("the server closes");
    assert!(reply.is_empty(), "no such file: nothing sent");
    let rest = server.rest();
    let _ = fs::remove_dir_all(&root);
    assert_escaped(&rest);
    // The request's line and the timeout line; nothing else.
    assert_eq!(rest.len(), 2, "{rest:?}");
}

#[test]
fn file_serve_json_keeps_the_raw_name_in_its_value() {
    let root = std::env::temp_dir().join(format!("netdbg-untrusted-json-{}", std::process::id()));
    fs::create_dir_all(&root).expect("the shared folder");
    let mut child = netdbg()
        .args([
            "file",
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--json",
            "--timeout",
            "1",
        ])
        .arg("--root")
        .arg(&root)
        .stdout(Stdio::piped())
        .spawn()
        .expect("start netdbg");
    let lines = line_reader(&mut child);
    let listening: serde_json::Value =
        serde_json::from_str(&lines.recv_timeout(DEADLINE).expect("listening")).expect("JSON");
    let addr: SocketAddr = listening["local"]
        .as_str()
        .and_then(|local| local.parse().ok())
        .expect("address");
    let mut client = TcpStream::connect(addr).expect("connect");
    client.write_all(NASTY.as_bytes()).expect("send the name");
    let mut rest = Vec::new();
    while let Ok(line) = lines.recv_timeout(DEADLINE) {
        rest.push(line);
    }
    assert!(child.wait().expect("exits").success());
    let _ = fs::remove_dir_all(&root);
    let refused = rest
        .iter()
        .find(|line| line.contains("FAKE line"))
        .unwrap_or_else(|| panic!("no line for the request: {rest:?}"));
    assert!(!refused.chars().any(is_hidden), "{refused:?}");
    let event: serde_json::Value = serde_json::from_str(refused).expect("JSON");
    let name = event["name"].as_str().expect("a name");
    // The server may tidy the name, but what it shows must mean what was sent.
    assert_eq!(visible_text(name), visible_text(NASTY), "{event}");
}

#[test]
fn tcp_serve_prints_a_hostile_payload_escaped_on_one_line() {
    let server = TextServer::start(&["tcp", "serve", "--bind", "127.0.0.1:0"]);
    let mut client = TcpStream::connect(server.addr).expect("connect");
    client.write_all(NASTY.as_bytes()).expect("send");
    client
        .shutdown(std::net::Shutdown::Write)
        .expect("hang up our side");
    client
        .set_read_timeout(Some(DEADLINE))
        .expect("read timeout");
    let _ = client.read_to_end(&mut Vec::new());
    assert_escaped(&server.rest());
}

#[test]
fn udp_listen_prints_a_hostile_payload_escaped_on_one_line() {
    let mut child = netdbg()
        .args(["udp", "listen", "--bind", "127.0.0.1:0", "--count", "1"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start netdbg");
    let lines = line_reader(&mut child);
    let first = lines.recv_timeout(DEADLINE).expect("the bound line");
    let addr: SocketAddr = first
        .split(' ')
        .find_map(|word| word.parse().ok())
        .unwrap_or_else(|| panic!("no address in {first:?}"));
    let sender = UdpSocket::bind("127.0.0.1:0").expect("bind");
    sender.send_to(NASTY.as_bytes(), addr).expect("send");
    let mut rest = Vec::new();
    while let Ok(line) = lines.recv_timeout(DEADLINE) {
        rest.push(line);
    }
    assert!(child.wait().expect("exits").success());
    assert_escaped(&rest);
    assert_eq!(rest.len(), 1, "{rest:?}");
}
