//! The flow contract: the byte budget between workers and their consumer, on its
//! own and in the real endpoints with peers that send flat out on loopback.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use crossbeam_channel::Receiver;
use netdbg::engine::flow::{Admission, EVENT_OVERHEAD, Way};
use netdbg::engine::{
    Flow, FlowConfig, FlowMode, Payload, Skipped, TcpClient, TcpClientConfig, TcpClientEvent,
    TcpServer, TcpServerConfig, TcpServerEvent, UdpConfig, UdpEndpoint, UdpEvent, no_waker,
};

mod support;
use support::{FILL, write_until_stuck};

const WAIT: Duration = Duration::from_secs(10);

fn small(mode: FlowMode, budget: usize) -> Flow {
    Flow::new(FlowConfig {
        received: mode,
        sent: mode,
        budget,
        preview: None,
        background: false,
    })
}

fn admitted(admission: Admission) -> (Option<Skipped>, Payload) {
    match admission {
        Admission::Report { skipped, payload } => (skipped, payload),
        Admission::Skip => panic!("expected the payload to be admitted"),
    }
}

#[test]
fn a_waiting_worker_goes_on_when_the_consumer_drops_an_event() {
    let flow = small(FlowMode::Wait, 1000);
    let (_, first) = admitted(flow.admit(Way::Received, &[1; 800]));
    let (done_tx, done) = crossbeam_channel::bounded(1);
    let worker = {
        let flow = flow.clone();
        thread::spawn(move || {
            let (_, second) = admitted(flow.admit(Way::Received, &[2; 800]));
            let _ = done_tx.send(second.len());
        })
    };
    // Over budget: the worker waits (a TCP reader stops reading here).
    assert!(done.recv_timeout(Duration::from_millis(300)).is_err());
    assert_eq!(flow.in_flight(), 800 + EVENT_OVERHEAD);
    drop(first);
    assert_eq!(done.recv_timeout(WAIT), Ok(800));
    worker.join().expect("worker");
    assert_eq!(flow.in_flight(), 0, "the second payload was dropped too");
}

#[test]
fn closing_the_flow_frees_a_waiting_worker() {
    let flow = small(FlowMode::Wait, 1000);
    let (_, held) = admitted(flow.admit(Way::Sent, &[1; 900]));
    let worker = {
        let flow = flow.clone();
        thread::spawn(move || matches!(flow.admit(Way::Sent, &[2; 900]), Admission::Skip))
    };
    thread::sleep(Duration::from_millis(100));
    let asked = Instant::now();
    flow.close();
    assert!(worker.join().expect("worker"), "closed: not reported");
    assert!(asked.elapsed() < Duration::from_secs(1));
    drop(held);
}

#[test]
fn a_summarizing_flow_counts_what_it_skips_and_tells_before_the_next_payload() {
    let flow = small(FlowMode::Summarize, 1000);
    let (skipped, first) = admitted(flow.admit(Way::Received, &[0; 800]));
    assert_eq!(skipped, None);
    assert!(matches!(
        flow.admit(Way::Received, &[0; 500]),
        Admission::Skip
    ));
    assert!(matches!(flow.admit(Way::Sent, &[0; 10]), Admission::Skip));
    drop(first);
    let before_next = SystemTime::now();
    let (skipped, next) = admitted(flow.admit(Way::Received, b"next"));
    let skipped = skipped.expect("the gap, told before the next payload");
    assert_eq!((skipped.messages, skipped.bytes), (2, 510));
    assert!(skipped.last.is_some_and(|last| last <= before_next));
    assert_eq!(next, *b"next");
    assert_eq!(flow.take_skipped(), None, "told once");
}

#[test]
fn a_consumer_that_caught_up_learns_of_a_gap_no_payload_told() {
    let flow = small(FlowMode::Summarize, 1000);
    let (_, first) = admitted(flow.admit(Way::Received, &[0; 900]));
    assert!(matches!(
        flow.admit(Way::Received, &[0; 900]),
        Admission::Skip
    ));
    drop(first);
    let skipped = flow.take_skipped().expect("the gap");
    assert_eq!((skipped.messages, skipped.bytes), (1, 900));
}

#[test]
fn a_payload_larger_than_the_budget_goes_when_nothing_else_is_in_flight() {
    let flow = small(FlowMode::Wait, 1000);
    let (_, big) = admitted(flow.admit(Way::Received, &[7; 5000]));
    assert_eq!(big.len(), 5000);
    assert!(!big.is_cut());
}

#[test]
fn the_display_keeps_a_preview_and_the_full_length() {
    let flow = Flow::new(FlowConfig::display());
    let data: Vec<u8> = (0..65_536u32).map(|n| n as u8).collect();
    let (_, payload) = admitted(flow.admit(Way::Received, &data));
    assert_eq!(payload.len(), 65_536);
    assert_eq!(&payload[..], &data[..4096]);
    assert!(payload.is_cut());
    assert_ne!(payload, data, "a preview is not the whole payload");
    assert_eq!(flow.in_flight(), 4096 + EVENT_OVERHEAD);
}

