//! `netdbg relay` between real peers on loopback: the tutorial's Python GBK server
//! and client, `netdbg tcp connect`, plain std sockets; and the bad input it refuses.

mod relay_support;
mod support;

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::{has_python, line_reader, netdbg, port_of, run_bounded};

const DEADLINE: Duration = Duration::from_secs(10);

/// The tutorial's server, unchanged but for binding 127.0.0.1:0 and printing its port.
const TUTORIAL_SERVER: &str = r#"
from socket import *
tcp_server_socket = socket(AF_INET, SOCK_STREAM)
tcp_server_socket.bind(("127.0.0.1", 0))
tcp_server_socket.listen(128)
print(tcp_server_socket.getsockname()[1], flush=True)
while True:
    new_client_server, client_addr = tcp_server_socket.accept()
    while True:
        tcp_recv_msg = new_client_server.recv(1024)
        if tcp_recv_msg:
            new_client_server.send("收到".encode("gbk"))
        else:
            new_client_server.send("再见!".encode("gbk"))
            break
    new_client_server.close()
"#;

/// The tutorial's client, unchanged but for the port.
const TUTORIAL_CLIENT: &str = r#"
from socket import *
s = socket(AF_INET, SOCK_STREAM)
s.connect(("127.0.0.1", PORT))
s.send("你好".encode("gbk"))
print(s.recv(1024).decode("gbk"))
s.close()
"#;

/// A running `netdbg relay --json`, its events read as they come; killed when dropped.
struct RelayProcess {
    child: Child,
    lines: mpsc::Receiver<String>,
    /// Every event read so far, in order.
    seen: Vec<Value>,
    addr: SocketAddr,
}

fn relay(to: SocketAddr, extra: &[&str]) -> RelayProcess {
    relay_with(&to.to_string(), &[&["--timeout", "30"], extra].concat())
}

fn relay_with(to: &str, extra: &[&str]) -> RelayProcess {
    let mut child = netdbg()
        .args(["relay", "--listen", "127.0.0.1:0", "--to", to, "--json"])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start netdbg relay");
    let lines = line_reader(&mut child);
    let mut relay = RelayProcess {
        child,
        lines,
        seen: Vec::new(),
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
    };
    let listening = relay.wait_for("the listening line", |e| e["event"] == "listening");
    relay.addr.set_port(port_of(&listening));
    relay
}

impl RelayProcess {
    /// The first event, already read or still to come, that matches.
    #[track_caller]
    fn wait_for(&mut self, what: &str, matches: impl Fn(&Value) -> bool) -> Value {
        if let Some(event) = self.seen.iter().find(|e| matches(e)) {
            return event.clone();
        }
        let deadline = Instant::now() + DEADLINE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let event = serde_json::from_str(&line).unwrap_or(Value::String(line));
                    self.seen.push(event.clone());
                    if matches(&event) {
                        return event;
                    }
                }
                Err(_) => panic!(
                    "no {what} within {DEADLINE:?}; netdbg printed:\n{:#?}",
                    self.seen
                ),
            }
        }
    }

    /// Every `forwarded` event's `hex` in one direction, joined, once the pair ended.
    #[track_caller]
    fn forwarded_hex(&mut self, dir: &str) -> String {
        self.wait_for("ended", |e| e["event"] == "ended");
        self.seen
            .iter()
            .filter(|e| e["event"] == "forwarded" && e["dir"] == dir)
            .filter_map(|e| e["hex"].as_str())
            .collect()
    }

    #[track_caller]
    fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + DEADLINE;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(Instant::now() < deadline, "netdbg relay did not stop");
            thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for RelayProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn python_tutorial_server() -> Option<(std::process::Child, SocketAddr)> {
    if !has_python() {
        eprintln!("python3 not installed; skipping");
        return None;
    }
    let mut server = Command::new("python3")
        .args(["-c", TUTORIAL_SERVER])
        .stdout(Stdio::piped())
        .spawn()
        .expect("python server");
    let mut lines = BufReader::new(server.stdout.take().expect("stdout"));
    let mut port = String::new();
    lines.read_line(&mut port).expect("port");
    let port: u16 = port.trim().parse().expect("a port");
    Some((server, SocketAddr::from(([127, 0, 0, 1], port))))
}

