//! Capture to a file: every datagram and TCP chunk an endpoint receives or sends, one
//! JSON line each, byte-exact and in order, checked against the endpoint's counters;
//! and each TCP connection's open and close. (pcapng: `capture_pcapng.rs`.)

use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::Receiver;
use netdbg::codec::{TextEncoding, format_hex_compact};
use netdbg::engine::{
    AutoReply, AutoReplySpec, Capture, EngineError, TcpClient, TcpClientConfig, TcpClientEvent,
    TcpServer, TcpServerConfig, TcpServerEvent, UdpConfig, UdpEndpoint, UdpEvent, no_waker,
};
use serde_json::Value;

mod support;

const WAIT: Duration = Duration::from_secs(10);
const BURST: u64 = 100_000;
const SENTINEL: &[u8] = b"sentinel";

/// A fresh path in the temp folder; removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!(
            "netdbg-capture-{}-{name}.jsonl",
            std::process::id()
        ));
        let _ = std::fs::remove_file(&path);
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A data record (`dir`, `hex`), or a connection's (`event`, `by`; `dir` and `hex` empty).
#[derive(Debug)]
struct Record {
    dir: String,
    peer: String,
    hex: String,
    proto: String,
    local: String,
    event: Option<String>,
    by: Option<String>,
}

/// Every line of a capture, checked for the fields each record must have.
fn read_records(path: &Path) -> Vec<Record> {
    let text = std::fs::read_to_string(path).expect("capture file readable");
    text.lines()
        .map(|line| {
            let value: Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
            let time = value["time"].as_str().expect("time");
            assert!(
                chrono::DateTime::parse_from_rfc3339(time).is_ok(),
                "time {time}"
            );
            let text = |field: &str| value[field].as_str().map(str::to_owned);
            let event = text("event");
            let hex = match event {
                Some(_) => {
                    assert!(
                        value.get("hex").is_none() && value.get("dir").is_none(),
                        "{line}"
                    );
                    String::new()
                }
                None => {
                    let hex = text("hex").expect("hex");
                    let len = value["len"].as_u64().expect("len");
                    assert_eq!(hex.len() as u64, len * 2, "{line}");
                    hex
                }
            };
            Record {
                dir: text("dir").unwrap_or_default(),
                peer: text("peer").expect("peer"),
                hex,
                proto: text("proto").expect("proto"),
                local: text("local").expect("local"),
                event,
                by: text("by"),
            }
        })
        .collect()
}

/// A connection's records, in order: "open" by `opener`, data, then one end.
#[track_caller]
fn assert_lifecycle(records: &[Record], opener: &str, end: &str, closer: &str) {
    assert!(records.iter().all(|r| r.proto == "tcp"));
    let events: Vec<(usize, &str, &str)> = records
        .iter()
        .enumerate()
        .filter_map(|(at, r)| Some((at, r.event.as_deref()?, r.by.as_deref()?)))
        .collect();
    assert_eq!(
        events,
        [(0, "open", opener), (records.len() - 1, end, closer)],
        "{records:#?}"
    );
}

/// Sixteen bytes: the sequence number, then a pattern that depends on it.
fn datagram(seq: u64) -> [u8; 16] {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&seq.to_be_bytes());
    bytes[8..].copy_from_slice(&(seq ^ 0xA5A5_5A5A_0F0F_F0F0).to_le_bytes());
    bytes
}

fn open_udp() -> (UdpEndpoint, Receiver<UdpEvent>) {
    let (tx, rx) = crossbeam_channel::unbounded();
    let bind: SocketAddr = "127.0.0.1:0".parse().expect("address");
    let endpoint = UdpEndpoint::open(&UdpConfig::new(bind), tx, no_waker()).expect("bind");
    (endpoint, rx)
}

