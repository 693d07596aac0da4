//! A worker thread that panics, as the window shows it: the error in words, and
//! the socket or client it served shown closed. The panics come from the engine's
//! test-only hooks; everything else is the real window on loopback.

use std::io::Write;
use std::net::{TcpStream, UdpSocket};

use egui_kittest::kittest::Queryable;
use netdbg::app::{Settings, Tab};
use netdbg::i18n::Lang;
use netdbg::ui::traffic::TrafficTab;
use netdbg::ui::udp::UdpSettings;

mod support;
use support::{
    App, DEADLINE, harness, shows, start_listening, tcp_server_settings, wait_for_text, wait_until,
};

const INTERNAL_ERROR: &str = "Internal error in the receive thread: test-only panic";

/// Waits until the text shows at least `times` times (status line, log, table).
#[track_caller]
fn wait_for_text_times(harness: &mut App<'_>, needle: &str, times: usize) {
    wait_until(harness, &format!("{needle:?} shown {times} times"), |h| {
        h.query_all_by_label_contains(needle).count() >= times
    });
}

#[test]
fn a_server_client_whose_thread_panics_is_shown_broken_and_leaves() {
    let mut harness = harness(tcp_server_settings(Lang::En));
    let local = start_listening(&mut harness, "Start listening");
    let mut client = TcpStream::connect_timeout(&local, DEADLINE).expect("connect");
    wait_for_text(
        &mut harness,
        &format!("listening on {local} — 1 clients connected"),
    );

    let server = harness.state().tcp_server().traffic().endpoint();
    // The first client the server accepted.
    server.expect("a running server").panic_next_read(1);
    client.write_all(b"boom").expect("write");

    // In the client's row and in the log.
    wait_for_text_times(&mut harness, INTERNAL_ERROR, 2);
    wait_for_text(
        &mut harness,
        &format!("listening on {local} — 0 clients connected"),
    );
    // The server keeps serving.
    let _next = TcpStream::connect_timeout(&local, DEADLINE).expect("connect again");
    wait_for_text(
        &mut harness,
        &format!("listening on {local} — 1 clients connected"),
    );
}

#[test]
fn a_udp_socket_whose_thread_panics_says_so_and_is_closed() {
    let settings = Settings {
        lang: Lang::En,
        tab: Tab::Udp,
        udp: UdpSettings {
            local_ip: "127.0.0.1".to_owned(),
            local_port: "0".to_owned(),
            ..UdpSettings::default()
        },
        ..Settings::default()
    };
    let mut harness = harness(settings);
    harness.get_by_label("Open").click();
    wait_until(&mut harness, "the socket to open", |h| {
        h.state().udp().local_addr().is_some()
    });
    let local = harness.state().udp().local_addr().expect("open");
    wait_for_text(&mut harness, &format!("UDP open on {local}"));

    harness
        .state()
        .udp()
        .traffic()
        .endpoint()
        .expect("an open socket")
        .panic_next_read();
    let peer = UdpSocket::bind("127.0.0.1:0").expect("peer");
    peer.send_to(b"boom", local).expect("send");

    // In the status line and in the log.
    wait_for_text_times(&mut harness, INTERNAL_ERROR, 2);
    wait_until(&mut harness, "the socket to close", |h| {
        h.state().udp().local_addr().is_none()
    });
    harness.run();
    assert!(
        !shows(&harness, "UDP open on"),
        "no longer claims to be open"
    );
    harness.get_by_label("Open");
}

#[test]
fn the_error_in_chinese() {
    let mut harness = harness(tcp_server_settings(Lang::Zh));
    let local = start_listening(&mut harness, "开始监听");
    let mut client = TcpStream::connect_timeout(&local, DEADLINE).expect("connect");
    wait_until(&mut harness, "the client in the list", |h| {
        h.state()
            .tcp_server()
            .traffic()
            .endpoint()
            .is_some_and(|s| s.client_count() == 1)
    });
    harness
        .state()
        .tcp_server()
        .traffic()
        .endpoint()
        .expect("a running server")
        .panic_next_read(1);
    client.write_all(b"boom").expect("write");
    wait_for_text(&mut harness, "接收线程内部错误：test-only panic");
}
