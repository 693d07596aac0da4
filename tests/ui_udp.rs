//! Headless UI tests of the UDP tab: a real window (`egui_kittest`), real sockets on
//! loopback, and assertions on what the user sees.
//!
//! The engine runs on its own threads, so everything that depends on network
//! traffic is awaited by stepping the harness in a loop with a deadline.

use std::net::{SocketAddr, UdpSocket};
use std::thread::sleep;
use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::kittest::{NodeT, Queryable};
use netdbg::app::{Settings, Tab};
use netdbg::codec::{PayloadMode, TextEncoding};
use netdbg::i18n::Lang;
use netdbg::ui::log::panel::DisplaySettings;
use netdbg::ui::log::view::ShowMode;
use netdbg::ui::udp::UdpSettings;

mod support;
use support::{
    App, DEADLINE, POLL, harness, node_text, replace_field, screen_dump, shows, wait_for_text,
    wait_until,
};

/// Settings for a tab bound to loopback on a port the OS picks.
fn settings(lang: Lang) -> Settings {
    Settings {
        lang,
        tab: Tab::Udp,
        tcp_client: Default::default(),
        tcp_server: Default::default(),
        files: Default::default(),
        network: Default::default(),
        view: Default::default(),
        udp: UdpSettings {
            local_ip: "127.0.0.1".to_owned(),
            local_port: "0".to_owned(),
            // Never used as is: tests that send point it at their own peer.
            target: "127.0.0.1:9".to_owned(),
            send: Default::default(),
            display: DisplaySettings {
                encoding: TextEncoding::Utf8,
                show: ShowMode::Text,
                ..DisplaySettings::default()
            },
        },
    }
}

/// A plain socket on loopback playing the other side.
fn peer() -> (UdpSocket, SocketAddr) {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind the peer socket on loopback");
    let addr = socket.local_addr().expect("peer address");
    (socket, addr)
}

