//! Headless UI test of the TCP client tab against a plain loopback server.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener};

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use netdbg::app::{Settings, Tab};
use netdbg::codec::TextEncoding;
use netdbg::i18n::Lang;
use netdbg::ui::log::panel::DisplaySettings;
use netdbg::ui::tcp_client::TcpClientSettings;

mod support;
use support::{DEADLINE, harness, wait_for_text};

fn settings(port: u16) -> Settings {
    Settings {
        lang: Lang::En,
        tab: Tab::TcpClient,
        udp: Default::default(),
        tcp_server: Default::default(),
        files: Default::default(),
        network: Default::default(),
        tcp_client: TcpClientSettings {
            target: format!("127.0.0.1:{port}"),
            display: DisplaySettings {
                encoding: TextEncoding::Gbk,
                ..DisplaySettings::default()
            },
            ..TcpClientSettings::default()
        },
        ..Settings::default()
    }
}

#[test]
fn connect_talk_and_see_the_server_hang_up() {
    let server = TcpListener::bind("127.0.0.1:0").expect("listen on loopback");
    let port = server.local_addr().expect("addr").port();
    let mut harness = harness(settings(port));

    harness.get_by_label("Connect").click();
    harness.step();
    // Never block the test forever if the click went nowhere.
    server.set_nonblocking(true).expect("nonblocking");
    let deadline = std::time::Instant::now() + DEADLINE;
    let (mut conn, client_addr) = loop {
        match server.accept() {
            Ok(accepted) => break accepted,
            Err(_) if std::time::Instant::now() < deadline => {
                harness.step();
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            Err(error) => panic!("the tab did not connect: {error}"),
        }
    };
    conn.set_nonblocking(false).expect("blocking");
    wait_for_text(
        &mut harness,
        &format!("connected to 127.0.0.1:{port} from {client_addr}"),
    );
    assert!(harness.query_by_label("Disconnect").is_some());

    let editor = harness.get_by(|node| node.role() == Role::MultilineTextInput);
    editor.click();
    harness.step();
    harness
        .get_by(|node| node.role() == Role::MultilineTextInput)
        .type_text("hello");
    harness.step();
    harness.get_by_label("Send").click();
    // Keep drawing frames while the server waits, so the click is processed.
    conn.set_read_timeout(Some(std::time::Duration::from_millis(5)))
        .expect("timeout");
    let deadline = std::time::Instant::now() + DEADLINE;
    let mut got = Vec::new();
    while got.len() < 5 && std::time::Instant::now() < deadline {
        harness.step();
        let mut buf = [0u8; 16];
        if let Ok(len) = conn.read(&mut buf) {
            got.extend_from_slice(&buf[..len]);
        }
    }
    assert_eq!(got, b"hello");

    // GBK 你好 in two writes split inside the first character: shown whole.
    conn.write_all(&[0xc4]).expect("write");
    conn.flush().expect("flush");
    std::thread::sleep(std::time::Duration::from_millis(50));
    conn.write_all(&[0xe3, 0xba, 0xc3]).expect("write");
    wait_for_text(&mut harness, "你好");

    conn.shutdown(Shutdown::Both).expect("server hangs up");
    wait_for_text(
        &mut harness,
        &format!("127.0.0.1:{port} closed the connection (recv returned 0)"),
    );
    assert!(
        harness.query_by_label("Connect").is_some(),
        "ready to reconnect"
    );
}

#[test]
fn refused_is_explained() {
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let mut harness = harness(settings(port));
    harness.get_by_label("Connect").click();
    wait_for_text(
        &mut harness,
        "refused the connection — the host is up, but nothing listens on that port",
    );
}

#[test]
fn a_bad_server_address_is_explained_next_to_the_field() {
    let mut settings = settings(9);
    settings.tcp_client.target = "127.0.0.1".into();
    let mut harness = harness(settings);
    harness.get_by_label("Connect").click();
    wait_for_text(&mut harness, "has no port");
}

#[test]
fn disconnect_sends_fin_first_so_the_farewell_still_arrives() {
    let server = TcpListener::bind("127.0.0.1:0").expect("listen on loopback");
    let port = server.local_addr().expect("addr").port();
    // The tutorial's server: on recv → 0 it says 再见! (GBK) and closes.
    let farewell = std::thread::spawn(move || {
        let (mut conn, _) = server.accept().expect("accept");
        let mut buf = [0u8; 64];
        while conn.read(&mut buf).is_ok_and(|len| len > 0) {}
        let _ = conn.write_all(&[0xd4, 0xd9, 0xbc, 0xfb, b'!']);
    });
    let mut harness = harness(settings(port));
    harness.get_by_label("Connect").click();
    wait_for_text(&mut harness, &format!("connected to 127.0.0.1:{port}"));
    harness.get_by_label("Disconnect").click();
    wait_for_text(&mut harness, "再见!");
    wait_for_text(
        &mut harness,
        &format!("closed the connection to 127.0.0.1:{port}"),
    );
    assert!(harness.query_by_label("Connect").is_some());
    farewell.join().expect("server thread");
}

/// Auto on a stream: a UTF-8 character split across two reads shows whole and
/// tagged UTF-8; a GBK read after it shows in the system's legacy code page.
#[test]
fn auto_decides_per_read_and_joins_split_characters() {
    use netdbg::codec::auto_fallback;
    let server = TcpListener::bind("127.0.0.1:0").expect("listen on loopback");
    let port = server.local_addr().expect("addr").port();
    let mut settings = settings(port);
    settings.tcp_client.display.encoding = TextEncoding::Auto;
    let mut harness = harness(settings);
    harness.get_by_label("Connect").click();
    harness.step();
    server.set_nonblocking(true).expect("nonblocking");
    let deadline = std::time::Instant::now() + DEADLINE;
    let mut conn = loop {
        match server.accept() {
            Ok((conn, _)) => break conn,
            Err(_) if std::time::Instant::now() < deadline => {
                harness.step();
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            Err(error) => panic!("the tab did not connect: {error}"),
        }
    };
    conn.set_nonblocking(false).expect("blocking");
    wait_for_text(&mut harness, &format!("connected to 127.0.0.1:{port}"));
    conn.write_all(b"a\xe4\xbd").expect("write");
    conn.flush().expect("flush");
    std::thread::sleep(std::time::Duration::from_millis(50));
    conn.write_all(b"\xa0\xe5\xa5\xbd").expect("write");
    support::wait_for_row(&mut harness, &["RX", "[UTF-8]", "你好"]);
    std::thread::sleep(std::time::Duration::from_millis(50));
    let gbk = [0xc4, 0xe3, 0xba, 0xc3];
    conn.write_all(&gbk).expect("write");
    let fallback = auto_fallback();
    let legacy = fallback.decode(&gbk).replace('\u{fffd}', "□");
    support::wait_for_row(&mut harness, &["RX", &format!("[{fallback}]"), &legacy]);
}
