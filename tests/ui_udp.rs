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
use netdbg::codec::{PayloadMode, TextEncoding};
use netdbg::i18n::Lang;
use netdbg::ui::log::view::ShowMode;

mod support;
use support::{
    App, DEADLINE, POLL, harness, log_rows, message_box, open_udp, replace_field, replace_message,
    screen_dump, shows, udp_peer, udp_settings, wait_for_row, wait_for_text, wait_until,
};

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
    let mut harness = harness(udp_settings(Lang::En, None));
    harness.get_by_label("Not open");

    let local = open_udp(&mut harness, "Open");
    assert_eq!(local.ip().to_string(), "127.0.0.1");
    assert_ne!(local.port(), 0, "the OS picks a real port");
    wait_for_text(
        &mut harness,
        &format!("UDP open on 127.0.0.1:{}", local.port()),
    );
    harness.get_by_label(&format!("UDP open on 127.0.0.1:{}", local.port()));
    harness.get_by_label("Close");

    let (peer, peer_addr) = udp_peer(DEADLINE);
    replace_field(
        &mut harness,
        "Target",
        &format!("127.0.0.1:{}", peer_addr.port()),
    );
    replace_message(&mut harness, Lang::En, "hello");
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
    let mut settings = udp_settings(Lang::En, None);
    settings.udp.display.encoding = TextEncoding::Gbk;
    let mut harness = harness(settings);
    let local = open_udp(&mut harness, "Open");

    let (peer, peer_addr) = udp_peer(DEADLINE);
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
    let mut settings = udp_settings(Lang::Zh, None);
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
    let (holder, held) = udp_peer(DEADLINE);
    let mut settings = udp_settings(Lang::En, None);
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
    let mut harness = harness(udp_settings(Lang::En, None));
    replace_message(&mut harness, Lang::En, "too early");
    harness.get_by_label("Send").click();
    wait_for_text(&mut harness, "Open the UDP socket before sending");
    assert!(harness.state().udp().local_addr().is_none());
}

#[test]
fn bad_hex_is_explained_and_not_sent() {
    let (peer, peer_addr) = udp_peer(DEADLINE);
    let mut settings = udp_settings(Lang::En, None);
    settings.udp.target = format!("127.0.0.1:{}", peer_addr.port());
    let mut harness = harness(settings);
    open_udp(&mut harness, "Open");

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

    replace_message(&mut harness, Lang::En, "48 6G");
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
    replace_message(&mut harness, Lang::En, "48 65");
    assert!(!shows(&harness, "is not a HEX digit"));
    harness.get_by_label("Send").click();
    harness.step();
    let (data, _) = receive(&peer);
    assert_eq!(data, b"He");
    wait_for_row(&mut harness, &["TX", "He"]);
}

#[test]
fn counters_count_received_datagrams() {
    let mut harness = harness(udp_settings(Lang::En, None));
    let local = open_udp(&mut harness, "Open");
    harness.get_by_label_contains("RX 0 pkts");

    let (peer, _) = udp_peer(DEADLINE);
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
    let (peer, peer_addr) = udp_peer(DEADLINE);
    let mut settings = udp_settings(Lang::En, None);
    settings.udp.target = format!("127.0.0.1:{}", peer_addr.port());
    let mut harness = harness(settings);
    let local = open_udp(&mut harness, "Open");

    replace_message(&mut harness, Lang::En, "ping");
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
    let mut harness = harness(udp_settings(Lang::En, None));
    let local = open_udp(&mut harness, "Open");
    let (peer, _) = udp_peer(DEADLINE);
    // 0xFF is never valid UTF-8: decoded it is U+FFFD, which no bundled font draws.
    peer.send_to(b"a\xFFb", local).expect("peer sends");
    wait_for_row(&mut harness, &["RX", "a□b"]);
}

/// Auto, the default: each datagram shows as UTF-8 when it is valid UTF-8 and in
/// the system's legacy code page otherwise, and its row says which.
#[test]
fn auto_shows_each_datagram_as_what_it_is_and_tags_it() {
    use netdbg::codec::auto_fallback;
    use netdbg::ui::log::panel::DisplaySettings;
    assert_eq!(DisplaySettings::default().encoding, TextEncoding::Auto);
    let mut settings = udp_settings(Lang::En, None);
    settings.udp.display.encoding = TextEncoding::Auto;
    let mut harness = harness(settings);
    let fallback = auto_fallback();
    let chosen = harness
        .get_by_role_and_label(Role::ComboBox, "Encoding")
        .accesskit_node()
        .value();
    assert_eq!(
        chosen.as_deref(),
        Some(format!("Auto (UTF-8 / {fallback})").as_str()),
        "the encoding list names both"
    );
    let local = open_udp(&mut harness, "Open");
    let (peer, _) = udp_peer(DEADLINE);
    peer.send_to("你好".as_bytes(), local).expect("peer sends");
    wait_for_row(&mut harness, &["RX", "[UTF-8]", "你好"]);
    let gbk = [0xc4, 0xe3, 0xba, 0xc3];
    peer.send_to(&gbk, local).expect("peer sends");
    let legacy = fallback.decode(&gbk).replace('\u{fffd}', "□");
    wait_for_row(&mut harness, &["RX", &format!("[{fallback}]"), &legacy]);
    peer.send_to(b"plain", local).expect("peer sends");
    let row = wait_for_row(&mut harness, &["RX", "plain"]);
    assert!(!row.contains('['), "ASCII reads the same either way: {row}");
}
