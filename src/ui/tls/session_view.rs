//! What a TLS handshake agreed, and the peer's certificate chain: subject,
//! issuer, names, validity and SHA-256 fingerprint (with a copy button).

use crate::engine::tls::TlsInfo;
use crate::i18n::Lang;

/// A collapsible panel with the session and the chain.
pub fn session_ui(ui: &mut egui::Ui, lang: Lang, info: &TlsInfo) {
    let texts = lang.texts();
    let words = texts.tls_words();
    egui::CollapsingHeader::new(words.session)
        .id_salt("tls_session")
        .default_open(true)
        .show(ui, |ui| {
            ui.label(texts.tls_handshake_done(info));
            if info.peer_chain.is_empty() {
                ui.weak(texts.tls_no_peer_cert());
            }
            for (index, cert) in info.peer_chain.iter().enumerate() {
                ui.separator();
                ui.strong(if index == 0 {
                    words.peer_cert.to_owned()
                } else {
                    format!("{} #{index}", words.chain_cert)
                });
                egui::Grid::new(("tls_cert", index))
                    .num_columns(2)
                    .show(ui, |ui| {
                        let sans = cert.sans.join(", ");
                        let validity = format!("{}\n— {}", cert.not_before, cert.not_after);
                        for (name, value) in [
                            (words.subject, cert.subject.as_str()),
                            (words.issuer, cert.issuer.as_str()),
                            (words.names, sans.as_str()),
                            (words.validity, validity.as_str()),
                        ] {
                            ui.weak(name);
                            ui.label(value);
                            ui.end_row();
                        }
                        ui.weak("SHA-256");
                        ui.horizontal(|ui| {
                            // Two lines of 32 digits keep the settings column narrow.
                            let (first, second) = cert.sha256.split_at(cert.sha256.len().min(32));
                            ui.label(
                                egui::RichText::new(format!("{first}\n{second}"))
                                    .monospace()
                                    .small(),
                            )
                            .on_hover_text(&cert.sha256);
                            if ui.small_button(words.copy).clicked() {
                                ui.ctx().copy_text(cert.sha256.clone());
                            }
                        });
                        ui.end_row();
                    });
            }
        });
}
