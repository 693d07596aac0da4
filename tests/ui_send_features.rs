//! Headless UI tests of the send box's newer parts: line end and checksum with the
//! byte preview, periodic send, ↑/↓ history and quick commands (UDP tab), and the
//! same periodic send on the TCP client tab.
//!
//! Real sockets on loopback play the other side. Everything the engine does on
//! its own threads is awaited by stepping the harness while the peer reads with a
//! short timeout, so a click is always processed while the test waits.

use std::io::Read;
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::thread::sleep;
use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use netdbg::app::{Settings, Tab};
use netdbg::codec::{PayloadMode, SendOptions, TextEncoding};
use netdbg::i18n::Lang;
use netdbg::ui::log::panel::DisplaySettings;
use netdbg::ui::send::quick_commands::Preset;
use netdbg::ui::tcp_client::TcpClientSettings;

mod support;
use support::{
    App, DEADLINE, POLL, harness, is_timeout, message_box, open_udp, pick, replace_field,
    replace_message, screen_dump, shows, udp_peer, udp_settings, wait_for_text, wait_until,
};

/// What the user types Ctrl with on Linux and Windows (egui's `command` is Ctrl there).
const CTRL: Modifiers = Modifiers::CTRL.plus(Modifiers::COMMAND);
/// How long to keep listening for something that must not arrive.
const GRACE: Duration = Duration::from_millis(300);

/// A harness on the UDP tab (English) with its socket open, sending to a fresh
/// peer; `adjust` changes the settings first.
fn open_with_peer(adjust: impl FnOnce(Settings) -> Settings) -> (App<'static>, UdpSocket) {
    let (peer, peer_addr) = udp_peer(POLL);
    let mut harness = harness(adjust(udp_settings(Lang::En, Some(peer_addr))));
    open_udp(&mut harness, "Open");
    (harness, peer)
}

/// Keeps drawing frames while the peer collects datagrams, until `enough` holds
/// (or fails after [`DEADLINE`]).
#[track_caller]
fn collect_until(
    harness: &mut App<'_>,
    peer: &UdpSocket,
    what: &str,
    enough: impl Fn(&[Vec<u8>]) -> bool,
) -> Vec<Vec<u8>> {
    let deadline = Instant::now() + DEADLINE;
    let mut got = Vec::new();
    while !enough(&got) {
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}; the peer got {got:?}; the screen shows:\n{}",
            screen_dump(harness)
        );
        harness.step();
        got.extend(receive_ready(peer));
    }
    got
}

/// Waits for exactly one more datagram and returns it.
#[track_caller]
fn receive_one(harness: &mut App<'_>, peer: &UdpSocket) -> Vec<u8> {
    let mut got = collect_until(harness, peer, "a datagram", |got| !got.is_empty());
    assert_eq!(got.len(), 1, "one datagram expected, got {got:?}");
    got.remove(0)
}

/// Whatever datagrams arrive while the UI keeps running for `duration`.
fn collect_for(harness: &mut App<'_>, peer: &UdpSocket, duration: Duration) -> Vec<Vec<u8>> {
    let until = Instant::now() + duration;
    let mut got = Vec::new();
    while Instant::now() < until {
        harness.step();
        got.extend(receive_ready(peer));
    }
    got
}

/// The datagrams that arrive within one short read timeout.
fn receive_ready(peer: &UdpSocket) -> Vec<Vec<u8>> {
    let mut got = Vec::new();
    let mut buf = [0u8; 2048];
    loop {
        match peer.recv_from(&mut buf) {
            Ok((len, _)) => got.push(buf[..len].to_vec()),
            Err(err) if is_timeout(&err) => return got,
            Err(err) => panic!("the peer failed to receive: {err}"),
        }
    }
}

fn message_text(harness: &App<'_>) -> String {
    message_box(harness, Lang::En).value().unwrap_or_default()
}

/// Draws a few frames so a collapsing header finishes opening.
fn settle(harness: &mut App<'_>) {
    for _ in 0..20 {
        harness.step();
    }
}

