//! The relay tab terminating TLS on both sides (egui_kittest): `openssl
//! s_client` in front, `openssl s_server` behind, the plaintext of both
//! directions in the log with each side's handshake.

use std::time::Duration;

use netdbg::app::{Settings, Tab};
use netdbg::i18n::Lang;
use netdbg::ui::relay::RelaySettings;
use netdbg::ui::tls::client_options::{TlsClientSettings, VerifyChoice};
use netdbg::ui::tls::server_options::TlsServerSettings;

mod support;
mod tls_support;
use egui_kittest::kittest::Queryable;
use support::{harness, rows_marked, wait_for_row_in, wait_until};
use tls_support::{CURRENT, Openssl, Pki, has_openssl, path};

#[test]
fn both_sides_terminated_and_read_in_clear() {
    if !has_openssl() {
        eprintln!("skipped: openssl is not installed");
        return;
    }
    let pki = Pki::new("ui-relay-tls");
    let leaf = pki.leaf("server", &["localhost"], CURRENT);
    let (mut server, server_port) = Openssl::server(&leaf);
    let settings = Settings {
        lang: Lang::En,
        tab: Tab::Relay,
        relay: RelaySettings {
            local_ip: "127.0.0.1".to_owned(),
            local_port: "0".to_owned(),
            target: format!("127.0.0.1:{server_port}"),
            tls_listen: TlsServerSettings {
                enabled: true,
                self_signed: true,
                ..TlsServerSettings::default()
            },
            tls_upstream: TlsClientSettings {
                enabled: true,
                verify: VerifyChoice::CaFile,
                ca_file: path(&pki.ca),
                sni: "localhost".to_owned(),
                alpn: String::new(),
            },
            ..RelaySettings::default()
        },
        ..Settings::default()
    };
    let mut harness = harness(settings);
    harness.get_by_label("Start relay").click();
    wait_until(&mut harness, "the relay to listen", |h| {
        h.state().relay().local_addr().is_some()
    });
    let relay = harness.state().relay().local_addr().expect("listening");
    let mut client = Openssl::spawn(&["s_client", "-connect", &relay.to_string(), "-quiet"]);
    client.send(b"from the device\n");
    let rows = |h: &support::App<'_>| rows_marked(h, &["C→S", "S→C", "•"]);
    wait_for_row_in(
        &mut harness,
        rows,
        &["•", "client side: TLS handshake done"],
    );
    wait_for_row_in(
        &mut harness,
        rows,
        &["•", "server side: TLS handshake done", "CN=localhost"],
    );
    wait_for_row_in(&mut harness, rows, &["C→S", "from the device"]);
    server.wait_for(b"from the device\n", Duration::from_secs(8));
    server.send(b"from the cloud\n");
    wait_for_row_in(&mut harness, rows, &["S→C", "from the cloud"]);
    for _ in 0..10 {
        harness.step();
    }
    client.wait_for(b"from the cloud\n", Duration::from_secs(8));
}
