//! Injecting typed messages into a relay's pairs, between real peers on
//! loopback: to the server and to the client, in order, TCP and UDP, and what
//! is refused (a pair gone, a datagram too large, a peer that does not read).

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, UdpSocket};
use std::thread;
use std::time::{Duration, Instant};

use netdbg::engine::relay::{INJECT_BUDGET, RelayConfig};
use netdbg::engine::{Direction, EngineError, FlowConfig, RelayEvent, RelayProtocol};

mod relay_support;
use relay_support::*;

fn injected(events: &[RelayEvent], direction: Direction) -> Vec<u8> {
    events
        .iter()
        .filter_map(|event| match event {
            RelayEvent::Injected {
                direction: d, data, ..
            } if *d == direction => Some(data.to_vec()),
            _ => None,
        })
        .flatten()
        .collect()
}

/// The id of the pair the first `Accepted` names.
fn first_pair(rx: &crossbeam_channel::Receiver<RelayEvent>, seen: &mut Vec<RelayEvent>) -> u64 {
    match next_matching(rx, "UpstreamConnected", seen, |e| {
        matches!(e, RelayEvent::UpstreamConnected { .. })
    }) {
        RelayEvent::UpstreamConnected { pair, .. } => pair,
        _ => unreachable!("matched above"),
    }
}

#[test]
fn injected_messages_reach_the_server_and_the_client_between_forwarded_bytes() {
    let (server_addr, server_reads) = recording_server();
    let (relay, rx) = start(tcp_config(server_addr));
    let mut client = dial(relay.local_addr());
    let mut seen = Vec::new();
    let pair = first_pair(&rx, &mut seen);

    client.write_all(NI_HAO).expect("send");
    assert_eq!(
        server_reads.recv_timeout(WAIT).expect("the server reads"),
        NI_HAO
    );
    relay
        .inject(pair, Direction::C2s, SHOU_DAO.to_vec())
        .expect("inject to the server");
    assert_eq!(
        server_reads.recv_timeout(WAIT).expect("the server reads"),
        SHOU_DAO
    );
    relay
        .inject(pair, Direction::S2c, ZAI_JIAN.to_vec())
        .expect("inject to the client");
    assert_eq!(read_exact(&mut client, ZAI_JIAN.len()), ZAI_JIAN);

    // The two are reported by two threads: in either order.
    let deadline = Instant::now() + WAIT;
    while injected(&seen, Direction::C2s).is_empty() || injected(&seen, Direction::S2c).is_empty() {
        match rx.recv_deadline(deadline) {
            Ok(event) => seen.push(event),
            Err(_) => panic!("both Injected events; saw {seen:#?}"),
        }
    }
    assert_eq!(injected(&seen, Direction::C2s), SHOU_DAO);
    assert_eq!(injected(&seen, Direction::S2c), ZAI_JIAN);
    assert_eq!(
        forwarded(&seen, Direction::C2s),
        NI_HAO,
        "injected is not forwarded"
    );
    // Written bytes count what was injected; read bytes only what peers sent.
    let c2s = relay.counters().c2s.snapshot();
    assert_eq!(c2s.rx_bytes, NI_HAO.len() as u64);
    assert_eq!(c2s.tx_bytes, (NI_HAO.len() + SHOU_DAO.len()) as u64);
    let s2c = relay.counters().s2c.snapshot();
    assert_eq!((s2c.rx_bytes, s2c.tx_bytes), (0, ZAI_JIAN.len() as u64));
}

#[test]
fn many_injections_arrive_whole_and_in_order_amid_forwarded_traffic() {
    let (server_addr, server_reads) = recording_server();
    let (relay, rx) = start(tcp_config(server_addr));
    let client = dial(relay.local_addr());
    let mut seen = Vec::new();
    let pair = first_pair(&rx, &mut seen);
    // The client floods while messages are injected: each message must arrive
    // whole (never inside one of the client's writes) and in the order given.
    let mut flooder = client.try_clone().expect("clone");
    let flood = thread::spawn(move || {
        for _ in 0..2000 {
            if flooder.write_all(&[b'.'; 512]).is_err() {
                break;
            }
        }
    });
    let mut wanted = Vec::new();
    for n in 0..200 {
        let message = format!("<{n:03}>");
        loop {
            match relay.inject(pair, Direction::C2s, message.clone().into_bytes()) {
                Ok(()) => break,
                Err(EngineError::SendQueueFull { .. }) => thread::sleep(Duration::from_millis(1)),
                Err(error) => panic!("inject {n}: {error:?}"),
            }
        }
        wanted.push(message);
    }
    flood.join().expect("the flood ends");
    let total = 2000 * 512 + 200 * 5;
    let mut got = Vec::new();
    let deadline = Instant::now() + WAIT;
    while got.len() < total && Instant::now() < deadline {
        if let Ok(read) = server_reads.recv_timeout(Duration::from_millis(100)) {
            got.extend(read);
        }
    }
    assert_eq!(got.len(), total, "every byte arrives");
    let text = String::from_utf8(got).expect("ASCII");
    let messages: Vec<&str> = text
        .split('.')
        .filter(|piece| !piece.is_empty())
        .flat_map(|piece| piece.split_inclusive('>'))
        .collect();
    assert_eq!(messages, wanted, "whole and in order");
    drop(client);
}

