//! The CLI under peers that send flat out: it prints everything, in order, and
//! when stdout is slower than the network it stops reading (TCP flow control
//! slows the peer, as with `nc`) instead of queueing without bound. UDP cannot be
//! slowed: what could not be printed is counted and told at the end.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::process::{Child, ChildStdout, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::{netdbg, port_of, run_bounded};

const DEADLINE: Duration = Duration::from_secs(20);
/// Nothing the CLI holds may grow with what the peer sends: its budget is 8 MiB.
#[cfg(target_os = "linux")]
const RSS_LIMIT_KB: u64 = 100 * 1024;

/// Peak resident memory of a running process (Linux), in KiB.
#[cfg(target_os = "linux")]
fn peak_rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM")
}

/// A netdbg child whose first JSON line was read; the rest of its stdout is
/// left unread (a pipe nobody reads) until the test takes it.
struct Stalled {
    child: Child,
    stdout: BufReader<ChildStdout>,
    first: Value,
}

impl Stalled {
    fn spawn(args: &[&str]) -> Stalled {
        let mut child = netdbg()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start netdbg");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        stdout.read_line(&mut line).expect("first line");
        let first = serde_json::from_str(&line).unwrap_or_else(|_| panic!("not JSON: {line}"));
        Stalled {
            child,
            stdout,
            first,
        }
    }
}

impl Drop for Stalled {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(target_os = "linux")]
#[test]
fn tcp_serve_into_a_pipe_nobody_reads_slows_the_client_and_stays_small() {
    let server = Stalled::spawn(&["tcp", "serve", "--bind", "127.0.0.1:0", "--json"]);
    let port = port_of(&server.first);
    let mut client = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let written = support::write_until_stuck(&mut client, 1 << 30, Duration::from_secs(2));
    assert!(
        written < 64 << 20,
        "{written} bytes taken by a server whose stdout nobody reads"
    );
    let rss = peak_rss_kb(server.child.id());
    assert!(rss < RSS_LIMIT_KB, "peak RSS {rss} KiB");
}

#[cfg(target_os = "linux")]
#[test]
fn tcp_connect_into_a_pipe_nobody_reads_slows_the_server_and_stays_small() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("listen");
    let target = listener.local_addr().expect("addr").to_string();
    let client = Stalled::spawn(&["tcp", "connect", &target, "--wait", "30", "--json"]);
    assert_eq!(client.first["event"], "connected");
    let (mut peer, _) = listener.accept().expect("accept");
    let written = support::write_until_stuck(&mut peer, 1 << 30, Duration::from_secs(2));
    assert!(
        written < 64 << 20,
        "{written} bytes taken by a client whose stdout nobody reads"
    );
    let rss = peak_rss_kb(client.child.id());
    assert!(rss < RSS_LIMIT_KB, "peak RSS {rss} KiB");
}

#[test]
fn tcp_serve_prints_every_byte_in_order_however_fast_the_client_sends() {
    let mut server = Stalled::spawn(&[
        "tcp",
        "serve",
        "--bind",
        "127.0.0.1:0",
        "--json",
        "--timeout",
        "2",
    ]);
    let port = port_of(&server.first);
    let sent: Vec<u8> = (0..1_000_000u32).flat_map(u32::to_be_bytes).collect();
    let writer = {
        let sent = sent.clone();
        thread::spawn(move || {
            let mut client = TcpStream::connect(("127.0.0.1", port)).expect("connect");
            client.write_all(&sent).expect("send");
        })
    };
    let mut printed = Vec::new();
    let deadline = Instant::now() + DEADLINE;
    let mut line = String::new();
    loop {
        assert!(Instant::now() < deadline, "no closed event");
        line.clear();
        if server.stdout.read_line(&mut line).expect("read") == 0 {
            panic!("netdbg ended before the client closed");
        }
        let event: Value = serde_json::from_str(&line).expect("JSON");
        match event["event"].as_str() {
            Some("received") => {
                let hex = event["hex"].as_str().expect("hex");
                printed.extend(
                    (0..hex.len())
                        .step_by(2)
                        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex")),
                );
            }
            Some("skipped") => panic!("a printer never skips TCP data: {event}"),
            Some("closed") => break,
            _ => {}
        }
    }
    writer.join().expect("writer");
    assert_eq!(printed.len(), sent.len());
    assert!(printed == sent, "byte-exact, in order");
}

#[test]
fn udp_listen_behind_a_flood_says_at_the_end_how_much_it_did_not_print() {
    let mut listener = Stalled::spawn(&[
        "udp",
        "listen",
        "--bind",
        "127.0.0.1:0",
        "--json",
        "--timeout",
        "1",
    ]);
    let target = SocketAddr::from(([127, 0, 0, 1], port_of(&listener.first)));
    let sender = UdpSocket::bind("127.0.0.1:0").expect("sender");
    let datagram = [b'u'; 1000];
    let sent = 50_000u64;
    for _ in 0..sent {
        sender.send_to(&datagram, target).expect("send");
    }
    // Now read it all: the printed datagrams, then the summary of the rest.
    let mut rest = String::new();
    let reader = thread::spawn(move || {
        listener.stdout.read_to_string(&mut rest).expect("read");
        let status = listener.child.wait().expect("wait");
        (rest, status)
    });
    let (rest, status) = reader.join().expect("reader");
    assert!(status.success(), "{status:?}");
    let events: Vec<Value> = rest
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON"))
        .collect();
    let printed = events.iter().filter(|e| e["event"] == "received").count() as u64;
    let skipped = events
        .iter()
        .find(|e| e["event"] == "skipped")
        .unwrap_or_else(|| panic!("no skipped event after {printed} printed"));
    let count = skipped["count"].as_u64().expect("count");
    assert!(count > 0);
    assert_eq!(skipped["bytes"].as_u64(), Some(count * 1000));
    assert!(printed + count <= sent);
    let last = events.last().expect("events");
    assert!(
        last["event"] == "skipped" || last["event"] == "timeout",
        "told at the end: {last}"
    );
}

#[test]
fn sending_lines_of_a_file_without_line_breaks_is_an_input_error_naming_the_line() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("listen");
    let target = listener.local_addr().expect("addr").to_string();
    let accept = thread::spawn(move || {
        let (mut peer, _) = listener.accept().expect("accept");
        let mut sink = Vec::new();
        let _ = peer.read_to_end(&mut sink);
        sink.len()
    });
    let tcp = run_bounded(
        netdbg().args([
            "tcp",
            "connect",
            &target,
            "--file",
            "/dev/zero",
            "--lines",
            "--interval",
            "1",
        ]),
        DEADLINE,
    );
    assert_eq!(tcp.status.code(), Some(2), "{}", tcp.stderr);
    assert_eq!(tcp.stderr.lines().count(), 1, "{}", tcp.stderr);
    assert!(
        tcp.stderr
            .contains("Line 1 of /dev/zero is longer than 65536 bytes"),
        "{}",
        tcp.stderr
    );
    assert_eq!(accept.join().expect("peer"), 0, "nothing sent");

    let udp_target = UdpSocket::bind("127.0.0.1:0").expect("udp");
    let to = udp_target.local_addr().expect("addr").to_string();
    let udp = run_bounded(
        netdbg().args(["udp", "send", "--to", &to, "--file", "/dev/zero", "--lines"]),
        DEADLINE,
    );
    assert_eq!(udp.status.code(), Some(2), "{}", udp.stderr);
    assert!(udp.stderr.contains("Line 1"), "{}", udp.stderr);
}