#[test]
fn the_tutorial_server_behind_the_relay_says_shou_dao_then_zai_jian() {
    let Some((mut server, server_addr)) = python_tutorial_server() else {
        return;
    };
    let capture = std::env::temp_dir().join(format!("netdbg-relay-{}.jsonl", std::process::id()));
    let capture_text = capture.display().to_string();
    let mut relay = relay(
        server_addr,
        &["--encoding", "gbk", "--capture", &capture_text],
    );
    let done = run_bounded(
        netdbg().args([
            "tcp",
            "connect",
            &relay.addr.to_string(),
            "--encoding",
            "gbk",
            "--send",
            "你好",
            "--wait",
            "0.5",
            "--json",
        ]),
        DEADLINE,
    );
    assert!(done.status.success(), "{}", done.stderr);
    let received: String = done
        .events()
        .iter()
        .filter(|e| e["event"] == "received")
        .filter_map(|e| e["text"].as_str())
        .collect();
    assert_eq!(
        received, "收到再见!",
        "the reply, then the farewell after the FIN"
    );

    let accepted = relay.wait_for("accepted", |e| e["event"] == "accepted");
    let upstream = relay.wait_for("upstream", |e| e["event"] == "upstream");
    assert_eq!(upstream["client"], accepted["client"]);
    assert_eq!(upstream["peer"], server_addr.to_string());
    let hello = relay.wait_for("c2s", |e| e["event"] == "forwarded" && e["dir"] == "c2s");
    assert_eq!(
        (
            &hello["text"],
            &hello["hex"],
            &hello["encoding"],
            &hello["len"]
        ),
        (&"你好".into(), &"c4e3bac3".into(), &"GBK".into(), &4.into())
    );
    let client_fin = relay.wait_for("the client's FIN", |e| {
        e["event"] == "closed" && e["by"] == "client"
    });
    assert_eq!(client_fin["how"], "fin");
    let server_fin = relay.wait_for("the server's FIN", |e| {
        e["event"] == "closed" && e["by"] == "server"
    });
    assert_eq!(server_fin["how"], "fin");
    // Both directions logged byte-exact.
    assert_eq!(relay.forwarded_hex("c2s"), "c4e3bac3");
    assert_eq!(relay.forwarded_hex("s2c"), "cad5b5bdd4d9bcfb21");
    let ended = relay.wait_for("ended", |e| e["event"] == "ended");
    assert_eq!(
        (&ended["c2s_bytes"], &ended["s2c_bytes"]),
        (&4.into(), &9.into())
    );
    drop(relay);
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_file(&capture);
}

#[test]
fn the_tutorial_client_through_the_relay_gets_its_answer_and_the_capture_has_both_ways() {
    let Some((mut server, server_addr)) = python_tutorial_server() else {
        return;
    };
    let capture =
        std::env::temp_dir().join(format!("netdbg-relay-cap-{}.jsonl", std::process::id()));
    let capture_text = capture.display().to_string();
    let mut relay = relay_with(
        &server_addr.to_string(),
        &["--timeout", "1", "--capture", &capture_text],
    );
    let code = TUTORIAL_CLIENT.replace("PORT", &relay.addr.port().to_string());
    let done = run_bounded(
        Command::new("python3")
            .args(["-c", &code])
            .env("PYTHONIOENCODING", "utf-8"),
        DEADLINE,
    );
    assert!(done.status.success(), "{}", done.stderr);
    assert_eq!(done.stdout.trim_end(), "收到");
    let saved = relay.wait_for("the capture line", |e| e["event"] == "capture");
    assert!(relay.wait_exit().success());
    assert!(saved["records"].as_u64().unwrap_or(0) >= 4, "{saved}");
    let records: Vec<Value> = std::fs::read_to_string(&capture)
        .expect("the capture file")
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect();
    let hex_of = |dir: &str, peer: &str| -> Vec<String> {
        records
            .iter()
            .filter(|r| r["dir"] == dir && r["peer"] == peer)
            .filter_map(|r| r["hex"].as_str().map(str::to_owned))
            .collect()
    };
    let server_text = server_addr.to_string();
    // Read from the client, written to the server, read from the server, written to the client.
    assert_eq!(hex_of("tx", &server_text), ["c4e3bac3"]);
    assert_eq!(hex_of("rx", &server_text)[0], "cad5b5bd");
    let from_client: Vec<&Value> = records
        .iter()
        .filter(|r| r["dir"] == "rx" && r["peer"] != server_text.as_str())
        .collect();
    assert_eq!(from_client[0]["hex"], "c4e3bac3");
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_file(&capture);
}

