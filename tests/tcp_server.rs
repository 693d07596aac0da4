//! The TCP server engine against plain `std::net` clients on loopback.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossbeam_channel::Receiver;
use netdbg::codec::{StreamDecoder, TextEncoding};
use netdbg::engine::{
    AutoReply, AutoReplySpec, ClientId, ClientInfo, CloseReason, EngineError, FlowConfig,
    MatchKind, RuleSpec, TcpServer, TcpServerConfig, TcpServerEvent, no_waker,
};

const WAIT: Duration = Duration::from_secs(10);

fn loopback() -> TcpServerConfig {
    TcpServerConfig::new("127.0.0.1:0".parse().expect("test address"))
}

/// Starts a server and checks that it says where it listens.
fn start(config: TcpServerConfig) -> (TcpServer, Receiver<TcpServerEvent>) {
    let (tx, rx) = crossbeam_channel::unbounded();
    let server = TcpServer::start(config, tx, no_waker()).expect("bind loopback");
    match rx.recv_timeout(WAIT) {
        Ok(TcpServerEvent::Listening { local }) => assert_eq!(local, server.local_addr()),
        other => panic!("expected Listening first, got {other:?}"),
    }
    assert!(server.is_listening());
    (server, rx)
}

#[track_caller]
fn next_matching(
    rx: &Receiver<TcpServerEvent>,
    what: &str,
    wanted: impl Fn(&TcpServerEvent) -> bool,
) -> TcpServerEvent {
    let deadline = Instant::now() + WAIT;
    loop {
        match rx.recv_deadline(deadline) {
            Ok(event) if wanted(&event) => return event,
            Ok(_) => {}
            Err(_) => panic!("timed out waiting for {what}"),
        }
    }
}

/// A plain client whose reads give up after [`WAIT`] instead of hanging the test.
fn dial(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect_timeout(&addr, WAIT).expect("connect to the server");
    stream.set_read_timeout(Some(WAIT)).expect("read timeout");
    stream.set_nodelay(true).expect("nodelay");
    stream
}

/// Connects a client and waits until the server reports it.
fn connect(server: &TcpServer, rx: &Receiver<TcpServerEvent>) -> (TcpStream, ClientInfo) {
    let stream = dial(server.local_addr());
    let me = stream.local_addr().expect("client address");
    match next_matching(
        rx,
        "Connected",
        |e| matches!(e, TcpServerEvent::Connected(info) if info.peer == me),
    ) {
        TcpServerEvent::Connected(info) => (stream, info),
        _ => unreachable!(),
    }
}

/// Collects what the server received from `client` until `len` bytes are in.
fn received(rx: &Receiver<TcpServerEvent>, client: ClientId, len: usize) -> Vec<u8> {
    let mut all = Vec::new();
    while all.len() < len {
        match next_matching(
            rx,
            "Received",
            |e| matches!(e, TcpServerEvent::Received { client: c, .. } if *c == client),
        ) {
            TcpServerEvent::Received { data, .. } => all.extend_from_slice(&data),
            _ => unreachable!(),
        }
    }
    all
}

/// Waits for `client`'s `Sent` event and returns its data and `auto` flag.
fn sent(rx: &Receiver<TcpServerEvent>, client: ClientId) -> (Vec<u8>, bool) {
    match next_matching(
        rx,
        "Sent",
        |e| matches!(e, TcpServerEvent::Sent { client: c, .. } if *c == client),
    ) {
        TcpServerEvent::Sent { data, auto, .. } => (data.into_vec(), auto),
        _ => unreachable!(),
    }
}

fn closed(rx: &Receiver<TcpServerEvent>, client: ClientId) -> CloseReason {
    match next_matching(
        rx,
        "Closed",
        |e| matches!(e, TcpServerEvent::Closed { client: c, .. } if *c == client),
    ) {
        TcpServerEvent::Closed { reason, .. } => reason,
        _ => unreachable!(),
    }
}