#[test]
fn events_nobody_reads_any_more_give_their_budget_back() {
    let flow = small(FlowMode::Wait, 100_000);
    let (tx, rx) = crossbeam_channel::unbounded();
    for _ in 0..10 {
        let (_, payload) = admitted(flow.admit(Way::Received, &[0; 1000]));
        tx.send(payload).expect("send");
    }
    assert_eq!(flow.in_flight(), 10 * (1000 + EVENT_OVERHEAD));
    drop(rx);
    assert_eq!(flow.in_flight(), 0);
    // A clone is a copy outside the budget, and `into_vec` gives it back.
    let (_, payload) = admitted(flow.admit(Way::Received, &[0; 1000]));
    let copy = payload.clone();
    let bytes = payload.into_vec();
    assert_eq!((bytes.len(), copy.len(), flow.in_flight()), (1000, 1000, 0));
}

fn server(flow: FlowConfig) -> (TcpServer, Receiver<TcpServerEvent>) {
    let (tx, rx) = crossbeam_channel::unbounded();
    let config = TcpServerConfig {
        flow,
        ..TcpServerConfig::new(SocketAddr::from(([127, 0, 0, 1], 0)))
    };
    (
        TcpServer::start(config, tx, no_waker()).expect("server"),
        rx,
    )
}

/// Bytes reported in payload events, and bytes reported as skipped.
#[derive(Default, Debug)]
struct Tally {
    shown: u64,
    skipped: Skipped,
    /// What the events counted so far kept in memory (previews and overhead).
    kept: u64,
    kept_in_channel: u64,
}

impl Tally {
    fn count(&mut self, event: TcpServerEvent) {
        match event {
            TcpServerEvent::Received { data, .. } => {
                self.shown += data.len() as u64;
                self.kept += (data.as_ref().len() + EVENT_OVERHEAD) as u64;
            }
            TcpServerEvent::Skipped(skipped) => self.skipped.add(skipped),
            _ => {}
        }
    }
}

#[test]
fn a_window_behind_a_flooding_client_holds_its_budget_and_counts_everything() {
    let (server, events) = server(FlowConfig::display());
    let mut client = TcpStream::connect(server.local_addr()).expect("connect");
    // The window is not draining: the server keeps reading at full speed anyway.
    // (A reader that waited for the window would stall for good; 5 s tells that
    // apart from a machine busy with other tests — 2 s once was not enough.)
    let sent = write_until_stuck(&mut client, 1 << 30, Duration::from_secs(5));
    assert_eq!(sent, 1 << 30, "reading never waited for the window");
    drop(client);
    let deadline = Instant::now() + WAIT;
    while server.counters().snapshot().rx_bytes < sent {
        assert!(Instant::now() < deadline, "the server stopped reading");
        thread::sleep(Duration::from_millis(10));
    }
    // All read, nothing drained yet: what waits in the channel is within budget.
    let mut tally = Tally::default();
    for event in events.try_iter() {
        tally.count(event);
    }
    tally.kept_in_channel = tally.kept;
    // Once caught up, the rest of the gap is told (by the close, or on asking).
    let deadline = Instant::now() + WAIT;
    while server.counters().snapshot().rx_bytes > tally.shown + tally.skipped.bytes {
        assert!(Instant::now() < deadline, "{tally:?}");
        if let Ok(event) = events.recv_timeout(Duration::from_millis(10)) {
            tally.count(event);
        } else if let Some(skipped) = server.take_skipped() {
            tally.skipped.add(skipped);
        }
    }
    assert!(
        tally.kept_in_channel <= netdbg::engine::flow::DISPLAY_BUDGET as u64,
        "{tally:?}"
    );
    assert!(tally.skipped.messages > 0, "a window this far behind skips");
    assert_eq!(
        tally.shown + tally.skipped.bytes,
        sent,
        "every byte is either shown or counted as skipped"
    );
    assert_eq!(server.counters().snapshot().rx_bytes, sent);
}

#[test]
fn a_printer_that_stops_reading_slows_the_peer_and_then_gets_every_byte_in_order() {
    let (server, events) = server(FlowConfig::lossless());
    let mut client = TcpStream::connect(server.local_addr()).expect("connect");
    // Nobody takes events: the server stops reading once its budget is in flight,
    // so the client's writes stall after the budget plus the sockets' buffers.
    let before = write_until_stuck(&mut client, 1 << 30, Duration::from_secs(1));
    assert!(
        before < 64 * 1024 * 1024,
        "{before} bytes went out to a server whose printer reads nothing"
    );
    let counted = server.counters().snapshot().rx_bytes;
    assert!(counted <= before);
    // Now the printer catches up and the client sends a numbered tail.
    let reader = thread::spawn(move || {
        let mut got = Vec::new();
        let mut skipped = Skipped::default();
        while let Ok(event) = events.recv_timeout(WAIT) {
            match event {
                TcpServerEvent::Received { data, .. } => {
                    assert!(!data.is_cut());
                    got.extend_from_slice(&data);
                }
                TcpServerEvent::Skipped(more) => skipped.add(more),
                TcpServerEvent::Closed { .. } => break,
                _ => {}
            }
        }
        (got, skipped)
    });
    let tail: Vec<u8> = (0..1_000_000u32).flat_map(u32::to_be_bytes).collect();
    client.set_write_timeout(None).expect("timeout");
    client.write_all(&tail).expect("tail");
    drop(client);
    let (got, skipped) = reader.join().expect("reader");
    assert_eq!(skipped, Skipped::default(), "a printer is never skipped");
    assert_eq!(got.len() as u64, before + tail.len() as u64);
    assert!(got[..before as usize].iter().all(|&b| b == FILL));
    assert!(got[before as usize..] == tail[..], "in order, byte-exact");
}