/// A server that reports each of its reads from its first client.
fn recording_server() -> (SocketAddr, mpsc::Receiver<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (tx, reads) = mpsc::channel();
    thread::spawn(move || {
        let Ok((mut client, _)) = listener.accept() else {
            return;
        };
        let _ = client.set_read_timeout(Some(DEADLINE));
        let mut buf = [0u8; 4096];
        while let Ok(len @ 1..) = client.read(&mut buf) {
            if tx.send(buf[..len].to_vec()).is_err() {
                break;
            }
        }
    });
    (addr, reads)
}

fn dial(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect_timeout(&addr, DEADLINE).expect("connect");
    // Fails only on a connection the relay has already reset (an unreachable
    // target): then every read returns at once anyway.
    let _ = stream.set_read_timeout(Some(DEADLINE));
    let _ = stream.set_nodelay(true);
    stream
}

#[test]
fn split_1_makes_the_servers_reads_one_byte_each() {
    let (server, reads) = recording_server();
    let mut relay = relay(
        server,
        &["--split", "1", "--split-gap", "60", "--direction", "c2s"],
    );
    let mut client = dial(relay.addr);
    client.write_all(b"\xc4\xe3\xba\xc3").expect("send");
    let got: Vec<Vec<u8>> = (0..4)
        .map(|_| reads.recv_timeout(DEADLINE).expect("a read"))
        .collect();
    assert_eq!(got, [[0xc4], [0xe3], [0xba], [0xc3]]);
    let note = relay.wait_for("the split", |e| e["event"] == "fault");
    assert_eq!(
        (&note["fault"], &note["pieces"], &note["dir"]),
        (&"split".into(), &4.into(), &"c2s".into())
    );
}

#[test]
fn merge_makes_two_quick_writes_one_read() {
    let (server, reads) = recording_server();
    let mut relay = relay(server, &["--merge", "300"]);
    let mut client = dial(relay.addr);
    client.write_all(b"ab").expect("send");
    // 50 ms apart, inside the 300 ms window: the relay reads them apart.
    thread::sleep(Duration::from_millis(50));
    client.write_all(b"cd").expect("send");
    assert_eq!(reads.recv_timeout(DEADLINE).expect("a read"), b"abcd");
    let note = relay.wait_for("the merge", |e| e["event"] == "fault");
    assert_eq!(
        (&note["fault"], &note["reads"]),
        (&"merge".into(), &2.into())
    );
    let write = relay.wait_for("one write", |e| e["event"] == "forwarded");
    assert_eq!((&write["len"], &write["text"]), (&4.into(), &"abcd".into()));
}

#[test]
fn cut_after_with_reset_gives_the_client_a_reset() {
    let (server, reads) = recording_server();
    let mut relay = relay(
        server,
        &["--cut-after", "3", "--reset", "--direction", "c2s"],
    );
    let mut client = dial(relay.addr);
    client.write_all(b"hello").expect("send");
    let mut buf = [0u8; 16];
    let error = client.read(&mut buf).expect_err("a reset");
    assert_eq!(error.kind(), ErrorKind::ConnectionReset);
    let mut at_server = Vec::new();
    while let Ok(read) = reads.recv_timeout(Duration::from_millis(500)) {
        at_server.extend(read);
    }
    assert_eq!(at_server, b"hel");
    let cut = relay.wait_for("the cut", |e| e["event"] == "fault" && e["fault"] == "cut");
    assert_eq!((&cut["after"], &cut["reset"]), (&3.into(), &true.into()));
    let closed = relay.wait_for("closed", |e| e["event"] == "closed");
    assert_eq!(
        (&closed["by"], &closed["how"]),
        (&"relay".into(), &"reset".into())
    );
}

