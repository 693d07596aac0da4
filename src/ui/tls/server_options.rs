//! The TCP server tab's TLS options: a PEM certificate and key, or a
//! self-signed certificate made on the spot; optionally asking clients for
//! theirs. Once listening, the certificate's SHA-256 (to pin) with a copy button.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::engine::tls::{ServerIdentity, TlsIdentity, TlsServerOptions};
use crate::i18n::Lang;
use crate::ui::labelled_field_ui;

/// What the server's TLS options remember.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TlsServerSettings {
    pub enabled: bool,
    /// Make a self-signed certificate instead of reading the files.
    pub self_signed: bool,
    pub cert_file: String,
    pub key_file: String,
    pub request_client_cert: bool,
}

impl TlsServerSettings {
    /// The engine's options, or `None` when TLS is off.
    pub fn options(&self) -> Option<TlsServerOptions> {
        if !self.enabled {
            return None;
        }
        let identity = if self.self_signed {
            TlsIdentity::SelfSigned
        } else {
            TlsIdentity::Files {
                cert: PathBuf::from(self.cert_file.trim()),
                key: PathBuf::from(self.key_file.trim()),
            }
        };
        Some(TlsServerOptions {
            identity,
            request_client_cert: self.request_client_cert,
            alpn: Vec::new(),
        })
    }
}

/// The options (fixed while the server runs), then the running identity.
pub fn server_options_ui(
    ui: &mut egui::Ui,
    lang: Lang,
    settings: &mut TlsServerSettings,
    running: Option<&ServerIdentity>,
    busy: bool,
) {
    let texts = lang.texts();
    let words = texts.tls_words();
    ui.add_enabled_ui(!busy, |ui| {
        ui.checkbox(&mut settings.enabled, words.enable)
            .on_hover_text(words.server_enable_tip);
        if !settings.enabled {
            return;
        }
        ui.indent("tls_server_options", |ui| {
            ui.radio_value(&mut settings.self_signed, true, words.self_signed)
                .on_hover_text(words.self_signed_tip);
            ui.radio_value(&mut settings.self_signed, false, words.cert_files);
            if !settings.self_signed {
                ui.horizontal(|ui| {
                    labelled_field_ui(
                        ui,
                        words.cert_file,
                        &mut settings.cert_file,
                        words.cert_hint,
                        140.0,
                    );
                });
                ui.horizontal(|ui| {
                    labelled_field_ui(
                        ui,
                        words.key_file,
                        &mut settings.key_file,
                        words.key_hint,
                        140.0,
                    );
                });
            }
            ui.checkbox(&mut settings.request_client_cert, words.request_client_cert)
                .on_hover_text(words.request_client_cert_tip);
        });
    });
    if let Some(identity) = running {
        ui.horizontal(|ui| {
            ui.weak(words.our_fingerprint);
            if ui.small_button(words.copy).clicked() {
                ui.ctx().copy_text(identity.sha256.clone());
            }
        });
        let (first, second) = identity.sha256.split_at(identity.sha256.len().min(32));
        ui.label(
            egui::RichText::new(format!("{first}\n{second}"))
                .monospace()
                .small(),
        )
        .on_hover_text(&identity.sha256);
        if !identity.names.is_empty() {
            ui.weak(texts.tls_self_signed_for(&identity.names));
        }
    }
}
