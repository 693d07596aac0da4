//! The send options on the command line (line endings, checksums, periodic send,
//! capture), as separate `netdbg` processes against std sockets on loopback.

mod support;

use std::io::{BufReader, Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Output, Stdio};
use std::time::Duration;

use serde_json::Value;
use support::{netdbg, port_of, read_json};

const WAIT: Duration = Duration::from_secs(10);
/// Longest any one netdbg run in these tests may take.
const RUN_LIMIT: Duration = Duration::from_secs(30);

/// Runs to the end, or fails the test after [`RUN_LIMIT`].
fn run(command: &mut Command) -> Output {
    let child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start netdbg");
    finish(child)
}

fn finish(child: Child) -> Output {
    let (tx, rx) = crossbeam_channel::bounded(1);
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    rx.recv_timeout(RUN_LIMIT)
        .expect("netdbg finished in time")
        .expect("netdbg output")
}

fn json_lines(output: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect()
}

/// A fresh path in the temp folder; removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!(
            "netdbg-cli-capture-{}-{name}.jsonl",
            std::process::id()
        ));
        let _ = std::fs::remove_file(&path);
        TempFile(path)
    }

    fn arg(&self) -> &str {
        self.0.to_str().expect("temp path is UTF-8")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The `event` of every lifecycle record (a TCP connection opened, closed or reset)
/// in a capture file, in order.
fn capture_lifecycle(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .expect("capture file")
        .lines()
        .filter_map(|line| {
            let record: Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
            record["event"].as_str().map(str::to_owned)
        })
        .collect()
}

/// `(dir, hex)` of every data record in a capture file (lifecycle records left out).
fn capture_records(path: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(path)
        .expect("capture file")
        .lines()
        .filter(|line| !line.contains(r#""event":"#))
        .map(|line| {
            let record: Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
            assert!(
                record["time"].is_string() && record["peer"].is_string(),
                "{line}"
            );
            assert_eq!(
                record["len"].as_u64().map(|len| len * 2),
                record["hex"].as_str().map(|hex| hex.len() as u64),
                "{line}"
            );
            (
                record["dir"].as_str().expect("dir").to_owned(),
                record["hex"].as_str().expect("hex").to_owned(),
            )
        })
        .collect()
}

fn capture_event(events: &[Value]) -> &Value {
    events
        .iter()
        .find(|e| e["event"] == "capture")
        .unwrap_or_else(|| panic!("no capture event in {events:?}"))
}

#[test]
fn udp_send_crlf_and_crc16_modbus_reach_the_wire() {
    let peer = UdpSocket::bind("127.0.0.1:0").expect("peer");
    peer.set_read_timeout(Some(WAIT)).expect("timeout");
    let port = peer.local_addr().expect("addr").port();
    let capture = TempFile::new("udp-send");
    // The peer answers, so the capture has a reply to keep as well.
    let echo = std::thread::spawn(move || {
        let mut buf = [0u8; 64];
        let (len, from) = peer.recv_from(&mut buf).expect("datagram arrives");
        peer.send_to(b"ok", from).expect("reply");
        buf[..len].to_vec()
    });
    let output = run(netdbg().args([
        "udp",
        "send",
        "--to",
        &format!("127.0.0.1:{port}"),
        "--crlf",
        "--checksum",
        "crc16-modbus",
        "--wait",
        "0.5",
        "--capture",
        capture.arg(),
        "--json",
        "123456789",
    ]));
    assert!(output.status.success(), "{output:?}");
    // CRC-16/Modbus of "123456789\r\n" is 0x90D2, sent low byte first.
    let wire = echo.join().expect("echo thread");
    assert_eq!(wire, b"123456789\r\n\xD2\x90");

    let events = json_lines(&output);
    let sent: Vec<&Value> = events.iter().filter(|e| e["event"] == "sent").collect();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["hex"], "3132333435363738390d0ad290");
    assert_eq!(capture_event(&events)["records"], 2);
    assert_eq!(
        capture_records(&capture.0),
        [
            ("tx".to_owned(), "3132333435363738390d0ad290".to_owned()),
            ("rx".to_owned(), "6f6b".to_owned()),
        ]
    );
}

#[test]
fn udp_send_hex_with_cr_and_each_checksum() {
    let cases = [
        ("sum8", "01 03 0D 11"),
        ("xor8", "01 03 0D 0F"),
        ("crc16-ccitt", "01 03 0D"),
        ("crc32", "01 03 0D"),
    ];
    let peer = UdpSocket::bind("127.0.0.1:0").expect("peer");
    peer.set_read_timeout(Some(WAIT)).expect("timeout");
    let port = peer.local_addr().expect("addr").port();
    for (checksum, prefix) in cases {
        let output = run(netdbg().args([
            "udp",
            "send",
            "--to",
            &format!("127.0.0.1:{port}"),
            "--hex",
            "--cr",
            "--checksum",
            checksum,
            "01 03",
        ]));
        assert!(output.status.success(), "{checksum}: {output:?}");
        let mut buf = [0u8; 64];
        let (len, _) = peer.recv_from(&mut buf).expect("datagram");
        let wire = &buf[..len];
        let prefix = netdbg::codec::parse_hex(prefix).expect("hex");
        assert!(wire.starts_with(&prefix), "{checksum}: {wire:02X?}");
        let expected_len = match checksum {
            "sum8" | "xor8" => 4,
            "crc16-ccitt" => 5,
            _ => 7,
        };
        assert_eq!(wire.len(), expected_len, "{checksum}: {wire:02X?}");
    }
}

#[test]
fn udp_send_repeats_on_schedule() {
    let peer = UdpSocket::bind("127.0.0.1:0").expect("peer");
    peer.set_read_timeout(Some(WAIT)).expect("timeout");
    let port = peer.local_addr().expect("addr").port();
    let output = run(netdbg().args([
        "udp",
        "send",
        "--to",
        &format!("127.0.0.1:{port}"),
        "--repeat",
        "5",
        "--interval",
        "30",
        "--lf",
        "--json",
        "tick",
    ]));
    assert!(output.status.success(), "{output:?}");
    let mut buf = [0u8; 64];
    for _ in 0..5 {
        let (len, _) = peer.recv_from(&mut buf).expect("datagram");
        assert_eq!(&buf[..len], b"tick\n");
    }
    let times: Vec<chrono::DateTime<chrono::FixedOffset>> = json_lines(&output)
        .iter()
        .filter(|e| e["event"] == "sent")
        .map(|e| {
            chrono::DateTime::parse_from_rfc3339(e["time"].as_str().expect("time"))
                .expect("rfc3339")
        })
        .collect();
    assert_eq!(times.len(), 5);
    // Four intervals of 30 ms: spread out, not a burst.
    let span = times[4] - times[0];
    assert!(span.num_milliseconds() >= 100, "span {span:?}");
}

#[test]
fn tcp_connect_repeats_each_message_with_lf() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("listener");
    let port = listener.local_addr().expect("addr").port();
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().expect("accept");
        stream.set_read_timeout(Some(WAIT)).expect("timeout");
        let mut received = Vec::new();
        // netdbg hangs up (FIN) after --wait of silence, which ends this read.
        stream.read_to_end(&mut received).expect("read until FIN");
        received
    });
    let output = run(netdbg().args([
        "tcp",
        "connect",
        &format!("127.0.0.1:{port}"),
        "--send",
        "X",
        "--repeat",
        "3",
        "--interval",
        "20",
        "--lf",
        "--wait",
        "0.3",
        "--json",
    ]));
    assert!(output.status.success(), "{output:?}");
    assert_eq!(server.join().expect("server thread"), b"X\nX\nX\n");
    let sent = json_lines(&output)
        .iter()
        .filter(|e| e["event"] == "sent")
        .count();
    assert_eq!(sent, 3);
}

