//! A worker thread that panics is not silent: each endpoint reports the panic as an
//! error, closes what the thread served and keeps the process (and the rest of a
//! server) running. The panics are made by the endpoints' test-only hooks; real
//! sockets on loopback.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::time::{Duration, Instant};

use crossbeam_channel::Receiver;
use netdbg::engine::error::WorkerRole;
use netdbg::engine::{
    ClientId, CloseReason, EngineError, TcpClient, TcpClientConfig, TcpClientEvent, TcpServer,
    TcpServerConfig, TcpServerEvent, UdpConfig, UdpEndpoint, UdpEvent, no_waker,
};
use netdbg::engine::{FlowConfig, tcp_server::DEFAULT_MAX_CLIENTS};
use netdbg::i18n::{Describe, Lang};

const WAIT: Duration = Duration::from_secs(10);

/// Every event until `last` holds for one (inclusive), or a failure at the deadline.
fn events_until<E: std::fmt::Debug>(rx: &Receiver<E>, last: impl Fn(&E) -> bool) -> Vec<E> {
    let deadline = Instant::now() + WAIT;
    let mut seen = Vec::new();
    loop {
        match rx.recv_deadline(deadline) {
            Ok(event) => {
                let done = last(&event);
                seen.push(event);
                if done {
                    return seen;
                }
            }
            Err(_) => panic!("timed out; events so far: {seen:?}"),
        }
    }
}

fn panicked(error: &EngineError, role: WorkerRole) -> bool {
    matches!(error, EngineError::WorkerPanicked { thread, message }
        if *thread == role && message.contains("test-only panic"))
}

// ---------------------------------------------------------------- UDP

fn udp() -> (UdpEndpoint, Receiver<UdpEvent>) {
    let (tx, rx) = crossbeam_channel::unbounded();
    let bind: SocketAddr = "127.0.0.1:0".parse().expect("address");
    let endpoint = UdpEndpoint::open(&UdpConfig::new(bind), tx, no_waker()).expect("bind");
    events_until(&rx, |e| matches!(e, UdpEvent::Bound { .. }));
    (endpoint, rx)
}

#[test]
fn udp_receive_panic_is_reported_and_closes_the_socket() {
    let (endpoint, rx) = udp();
    let peer = UdpSocket::bind("127.0.0.1:0").expect("peer");
    endpoint.panic_next_read();
    peer.send_to(b"boom", endpoint.local_addr()).expect("send");
    let events = events_until(&rx, |e| matches!(e, UdpEvent::Closed));
    let errors: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            UdpEvent::Error(error) => Some(error),
            _ => None,
        })
        .collect();
    assert_eq!(errors.len(), 1, "{events:?}");
    assert!(panicked(errors[0], WorkerRole::Receive), "{errors:?}");
    assert!(
        errors[0]
            .describe(Lang::En)
            .starts_with("Internal error in the receive thread: test-only panic")
    );
    assert!(
        errors[0]
            .describe(Lang::Zh)
            .starts_with("接收线程内部错误：")
    );
    // The send thread ended with it: nothing goes out any more.
    let sender = endpoint.sender().expect("a sender");
    let deadline = Instant::now() + WAIT;
    while sender.send_to("127.0.0.1", 9, b"x".to_vec()) {
        assert!(Instant::now() < deadline, "the send thread still runs");
        std::thread::sleep(Duration::from_millis(5));
    }
    endpoint.close();
}

#[test]
fn udp_send_panic_is_reported_and_closes_the_socket() {
    let (endpoint, rx) = udp();
    let peer = UdpSocket::bind("127.0.0.1:0").expect("peer");
    let port = peer.local_addr().expect("peer address").port();
    endpoint.panic_next_send();
    endpoint.send_to("127.0.0.1", port, b"never".to_vec());
    let events = events_until(&rx, |e| matches!(e, UdpEvent::Closed));
    assert!(
        matches!(&events[..], [UdpEvent::Error(error), UdpEvent::Closed] if panicked(error, WorkerRole::Send)),
        "{events:?}"
    );
    endpoint.close();
    // The process and other sockets carry on.
    let (other, other_rx) = udp();
    other.send_to("127.0.0.1", port, b"fine".to_vec());
    events_until(&other_rx, |e| matches!(e, UdpEvent::Sent(_)));
}