/// The log's rows as one string each (time, direction, peer, length, payload).
fn log_rows(harness: &App<'_>) -> Vec<String> {
    harness
        .root()
        .children_recursive()
        .filter(|node| {
            let node = node.accesskit_node();
            node.role() == Role::Label && matches!(node.value().as_deref(), Some("RX" | "TX"))
        })
        .filter_map(|arrow| arrow.parent())
        .map(|row| {
            row.children()
                .filter_map(|cell| node_text(&cell.accesskit_node()))
                .map(|text| text.trim().to_owned())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// Waits until a log row contains every one of `parts`; returns that row.
#[track_caller]
fn wait_for_row(harness: &mut App<'_>, parts: &[&str]) -> String {
    wait_until(harness, &format!("a log row containing {parts:?}"), |h| {
        log_rows(h)
            .iter()
            .any(|row| parts.iter().all(|part| row.contains(part)))
    });
    log_rows(harness)
        .into_iter()
        .find(|row| parts.iter().all(|part| row.contains(part)))
        .expect("the row just seen")
}

/// Clicks Open and waits until the tab reports its bound address.
#[track_caller]
fn open(harness: &mut App<'_>, open_label: &str) -> SocketAddr {
    harness.get_by_label(open_label).click();
    wait_until(harness, "the socket to open", |h| {
        h.state().udp().local_addr().is_some()
    });
    harness.state().udp().local_addr().expect("open")
}

/// The message editor, found by its hint (its accessible name).
fn message_box<'h>(harness: &'h App<'_>, lang: Lang) -> egui_kittest::Node<'h> {
    let hint = lang.texts().send_hint;
    harness.get_by(move |node| {
        node.role() == Role::MultilineTextInput && node.data().placeholder() == Some(hint)
    })
}

/// Clicks into the message editor and types `text`.
fn type_message(harness: &mut App<'_>, lang: Lang, text: &str) {
    message_box(harness, lang).click();
    harness.step();
    message_box(harness, lang).type_text(text);
    harness.step();
    assert_eq!(
        message_box(harness, lang).value().as_deref(),
        Some(text),
        "message box after typing"
    );
}

/// A radio button `label` in the group that also holds `sibling`: "HEX" is both a
/// send mode (beside "Escapes") and a display mode (beside "Text+HEX").
fn radio_beside<'h>(harness: &'h App<'_>, label: &'h str, sibling: &str) -> egui_kittest::Node<'h> {
    let matches: Vec<_> = harness
        .get_all_by_role_and_label(Role::RadioButton, label)
        .filter(|radio| {
            radio.parent().is_some_and(|group| {
                group
                    .children()
                    .any(|child| child.accesskit_node().label().as_deref() == Some(sibling))
            })
        })
        .collect();
    assert_eq!(
        matches.len(),
        1,
        "exactly one radio {label:?} beside {sibling:?}; the screen shows:\n{}",
        screen_dump(harness)
    );
    matches[0]
}

/// Receives one datagram on the peer, failing after [`DEADLINE`].
fn receive(peer: &UdpSocket) -> (Vec<u8>, SocketAddr) {
    peer.set_read_timeout(Some(DEADLINE)).expect("timeout");
    let mut buf = [0u8; 2048];
    let (len, from) = peer
        .recv_from(&mut buf)
        .expect("the peer should receive a datagram");
    (buf[..len].to_vec(), from)
}

#[test]
fn english_open_send_and_log() {
    let mut harness = harness(settings(Lang::En));
    harness.get_by_label("Not open");

    let local = open(&mut harness, "Open");
    assert_eq!(local.ip().to_string(), "127.0.0.1");
    assert_ne!(local.port(), 0, "the OS picks a real port");
    wait_for_text(
        &mut harness,
        &format!("UDP open on 127.0.0.1:{}", local.port()),
    );
    harness.get_by_label(&format!("UDP open on 127.0.0.1:{}", local.port()));
    harness.get_by_label("Close");

    let (peer, peer_addr) = peer();
    replace_field(
        &mut harness,
        "Target",
        &format!("127.0.0.1:{}", peer_addr.port()),
    );
    type_message(&mut harness, Lang::En, "hello");
    harness.get_by_label("Send").click();
    harness.step();

    let (data, from) = receive(&peer);
    assert_eq!(data, b"hello");
    assert_eq!(from, local, "sent from the tab's socket");

    let row = wait_for_row(&mut harness, &["TX", "hello"]);
    assert!(
        row.contains(&format!("127.0.0.1:{}", peer_addr.port())),
        "the TX row names the target: {row:?}"
    );
    wait_for_text(&mut harness, "TX 1 pkts / 5 bytes");
}

#[test]
fn gbk_text_then_hex_display() {
    let mut settings = settings(Lang::En);
    settings.udp.display.encoding = TextEncoding::Gbk;
    let mut harness = harness(settings);
    let local = open(&mut harness, "Open");

    let (peer, peer_addr) = peer();
    peer.send_to(&[0xc4, 0xe3, 0xba, 0xc3], local)
        .expect("peer sends");
    let row = wait_for_row(&mut harness, &["RX", "你好"]);
    assert!(
        row.contains(&format!("127.0.0.1:{}", peer_addr.port())),
        "the RX row names the sender: {row:?}"
    );

    radio_beside(&harness, "HEX", "Text+HEX").click();
    let row = wait_for_row(&mut harness, &["RX", "C4 E3 BA C3"]);
    assert!(!row.contains("你好"), "HEX display shows no text: {row:?}");
    assert_eq!(harness.state().settings().udp.display.show, ShowMode::Hex);
    assert_eq!(
        harness.state().settings().udp.send.options.mode,
        PayloadMode::Text,
        "the send mode's HEX radio was left alone"
    );
}

#[test]
fn chinese_port_errors() {
    let mut settings = settings(Lang::Zh);
    settings.udp.local_port = "abc".to_owned();
    let mut harness = harness(settings);
    harness.get_by_label("本地端口");
    harness.get_by_label("打开");

    harness.get_by_label("打开").click();
    wait_for_text(&mut harness, "不是数字");
    assert!(shows(
        &harness,
        "端口“abc”不是数字 — 请填 1–65535 之间的整数"
    ));
    assert!(harness.state().udp().local_addr().is_none());

    replace_field(&mut harness, "本地端口", "65536");
    harness.get_by_label("打开").click();
    wait_for_text(&mut harness, "超出范围");
    assert!(shows(
        &harness,
        "端口 65536 超出范围 — 端口号只能是 1–65535"
    ));
    assert!(!shows(&harness, "不是数字"), "the earlier error is gone");
    assert!(harness.state().udp().local_addr().is_none());
}

#[test]
fn port_in_use_is_explained() {
    let (holder, held) = peer();
    let mut settings = settings(Lang::En);
    settings.udp.local_port = held.port().to_string();
    let mut harness = harness(settings);

    harness.get_by_label("Open").click();
    wait_for_text(
        &mut harness,
        &format!("Port {} is already in use", held.port()),
    );
    assert!(harness.state().udp().local_addr().is_none());
    harness.get_by_label("Open");
    drop(holder);
}

#[test]
fn sending_before_open_asks_to_open() {
    let mut harness = harness(settings(Lang::En));
    type_message(&mut harness, Lang::En, "too early");
    harness.get_by_label("Send").click();
    wait_for_text(&mut harness, "Open the UDP socket before sending");
    assert!(harness.state().udp().local_addr().is_none());
}

#[test]
fn bad_hex_is_explained_and_not_sent() {
    let (peer, peer_addr) = peer();
    let mut settings = settings(Lang::En);
    settings.udp.target = format!("127.0.0.1:{}", peer_addr.port());
    let mut harness = harness(settings);
    open(&mut harness, "Open");

    radio_beside(&harness, "HEX", "Escapes").click();
    harness.step();
    assert_eq!(
        harness.state().settings().udp.send.options.mode,
        PayloadMode::Hex
    );
    assert_eq!(
        harness.state().settings().udp.display.show,
        ShowMode::Text,
        "the display's HEX radio was left alone"
    );

    type_message(&mut harness, Lang::En, "48 6G");
    wait_for_text(&mut harness, "Character 5 ('G') is not a HEX digit");

    harness.get_by_label("Send").click();
    // Give a wrongly sent datagram time to arrive, keeping the UI running.
    let until = Instant::now() + Duration::from_millis(300);
    while Instant::now() < until {
        harness.step();
        sleep(POLL);
    }
    peer.set_read_timeout(Some(Duration::from_millis(200)))
        .expect("timeout");
    let mut buf = [0u8; 64];
    match peer.recv_from(&mut buf) {
        Ok((len, from)) => panic!("nothing should be sent, got {:?} from {from}", &buf[..len]),
        Err(err) => assert!(
            matches!(
                err.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ),
            "unexpected receive error: {err}"
        ),
    }
    assert!(log_rows(&harness).is_empty(), "no TX row");
    harness.get_by_label_contains("TX 0 pkts");

    // The same path works once the HEX is fixed, so the silence above means something.
    replace_message(&mut harness, "48 65");
    assert!(!shows(&harness, "is not a HEX digit"));
    harness.get_by_label("Send").click();
    harness.step();
    let (data, _) = receive(&peer);
    assert_eq!(data, b"He");
    wait_for_row(&mut harness, &["TX", "He"]);
}

/// Replaces the whole message (English UI).
fn replace_message(harness: &mut App<'_>, text: &str) {
    message_box(harness, Lang::En).click();
    harness.step();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.step();
    message_box(harness, Lang::En).type_text(text);
    harness.step();
    assert_eq!(
        message_box(harness, Lang::En).value().as_deref(),
        Some(text)
    );
}

#[test]
fn counters_count_received_datagrams() {
    let mut harness = harness(settings(Lang::En));
    let local = open(&mut harness, "Open");
    harness.get_by_label_contains("RX 0 pkts");

    let (peer, _) = peer();
    for payload in [&b"one"[..], b"two", b"three"] {
        peer.send_to(payload, local).expect("peer sends");
    }
    wait_for_text(&mut harness, "RX 3 pkts / 11 bytes");
    wait_until(&mut harness, "three RX rows", |h| {
        log_rows(h).iter().filter(|row| row.contains("RX")).count() == 3
    });
}

#[test]
fn ctrl_enter_sends() {
    let (peer, peer_addr) = peer();
    let mut settings = settings(Lang::En);
    settings.udp.target = format!("127.0.0.1:{}", peer_addr.port());
    let mut harness = harness(settings);
    let local = open(&mut harness, "Open");

    type_message(&mut harness, Lang::En, "ping");
    assert!(message_box(&harness, Lang::En).is_focused());
    // What a Linux or Windows keyboard reports for Ctrl (egui's `command` is Ctrl there).
    harness.key_press_modifiers(Modifiers::CTRL | Modifiers::COMMAND, Key::Enter);
    harness.step();

    let (data, from) = receive(&peer);
    assert_eq!(data, b"ping", "sent as typed, with no newline added");
    assert_eq!(from, local);
    wait_for_row(&mut harness, &["TX", "ping"]);
    assert_eq!(
        message_box(&harness, Lang::En).value().as_deref(),
        Some("ping"),
        "Ctrl+Enter does not insert a newline"
    );
}

#[test]
fn bytes_the_encoding_cannot_decode_show_as_a_box() {
    let mut harness = harness(settings(Lang::En));
    let local = open(&mut harness, "Open");
    let (peer, _) = peer();
    // 0xFF is never valid UTF-8: decoded it is U+FFFD, which no bundled font draws.
    peer.send_to(b"a\xFFb", local).expect("peer sends");
    wait_for_row(&mut harness, &["RX", "a□b"]);
}
