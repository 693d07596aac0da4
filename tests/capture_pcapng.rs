//! Capture to a `.pcapng` file, read back with tshark and capinfos: UDP datagrams
//! byte-exact with their real ends; a TCP connection's streams exactly as sent and
//! received, with its handshake, FINs or reset from the side that did them; a
//! write over 64 KiB in several segments; a connection already open when the
//! capture started; and no frame Wireshark flags.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::Receiver;
use netdbg::engine::{
    Capture, FlowConfig, TcpClient, TcpClientConfig, TcpClientEvent, TcpServer, TcpServerConfig,
    TcpServerEvent, UdpConfig, UdpEndpoint, UdpEvent, no_waker,
};

mod pcapng_support;
mod support;
use pcapng_support::{TempPath, assert_clean, field, follow_tcp, udp_datagrams};

const WAIT: Duration = Duration::from_secs(10);

fn loopback() -> SocketAddr {
    "127.0.0.1:0".parse().expect("address")
}

#[track_caller]
fn wait_for<E: std::fmt::Debug>(events: &Receiver<E>, wanted: impl Fn(&E) -> bool) -> E {
    let deadline = Instant::now() + WAIT;
    loop {
        match events.recv_deadline(deadline) {
            Ok(event) if wanted(&event) => return event,
            Ok(_) => {}
            Err(_) => panic!("timed out waiting for an event"),
        }
    }
}

#[test]
fn udp_datagrams_read_back_byte_exact_with_their_ends() {
    let file = TempPath::new("pcapng-udp", "capture.pcapng");
    let capture = Capture::create(&file.0).expect("create");
    let (tx, events) = crossbeam_channel::unbounded();
    let endpoint = UdpEndpoint::open(&UdpConfig::new(loopback()), tx, no_waker()).expect("bind");
    endpoint.set_capture(capture.sink());
    let local = endpoint.local_addr();
    let peer = UdpSocket::bind(loopback()).expect("peer");
    let peer_addr = peer.local_addr().expect("addr");

    let received: Vec<Vec<u8>> = vec![
        b"hello".to_vec(),
        (0..=255u8).collect(),
        Vec::new(),
        // The largest datagram IPv4 carries.
        (0..65_507u32).map(|i| (i % 253) as u8).collect(),
    ];
    for datagram in &received {
        peer.send_to(datagram, local).expect("send");
        wait_for(
            &events,
            |e| matches!(e, UdpEvent::Received(d) if d.data.len() == datagram.len()),
        );
    }
    let sent: Vec<Vec<u8>> = vec![b"reply 1".to_vec(), vec![0x00, 0xFF, 0x0D, 0x0A]];
    for datagram in &sent {
        endpoint.send_to("127.0.0.1", peer_addr.port(), datagram.clone());
        wait_for(&events, |e| matches!(e, UdpEvent::Sent(_)));
    }
    endpoint.set_capture(None);
    assert_eq!(capture.finish().expect("finish"), 6);
    endpoint.close();

    let (local, peer_addr) = (local.to_string(), peer_addr.to_string());
    let mut expected: Vec<(String, String, Vec<u8>)> = received
        .into_iter()
        .map(|d| (peer_addr.clone(), local.clone(), d))
        .collect();
    expected.extend(
        sent.into_iter()
            .map(|d| (local.clone(), peer_addr.clone(), d)),
    );
    assert_eq!(udp_datagrams(&file.0), expected);
    assert_clean(&file.0);
}

/// A peer that sends back everything it reads, until the client closes.
fn echo_peer() -> (SocketAddr, thread::JoinHandle<u64>) {
    let listener = TcpListener::bind(loopback()).expect("listen");
    let addr = listener.local_addr().expect("addr");
    let peer = thread::spawn(move || {
        let (mut stream, _) = listener.accept().expect("accept");
        stream.set_read_timeout(Some(WAIT)).expect("timeout");
        let mut buf = vec![0u8; 16 * 1024];
        let mut echoed = 0;
        loop {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => return echoed,
                Ok(len) => {
                    stream.write_all(&buf[..len]).expect("echo");
                    echoed += len as u64;
                }
            }
        }
    });
    (addr, peer)
}

