//! The network tab in a headless window: the local network card lists loopback,
//! and the reachability check explains a listening and a closed port on 127.0.0.1.

mod support;

use std::net::TcpListener;

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use netdbg::app::{Settings, Tab};
use netdbg::i18n::Lang;
use netdbg::ui::network::NetworkSettings;
use support::{harness, shows, wait_for_text, wait_until};

fn settings(lang: Lang, port: &str) -> Settings {
    Settings {
        lang,
        tab: Tab::Network,
        network: NetworkSettings {
            host: "127.0.0.1".to_owned(),
            port: port.to_owned(),
        },
        ..Settings::default()
    }
}

fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("local addr").port()
}

#[test]
fn the_card_lists_loopback_and_the_port_ranges() {
    let mut harness = harness(settings(Lang::En, ""));
    assert!(shows(&harness, "127.0.0.1"), "loopback is listed");
    // The kind column and its explanation for 127.0.0.1.
    assert!(harness.query_all_by_label("loopback").next().is_some());
    assert!(shows(&harness, "this machine only"));
    assert!(shows(&harness, "49152–65535 dynamic"));
    assert!(shows(&harness, "below 1024") || shows(&harness, "0–1023"));
    harness.run();

    let mut zh = support::harness(settings(Lang::Zh, ""));
    assert!(zh.query_by_label("网络").is_some(), "the tab button");
    assert!(zh.query_all_by_label("本机回环").next().is_some());
    zh.run();
}

#[test]
fn checking_a_listening_port_says_reachable() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("local addr").port();
    let mut harness = harness(settings(Lang::En, &port.to_string()));
    harness.get_by_label("Check").click();
    wait_for_text(
        &mut harness,
        "reachable — the host is up and something listens on that port",
    );
    // The ping line follows, whether or not ping exists here.
    wait_until(&mut harness, "the check to finish", |h| {
        !h.state().network().is_checking()
    });
    assert!(shows(&harness, "ping"), "a ping line is shown");
}

#[test]
fn checking_a_closed_port_says_refused() {
    let port = closed_port();
    let mut harness = harness(settings(Lang::En, ""));
    harness
        .get_by_role_and_label(Role::TextInput, "Port (optional)")
        .click();
    harness.step();
    harness
        .get_by_role_and_label(Role::TextInput, "Port (optional)")
        .type_text(&port.to_string());
    harness.step();
    harness.get_by_label("Check").click();
    wait_for_text(
        &mut harness,
        &format!("TCP 127.0.0.1:{port}: refused — the host is up, but nothing listens"),
    );
}

#[test]
fn a_bad_port_is_explained_not_checked() {
    let mut harness = harness(settings(Lang::En, "70000"));
    harness.get_by_label("Check").click();
    harness.run();
    assert!(!harness.state().network().is_checking());
    assert!(harness.state().network().results().is_empty());
    assert!(shows(&harness, "70000"), "the port error names the port");
}