/// The CRC-16/Modbus of `bytes` as it goes on the wire: low byte first.
fn modbus_crc(bytes: &[u8]) -> [u8; 2] {
    crc::Crc::<u16>::new(&crc::CRC_16_MODBUS)
        .checksum(bytes)
        .to_le_bytes()
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|byte| format!("{byte:02X}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn line_end_and_checksum_show_in_the_preview_and_go_out() {
    let (mut harness, peer) = open_with_peer(|settings| settings);
    pick(&mut harness, "Line end", "CRLF");
    pick(&mut harness, "Checksum", "CRC-16/Modbus");
    replace_message(&mut harness, Lang::En, "123456789");

    let mut expected = b"123456789\r\n".to_vec();
    let crc = modbus_crc(&expected);
    expected.extend_from_slice(&crc);
    assert_eq!(expected.len(), 13);
    let preview = format!("Goes out 13 bytes: {}", hex(&expected));
    assert!(
        preview.starts_with("Goes out 13 bytes: 31 32 33 34 35 36 37 38 39 0D 0A "),
        "{preview}"
    );
    wait_until(&mut harness, &format!("the preview {preview:?}"), |h| {
        h.query_by_label(&preview).is_some()
    });

    harness.get_by_label("Send").click();
    assert_eq!(receive_one(&mut harness, &peer), expected);
    assert!(
        collect_for(&mut harness, &peer, GRACE).is_empty(),
        "one click, one datagram"
    );
    let options = harness.state().settings().udp.send.options;
    assert_eq!(options.line_ending, netdbg::codec::LineEnding::CrLf);
    assert_eq!(options.checksum, netdbg::codec::Checksum::Crc16Modbus);
}

#[test]
fn periodic_send_stops_by_itself_after_the_count() {
    let (mut harness, peer) = open_with_peer(|settings| settings);
    replace_message(&mut harness, Lang::En, "tick");
    replace_field(&mut harness, "Send every", "20");
    replace_field(&mut harness, "times (0 = endless)", "5");
    harness.get_by_label("Start").click();

    let got = collect_until(&mut harness, &peer, "five datagrams", |got| got.len() >= 5);
    let late = collect_for(&mut harness, &peer, GRACE);
    assert_eq!(got.len() + late.len(), 5, "got {got:?} then {late:?}");
    assert!(got.iter().all(|datagram| datagram == b"tick"), "{got:?}");
    wait_for_text(&mut harness, "done: 5 sent");
    harness.get_by_label("Start");
    assert!(harness.query_by_label("Stop").is_none());
}

#[test]
fn endless_periodic_send_stops_on_stop() {
    let (mut harness, peer) = open_with_peer(|settings| settings);
    replace_message(&mut harness, Lang::En, "tock");
    replace_field(&mut harness, "Send every", "20");
    replace_field(&mut harness, "times (0 = endless)", "0");
    harness.get_by_label("Start").click();

    let mut got = collect_until(&mut harness, &peer, "three datagrams", |got| got.len() >= 3);
    wait_for_text(&mut harness, " sent, ");
    harness.get_by_label("Stop").click();
    wait_for_text(&mut harness, "done: ");
    // What was on its way when Stop was clicked still arrives; then nothing more.
    got.extend(collect_for(&mut harness, &peer, GRACE));
    let status = harness
        .get_by_label_contains("done: ")
        .value()
        .expect("the status has text");
    let sent: usize = status
        .trim_start_matches("done: ")
        .split(' ')
        .next()
        .and_then(|count| count.parse().ok())
        .unwrap_or_else(|| panic!("a count in {status:?}"));
    assert_eq!(got.len(), sent, "the peer got what the status counts");
    let late = collect_for(&mut harness, &peer, GRACE);
    assert!(late.is_empty(), "{} more after Stop", late.len());
    harness.get_by_label("Start");
}

#[test]
fn bad_interval_or_count_is_explained_and_nothing_is_sent() {
    let (mut harness, peer) = open_with_peer(|settings| settings);
    let bad_interval = "The interval must be a whole number of milliseconds, 1 or more";
    replace_message(&mut harness, Lang::En, "x");
    replace_field(&mut harness, "times (0 = endless)", "1");

    replace_field(&mut harness, "Send every", "0");
    harness.get_by_label("Start").click();
    wait_for_text(&mut harness, bad_interval);
    assert!(collect_for(&mut harness, &peer, GRACE).is_empty());

    // A good start clears the message, so the next one is seen afresh.
    replace_field(&mut harness, "Send every", "10");
    harness.get_by_label("Start").click();
    assert_eq!(receive_one(&mut harness, &peer), b"x");
    wait_for_text(&mut harness, "done: 1 sent");
    assert!(!shows(&harness, bad_interval), "the message went away");

    replace_field(&mut harness, "Send every", "abc");
    harness.get_by_label("Start").click();
    wait_for_text(&mut harness, bad_interval);
    assert!(collect_for(&mut harness, &peer, GRACE).is_empty());

    replace_field(&mut harness, "Send every", "10");
    replace_field(&mut harness, "times (0 = endless)", "many");
    harness.get_by_label("Start").click();
    wait_for_text(
        &mut harness,
        "The count must be a whole number, 0 or more (0 = endless)",
    );
    assert!(!shows(&harness, bad_interval));
    assert!(collect_for(&mut harness, &peer, GRACE).is_empty());
}

#[test]
fn arrow_keys_bring_back_earlier_messages() {
    let (mut harness, peer) = open_with_peer(|settings| settings);
    for text in ["first", "second"] {
        replace_message(&mut harness, Lang::En, text);
        harness.get_by_label("Send").click();
        assert_eq!(receive_one(&mut harness, &peer), text.as_bytes());
    }
    assert_eq!(
        harness.state().settings().udp.send.history,
        ["second", "first"],
        "newest first"
    );

    replace_message(&mut harness, Lang::En, "");
    assert!(message_box(&harness, Lang::En).is_focused());
    for (key, want) in [
        (Key::ArrowUp, "second"),
        (Key::ArrowUp, "first"),
        // The oldest stays put.
        (Key::ArrowUp, "first"),
        (Key::ArrowDown, "second"),
        // Past the newest: back to an empty editor.
        (Key::ArrowDown, ""),
    ] {
        harness.key_press(key);
        wait_until(&mut harness, &format!("{key:?} to show {want:?}"), |h| {
            message_text(h) == want
        });
    }

    // A recalled message is sent as it is.
    harness.key_press(Key::ArrowUp);
    wait_until(&mut harness, "the recalled message", |h| {
        message_text(h) == "second"
    });
    harness.get_by_label("Send").click();
    assert_eq!(receive_one(&mut harness, &peer), b"second");
}

/// The quick commands' names (their buttons' labels), in the order shown.
fn preset_names(harness: &App<'_>) -> Vec<String> {
    harness
        .get_all_by_label("Name")
        .filter_map(|field| field.value())
        .collect()
}

/// Sends with Ctrl+`key` and returns what the peer got.
#[track_caller]
fn send_with_ctrl(harness: &mut App<'_>, peer: &UdpSocket, key: Key) -> Vec<u8> {
    harness.key_press_modifiers(CTRL, key);
    receive_one(harness, peer)
}

#[test]
fn quick_commands_are_saved_sent_reordered_and_deleted() {
    let (mut harness, peer) = open_with_peer(|settings| settings);
    replace_message(&mut harness, Lang::En, "ping");
    harness.get_by_label("Quick commands (0)").click();
    settle(&mut harness);
    harness
        .get_by_label("Save the message as a quick command")
        .click();
    wait_for_text(&mut harness, "Quick commands (1)");
    settle(&mut harness);
    assert_eq!(preset_names(&harness), ["ping"]);

    // A quick command sends its own text, not the editor's.
    replace_message(&mut harness, Lang::En, "not this");
    harness.get_by_role_and_label(Role::Button, "ping").click();
    assert_eq!(receive_one(&mut harness, &peer), b"ping");
    assert_eq!(send_with_ctrl(&mut harness, &peer, Key::Num1), b"ping");

    replace_message(&mut harness, Lang::En, "pong");
    harness
        .get_by_label("Save the message as a quick command")
        .click();
    wait_for_text(&mut harness, "Quick commands (2)");
    settle(&mut harness);
    assert_eq!(preset_names(&harness), ["ping", "pong"]);
    assert_eq!(send_with_ctrl(&mut harness, &peer, Key::Num2), b"pong");
    // No third quick command: Ctrl+3 sends nothing.
    harness.key_press_modifiers(CTRL, Key::Num3);
    assert!(collect_for(&mut harness, &peer, GRACE).is_empty());

    harness
        .get_all_by_label("Down")
        .next()
        .expect("a Down button")
        .click();
    wait_until(&mut harness, "pong to move up", |h| {
        preset_names(h) == ["pong", "ping"]
    });
    assert_eq!(send_with_ctrl(&mut harness, &peer, Key::Num1), b"pong");

    harness
        .get_all_by_label("Up")
        .nth(1)
        .expect("a second Up button")
        .click();
    wait_until(&mut harness, "ping to move back up", |h| {
        preset_names(h) == ["ping", "pong"]
    });
    assert_eq!(send_with_ctrl(&mut harness, &peer, Key::Num1), b"ping");

    // Renaming changes the button, not what it sends.
    replace_field_nth(&mut harness, "Name", 0, "hello");
    wait_until(&mut harness, "the renamed button", |h| {
        h.query_by_role_and_label(Role::Button, "hello").is_some()
    });
    harness.get_by_role_and_label(Role::Button, "hello").click();
    assert_eq!(receive_one(&mut harness, &peer), b"ping");

    harness
        .get_all_by_label("Delete")
        .next()
        .expect("a Delete button")
        .click();
    wait_for_text(&mut harness, "Quick commands (1)");
    assert_eq!(preset_names(&harness), ["pong"]);
    assert!(
        harness
            .query_by_role_and_label(Role::Button, "hello")
            .is_none()
    );
    assert_eq!(send_with_ctrl(&mut harness, &peer, Key::Num1), b"pong");

    let presets = harness.state().settings().udp.send.presets;
    assert_eq!(presets.len(), 1);
    assert_eq!(presets[0].text, "pong");
}

/// The `nth` field named `label` (quick command rows repeat their names).
fn nth_field<'h>(harness: &'h App<'_>, label: &'h str, nth: usize) -> egui_kittest::Node<'h> {
    harness
        .get_all_by_label(label)
        .nth(nth)
        .unwrap_or_else(|| panic!("field {nth} named {label:?}"))
}

