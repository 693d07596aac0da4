//! Framing in the TCP engine, over real loopback connections: the peer writes
//! messages in odd pieces (or several at once), and the client and each server
//! client report one `Received` per message, answer each once, drop what is too
//! large, and mark what the end cut short. Counters still count bytes as read.

mod framing_support;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::thread::sleep;
use std::time::{Duration, Instant};

use crossbeam_channel::Receiver;
use framing_support::encode;
use netdbg::codec::framing::DEFAULT_FRAME_LIMIT;
use netdbg::engine::{
    AutoReply, AutoReplySpec, CloseReason, FlowConfig, FrameFault, FrameNote, Framing, TcpClient,
    TcpClientConfig, TcpClientEvent, TcpServer, TcpServerConfig, TcpServerEvent, no_waker,
};

const WAIT: Duration = Duration::from_secs(10);

fn framing(spec: &str) -> Framing {
    Framing::parse(spec).expect("valid framing")
}

/// Writes `bytes` in pieces of 1, 2, 3, 5, 8 and 13 bytes, flushing each (no Nagle).
fn write_in_odd_pieces(stream: &mut TcpStream, bytes: &[u8]) {
    let mut sizes = [1, 2, 3, 5, 8, 13].into_iter().cycle();
    let mut rest = bytes;
    while !rest.is_empty() {
        let size = sizes.next().unwrap_or(1).min(rest.len());
        stream.write_all(&rest[..size]).expect("write a piece");
        stream.flush().expect("flush");
        rest = &rest[size..];
    }
}

fn messages() -> Vec<Vec<u8>> {
    vec![
        b"hello".to_vec(),
        Vec::new(),
        "你好，世界".as_bytes().to_vec(),
        (0u8..=200).collect(),
        b"x".to_vec(),
    ]
}

fn client(port: u16, framing: Framing) -> (TcpClient, Receiver<TcpClientEvent>) {
    let (tx, rx) = crossbeam_channel::unbounded();
    let config = TcpClientConfig {
        tls: None,
        host: "127.0.0.1".into(),
        port,
        local_port: None,
        connect_timeout: WAIT,
        flow: FlowConfig::lossless(),
        framing,
    };
    let client = TcpClient::connect(config, tx, no_waker()).expect("start");
    (client, rx)
}

/// The client connected to a listener of ours, and our side of the connection.
fn client_and_peer(framing: Framing) -> (TcpClient, Receiver<TcpClientEvent>, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("listen");
    let port = listener.local_addr().expect("addr").port();
    let (client, rx) = client(port, framing);
    let (peer, _) = listener.accept().expect("accept");
    peer.set_nodelay(true).expect("nodelay");
    match rx.recv_timeout(WAIT) {
        Ok(TcpClientEvent::Connected { .. }) => {}
        other => panic!("expected Connected, got {other:?}"),
    }
    (client, rx, peer)
}

/// Client events until the connection ends (that event included).
fn client_events_to_end(rx: &Receiver<TcpClientEvent>) -> Vec<TcpClientEvent> {
    let deadline = Instant::now() + WAIT;
    let mut events = Vec::new();
    loop {
        let event = rx
            .recv_deadline(deadline)
            .expect("the connection to end in time");
        let end = matches!(
            event,
            TcpClientEvent::ClosedByPeer | TcpClientEvent::ClosedByUs | TcpClientEvent::Failed(_)
        );
        events.push(event);
        if end {
            return events;
        }
    }
}

fn client_frames(events: &[TcpClientEvent]) -> Vec<(Vec<u8>, FrameNote)> {
    events
        .iter()
        .filter_map(|event| match event {
            TcpClientEvent::Received { data, frame, .. } => Some((data.to_vec(), *frame)),
            _ => None,
        })
        .collect()
}