#[test]
fn a_tcp_write_over_64_kib_is_several_segments_and_both_streams_are_exact() {
    let file = TempPath::new("pcapng-tcp-big", "capture.pcapng");
    let capture = Capture::create(&file.0).expect("create");
    let (peer_addr, peer) = echo_peer();
    let (tx, events) = crossbeam_channel::unbounded();
    let config = TcpClientConfig {
        tls: None,
        host: "127.0.0.1".to_owned(),
        port: peer_addr.port(),
        local_port: None,
        connect_timeout: WAIT,
        flow: FlowConfig::default(),
        framing: Default::default(),
    };
    let client =
        TcpClient::connect_with_capture(config, capture.sink(), tx, no_waker()).expect("connect");
    let TcpClientEvent::Connected { local, .. } =
        wait_for(&events, |e| matches!(e, TcpClientEvent::Connected { .. }))
    else {
        unreachable!()
    };
    let data: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 256) as u8).collect();
    client.send(data.clone()).expect("send");
    let deadline = Instant::now() + WAIT;
    while client.counters().snapshot().rx_bytes < data.len() as u64 {
        assert!(Instant::now() < deadline, "the echo did not come back");
        thread::sleep(Duration::from_millis(5));
    }
    client.close();
    wait_for(&events, |e| matches!(e, TcpClientEvent::ClosedByUs));
    assert_eq!(peer.join().expect("peer"), data.len() as u64);
    client.set_capture(None);
    capture.finish().expect("finish");

    let followed = follow_tcp(&file.0, 0);
    assert_eq!(followed.client, local.to_string(), "we connected: our SYN");
    assert_eq!(followed.server, peer_addr.to_string());
    assert!(followed.from_client == data, "what we sent, byte-exact");
    assert!(followed.from_server == data, "what we received, byte-exact");
    let ours = format!("tcp.srcport == {} && tcp.len > 0", local.port());
    let segments: Vec<usize> = field(&file.0, &ours, "tcp.len")
        .iter()
        .map(|len| len.parse().expect("length"))
        .collect();
    assert_eq!(segments.len(), 4, "one 200,000-byte write: {segments:?}");
    assert!(segments.iter().all(|&len| len <= 65_495), "{segments:?}");
    // We closed first: our FIN, theirs, our last ACK.
    let fins = field(&file.0, "tcp.flags.fin == 1", "tcp.srcport");
    assert_eq!(
        fins,
        [local.port().to_string(), peer_addr.port().to_string()]
    );
    assert_clean(&file.0);
}

fn server_capturing(capture: &Capture) -> (TcpServer, Receiver<TcpServerEvent>) {
    let (tx, events) = crossbeam_channel::unbounded();
    let server =
        TcpServer::start(TcpServerConfig::new(loopback()), tx, no_waker()).expect("server");
    server.set_capture(capture.sink());
    (server, events)
}

#[test]
fn a_client_that_resets_shows_its_syn_and_its_rst() {
    let file = TempPath::new("pcapng-reset", "capture.pcapng");
    let capture = Capture::create(&file.0).expect("create");
    let (server, events) = server_capturing(&capture);
    let mut client = TcpStream::connect(server.local_addr()).expect("connect");
    let client_port = client.local_addr().expect("addr").port().to_string();
    client.write_all(b"abc").expect("send");
    wait_for(&events, |e| matches!(e, TcpServerEvent::Received { .. }));
    // Linger 0: closing sends a reset instead of a FIN.
    socket2::SockRef::from(&client)
        .set_linger(Some(Duration::ZERO))
        .expect("linger");
    drop(client);
    wait_for(&events, |e| matches!(e, TcpServerEvent::Closed { .. }));
    server.set_capture(None);
    capture.finish().expect("finish");
    drop(server);

    let syn = field(
        &file.0,
        "tcp.flags.syn == 1 && tcp.flags.ack == 0",
        "tcp.srcport",
    );
    assert_eq!(
        syn,
        std::slice::from_ref(&client_port),
        "the client connected"
    );
    let rst = field(&file.0, "tcp.flags.reset == 1", "tcp.srcport");
    assert_eq!(rst, [client_port], "the client reset");
    assert_eq!(follow_tcp(&file.0, 0).from_client, b"abc");
    assert_clean(&file.0);
}

#[test]
fn a_connection_open_before_the_capture_gets_a_made_up_handshake() {
    let file = TempPath::new("pcapng-midway", "capture.pcapng");
    let capture = Capture::create(&file.0).expect("create");
    let (tx, events) = crossbeam_channel::unbounded();
    let server =
        TcpServer::start(TcpServerConfig::new(loopback()), tx, no_waker()).expect("server");
    let mut client = TcpStream::connect(server.local_addr()).expect("connect");
    let client_addr = client.local_addr().expect("addr").to_string();
    client.write_all(b"before").expect("send");
    wait_for(&events, |e| matches!(e, TcpServerEvent::Received { .. }));
    server.set_capture(capture.sink());
    client.write_all(b"after").expect("send");
    wait_for(&events, |e| matches!(e, TcpServerEvent::Received { .. }));
    drop(client);
    wait_for(&events, |e| matches!(e, TcpServerEvent::Closed { .. }));
    server.set_capture(None);
    capture.finish().expect("finish");
    drop(server);

    let followed = follow_tcp(&file.0, 0);
    assert_eq!(
        followed.sent_by(&client_addr),
        b"after",
        "only what came after the start"
    );
    let comments = field(&file.0, "frame.comment", "frame.comment");
    assert_eq!(
        comments,
        ["netdbg: handshake made up, the connection was open before the capture started"]
    );
    assert_clean(&file.0);
}
