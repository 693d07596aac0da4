//! Headless UI tests of the log's tools on the UDP tab: timestamps, hiding sent
//! lines, search with Next/Previous, the peer filter, and selecting and copying rows.
//!
//! Peers are plain loopback sockets; what the log shows is read from the
//! accessibility tree, and what gets copied from the frame's output commands.

use std::net::{SocketAddr, UdpSocket};
use std::time::Instant;

use egui::accesskit::Role;
use egui::{Event, Key, Modifiers, OutputCommand, PointerButton};
use egui_kittest::kittest::{NodeT, Queryable};
use netdbg::app::Settings;
use netdbg::i18n::Lang;
use netdbg::ui::log::view::TimestampMode;
use regex::Regex;

mod support;
use support::{
    App, DEADLINE, POLL, harness, is_timeout, log_rows, open_udp, pick, replace_field, screen_dump,
    shows, udp_peer, udp_settings, wait_for_row, wait_for_text, wait_until,
};

/// The UDP tab on loopback (port picked by the OS), sending to `target`.
fn settings(target: SocketAddr, timestamps: TimestampMode) -> Settings {
    let mut settings = udp_settings(Lang::En, Some(target));
    settings.udp.display.timestamps = timestamps;
    settings
}

/// A harness with the UDP socket open; returns it and the socket's address.
fn open(settings: Settings) -> (App<'static>, SocketAddr) {
    let mut harness = harness(settings);
    let local = open_udp(&mut harness, "Open");
    (harness, local)
}

/// Waits until the rows are `count` and all satisfy `each`.
#[track_caller]
fn wait_for_rows(harness: &mut App<'_>, what: &str, count: usize, each: impl Fn(&str) -> bool) {
    wait_until(harness, what, |h| {
        let rows = log_rows(h);
        rows.len() == count && rows.iter().all(|row| each(row))
    });
}

/// Waits (drawing frames) for one datagram at `peer`.
#[track_caller]
fn peer_receives(harness: &mut App<'_>, peer: &UdpSocket) -> Vec<u8> {
    peer.set_read_timeout(Some(POLL)).expect("timeout");
    let deadline = Instant::now() + DEADLINE;
    let mut buf = [0u8; 2048];
    loop {
        harness.step();
        match peer.recv_from(&mut buf) {
            Ok((len, _)) => return buf[..len].to_vec(),
            Err(err) if Instant::now() < deadline && is_timeout(&err) => {}
            Err(err) => panic!("the peer received nothing: {err}"),
        }
    }
}

/// A peer's datagrams arrive at the tab and show as RX rows.
#[track_caller]
fn receive_lines(harness: &mut App<'_>, peer: &UdpSocket, local: SocketAddr, lines: &[&str]) {
    for line in lines {
        peer.send_to(line.as_bytes(), local).expect("peer sends");
        wait_for_row(harness, &["RX", line]);
    }
}

#[test]
fn timestamps_off_time_and_milliseconds() {
    let (peer, _) = udp_peer(DEADLINE);
    let (mut harness, local) = open(settings(
        peer.local_addr().expect("addr"),
        Default::default(),
    ));
    receive_lines(&mut harness, &peer, local, &["one"]);
    let with_ms = Regex::new(r"\b\d{2}:\d{2}:\d{2}\.\d{3}\b").expect("regex");
    let time = Regex::new(r"\b\d{2}:\d{2}:\d{2}\b").expect("regex");
    assert!(
        log_rows(&harness).iter().all(|row| with_ms.is_match(row)),
        "time + ms is the default: {:?}",
        log_rows(&harness)
    );

    pick(&mut harness, "Timestamps", "off");
    wait_for_rows(&mut harness, "rows without a time", 1, |row| {
        !time.is_match(row)
    });
    assert_eq!(
        harness.state().settings().udp.display.timestamps,
        TimestampMode::Off
    );
    assert!(
        log_rows(&harness)[0].starts_with("RX"),
        "{:?}",
        log_rows(&harness)
    );

    pick(&mut harness, "Timestamps", "time");
    wait_for_rows(&mut harness, "rows with a time to the second", 1, |row| {
        time.is_match(row) && !with_ms.is_match(row)
    });
    assert_eq!(
        harness.state().settings().udp.display.timestamps,
        TimestampMode::Time
    );

    pick(&mut harness, "Timestamps", "time + ms");
    wait_for_rows(&mut harness, "rows with milliseconds again", 1, |row| {
        with_ms.is_match(row)
    });
}