#[test]
fn udp_relay_gives_two_clients_each_their_own_replies() {
    let server = UdpSocket::bind("127.0.0.1:0").expect("bind");
    let server_addr = server.local_addr().expect("addr");
    thread::spawn(move || {
        let mut buf = [0u8; 2048];
        while let Ok((len, from)) = server.recv_from(&mut buf) {
            let _ = server.send_to(&[b"re:", &buf[..len]].concat(), from);
        }
    });
    let mut relay = relay(server_addr, &["--udp"]);
    let clients: Vec<UdpSocket> = (0..2)
        .map(|_| {
            let socket = UdpSocket::bind("127.0.0.1:0").expect("bind");
            socket.set_read_timeout(Some(DEADLINE)).expect("timeout");
            socket
        })
        .collect();
    for (i, client) in clients.iter().enumerate() {
        client
            .send_to(format!("ping {i}").as_bytes(), relay.addr)
            .expect("send");
    }
    for (i, client) in clients.iter().enumerate() {
        let mut buf = [0u8; 64];
        let (len, from) = client.recv_from(&mut buf).expect("a reply");
        assert_eq!(from, relay.addr);
        assert_eq!(&buf[..len], format!("re:ping {i}").as_bytes());
    }
    let first = relay.wait_for("upstream 1", |e| {
        e["event"] == "upstream" && e["client"] == 1
    });
    let second = relay.wait_for("upstream 2", |e| {
        e["event"] == "upstream" && e["client"] == 2
    });
    assert_ne!(
        first["local"], second["local"],
        "one upstream socket per client"
    );
    let reply = relay.wait_for("a reply", |e| {
        e["event"] == "forwarded" && e["dir"] == "s2c"
    });
    assert!(
        reply["text"]
            .as_str()
            .unwrap_or_default()
            .starts_with("re:ping")
    );
}

#[test]
fn an_unreachable_target_closes_the_client_and_says_why() {
    let closed = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port");
    let mut relay = relay(closed, &[]);
    // The reset may come before connect() itself has returned: then it says so.
    let error = match TcpStream::connect_timeout(&relay.addr, DEADLINE) {
        Ok(mut client) => {
            let _ = client.set_read_timeout(Some(DEADLINE));
            let mut buf = [0u8; 8];
            client.read(&mut buf).expect_err("the client is closed")
        }
        Err(error) => error,
    };
    assert_eq!(error.kind(), ErrorKind::ConnectionReset);
    let failed = relay.wait_for("upstream_failed", |e| e["event"] == "upstream_failed");
    let message = failed["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("refused the connection") && message.contains("nothing listens"),
        "{message}"
    );
}

