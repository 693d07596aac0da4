//! `--frame` on `tcp connect` and `tcp serve`: one `received` event per message,
//! without its line end, delimiter or length prefix; dropped and incomplete frames
//! said as such; a framing that cannot be used refused before anything connects,
//! naming the field, in the user's language.

mod support;

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use serde_json::Value;
use support::{JsonProcess, netdbg, run_bounded};

const DEADLINE: Duration = Duration::from_secs(10);

/// Writes `bytes` in pieces of 1, 2, 3, 5, 8 and 13 bytes (no Nagle).
fn write_in_odd_pieces(stream: &mut TcpStream, bytes: &[u8]) {
    let mut sizes = [1, 2, 3, 5, 8, 13].into_iter().cycle();
    let mut rest = bytes;
    while !rest.is_empty() {
        let size = sizes.next().unwrap_or(1).min(rest.len());
        stream.write_all(&rest[..size]).expect("write a piece");
        rest = &rest[size..];
    }
}

/// Runs `tcp connect --json` with `args` against a server that writes `wire`
/// (after reading nothing) and closes; returns the events printed.
fn connect_to_writer(frame: &str, wire: Vec<u8>) -> Vec<Value> {
    let listener = TcpListener::bind("127.0.0.1:0").expect("listen");
    let port = listener.local_addr().expect("addr").port();
    let server = thread::spawn(move || {
        let (mut peer, _) = listener.accept().expect("accept");
        peer.set_nodelay(true).expect("nodelay");
        write_in_odd_pieces(&mut peer, &wire);
        peer.shutdown(Shutdown::Write).expect("FIN");
        // Wait for the client's close before dropping the socket.
        let _ = peer.read_to_end(&mut Vec::new());
    });
    let finished = run_bounded(
        netdbg().args([
            "tcp",
            "connect",
            &format!("127.0.0.1:{port}"),
            "--frame",
            frame,
            "--encoding",
            "utf-8",
            "--json",
        ]),
        DEADLINE,
    );
    server.join().expect("server");
    assert!(
        finished.status.success(),
        "{}{}",
        finished.stdout,
        finished.stderr
    );
    finished.events()
}

fn received(events: &[Value]) -> Vec<&Value> {
    events.iter().filter(|e| e["event"] == "received").collect()
}

#[test]
fn connect_prints_one_received_event_per_length_prefixed_message() {
    let wire = b"\x00\x05hello\x00\x00\x00\x06\xE4\xBD\xA0\xE5\xA5\xBD\x00\x01!".to_vec();
    let events = connect_to_writer("len:2be", wire);
    let frames = received(&events);
    let fields: Vec<(&str, u64, &str)> = frames
        .iter()
        .map(|e| {
            (
                e["hex"].as_str().unwrap_or("?"),
                e["len"].as_u64().unwrap_or(99),
                e["text"].as_str().unwrap_or("?"),
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            ("68656c6c6f", 5, "hello"),
            ("", 0, ""),
            ("e4bda0e5a5bd", 6, "你好"),
            ("21", 1, "!"),
        ],
        "{events:?}"
    );
    assert!(frames.iter().all(|e| e["reads"].as_u64() >= Some(1)));
    assert!(frames.iter().all(|e| e.get("incomplete").is_none()));
}

#[test]
fn connect_says_what_was_dropped_and_what_the_close_cut_short() {
    // A 2 MiB frame (over the 1 MiB limit), a good one, then half of one.
    let mut wire = (2u32 * 1024 * 1024).to_be_bytes().to_vec();
    wire.extend(std::iter::repeat_n(b'z', 2 * 1024 * 1024));
    wire.extend_from_slice(b"\x00\x00\x00\x02ok\x00\x00\x00\x09half");
    let events = connect_to_writer("len:4be", wire);
    let error = events
        .iter()
        .find(|e| e["event"] == "frame_error")
        .expect("a frame_error event");
    let message = error["message"].as_str().unwrap_or_default();
    assert!(message.contains("over the limit of 1.0 MiB"), "{message}");
    let frames = received(&events);
    assert_eq!(frames.len(), 2, "{events:?}");
    assert_eq!(frames[0]["text"], "ok");
    assert_eq!(frames[1]["hex"], "0000000968616c66");
    assert_eq!(frames[1]["incomplete"], true);
}

#[test]
fn connect_prints_the_incomplete_mark_for_humans_too() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("listen");
    let port = listener.local_addr().expect("addr").port();
    let server = thread::spawn(move || {
        let (mut peer, _) = listener.accept().expect("accept");
        peer.write_all(b"line one\r\nno end").expect("write");
        peer.shutdown(Shutdown::Write).expect("FIN");
        let _ = peer.read_to_end(&mut Vec::new());
    });
    let finished = run_bounded(
        netdbg().args([
            "tcp",
            "connect",
            &format!("127.0.0.1:{port}"),
            "--frame",
            "line",
        ]),
        DEADLINE,
    );
    server.join().expect("server");
    let lines: Vec<&str> = finished.stdout.lines().collect();
    assert!(
        lines.iter().any(|l| l.ends_with("8 bytes | line one")),
        "{}",
        finished.stdout
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("[incomplete frame at close]") && l.ends_with("| no end")),
        "{}",
        finished.stdout
    );
}