#[test]
fn show_sent_off_hides_tx_rows() {
    let (peer, peer_addr) = udp_peer(DEADLINE);
    let (mut harness, local) = open(settings(peer_addr, TimestampMode::Off));
    receive_lines(&mut harness, &peer, local, &["incoming"]);

    let hint = Lang::En.texts().send_hint;
    let editor = move |node: &egui_kittest::kittest::AccessKitNode<'_>| {
        node.role() == Role::MultilineTextInput && node.data().placeholder() == Some(hint)
    };
    harness.get_by(editor).click();
    harness.step();
    harness.get_by(editor).type_text("outgoing");
    harness.step();
    harness.get_by_label("Send").click();
    assert_eq!(peer_receives(&mut harness, &peer), b"outgoing");
    wait_for_row(&mut harness, &["TX", "outgoing"]);
    assert_eq!(log_rows(&harness).len(), 2);

    harness
        .get_by_role_and_label(Role::CheckBox, "Show sent")
        .click();
    wait_for_rows(&mut harness, "only the RX row", 1, |row| {
        row.starts_with("RX") && row.contains("incoming")
    });
    assert!(!harness.state().settings().udp.display.show_sent);

    // Only hidden: ticked again, the TX row is back.
    harness
        .get_by_role_and_label(Role::CheckBox, "Show sent")
        .click();
    wait_for_rows(&mut harness, "both rows again", 2, |_| true);
    wait_for_row(&mut harness, &["TX", "outgoing"]);
}

#[test]
fn search_counts_and_steps_through_matches() {
    let (peer, peer_addr) = udp_peer(DEADLINE);
    let (mut harness, local) = open(settings(peer_addr, TimestampMode::Off));
    receive_lines(&mut harness, &peer, local, &["alpha", "beta", "alphabet"]);

    replace_field(&mut harness, "Search", "alpha");
    wait_for_text(&mut harness, "2 found");
    for (button, want) in [
        ("Next", "1 of 2"),
        ("Next", "2 of 2"),
        ("Next", "1 of 2"),
        ("Previous", "2 of 2"),
        ("Previous", "1 of 2"),
        ("Previous", "2 of 2"),
    ] {
        harness.get_by_label(button).click();
        wait_until(&mut harness, &format!("{button} to show {want:?}"), |h| {
            h.query_by_label(want).is_some()
        });
    }

    // The current match is selected: copying takes "alphabet".
    let copied = click_copy(&mut harness);
    assert_eq!(copied, [format!("RX {} 8 bytes | alphabet", peer_addr)]);

    // Case does not matter; no match says so.
    replace_field(&mut harness, "Search", "BETA");
    wait_for_text(&mut harness, "1 found");
    replace_field(&mut harness, "Search", "gamma");
    wait_for_text(&mut harness, "0 found");
}

/// Two peers whose ports do not contain one another, so a port names one peer.
fn two_peers() -> ((UdpSocket, SocketAddr), (UdpSocket, SocketAddr)) {
    let (a, a_addr) = udp_peer(DEADLINE);
    loop {
        let (b, b_addr) = udp_peer(DEADLINE);
        let (pa, pb) = (a_addr.port().to_string(), b_addr.port().to_string());
        if !pa.contains(&pb) && !pb.contains(&pa) {
            return ((a, a_addr), (b, b_addr));
        }
    }
}

#[test]
fn peer_filter_shows_one_peers_rows() {
    let ((a, a_addr), (b, b_addr)) = two_peers();
    let (mut harness, local) = open(settings(a_addr, TimestampMode::Off));
    receive_lines(&mut harness, &a, local, &["from a"]);
    receive_lines(&mut harness, &b, local, &["from b"]);

    replace_field(&mut harness, "Peer", &b_addr.port().to_string());
    wait_for_rows(&mut harness, "only b's row", 1, |row| {
        row.contains("from b") && row.contains(&b_addr.to_string())
    });

    // New lines go through the same filter.
    a.send_to(b"more a", local).expect("a sends");
    b.send_to(b"more b", local).expect("b sends");
    wait_for_row(&mut harness, &["RX", "more b"]);
    wait_for_text(&mut harness, "showing 4 of 4 lines");
    assert!(
        !log_rows(&harness)
            .iter()
            .any(|row| row.contains(&a_addr.to_string())),
        "{:?}",
        log_rows(&harness)
    );

    replace_field(&mut harness, "Peer", &a_addr.port().to_string());
    wait_for_rows(&mut harness, "only a's rows", 2, |row| {
        row.contains(&a_addr.to_string())
    });

    replace_field(&mut harness, "Peer", "");
    wait_for_rows(&mut harness, "all rows again", 4, |_| true);
}

