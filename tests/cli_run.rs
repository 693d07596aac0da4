//! `netdbg run FILE.toml`: sequences against real peers on loopback — the tutorial's
//! GBK server, a server that answers late, an echo server (variables, saved captures,
//! framing, repeat), UDP — and bad scripts refused (exit 2, line and column) before
//! anything connects.

mod support;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::path::PathBuf;
use std::thread;
use std::time::Duration;

use serde_json::Value;
use support::{Finished, has_python, netdbg, run_bounded, start_tutorial_tcp_server};

const LIMIT: Duration = Duration::from_secs(30);

/// Writes `script` to a fresh file and runs it with `--json` and `extra`.
fn run_script(name: &str, script: &str, extra: &[&str]) -> Finished {
    let dir = std::env::temp_dir().join(format!("netdbg-run-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path: PathBuf = dir.join("script.toml");
    std::fs::write(&path, script).expect("write the script");
    let path = path.to_string_lossy().into_owned();
    run_bounded(netdbg().args(["run", &path, "--json"]).args(extra), LIMIT)
}

fn steps(finished: &Finished) -> Vec<Value> {
    finished
        .events()
        .into_iter()
        .filter(|e| e["event"] == "step")
        .collect()
}

/// A server for one client that runs `answer` on the connection.
fn tcp_server(answer: impl FnOnce(TcpStream) + Send + 'static) -> (String, thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let target = listener.local_addr().expect("address").to_string();
    let handle = thread::spawn(move || {
        if let Ok((stream, _)) = listener.accept() {
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .expect("timeout");
            answer(stream);
        }
    });
    (target, handle)
}

#[test]
fn the_tutorial_server_answers_and_the_sequence_passes() {
    if !has_python() {
        eprintln!("skipped: no python3");
        return;
    }
    let (mut server, mut lines, port) = start_tutorial_tcp_server();
    let script = r#"
transport = "tcp"
encoding = "gbk"
[[step]]
send = "你好"
[[step]]
expect = "收到"
timeout_ms = 2000
"#;
    let target = format!("127.0.0.1:{port}");
    let finished = run_script("tutorial", script, &["--target", &target]);
    assert_eq!(
        finished.status.code(),
        Some(0),
        "{}{}",
        finished.stdout,
        finished.stderr
    );
    let steps = steps(&finished);
    assert_eq!(steps.len(), 2, "{}", finished.stdout);
    assert_eq!(steps[0]["kind"], "send");
    assert_eq!(steps[0]["hex"], "c4e3bac3", "你好 in GBK");
    assert_eq!(steps[1]["kind"], "expect");
    assert_eq!(steps[1]["result"], "pass");
    assert_eq!(steps[1]["received_text"], "收到");
    assert_eq!(steps[1]["line"], 6);
    let summary = finished.event("summary");
    assert_eq!(
        (summary["passed"].as_u64(), summary["failed"].as_u64()),
        (Some(2), Some(0))
    );
    let mut got = String::new();
    std::io::BufRead::read_line(&mut lines, &mut got).expect("the server's line");
    assert_eq!(got.trim(), "你好");
    let _ = server.wait();
}

/// A server that answers "late" 600 ms after each message.
fn late_server() -> (String, thread::JoinHandle<()>) {
    tcp_server(|mut stream| {
        let mut buf = [0u8; 64];
        while let Ok(len) = stream.read(&mut buf) {
            if len == 0 {
                break;
            }
            thread::sleep(Duration::from_millis(600));
            if stream.write_all(b"late").is_err() {
                break;
            }
        }
    })
}

#[test]
fn a_late_answer_fails_with_the_measured_time_and_exit_3() {
    let (target, _server) = late_server();
    let script = format!(
        "target = \"{target}\"\n[[step]]\nsend = \"hi\"\n[[step]]\nexpect = \"late\"\ntimeout_ms = 200\n[[step]]\nsend = \"never\"\n"
    );
    let finished = run_script("late", &script, &[]);
    assert_eq!(
        finished.status.code(),
        Some(3),
        "{}{}",
        finished.stdout,
        finished.stderr
    );
    let steps = steps(&finished);
    assert_eq!(
        steps.len(),
        2,
        "on_fail = stop by default: {}",
        finished.stdout
    );
    assert_eq!(steps[1]["result"], "fail");
    let ms = steps[1]["ms"].as_u64().expect("ms");
    assert!(
        (200..600).contains(&ms),
        "failed at the deadline, not later: {ms} ms"
    );
    assert_eq!(steps[1]["timeout_ms"], 200);
    let summary = finished.event("summary");
    assert_eq!(
        (summary["passed"].as_u64(), summary["failed"].as_u64()),
        (Some(1), Some(1))
    );
}

#[test]
fn a_late_answer_within_the_timeout_passes_with_its_reply_time() {
    let (target, _server) = late_server();
    let script = format!(
        "target = \"{target}\"\n[[step]]\nsend = \"hi\"\n[[step]]\nexpect = \"late\"\ntimeout_ms = 3000\n"
    );
    let finished = run_script("late-ok", &script, &[]);
    assert_eq!(
        finished.status.code(),
        Some(0),
        "{}{}",
        finished.stdout,
        finished.stderr
    );
    let ms = steps(&finished)[1]["ms"].as_u64().expect("ms");
    assert!(
        (590..3000).contains(&ms),
        "the measured reply time: {ms} ms"
    );
}

#[test]
fn variables_saved_captures_repeat_and_continue() {
    let (target, server) = tcp_server(|mut stream| {
        let mut got = Vec::new();
        let mut buf = [0u8; 256];
        while let Ok(len) = stream.read(&mut buf) {
            if len == 0 {
                break;
            }
            got.extend_from_slice(&buf[..len]);
            if stream.write_all(&buf[..len]).is_err() {
                break;
            }
        }
        // What the client sent, for the assertion below, as the last reply's check.
        assert_eq!(String::from_utf8_lossy(&got), "id=001;id=002;got 002;");
    });
    let script = format!(
        r#"
target = "{target}"
on_fail = "continue"
[[step]]
repeat = 2
[[step.step]]
send = "id=${{seq:03}};"
[[step.step]]
expect_regex = 'id=(?P<id>\d+);'
save = "id"
timeout_ms = 2000
[[step]]
expect_equals = "nothing like this"
timeout_ms = 100
[[step]]
send = "got ${{id}};"
[[step]]
expect = "got 002"
timeout_ms = 2000
"#
    );
    let finished = run_script("vars", &script, &[]);
    assert_eq!(
        finished.status.code(),
        Some(3),
        "{}{}",
        finished.stdout,
        finished.stderr
    );
    let results: Vec<(String, String)> = steps(&finished)
        .iter()
        .map(|s| {
            (
                s["kind"].as_str().unwrap_or_default().to_owned(),
                s["result"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("send", "pass"),
        ("expect", "pass"),
        ("send", "pass"),
        ("expect", "pass"),
        ("expect", "fail"),
        ("send", "pass"),
        ("expect", "pass"),
    ]
    .iter()
    .map(|(k, r)| ((*k).to_owned(), (*r).to_owned()))
    .collect();
    assert_eq!(results, expected, "{}", finished.stdout);
    let summary = finished.event("summary");
    assert_eq!(
        (summary["passed"].as_u64(), summary["failed"].as_u64()),
        (Some(6), Some(1))
    );
    server.join().expect("the server saw what was sent");
}

#[test]
fn with_a_framing_expect_matches_one_frame() {
    let (target, _server) = tcp_server(|mut stream| {
        let mut buf = [0u8; 64];
        if stream.read(&mut buf).is_ok() {
            // Two frames in one write (粘包): the second is the one expected.
            let _ = stream.write_all(b"busy\nOK\n");
            thread::sleep(Duration::from_millis(500));
        }
    });
    let script = format!(
        "target = \"{target}\"\nframe = \"line\"\n[[step]]\nsend = \"go\"\n[[step]]\nexpect_equals = \"OK\"\ntimeout_ms = 2000\n"
    );
    let finished = run_script("frame", &script, &[]);
    assert_eq!(
        finished.status.code(),
        Some(0),
        "{}{}",
        finished.stdout,
        finished.stderr
    );
    assert_eq!(steps(&finished)[1]["received_text"], "OK");

    // Unframed, "equals" sees everything since the step began and fails.
    let (target, _server) = tcp_server(|mut stream| {
        let mut buf = [0u8; 64];
        if stream.read(&mut buf).is_ok() {
            let _ = stream.write_all(b"busy\nOK\n");
            thread::sleep(Duration::from_millis(500));
        }
    });
    let script = format!(
        "target = \"{target}\"\n[[step]]\nsend = \"go\"\n[[step]]\nexpect_equals = \"OK\"\ntimeout_ms = 200\n"
    );
    let finished = run_script("noframe", &script, &[]);
    assert_eq!(
        finished.status.code(),
        Some(3),
        "{}{}",
        finished.stdout,
        finished.stderr
    );
}

#[test]
fn a_udp_sequence_with_hex() {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind");
    socket
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let target = socket.local_addr().expect("address").to_string();
    let echo = thread::spawn(move || {
        let mut buf = [0u8; 64];
        if let Ok((len, from)) = socket.recv_from(&mut buf) {
            let mut reply = vec![0x06];
            reply.extend_from_slice(&buf[..len]);
            let _ = socket.send_to(&reply, from);
            return buf[..len].to_vec();
        }
        Vec::new()
    });
    let script = format!(
        "target = \"{target}\"\ntransport = \"udp\"\n[[step]]\nsend_hex = \"01 03 ${{seq:u16be}} ${{len:u8}} AA\"\n[[step]]\nexpect_hex = \"06 01 03 00 01\"\ntimeout_ms = 2000\n"
    );
    let finished = run_script("udp", &script, &[]);
    assert_eq!(
        finished.status.code(),
        Some(0),
        "{}{}",
        finished.stdout,
        finished.stderr
    );
    assert_eq!(
        echo.join().expect("echo"),
        [0x01, 0x03, 0x00, 0x01, 0x01, 0xAA]
    );
}

#[test]
fn bad_scripts_exit_2_naming_line_and_column_before_connecting() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let target = listener.local_addr().expect("address").to_string();
    let head = format!("target = \"{target}\"\n");
    let cases = [
        (
            "[[step]]\nsend = \"a\"\nexpect = \"b\"\n",
            "line 4, column 10",
            "split it",
        ),
        (
            "[[step]]\nexpect = \"b\"\ntimeout_ms = 700000\n",
            "line 4, column 14",
            "0 to 600000",
        ),
        (
            "[[step]]\nexpect_regex = \"(\"\n",
            "line 3, column 16",
            "regular expression",
        ),
        (
            "[[step]]\nsend = \"${nope}\"\n",
            "line 3, column 8",
            "${nope}",
        ),
        ("[[step]]\nsend_hex = \"0G\"\n", "line 3, column 12", "HEX"),
        ("[[step]]\nsendd = \"a\"\n", "line 3, column 1", "sendd"),
        ("[[step]]\nwait_ms = -1\n", "line 3, column 11", "wait_ms"),
        ("[[step]]\n", "line 2, column 1", "does nothing"),
        ("transport = \"sctp\"\n", "line 2, column 13", "sctp"),
        ("frame = \"len:8\"\n", "line 2, column 9", "frame"),
        (
            "[[step]]\nexpect = \"x\"\nsave = \"v\"\n",
            "line 4, column 8",
            "expect_regex",
        ),
        ("[[step]]\nsend = \"a\n", "line 3", "valid"),
    ];
    for (index, (body, place, words)) in cases.iter().enumerate() {
        let finished = run_script(&format!("bad{index}"), &format!("{head}{body}"), &[]);
        assert_eq!(
            finished.status.code(),
            Some(2),
            "{body}: {}",
            finished.stderr
        );
        assert!(
            finished.stderr.contains(place) && finished.stderr.contains(words),
            "{body}: expected {place} and {words} in {}",
            finished.stderr
        );
        assert!(
            finished.stderr.contains("script.toml"),
            "names the file: {}",
            finished.stderr
        );
    }
    assert!(listener.accept().is_err(), "nothing connected");
    // No target anywhere.
    let finished = run_script("notarget", "[[step]]\nsend = \"a\"\n", &[]);
    assert_eq!(finished.status.code(), Some(2));
    assert!(finished.stderr.contains("--target"), "{}", finished.stderr);
}

#[test]
fn a_refused_connection_exits_1() {
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("address")
        .port();
    let script = format!("target = \"127.0.0.1:{port}\"\n[[step]]\nsend = \"a\"\n");
    let finished = run_script("refused", &script, &[]);
    assert_eq!(finished.status.code(), Some(1), "{}", finished.stderr);
    assert!(finished.stderr.contains("refused"), "{}", finished.stderr);
}
