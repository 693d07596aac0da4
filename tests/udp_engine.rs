//! The UDP engine over real loopback sockets.

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use crossbeam_channel::Receiver;
use netdbg::engine::{EngineError, UdpConfig, UdpEndpoint, UdpEvent, no_waker};

const WAIT: Duration = Duration::from_secs(10);

fn open(bind: &str) -> (UdpEndpoint, Receiver<UdpEvent>) {
    let (tx, rx) = crossbeam_channel::unbounded();
    let addr: SocketAddr = bind.parse().expect("test address");
    let endpoint = UdpEndpoint::open(&UdpConfig::new(addr), tx, no_waker()).expect("bind loopback");
    match rx.recv_timeout(WAIT) {
        Ok(UdpEvent::Bound { local }) => assert_eq!(local, endpoint.local_addr()),
        other => panic!("expected Bound first, got {other:?}"),
    }
    (endpoint, rx)
}

fn next_matching(rx: &Receiver<UdpEvent>, wanted: impl Fn(&UdpEvent) -> bool) -> UdpEvent {
    let deadline = Instant::now() + WAIT;
    loop {
        match rx.recv_deadline(deadline) {
            Ok(event) if wanted(&event) => return event,
            Ok(_) => continue,
            Err(_) => panic!("timed out waiting for an event"),
        }
    }
}

#[test]
fn port_zero_gets_a_real_port() {
    let (endpoint, _rx) = open("127.0.0.1:0");
    assert_ne!(endpoint.local_addr().port(), 0);
}

#[test]
fn both_directions_on_one_socket() {
    let (endpoint, rx) = open("127.0.0.1:0");
    let peer = UdpSocket::bind("127.0.0.1:0").expect("peer");
    peer.set_read_timeout(Some(WAIT)).expect("timeout");
    let peer_addr = peer.local_addr().expect("peer addr");

    // Engine → peer.
    endpoint.send_to("127.0.0.1", peer_addr.port(), b"ping".to_vec());
    let mut buf = [0u8; 64];
    let (len, from) = peer.recv_from(&mut buf).expect("peer receives");
    assert_eq!(&buf[..len], b"ping");
    assert_eq!(
        from,
        endpoint.local_addr(),
        "sent from the listening socket itself"
    );
    match next_matching(&rx, |e| matches!(e, UdpEvent::Sent(_))) {
        UdpEvent::Sent(d) => {
            assert_eq!(d.peer, peer_addr);
            assert_eq!(d.data, b"ping");
        }
        _ => unreachable!(),
    }

    // Peer → engine, answered on the same socket.
    peer.send_to("你好".as_bytes(), endpoint.local_addr())
        .expect("peer sends");
    match next_matching(&rx, |e| matches!(e, UdpEvent::Received(_))) {
        UdpEvent::Received(d) => {
            assert_eq!(d.peer, peer_addr);
            assert_eq!(d.data, "你好".as_bytes());
        }
        _ => unreachable!(),
    }
    let counters = endpoint.counters().snapshot();
    assert_eq!((counters.rx_packets, counters.rx_bytes), (1, 6));
    assert_eq!((counters.tx_packets, counters.tx_bytes), (1, 4));
}