#[test]
fn search_position_follows_the_filter() {
    let ((a, a_addr), (b, _)) = two_peers();
    let (mut harness, local) = open(settings(a_addr, TimestampMode::Off));
    receive_lines(&mut harness, &a, local, &["alpha"]);
    receive_lines(&mut harness, &b, local, &["alphabet"]);
    replace_field(&mut harness, "Search", "alpha");
    wait_for_text(&mut harness, "2 found");
    harness.get_by_label("Next").click();
    wait_for_text(&mut harness, "1 of 2");
    harness.get_by_label("Next").click();
    wait_for_text(&mut harness, "2 of 2");

    // Only a's line is left: the second match is gone.
    replace_field(&mut harness, "Peer", &a_addr.port().to_string());
    wait_for_rows(&mut harness, "only a's row", 1, |row| row.contains("alpha"));
    assert!(
        shows(&harness, "1 found") || shows(&harness, "1 of 1"),
        "the count follows the filter; the screen shows:\n{}",
        screen_dump(&harness)
    );
    harness.get_by_label("Next").click();
    wait_for_text(&mut harness, "1 of 1");
}

/// The pointer events of a click at the centre of `node`, with `modifiers` held.
fn click_at(node: &egui_kittest::Node<'_>, modifiers: Modifiers) -> Vec<Event> {
    let pos = node.rect().center();
    let mut events = vec![Event::PointerMoved(pos), Event::ModifiersChanged(modifiers)];
    for pressed in [true, false] {
        events.push(Event::PointerButton {
            pos,
            button: PointerButton::Primary,
            pressed,
            modifiers,
        });
    }
    events.push(Event::ModifiersChanged(Modifiers::NONE));
    events
}

/// Clicks "Copy selected lines"; returns what went to the clipboard.
fn click_copy(harness: &mut App<'_>) -> Vec<String> {
    let click = click_at(
        &harness.get_by_label("Copy selected lines"),
        Modifiers::NONE,
    );
    copied_by(harness, &click)
}

/// Feeds `events` one frame each; returns every text put on the clipboard meanwhile
/// (the harness keeps only the last frame's output).
fn copied_by(harness: &mut App<'_>, events: &[Event]) -> Vec<String> {
    let mut copied = Vec::new();
    for event in events {
        harness.event(event.clone());
        harness.step();
        copied.extend(
            harness
                .output()
                .platform_output
                .commands
                .iter()
                .filter_map(|command| match command {
                    OutputCommand::CopyText(text) => Some(text.clone()),
                    _ => None,
                }),
        );
    }
    copied
}

/// Clicks the row showing `payload` (on its payload cell); nothing is copied by that.
#[track_caller]
fn click_row(harness: &mut App<'_>, payload: &str) {
    let click = click_at(&row_cell(harness, payload), Modifiers::NONE);
    assert!(copied_by(harness, &click).is_empty());
    harness.step();
}

/// Shift+clicks the row showing `payload`.
#[track_caller]
fn shift_click_row(harness: &mut App<'_>, payload: &str) {
    let click = click_at(&row_cell(harness, payload), Modifiers::SHIFT);
    assert!(copied_by(harness, &click).is_empty());
    harness.step();
}

/// The payload cell of the row showing `payload`.
fn row_cell<'h>(harness: &'h App<'_>, payload: &'h str) -> egui_kittest::Node<'h> {
    harness
        .get_by(move |node| node.role() == Role::Label && node.value().as_deref() == Some(payload))
}