/// Replaces the content of the `nth` field named `label`.
#[track_caller]
fn replace_field_nth(harness: &mut App<'_>, label: &str, nth: usize, text: &str) {
    nth_field(harness, label, nth).click();
    harness.step();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.step();
    nth_field(harness, label, nth).type_text(text);
    harness.step();
    assert_eq!(
        nth_field(harness, label, nth).value().as_deref(),
        Some(text)
    );
}

#[test]
fn a_quick_command_with_bad_hex_says_why_and_sends_nothing() {
    let (mut harness, peer) = open_with_peer(|mut settings| {
        settings.udp.send.presets = vec![
            Preset {
                name: "broken".to_owned(),
                text: "zz".to_owned(),
                options: SendOptions {
                    mode: PayloadMode::Hex,
                    ..SendOptions::default()
                },
            },
            Preset {
                name: "fine".to_owned(),
                text: "4F 4B".to_owned(),
                options: SendOptions {
                    mode: PayloadMode::Hex,
                    ..SendOptions::default()
                },
            },
        ];
        settings
    });
    harness.get_by_label("Quick commands (2)").click();
    settle(&mut harness);

    harness
        .get_by_role_and_label(Role::Button, "broken")
        .click();
    wait_for_text(&mut harness, "broken: ");
    assert!(
        shows(&harness, "is not a HEX digit"),
        "the reason is given; the screen shows:\n{}",
        screen_dump(&harness)
    );
    assert!(collect_for(&mut harness, &peer, GRACE).is_empty());
    harness.key_press_modifiers(CTRL, Key::Num1);
    assert!(collect_for(&mut harness, &peer, GRACE).is_empty());
    harness.get_by_label_contains("TX 0 pkts");

    // Its neighbour, in HEX as well, goes out: the silence above means something.
    harness.get_by_role_and_label(Role::Button, "fine").click();
    assert_eq!(receive_one(&mut harness, &peer), b"OK");
}

