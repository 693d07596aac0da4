//! `netdbg replay`: a capture's messages go out again in order over UDP and TCP,
//! one side or the other, one peer's among several; pcapng and pcap files written
//! here (Ethernet, IPv4, TCP and UDP headers) replay their payloads, a TCP
//! retransmission once; a session recorded against the tutorial's GBK server
//! replays with the same replies; bad input is named (line, block) and exits 2
//! before any socket opens; a target that refuses exits 1.

mod support;

use std::borrow::Cow;
use std::fs;
use std::io::Read;
use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::path::PathBuf;
use std::thread;
use std::time::Duration;

use etherparse::PacketBuilder;
use pcap_file::DataLink;
use pcap_file::pcap::{PcapPacket, PcapWriter};
use pcap_file::pcapng::PcapNgWriter;
use pcap_file::pcapng::blocks::enhanced_packet::EnhancedPacketBlock;
use pcap_file::pcapng::blocks::interface_description::{
    InterfaceDescriptionBlock, InterfaceDescriptionOption,
};
use serde_json::Value;
use support::{Finished, has_python, netdbg, run_bounded, start_tutorial_tcp_server};

const LIMIT: Duration = Duration::from_secs(20);

/// A file in the temp folder, unique to this test process.
fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("netdbg-replay-{}-{name}", std::process::id()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A netdbg capture: one data record per (ms after the start, dir, peer, bytes).
fn jsonl(records: &[(u64, &str, &str, &[u8])]) -> String {
    let mut text = String::new();
    for (ms, dir, peer, data) in records {
        text += &format!(
            "{{\"time\":\"2026-11-25T18:00:{:02}.{:03}000+08:00\",\"dir\":\"{dir}\",\"peer\":\"{peer}\",\"len\":{},\"hex\":\"{}\"}}\n",
            ms / 1000,
            ms % 1000,
            data.len(),
            hex(data)
        );
    }
    text
}

fn write(name: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let path = temp(name);
    fs::write(&path, content).expect("write the capture");
    path
}

fn replay(file: &PathBuf, extra: &[&str]) -> Finished {
    let mut command = netdbg();
    command.arg("replay").arg(file).args(extra);
    run_bounded(&mut command, LIMIT)
}

fn udp_sink() -> (UdpSocket, String) {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind");
    socket
        .set_read_timeout(Some(Duration::from_millis(500)))
        .expect("timeout");
    let addr = socket.local_addr().expect("addr").to_string();
    (socket, addr)
}

/// Every datagram that arrives until the socket is quiet for its timeout.
fn datagrams(socket: &UdpSocket) -> Vec<Vec<u8>> {
    let mut got = Vec::new();
    let mut buf = [0u8; 65_536];
    while let Ok(len) = socket.recv(&mut buf) {
        got.push(buf[..len].to_vec());
    }
    got
}

/// A TCP listener whose one client's bytes (until it closes) come back from the thread.
fn tcp_sink() -> (thread::JoinHandle<Vec<u8>>, String) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let reader = thread::spawn(move || {
        let (mut stream, _) = listener.accept().expect("accept");
        stream.set_read_timeout(Some(LIMIT)).expect("timeout");
        let mut all = Vec::new();
        stream.read_to_end(&mut all).expect("read to the end");
        all
    });
    (reader, addr)
}

#[track_caller]
fn assert_ok(done: &Finished) {
    assert_eq!(
        done.status.code(),
        Some(0),
        "{}{}",
        done.stdout,
        done.stderr
    );
}

#[test]
fn jsonl_over_udp_sends_our_side_in_order_or_the_peers() {
    let peer = "192.0.2.7:5000";
    let path = write(
        "udp.jsonl",
        jsonl(&[
            (0, "tx", peer, b"one"),
            (5, "rx", peer, b"reply 1"),
            (10, "tx", peer, "二".as_bytes()),
            (15, "rx", peer, b"reply 2"),
            (20, "tx", peer, &[0, 1, 2, 255]),
        ]),
    );
    let (sink, to) = udp_sink();
    let done = replay(&path, &["--to", &to, "--udp", "--wait", "0", "--json"]);
    assert_ok(&done);
    assert_eq!(
        datagrams(&sink),
        [
            b"one".to_vec(),
            "二".as_bytes().to_vec(),
            vec![0, 1, 2, 255]
        ]
    );
    let loaded = done.event("loaded");
    assert_eq!(
        (loaded["messages"].as_u64(), loaded["side"].as_str()),
        (Some(3), Some("sent"))
    );
    let summary = done.event("summary");
    assert_eq!(summary["sent"], 3);
    assert_eq!(summary["bytes"], 10);
    assert!(summary["p99_us"].is_u64(), "{summary}");

    let done = replay(
        &path,
        &[
            "--to", &to, "--udp", "--side", "received", "--asap", "--wait", "0", "--json",
        ],
    );
    assert_ok(&done);
    assert_eq!(datagrams(&sink), [b"reply 1".to_vec(), b"reply 2".to_vec()]);
    // As fast as possible has no schedule to be late against.
    assert_eq!(done.event("summary")["p99_us"], Value::Null);
    let _ = fs::remove_file(path);
}