#[test]
fn serve_frames_each_client_and_answers_each_message_once() {
    let mut server = JsonProcess::spawn(
        netdbg().args([
            "tcp",
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--frame",
            "delim:0D0A",
            "--reply",
            "ok",
            "--timeout",
            "30",
            "--json",
        ]),
        DEADLINE,
    );
    let listening = server.wait_for("listening", |e| e["event"] == "listening");
    let addr: SocketAddr = listening["local"]
        .as_str()
        .and_then(|a| a.parse().ok())
        .expect("address");
    let mut client = TcpStream::connect_timeout(&addr, DEADLINE).expect("connect");
    client.set_nodelay(true).expect("nodelay");
    client.set_read_timeout(Some(DEADLINE)).expect("timeout");
    write_in_odd_pieces(&mut client, b"first\r\n\r\nthird\r\ncut");
    let mut replies = [0u8; 6];
    client.read_exact(&mut replies).expect("three answers");
    assert_eq!(&replies, b"okokok");
    client.shutdown(Shutdown::Write).expect("FIN");
    let mut texts = Vec::new();
    for _ in 0..4 {
        let event = server.wait_for("a message", |e| e["event"] == "received");
        texts.push((event["text"].clone(), event.get("incomplete").cloned()));
    }
    assert_eq!(
        texts,
        [
            (Value::from("first"), None),
            (Value::from(""), None),
            (Value::from("third"), None),
            (Value::from("cut"), Some(Value::from(true))),
        ]
    );
    server.wait_for("the close", |e| e["event"] == "closed");
}

/// A bad `--frame`: exit 2 before anything connects, the field named.
#[track_caller]
fn refused(command: &[&str], frame: &str, lang: &str) -> String {
    let finished = run_bounded(
        netdbg()
            .env("NETDBG_LANG", lang)
            .args(command)
            .args(["--frame", frame]),
        DEADLINE,
    );
    assert_eq!(
        finished.status.code(),
        Some(2),
        "{frame}: {}",
        finished.stderr
    );
    assert!(
        finished.stdout.is_empty(),
        "nothing ran: {}",
        finished.stdout
    );
    finished.stderr
}

#[test]
fn bad_framings_are_refused_naming_the_field() {
    // Port 9 has no server: an input error must come before any connecting.
    let connect: &[&str] = &["tcp", "connect", "127.0.0.1:9"];
    let serve: &[&str] = &["tcp", "serve", "--bind", "127.0.0.1:0"];
    let cases = [
        ("len:3", "Length field width \"3\""),
        ("len:8be", "Length field width \"8be\""),
        ("len:2be@x", "Length field offset \"x\""),
        ("len:2be,adj=1.5", "Length adjustment \"1.5\""),
        ("len:2be,all", "Length prefix option \"all\""),
        ("delim:zz", "Delimiter \"zz\" is not HEX"),
        ("delim:", "The delimiter is empty"),
        ("fixed:0", "Fixed frame size \"0\""),
        ("idle:0", "Idle gap \"0\""),
        ("idle:600001", "Idle gap \"600001\""),
        ("json", "Unknown framing \"json\""),
    ];
    for (frame, words) in cases {
        for command in [connect, serve] {
            let stderr = refused(command, frame, "en");
            assert!(stderr.contains(words), "{frame}: {stderr}");
        }
    }
    let stderr = refused(connect, "len:3", "zh");
    assert!(stderr.contains("长度字段宽度“3”无效"), "{stderr}");
    let stderr = refused(serve, "idle:0", "zh");
    assert!(stderr.contains("空闲间隔“0”无效"), "{stderr}");
}