#[test]
fn counters_exact_over_ten_thousand_datagrams() {
    let (endpoint, rx) = open("127.0.0.1:0");
    let peer = UdpSocket::bind("127.0.0.1:0").expect("peer");
    const COUNT: u64 = 10_000;
    for i in 0..COUNT {
        let payload = format!("datagram {i:05}");
        peer.send_to(payload.as_bytes(), endpoint.local_addr())
            .expect("send");
        // Stay under what a loaded CI machine can absorb; the point here is exact counting.
        if i % 500 == 499 {
            std::thread::sleep(Duration::from_millis(2));
        }
    }
    let mut received = 0u64;
    let deadline = Instant::now() + WAIT;
    while received < COUNT {
        match rx.recv_deadline(deadline) {
            Ok(UdpEvent::Received(d)) => {
                assert_eq!(d.data.len(), 14);
                received += 1;
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
    let counters = endpoint.counters().snapshot();
    assert_eq!(received, COUNT, "events delivered");
    assert_eq!(counters.rx_packets, COUNT);
    assert_eq!(counters.rx_bytes, COUNT * 14);
    endpoint.counters().reset();
    assert_eq!(endpoint.counters().snapshot().rx_packets, 0);
}

#[test]
fn port_in_use_is_reported_with_the_port() {
    let holder = UdpSocket::bind("127.0.0.1:0").expect("holder");
    let port = holder.local_addr().expect("addr").port();
    let (tx, _rx) = crossbeam_channel::unbounded();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");
    match UdpEndpoint::open(&UdpConfig::new(addr), tx, no_waker()) {
        Err(EngineError::AddrInUse { port: reported }) => assert_eq!(reported, port),
        Err(other) => panic!("wrong error {other:?}"),
        Ok(_) => panic!("bound a port that is in use"),
    }
}

#[test]
fn binding_a_foreign_address_says_it_is_not_local() {
    let (tx, _rx) = crossbeam_channel::unbounded();
    // TEST-NET-3 (RFC 5737): never assigned to a machine, so bind must fail; nothing is sent.
    let addr: SocketAddr = "203.0.113.7:0".parse().expect("addr");
    match UdpEndpoint::open(&UdpConfig::new(addr), tx, no_waker()) {
        Err(EngineError::AddrNotAvailable { ip }) => assert_eq!(ip, addr.ip()),
        other => panic!("expected AddrNotAvailable, got {:?}", other.err()),
    }
}

#[test]
fn oversized_payload_is_refused_before_sending() {
    let (endpoint, rx) = open("127.0.0.1:0");
    let peer = UdpSocket::bind("127.0.0.1:0").expect("peer");
    endpoint.send_to(
        "127.0.0.1",
        peer.local_addr().expect("addr").port(),
        vec![0u8; 65_508],
    );
    match next_matching(&rx, |e| matches!(e, UdpEvent::Error(_) | UdpEvent::Sent(_))) {
        UdpEvent::Error(EngineError::PayloadTooLarge { len, max }) => {
            assert_eq!((len, max), (65_508, 65_507))
        }
        other => panic!("expected PayloadTooLarge, got {other:?}"),
    }
    assert_eq!(endpoint.counters().snapshot().tx_packets, 0);
}

#[test]
fn largest_payload_goes_through_whole() {
    let (endpoint, rx) = open("127.0.0.1:0");
    let peer = UdpSocket::bind("127.0.0.1:0").expect("peer");
    peer.set_read_timeout(Some(WAIT)).expect("timeout");
    let payload: Vec<u8> = (0..65_507u32).map(|i| (i % 251) as u8).collect();
    endpoint.send_to(
        "127.0.0.1",
        peer.local_addr().expect("addr").port(),
        payload.clone(),
    );
    let mut buf = vec![0u8; 70_000];
    let (len, _) = peer.recv_from(&mut buf).expect("receive");
    assert_eq!(&buf[..len], &payload[..]);
    next_matching(&rx, |e| matches!(e, UdpEvent::Sent(_)));
}

#[test]
fn localhost_name_resolves() {
    let (endpoint, rx) = open("127.0.0.1:0");
    let peer = UdpSocket::bind("127.0.0.1:0").expect("peer");
    peer.set_read_timeout(Some(WAIT)).expect("timeout");
    endpoint.send_to(
        "localhost",
        peer.local_addr().expect("addr").port(),
        b"hi".to_vec(),
    );
    let mut buf = [0u8; 8];
    let (len, _) = peer.recv_from(&mut buf).expect("receive");
    assert_eq!(&buf[..len], b"hi");
    next_matching(&rx, |e| matches!(e, UdpEvent::Sent(_)));
}

#[test]
fn dual_stack_socket_talks_to_ipv4_peers() {
    let (tx, rx) = crossbeam_channel::unbounded();
    let Ok(endpoint) = UdpEndpoint::open(
        &UdpConfig::new("[::]:0".parse().expect("addr")),
        tx,
        no_waker(),
    ) else {
        eprintln!("IPv6 unavailable here; skipping");
        return;
    };
    let peer = UdpSocket::bind("127.0.0.1:0").expect("peer");
    peer.set_read_timeout(Some(WAIT)).expect("timeout");
    let port = endpoint.local_addr().port();
    peer.send_to(b"v4", ("127.0.0.1", port)).expect("send");
    match next_matching(&rx, |e| matches!(e, UdpEvent::Received(_))) {
        UdpEvent::Received(d) => assert_eq!(
            d.peer,
            peer.local_addr().expect("addr"),
            "shown as plain IPv4"
        ),
        _ => unreachable!(),
    }
    endpoint.send_to(
        "127.0.0.1",
        peer.local_addr().expect("addr").port(),
        b"back".to_vec(),
    );
    let mut buf = [0u8; 8];
    let (len, _) = peer.recv_from(&mut buf).expect("receive");
    assert_eq!(&buf[..len], b"back");
}

#[test]
fn close_ends_threads_and_frees_the_port() {
    let (endpoint, rx) = open("127.0.0.1:0");
    let addr = endpoint.local_addr();
    let started = Instant::now();
    endpoint.close();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "close is prompt"
    );
    next_matching(&rx, |e| matches!(e, UdpEvent::Closed));
    UdpSocket::bind(addr).expect("port is free again after close");
}