#[test]
fn the_client_gives_one_event_per_message_for_every_framing() {
    let framings = [
        "line",
        "delim:0D0A",
        "delim:7E",
        "len:1",
        "len:2be",
        "len:2le",
        "len:4be@2,incl",
        "len:4le,adj=-2",
    ];
    for spec in framings {
        let framing = framing(spec);
        let (client, rx, mut peer) = client_and_peer(framing.clone());
        let sent: Vec<Vec<u8>> = messages()
            .into_iter()
            .filter(|m| !m.contains(&b'\n') && !m.contains(&0x7E) && !m.ends_with(b"\r"))
            .filter(|m| encode(&framing, m, 0xAA).is_some())
            .collect();
        let wire: Vec<u8> = sent
            .iter()
            .flat_map(|m| encode(&framing, m, 0xAA).expect("fits"))
            .collect();
        write_in_odd_pieces(&mut peer, &wire);
        peer.shutdown(Shutdown::Write).expect("FIN");
        let events = client_events_to_end(&rx);
        let frames = client_frames(&events);
        let payloads: Vec<Vec<u8>> = frames.iter().map(|(p, _)| p.clone()).collect();
        assert_eq!(payloads, sent, "framing {spec}");
        assert!(frames.iter().all(|(_, note)| !note.incomplete), "{spec}");
        assert_eq!(events.last(), Some(&TcpClientEvent::ClosedByPeer), "{spec}");
        assert_eq!(
            client.counters().snapshot().rx_bytes,
            wire.len() as u64,
            "framing must not change the byte counter ({spec})"
        );
    }
}

#[test]
fn the_client_frames_fixed_sizes_from_odd_pieces() {
    let (_client, rx, mut peer) = client_and_peer(framing("fixed:4"));
    write_in_odd_pieces(&mut peer, b"abcdefghijkl");
    peer.shutdown(Shutdown::Write).expect("FIN");
    let frames = client_frames(&client_events_to_end(&rx));
    let payloads: Vec<&[u8]> = frames.iter().map(|(p, _)| p.as_slice()).collect();
    assert_eq!(payloads, [&b"abcd"[..], b"efgh", b"ijkl"]);
}

#[test]
fn the_client_says_when_one_read_held_several_messages_or_a_message_spanned_reads() {
    let (_client, rx, mut peer) = client_and_peer(framing("line"));
    // Three messages in one segment: one read.
    peer.write_all(b"one\ntwo\nthree\n").expect("write");
    let mut notes = Vec::new();
    while notes.len() < 3 {
        if let Ok(TcpClientEvent::Received { frame, .. }) = rx.recv_timeout(WAIT) {
            notes.push(frame);
        }
    }
    assert!(
        notes.iter().all(|n| n.frames_in_read == 3 && n.reads == 1),
        "{notes:?}"
    );
    // One message in two writes, well apart: two reads.
    peer.write_all(b"hal").expect("write");
    assert!(
        rx.recv_timeout(Duration::from_millis(300)).is_err(),
        "half a line is no frame"
    );
    peer.write_all(b"f\n").expect("write");
    match rx.recv_timeout(WAIT) {
        Ok(TcpClientEvent::Received { data, frame, .. }) => {
            assert_eq!(data, b"half");
            assert_eq!(frame.reads, 2);
        }
        other => panic!("expected the line, got {other:?}"),
    }
}

#[test]
fn the_client_ends_an_idle_frame_after_a_silence() {
    let (_client, rx, mut peer) = client_and_peer(framing("idle:100"));
    write_in_odd_pieces(&mut peer, b"first burst");
    sleep(Duration::from_millis(500));
    write_in_odd_pieces(&mut peer, b"second");
    sleep(Duration::from_millis(500));
    peer.write_all(b"cut by the close").expect("write");
    peer.shutdown(Shutdown::Write).expect("FIN");
    let frames = client_frames(&client_events_to_end(&rx));
    let payloads: Vec<&[u8]> = frames.iter().map(|(p, _)| p.as_slice()).collect();
    assert_eq!(
        payloads,
        [&b"first burst"[..], b"second", b"cut by the close"]
    );
    // With idle framing the end is as good as a silence.
    assert!(frames.iter().all(|(_, note)| !note.incomplete));
}