#[test]
fn tcp_connect_rounds_keep_message_order_and_capture() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("listener");
    let port = listener.local_addr().expect("addr").port();
    let capture = TempFile::new("tcp-connect");
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().expect("accept");
        stream.set_read_timeout(Some(WAIT)).expect("timeout");
        stream.write_all(b"hello").expect("greet");
        let mut received = Vec::new();
        stream.read_to_end(&mut received).expect("read until FIN");
        received
    });
    let output = run(netdbg().args([
        "tcp",
        "connect",
        &format!("127.0.0.1:{port}"),
        "--send",
        "a",
        "--send",
        "b",
        "--repeat",
        "2",
        "--interval",
        "10",
        "--checksum",
        "xor8",
        "--wait",
        "0.3",
        "--capture",
        capture.arg(),
        "--json",
    ]));
    assert!(output.status.success(), "{output:?}");
    // "a" + xor8 0x61, "b" + 0x62, twice.
    assert_eq!(server.join().expect("server thread"), b"aabbaabb");
    let records = capture_records(&capture.0);
    let tx: Vec<&str> = records
        .iter()
        .filter(|(dir, _)| dir == "tx")
        .map(|(_, hex)| hex.as_str())
        .collect();
    assert_eq!(tx, ["6161", "6262", "6161", "6262"]);
    let rx: String = records
        .iter()
        .filter(|(dir, _)| dir == "rx")
        .map(|(_, hex)| hex.as_str())
        .collect();
    assert_eq!(rx, "68656c6c6f");
    // The connection's open and close are records too.
    assert_eq!(capture_lifecycle(&capture.0), ["open", "close"]);
    assert_eq!(
        capture_event(&json_lines(&output))["records"],
        records.len() + 2
    );
}