fn read_exactly(stream: &mut TcpStream, len: usize) -> Vec<u8> {
    let mut buf = vec![0u8; len];
    stream
        .read_exact(&mut buf)
        .expect("the expected bytes arrive");
    buf
}

fn read_to_eof(stream: &mut TcpStream) -> Vec<u8> {
    let mut all = Vec::new();
    stream
        .read_to_end(&mut all)
        .expect("the server closes cleanly");
    all
}

fn gbk(text: &str) -> Vec<u8> {
    TextEncoding::Gbk
        .encode(text)
        .expect("GBK has these characters")
}

#[test]
fn several_clients_are_reported_with_their_own_addresses() {
    let (server, rx) = start(loopback());
    let clients: Vec<TcpStream> = (0..5).map(|_| dial(server.local_addr())).collect();
    let mut expected: Vec<SocketAddr> = clients
        .iter()
        .map(|c| c.local_addr().expect("client address"))
        .collect();
    let mut reported = Vec::new();
    let mut ids = Vec::new();
    for _ in &clients {
        match next_matching(&rx, "Connected", |e| {
            matches!(e, TcpServerEvent::Connected(_))
        }) {
            TcpServerEvent::Connected(info) => {
                assert_eq!(info.local, server.local_addr());
                reported.push(info.peer);
                ids.push(info.id);
            }
            _ => unreachable!(),
        }
    }
    expected.sort();
    reported.sort();
    assert_eq!(reported, expected);
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), clients.len(), "every client has its own id");
    assert_eq!(server.client_count(), clients.len());
}

#[test]
fn send_reaches_one_client_and_send_to_all_reaches_every_client() {
    let (server, rx) = start(loopback());
    let (mut a, info_a) = connect(&server, &rx);
    let (mut b, info_b) = connect(&server, &rx);

    server.send(info_a.id, b"for a".to_vec()).expect("queued");
    assert_eq!(sent(&rx, info_a.id), (b"for a".to_vec(), false));
    assert_eq!(server.send_to_all(b"for all"), 2);
    assert_eq!(read_exactly(&mut a, 12), b"for afor all");
    assert_eq!(read_exactly(&mut b, 7), b"for all");
    // A client can read the bytes a moment before the writer counts them; the
    // `Sent` event comes after the count.
    let mut sent_to = Vec::new();
    while sent_to.len() < 2 {
        match next_matching(&rx, "Sent", |e| matches!(e, TcpServerEvent::Sent { .. })) {
            TcpServerEvent::Sent {
                client, data, auto, ..
            } => {
                assert_eq!((&data[..], auto), (&b"for all"[..], false));
                sent_to.push(client);
            }
            _ => unreachable!(),
        }
    }
    sent_to.sort();
    assert_eq!(sent_to, [info_a.id, info_b.id]);

    // Nothing else ever went to b: its whole stream, up to EOF, was "for all".
    server.disconnect(info_b.id);
    assert_eq!(read_to_eof(&mut b), b"");
    assert_eq!(info_a.counters.snapshot().tx_bytes, 12);
    assert_eq!(info_b.counters.snapshot().tx_bytes, 7);
    assert_eq!(server.counters().snapshot().tx_bytes, 19);
    assert_eq!(
        server.send(info_b.id, b"late".to_vec()),
        Err(EngineError::NotConnected)
    );
}

#[test]
fn a_client_that_hangs_up_is_closed_by_peer() {
    let (server, rx) = start(loopback());
    let (mut a, info_a) = connect(&server, &rx);
    let (b, info_b) = connect(&server, &rx);
    a.write_all(b"bye").expect("write");
    a.shutdown(Shutdown::Write).expect("half close");
    assert_eq!(received(&rx, info_a.id, 3), b"bye");
    assert_eq!(closed(&rx, info_a.id), CloseReason::ByPeer);
    drop(b);
    assert_eq!(closed(&rx, info_b.id), CloseReason::ByPeer);
    assert_eq!(server.client_count(), 0);
}

