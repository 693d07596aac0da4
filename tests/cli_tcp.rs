//! `netdbg tcp connect` against the tutorial's own GBK TCP server, in Python.

mod support;

use std::io::BufRead;

use serde_json::Value;
use support::{has_python, netdbg, start_tutorial_tcp_server};

#[test]
fn tutorial_server_answers_and_says_goodbye() {
    if !has_python() {
        eprintln!("python3 not installed; skipping");
        return;
    }
    let (mut server, mut lines, port) = start_tutorial_tcp_server();
    let output = netdbg()
        .args(["tcp", "connect", &format!("127.0.0.1:{port}")])
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