#[test]
fn the_client_drops_a_frame_over_the_limit_and_goes_on() {
    let (client, rx, mut peer) = client_and_peer(framing("line"));
    let huge = vec![b'a'; DEFAULT_FRAME_LIMIT + 10];
    let writer = std::thread::spawn(move || {
        peer.write_all(&huge).expect("write the huge line");
        peer.write_all(b"\nnext\n").expect("write");
        peer.shutdown(Shutdown::Write).expect("FIN");
        peer
    });
    let events = client_events_to_end(&rx);
    let _peer = writer.join().expect("writer");
    let dropped: Vec<&TcpClientEvent> = events
        .iter()
        .filter(|e| matches!(e, TcpClientEvent::FrameDropped(_)))
        .collect();
    assert_eq!(
        dropped,
        [&TcpClientEvent::FrameDropped(FrameFault::TooLarge {
            declared: None,
            limit: DEFAULT_FRAME_LIMIT
        })]
    );
    let frames = client_frames(&events);
    assert_eq!(frames.len(), 1, "only the line after it");
    assert_eq!(frames[0].0, b"next");
    assert_eq!(
        client.counters().snapshot().rx_bytes,
        (DEFAULT_FRAME_LIMIT + 16) as u64
    );
}

#[test]
fn the_client_marks_a_frame_cut_short_by_the_close() {
    let (_client, rx, mut peer) = client_and_peer(framing("len:2be"));
    peer.write_all(b"\x00\x02ok\x00\x0Aabc").expect("write");
    peer.shutdown(Shutdown::Write).expect("FIN");
    let events = client_events_to_end(&rx);
    let frames = client_frames(&events);
    assert_eq!(frames.len(), 2);
    assert_eq!(
        (frames[0].0.as_slice(), frames[0].1.incomplete),
        (&b"ok"[..], false)
    );
    assert_eq!(frames[1].0, b"\x00\x0Aabc");
    assert!(frames[1].1.incomplete);
    // Reported before the close.
    assert!(matches!(
        &events[events.len() - 2],
        TcpClientEvent::Received { frame, .. } if frame.incomplete
    ));
}

// --- the server: each accepted client has its own framer ---

fn server(framing: Framing, reply: Option<&str>) -> (TcpServer, Receiver<TcpServerEvent>) {
    let spec = AutoReplySpec {
        reply_enabled: reply.is_some(),
        reply: reply.unwrap_or_default().to_owned(),
        ..AutoReplySpec::default()
    };
    let config = TcpServerConfig {
        framing,
        auto_reply: AutoReply::compile(&spec, netdbg::codec::TextEncoding::Utf8)
            .expect("auto-reply"),
        flow: FlowConfig::lossless(),
        ..TcpServerConfig::new("127.0.0.1:0".parse().expect("address"))
    };
    let (tx, rx) = crossbeam_channel::unbounded();
    let server = TcpServer::start(config, tx, no_waker()).expect("bind");
    (server, rx)
}

fn dial(server: &TcpServer) -> TcpStream {
    let stream = TcpStream::connect_timeout(&server.local_addr(), WAIT).expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    stream.set_read_timeout(Some(WAIT)).expect("read timeout");
    stream
}

/// Server events until the one client's connection is closed (that event included).
fn server_events_to_close(rx: &Receiver<TcpServerEvent>) -> Vec<TcpServerEvent> {
    let deadline = Instant::now() + WAIT;
    let mut events = Vec::new();
    loop {
        let event = rx
            .recv_deadline(deadline)
            .expect("the client to close in time");
        let end = matches!(event, TcpServerEvent::Closed { .. });
        events.push(event);
        if end {
            return events;
        }
    }
}

fn server_frames(events: &[TcpServerEvent]) -> Vec<(Vec<u8>, FrameNote)> {
    events
        .iter()
        .filter_map(|event| match event {
            TcpServerEvent::Received { data, frame, .. } => Some((data.to_vec(), *frame)),
            _ => None,
        })
        .collect()
}

