//! The TCP client engine against real loopback servers.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener};
use std::time::{Duration, Instant};

use crossbeam_channel::Receiver;
use netdbg::codec::{StreamDecoder, TextEncoding};
use netdbg::engine::{EngineError, TcpClient, TcpClientConfig, TcpClientEvent, no_waker};

const WAIT: Duration = Duration::from_secs(10);

fn connect(port: u16) -> (TcpClient, Receiver<TcpClientEvent>) {
    let (tx, rx) = crossbeam_channel::unbounded();
    let config = TcpClientConfig {
        tls: None,
        host: "127.0.0.1".into(),
        port,
        local_port: None,
        connect_timeout: Duration::from_secs(3),
        flow: netdbg::engine::FlowConfig::default(),
        framing: Default::default(),
    };
    (
        TcpClient::connect(config, tx, no_waker()).expect("start"),
        rx,
    )
}

fn next(rx: &Receiver<TcpClientEvent>) -> TcpClientEvent {
    rx.recv_timeout(WAIT).expect("an event in time")
}

fn next_matching(
    rx: &Receiver<TcpClientEvent>,
    wanted: impl Fn(&TcpClientEvent) -> bool,
) -> TcpClientEvent {
    let deadline = Instant::now() + WAIT;
    loop {
        match rx.recv_deadline(deadline) {
            Ok(event) if wanted(&event) => return event,
            Ok(_) => {}
            Err(_) => panic!("timed out"),
        }
    }
}

#[test]
fn talks_and_notices_the_server_hanging_up() {
    let server = TcpListener::bind("127.0.0.1:0").expect("listen");
    let port = server.local_addr().expect("addr").port();
    let (client, rx) = connect(port);
    let (mut conn, from) = server.accept().expect("accept");
    match next(&rx) {
        TcpClientEvent::Connected { local, peer } => {
            assert_eq!(local, from, "the OS-picked local port is reported");
            assert_eq!(peer.port(), port);
        }
        other => panic!("expected Connected, got {other:?}"),
    }
    client.send("你好".as_bytes().to_vec()).expect("queued");
    let mut buf = [0u8; 16];
    conn.read_exact(&mut buf[..6]).expect("server reads");
    assert_eq!(&buf[..6], "你好".as_bytes());
    next_matching(&rx, |e| matches!(e, TcpClientEvent::Sent { .. }));

    // GBK 你好 split after its first byte: the stream decoder joins the halves.
    let mut decoder = StreamDecoder::new(TextEncoding::Gbk);
    let mut text = String::new();
    conn.write_all(&[0xc4]).expect("write");
    conn.flush().expect("flush");
    if let TcpClientEvent::Received { data, .. } =
        next_matching(&rx, |e| matches!(e, TcpClientEvent::Received { .. }))
    {
        text += &decoder.decode_chunk(&data);
    }
    conn.write_all(&[0xe3, 0xba, 0xc3]).expect("write");
    while text.chars().count() < 2 {
        if let TcpClientEvent::Received { data, .. } =
            next_matching(&rx, |e| matches!(e, TcpClientEvent::Received { .. }))
        {
            text += &decoder.decode_chunk(&data);
        }
    }
    assert_eq!(text, "你好");

    conn.shutdown(Shutdown::Both).expect("server hangs up");
    assert_eq!(
        next_matching(&rx, |e| !matches!(e, TcpClientEvent::Received { .. })),
        TcpClientEvent::ClosedByPeer
    );
    let counters = client.counters().snapshot();
    assert_eq!((counters.tx_bytes, counters.rx_bytes), (6, 4));
}

#[test]
fn refused_says_nothing_listens() {
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    // The listener is gone now, so the port refuses.
    let (_client, rx) = connect(port);
    match next(&rx) {
        TcpClientEvent::Failed(EngineError::ConnectRefused { peer }) => {
            assert_eq!(peer.port(), port)
        }
        other => panic!("expected ConnectRefused, got {other:?}"),
    }
}

#[test]
fn close_by_us_is_reported_and_the_server_sees_eof() {
    let server = TcpListener::bind("127.0.0.1:0").expect("listen");
    let (client, rx) = connect(server.local_addr().expect("addr").port());
    let (mut conn, _) = server.accept().expect("accept");
    next_matching(&rx, |e| matches!(e, TcpClientEvent::Connected { .. }));
    client.close();
    assert_eq!(next(&rx), TcpClientEvent::ClosedByUs);
    let mut buf = [0u8; 4];
    conn.set_read_timeout(Some(WAIT)).expect("timeout");
    assert_eq!(
        conn.read(&mut buf).expect("read"),
        0,
        "server's recv returns 0"
    );
    assert_eq!(
        client.send(b"late".to_vec()),
        Err(EngineError::NotConnected)
    );
}

#[test]
fn a_peer_that_never_reads_fills_the_queue_without_blocking_the_caller() {
    let server = TcpListener::bind("127.0.0.1:0").expect("listen");
    let (client, rx) = connect(server.local_addr().expect("addr").port());
    let (_conn, _) = server.accept().expect("accept");
    next_matching(&rx, |e| matches!(e, TcpClientEvent::Connected { .. }));
    let chunk = vec![0x55u8; 64 * 1024];
    let started = Instant::now();
    let mut refused = None;
    for _ in 0..20_000 {
        if let Err(error) = client.send(chunk.clone()) {
            refused = Some(error);
            break;
        }
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "send never blocks"
    );
    assert!(
        matches!(refused, Some(EngineError::SendQueueFull { .. })),
        "{refused:?}"
    );
    client.close();
}
