//! `--encoding auto`, the CLI's default: each message prints as UTF-8 when it is
//! valid UTF-8, else in the system's legacy code page (GBK on a Chinese system,
//! Windows-1252 on a Western one), and says which in JSON (`"encoding"`) and in a
//! human line (`[GBK]`). The system is the child's locale variables.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, UdpSocket};
use std::process::{Command, Stdio};
use std::thread;
use std::time::Duration;

use serde_json::Value;
use support::{JsonProcess, has_python, netdbg, port_of, start_tutorial_tcp_server};

const LIMIT: Duration = Duration::from_secs(20);

/// netdbg as on a system whose locale is `locale` (e.g. "zh_CN.UTF-8").
fn netdbg_in(locale: &str) -> Command {
    let mut command = netdbg();
    command
        .env_remove("LANGUAGE")
        .env_remove("LC_MESSAGES")
        .env("LC_ALL", locale)
        .env("LANG", locale);
    command
}

/// `udp listen --json` (no --encoding) on an OS-picked port, and that port.
fn udp_listen(locale: &str, extra: &[&str]) -> (JsonProcess, u16) {
    let mut listener = JsonProcess::spawn(
        netdbg_in(locale)
            .args(["udp", "listen", "--bind", "127.0.0.1:0", "--json"])
            .args(["--timeout", "20"])
            .args(extra),
        LIMIT,
    );
    let bound = listener.wait_for("bound", |e| e["event"] == "bound");
    let port = port_of(&bound);
    (listener, port)
}

fn received(listener: &mut JsonProcess) -> Value {
    listener.wait_for("a datagram", |e| e["event"] == "received")
}

#[test]
fn udp_on_a_chinese_system_shows_utf8_and_gbk_each_as_itself() {
    let (mut listener, port) = udp_listen("zh_CN.UTF-8", &["--count", "3"]);
    let peer = UdpSocket::bind("127.0.0.1:0").expect("peer");
    for datagram in ["你好".as_bytes(), &[0xc4, 0xe3, 0xba, 0xc3][..], b"hi\r\n"] {
        peer.send_to(datagram, ("127.0.0.1", port)).expect("send");
        // One at a time, so they print in this order.
        thread::sleep(Duration::from_millis(50));
    }
    let utf8 = received(&mut listener);
    assert_eq!(
        (utf8["text"].as_str(), utf8["encoding"].as_str()),
        (Some("你好"), Some("UTF-8"))
    );
    let gbk = received(&mut listener);
    assert_eq!(
        (gbk["text"].as_str(), gbk["encoding"].as_str()),
        (Some("你好"), Some("GBK"))
    );
    assert_eq!(gbk["hex"], "c4e3bac3");
    let ascii = received(&mut listener);
    assert_eq!(ascii["encoding"], "UTF-8");
    assert!(listener.wait_exit().success());
}

#[test]
fn udp_on_a_western_system_falls_back_to_windows_1252() {
    let (mut listener, port) = udp_listen("de_DE.UTF-8", &["--count", "1"]);
    let peer = UdpSocket::bind("127.0.0.1:0").expect("peer");
    peer.send_to(b"Gr\xfc\xdfe", ("127.0.0.1", port))
        .expect("send");
    let latin = received(&mut listener);
    assert_eq!(latin["text"], "Grüße");
    assert_eq!(latin["encoding"], "Windows-1252");
}

#[test]
fn a_fixed_encoding_still_overrides_auto() {
    let (mut listener, port) = udp_listen("zh_CN.UTF-8", &["--count", "1", "--encoding", "utf-8"]);
    let peer = UdpSocket::bind("127.0.0.1:0").expect("peer");
    peer.send_to(&[0xc4, 0xe3], ("127.0.0.1", port))
        .expect("send");
    let event = received(&mut listener);
    assert_eq!(event["encoding"], "UTF-8");
    assert_eq!(event["text"], "\u{fffd}\u{fffd}");
}