/// Linger 0 makes `close` send RST instead of FIN.
fn reset(stream: TcpStream) {
    socket2::SockRef::from(&stream)
        .set_linger(Some(Duration::ZERO))
        .expect("linger 0");
    drop(stream);
}

#[track_caller]
fn assert_reset(reason: CloseReason) {
    match reason {
        CloseReason::Error(EngineError::ConnectionReset { message }) => {
            assert!(!message.is_empty(), "the OS's words are kept")
        }
        // Linux reports an RST to a blocked `recv` as ECONNRESET, always; other
        // systems may turn an RST after data into a plain end of stream.
        #[cfg(not(target_os = "linux"))]
        CloseReason::ByPeer => {}
        other => panic!("expected a reset, got {other:?}"),
    }
}

#[test]
fn a_client_that_resets_is_closed_with_an_error() {
    let (server, rx) = start(loopback());
    let (quiet, quiet_info) = connect(&server, &rx);
    reset(quiet);
    assert_reset(closed(&rx, quiet_info.id));

    let (mut talker, talker_info) = connect(&server, &rx);
    talker.write_all(b"last words").expect("write");
    reset(talker);
    assert_reset(closed(&rx, talker_info.id));
    assert_eq!(server.client_count(), 0);
}

#[test]
fn disconnect_closes_by_us_and_the_client_reads_eof() {
    let (server, rx) = start(loopback());
    let (mut a, info_a) = connect(&server, &rx);
    let (mut b, info_b) = connect(&server, &rx);
    server.disconnect(info_a.id);
    assert_eq!(closed(&rx, info_a.id), CloseReason::ByUs);
    assert_eq!(read_to_eof(&mut a), b"");
    assert_eq!(server.client_count(), 1);

    // The other client is untouched.
    b.write_all(b"still here").expect("write");
    assert_eq!(received(&rx, info_b.id, 10), b"still here");
    server.disconnect_all();
    assert_eq!(closed(&rx, info_b.id), CloseReason::ByUs);
    assert_eq!(read_to_eof(&mut b), b"");
}

#[test]
fn a_gbk_character_split_between_reads_decodes_whole() {
    let (server, rx) = start(loopback());
    let (mut client, info) = connect(&server, &rx);
    let bytes = gbk("你好");
    assert_eq!(bytes, [0xc4, 0xe3, 0xba, 0xc3]);
    // Split inside 你, with a pause so the server most likely reads twice.
    client.write_all(&bytes[..1]).expect("write");
    client.flush().expect("flush");
    std::thread::sleep(Duration::from_millis(50));
    client.write_all(&bytes[1..]).expect("write");

    let mut decoder = StreamDecoder::new(TextEncoding::Gbk);
    let mut text = String::new();
    let mut total = 0;
    while total < bytes.len() {
        match next_matching(&rx, "Received", |e| {
            matches!(e, TcpServerEvent::Received { .. })
        }) {
            TcpServerEvent::Received { data, .. } => {
                total += data.len();
                text += &decoder.decode_chunk(&data);
            }
            _ => unreachable!(),
        }
    }
    text += &decoder.finish();
    assert_eq!(text, "你好");
    assert_eq!(info.counters.snapshot().rx_bytes, 4);
}

