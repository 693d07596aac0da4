//! The TLS flags of `tcp connect`, `tcp serve` and `relay`, and how a handshake is
//! printed (a `tls` JSON event, or lines in words).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;
use serde_json::{Value, json};

use super::CliError;
use super::output::Printer;
use crate::engine::tls::{
    ServerIdentity, TlsClientOptions, TlsIdentity, TlsInfo, TlsServerOptions, TlsVerify,
    server_identity,
};
use crate::i18n::{Describe, Lang};

/// A client's TLS: `tcp connect --tls …`.
#[derive(Debug, Args, Default)]
pub struct ClientTlsArgs {
    /// Speak TLS over the connection (verifying the server against the system's roots)
    #[arg(long)]
    pub tls: bool,
    /// With --tls: do not verify the server's certificate (testing only)
    #[arg(long, requires = "tls", conflicts_with = "ca")]
    pub insecure: bool,
    /// With --tls: also trust the CA certificate(s) in this PEM file
    #[arg(long, value_name = "PEM", requires = "tls")]
    pub ca: Option<PathBuf>,
    /// With --tls: the server name to ask for and check (default: the host)
    #[arg(long, value_name = "NAME", requires = "tls")]
    pub sni: Option<String>,
    /// With --tls: ALPN protocols to offer, comma-separated (e.g. h2,http/1.1)
    #[arg(long, value_name = "LIST", requires = "tls")]
    pub alpn: Option<String>,
}

impl ClientTlsArgs {
    /// The options, checked against `host` (files read, names parsed): bad input
    /// is an error before any socket is opened.
    pub fn options(&self, host: &str, lang: Lang) -> Result<Option<TlsClientOptions>, CliError> {
        if !self.tls {
            return Ok(None);
        }
        let verify = match (&self.ca, self.insecure) {
            (_, true) => TlsVerify::Insecure,
            (Some(path), false) => TlsVerify::CaFile(path.clone()),
            (None, false) => TlsVerify::System,
        };
        let options = TlsClientOptions {
            verify,
            sni: self.sni.clone(),
            alpn: alpn_list(self.alpn.as_deref()),
        };
        options
            .check(host)
            .map_err(|error| CliError::Input(error.describe(lang)))?;
        Ok(Some(options))
    }
}

/// A server's TLS: `tcp serve --tls (--cert PEM --key PEM | --self-signed)`.
#[derive(Debug, Args, Default)]
pub struct ServerTlsArgs {
    /// Speak TLS with every client (needs --cert and --key, or --self-signed)
    #[arg(long)]
    pub tls: bool,
    /// With --tls: the server's certificate chain (PEM)
    #[arg(long, value_name = "PEM", requires_all = ["tls", "key"], conflicts_with = "self_signed")]
    pub cert: Option<PathBuf>,
    /// With --tls: the certificate's private key (PEM)
    #[arg(long, value_name = "PEM", requires_all = ["tls", "cert"])]
    pub key: Option<PathBuf>,
    /// With --tls: make a certificate on the spot for this machine's names and addresses
    #[arg(long = "self-signed", requires = "tls")]
    pub self_signed: bool,
    /// With --tls: ask clients for a certificate (optional for them; shown, not verified)
    #[arg(long = "request-client-cert", requires = "tls")]
    pub request_client_cert: bool,
}

impl ServerTlsArgs {
    pub fn identity(&self, lang: Lang) -> Result<Option<ServerIdentity>, CliError> {
        server_tls(
            self.tls,
            self.cert.as_ref(),
            self.key.as_ref(),
            self.self_signed,
            self.request_client_cert,
            lang,
        )
    }
}