#[test]
fn what_a_peer_sends_is_escaped_in_human_lines() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let server = listener.local_addr().expect("addr");
    thread::spawn(move || {
        if let Ok((mut client, _)) = listener.accept() {
            let _ = client.write_all(b"\x1b[2Jboom\r\n");
        }
    });
    let mut child = netdbg()
        .args([
            "relay",
            "--listen",
            "127.0.0.1:0",
            "--to",
            &server.to_string(),
        ])
        .args(["--timeout", "1", "--encoding", "utf-8"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    lines.read_line(&mut first).expect("the listening line");
    let port: u16 = first
        .split_whitespace()
        .find_map(|word| word.rsplit_once(':').and_then(|(_, p)| p.parse().ok()))
        .expect("a port");
    let mut client = dial(SocketAddr::from(([127, 0, 0, 1], port)));
    let mut buf = [0u8; 16];
    let _ = client.read(&mut buf);
    drop(client);
    let mut rest = String::new();
    lines.read_to_string(&mut rest).expect("the rest");
    let _ = child.wait();
    let line = rest
        .lines()
        .find(|line| line.contains("server → client"))
        .unwrap_or_else(|| panic!("no forwarded line in:\n{rest}"));
    assert!(line.ends_with("| \\x1B[2Jboom\\r\\n"), "{line}");
    assert!(!rest.contains('\x1b'));
}

#[test]
fn bad_input_exits_2_with_one_line_and_nothing_on_stdout() {
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
    let taken_addr = taken.local_addr().expect("addr").to_string();
    let cases: &[(&[&str], &str)] = &[
        (
            &["--to", "127.0.0.1:9", "--udp", "--drop", "150"],
            "out of range — a probability goes from 0 to 100",
        ),
        (
            &["--to", "127.0.0.1:9", "--corrupt", "-1"],
            "A corruption probability of -1 % is out of range",
        ),
        (
            &["--to", "127.0.0.1:9", "--split", "0"],
            "The split size (bytes) cannot be 0",
        ),
        (
            &["--to", "127.0.0.1:9", "--rate", "0"],
            "The rate limit (bytes/s) cannot be 0",
        ),
        (&["--to", "127.0.0.1:9", "--cut-after", "0"], "cannot be 0"),
        (&["--to", "127.0.0.1:9", "--drop", "5"], "--drop is for UDP"),
        (
            &["--to", "127.0.0.1:9", "--udp", "--cut-after", "5"],
            "--cut-after is for TCP",
        ),
        (&["--to", "127.0.0.1:9", "--reset"], "--cut-after"),
        (
            &["--to", "127.0.0.1:9", "--delay", "soon"],
            "Invalid value \"soon\" for --delay",
        ),
        (&["--to", "nowhere"], "\"nowhere\" has no port"),
        (
            &["--to", "127.0.0.1:9", "--max-pairs", "0"],
            "Pair limit \"0\" is invalid",
        ),
        (
            &["--to", "127.0.0.1:9", "--max-pairs", "9000"],
            "from 1 to 5000 (each pair takes two threads)",
        ),
        (
            &["--to", "127.0.0.1:9", "--connect-timeout", "0"],
            "Invalid time 0 — give a number of seconds above 0",
        ),
        (
            &["--to", "127.0.0.1:9", "--udp", "--udp-idle", "-1"],
            "Invalid time -1",
        ),
        (&["--to", "127.0.0.1:9", "--udp-idle", "3"], "--udp"),
        (&["--to", "127.0.0.1:99999"], "out of range"),
    ];
    for (args, expected) in cases {
        let done = run_bounded(
            netdbg()
                .args(["relay", "--listen", "127.0.0.1:0"])
                .args(*args),
            DEADLINE,
        );
        assert_eq!(done.status.code(), Some(2), "{args:?}: {}", done.stderr);
        assert!(done.stdout.is_empty(), "{args:?}: {}", done.stdout);
        assert_eq!(done.stderr.lines().count(), 1, "{args:?}: {}", done.stderr);
        assert!(done.stderr.contains(expected), "{args:?}: {}", done.stderr);
    }
    // Relaying to itself is refused before binding: the port stays free for others.
    let done = run_bounded(
        netdbg().args(["relay", "--listen", &taken_addr, "--to", &taken_addr]),
        DEADLINE,
    );
    assert_eq!(done.status.code(), Some(2), "{}", done.stderr);
    assert!(
        done.stderr.contains("would forward to itself"),
        "{}",
        done.stderr
    );
    // In Chinese too.
    let done = run_bounded(
        netdbg().args([
            "relay",
            "--listen",
            "127.0.0.1:0",
            "--to",
            "127.0.0.1:9",
            "--udp",
            "--drop",
            "101",
            "--lang",
            "zh",
        ]),
        DEADLINE,
    );
    assert_eq!(done.status.code(), Some(2));
    assert!(
        done.stderr.contains("丢包概率为 101% 超出范围"),
        "{}",
        done.stderr
    );
    // A port in use is the network's doing: exit 1.
    let done = run_bounded(
        netdbg().args(["relay", "--listen", &taken_addr, "--to", "127.0.0.1:9"]),
        DEADLINE,
    );
    assert_eq!(done.status.code(), Some(1), "{}", done.stderr);
    assert!(done.stderr.contains("is already in use"), "{}", done.stderr);
}

#[test]
fn lines_typed_on_stdin_are_injected_to_the_server_and_the_client() {
    let (server_addr, server_reads) = recording_server();
    let mut relay = relay(server_addr, &["--stdin", "--encoding", "gbk"]);
    let mut typed = relay.child.stdin.take().expect("stdin");
    let mut client = dial(relay.addr);
    relay.wait_for("upstream", |e| e["event"] == "upstream");

    // Text in --encoding, with escapes; to the newest pair.
    typed
        .write_all("server 你好\\r\\n\n".as_bytes())
        .expect("type");
    let read = server_reads
        .recv_timeout(DEADLINE)
        .expect("the server reads");
    assert_eq!(read, b"\xc4\xe3\xba\xc3\r\n");
    let injected = relay.wait_for("injected c2s", |e| e["event"] == "injected");
    assert_eq!(injected["dir"], "c2s");
    assert_eq!(injected["hex"], "c4e3bac30d0a");
    assert_eq!(injected["text"], "你好\r\n");

    typed.write_all(b"#1 client OK\n").expect("type");
    let mut buf = [0u8; 2];
    client.read_exact(&mut buf).expect("the client reads");
    assert_eq!(&buf, b"OK");
    relay.wait_for("injected s2c", |e| {
        e["event"] == "injected" && e["dir"] == "s2c"
    });

    // What cannot be injected is said, and the relay goes on.
    typed.write_all(b"#9 server late\n").expect("type");
    let gone = relay.wait_for("pair 9", |e| e["event"] == "error");
    assert!(
        gone["message"]
            .as_str()
            .is_some_and(|m| m.contains("Pair #9 has closed")),
        "{gone}"
    );
    typed.write_all(b"hello\n").expect("type");
    let syntax = relay.wait_for("syntax", |e| {
        e["event"] == "error"
            && e["message"]
                .as_str()
                .is_some_and(|m| m.contains("server MESSAGE"))
    });
    assert!(syntax["message"].as_str().is_some_and(|m| m.contains("#N")));
    // stdin ending does not end the relay: the peers still talk.
    drop(typed);
    client.write_all(b"still").expect("send");
    assert_eq!(
        server_reads.recv_timeout(DEADLINE).expect("forwarded"),
        b"still"
    );
    drop(client);
    assert_eq!(relay.forwarded_hex("c2s"), "7374696c6c");
}

#[test]
fn max_pairs_turns_the_next_client_away_and_udp_idle_ends_a_quiet_session() {
    let mut relay = relay(relay_support::echo_server(), &["--max-pairs", "1"]);
    let mut first = dial(relay.addr);
    relay.wait_for("upstream", |e| e["event"] == "upstream");
    // Turned away with a reset, which may come before connect() has returned.
    let second = TcpStream::connect_timeout(&relay.addr, DEADLINE);
    let refused = relay.wait_for("refused", |e| e["event"] == "refused");
    assert!(
        refused["message"].as_str().is_some_and(|m| m.contains('1')),
        "{refused}"
    );
    let mut buf = [0u8; 4];
    let turned_away = second.and_then(|mut second| {
        let _ = second.set_read_timeout(Some(DEADLINE));
        second.read(&mut buf)
    });
    assert!(
        matches!(&turned_away, Ok(0))
            || matches!(&turned_away, Err(e) if e.kind() == ErrorKind::ConnectionReset),
        "{turned_away:?}"
    );
    first.write_all(b"ping").expect("send");
    first.read_exact(&mut buf).expect("echo");
    assert_eq!(&buf, b"ping", "the first pair goes on");

    let server = UdpSocket::bind("127.0.0.1:0").expect("bind");
    let mut udp = relay_with(
        &server.local_addr().expect("addr").to_string(),
        &["--udp", "--udp-idle", "0.3", "--timeout", "30"],
    );
    let client = UdpSocket::bind("127.0.0.1:0").expect("bind");
    client.send_to(b"once", udp.addr).expect("send");
    let started = Instant::now();
    let closed = udp.wait_for("the idle end", |e| e["event"] == "closed");
    assert_eq!(
        (&closed["by"], &closed["how"]),
        (&"relay".into(), &"idle".into())
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn frame_line_prints_one_forwarded_event_per_line() {
    let (server_addr, server_reads) = recording_server();
    let mut relay = relay(server_addr, &["--frame", "line"]);
    let mut client = dial(relay.addr);
    relay.wait_for("upstream", |e| e["event"] == "upstream");
    for piece in [&b"AT+GMR\r\nAT"[..], b"+RST\r\nOK\n"] {
        client.write_all(piece).expect("send");
        thread::sleep(Duration::from_millis(30));
    }
    let mut got = Vec::new();
    while got.len() < 19 {
        got.extend(
            server_reads
                .recv_timeout(DEADLINE)
                .expect("the server reads"),
        );
    }
    assert_eq!(got, b"AT+GMR\r\nAT+RST\r\nOK\n", "forwarded unchanged");
    for line in ["AT+GMR", "AT+RST", "OK"] {
        let event = relay.wait_for(line, |e| e["event"] == "forwarded" && e["text"] == line);
        assert_eq!(event["dir"], "c2s");
        assert!(event["reads"].is_u64(), "{event}");
    }
    let done = run_bounded(
        netdbg().args([
            "relay",
            "--listen",
            "127.0.0.1:0",
            "--to",
            "127.0.0.1:9",
            "--udp",
            "--frame",
            "line",
        ]),
        DEADLINE,
    );
    assert_eq!(done.status.code(), Some(2), "{}", done.stderr);
    assert!(
        done.stderr.contains("--frame is for TCP"),
        "{}",
        done.stderr
    );
}