#[test]
fn a_closed_pair_is_refused_and_says_so() {
    let (relay, rx) = start(tcp_config(echo_server()));
    let client = dial(relay.local_addr());
    let mut seen = Vec::new();
    let pair = first_pair(&rx, &mut seen);
    drop(client);
    next_matching(&rx, "Ended", &mut seen, |e| {
        matches!(e, RelayEvent::Ended { .. })
    });
    assert_eq!(
        relay.inject(pair, Direction::S2c, b"late".to_vec()),
        Err(EngineError::PairGone { pair })
    );
    assert_eq!(
        relay.inject(99, Direction::C2s, b"nobody".to_vec()),
        Err(EngineError::PairGone { pair: 99 })
    );
    assert_eq!(
        relay.inject(pair, Direction::C2s, Vec::new()),
        Err(EngineError::EmptyMessage),
        "TCP has no empty messages"
    );
}

#[test]
fn a_server_that_never_reads_fills_the_queue_and_stop_still_ends_at_once() {
    let listener = TcpListener::bind(loopback()).expect("bind");
    let (relay, rx) = start(tcp_config(listener.local_addr().expect("addr")));
    let _client = dial(relay.local_addr());
    let (_never_reads, _) = listener.accept().expect("the relay connects");
    let mut seen = Vec::new();
    let pair = first_pair(&rx, &mut seen);
    let block = vec![0x5au8; 256 * 1024];
    let mut refused = None;
    // The socket buffers take a few MiB, then the queue its budget, then no more.
    for _ in 0..(64 * 1024 * 1024 / block.len()) {
        match relay.inject(pair, Direction::C2s, block.clone()) {
            Ok(()) => {}
            Err(error) => {
                refused = Some(error);
                break;
            }
        }
        thread::sleep(Duration::from_millis(1));
    }
    assert!(
        matches!(refused, Some(EngineError::SendQueueFull { .. })),
        "refused with {refused:?} (budget {INJECT_BUDGET})"
    );
    let started = Instant::now();
    relay.stop();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "stopping waited {:?}",
        started.elapsed()
    );
}

#[test]
fn udp_injects_a_datagram_each_way_and_refuses_one_too_large() {
    let server = UdpSocket::bind(loopback()).expect("bind");
    server.set_read_timeout(Some(WAIT)).expect("timeout");
    let server_addr = server.local_addr().expect("addr");
    let mut config = RelayConfig::new(
        loopback(),
        "127.0.0.1",
        server_addr.port(),
        RelayProtocol::Udp,
    );
    config.flow = FlowConfig::lossless();
    let (relay, rx) = start(config);
    let client = UdpSocket::bind(loopback()).expect("bind");
    client.set_read_timeout(Some(WAIT)).expect("timeout");
    client.send_to(b"hello", relay.local_addr()).expect("send");
    let mut buf = [0u8; 2048];
    let (len, upstream) = server.recv_from(&mut buf).expect("forwarded");
    assert_eq!(&buf[..len], b"hello");
    let mut seen = Vec::new();
    let pair = first_pair(&rx, &mut seen);

    relay
        .inject(pair, Direction::C2s, NI_HAO.to_vec())
        .expect("to the server");
    let (len, from) = server.recv_from(&mut buf).expect("injected");
    assert_eq!(
        (&buf[..len], from),
        (NI_HAO, upstream),
        "from the pair's socket"
    );
    relay
        .inject(pair, Direction::S2c, SHOU_DAO.to_vec())
        .expect("to the client");
    let (len, from) = client.recv_from(&mut buf).expect("injected");
    assert_eq!((&buf[..len], from), (SHOU_DAO, relay.local_addr()));

    let too_large = vec![0u8; 65_508];
    assert!(matches!(
        relay.inject(pair, Direction::C2s, too_large),
        Err(EngineError::PayloadTooLarge { len: 65_508, .. })
    ));
    // Nothing else reaches the server.
    server
        .set_read_timeout(Some(Duration::from_millis(200)))
        .expect("timeout");
    let extra = server.recv_from(&mut buf);
    assert!(
        matches!(&extra, Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)),
        "{extra:?}"
    );
}

#[test]
fn an_injector_outlives_nothing_once_the_relay_stops() {
    let (relay, rx) = start(tcp_config(echo_server()));
    let mut client = dial(relay.local_addr());
    let mut seen = Vec::new();
    let pair = first_pair(&rx, &mut seen);
    let injector = relay.injector();
    injector
        .inject(pair, Direction::S2c, b"from a job".to_vec())
        .expect("inject");
    let mut buf = [0u8; 10];
    client.read_exact(&mut buf).expect("read");
    assert_eq!(&buf, b"from a job");
    drop(relay);
    assert_eq!(
        injector.inject(pair, Direction::S2c, b"after".to_vec()),
        Err(EngineError::PairGone { pair })
    );
}