// ---------------------------------------------------------------- TCP client

fn tcp_client(server: SocketAddr) -> (TcpClient, Receiver<TcpClientEvent>) {
    let (tx, rx) = crossbeam_channel::unbounded();
    let config = TcpClientConfig {
        tls: None,
        host: server.ip().to_string(),
        port: server.port(),
        local_port: None,
        connect_timeout: WAIT,
        flow: FlowConfig::default(),
        framing: Default::default(),
    };
    let client = TcpClient::connect(config, tx, no_waker()).expect("start");
    events_until(&rx, |e| matches!(e, TcpClientEvent::Connected { .. }));
    (client, rx)
}

/// The server's side sees the connection end (EOF or reset).
fn assert_hung_up(stream: &mut TcpStream) {
    stream.set_read_timeout(Some(WAIT)).expect("timeout");
    let mut buf = [0u8; 64];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return,
            Ok(_) => {}
            Err(err) if err.kind() == ErrorKind::ConnectionReset => return,
            Err(err) => panic!("the connection was not closed: {err}"),
        }
    }
}

#[test]
fn tcp_client_reader_panic_fails_the_connection() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("listen");
    let (client, rx) = tcp_client(listener.local_addr().expect("address"));
    let (mut server_side, _) = listener.accept().expect("accept");
    client.panic_next_read();
    server_side.write_all(b"boom").expect("write");
    let events = events_until(&rx, |e| matches!(e, TcpClientEvent::Failed(_)));
    let Some(TcpClientEvent::Failed(error)) = events.last() else {
        unreachable!()
    };
    assert!(panicked(error, WorkerRole::Receive), "{error:?}");
    assert_hung_up(&mut server_side);
    assert_eq!(
        client.send(b"late".to_vec()),
        Err(EngineError::NotConnected)
    );
    assert!(
        rx.recv_timeout(Duration::from_millis(200)).is_err(),
        "nothing after the failure"
    );
}

#[test]
fn tcp_client_writer_panic_fails_the_connection() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("listen");
    let (client, rx) = tcp_client(listener.local_addr().expect("address"));
    let (mut server_side, _) = listener.accept().expect("accept");
    client.panic_next_send();
    client.send(b"never".to_vec()).expect("queued");
    let events = events_until(&rx, |e| {
        matches!(
            e,
            TcpClientEvent::Failed(_) | TcpClientEvent::ClosedByUs | TcpClientEvent::ClosedByPeer
        )
    });
    assert!(
        matches!(events.last(), Some(TcpClientEvent::Failed(error)) if panicked(error, WorkerRole::Send)),
        "{events:?}"
    );
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, TcpClientEvent::Sent { .. }))
    );
    assert_hung_up(&mut server_side);
}

// ---------------------------------------------------------------- TCP server

fn tcp_server() -> (TcpServer, Receiver<TcpServerEvent>) {
    let (tx, rx) = crossbeam_channel::unbounded();
    let config = TcpServerConfig {
        max_clients: DEFAULT_MAX_CLIENTS,
        ..TcpServerConfig::new("127.0.0.1:0".parse().expect("address"))
    };
    let server = TcpServer::start(config, tx, no_waker()).expect("listen");
    events_until(&rx, |e| matches!(e, TcpServerEvent::Listening { .. }));
    (server, rx)
}

fn dial(server: &TcpServer, rx: &Receiver<TcpServerEvent>) -> (TcpStream, ClientId) {
    let stream = TcpStream::connect_timeout(&server.local_addr(), WAIT).expect("connect");
    let events = events_until(rx, |e| matches!(e, TcpServerEvent::Connected(_)));
    let Some(TcpServerEvent::Connected(info)) = events.last() else {
        unreachable!()
    };
    (stream, info.id)
}

