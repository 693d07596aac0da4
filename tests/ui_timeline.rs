//! The lifecycle timeline: what the tabs record per peer, and pausing and stepping
//! through it on screen. Loopback sockets only.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, UdpSocket};
use std::thread::sleep;
use std::time::{Instant, SystemTime};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use netdbg::app::Settings;
use netdbg::i18n::Lang;
use netdbg::ui::AppTab;
use netdbg::ui::tcp_client::{TcpClientSettings, TcpClientTab};
use netdbg::ui::teaching::ViewSettings;
use netdbg::ui::teaching::timeline::{EventKind, MAX_EVENTS, MAX_SUBJECTS, Subject, Timeline};

mod support;
use support::{DEADLINE, POLL, harness, udp_settings, wait_for_text, wait_until};

fn kinds(timeline: &Timeline, subject: Subject) -> Vec<EventKind> {
    timeline.events(subject).iter().map(|e| e.kind).collect()
}

/// Steps any harness until `done` holds, or fails after [`DEADLINE`].
#[track_caller]
fn step_until<S>(harness: &mut Harness<'_, S>, what: &str, done: impl Fn(&S) -> bool) {
    let deadline = Instant::now() + DEADLINE;
    while !done(harness.state()) {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        harness.step();
        sleep(POLL);
    }
}

type ClientHarness = Harness<'static, (TcpClientTab, ViewSettings)>;

/// The TCP client tab alone, connected to `server`; returns it and the peer's subject.
fn connected_tab(server: SocketAddr, view: ViewSettings) -> (ClientHarness, Subject) {
    let settings = TcpClientSettings {
        target: server.to_string(),
        ..TcpClientSettings::default()
    };
    let state = (TcpClientTab::new(settings, egui::Context::default()), view);
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1100.0, 720.0))
        .build_ui_state(
            |ui, (tab, view): &mut (TcpClientTab, ViewSettings)| {
                tab.logic(ui.ctx(), Lang::En);
                tab.ui(ui, Lang::En, view);
            },
            state,
        );
    harness.step();
    harness.get_by_label("Connect").click();
    let peer = Subject::Peer(server);
    step_until(&mut harness, "the connection", |(tab, _)| {
        !tab.timeline().events(peer).is_empty()
    });
    (harness, peer)
}

#[test]
fn tcp_client_records_connect_send_receive_and_the_peer_closing() {
    let server = TcpListener::bind("127.0.0.1:0").expect("listen on loopback");
    let server_addr = server.local_addr().expect("addr");
    // The reply waits until the send is on the timeline: the engine stamps a send
    // once write() returns, and an instant reply could be stamped earlier.
    let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
    let talk = std::thread::spawn(move || {
        let (mut conn, _) = server.accept().expect("accept");
        let mut buf = [0u8; 5];
        conn.read_exact(&mut buf).expect("the client's message");
        go_rx.recv().expect("go ahead");
        conn.write_all(b"pong").expect("reply");
        conn.shutdown(Shutdown::Both).expect("server hangs up");
        buf
    });

    let view = ViewSettings {
        timeline: true,
        ..ViewSettings::default()
    };
    let (mut harness, peer) = connected_tab(server_addr, view);

    harness
        .get_by(|node| node.role() == Role::MultilineTextInput)
        .click();
    harness.step();
    harness
        .get_by(|node| node.role() == Role::MultilineTextInput)
        .type_text("hello");
    harness.step();
    harness.get_by_label("Send").click();
    step_until(&mut harness, "the send", |(tab, _)| {
        tab.timeline().events(peer).len() >= 2
    });
    go_tx.send(()).expect("server thread");
    let deadline = Instant::now() + DEADLINE;
    while harness.state().0.timeline().events(peer).len() < 4 {
        assert!(
            Instant::now() < deadline,
            "timed out; recorded {:?}",
            kinds(harness.state().0.timeline(), peer)
        );
        harness.step();
        sleep(POLL);
    }
    assert_eq!(&talk.join().expect("server thread"), b"hello");
    assert_eq!(
        kinds(harness.state().0.timeline(), peer),
        [
            EventKind::Connect,
            EventKind::Send(5),
            EventKind::Receive(4),
            EventKind::ClosedByPeer
        ]
    );
    // The strip's caption describes the newest event in words.
    harness.step();
    assert!(
        harness
            .query_by_label_contains("recv() returned 0: the peer closed")
            .is_some()
    );
}

/// The UDP tab on loopback with the timeline shown.
fn udp_with_timeline() -> Settings {
    Settings {
        view: ViewSettings {
            timeline: true,
            ..ViewSettings::default()
        },
        ..udp_settings(Lang::En, None)
    }
}

fn open_udp(harness: &mut support::App<'_>) -> SocketAddr {
    harness.get_by_label("Open").click();
    wait_until(harness, "the socket to open", |h| {
        h.state().udp().local_addr().is_some()
    });
    harness.state().udp().local_addr().expect("open")
}

#[test]
fn udp_records_bind_then_each_datagram_per_peer() {
    let mut harness = harness(udp_with_timeline());
    let local = open_udp(&mut harness);
    let peer = UdpSocket::bind("127.0.0.1:0").expect("bind the peer");
    let peer_addr = Subject::Peer(peer.local_addr().expect("addr"));
    peer.send_to(b"one", local).expect("send");
    peer.send_to(b"three", local).expect("send");
    wait_until(&mut harness, "two datagrams", |h| {
        h.state().udp().timeline().events(peer_addr).len() == 2
    });
    let timeline = harness.state().udp().timeline();
    assert_eq!(kinds(timeline, Subject::Local), [EventKind::Bind]);
    assert_eq!(
        kinds(timeline, peer_addr),
        [EventKind::Receive(3), EventKind::Receive(5)]
    );
}

