//! `netdbg tcp serve` on loopback: against `netdbg tcp connect`, the tutorial's own
//! Python client, and plain std sockets.

mod support;

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::process::{Command, ExitStatus};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::{JsonProcess, has_python, netdbg, run_bounded};

/// How long any one expectation may take.
const DEADLINE: Duration = Duration::from_secs(10);

/// The tutorial's client, unchanged but for the port.
const TUTORIAL_CLIENT: &str = r#"
from socket import *
s = socket(AF_INET, SOCK_STREAM)
s.connect(("127.0.0.1", PORT))
s.send("你好".encode("gbk"))
print(s.recv(1024).decode("gbk"))
s.close()
"#;

/// A running `netdbg tcp serve --json`, killed when dropped.
struct Server {
    process: JsonProcess,
    port: u16,
}

/// Starts a server on an OS-picked port; `--timeout 30` ends it should a test leak it.
fn serve(extra: &[&str]) -> Server {
    let mut args = vec!["--timeout", "30"];
    args.extend_from_slice(extra);
    serve_with(&args)
}

fn serve_with(extra: &[&str]) -> Server {
    let mut process = JsonProcess::spawn(
        netdbg()
            .args(["tcp", "serve", "--bind", "127.0.0.1:0", "--json"])
            .args(extra),
        DEADLINE,
    );
    let listening = process.wait_for("the listening line", |e| e["event"] == "listening");
    let port = listening["local"]
        .as_str()
        .and_then(|local| local.parse::<SocketAddr>().ok())
        .map(|local| local.port())
        .expect("a local address");
    Server { process, port }
}

impl Server {
    fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// The server's next event that matches; see [`JsonProcess::wait_for`].
    #[track_caller]
    fn wait_for(&mut self, what: &str, matches: impl Fn(&Value) -> bool) -> Value {
        self.process.wait_for(what, matches)
    }

    #[track_caller]
    fn saw_or_wait_for(&mut self, what: &str, matches: impl Fn(&Value) -> bool) -> Value {
        self.process.saw_or_wait_for(what, matches)
    }

    #[track_caller]
    fn wait_exit(&mut self) -> ExitStatus {
        self.process.wait_exit()
    }
}

fn client(server: &Server) -> TcpStream {
    let stream = TcpStream::connect_timeout(&server.addr(), DEADLINE).expect("connect");
    stream.set_read_timeout(Some(DEADLINE)).expect("timeout");
    stream
}

/// Sends `message` and reads exactly `expected.len()` bytes back.
#[track_caller]
fn ask(stream: &mut TcpStream, message: &[u8], expected: &[u8]) {
    stream.write_all(message).expect("send");
    let mut answer = vec![0u8; expected.len()];
    stream.read_exact(&mut answer).expect("an answer");
    assert_eq!(answer, expected, "the answer to {message:?}");
}