#[test]
fn clients_past_the_cap_are_refused() {
    let (server, rx) = start(loopback());
    server.set_max_clients(2);
    let (_a, _) = connect(&server, &rx);
    let (_b, _) = connect(&server, &rx);
    // Bound before connecting: the refusal can reach the client before its
    // `connect` returns, and the address is needed either way.
    let third =
        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).expect("socket");
    third
        .bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into())
        .expect("bind the client");
    let third_addr = third
        .local_addr()
        .expect("client address")
        .as_socket()
        .expect("an IP address");
    let connected = third.connect_timeout(&server.local_addr().into(), WAIT);
    match next_matching(&rx, "Refused or Connected", |e| {
        matches!(
            e,
            TcpServerEvent::Refused { .. } | TcpServerEvent::Connected(_)
        )
    }) {
        TcpServerEvent::Refused { peer, error } => {
            assert_eq!(peer, third_addr);
            assert_eq!(error, EngineError::ClientCapReached { max: 2 });
        }
        other => panic!("expected Refused, got {other:?}"),
    }
    let seen = connected.and_then(|()| {
        let mut third = TcpStream::from(third);
        third.set_read_timeout(Some(WAIT))?;
        third.read(&mut [0u8; 16])
    });
    // EOF, or a reset: ECONNRESET, or EPIPE when the server's FIN came first.
    match seen {
        Ok(0) => {}
        Err(err)
            if matches!(
                err.kind(),
                ErrorKind::ConnectionReset | ErrorKind::BrokenPipe
            ) => {}
        other => panic!("the refused client should see EOF or a reset, got {other:?}"),
    }
    assert_eq!(server.client_count(), 2);
}

#[test]
fn stop_listening_keeps_clients_and_resume_takes_the_same_port() {
    let (server, rx) = start(loopback());
    let addr = server.local_addr();
    let (mut old, old_info) = connect(&server, &rx);

    server.stop_listening();
    assert!(!server.is_listening());
    next_matching(&rx, "StoppedListening", |e| {
        matches!(e, TcpServerEvent::StoppedListening)
    });
    match TcpStream::connect_timeout(&addr, WAIT) {
        Err(err) => assert_eq!(err.kind(), ErrorKind::ConnectionRefused),
        Ok(stream) => panic!(
            "connected to a stopped server from {:?}",
            stream.local_addr()
        ),
    }

    // The accepted client still talks both ways.
    old.write_all(b"ping").expect("write");
    assert_eq!(received(&rx, old_info.id, 4), b"ping");
    server.send(old_info.id, b"pong".to_vec()).expect("queued");
    assert_eq!(read_exactly(&mut old, 4), b"pong");

    server.resume_listening().expect("the port is ours again");
    match next_matching(&rx, "Listening", |e| {
        matches!(e, TcpServerEvent::Listening { .. })
    }) {
        TcpServerEvent::Listening { local } => assert_eq!(local, addr),
        _ => unreachable!(),
    }
    assert!(server.is_listening());
    let (mut new, new_info) = connect(&server, &rx);
    assert_ne!(new_info.id, old_info.id);
    assert_eq!(server.send_to_all(b"both"), 2);
    assert_eq!(read_exactly(&mut old, 4), b"both");
    assert_eq!(read_exactly(&mut new, 4), b"both");
}

#[test]
fn tutorial_auto_reply_in_gbk_answers_and_says_goodbye() {
    let mut config = loopback();
    config.auto_reply =
        AutoReply::compile(&AutoReplySpec::tutorial(), TextEncoding::Gbk).expect("preset");
    let (server, rx) = start(config);
    let (mut client, info) = connect(&server, &rx);

    client.write_all(&gbk("你好")).expect("write");
    assert_eq!(read_exactly(&mut client, 4), gbk("收到"));
    assert_eq!(received(&rx, info.id, 4), gbk("你好"));
    assert_eq!(sent(&rx, info.id), (gbk("收到"), true));

    client.shutdown(Shutdown::Write).expect("half close");
    assert_eq!(read_to_eof(&mut client), gbk("再见!"));
    assert_eq!(closed(&rx, info.id), CloseReason::ByPeer);
    assert_eq!(sent(&rx, info.id), (gbk("再见!"), true));
    assert_eq!(info.counters.snapshot().tx_bytes, 4 + 5);
}

#[test]
fn a_reply_still_queued_goes_out_before_the_farewell() {
    let mut config = loopback();
    config.auto_reply =
        AutoReply::compile(&AutoReplySpec::tutorial(), TextEncoding::Gbk).expect("preset");
    let (server, rx) = start(config);
    let (mut client, info) = connect(&server, &rx);
    client.write_all(&gbk("你好")).expect("write");
    client
        .shutdown(Shutdown::Write)
        .expect("half close at once");
    let mut expected = gbk("收到");
    expected.extend(gbk("再见!"));
    assert_eq!(read_to_eof(&mut client), expected);
    assert_eq!(closed(&rx, info.id), CloseReason::ByPeer);
}