#[test]
fn clicked_rows_are_selected_and_copied() {
    let (peer, peer_addr) = udp_peer(DEADLINE);
    let (mut harness, local) = open(settings(peer_addr, TimestampMode::Off));
    receive_lines(&mut harness, &peer, local, &["one", "two", "three"]);
    let line = |len: usize, text: &str| format!("RX {peer_addr} {len} bytes | {text}");

    let copy = harness.get_by_label("Copy selected lines");
    assert!(copy.accesskit_node().is_disabled(), "nothing selected yet");

    click_row(&mut harness, "two");
    wait_until(&mut harness, "Copy to be enabled", |h| {
        !h.get_by_label("Copy selected lines")
            .accesskit_node()
            .is_disabled()
    });
    let copied = click_copy(&mut harness);
    assert_eq!(copied, [line(3, "two")]);

    // Shift+click extends the selection to the row clicked.
    shift_click_row(&mut harness, "three");
    let copied = click_copy(&mut harness);
    assert_eq!(copied, [[line(3, "two"), line(5, "three")].join("\n")]);

    // A plain click starts over; Shift+click then spans the whole log.
    click_row(&mut harness, "one");
    let copied = click_copy(&mut harness);
    assert_eq!(copied, [line(3, "one")]);
    shift_click_row(&mut harness, "three");
    let copied = click_copy(&mut harness);
    assert_eq!(
        copied,
        [[line(3, "one"), line(3, "two"), line(5, "three")].join("\n")]
    );

    // Clear drops the selection with the lines.
    harness.get_by_label("Clear").click();
    wait_until(&mut harness, "an empty log", |h| log_rows(h).is_empty());
    assert!(
        harness
            .get_by_label("Copy selected lines")
            .accesskit_node()
            .is_disabled()
    );
}

/// What a real window (egui-winit) delivers for Ctrl+C: the modifiers, then
/// `Event::Copy` — and no `Key::C` event.
fn ctrl_c_events() -> Vec<Event> {
    let ctrl = Modifiers::CTRL.plus(Modifiers::COMMAND);
    vec![
        Event::ModifiersChanged(ctrl),
        Event::Copy,
        Event::ModifiersChanged(Modifiers::NONE),
    ]
}

#[test]
fn shift_click_extends_from_the_first_click() {
    let (peer, peer_addr) = udp_peer(DEADLINE);
    let (mut harness, local) = open(settings(peer_addr, TimestampMode::Off));
    receive_lines(&mut harness, &peer, local, &["one", "two", "three"]);
    let line = |len: usize, text: &str| format!("RX {peer_addr} {len} bytes | {text}");

    click_row(&mut harness, "two");
    shift_click_row(&mut harness, "one");
    assert_eq!(
        click_copy(&mut harness),
        [[line(3, "one"), line(3, "two")].join("\n")]
    );
    // As in a file list or a text editor, the anchor stays where the plain click was.
    shift_click_row(&mut harness, "three");
    assert_eq!(
        click_copy(&mut harness),
        [[line(3, "two"), line(5, "three")].join("\n")]
    );
}

#[test]
fn ctrl_c_copies_the_selected_rows() {
    let (peer, peer_addr) = udp_peer(DEADLINE);
    let (mut harness, local) = open(settings(peer_addr, TimestampMode::Off));
    receive_lines(&mut harness, &peer, local, &["one"]);
    click_row(&mut harness, "one");
    let copied = copied_by(&mut harness, &ctrl_c_events());
    assert_eq!(
        copied,
        [format!("RX {peer_addr} 3 bytes | one")],
        "the screen shows:\n{}",
        screen_dump(&harness)
    );
}

#[test]
fn ctrl_c_in_the_message_editor_copies_the_editor_text() {
    let (peer, peer_addr) = udp_peer(DEADLINE);
    let (mut harness, local) = open(settings(peer_addr, TimestampMode::Off));
    receive_lines(&mut harness, &peer, local, &["one"]);
    click_row(&mut harness, "one");

    // A log row is selected, and the user copies from the message editor.
    let hint = Lang::En.texts().send_hint;
    let editor = move |node: &egui_kittest::kittest::AccessKitNode<'_>| {
        node.role() == Role::MultilineTextInput && node.data().placeholder() == Some(hint)
    };
    harness.get_by(editor).click();
    harness.step();
    harness.get_by(editor).type_text("draft");
    harness.step();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.step();
    let copied = copied_by(&mut harness, &ctrl_c_events());
    assert_eq!(copied, ["draft"], "only the editor's selection is copied");
}