#[test]
fn jsonl_over_tcp_delivers_every_byte_in_order() {
    let peer = "127.0.0.1:5000";
    let messages: Vec<Vec<u8>> = (0..60u32)
        .map(|n| (0..(n * 37 % 500 + 1)).map(|i| (i * 7 + n) as u8).collect())
        .collect();
    let records: Vec<(u64, &str, &str, &[u8])> = messages
        .iter()
        .enumerate()
        .map(|(n, data)| (n as u64, "tx", peer, data.as_slice()))
        .collect();
    let path = write("tcp.jsonl", jsonl(&records));
    let (reader, to) = tcp_sink();
    let done = replay(
        &path,
        &["--to", &to, "--speed", "4", "--wait", "0", "--json"],
    );
    assert_ok(&done);
    assert_eq!(reader.join().expect("the sink"), messages.concat());
    let sent: Vec<u64> = done
        .events()
        .iter()
        .filter(|e| e["event"] == "sent")
        .map(|e| e["index"].as_u64().expect("index"))
        .collect();
    assert_eq!(sent, (1..=60).collect::<Vec<u64>>());
    let _ = fs::remove_file(path);
}

#[test]
fn peer_picks_one_client_of_a_server_capture() {
    let (a, b) = ("127.0.0.1:40001", "127.0.0.1:40002");
    let path = write(
        "two-clients.jsonl",
        jsonl(&[
            (0, "rx", a, b"a1"),
            (1, "rx", b, b"b1"),
            (2, "tx", a, b"to a"),
            (3, "rx", a, b"a2"),
            (4, "rx", b, b"b2"),
        ]),
    );
    let (sink, to) = udp_sink();
    let done = replay(&path, &["--to", &to, "--udp", "--side", "received"]);
    assert_eq!(done.status.code(), Some(2), "{}", done.stderr);
    assert!(done.stderr.contains("2 conversations"), "{}", done.stderr);
    assert!(
        done.stderr.contains(a) && done.stderr.contains(b),
        "{}",
        done.stderr
    );

    let done = replay(
        &path,
        &[
            "--to", &to, "--udp", "--side", "received", "--peer", b, "--asap", "--wait", "0",
        ],
    );
    assert_ok(&done);
    assert_eq!(datagrams(&sink), [b"b1".to_vec(), b"b2".to_vec()]);
    let done = replay(
        &path,
        &["--to", &to, "--udp", "--peer", a, "--asap", "--wait", "0"],
    );
    assert_ok(&done);
    assert_eq!(datagrams(&sink), [b"to a".to_vec()]);
    let _ = fs::remove_file(path);
}

/// A frame: Ethernet, IPv4, then TCP (with `flags`) or UDP (`seq` is None).
fn frame(
    from: ([u8; 4], u16),
    to: ([u8; 4], u16),
    seq: Option<(u32, &str)>,
    payload: &[u8],
) -> Vec<u8> {
    let ip =
        PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2]).ipv4(from.0, to.0, 64);
    let mut out = Vec::new();
    match seq {
        None => ip.udp(from.1, to.1).write(&mut out, payload),
        Some((seq, flags)) => {
            let mut tcp = ip.tcp(from.1, to.1, seq, 65_535);
            if flags.contains('S') {
                tcp = tcp.syn();
            }
            if flags.contains('A') {
                tcp = tcp.ack(1);
            }
            if flags.contains('F') {
                tcp = tcp.fin();
            }
            tcp.write(&mut out, payload)
        }
    }
    .expect("a frame");
    out
}

const CLIENT: ([u8; 4], u16) = ([10, 0, 0, 1], 40_000);
const SERVER: ([u8; 4], u16) = ([10, 0, 0, 2], 80);
const DEVICE: ([u8; 4], u16) = ([10, 0, 0, 3], 5_000);
const COLLECTOR: ([u8; 4], u16) = ([10, 0, 0, 4], 9_000);