#[test]
fn tcp_connect_gets_the_reply_and_the_farewell() {
    let mut server = serve(&[
        "--encoding",
        "gbk",
        "--reply",
        "收到",
        "--farewell",
        "再见!",
    ]);
    let done = run_bounded(
        netdbg().args([
            "tcp",
            "connect",
            &server.addr().to_string(),
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
        .stdout
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).expect("JSON"))
        .filter(|e| e["event"] == "received")
        .filter_map(|e| e["text"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(
        received, "收到再见!",
        "the reply, then the farewell after our FIN"
    );

    let connected = server.wait_for("connected", |e| e["event"] == "connected");
    let client = connected["client"].clone();
    let peer = connected["peer"].clone();
    assert!(client.is_u64(), "{connected}");
    let got = server.wait_for("received 你好", |e| e["event"] == "received");
    assert_eq!(got["text"], "你好");
    assert_eq!(got["hex"], "c4e3bac3");
    assert_eq!((&got["client"], &got["peer"]), (&client, &peer));
    let reply = server.wait_for("the auto reply", |e| e["event"] == "sent");
    assert_eq!(
        (&reply["text"], &reply["auto"]),
        (&"收到".into(), &true.into())
    );
    let closed = server.wait_for("closed", |e| e["event"] == "closed");
    assert_eq!((&closed["by"], &closed["peer"]), (&"peer".into(), &peer));
    let farewell = server.wait_for("the farewell", |e| e["event"] == "sent");
    assert_eq!(farewell["text"], "再见!");
    assert_eq!(farewell["auto"], true);
    assert_eq!(farewell["client"], client);
}

#[test]
fn the_tutorial_python_client_gets_its_answer() {
    if !has_python() {
        eprintln!("python3 not installed; skipping");
        return;
    }
    let mut server = serve(&[
        "--encoding",
        "gbk",
        "--reply",
        "收到",
        "--farewell",
        "再见!",
    ]);
    let code = TUTORIAL_CLIENT.replace("PORT", &server.port.to_string());
    let done = run_bounded(
        Command::new("python3")
            .args(["-c", &code])
            .env("PYTHONIOENCODING", "utf-8"),
        DEADLINE,
    );
    assert!(done.status.success(), "{}", done.stderr);
    assert_eq!(done.stdout.trim_end(), "收到");
    server.wait_for("connected", |e| e["event"] == "connected");
    let got = server.wait_for("received", |e| e["event"] == "received");
    assert_eq!(got["text"], "你好");
    // The client closes as soon as it has read the reply, so the service thread may
    // report `closed` before the writer thread reports `sent`.
    let reply = server.saw_or_wait_for("sent", |e| e["event"] == "sent");
    assert_eq!(
        (&reply["text"], &reply["auto"]),
        (&"收到".into(), &true.into())
    );
    let closed = server.saw_or_wait_for("closed", |e| e["event"] == "closed");
    assert_eq!(closed["by"], "peer");
}

#[test]
fn twenty_clients_at_once_each_get_the_reply() {
    let mut server = serve(&["--encoding", "utf-8", "--reply", "ok\\n"]);
    let mut clients: Vec<TcpStream> = (0..20).map(|_| client(&server)).collect();
    for (index, stream) in clients.iter_mut().enumerate() {
        stream
            .write_all(format!("hello from {index}").as_bytes())
            .expect("send");
    }
    for stream in &mut clients {
        let mut answer = [0u8; 3];
        stream.read_exact(&mut answer).expect("an answer");
        assert_eq!(&answer, b"ok\n");
    }
    let mut ids = std::collections::HashSet::new();
    while ids.len() < 20 {
        let connected = server.wait_for("20 connects", |e| e["event"] == "connected");
        ids.insert(connected["client"].as_u64().expect("client id"));
    }
}

#[test]
fn clients_past_the_limit_are_refused() {
    let mut server = serve(&["--max-clients", "2"]);
    let _first = client(&server);
    let _second = client(&server);
    for _ in 0..2 {
        server.wait_for("connected", |e| e["event"] == "connected");
    }
    // The reset can come so fast that the client sees it while connecting.
    let third = TcpStream::connect_timeout(&server.addr(), DEADLINE);
    let refused = server.wait_for("refused", |e| e["event"] == "refused");
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.contains("maximum of 2")),
        "{refused}"
    );
    if let Ok(mut third) = third {
        third.set_read_timeout(Some(DEADLINE)).expect("timeout");
        let mut byte = [0u8; 1];
        assert!(
            !matches!(third.read(&mut byte), Ok(1)),
            "the refused client is hung up on"
        );
    }
}

#[test]
fn rules_answer_before_the_fixed_reply() {
    let mut server = serve(&[
        "--encoding",
        "utf-8",
        "--reply",
        "other",
        "--rule",
        "contains:ping=>pong",
        "--rule",
        "equals:quit=>bye=>now",
    ]);
    let mut stream = client(&server);
    ask(&mut stream, b"a ping b", b"pong");
    ask(&mut stream, b"hello", b"other");
    ask(&mut stream, b"quit\r\n", b"bye=>now");
    let pong = server.wait_for("pong sent", |e| e["event"] == "sent");
    assert_eq!(
        (&pong["text"], &pong["auto"]),
        (&"pong".into(), &true.into())
    );
}

#[test]
fn hex_rules_replies_and_farewell() {
    let mut server = serve(&[
        "--hex",
        "--rule",
        "starts:01 03=>06",
        "--reply",
        "0x15",
        "--farewell",
        "04",
    ]);
    let mut stream = client(&server);
    ask(&mut stream, &[0x01, 0x03, 0x00, 0x0a], &[0x06]);
    ask(&mut stream, &[0x09], &[0x15]);
    stream.shutdown(Shutdown::Write).expect("FIN");
    let mut rest = Vec::new();
    stream
        .read_to_end(&mut rest)
        .expect("the farewell, then EOF");
    assert_eq!(rest, [0x04]);
    let got = server.wait_for("received", |e| e["event"] == "received");
    assert_eq!(got["hex"], "0103000a");
    let sent = server.wait_for("sent", |e| e["event"] == "sent");
    assert_eq!((&sent["hex"], &sent["auto"]), (&"06".into(), &true.into()));
}

#[test]
fn bad_input_exits_2_and_says_what_to_write() {
    let cases: &[(&[&str], &str)] = &[
        (&["--rule", "ping=>pong"], "KIND:PATTERN=>REPLY"),
        (&["--rule", "shouts:a=>b"], "KIND:PATTERN=>REPLY"),
        (&["--rule", "contains:ping"], "KIND:PATTERN=>REPLY"),
        (&["--rule", "contains:ping=>"], "KIND:PATTERN=>REPLY"),
        (&["--rule", "contains:=>x"], "Rule 1 has an empty pattern"),
        (
            &["--rule", "regex:(=>x"],
            "Rule 1: invalid regular expression",
        ),
        (&["--hex", "--rule", "equals:ping=>06"], "Rule 1, pattern"),
        (
            &["--hex", "--rule", "contains: , =>06"],
            "Rule 1 has an empty pattern",
        ),
        (&["--hex", "--reply", "zz"], "Auto-reply text"),
        (&["--max-clients", "0"], "Client limit \"0\" is invalid"),
        (
            &["--max-clients", "many"],
            "Client limit \"many\" is invalid",
        ),
        (&["--encoding", "klingon"], "Unknown encoding \"klingon\""),
        (&["--timeout", "-1"], "Invalid time -1"),
    ];
    for (extra, expected) in cases {
        // Should a case be accepted after all, its server stops on its own.
        let timeout: &[&str] = if extra.contains(&"--timeout") {
            &[]
        } else {
            &["--timeout", "1"]
        };
        let done = run_bounded(
            netdbg()
                .args(["tcp", "serve", "--bind", "127.0.0.1:0"])
                .args(timeout)
                .args(*extra),
            DEADLINE,
        );
        assert_eq!(done.status.code(), Some(2), "{extra:?}: {}", done.stderr);
        assert!(done.stderr.contains(expected), "{extra:?}: {}", done.stderr);
        assert!(done.stdout.is_empty(), "{extra:?} must not listen");
    }
    for (bind, expected) in [
        ("127.0.0.1", "has no port"),
        ("300.1.1.1:8080", "is not an IP address"),
        ("127.0.0.1:70000", "out of range"),
        ("", "has no port"),
    ] {
        let done = run_bounded(
            netdbg().args(["tcp", "serve", "--bind", bind, "--timeout", "1"]),
            DEADLINE,
        );
        assert_eq!(done.status.code(), Some(2), "{bind:?}: {}", done.stderr);
        assert!(done.stderr.contains(expected), "{bind:?}: {}", done.stderr);
    }
    let done = run_bounded(
        netdbg().args([
            "--lang",
            "zh",
            "tcp",
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--rule",
            "x",
        ]),
        DEADLINE,
    );
    assert_eq!(done.status.code(), Some(2));
    assert!(done.stderr.contains("规则“x”格式不对"), "{}", done.stderr);
}

#[test]
fn port_in_use_exits_1() {
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let done = run_bounded(
        netdbg().args([
            "tcp",
            "serve",
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--timeout",
            "1",
        ]),
        DEADLINE,
    );
    assert_eq!(done.status.code(), Some(1), "{}", done.stderr);
    assert!(
        done.stderr
            .contains(&format!("Port {port} is already in use")),
        "{}",
        done.stderr
    );
    assert_eq!(done.stderr.lines().count(), 1);
}

#[test]
fn timeout_stops_after_silence_and_hangs_up_on_clients() {
    let mut server = serve_with(&["--timeout", "1"]);
    let mut idle_client = client(&server);
    server.wait_for("connected", |e| e["event"] == "connected");
    let silent_since = Instant::now();
    let timeout = server.wait_for("the timeout", |e| e["event"] == "timeout");
    assert!(silent_since.elapsed() >= Duration::from_millis(900));
    assert_eq!(timeout["received"], 0);
    let closed = server.wait_for("closed", |e| e["event"] == "closed");
    assert_eq!(closed["by"], "us");
    assert!(server.wait_exit().success());
    let mut rest = Vec::new();
    assert!(
        !matches!(idle_client.read_to_end(&mut rest), Ok(n) if n > 0),
        "nothing but the hang-up"
    );
}

#[test]
fn echo_sends_every_read_back_as_it_came_whatever_the_framing() {
    let server = serve(&["--echo", "--frame", "line"]);
    let mut stream = client(&server);
    // Not a whole line: the echo does not wait for the framing.
    ask(&mut stream, b"AT+G", b"AT+G");
    ask(
        &mut stream,
        "MR 你好\r\n".as_bytes(),
        "MR 你好\r\n".as_bytes(),
    );
    let server = serve(&["--echo", "--reply", "OK"]);
    let mut stream = client(&server);
    ask(&mut stream, b"ping", b"OKping");
}
