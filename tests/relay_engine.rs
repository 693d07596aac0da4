//! The relay engine between real peers on loopback: the tutorial's GBK server,
//! plain std clients, UDP echo servers. Every wait has a deadline.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::thread;
use std::time::{Duration, Instant};

use netdbg::engine::relay::{READ_BUFFER, RelayConfig};
use netdbg::engine::{
    CloseHow, Direction, EngineError, FaultAction, FaultError, Faults, FlowConfig, Relay,
    RelayError, RelayEvent, RelayProtocol, Side, no_waker,
};

mod relay_support;
use relay_support::*;

#[test]
fn the_tutorial_server_through_the_relay_says_shou_dao_and_zai_jian() {
    let (relay, rx) = start(tcp_config(tutorial_server()));
    let mut client = dial(relay.local_addr());
    let me = client.local_addr().expect("addr");
    let mut seen = Vec::new();
    let accepted = next_matching(&rx, "Accepted", &mut seen, |e| {
        matches!(e, RelayEvent::Accepted { .. })
    });
    let RelayEvent::Accepted {
        pair, client: peer, ..
    } = accepted
    else {
        unreachable!()
    };
    assert_eq!(peer, me);
    let upstream = next_matching(&rx, "UpstreamConnected", &mut seen, |e| {
        matches!(e, RelayEvent::UpstreamConnected { .. })
    });
    assert!(matches!(upstream, RelayEvent::UpstreamConnected { pair: p, .. } if p == pair));

    client.write_all(NI_HAO).expect("send");
    assert_eq!(read_exact(&mut client, 4), SHOU_DAO);
    // The tutorial's client closes: FIN first; the server's farewell still arrives.
    client.shutdown(Shutdown::Write).expect("FIN");
    assert_eq!(read_exact(&mut client, ZAI_JIAN.len()), ZAI_JIAN);
    let mut rest = Vec::new();
    client
        .read_to_end(&mut rest)
        .expect("the relay passes the server's FIN on");
    assert!(rest.is_empty());

    let ended = next_matching(&rx, "Ended", &mut seen, |e| {
        matches!(e, RelayEvent::Ended { .. })
    });
    let RelayEvent::Ended { c2s, s2c, .. } = ended else {
        unreachable!()
    };
    assert_eq!((c2s.rx_bytes, c2s.tx_bytes), (4, 4));
    assert_eq!((s2c.rx_bytes, s2c.tx_bytes), (9, 9));
    // Both directions logged byte-exact, and both half-closes with who did them.
    assert_eq!(forwarded(&seen, Direction::C2s), NI_HAO);
    assert_eq!(
        forwarded(&seen, Direction::S2c),
        [SHOU_DAO, ZAI_JIAN].concat()
    );
    let closes: Vec<(Side, CloseHow)> = seen
        .iter()
        .filter_map(|e| match e {
            RelayEvent::Closed { by, how, .. } => Some((*by, how.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        closes,
        [(Side::Client, CloseHow::Fin), (Side::Server, CloseHow::Fin)]
    );
    let totals = relay.counters();
    assert_eq!(totals.c2s.snapshot().tx_bytes, 4);
    assert_eq!(totals.s2c.snapshot().tx_bytes, 9);
    assert_eq!(relay.pair_count(), 0);
}

#[test]
fn split_one_makes_every_server_read_one_byte() {
    let (server, reads) = recording_server();
    let mut config = tcp_config(server);
    config.c2s = Faults {
        split: Some(1),
        split_gap_ms: 60,
        ..Faults::default()
    };
    let (relay, rx) = start(config);
    let mut client = dial(relay.local_addr());
    client.write_all(NI_HAO).expect("send");
    let got: Vec<Vec<u8>> = (0..4)
        .map(|_| reads.recv_timeout(WAIT).expect("a read"))
        .collect();
    assert_eq!(got, NI_HAO.iter().map(|&b| vec![b]).collect::<Vec<_>>());
    let mut seen = Vec::new();
    next_matching(&rx, "the split note", &mut seen, |e| {
        matches!(
            e,
            RelayEvent::Fault {
                direction: Direction::C2s,
                action: FaultAction::Split { pieces: 4 },
                ..
            }
        )
    });
}

#[test]
fn merge_makes_two_quick_writes_one_read() {
    let (server, reads) = recording_server();
    let mut config = tcp_config(server);
    config.c2s = Faults {
        merge_ms: Some(300),
        ..Faults::default()
    };
    let (relay, rx) = start(config);
    let mut client = dial(relay.local_addr());
    // Two writes 50 ms apart, well inside the 300 ms window, so the relay reads
    // them apart and has something to merge.
    client.write_all(b"ab").expect("send");
    thread::sleep(Duration::from_millis(50));
    client.write_all(b"cd").expect("send");
    assert_eq!(reads.recv_timeout(WAIT).expect("a read"), b"abcd");
    let mut seen = Vec::new();
    next_matching(&rx, "the merge note", &mut seen, |e| {
        matches!(
            e,
            RelayEvent::Fault {
                action: FaultAction::Merged { reads: 2 },
                ..
            }
        )
    });
}

#[test]
fn cut_after_with_reset_gives_the_client_a_reset() {
    let (server, reads) = recording_server();
    let mut config = tcp_config(server);
    config.c2s = Faults {
        cut_after: Some(3),
        cut_reset: true,
        ..Faults::default()
    };
    let (relay, rx) = start(config);
    let mut client = dial(relay.local_addr());
    client.write_all(b"hello").expect("send");
    let mut at_server = Vec::new();
    while let Ok(read) = reads.recv_timeout(Duration::from_secs(2)) {
        at_server.extend(read);
    }
    assert_eq!(at_server, b"hel", "exactly the bytes before the cut");
    let mut buf = [0u8; 16];
    let error = client.read(&mut buf).expect_err("a reset, not data or EOF");
    assert_eq!(error.kind(), ErrorKind::ConnectionReset);
    let mut seen = Vec::new();
    next_matching(&rx, "the cut", &mut seen, |e| {
        matches!(
            e,
            RelayEvent::Closed {
                by: Side::Relay,
                how: CloseHow::Reset,
                ..
            }
        )
    });
    assert!(seen.iter().any(|e| matches!(
        e,
        RelayEvent::Fault {
            action: FaultAction::Cut {
                after: 3,
                reset: true
            },
            ..
        }
    )));
}

#[test]
fn a_reset_from_the_server_becomes_a_reset_for_the_client() {
    let listener = TcpListener::bind(loopback()).expect("bind");
    let server = listener.local_addr().expect("addr");
    let (relay, rx) = start(tcp_config(server));
    let mut client = dial(relay.local_addr());
    let (mut upstream, _) = listener.accept().expect("the relay connects");
    // Once the pair is talking (a reset during the relay's connect is an
    // `UpstreamFailed` instead), the server resets: linger 0, then close.
    client.write_all(b"x").expect("send");
    upstream.set_read_timeout(Some(WAIT)).expect("timeout");
    assert_eq!(read_exact(&mut upstream, 1), b"x");
    socket2::SockRef::from(&upstream)
        .set_linger(Some(Duration::ZERO))
        .expect("linger");
    drop(upstream);
    let mut seen = Vec::new();
    next_matching(&rx, "the server's reset", &mut seen, |e| {
        matches!(
            e,
            RelayEvent::Closed {
                by: Side::Server,
                how: CloseHow::Reset,
                ..
            }
        )
    });
    let mut buf = [0u8; 16];
    let error = client.read(&mut buf).expect_err("a reset");
    assert_eq!(error.kind(), ErrorKind::ConnectionReset);
}

#[test]
fn a_reset_from_the_client_becomes_a_reset_for_the_server() {
    let listener = TcpListener::bind(loopback()).expect("bind");
    let server = listener.local_addr().expect("addr");
    let (relay, rx) = start(tcp_config(server));
    let client = dial(relay.local_addr());
    let (mut upstream, _) = listener.accept().expect("the relay connects");
    upstream.set_read_timeout(Some(WAIT)).expect("timeout");
    socket2::SockRef::from(&client)
        .set_linger(Some(Duration::ZERO))
        .expect("linger");
    drop(client);
    let mut seen = Vec::new();
    next_matching(&rx, "the client's reset", &mut seen, |e| {
        matches!(
            e,
            RelayEvent::Closed {
                by: Side::Client,
                how: CloseHow::Reset,
                ..
            }
        )
    });
    let mut buf = [0u8; 16];
    let error = upstream.read(&mut buf).expect_err("a reset");
    assert_eq!(error.kind(), ErrorKind::ConnectionReset);
}

#[test]
fn an_unreachable_target_closes_the_client_and_says_why() {
    // A port that was just free: nothing listens there.
    let closed = TcpListener::bind(loopback())
        .and_then(|l| l.local_addr())
        .expect("a free port");
    let (relay, rx) = start(tcp_config(closed));
    let mut client = dial(relay.local_addr());
    let mut seen = Vec::new();
    let failed = next_matching(&rx, "UpstreamFailed", &mut seen, |e| {
        matches!(e, RelayEvent::UpstreamFailed { .. })
    });
    assert!(
        matches!(&failed, RelayEvent::UpstreamFailed { error: EngineError::ConnectRefused { peer }, .. } if *peer == closed),
        "{failed:?}"
    );
    let mut buf = [0u8; 16];
    let error = client.read(&mut buf).expect_err("the client is reset");
    assert_eq!(error.kind(), ErrorKind::ConnectionReset);
    next_matching(&rx, "Ended", &mut seen, |e| {
        matches!(e, RelayEvent::Ended { .. })
    });
}

#[test]
fn udp_relay_gives_two_clients_each_their_own_replies() {
    let server = UdpSocket::bind(loopback()).expect("bind");
    let server_addr = server.local_addr().expect("addr");
    thread::spawn(move || {
        let mut buf = [0u8; 2048];
        while let Ok((len, from)) = server.recv_from(&mut buf) {
            let reply = [b"re:", &buf[..len]].concat();
            let _ = server.send_to(&reply, from);
        }
    });
    let mut config = RelayConfig::new(
        loopback(),
        "127.0.0.1",
        server_addr.port(),
        RelayProtocol::Udp,
    );
    config.flow = FlowConfig::lossless();
    let (relay, rx) = start(config);
    let clients: Vec<UdpSocket> = (0..2)
        .map(|_| {
            let socket = UdpSocket::bind(loopback()).expect("bind");
            socket.set_read_timeout(Some(WAIT)).expect("timeout");
            socket
        })
        .collect();
    for round in 0..3 {
        for (i, client) in clients.iter().enumerate() {
            let message = format!("client {i} round {round}");
            client
                .send_to(message.as_bytes(), relay.local_addr())
                .expect("send");
            let mut buf = [0u8; 2048];
            let (len, from) = client.recv_from(&mut buf).expect("a reply");
            assert_eq!(from, relay.local_addr(), "replies come from the relay");
            assert_eq!(&buf[..len], format!("re:{message}").as_bytes());
        }
    }
    let mut seen = Vec::new();
    let mut uplinks = Vec::new();
    for _ in 0..2 {
        if let RelayEvent::UpstreamConnected { local, peer, .. } =
            next_matching(&rx, "UpstreamConnected", &mut seen, |e| {
                matches!(e, RelayEvent::UpstreamConnected { .. })
            })
        {
            assert_eq!(peer, server_addr);
            uplinks.push(local);
        }
    }
    assert_ne!(uplinks[0], uplinks[1], "one upstream socket per client");
    assert_eq!(relay.pair_count(), 2);
    // A reply may be read before the pumps have counted it and its request.
    let deadline = Instant::now() + WAIT;
    let counted = |relay: &Relay| {
        let totals = relay.counters();
        (
            totals.c2s.snapshot().tx_packets,
            totals.s2c.snapshot().tx_packets,
        )
    };
    while counted(&relay) != (6, 6) && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(relay.counters().c2s.snapshot().tx_packets, 6);
    assert_eq!(relay.counters().s2c.snapshot().tx_packets, 6);
}

#[test]
fn udp_sessions_end_when_idle_and_drop_loses_datagrams() {
    let server = UdpSocket::bind(loopback()).expect("bind");
    let server_addr = server.local_addr().expect("addr");
    server
        .set_read_timeout(Some(Duration::from_millis(500)))
        .expect("timeout");
    let mut config = RelayConfig::new(
        loopback(),
        "127.0.0.1",
        server_addr.port(),
        RelayProtocol::Udp,
    );
    config.udp_idle = Duration::from_millis(300);
    config.c2s = Faults {
        drop_percent: 100.0,
        ..Faults::default()
    };
    let (relay, rx) = start(config);
    let client = UdpSocket::bind(loopback()).expect("bind");
    client.send_to(b"lost", relay.local_addr()).expect("send");
    let mut seen = Vec::new();
    next_matching(&rx, "the drop", &mut seen, |e| {
        matches!(
            e,
            RelayEvent::Fault {
                action: FaultAction::Dropped { len: 4 },
                ..
            }
        )
    });
    let mut buf = [0u8; 64];
    assert!(server.recv_from(&mut buf).is_err(), "nothing got through");
    next_matching(&rx, "the idle end", &mut seen, |e| {
        matches!(
            e,
            RelayEvent::Closed {
                by: Side::Relay,
                how: CloseHow::Idle,
                ..
            }
        )
    });
    next_matching(&rx, "Ended", &mut seen, |e| {
        matches!(e, RelayEvent::Ended { .. })
    });
    assert_eq!(relay.pair_count(), 0);
}

#[test]
fn faults_changed_while_running_take_effect() {
    let (relay, _rx) = start(tcp_config(echo_server()));
    let mut client = dial(relay.local_addr());
    let round_trip = |client: &mut TcpStream, message: &[u8]| {
        let started = Instant::now();
        client.write_all(message).expect("send");
        assert_eq!(read_exact(client, message.len()), message);
        started.elapsed()
    };
    let direct = round_trip(&mut client, b"a");
    assert!(direct < Duration::from_millis(300), "{direct:?}");

    relay
        .set_faults(
            Direction::S2c,
            Faults {
                delay_ms: 400,
                ..Faults::default()
            },
        )
        .expect("valid");
    let delayed = round_trip(&mut client, b"b");
    assert!(delayed >= Duration::from_millis(400), "{delayed:?}");

    relay
        .set_faults(Direction::S2c, Faults::default())
        .expect("valid");
    relay.set_paused(Direction::C2s, true);
    client.write_all(b"c").expect("send");
    client
        .set_read_timeout(Some(Duration::from_millis(400)))
        .expect("timeout");
    let mut buf = [0u8; 4];
    let held = client.read(&mut buf);
    assert!(held.is_err(), "paused: nothing may come back, got {held:?}");
    relay.set_paused(Direction::C2s, false);
    client.set_read_timeout(Some(WAIT)).expect("timeout");
    assert_eq!(read_exact(&mut client, 1), b"c");

    let bad = relay.set_faults(
        Direction::C2s,
        Faults {
            corrupt_percent: 101.0,
            ..Faults::default()
        },
    );
    assert!(matches!(bad, Err(FaultError::Percent { .. })));
}

#[test]
fn a_server_that_never_reads_holds_the_client_back() {
    let listener = TcpListener::bind(loopback()).expect("bind");
    let server = listener.local_addr().expect("addr");
    let (relay, _rx) = start(tcp_config(server));
    let mut client = dial(relay.local_addr());
    let (_never_reads, _) = listener.accept().expect("the relay connects");
    client
        .set_write_timeout(Some(Duration::from_millis(50)))
        .expect("timeout");
    let block = [0x5au8; 64 * 1024];
    let limit: u64 = 256 * 1024 * 1024;
    let (mut written, mut progress) = (0u64, Instant::now());
    while written < limit && progress.elapsed() < Duration::from_secs(1) {
        match client.write(&block) {
            Ok(len) => {
                written += len as u64;
                progress = Instant::now();
            }
            Err(err) if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(err) => panic!("write: {err}"),
        }
    }
    assert!(written < limit, "the client was never held back");
    let c2s = relay.counters().c2s.snapshot();
    // What the relay read and has not written is at most the one buffer it is
    // trying to write: the rest waits in the sockets' buffers, then in the client.
    assert!(
        c2s.rx_bytes - c2s.tx_bytes <= READ_BUFFER as u64,
        "the relay holds {} bytes",
        c2s.rx_bytes - c2s.tx_bytes
    );
    assert!(written - c2s.rx_bytes < 64 * 1024 * 1024);
}

#[test]
fn bad_settings_are_refused_before_binding() {
    let listen: SocketAddr = "127.0.0.1:7".parse().expect("address");
    let config = RelayConfig::new(listen, "127.0.0.1", 7, RelayProtocol::Tcp);
    let (tx, _rx) = crossbeam_channel::unbounded();
    let error = Relay::start(config, tx.clone(), no_waker()).err();
    assert!(
        matches!(error, Some(RelayError::ToItself { .. })),
        "{error:?}"
    );

    let mut config = RelayConfig::new(loopback(), "127.0.0.1", 9, RelayProtocol::Udp);
    config.s2c.drop_percent = 250.0;
    let error = Relay::start(config, tx.clone(), no_waker()).err();
    assert!(
        matches!(
            error,
            Some(RelayError::Faults {
                direction: Direction::S2c,
                ..
            })
        ),
        "{error:?}"
    );

    let taken = TcpListener::bind(loopback()).expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let config = RelayConfig::new(
        taken.local_addr().expect("addr"),
        "127.0.0.1",
        9,
        RelayProtocol::Tcp,
    );
    let error = Relay::start(config, tx, no_waker()).err();
    assert_eq!(
        error,
        Some(RelayError::Engine(EngineError::AddrInUse { port }))
    );
}

#[test]
fn with_a_framing_each_direction_logs_one_event_per_message_and_forwards_the_bytes_unchanged() {
    let (server_addr, server_reads) = recording_server();
    let mut config = tcp_config(server_addr);
    config.framing = netdbg::codec::Framing::parse("len:2be").expect("framing");
    let (relay, rx) = start(config);
    let mut client = dial(relay.local_addr());
    let mut seen = Vec::new();
    next_matching(&rx, "UpstreamConnected", &mut seen, |e| {
        matches!(e, RelayEvent::UpstreamConnected { .. })
    });
    let frame = |payload: &[u8]| {
        let mut bytes = (payload.len() as u16).to_be_bytes().to_vec();
        bytes.extend_from_slice(payload);
        bytes
    };
    let stream = [frame(b"one"), frame(b"two"), frame(NI_HAO), frame(b"tail")].concat();
    // Odd pieces: a message across writes, several messages in one write; the
    // last message never finished.
    let cut = stream.len() - 3;
    for piece in [&stream[..4], &stream[4..11], &stream[11..cut]] {
        client.write_all(piece).expect("send");
        thread::sleep(Duration::from_millis(30));
    }
    let mut forwarded_bytes = Vec::new();
    while forwarded_bytes.len() < cut {
        forwarded_bytes.extend(server_reads.recv_timeout(WAIT).expect("the server reads"));
    }
    assert_eq!(forwarded_bytes, &stream[..cut], "forwarded unchanged");
    drop(client);
    next_matching(&rx, "Ended", &mut seen, |e| {
        matches!(e, RelayEvent::Ended { .. })
    });
    let messages: Vec<(Vec<u8>, bool)> = seen
        .iter()
        .filter_map(|e| match e {
            RelayEvent::Forwarded {
                direction: Direction::C2s,
                data,
                frame,
                ..
            } => Some((data.to_vec(), frame.incomplete)),
            _ => None,
        })
        .collect();
    assert_eq!(
        messages,
        vec![
            (b"one".to_vec(), false),
            (b"two".to_vec(), false),
            (NI_HAO.to_vec(), false),
            // What was held when the client closed, header and all.
            (vec![0, 4, b't'], true),
        ]
    );
}
