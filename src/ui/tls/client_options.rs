//! The TCP client tab's TLS options: on or off, whom to trust (the system's
//! roots, also a CA file, or nobody — with a warning), SNI and ALPN.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::engine::tls::{TlsClientOptions, TlsVerify};
use crate::i18n::Lang;
use crate::ui::labelled_field_ui;

/// Whom the client trusts, as the radio buttons say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum VerifyChoice {
    #[default]
    System,
    CaFile,
    Insecure,
}

/// What the TLS options remember.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TlsClientSettings {
    pub enabled: bool,
    pub verify: VerifyChoice,
    /// The extra CA's PEM file, for [`VerifyChoice::CaFile`].
    pub ca_file: String,
    /// Empty: the host connected to.
    pub sni: String,
    /// Comma-separated, most wanted first.
    pub alpn: String,
}

impl TlsClientSettings {
    /// The engine's options, or `None` when TLS is off.
    pub fn options(&self) -> Option<TlsClientOptions> {
        if !self.enabled {
            return None;
        }
        let verify = match self.verify {
            VerifyChoice::System => TlsVerify::System,
            VerifyChoice::CaFile => TlsVerify::CaFile(PathBuf::from(self.ca_file.trim())),
            VerifyChoice::Insecure => TlsVerify::Insecure,
        };
        let sni = Some(self.sni.trim())
            .filter(|sni| !sni.is_empty())
            .map(str::to_owned);
        let alpn = self
            .alpn
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect();
        Some(TlsClientOptions { verify, sni, alpn })
    }
}

/// The options, fixed while connected.
pub fn client_options_ui(
    ui: &mut egui::Ui,
    lang: Lang,
    settings: &mut TlsClientSettings,
    busy: bool,
) {
    let texts = lang.texts();
    let words = texts.tls_words();
    ui.add_enabled_ui(!busy, |ui| {
        ui.checkbox(&mut settings.enabled, words.enable)
            .on_hover_text(words.enable_tip);
        if !settings.enabled {
            return;
        }
        ui.indent("tls_client_options", |ui| {
            ui.radio_value(
                &mut settings.verify,
                VerifyChoice::System,
                words.verify_system,
            );
            ui.radio_value(&mut settings.verify, VerifyChoice::CaFile, words.verify_ca);
            if settings.verify == VerifyChoice::CaFile {
                ui.horizontal(|ui| {
                    labelled_field_ui(
                        ui,
                        words.ca_file,
                        &mut settings.ca_file,
                        words.ca_hint,
                        150.0,
                    );
                });
            }
            ui.radio_value(
                &mut settings.verify,
                VerifyChoice::Insecure,
                words.verify_none,
            );
            if settings.verify == VerifyChoice::Insecure {
                ui.colored_label(crate::ui::ERROR_COLOR, texts.tls_insecure_warning());
            }
            ui.horizontal(|ui| {
                labelled_field_ui(ui, words.sni, &mut settings.sni, words.sni_hint, 120.0)
                    .on_hover_text(words.sni_tip);
            });
            ui.horizontal(|ui| {
                labelled_field_ui(ui, words.alpn, &mut settings.alpn, words.alpn_hint, 120.0)
                    .on_hover_text(words.alpn_tip);
            });
        });
    });
}