#[test]
fn udp_burst_capture_matches_what_the_endpoint_received() {
    let file = TempFile::new("udp-burst");
    let capture = Capture::create(&file.0).expect("create capture");
    let (endpoint, events) = open_udp();
    endpoint.set_capture(capture.sink());
    let target = endpoint.local_addr();
    let sender = UdpSocket::bind("127.0.0.1:0").expect("sender");
    let sender_addr = sender.local_addr().expect("addr");

    // As fast as the sender goes: the kernel may drop some; the capture must still hold
    // exactly what the endpoint counted, in order.
    for seq in 0..BURST {
        sender.send_to(&datagram(seq), target).expect("send");
    }
    // The socket is FIFO: once a sentinel is through, everything before it is too.
    let deadline = Instant::now() + Duration::from_secs(60);
    'sync: loop {
        assert!(Instant::now() < deadline, "the sentinel never arrived");
        sender.send_to(SENTINEL, target).expect("sentinel");
        while let Ok(event) = events.recv_timeout(Duration::from_millis(100)) {
            if matches!(&event, UdpEvent::Received(d) if d.data == SENTINEL) {
                break 'sync;
            }
        }
    }
    endpoint.set_capture(None);
    let received = endpoint.counters().snapshot().rx_packets;
    let written = capture.finish().expect("finish");
    endpoint.close();

    let records = read_records(&file.0);
    assert_eq!(records.len() as u64, written);
    assert_eq!(written, received, "one record per datagram received");
    let mut last = None;
    let mut burst_records = 0u64;
    for record in &records {
        assert_eq!(record.dir, "rx");
        assert_eq!(record.peer, sender_addr.to_string());
        assert_eq!(
            (record.proto.as_str(), record.local.clone()),
            ("udp", target.to_string())
        );
        if record.hex == format_hex_compact(SENTINEL) {
            continue;
        }
        let seq = u64::from_str_radix(&record.hex[..16], 16).expect("sequence number");
        assert_eq!(record.hex, format_hex_compact(&datagram(seq)), "byte-exact");
        assert!(
            last.is_none_or(|last| seq > last),
            "in order: {seq} after {last:?}"
        );
        last = Some(seq);
        burst_records += 1;
    }
    assert!(burst_records <= BURST);
    eprintln!("burst: {burst_records} of {BURST} datagrams received and captured");
}

#[test]
fn paced_udp_capture_holds_every_datagram_and_every_send() {
    const WINDOW: u64 = 1_000;
    const REPLIES: u64 = 100;
    let file = TempFile::new("udp-paced");
    let capture = Capture::create(&file.0).expect("create capture");
    let (endpoint, events) = open_udp();
    endpoint.set_capture(capture.sink());
    let target = endpoint.local_addr();
    let sender = UdpSocket::bind("127.0.0.1:0").expect("sender");
    let sender_addr = sender.local_addr().expect("addr");

    // Lightly paced: at most WINDOW datagrams in flight, far below the 4 MiB buffer.
    let deadline = Instant::now() + Duration::from_secs(120);
    let received = || endpoint.counters().snapshot().rx_packets;
    for seq in 0..BURST {
        while seq - received() >= WINDOW {
            assert!(Instant::now() < deadline, "the endpoint stopped receiving");
            thread::yield_now();
        }
        sender.send_to(&datagram(seq), target).expect("send");
    }
    while received() < BURST {
        assert!(
            Instant::now() < deadline,
            "received {} of {BURST}",
            received()
        );
        thread::yield_now();
    }
    // And the other way: the endpoint answers, the capture keeps its sends too.
    for n in 0..REPLIES {
        endpoint.send_to(
            "127.0.0.1",
            sender_addr.port(),
            format!("reply {n}").into_bytes(),
        );
    }
    let mut sent = 0;
    while sent < REPLIES {
        match events.recv_timeout(WAIT) {
            Ok(UdpEvent::Sent(_)) => sent += 1,
            Ok(UdpEvent::Error(error)) => panic!("{error:?}"),
            Ok(_) => {}
            Err(_) => panic!("only {sent} of {REPLIES} replies were sent"),
        }
    }
    endpoint.set_capture(None);
    let counters = endpoint.counters().snapshot();
    let written = capture.finish().expect("finish");
    endpoint.close();

    assert_eq!(counters.rx_packets, BURST, "paced: nothing dropped");
    assert_eq!(counters.tx_packets, REPLIES);
    let records = read_records(&file.0);
    assert_eq!(records.len() as u64, written);
    assert_eq!(written, BURST + REPLIES);
    let rx: Vec<&Record> = records.iter().filter(|r| r.dir == "rx").collect();
    let tx: Vec<&Record> = records.iter().filter(|r| r.dir == "tx").collect();
    assert_eq!(rx.len() as u64, BURST);
    for (seq, record) in (0..BURST).zip(&rx) {
        assert_eq!(
            record.hex,
            format_hex_compact(&datagram(seq)),
            "datagram {seq}"
        );
        assert_eq!(record.peer, sender_addr.to_string());
    }
    assert_eq!(tx.len() as u64, REPLIES);
    for (n, record) in (0..REPLIES).zip(&tx) {
        assert_eq!(
            record.hex,
            format_hex_compact(format!("reply {n}").as_bytes())
        );
        assert_eq!(record.peer, sender_addr.to_string());
    }
}