/// Reads (or makes) a server's certificate; every problem is bad input (exit 2).
pub fn server_tls(
    tls: bool,
    cert: Option<&PathBuf>,
    key: Option<&PathBuf>,
    self_signed: bool,
    request_client_cert: bool,
    lang: Lang,
) -> Result<Option<ServerIdentity>, CliError> {
    if !tls {
        return Ok(None);
    }
    let identity = match (cert, key, self_signed) {
        (Some(cert), Some(key), false) => TlsIdentity::Files {
            cert: cert.clone(),
            key: key.clone(),
        },
        (None, None, true) => TlsIdentity::SelfSigned,
        _ => {
            return Err(CliError::Input(
                lang.texts().tls_needs_identity().to_owned(),
            ));
        }
    };
    let options = TlsServerOptions {
        identity,
        request_client_cert,
        alpn: Vec::new(),
    };
    server_identity(&options)
        .map(Some)
        .map_err(|error| CliError::Input(error.describe(lang)))
}

pub fn alpn_list(text: Option<&str>) -> Vec<String> {
    text.map(|text| {
        text.split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(str::to_owned)
            .collect()
    })
    .unwrap_or_default()
}

/// The `tls` event: JSON with `version`, `cipher`, `alpn`, `peer_cert`, or lines in words.
/// `client`: a server's client (its number and address).
pub fn print_tls(printer: &Printer, info: &TlsInfo, client: Option<(u64, SocketAddr)>) {
    let (prefix, extra) = match client {
        Some((id, peer)) => (
            Some(format!("#{id} {peer}")),
            json!({ "client": id, "peer": peer.to_string() }),
        ),
        None => (None, json!({})),
    };
    print_tls_with(printer, info, prefix, extra);
}

/// A relay pair's side: `side` is "client" (the relay answered as the server)
/// or "server" (the relay spoke TLS to the target).
pub fn print_relay_tls(printer: &Printer, info: &TlsInfo, pair: u64, side: &str) {
    let prefix = Some(format!("#{pair} {side}"));
    print_tls_with(printer, info, prefix, json!({ "pair": pair, "side": side }));
}

fn print_tls_with(printer: &Printer, info: &TlsInfo, prefix: Option<String>, extra: Value) {
    let texts = printer.lang.texts();
    let peer_cert = info.peer_chain.first().map(|cert| {
        json!({
            "subject": cert.subject,
            "issuer": cert.issuer,
            "not_after": cert.not_after,
            "sha256": cert.sha256,
        })
    });
    let chain: Vec<_> = info
        .peer_chain
        .iter()
        .map(|cert| {
            json!({
                "subject": cert.subject,
                "issuer": cert.issuer,
                "sans": cert.sans,
                "not_before": cert.not_before,
                "not_after": cert.not_after,
                "sha256": cert.sha256,
            })
        })
        .collect();
    let mut line = texts.tls_handshake_done(info);
    if let Some(prefix) = prefix {
        line = format!("{prefix}: {line}");
    }
    if info.peer_chain.is_empty() {
        line = format!("{line}; {}", texts.tls_no_peer_cert());
    }
    if !printer.json {
        // One line each: a printed line never holds a newline.
        printer.event("tls", json!({}), &line);
        for (index, cert) in info.peer_chain.iter().enumerate() {
            printer.event(
                "tls",
                json!({}),
                &format!("  {}", texts.tls_cert_line(index, cert)),
            );
        }
        return;
    }
    let mut fields = json!({
        "version": info.version,
        "cipher": info.cipher,
        "alpn": info.alpn,
        "peer_cert": peer_cert,
        "peer_chain": chain,
    });
    if let (Some(map), Value::Object(extra)) = (fields.as_object_mut(), extra) {
        map.extend(extra);
    }
    printer.event("tls", fields, "");
}

/// The `tls_ready` event of a server: its certificate's fingerprint.
pub fn print_server_cert(printer: &Printer, identity: &ServerIdentity) {
    let texts = printer.lang.texts();
    printer.event(
        "tls_ready",
        json!({ "sha256": identity.sha256, "names": identity.names }),
        &texts.tls_server_cert(&identity.sha256, &identity.names),
    );
}