/// A TCP session (handshake, GET, OK, GET again — a retransmission —, BYE, FIN)
/// and a UDP exchange between two other hosts, nanosecond timestamps.
fn session_frames() -> Vec<(u64, Vec<u8>)> {
    let c = 1000u32; // the client's ISN
    let s = 5000u32; // the server's ISN
    vec![
        (0, frame(CLIENT, SERVER, Some((c, "S")), b"")),
        (1, frame(SERVER, CLIENT, Some((s, "SA")), b"")),
        (2, frame(CLIENT, SERVER, Some((c + 1, "A")), b"")),
        (3, frame(CLIENT, SERVER, Some((c + 1, "A")), b"GET /")),
        (4, frame(DEVICE, COLLECTOR, None, b"temp=21")),
        (5, frame(SERVER, CLIENT, Some((s + 1, "A")), b"OK")),
        (6, frame(CLIENT, SERVER, Some((c + 1, "A")), b"GET /")),
        (7, frame(COLLECTOR, DEVICE, None, b"ack")),
        (8, frame(CLIENT, SERVER, Some((c + 6, "A")), b"BYE")),
        (9, frame(DEVICE, COLLECTOR, None, b"temp=22")),
        (10, frame(CLIENT, SERVER, Some((c + 9, "FA")), b"")),
    ]
}

fn write_pcapng(name: &str, frames: &[(u64, Vec<u8>)]) -> PathBuf {
    let mut writer = PcapNgWriter::new(Vec::new()).expect("a pcapng writer");
    writer
        .write_pcapng_block(InterfaceDescriptionBlock {
            linktype: DataLink::ETHERNET,
            snaplen: 65_535,
            // Nanoseconds: what pcap-file writes the timestamps in.
            options: vec![InterfaceDescriptionOption::IfTsResol(9)],
        })
        .expect("the interface");
    for (ms, data) in frames {
        writer
            .write_pcapng_block(EnhancedPacketBlock {
                interface_id: 0,
                timestamp: Duration::from_millis(1_764_064_800_000 + ms * 10),
                original_len: data.len() as u32,
                data: Cow::Borrowed(data),
                options: vec![],
            })
            .expect("a packet");
    }
    write(name, writer.into_inner())
}

#[test]
fn a_pcapng_replays_the_tcp_stream_once_and_the_udp_datagrams() {
    let path = write_pcapng("session.pcapng", &session_frames());
    let (sink, to) = udp_sink();
    let done = replay(&path, &["--to", &to, "--udp"]);
    assert_eq!(done.status.code(), Some(2), "{}", done.stderr);
    assert!(done.stderr.contains("2 conversations"), "{}", done.stderr);
    assert!(
        done.stderr.contains("tcp 10.0.0.1:40000 → 10.0.0.2:80"),
        "{}",
        done.stderr
    );

    // What the client sent its server, the retransmitted GET once.
    let (reader, tcp_to) = tcp_sink();
    let done = replay(
        &path,
        &[
            "--to",
            &tcp_to,
            "--peer",
            "10.0.0.2:80",
            "--wait",
            "0",
            "--json",
        ],
    );
    assert_ok(&done);
    assert_eq!(reader.join().expect("the sink"), b"GET /BYE");
    assert_eq!(done.event("loaded")["format"], "pcapng");
    // What the server said, toward a stand-in for the client.
    let (reader, tcp_to) = tcp_sink();
    let done = replay(
        &path,
        &[
            "--to",
            &tcp_to,
            "--peer",
            "10.0.0.2:80",
            "--side",
            "received",
            "--wait",
            "0",
        ],
    );
    assert_ok(&done);
    assert_eq!(reader.join().expect("the sink"), b"OK");
    // The device's readings, to a stand-in for the collector.
    let done = replay(
        &path,
        &[
            "--to",
            &to,
            "--udp",
            "--peer",
            "10.0.0.4:9000",
            "--asap",
            "--wait",
            "0",
        ],
    );
    assert_ok(&done);
    assert_eq!(datagrams(&sink), [b"temp=21".to_vec(), b"temp=22".to_vec()]);
    let _ = fs::remove_file(path);
}

