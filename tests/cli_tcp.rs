//! `netdbg tcp connect` against the tutorial's own GBK TCP server, in Python.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::Value;
use support::{has_python, netdbg};

/// The tutorial's server, unchanged but for binding 127.0.0.1:0 and printing its port.
const TUTORIAL_SERVER: &str = r#"
from socket import *
tcp_server_socket = socket(AF_INET, SOCK_STREAM)
tcp_server_socket.bind(("127.0.0.1", 0))
tcp_server_socket.listen(128)
print(tcp_server_socket.getsockname()[1], flush=True)
new_client_server, client_addr = tcp_server_socket.accept()
while True:
    tcp_recv_msg = new_client_server.recv(1024)
    if tcp_recv_msg:
        print(tcp_recv_msg.decode("gbk"), flush=True)
        new_client_server.send("收到".encode("gbk"))
    else:
        new_client_server.send("再见!".encode("gbk"))
        break
new_client_server.close()
"#;

#[test]
fn tutorial_server_answers_and_says_goodbye() {
    if !has_python() {
        eprintln!("python3 not installed; skipping");
        return;
    }
    let mut server = Command::new("python3")
        .args(["-c", TUTORIAL_SERVER])
        .stdout(Stdio::piped())
        .spawn()
        .expect("python server");
    let mut lines = BufReader::new(server.stdout.take().expect("stdout"));
    let mut port = String::new();
    lines.read_line(&mut port).expect("port");
    let output = netdbg()
        .args(["tcp", "connect", &format!("127.0.0.1:{}", port.trim())])
        .args([
            "--encoding",
            "gbk",
            "--send",
            "你好",
            "--wait",
            "1",
            "--json",
        ])
        .output()
        .expect("run connect");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let events: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["event"].as_str()).collect();
    assert_eq!(kinds.first(), Some(&"connected"));
    assert_eq!(kinds.last(), Some(&"closed"));
    let received: String = events
        .iter()
        .filter(|e| e["event"] == "received")
        .filter_map(|e| e["text"].as_str())
        .collect();
    assert_eq!(
        received, "收到再见!",
        "the reply, then the farewell after our FIN"
    );
    assert_eq!(events.last().expect("last")["by"], "peer");
    let mut got = String::new();
    lines.read_line(&mut got).expect("server printed");
    assert_eq!(got.trim_end(), "你好");
    assert!(server.wait().expect("server exits").success());
}

#[test]
fn refused_connection_exits_1_with_a_plain_reason() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let output = netdbg()
        .args(["tcp", "connect", &format!("127.0.0.1:{port}")])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("refused the connection"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1);
}

#[test]
fn bad_input_exits_2() {
    for args in [
        &["tcp", "connect", "127.0.0.1"][..],
        &["tcp", "connect", "127.0.0.1:9", "--hex", "--send", "zz"],
    ] {
        let output = netdbg().args(args).output().expect("run");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
    }
}