#[test]
fn bad_send_options_exit_2_with_one_clear_line() {
    let cases: [(&[&str], &str); 10] = [
        (
            &[
                "udp",
                "send",
                "--to",
                "127.0.0.1:9",
                "--checksum",
                "crc7",
                "x",
            ],
            "Unknown checksum \"crc7\"",
        ),
        (
            &["udp", "send", "--to", "127.0.0.1:9", "--interval", "0", "x"],
            "Interval \"0\" is invalid",
        ),
        (
            &[
                "udp",
                "send",
                "--to",
                "127.0.0.1:9",
                "--interval",
                "soon",
                "x",
            ],
            "Interval \"soon\" is invalid",
        ),
        (
            &["udp", "send", "--to", "127.0.0.1:9", "--repeat", "0", "x"],
            "Repeat count \"0\" is invalid",
        ),
        (
            &["udp", "send", "--to", "127.0.0.1:9", "--repeat", "-1", "x"],
            "Repeat count \"-1\" is invalid",
        ),
        (
            &[
                "tcp",
                "connect",
                "127.0.0.1:9",
                "--send",
                "x",
                "--checksum",
                "md5",
            ],
            "Unknown checksum \"md5\"",
        ),
        (
            &[
                "tcp",
                "connect",
                "127.0.0.1:9",
                "--send",
                "x",
                "--interval",
                "0",
            ],
            "Interval \"0\" is invalid",
        ),
        (
            &[
                "tcp",
                "connect",
                "127.0.0.1:9",
                "--send",
                "x",
                "--repeat",
                "0",
            ],
            "Repeat count \"0\" is invalid",
        ),
        (
            &[
                "tcp",
                "connect",
                "127.0.0.1:9",
                "--send",
                "x",
                "--repeat",
                "many",
            ],
            "Repeat count \"many\" is invalid",
        ),
        (
            &[
                "udp",
                "listen",
                "--bind",
                "127.0.0.1:0",
                "--capture",
                "/nonexistent-netdbg-dir/f",
            ],
            "Cannot write the capture file /nonexistent-netdbg-dir/f",
        ),
    ];
    for (args, message) in cases {
        let output = run(netdbg().args(args));
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn send_option_errors_in_chinese() {
    let cases: [(&[&str], &str); 3] = [
        (
            &[
                "udp",
                "send",
                "--to",
                "127.0.0.1:9",
                "--checksum",
                "crc7",
                "x",
            ],
            "不认识的校验方式",
        ),
        (
            &[
                "tcp",
                "connect",
                "127.0.0.1:9",
                "--send",
                "x",
                "--interval",
                "0",
            ],
            "间隔“0”无效",
        ),
        (
            &["udp", "send", "--to", "127.0.0.1:9", "--repeat", "0", "x"],
            "重复次数“0”无效",
        ),
    ];
    for (args, message) in cases {
        let output = run(netdbg().arg("--lang").arg("zh").args(args));
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
}

#[test]
fn line_endings_are_mutually_exclusive() {
    for pair in [["--cr", "--lf"], ["--lf", "--crlf"], ["--cr", "--crlf"]] {
        let output = run(netdbg()
            .args(["udp", "send", "--to", "127.0.0.1:9"])
            .args(pair)
            .arg("x"));
        assert_eq!(output.status.code(), Some(2), "{pair:?}");
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("cannot be used with"),
            "{pair:?}"
        );
    }
}

#[test]
fn unwritable_capture_stops_udp_send_before_any_traffic() {
    let peer = UdpSocket::bind("127.0.0.1:0").expect("peer");
    let port = peer.local_addr().expect("addr").port();
    let output = run(netdbg().args([
        "udp",
        "send",
        "--to",
        &format!("127.0.0.1:{port}"),
        "--capture",
        "/nonexistent-netdbg-dir/f",
        "x",
    ]));
    assert_eq!(output.status.code(), Some(2));
    peer.set_nonblocking(true).expect("nonblocking");
    let mut buf = [0u8; 8];
    assert!(peer.recv_from(&mut buf).is_err(), "nothing was sent");
}

struct Running {
    child: Child,
    lines: BufReader<ChildStdout>,
}

impl Running {
    /// Reads the rest of stdout, waits for a successful exit, and returns the JSON events.
    #[track_caller]
    fn finish_with_events(mut self) -> Vec<Value> {
        let mut rest = String::new();
        self.lines
            .read_to_string(&mut rest)
            .expect("the rest of stdout");
        let output = finish(self.child);
        assert!(output.status.success(), "{output:?}");
        rest.lines()
            .map(|line| serde_json::from_str(line).expect("json"))
            .collect()
    }
}

fn start(command: &mut Command) -> Running {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start netdbg");
    let lines = BufReader::new(child.stdout.take().expect("stdout"));
    Running { child, lines }
}

#[test]
fn udp_listen_captures_what_it_counts() {
    let capture = TempFile::new("udp-listen");
    let mut listen = start(netdbg().args([
        "udp",
        "listen",
        "--bind",
        "127.0.0.1:0",
        "--count",
        "2",
        "--timeout",
        "20",
        "--capture",
        capture.arg(),
        "--json",
    ]));
    let bound = read_json(&mut listen.lines);
    assert_eq!(bound["event"], "bound");
    let port = port_of(&bound);
    let sender = UdpSocket::bind("127.0.0.1:0").expect("sender");
    sender.send_to(b"one", ("127.0.0.1", port)).expect("send");
    sender
        .send_to(&[0x00, 0xFF], ("127.0.0.1", port))
        .expect("send");
    let events = listen.finish_with_events();
    assert_eq!(capture_event(&events)["records"], 2);
    assert_eq!(
        capture_records(&capture.0),
        [
            ("rx".to_owned(), "6f6e65".to_owned()),
            ("rx".to_owned(), "00ff".to_owned()),
        ]
    );
}

#[test]
fn tcp_serve_captures_both_directions() {
    let capture = TempFile::new("tcp-serve");
    let mut serve = start(netdbg().args([
        "tcp",
        "serve",
        "--bind",
        "127.0.0.1:0",
        "--reply",
        "ok",
        "--timeout",
        "1",
        "--capture",
        capture.arg(),
        "--json",
    ]));
    let listening = read_json(&mut serve.lines);
    assert_eq!(listening["event"], "listening");
    let mut client = TcpStream::connect(("127.0.0.1", port_of(&listening))).expect("connect");
    client.set_read_timeout(Some(WAIT)).expect("timeout");
    client.write_all(b"hi").expect("write");
    let mut reply = [0u8; 2];
    client.read_exact(&mut reply).expect("reply");
    assert_eq!(&reply, b"ok");
    drop(client);
    let events = serve.finish_with_events();
    // What the client sent and the reply, between the connection's open and close.
    assert_eq!(capture_event(&events)["records"], 4);
    assert_eq!(capture_lifecycle(&capture.0), ["open", "close"]);
    assert_eq!(
        capture_records(&capture.0),
        [
            ("rx".to_owned(), "6869".to_owned()),
            ("tx".to_owned(), "6f6b".to_owned()),
        ]
    );
}

#[test]
fn help_documents_the_send_options() {
    for command in [["udp", "send"], ["tcp", "connect"]] {
        let output = run(netdbg().args(command).arg("--help"));
        assert!(output.status.success());
        let help = String::from_utf8_lossy(&output.stdout);
        for needle in [
            "--cr",
            "--lf",
            "--crlf",
            "--checksum",
            "crc16-modbus",
            "CRC-16/Modbus low byte first as Modbus RTU sends it",
            "CRC-16/CCITT-FALSE and CRC-32 high byte first",
            "--repeat",
            "--interval",
            "--capture",
        ] {
            assert!(help.contains(needle), "{command:?} --help lacks {needle}");
        }
    }
    for command in [["udp", "listen"], ["tcp", "serve"]] {
        let output = run(netdbg().args(command).arg("--help"));
        assert!(String::from_utf8_lossy(&output.stdout).contains("--capture <PATH>"));
    }
}