#[test]
fn a_classic_pcap_with_one_conversation_needs_no_peer() {
    let mut writer = PcapWriter::new(Vec::new()).expect("a pcap writer");
    let frames = [
        frame(DEVICE, COLLECTOR, None, b"first"),
        frame(COLLECTOR, DEVICE, None, b"answer"),
        frame(DEVICE, COLLECTOR, None, b"second"),
    ];
    for (n, data) in frames.iter().enumerate() {
        let at = Duration::from_millis(1_764_064_800_000 + n as u64 * 20);
        writer
            .write_packet(&PcapPacket::new(at, data.len() as u32, data))
            .expect("a packet");
    }
    let path = write("device.pcap", writer.into_writer());
    let (sink, to) = udp_sink();
    let done = replay(&path, &["--to", &to, "--udp", "--wait", "0", "--json"]);
    assert_ok(&done);
    // The first packet's destination is the peer: what the device sent is "sent".
    assert_eq!(done.event("loaded")["peer"], "10.0.0.4:9000");
    assert_eq!(datagrams(&sink), [b"first".to_vec(), b"second".to_vec()]);
    let _ = fs::remove_file(path);
}

/// The payloads of a netdbg capture's records going `dir`, joined.
fn recorded(path: &PathBuf, dir: &str) -> Vec<u8> {
    let text = fs::read_to_string(path).expect("the capture");
    let mut bytes = Vec::new();
    for line in text.lines() {
        let record: Value = serde_json::from_str(line).expect("a record");
        if record["dir"] == dir {
            let hex = record["hex"].as_str().expect("hex");
            for at in (0..hex.len()).step_by(2) {
                bytes.push(u8::from_str_radix(&hex[at..at + 2], 16).expect("a byte"));
            }
        }
    }
    bytes
}

#[test]
fn a_session_with_the_tutorial_server_replays_with_the_same_replies() {
    if !has_python() {
        eprintln!("skipped: no python3");
        return;
    }
    let capture = temp("tutorial.jsonl");
    let (mut server, _said, port) = start_tutorial_tcp_server();
    let target = format!("127.0.0.1:{port}");
    let done = run_bounded(
        netdbg()
            .args(["tcp", "connect", &target, "--send", "你好", "--repeat", "3"])
            .args(["--interval", "300", "--encoding", "gbk", "--capture"])
            .arg(&capture),
        LIMIT,
    );
    assert_ok(&done);
    let _ = server.wait();
    let replies = recorded(&capture, "rx");
    let gbk = |text: &str| encoding_rs::GBK.encode(text).0.into_owned();
    assert_eq!(replies, [gbk("收到收到收到"), gbk("再见!")].concat());

    let (mut server, mut said, port) = start_tutorial_tcp_server();
    let target = format!("127.0.0.1:{port}");
    let done = replay(
        &capture,
        &[
            "--to",
            &target,
            "--wait-reply",
            "--encoding",
            "gbk",
            "--json",
        ],
    );
    assert_ok(&done);
    let _ = server.wait();
    let received: Vec<u8> = done
        .events()
        .iter()
        .filter(|e| e["event"] == "received")
        .flat_map(|e| {
            let hex = e["hex"].as_str().expect("hex").to_owned();
            (0..hex.len())
                .step_by(2)
                .map(move |at| u8::from_str_radix(&hex[at..at + 2], 16).expect("a byte"))
        })
        .collect();
    assert_eq!(received, replies, "{}", done.stdout);
    let summary = done.event("summary");
    assert_eq!(
        (summary["sent"].as_u64(), summary["missed_replies"].as_u64()),
        (Some(3), Some(0))
    );
    // The server read each message on its own: the replay waited for each reply.
    let mut got = String::new();
    said.read_to_string(&mut got)
        .expect("what the server printed");
    assert_eq!(got.lines().collect::<Vec<_>>(), ["你好", "你好", "你好"]);
    let _ = fs::remove_file(capture);
}

