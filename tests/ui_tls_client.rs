//! TLS in the TCP client tab (egui_kittest) against Debian's `openssl s_server`:
//! a certificate signed by a CA the user points at, the chain shown with its
//! fingerprint; the same server refused with beginner words when the CA is not
//! trusted; "don't verify" connects and warns. Skips (saying so) without openssl.

use std::time::Duration;

use egui_kittest::kittest::Queryable;
use netdbg::app::{Settings, Tab};
use netdbg::i18n::Lang;
use netdbg::ui::tcp_client::TcpClientSettings;
use netdbg::ui::tls::client_options::{TlsClientSettings, VerifyChoice};

mod support;
mod tls_support;
use support::{harness, replace_message, shows, wait_for_text, wait_until};
use tls_support::{CURRENT, Openssl, Pki, has_openssl, path};

fn settings(port: u16, tls: TlsClientSettings) -> Settings {
    Settings {
        lang: Lang::En,
        tab: Tab::TcpClient,
        tcp_client: TcpClientSettings {
            target: format!("127.0.0.1:{port}"),
            tls,
            ..TcpClientSettings::default()
        },
        ..Settings::default()
    }
}

#[test]
fn a_ca_file_makes_the_server_trusted_and_its_chain_is_shown() {
    if !has_openssl() {
        eprintln!("skipped: openssl is not installed");
        return;
    }
    let pki = Pki::new("ui-tls-ca");
    let leaf = pki.leaf("server", &["localhost"], CURRENT);
    let (mut server, port) = Openssl::server(&leaf);
    let tls = TlsClientSettings {
        enabled: true,
        verify: VerifyChoice::CaFile,
        ca_file: path(&pki.ca),
        sni: "localhost".to_owned(),
        alpn: String::new(),
    };
    let mut harness = harness(settings(port, tls));
    assert!(shows(&harness, "Also trust a CA file"));
    harness.get_by_label("Connect").click();
    wait_for_text(&mut harness, "TLS handshake done: TLSv1.3");
    wait_for_text(&mut harness, "The peer's certificate");
    let fingerprint = harness
        .state()
        .tcp_client()
        .tls_session()
        .and_then(|info| info.peer_chain.first().map(|cert| cert.sha256.clone()))
        .expect("a chain");
    assert_eq!(fingerprint.len(), 64);
    wait_for_text(&mut harness, &fingerprint[..32]);
    wait_for_text(&mut harness, &fingerprint[32..]);
    assert!(shows(&harness, "CN=localhost"), "the subject");
    replace_message(&mut harness, Lang::En, "over TLS");
    harness.get_by_label("Send").click();
    for _ in 0..20 {
        harness.step();
    }
    server.wait_for(b"over TLS", Duration::from_secs(8));
}

#[test]
fn an_untrusted_server_is_explained_and_dont_verify_connects_with_a_warning() {
    if !has_openssl() {
        eprintln!("skipped: openssl is not installed");
        return;
    }
    let pki = Pki::new("ui-tls-unknown");
    let leaf = pki.leaf("server", &["localhost"], CURRENT);
    let (_server, port) = Openssl::server(&leaf);
    let tls = TlsClientSettings {
        enabled: true,
        sni: "localhost".to_owned(),
        ..TlsClientSettings::default()
    };
    let mut harness = harness(settings(port, tls));
    harness.get_by_label("Connect").click();
    wait_for_text(&mut harness, "signed by an unknown issuer");
    assert!(harness.state().tcp_client().tls_session().is_none());

    let (_server, port) = Openssl::server(&leaf);
    let tls = TlsClientSettings {
        enabled: true,
        verify: VerifyChoice::Insecure,
        ..TlsClientSettings::default()
    };
    let mut insecure = support::harness(settings(port, tls));
    wait_for_text(&mut insecure, "not verifying the certificate");
    insecure.get_by_label("Connect").click();
    wait_until(&mut insecure, "the session", |h| {
        h.state().tcp_client().tls_session().is_some()
    });
    wait_for_text(&mut insecure, "TLS handshake done");
}