fn closed_with(events: &[TcpServerEvent], client: ClientId, role: WorkerRole) -> bool {
    events.iter().any(|e| {
        matches!(e, TcpServerEvent::Closed { client: c, reason: CloseReason::Error(error), .. }
            if *c == client && panicked(error, role))
    })
}

/// The server still serves: a new client is accepted and its data arrives.
fn still_serves(server: &TcpServer, rx: &Receiver<TcpServerEvent>) {
    let (mut stream, id) = dial(server, rx);
    stream.write_all(b"still here").expect("write");
    events_until(
        rx,
        |e| matches!(e, TcpServerEvent::Received { client, .. } if *client == id),
    );
    server.send(id, b"and back".to_vec()).expect("queued");
    events_until(
        rx,
        |e| matches!(e, TcpServerEvent::Sent { client, .. } if *client == id),
    );
}

#[test]
fn tcp_server_client_panic_closes_only_that_client() {
    let (server, rx) = tcp_server();
    let (mut doomed, doomed_id) = dial(&server, &rx);
    let (mut other, other_id) = dial(&server, &rx);
    server.panic_next_read(doomed_id);
    doomed.write_all(b"boom").expect("write");
    let events = events_until(&rx, |e| matches!(e, TcpServerEvent::Closed { .. }));
    assert!(
        closed_with(&events, doomed_id, WorkerRole::Receive),
        "{events:?}"
    );
    assert_hung_up(&mut doomed);
    assert_eq!(server.client_count(), 1, "the client left the list");
    assert_eq!(
        server.send(doomed_id, b"x".to_vec()),
        Err(EngineError::NotConnected)
    );
    // The other client and new ones are served as before.
    other.write_all(b"hello").expect("write");
    events_until(
        &rx,
        |e| matches!(e, TcpServerEvent::Received { client, .. } if *client == other_id),
    );
    assert!(server.is_listening());
    still_serves(&server, &rx);
}

#[test]
fn tcp_server_writer_panic_closes_the_client_it_sent_to() {
    let (server, rx) = tcp_server();
    let (mut doomed, doomed_id) = dial(&server, &rx);
    let (mut other, other_id) = dial(&server, &rx);
    server.panic_next_send(doomed_id);
    server.send(doomed_id, b"never".to_vec()).expect("queued");
    let events = events_until(&rx, |e| matches!(e, TcpServerEvent::Closed { .. }));
    assert!(
        closed_with(&events, doomed_id, WorkerRole::Send),
        "{events:?}"
    );
    assert_hung_up(&mut doomed);
    assert_eq!(server.client_count(), 1);
    // The writer goes on for everyone else.
    server.send(other_id, b"ok".to_vec()).expect("queued");
    other.set_read_timeout(Some(WAIT)).expect("timeout");
    let mut buf = [0u8; 2];
    other
        .read_exact(&mut buf)
        .expect("the other client still gets data");
    assert_eq!(&buf, b"ok");
    still_serves(&server, &rx);
}

#[test]
fn tcp_server_accept_panic_stops_listening_with_an_error() {
    let (server, rx) = tcp_server();
    let (mut kept, kept_id) = dial(&server, &rx);
    server.panic_next_accept();
    let _knock = TcpStream::connect_timeout(&server.local_addr(), WAIT).expect("connect");
    let events = events_until(&rx, |e| matches!(e, TcpServerEvent::StoppedListening));
    assert!(
        matches!(&events[..], [TcpServerEvent::AcceptFailed(error), TcpServerEvent::StoppedListening]
            if panicked(error, WorkerRole::Accept)),
        "{events:?}"
    );
    assert!(!server.is_listening());
    assert!(
        TcpStream::connect_timeout(&server.local_addr(), Duration::from_secs(1)).is_err(),
        "the port refuses"
    );
    // Clients already connected keep talking, and listening can start again.
    kept.write_all(b"still").expect("write");
    events_until(
        &rx,
        |e| matches!(e, TcpServerEvent::Received { client, .. } if *client == kept_id),
    );
    server.resume_listening().expect("listen again");
    events_until(&rx, |e| matches!(e, TcpServerEvent::Listening { .. }));
    still_serves(&server, &rx);
}