#[test]
fn bad_input_is_named_and_exits_2_before_any_socket() {
    let (witness, to) = udp_sink();
    let peer = "127.0.0.1:5000";
    let good = jsonl(&[
        (0, "tx", peer, b"a"),
        (10, "rx", peer, b"b"),
        (20, "tx", peer, b"c"),
    ]);
    let not_capture = write("text.txt", "hello\nworld\n");
    let cut = write("cut.jsonl", &good[..good.len() - 10]);
    let bad_line = write(
        "bad-line.jsonl",
        format!(
            "{}{{\"time\":\"2026-11-25T18:00:00.1+08:00\",\"dir\":\"up\",\"peer\":\"{peer}\",\"hex\":\"00\"}}\n",
            &good
        ),
    );
    let odd_hex = write(
        "odd-hex.jsonl",
        good.replace("\"hex\":\"62\"", "\"hex\":\"6\""),
    );
    let one_way = write("one-way.jsonl", jsonl(&[(0, "tx", peer, b"a")]));
    let good_path = write("good.jsonl", &good);
    let pcapng = fs::read(write_pcapng("whole.pcapng", &session_frames())).expect("read");
    // The SHB (28 bytes), the IDB (32), then the first packet block cut in half.
    let cut_pcapng = write("cut.pcapng", &pcapng[..60 + 40]);
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec![not_capture.display().to_string()], "Not a capture"),
        (
            vec![cut.display().to_string()],
            "line 3: the JSON ends early (was the file cut off?)",
        ),
        (
            vec![bad_line.display().to_string()],
            "line 4: the field \"dir\" holds \"up\", which is not valid",
        ),
        (
            vec![odd_hex.display().to_string()],
            "line 2: len says 1 bytes, but hex holds 0",
        ),
        (
            vec![cut_pcapng.display().to_string()],
            "block 3 (byte offset 60): the file ends inside it",
        ),
        (
            vec![
                one_way.display().to_string(),
                "--side".into(),
                "received".into(),
            ],
            "no data sent by the peer (peer 127.0.0.1:5000)",
        ),
        (
            vec![
                good_path.display().to_string(),
                "--peer".into(),
                "10.9.9.9:1".into(),
            ],
            "no conversation with 10.9.9.9:1",
        ),
        (
            vec![
                good_path.display().to_string(),
                "--peer".into(),
                "here".into(),
            ],
            "Peer \"here\"",
        ),
        (
            vec![
                good_path.display().to_string(),
                "--speed".into(),
                "0".into(),
            ],
            "Speed \"0\"",
        ),
        (
            vec![
                good_path.display().to_string(),
                "--speed".into(),
                "-2".into(),
            ],
            "Speed \"-2\"",
        ),
        (
            vec![
                good_path.display().to_string(),
                "--speed".into(),
                "fast".into(),
            ],
            "Speed \"fast\"",
        ),
        (
            vec![
                good_path.display().to_string(),
                "--speed".into(),
                "2".into(),
                "--asap".into(),
            ],
            "cannot be used with",
        ),
        (
            vec![temp("missing.jsonl").display().to_string()],
            "Cannot read",
        ),
        (
            vec![std::env::temp_dir().display().to_string()],
            "not a regular file",
        ),
    ];
    for (args, expected) in &cases {
        let mut command = netdbg();
        command
            .arg("replay")
            .args(args)
            .args(["--to", &to, "--udp"]);
        let done = run_bounded(&mut command, LIMIT);
        assert_eq!(done.status.code(), Some(2), "{args:?}: {}", done.stderr);
        assert!(done.stdout.is_empty(), "{args:?}: {}", done.stdout);
        let lines: Vec<&str> = done.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{args:?}: {}", done.stderr);
        assert!(
            lines[0].contains(expected),
            "{args:?}: {:?} lacks {expected:?}",
            lines[0]
        );
    }
    let done = run_bounded(
        netdbg()
            .args(["--lang", "zh", "replay"])
            .arg(&cut)
            .args(["--to", &to, "--udp"]),
        LIMIT,
    );
    assert_eq!(done.status.code(), Some(2), "{}", done.stderr);
    assert!(
        done.stderr
            .contains("第 3 行：JSON 没写完就结束了（文件被截断？）"),
        "{}",
        done.stderr
    );
    assert!(datagrams(&witness).is_empty(), "a bad input sent something");
    for path in [
        not_capture,
        cut,
        bad_line,
        odd_hex,
        one_way,
        good_path,
        cut_pcapng,
    ] {
        let _ = fs::remove_file(path);
    }
}

#[test]
fn a_target_that_refuses_exits_1() {
    let path = write(
        "refused.jsonl",
        jsonl(&[
            (0, "tx", "127.0.0.1:5000", b"a"),
            (10, "tx", "127.0.0.1:5000", b"b"),
        ]),
    );
    let closed = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").to_string()
    };
    let done = replay(&path, &["--to", &closed]);
    assert_eq!(done.status.code(), Some(1), "{}", done.stderr);
    assert!(
        done.stderr.contains("refused the connection"),
        "{}",
        done.stderr
    );
    // UDP: the "port unreachable" that comes back ends it too.
    let closed: SocketAddr = {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("bind");
        socket.local_addr().expect("addr")
    };
    let done = replay(
        &path,
        &["--to", &closed.to_string(), "--udp", "--speed", "10"],
    );
    assert_eq!(
        done.status.code(),
        Some(1),
        "{}{}",
        done.stdout,
        done.stderr
    );
    assert!(done.stderr.contains("is unreachable"), "{}", done.stderr);
    let _ = fs::remove_file(path);
}