#[test]
fn human_lines_tag_what_auto_picked_for_text_that_is_not_ascii() {
    let mut child = netdbg_in("zh_CN.UTF-8")
        .args(["udp", "listen", "--bind", "127.0.0.1:0", "--count", "3"])
        .args(["--timeout", "20"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start listen");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout"));
    let mut bound = String::new();
    lines.read_line(&mut bound).expect("bound line");
    let port: u16 = bound
        .trim()
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("a port in {bound:?}"));
    let peer = UdpSocket::bind("127.0.0.1:0").expect("peer");
    let mut shown = Vec::new();
    for datagram in [&[0xc4, 0xe3, 0xba, 0xc3][..], "网络".as_bytes(), b"plain"] {
        peer.send_to(datagram, ("127.0.0.1", port)).expect("send");
        let mut line = String::new();
        lines.read_line(&mut line).expect("a line per datagram");
        shown.push(line);
    }
    assert!(shown[0].contains("[GBK] | 你好"), "{}", shown[0]);
    assert!(shown[1].contains("[UTF-8] | 网络"), "{}", shown[1]);
    assert!(
        shown[2].ends_with("| plain\n") && !shown[2].contains('['),
        "{}",
        shown[2]
    );
    assert!(child.wait().expect("exit").success());
}

/// A TCP peer that writes `pieces` with a pause between them, then hangs up.
fn tcp_peer(pieces: &'static [&'static [u8]]) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else {
            return;
        };
        for piece in pieces {
            if stream.write_all(piece).is_err() {
                return;
            }
            thread::sleep(Duration::from_millis(150));
        }
    });
    port
}

fn connect_json(locale: &str, port: u16) -> Vec<Value> {
    let output = netdbg_in(locale)
        .args(["tcp", "connect", &format!("127.0.0.1:{port}"), "--json"])
        .args(["--wait", "5"])
        .output()
        .expect("run connect");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .filter(|event: &Value| event["event"] == "received")
        .collect()
}

fn texts_and_encodings(events: &[Value]) -> Vec<(String, String)> {
    events
        .iter()
        .map(|e| {
            let field = |name: &str| e[name].as_str().unwrap_or_default().to_owned();
            (field("text"), field("encoding"))
        })
        .collect()
}

#[test]
fn tcp_utf8_character_split_across_reads_prints_whole() {
    static PIECES: &[&[u8]] = &[b"a\xe4\xbd", b"\xa0\xe5\xa5\xbd", b"\xc4\xe3\r\n"];
    let events = connect_json("zh_CN.UTF-8", tcp_peer(PIECES));
    assert_eq!(
        texts_and_encodings(&events),
        [
            ("a".into(), "UTF-8".into()),
            ("你好".into(), "UTF-8".into()),
            ("你\r\n".into(), "GBK".into()),
        ]
    );
}

#[test]
fn tcp_character_left_unfinished_at_hang_up_still_prints() {
    // C3 could start a UTF-8 character; the peer hangs up before its end.
    static PIECES: &[&[u8]] = &[b"A\xc3"];
    let events = connect_json("en_US.UTF-8", tcp_peer(PIECES));
    assert_eq!(
        texts_and_encodings(&events),
        [
            ("A".into(), "UTF-8".into()),
            ("Ã".into(), "Windows-1252".into())
        ]
    );
    assert_eq!(
        events[1]["len"], 0,
        "its byte was counted with the read before"
    );
}

/// The tutorial's GBK server, talked to from a Chinese system with no --encoding:
/// Auto sends GBK (what the system's programs send) and shows GBK replies.
#[test]
fn tutorial_gbk_server_needs_no_encoding_option_on_a_chinese_system() {
    if !has_python() {
        eprintln!("python3 not installed; skipping");
        return;
    }
    let (mut server, mut lines, port) = start_tutorial_tcp_server();
    let output = netdbg_in("zh_CN.UTF-8")
        .args(["tcp", "connect", &format!("127.0.0.1:{port}")])
        .args(["--send", "你好", "--wait", "1", "--json"])
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
    let sent = events.iter().find(|e| e["event"] == "sent").expect("sent");
    assert_eq!(sent["hex"], "c4e3bac3");
    let received: Vec<(String, String)> = texts_and_encodings(
        &events
            .iter()
            .filter(|e| e["event"] == "received")
            .cloned()
            .collect::<Vec<_>>(),
    );
    let text: String = received.iter().map(|(text, _)| text.as_str()).collect();
    assert_eq!(text, "收到再见!");
    assert!(
        received.iter().all(|(_, encoding)| encoding == "GBK"),
        "{received:?}"
    );
    let mut got = String::new();
    lines.read_line(&mut got).expect("server printed");
    assert_eq!(got.trim(), "你好");
    let _ = server.wait();
}