#[test]
fn a_tcp_client_tab_behind_a_fast_server_counts_everything() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("listen");
    let port = listener.local_addr().expect("addr").port();
    let (tx, events) = crossbeam_channel::unbounded();
    let config = TcpClientConfig {
        tls: None,
        host: "127.0.0.1".to_owned(),
        port,
        local_port: None,
        connect_timeout: WAIT,
        flow: FlowConfig::display(),
        framing: Default::default(),
    };
    let client = TcpClient::connect(config, tx, no_waker()).expect("connect");
    let (mut peer, _) = listener.accept().expect("accept");
    let sent = write_until_stuck(&mut peer, 1 << 30, Duration::from_secs(2));
    assert_eq!(sent, 1 << 30, "reading never waited for the window");
    drop(peer);
    let (mut shown, mut skipped, mut closed) = (0u64, Skipped::default(), false);
    while !closed {
        match events.recv_timeout(WAIT).expect("events until closed") {
            TcpClientEvent::Received { data, .. } => shown += data.len() as u64,
            TcpClientEvent::Skipped(more) => skipped.add(more),
            TcpClientEvent::ClosedByPeer => closed = true,
            _ => {}
        }
    }
    assert!(skipped.messages > 0);
    assert_eq!(shown + skipped.bytes, sent);
    assert_eq!(client.counters().snapshot().rx_bytes, sent);
}

#[test]
fn udp_flood_into_a_consumer_that_reads_nothing_is_counted_not_queued() {
    let (tx, events) = crossbeam_channel::unbounded();
    let config = UdpConfig::new(SocketAddr::from(([127, 0, 0, 1], 0)));
    let endpoint = UdpEndpoint::open(&config, tx, no_waker()).expect("open");
    let target = endpoint.local_addr();
    let sender = UdpSocket::bind("127.0.0.1:0").expect("sender");
    let datagram = [1u8; 1000];
    // 100,000 datagrams of 1000 bytes: 100 MB, far over the default budget.
    for n in 0..100_000u32 {
        if sender.send_to(&datagram, target).is_err() {
            panic!("send {n}");
        }
        if n % 1000 == 0 {
            // Let the receive thread keep up with the kernel's buffer.
            thread::yield_now();
        }
    }
    let deadline = Instant::now() + WAIT;
    let mut last = 0;
    // Wait until the receiver has read everything the kernel kept.
    loop {
        thread::sleep(Duration::from_millis(200));
        let now = endpoint.counters().snapshot().rx_packets;
        if now == last || Instant::now() > deadline {
            break;
        }
        last = now;
    }
    let received = endpoint.counters().snapshot();
    let mut reported = 0u64;
    let mut skipped = Skipped::default();
    for event in events.try_iter() {
        match event {
            UdpEvent::Received(datagram) => reported += datagram.data.len() as u64,
            UdpEvent::Skipped(more) => skipped.add(more),
            _ => {}
        }
    }
    if let Some(more) = endpoint.take_skipped() {
        skipped.add(more);
    }
    assert!(
        reported <= FlowConfig::default().budget as u64,
        "{reported} bytes queued"
    );
    assert_eq!(reported + skipped.bytes, received.rx_bytes);
}

#[test]
fn a_stuck_reader_of_a_lossless_client_ends_when_the_client_closes() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("listen");
    let port = listener.local_addr().expect("addr").port();
    let (tx, _events) = crossbeam_channel::unbounded();
    let config = TcpClientConfig {
        tls: None,
        host: "127.0.0.1".to_owned(),
        port,
        local_port: None,
        connect_timeout: WAIT,
        flow: FlowConfig::lossless(),
        framing: Default::default(),
    };
    let client = TcpClient::connect(config, tx, no_waker()).expect("connect");
    let (mut peer, _) = listener.accept().expect("accept");
    write_until_stuck(&mut peer, 1 << 30, Duration::from_millis(500));
    // Its reader now waits for a consumer that never comes; closing must end it,
    // which the peer sees as its connection closing.
    client.close();
    peer.set_read_timeout(Some(WAIT)).expect("timeout");
    let mut buf = [0u8; 16];
    let ended = Instant::now();
    loop {
        match peer.read(&mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(err) if err.kind() == ErrorKind::ConnectionReset => break,
            Err(err) => panic!("the connection did not end: {err}"),
        }
    }
    assert!(ended.elapsed() < Duration::from_secs(5));
}
