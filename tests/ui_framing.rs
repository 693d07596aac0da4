//! The framing choice (分帧) in the TCP client and TCP server tabs, in the real
//! window (`egui_kittest`) against plain loopback sockets: picked from the list,
//! its fields shown and named, one log row per message whatever TCP did to the
//! stream, a mark on a frame the close cut short, the presenter's 粘包 / 拆包
//! captions, and a framing that cannot be used explained before anything starts.

use std::io::Write;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::thread::sleep;
use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};
use netdbg::app::{Settings, Tab};
use netdbg::codec::TextEncoding;
use netdbg::codec::framing::FramingKind;
use netdbg::i18n::Lang;
use netdbg::ui::log::panel::DisplaySettings;
use netdbg::ui::log::view::ShowMode;
use netdbg::ui::tcp_client::TcpClientSettings;
use netdbg::ui::teaching::ViewSettings;

mod support;
use support::{
    App, DEADLINE, POLL, harness, log_rows, pick, replace_field, shows, start_listening,
    tcp_server_settings, wait_for_row, wait_for_row_or_event, wait_for_text, wait_until,
};

fn client_settings(port: u16, lang: Lang) -> Settings {
    Settings {
        lang,
        tab: Tab::TcpClient,
        tcp_client: TcpClientSettings {
            target: format!("127.0.0.1:{port}"),
            display: DisplaySettings {
                encoding: TextEncoding::Utf8,
                show: ShowMode::Text,
                ..DisplaySettings::default()
            },
            ..TcpClientSettings::default()
        },
        ..Settings::default()
    }
}

fn presenter(mut settings: Settings) -> Settings {
    settings.view = ViewSettings {
        presenter: true,
        ..ViewSettings::default()
    };
    settings
}

/// Writes `bytes` in pieces of 1, 2, 3, 5, 8 and 13 bytes (no Nagle).
fn write_in_odd_pieces(stream: &mut TcpStream, bytes: &[u8]) {
    let mut sizes = [1, 2, 3, 5, 8, 13].into_iter().cycle();
    let mut rest = bytes;
    while !rest.is_empty() {
        let size = sizes.next().unwrap_or(1).min(rest.len());
        stream.write_all(&rest[..size]).expect("write a piece");
        rest = &rest[size..];
    }
}

/// Clicks Connect and accepts the tab's connection, drawing frames meanwhile.
#[track_caller]
fn connect_client(harness: &mut App<'_>, server: &TcpListener) -> TcpStream {
    harness.get_by_label("Connect").click();
    server.set_nonblocking(true).expect("nonblocking");
    let deadline = Instant::now() + DEADLINE;
    let conn = loop {
        harness.step();
        match server.accept() {
            Ok((conn, _)) => break conn,
            Err(_) if Instant::now() < deadline => sleep(POLL),
            Err(error) => panic!("the tab did not connect: {error}"),
        }
    };
    conn.set_nonblocking(false).expect("blocking");
    conn.set_nodelay(true).expect("nodelay");
    wait_until(harness, "connected", |h| {
        h.query_by_label("Disconnect").is_some()
    });
    conn
}

fn rx_rows(harness: &App<'_>) -> Vec<String> {
    log_rows(harness)
        .into_iter()
        .filter(|row| row.contains("RX"))
        .collect()
}

#[test]
fn client_tab_shows_one_row_per_length_prefixed_message_split_at_random() {
    let server = TcpListener::bind("127.0.0.1:0").expect("listen");
    let port = server.local_addr().expect("addr").port();
    let mut harness = harness(client_settings(port, Lang::En));
    pick(&mut harness, "Framing", "Length prefix");
    wait_for_text(&mut harness, "Length field width");
    let width = harness.get_by_role_and_label(Role::ComboBox, "Length field width");
    assert_eq!(
        width.value().as_deref(),
        Some("2 bytes"),
        "2 bytes by default"
    );
    assert!(shows(&harness, "Big endian"));
    assert!(shows(&harness, "Length field offset (bytes)"));
    assert!(shows(&harness, "Length counts the whole frame"));
    assert!(shows(&harness, "Length adjustment"));
    assert_eq!(
        harness.state().settings().tcp_client.framing.kind,
        FramingKind::LengthPrefix,
        "remembered in the settings"
    );

    let mut conn = connect_client(&mut harness, &server);
    let combo = harness.get_by_role_and_label(Role::ComboBox, "Framing");
    assert!(
        combo.accesskit_node().is_disabled(),
        "fixed while connected"
    );
    write_in_odd_pieces(
        &mut conn,
        b"\x00\x05alpha\x00\x04beta\x00\x05gamma\x00\x00\x00\x05delta",
    );
    wait_for_row(&mut harness, &["RX", "delta"]);
    let rows = rx_rows(&harness);
    assert_eq!(rows.len(), 5, "one row per message: {rows:#?}");
    for (row, text) in rows.iter().zip(["alpha", "beta", "gamma", "", "delta"]) {
        assert!(row.ends_with(text), "{row} ends with {text:?}");
    }

    // Half a message, then the server hangs up: shown, and marked.
    conn.write_all(b"\x00\x09half").expect("write");
    conn.shutdown(Shutdown::Both).expect("hang up");
    wait_for_row_or_event(&mut harness, &["incomplete frame at close (6 bytes held)"]);
    wait_for_row(&mut harness, &["RX", "half"]);
}