#[test]
fn auto_reply_rules_answer_over_the_wire() {
    let (server, rx) = start(loopback());
    let (mut client, info) = connect(&server, &rx);
    let rule = |kind, pattern: &str, reply: &str, hex: bool| RuleSpec {
        kind,
        pattern: pattern.to_owned(),
        pattern_hex: hex,
        reply: reply.to_owned(),
        reply_hex: hex,
    };
    let spec = AutoReplySpec {
        reply_enabled: true,
        reply: r"?\n".to_owned(),
        rules: vec![
            rule(MatchKind::StartsWith, "01 03", "AA BB", true),
            rule(MatchKind::Equals, "ping", r"pong\r\n", false),
            rule(MatchKind::Contains, "temp", "T=25", false),
            rule(
                MatchKind::StartsWith,
                "temp",
                "never: rule 3 comes first",
                false,
            ),
            rule(MatchKind::Regex, r"^id=\d+$", "id ok", false),
        ],
        ..AutoReplySpec::default()
    };
    // Set on a running server: the next message already gets the new answers.
    server.set_auto_reply(AutoReply::compile(&spec, TextEncoding::Utf8).expect("valid spec"));

    let exchanges: [(&[u8], &[u8]); 6] = [
        (&[0x01, 0x03, 0x00, 0x00, 0x00, 0x01], &[0xaa, 0xbb]),
        (b"ping\r\n", b"pong\r\n"),
        (b"temperature?", b"T=25"),
        (b"id=42", b"id ok"),
        (b"id=4x", b"?\n"),
        (b"ping pong", b"?\n"),
    ];
    for (message, reply) in exchanges {
        client.write_all(message).expect("write");
        assert_eq!(
            read_exactly(&mut client, reply.len()),
            reply,
            "reply to {message:02X?}"
        );
        assert_eq!(received(&rx, info.id, message.len()), message);
        assert_eq!(sent(&rx, info.id), (reply.to_vec(), true));
    }
}

#[test]
fn a_client_that_never_reads_fills_only_its_own_queue() {
    let (server, rx) = start(loopback());
    let (mut sleeper, sleeper_info) = connect(&server, &rx);
    let (mut other, other_info) = connect(&server, &rx);
    const CHUNK: usize = 64 * 1024;
    let message = |index: u64| {
        let mut data = vec![0x55u8; CHUNK];
        data[..8].copy_from_slice(&index.to_be_bytes());
        data
    };

    let mut queued = 0u64;
    let mut refused = None;
    for index in 0..100_000 {
        match server.send(sleeper_info.id, message(index)) {
            Ok(()) => queued += 1,
            Err(error) => {
                refused = Some(error);
                break;
            }
        }
    }
    assert_eq!(
        refused,
        Some(EngineError::SendQueueFull { queued: 1024 }),
        "after {queued} messages"
    );
    assert!(queued > 1024, "the kernel buffers took some first");

    // The writer is not stuck on the sleeper: someone else still gets data.
    server
        .send(other_info.id, b"not stuck".to_vec())
        .expect("queued");
    assert_eq!(read_exactly(&mut other, 9), b"not stuck");

    // Once the sleeper reads, every accepted message arrives, whole and in order.
    let mut buf = vec![0u8; CHUNK];
    for index in 0..queued {
        sleeper.read_exact(&mut buf).expect("queued data arrives");
        assert_eq!(buf, message(index), "message {index}");
        // Drop the Sent events as they come, so they do not pile up in memory.
        rx.try_iter().for_each(drop);
    }
    server
        .send(sleeper_info.id, b"room again".to_vec())
        .expect("the queue drained");
    assert_eq!(read_exactly(&mut sleeper, 10), b"room again");
}