#[test]
fn each_server_client_is_framed_and_answered_once_per_message() {
    let (server, rx) = server(framing("len:2be"), Some("ok"));
    let mut a = dial(&server);
    let mut b = dial(&server);
    let wire: Vec<u8> = messages()
        .iter()
        .flat_map(|m| encode(&framing("len:2be"), m, 0).expect("fits"))
        .collect();
    // Both clients at once, interleaved piece by piece on two connections.
    write_in_odd_pieces(&mut a, &wire[..wire.len() / 2]);
    write_in_odd_pieces(&mut b, &wire);
    write_in_odd_pieces(&mut a, &wire[wire.len() / 2..]);
    let mut replies = vec![0u8; 2 * messages().len()];
    a.read_exact(&mut replies).expect("one reply per message");
    assert_eq!(replies, b"ok".repeat(messages().len()));
    b.read_exact(&mut replies).expect("one reply per message");
    a.shutdown(Shutdown::Both).expect("close a");
    b.shutdown(Shutdown::Both).expect("close b");
    let mut per_client = std::collections::HashMap::<u64, Vec<Vec<u8>>>::new();
    let mut closed = 0;
    let deadline = Instant::now() + WAIT;
    while closed < 2 {
        match rx.recv_deadline(deadline).expect("events in time") {
            TcpServerEvent::Received { client, data, .. } => {
                per_client.entry(client).or_default().push(data.to_vec());
            }
            TcpServerEvent::Closed { .. } => closed += 1,
            _ => {}
        }
    }
    assert_eq!(per_client.len(), 2);
    for frames in per_client.values() {
        assert_eq!(frames, &messages());
    }
    assert_eq!(server.counters().snapshot().rx_bytes, 2 * wire.len() as u64);
}

#[test]
fn a_server_client_frame_cut_short_by_its_close_is_marked() {
    let (server, rx) = server(framing("delim:0D0A"), Some("ok"));
    let mut client = dial(&server);
    client.write_all(b"whole\r\nhalf\r").expect("write");
    let mut reply = [0u8; 2];
    client
        .read_exact(&mut reply)
        .expect("one reply, to the whole line");
    client.shutdown(Shutdown::Write).expect("FIN");
    let events = server_events_to_close(&rx);
    let frames = server_frames(&events);
    assert_eq!(frames.len(), 2);
    assert_eq!(frames[0].0, b"whole");
    assert_eq!(
        (frames[1].0.as_slice(), frames[1].1.incomplete),
        (&b"half\r"[..], true)
    );
    assert!(matches!(
        events.last(),
        Some(TcpServerEvent::Closed {
            reason: CloseReason::ByPeer,
            ..
        })
    ));
    // No answer to a frame that never finished: only the first "ok" was sent.
    let sent_auto = events
        .iter()
        .filter(|e| matches!(e, TcpServerEvent::Sent { auto: true, .. }))
        .count();
    assert_eq!(sent_auto, 1);
}

#[test]
fn a_server_client_oversized_frame_is_an_error_event_without_holding_it() {
    let (server, rx) = server(framing("len:4be"), None);
    let mut client = dial(&server);
    // Declares 16 MiB, sends 100 bytes of it, then the rest is never sent: the
    // frame is dropped at once, without waiting for (or holding) 16 MiB.
    let declared = 16u32 * 1024 * 1024;
    client.write_all(&declared.to_be_bytes()).expect("write");
    client.write_all(&[0u8; 100]).expect("write");
    let deadline = Instant::now() + WAIT;
    loop {
        match rx.recv_deadline(deadline).expect("the error in time") {
            TcpServerEvent::FrameDropped { fault, .. } => {
                assert_eq!(
                    fault,
                    FrameFault::TooLarge {
                        declared: Some(u64::from(declared) + 4),
                        limit: DEFAULT_FRAME_LIMIT
                    }
                );
                break;
            }
            TcpServerEvent::Received { .. } => panic!("no frame before the error"),
            _ => {}
        }
    }
    client.shutdown(Shutdown::Write).expect("FIN");
    let frames = server_frames(&server_events_to_close(&rx));
    assert!(frames.is_empty(), "skipped bytes are no frame: {frames:?}");
}

#[test]
fn a_server_client_idle_frame_ends_after_a_silence() {
    let (server, rx) = server(framing("idle:100"), Some("ok"));
    let mut client = dial(&server);
    write_in_odd_pieces(&mut client, b"burst one");
    let mut reply = [0u8; 2];
    client
        .read_exact(&mut reply)
        .expect("the answer after the silence");
    write_in_odd_pieces(&mut client, b"burst two");
    client
        .read_exact(&mut reply)
        .expect("the answer after the silence");
    client.shutdown(Shutdown::Write).expect("FIN");
    let frames = server_frames(&server_events_to_close(&rx));
    let payloads: Vec<&[u8]> = frames.iter().map(|(p, _)| p.as_slice()).collect();
    assert_eq!(payloads, [&b"burst one"[..], b"burst two"]);
}