fn wait_client(
    events: &Receiver<TcpClientEvent>,
    wanted: impl Fn(&TcpClientEvent) -> bool,
) -> TcpClientEvent {
    let deadline = Instant::now() + WAIT;
    loop {
        match events.recv_deadline(deadline) {
            Ok(event) if wanted(&event) => return event,
            Ok(TcpClientEvent::Failed(error)) => panic!("client failed: {error:?}"),
            Ok(_) => {}
            Err(_) => panic!("timed out waiting for a client event"),
        }
    }
}

fn wait_server(
    events: &Receiver<TcpServerEvent>,
    wanted: impl Fn(&TcpServerEvent) -> bool,
) -> TcpServerEvent {
    let deadline = Instant::now() + WAIT;
    loop {
        match events.recv_deadline(deadline) {
            Ok(event) if wanted(&event) => return event,
            Ok(_) => {}
            Err(_) => panic!("timed out waiting for a server event"),
        }
    }
}

/// The bytes of every record going one way, joined (TCP has no message boundaries).
fn joined(records: &[Record], dir: &str) -> String {
    records
        .iter()
        .filter(|r| r.dir == dir)
        .map(|r| r.hex.as_str())
        .collect()
}

#[test]
fn tcp_client_and_server_capture_both_directions() {
    let server_file = TempFile::new("tcp-server");
    let client_file = TempFile::new("tcp-client");
    let server_capture = Capture::create(&server_file.0).expect("server capture");
    let client_capture = Capture::create(&client_file.0).expect("client capture");

    let spec = AutoReplySpec {
        reply_enabled: true,
        reply: "ack".to_owned(),
        ..AutoReplySpec::default()
    };
    let config = TcpServerConfig {
        auto_reply: AutoReply::compile(&spec, TextEncoding::Utf8).expect("auto reply"),
        ..TcpServerConfig::new("127.0.0.1:0".parse().expect("address"))
    };
    let (server_tx, server_events) = crossbeam_channel::unbounded();
    let server = TcpServer::start(config, server_tx, no_waker()).expect("server");
    server.set_capture(server_capture.sink());
    let server_addr = server.local_addr();

    let (client_tx, client_events) = crossbeam_channel::unbounded();
    let client = TcpClient::connect(
        TcpClientConfig {
            tls: None,
            host: "127.0.0.1".to_owned(),
            port: server_addr.port(),
            local_port: None,
            connect_timeout: WAIT,
            flow: netdbg::engine::FlowConfig::default(),
            framing: Default::default(),
        },
        client_tx,
        no_waker(),
    )
    .expect("client");
    client.set_capture(client_capture.sink());
    let TcpClientEvent::Connected { local, .. } = wait_client(&client_events, |e| {
        matches!(e, TcpClientEvent::Connected { .. })
    }) else {
        unreachable!()
    };

    let messages: [&[u8]; 3] = [b"hello", &[0x00, 0xFF, 0x0D, 0x0A], "你好".as_bytes()];
    for message in messages {
        client.send(message.to_vec()).expect("send");
        // The writer reports Sent and the reader Received from threads of their
        // own: the reply may be told first.
        let (mut sent, mut replied) = (false, false);
        while !(sent && replied) {
            match wait_client(&client_events, |e| {
                matches!(
                    e,
                    TcpClientEvent::Sent { .. } | TcpClientEvent::Received { .. }
                )
            }) {
                TcpClientEvent::Sent { .. } => sent = true,
                _ => replied = true,
            }
        }
    }
    client.close();
    // The client's capture has its close record once the client says it closed;
    // the server hearing of it first is no sign of that (the two race).
    wait_client(&client_events, |e| {
        matches!(e, TcpClientEvent::ClosedByUs | TcpClientEvent::ClosedByPeer)
    });
    wait_server(&server_events, |e| {
        matches!(e, TcpServerEvent::Closed { .. })
    });
    client.set_capture(None);
    server.set_capture(None);
    let client_written = client_capture.finish().expect("client finish");
    let server_written = server_capture.finish().expect("server finish");
    drop(server);

    let sent: String = messages.iter().map(|m| format_hex_compact(m)).collect();
    let acks = format_hex_compact(b"ack").repeat(messages.len());

    let client_records = read_records(&client_file.0);
    assert_eq!(client_records.len() as u64, client_written);
    let client_tx: Vec<&str> = client_records
        .iter()
        .filter(|r| r.dir == "tx")
        .map(|r| r.hex.as_str())
        .collect();
    let each_sent: Vec<String> = messages.iter().map(|m| format_hex_compact(m)).collect();
    assert_eq!(client_tx, each_sent, "one tx record per send, byte-exact");
    assert_eq!(joined(&client_records, "rx"), acks);
    assert!(
        client_records
            .iter()
            .all(|r| r.peer == server_addr.to_string() && r.local == local.to_string())
    );
    assert_lifecycle(&client_records, "local", "close", "local");

    let server_records = read_records(&server_file.0);
    assert_eq!(server_records.len() as u64, server_written);
    assert_eq!(joined(&server_records, "rx"), sent);
    assert_eq!(joined(&server_records, "tx"), acks);
    assert!(
        server_records
            .iter()
            .all(|r| r.peer == local.to_string() && r.local == server_addr.to_string())
    );
    assert_lifecycle(&server_records, "peer", "close", "peer");
    // The server's replies are its auto-reply's.
    let text = std::fs::read_to_string(&server_file.0).expect("server capture");
    assert_eq!(
        text.matches(r#""note":"auto-reply""#).count(),
        messages.len()
    );
}

#[test]
fn an_unwritable_path_is_capture_failed() {
    let missing = std::env::temp_dir()
        .join(format!("netdbg-no-such-folder-{}", std::process::id()))
        .join("capture.jsonl");
    match Capture::create(&missing) {
        Err(EngineError::CaptureFailed { path, message }) => {
            assert_eq!(path, missing.display().to_string());
            assert!(!message.is_empty());
        }
        Err(other) => panic!("wrong error: {other:?}"),
        Ok(_) => panic!("created a file in a folder that does not exist"),
    }
    // A folder is not a file either.
    assert!(matches!(
        Capture::create(&std::env::temp_dir()),
        Err(EngineError::CaptureFailed { .. })
    ));
}

#[test]
fn an_empty_capture_finishes_with_zero_records() {
    let file = TempFile::new("empty");
    let capture = Capture::create(&file.0).expect("create");
    let (endpoint, _events) = open_udp();
    endpoint.set_capture(capture.sink());
    endpoint.set_capture(None);
    assert_eq!(capture.finish().expect("finish"), 0);
    endpoint.close();
    assert_eq!(std::fs::read_to_string(&file.0).expect("file exists"), "");
}

/// A FIFO in the temp folder: a "disk" that takes only what its reader reads.
#[cfg(unix)]
fn fifo(name: &str) -> TempFile {
    let file = TempFile::new(name);
    let status = std::process::Command::new("mkfifo")
        .arg(&file.0)
        .status()
        .expect("mkfifo");
    assert!(status.success());
    file
}

/// A TCP server on loopback as the window runs it (display flow), capturing to
/// `capture`; its events are not what these tests are about, so a thread drops
/// them as they come.
#[cfg(unix)]
fn window_server_capturing(capture: &Capture) -> (TcpServer, thread::JoinHandle<usize>) {
    let (tx, events) = crossbeam_channel::unbounded();
    let config = TcpServerConfig {
        flow: netdbg::engine::FlowConfig::display(),
        ..TcpServerConfig::new("127.0.0.1:0".parse().expect("address"))
    };
    let server = TcpServer::start(config, tx, no_waker()).expect("server");
    server.set_capture(capture.sink());
    (server, thread::spawn(move || events.iter().count()))
}

/// A disk that stops taking data (a FIFO nobody reads, for now): reading waits
/// for it, so the peer is slowed and nothing is queued without bound; once the
/// disk is back, the capture holds every byte, in order.
#[cfg(unix)]
#[test]
fn a_stalled_disk_slows_reading_and_the_capture_still_holds_every_byte() {
    use std::io::{BufRead, BufReader, ErrorKind, Write};
    use std::net::TcpStream;

    let file = fifo("stalled-disk");
    let (go_tx, go) = crossbeam_channel::bounded::<()>(1);
    let fifo = file.0.clone();
    // The "disk": opens the FIFO at once (so the capture can open it), reads
    // nothing until told, then every record to the end.
    let disk = thread::spawn(move || {
        let reader = std::fs::File::open(&fifo).expect("open fifo");
        go.recv().expect("go");
        let mut bytes = Vec::new();
        for line in BufReader::new(reader).lines() {
            let line = line.expect("line");
            let value: Value = serde_json::from_str(&line).expect("JSON");
            if value["dir"] == "rx" {
                let hex = value["hex"].as_str().expect("hex").as_bytes();
                bytes.extend(hex.chunks(2).map(|pair| {
                    let text = std::str::from_utf8(pair).expect("ascii");
                    u8::from_str_radix(text, 16).expect("hex digit")
                }));
            }
        }
        bytes
    });
    let capture = Capture::create(&file.0).expect("capture");
    let (server, drain) = window_server_capturing(&capture);

    let mut client = TcpStream::connect(server.local_addr()).expect("connect");
    client
        .set_write_timeout(Some(Duration::from_millis(50)))
        .expect("timeout");
    let pattern: Vec<u8> = (0..64 * 1024u32).map(|n| (n % 251) as u8).collect();
    let (mut written, mut progress) = (0usize, Instant::now());
    while progress.elapsed() < Duration::from_secs(1) {
        match client.write(&pattern[written % pattern.len()..]) {
            Ok(n) => {
                written += n;
                progress = Instant::now();
            }
            Err(err) if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(err) => panic!("write: {err}"),
        }
        assert!(written < 256 << 20, "the capture never made reading wait");
    }
    assert!(
        written < 64 << 20,
        "{written} bytes taken while the disk took nothing"
    );
    go_tx.send(()).expect("go");
    let tail = 4 << 20;
    client.set_write_timeout(None).expect("timeout");
    let mut left = tail;
    while left > 0 {
        let start = written % pattern.len();
        let n = client
            .write(&pattern[start..pattern.len().min(start + left)])
            .expect("tail");
        written += n;
        left -= n;
    }
    drop(client);
    let deadline = Instant::now() + WAIT;
    while server.counters().snapshot().rx_bytes < written as u64 {
        assert!(Instant::now() < deadline, "the server stopped reading");
        thread::sleep(Duration::from_millis(10));
    }
    server.set_capture(None);
    drop(server);
    let records = capture.finish().expect("finish");
    let captured = disk.join().expect("disk");
    assert!(records > 0);
    assert_eq!(captured.len(), written, "every byte captured");
    let expected = pattern.iter().cycle().take(written);
    assert!(captured.iter().eq(expected), "byte-exact, in order");
    drain.join().expect("drain");
}

/// A disk that never comes back (a FIFO nobody reads): stopping the capture, as
/// the window's Stop does, must not wait for it, and the endpoint reads on.
#[cfg(unix)]
#[test]
fn stopping_a_capture_on_a_stuck_disk_frees_the_endpoint() {
    use std::net::TcpStream;

    let file = fifo("stuck-disk");
    let fifo = file.0.clone();
    // Opens the FIFO (so the capture can open it) and never reads.
    let (opened_tx, opened) = crossbeam_channel::bounded(1);
    let (done_tx, done) = crossbeam_channel::bounded::<()>(1);
    let stuck = thread::spawn(move || {
        let reader = std::fs::File::open(&fifo).expect("open fifo");
        opened_tx.send(()).expect("opened");
        let _ = done.recv();
        drop(reader);
    });
    let capture = Capture::create(&file.0).expect("capture");
    opened.recv_timeout(WAIT).expect("the FIFO opened");
    let (server, drain) = window_server_capturing(&capture);
    let mut client = TcpStream::connect(server.local_addr()).expect("connect");
    let stalled = support::write_until_stuck(&mut client, 1 << 30, Duration::from_secs(1));
    assert!(
        stalled < 64 << 20,
        "{stalled} bytes while the disk took nothing"
    );

    let asked = Instant::now();
    server.set_capture(None);
    drop(capture);
    assert!(asked.elapsed() < Duration::from_secs(1), "stopping waited");
    // The reader is free again: the client can send as much as it likes.
    let more = support::write_until_stuck(&mut client, 128 << 20, Duration::from_secs(5));
    assert_eq!(more, 128 << 20);
    drop(client);
    let _ = done_tx.send(());
    stuck.join().expect("stuck");
    drop(server);
    drain.join().expect("drain");
}