#[test]
fn a_64_kib_write_arrives_complete() {
    let (server, rx) = start(loopback());
    let (mut client, info) = connect(&server, &rx);
    let payload: Vec<u8> = (0..65_536u32).map(|i| (i % 251) as u8).collect();
    client.write_all(&payload).expect("write");
    let got = received(&rx, info.id, payload.len());
    assert_eq!(got.len(), 65_536);
    assert!(got == payload, "the bytes arrive unchanged and in order");
}

#[test]
fn counters_are_exact_after_a_flood() {
    let (server, rx) = start(loopback());
    let (mut client, info) = connect(&server, &rx);
    const COUNT: usize = 20_000;
    let mut expected = Vec::new();
    for i in 0..COUNT {
        let message = format!("message {i}\n");
        client.write_all(message.as_bytes()).expect("write");
        expected.extend_from_slice(message.as_bytes());
    }
    drop(client);

    let mut got = Vec::new();
    let deadline = Instant::now() + WAIT;
    let reason = loop {
        match rx.recv_deadline(deadline).expect("events until Closed") {
            TcpServerEvent::Received { data, .. } => got.extend_from_slice(&data),
            TcpServerEvent::Closed { reason, .. } => break reason,
            other => panic!("unexpected {other:?}"),
        }
    };
    assert_eq!(reason, CloseReason::ByPeer);
    assert!(got == expected, "every byte, in order");
    let total = expected.len() as u64;
    assert_eq!(server.counters().snapshot().rx_bytes, total);
    assert_eq!(info.counters.snapshot().rx_bytes, total);
    assert_eq!(
        server.counters().snapshot().rx_packets,
        info.counters.snapshot().rx_packets
    );
}

#[test]
fn a_flooding_client_does_not_keep_the_others_waiting() {
    // One event in flight at a time, and a consumer that takes a millisecond for
    // each: the server reads slower than the flooder writes, so the flooder's
    // socket always has more to read.
    let (server, rx) = start(TcpServerConfig {
        flow: FlowConfig {
            budget: 1,
            ..FlowConfig::lossless()
        },
        ..loopback()
    });
    let (mut flooder, flooder_info) = connect(&server, &rx);
    let (mut other, other_info) = connect(&server, &rx);
    // The flooder writes flat out until the test is done (for FLOOD at most), then
    // hangs up: its `Closed` marks the end of the flood.
    const FLOOD: Duration = Duration::from_secs(4);
    let stop = Arc::new(AtomicBool::new(false));
    let flooding = stop.clone();
    flooder
        .set_write_timeout(Some(WAIT))
        .expect("write timeout");
    let flood = std::thread::spawn(move || {
        let chunk = vec![0x46u8; 64 * 1024];
        let deadline = Instant::now() + FLOOD;
        while !flooding.load(Ordering::SeqCst) && Instant::now() < deadline {
            if flooder.write_all(&chunk).is_err() {
                break;
            }
        }
    });
    let slowly = |what: &str, wanted: &dyn Fn(&TcpServerEvent) -> bool| {
        next_matching(&rx, what, |event| {
            std::thread::sleep(Duration::from_millis(1));
            wanted(event)
        })
    };
    slowly(
        "the flood",
        &|e| matches!(e, TcpServerEvent::Received { client, .. } if *client == flooder_info.id),
    );
    other.write_all(b"ping").expect("write");
    let first = slowly("the other client's data or the flood's end", &|e| {
        matches!(e, TcpServerEvent::Received { client, .. } if *client == other_info.id)
            || matches!(e, TcpServerEvent::Closed { client, .. } if *client == flooder_info.id)
    });
    // Closing the server also ends a write the flooder is blocked in.
    stop.store(true, Ordering::SeqCst);
    drop(server);
    flood.join().expect("the flood thread");
    assert!(
        matches!(first, TcpServerEvent::Received { client, .. } if client == other_info.id),
        "the other client was heard during the flood, not after it: {first:?}"
    );
}