#[test]
fn a_quick_command_does_not_put_the_draft_into_history() {
    let (mut harness, peer) = open_with_peer(|mut settings| {
        settings.udp.send.presets = vec![Preset {
            name: "ping".to_owned(),
            text: "ping".to_owned(),
            options: SendOptions::default(),
        }];
        settings
    });
    replace_message(&mut harness, Lang::En, "draft, never sent");
    harness.key_press_modifiers(CTRL, Key::Num1);
    assert_eq!(receive_one(&mut harness, &peer), b"ping");
    let history = harness.state().settings().udp.send.history;
    assert!(
        !history.iter().any(|line| line == "draft, never sent"),
        "history holds {history:?}"
    );
}

/// Reads from `stream` for `duration` while the UI keeps running.
fn read_for(harness: &mut App<'_>, stream: &mut TcpStream, duration: Duration) -> Vec<u8> {
    let until = Instant::now() + duration;
    let mut got = Vec::new();
    while Instant::now() < until {
        harness.step();
        let mut buf = [0u8; 256];
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(len) => got.extend_from_slice(&buf[..len]),
            Err(err) if is_timeout(&err) => {}
            Err(err) => panic!("the server failed to read: {err}"),
        }
    }
    got
}

#[test]
fn tcp_client_periodic_send() {
    let server = TcpListener::bind("127.0.0.1:0").expect("listen on loopback");
    let port = server.local_addr().expect("addr").port();
    let mut harness = harness(Settings {
        lang: Lang::En,
        tab: Tab::TcpClient,
        tcp_client: TcpClientSettings {
            target: format!("127.0.0.1:{port}"),
            display: DisplaySettings {
                encoding: TextEncoding::Utf8,
                ..DisplaySettings::default()
            },
            ..TcpClientSettings::default()
        },
        ..Settings::default()
    });
    harness.get_by_label("Connect").click();
    server.set_nonblocking(true).expect("nonblocking");
    let deadline = Instant::now() + DEADLINE;
    let (mut conn, _) = loop {
        match server.accept() {
            Ok(accepted) => break accepted,
            Err(err) if is_timeout(&err) && Instant::now() < deadline => {
                harness.step();
                sleep(POLL);
            }
            Err(err) => panic!("the tab did not connect: {err}"),
        }
    };
    conn.set_nonblocking(false).expect("blocking");
    conn.set_read_timeout(Some(POLL)).expect("read timeout");
    wait_for_text(&mut harness, &format!("connected to 127.0.0.1:{port}"));

    replace_message(&mut harness, Lang::En, "tick;");
    replace_field(&mut harness, "Send every", "20");
    replace_field(&mut harness, "times (0 = endless)", "3");
    harness.get_by_label("Start").click();

    let deadline = Instant::now() + DEADLINE;
    let mut got = Vec::new();
    while got.len() < 15 {
        assert!(
            Instant::now() < deadline,
            "the server got {:?}",
            String::from_utf8_lossy(&got)
        );
        got.extend(read_for(&mut harness, &mut conn, POLL));
    }
    got.extend(read_for(&mut harness, &mut conn, GRACE));
    assert_eq!(String::from_utf8_lossy(&got), "tick;tick;tick;");
    wait_for_text(&mut harness, "done: 3 sent");
}

#[test]
fn a_quick_command_always_has_a_name() {
    let (mut harness, _peer) = open_with_peer(|settings| settings);
    message_box(&harness, Lang::En).click();
    harness.step();
    harness.key_press(Key::Enter);
    message_box(&harness, Lang::En).type_text("AT");
    harness.step();
    assert_eq!(message_text(&harness), "\nAT");
    harness.get_by_label("Quick commands (0)").click();
    settle(&mut harness);
    harness
        .get_by_label("Save the message as a quick command")
        .click();
    // Plain frames: the harness's waits would stop at the nameless button first.
    settle(&mut harness);
    let presets = harness.state().settings().udp.send.presets;
    assert_eq!(presets.len(), 1);
    assert!(!presets[0].name.trim().is_empty(), "{presets:?}");
    // Its button can be found by name (screen readers, this harness).
    harness.check_accessibility();
}
