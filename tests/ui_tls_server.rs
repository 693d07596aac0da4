//! TLS in the TCP server tab (egui_kittest): a self-signed certificate made on
//! Start, its fingerprint shown; `openssl s_client` talks to it and the log
//! says so; certificate files that cannot be read are named before listening.

use egui_kittest::kittest::Queryable;
use netdbg::i18n::Lang;
use netdbg::ui::tls::server_options::TlsServerSettings;

mod support;
mod tls_support;
use support::{
    harness, start_listening, tcp_server_settings, wait_for_row_or_event, wait_for_text,
};
use tls_support::{Openssl, has_openssl};

#[test]
fn a_self_signed_server_shows_its_fingerprint_and_openssl_talks_to_it() {
    if !has_openssl() {
        eprintln!("skipped: openssl is not installed");
        return;
    }
    let mut settings = tcp_server_settings(Lang::En);
    settings.tcp_server.tls = TlsServerSettings {
        enabled: true,
        self_signed: true,
        ..TlsServerSettings::default()
    };
    let mut harness = harness(settings);
    let local = start_listening(&mut harness, "Start listening");
    wait_for_text(&mut harness, "This server's certificate, SHA-256:");
    wait_for_text(&mut harness, "self-signed for localhost");
    let mut client = Openssl::spawn(&["s_client", "-connect", &local.to_string(), "-quiet"]);
    client.send(b"over TLS\n");
    wait_for_row_or_event(&mut harness, &["TLS handshake done: TLSv1.3"]);
    wait_for_row_or_event(&mut harness, &["RX", "over TLS"]);
    let _ = client.child.kill();
}

#[test]
fn certificate_files_that_cannot_be_read_are_named() {
    let mut settings = tcp_server_settings(Lang::En);
    settings.tcp_server.tls = TlsServerSettings {
        enabled: true,
        self_signed: false,
        cert_file: "/nonexistent/server.pem".to_owned(),
        key_file: "/nonexistent/server.key".to_owned(),
        request_client_cert: false,
    };
    let mut harness = harness(settings);
    harness.get_by_label("Start listening").click();
    wait_for_text(&mut harness, "/nonexistent/server.pem");
    assert!(
        harness.state().tcp_server().local_addr().is_none(),
        "not listening"
    );
}
