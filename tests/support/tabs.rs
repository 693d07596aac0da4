//! Helpers for the tab tests: settings on loopback, a peer socket, the message box,
//! and the log's rows as the user reads them.

use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::kittest::{NodeT, Queryable};
use netdbg::app::{Settings, Tab};
use netdbg::codec::TextEncoding;
use netdbg::i18n::Lang;
use netdbg::ui::log::panel::DisplaySettings;
use netdbg::ui::log::view::ShowMode;
use netdbg::ui::udp::UdpSettings;

use super::{App, node_text, wait_until};

/// The UDP tab bound to loopback on a port the OS picks, showing UTF-8 text and
/// sending to `target` (the discard port until a test points it at its peer).
pub fn udp_settings(lang: Lang, target: Option<SocketAddr>) -> Settings {
    Settings {
        lang,
        tab: Tab::Udp,
        udp: UdpSettings {
            local_ip: "127.0.0.1".to_owned(),
            local_port: "0".to_owned(),
            target: target.map_or_else(|| "127.0.0.1:9".to_owned(), |to| to.to_string()),
            multicast: Default::default(),
            sequence: Default::default(),
            replay: Default::default(),
            send: Default::default(),
            display: DisplaySettings {
                encoding: TextEncoding::Utf8,
                show: ShowMode::Text,
                ..DisplaySettings::default()
            },
        },
        ..Settings::default()
    }
}

/// A plain UDP socket on loopback playing the other side; reads wait `read_timeout`.
pub fn udp_peer(read_timeout: Duration) -> (UdpSocket, SocketAddr) {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind the peer socket on loopback");
    socket
        .set_read_timeout(Some(read_timeout))
        .expect("peer read timeout");
    let addr = socket.local_addr().expect("peer address");
    (socket, addr)
}

/// Clicks `open_label` on the UDP tab and waits until it reports its bound address.
#[track_caller]
pub fn open_udp(harness: &mut App<'_>, open_label: &str) -> SocketAddr {
    harness.get_by_label(open_label).click();
    wait_until(harness, "the socket to open", |h| {
        h.state().udp().local_addr().is_some()
    });
    harness.state().udp().local_addr().expect("open")
}

/// Clicks `start_label` on the TCP server tab and waits for its listening
/// socket; returns its address.
#[track_caller]
pub fn start_listening(harness: &mut App<'_>, start_label: &str) -> SocketAddr {
    harness.get_by_label(start_label).click();
    wait_until(harness, "the server to listen", |h| {
        h.state().tcp_server().local_addr().is_some()
    });
    harness
        .state()
        .tcp_server()
        .local_addr()
        .expect("listening")
}

/// The send box's editor, found by its hint (its accessible name) in `lang`.
pub fn message_box<'h>(harness: &'h App<'_>, lang: Lang) -> egui_kittest::Node<'h> {
    let hint = lang.texts().send_hint;
    harness.get_by(move |node| {
        node.role() == Role::MultilineTextInput && node.data().placeholder() == Some(hint)
    })
}

/// Replaces the whole message the way a user does: click, select all, type (an
/// empty `text` deletes).
#[track_caller]
pub fn replace_message(harness: &mut App<'_>, lang: Lang, text: &str) {
    message_box(harness, lang).click();
    harness.step();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.step();
    if text.is_empty() {
        harness.key_press(Key::Backspace);
    } else {
        message_box(harness, lang).type_text(text);
    }
    harness.step();
    assert_eq!(
        message_box(harness, lang).value().unwrap_or_default(),
        text,
        "the message box after typing"
    );
}

/// The log's traffic rows (RX and TX, English) as one string each: time,
/// direction, peer, length, payload.
pub fn log_rows(harness: &App<'_>) -> Vec<String> {
    rows_marked(harness, &["RX", "TX"])
}

/// The traffic rows and the event rows ("•", which hold their words instead of
/// peer and length).
pub fn log_rows_and_events(harness: &App<'_>) -> Vec<String> {
    rows_marked(harness, &["RX", "TX", "•"])
}

/// The log rows whose direction mark is one of `marks`, as [`log_rows`] reads them.
pub fn rows_marked(harness: &App<'_>, marks: &[&str]) -> Vec<String> {
    harness
        .root()
        .children_recursive()
        .filter(|node| {
            let node = node.accesskit_node();
            node.role() == Role::Label
                && node
                    .value()
                    .is_some_and(|value| marks.contains(&value.as_str()))
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

/// Waits until a row of `rows` contains every one of `parts`; returns that row.
#[track_caller]
pub fn wait_for_row_in(
    harness: &mut App<'_>,
    rows: fn(&App<'_>) -> Vec<String>,
    parts: &[&str],
) -> String {
    let has_parts = |row: &String| parts.iter().all(|part| row.contains(part));
    wait_until(harness, &format!("a log row containing {parts:?}"), |h| {
        rows(h).iter().any(has_parts)
    });
    rows(harness)
        .into_iter()
        .find(has_parts)
        .expect("the row just seen")
}

/// Waits until a traffic row contains every one of `parts`; returns that row.
#[track_caller]
pub fn wait_for_row(harness: &mut App<'_>, parts: &[&str]) -> String {
    wait_for_row_in(harness, log_rows, parts)
}

/// Waits until a traffic or event row contains every one of `parts`; returns it.
#[track_caller]
pub fn wait_for_row_or_event(harness: &mut App<'_>, parts: &[&str]) -> String {
    wait_for_row_in(harness, log_rows_and_events, parts)
}