#[test]
fn pause_then_step_reveals_one_event_at_a_time() {
    let mut harness = harness(udp_with_timeline());
    let local = open_udp(&mut harness);
    let peer = UdpSocket::bind("127.0.0.1:0").expect("bind the peer");
    let peer_addr = Subject::Peer(peer.local_addr().expect("addr"));
    peer.send_to(b"abcd", local).expect("send");
    // The newest subject is shown when none was picked.
    wait_for_text(&mut harness, "event 1 of 1: received 4 bytes");

    harness.get_by_label("Pause").click();
    harness.step();
    peer.send_to(b"abcde", local).expect("send");
    peer.send_to(b"abcdef", local).expect("send");
    wait_until(&mut harness, "both datagrams recorded", |h| {
        h.state().udp().timeline().events(peer_addr).len() == 3
    });
    // Recorded, but not shown while paused.
    wait_for_text(&mut harness, "event 1 of 3: received 4 bytes");

    harness.get_by_label("Step").click();
    wait_for_text(&mut harness, "event 2 of 3: received 5 bytes");
    harness.get_by_label("Step").click();
    wait_for_text(&mut harness, "event 3 of 3: received 6 bytes");
    // Nothing more to reveal.
    harness.get_by_label("Step").click();
    wait_for_text(&mut harness, "event 3 of 3: received 6 bytes");

    harness.get_by_label("Resume").click();
    wait_until(&mut harness, "the Pause button again", |h| {
        h.query_by_label("Pause").is_some()
    });
    // Idle: the timeline asks for no frames of its own.
    harness.run();
}

#[test]
fn the_oldest_events_and_subjects_are_dropped_first() {
    let mut timeline = Timeline::default();
    let peer = |port: u16| Subject::Peer(SocketAddr::from(([127, 0, 0, 1], port)));
    for len in 0..MAX_EVENTS + 3 {
        timeline.push_at(peer(1), EventKind::Send(len), SystemTime::now());
    }
    let events = timeline.events(peer(1));
    assert_eq!(events.len(), MAX_EVENTS);
    assert_eq!(events[0].kind, EventKind::Send(3));
    assert_eq!(events[MAX_EVENTS - 1].kind, EventKind::Send(MAX_EVENTS + 2));

    for port in 2..=MAX_SUBJECTS as u16 + 1 {
        timeline.push(peer(port), EventKind::Accept);
    }
    assert_eq!(timeline.subjects().count(), MAX_SUBJECTS);
    assert!(
        timeline.events(peer(1)).is_empty(),
        "the oldest subject went"
    );
    assert_eq!(timeline.subjects().next(), Some(peer(2)));
    assert_eq!(
        kinds(&timeline, peer(MAX_SUBJECTS as u16 + 1)),
        [EventKind::Accept]
    );
}

#[test]
fn from_the_start_replays_one_event_at_a_time() {
    let mut harness = harness(udp_with_timeline());
    let local = open_udp(&mut harness);
    let peer = UdpSocket::bind("127.0.0.1:0").expect("bind the peer");
    for message in [&b"ab"[..], b"abc", b"abcd"] {
        peer.send_to(message, local).expect("send");
    }
    wait_for_text(&mut harness, "event 3 of 3: received 4 bytes");

    harness.get_by_label("From the start").click();
    wait_for_text(&mut harness, "event 1 of 3: received 2 bytes");
    wait_until(&mut harness, "the replay to pause", |h| {
        h.query_by_label("Resume").is_some()
    });
    harness.get_by_label("Step").click();
    wait_for_text(&mut harness, "event 2 of 3: received 3 bytes");
    harness.get_by_label("Step").click();
    wait_for_text(&mut harness, "event 3 of 3: received 4 bytes");
}

#[test]
fn disconnect_shows_the_half_close_and_what_still_arrives() {
    // The tutorial's server: after the client's FIN it still says goodbye.
    let server = TcpListener::bind("127.0.0.1:0").expect("listen on loopback");
    let server_addr = server.local_addr().expect("addr");
    let talk = std::thread::spawn(move || {
        let (mut conn, _) = server.accept().expect("accept");
        let mut rest = Vec::new();
        conn.read_to_end(&mut rest)
            .expect("read until the client's FIN");
        conn.write_all(b"bye").expect("last words");
    });
    let view = ViewSettings {
        timeline: true,
        presenter: true,
        ..ViewSettings::default()
    };
    let (mut harness, peer) = connected_tab(server_addr, view);
    harness.get_by_label("Disconnect").click();
    step_until(&mut harness, "the goodbye and the close", |(tab, _)| {
        tab.timeline().events(peer).len() >= 4
    });
    talk.join().expect("server thread");
    assert_eq!(
        kinds(harness.state().0.timeline(), peer),
        [
            EventKind::Connect,
            EventKind::HalfClose,
            EventKind::Receive(3),
            EventKind::ClosedByUs
        ]
    );
    harness.step();
    assert!(
        harness
            .query_by_label_contains("TCP is full duplex")
            .is_some(),
        "the presenter caption explains the half close"
    );
}