#[test]
fn server_tab_frames_lines_and_the_presenter_says_sticky_and_split() {
    // Presenter mode keeps the settings column folded: the framing comes from
    // the saved settings, as after a restart.
    let mut settings = presenter(tcp_server_settings(Lang::En));
    settings.tcp_server.framing.kind = FramingKind::Line;
    let mut harness = harness(settings);
    let local = start_listening(&mut harness, "Start listening");
    let mut client = TcpStream::connect_timeout(&local, DEADLINE).expect("connect");
    client.set_nodelay(true).expect("nodelay");
    // Three lines in one write: one read, three messages.
    client.write_all(b"one\r\ntwo\nthree\n").expect("write");
    wait_for_row(&mut harness, &["RX", "three"]);
    wait_for_text(&mut harness, "粘包: 1 read, 3 messages");
    let rows = rx_rows(&harness);
    assert_eq!(rows.len(), 3, "{rows:#?}");
    assert!(rows[0].ends_with("one"), "CR LF not shown: {}", rows[0]);

    // One line in two writes, well apart: one message, two reads.
    client.write_all(b"spl").expect("write");
    let until = Instant::now() + Duration::from_millis(300);
    while Instant::now() < until {
        harness.step();
        sleep(POLL);
    }
    client.write_all(b"it\n").expect("write");
    wait_for_row(&mut harness, &["RX", "split"]);
    wait_for_text(&mut harness, "拆包: 1 message, 2 reads");
    assert_eq!(rx_rows(&harness).len(), 4);
}

#[test]
fn each_framing_shows_the_fields_it_needs() {
    let mut harness = harness(tcp_server_settings(Lang::En));
    pick(&mut harness, "Framing", "Fixed length");
    wait_for_text(&mut harness, "Frame size (bytes)");
    pick(&mut harness, "Framing", "Idle gap");
    wait_for_text(&mut harness, "Idle gap (ms)");
    assert!(!shows(&harness, "Frame size (bytes)"));
    pick(&mut harness, "Framing", "Delimiter");
    wait_for_text(&mut harness, "Delimiter (HEX)");
    assert_eq!(
        harness.state().settings().tcp_server.framing.kind,
        FramingKind::Delimiter
    );
}

#[test]
fn a_bad_delimiter_is_explained_and_the_server_does_not_start() {
    let mut harness = harness(tcp_server_settings(Lang::En));
    pick(&mut harness, "Framing", "Delimiter");
    wait_for_text(&mut harness, "Delimiter (HEX)");
    replace_field(&mut harness, "Delimiter (HEX)", "zz");
    wait_for_text(&mut harness, "Delimiter \"zz\" is not HEX");
    harness.get_by_label("Start listening").click();
    for _ in 0..20 {
        harness.step();
    }
    assert!(harness.state().tcp_server().local_addr().is_none());
    replace_field(&mut harness, "Delimiter (HEX)", "");
    wait_for_text(&mut harness, "The delimiter is empty");
    replace_field(&mut harness, "Delimiter (HEX)", "7E");
    wait_until(&mut harness, "the error to go", |h| {
        !shows(h, "The delimiter is empty")
    });
    start_listening(&mut harness, "Start listening");
}

#[test]
fn the_framing_choice_speaks_chinese() {
    let server = TcpListener::bind("127.0.0.1:0").expect("listen");
    let port = server.local_addr().expect("addr").port();
    let mut harness = harness(client_settings(port, Lang::Zh));
    pick(&mut harness, "分帧", "分隔符");
    wait_for_text(&mut harness, "分隔符（HEX）");
    replace_field(&mut harness, "分隔符（HEX）", "zz");
    wait_for_text(&mut harness, "分隔符“zz”不是 HEX");
    pick(&mut harness, "分帧", "长度前缀");
    wait_for_text(&mut harness, "长度字段宽度");
    assert!(shows(&harness, "高字节在前（大端）"));
}
