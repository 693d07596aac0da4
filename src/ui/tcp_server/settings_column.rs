//! The TCP server tab's settings column: where to listen and how, the start and
//! disconnect buttons, the auto-reply rules and the display settings.

use egui::DragValue;

use super::auto_reply::auto_reply_ui;
use super::{Action, MAX_CLIENT_LIMIT, TcpServerTab};
use crate::codec::TextEncoding;
use crate::engine::TcpServer;
use crate::i18n::{Describe, Lang};
use crate::ui::tls::server_options::server_options_ui;
use crate::ui::traffic::TrafficTab;
use crate::ui::traffic::framing::framing_ui;
use crate::ui::{error_ui, local_address_ui};

impl TcpServerTab {
    /// The settings column: address, limits, framing, TLS, the buttons, auto-reply, display.
    pub(super) fn settings_column_ui(
        &mut self,
        ui: &mut egui::Ui,
        lang: Lang,
        actions: &mut Vec<Action>,
    ) {
        let texts = lang.texts();
        let has_server = self.traffic.endpoint().is_some();
        let listening = self.traffic.endpoint().is_some_and(TcpServer::is_listening);
        ui.add_space(4.0);
        ui.add_enabled_ui(!has_server, |ui| {
            local_address_ui(ui, texts, &self.addresses, &mut self.settings);
            // Presenter mode hides the advanced limits.
            if !self.traffic.view.presenter {
                ui.horizontal(|ui| {
                    let label = ui.label(texts.backlog).on_hover_text(texts.backlog_tip);
                    ui.add(DragValue::new(&mut self.settings.backlog).range(1..=65_535))
                        .labelled_by(label.id);
                });
            }
        });
        framing_ui(ui, lang, &mut self.settings.framing, has_server);
        let running = self.tls_identity.as_ref().filter(|_| has_server);
        server_options_ui(ui, lang, &mut self.settings.tls, running, has_server);
        if let Some(error) = &self.tls_error {
            error_ui(ui, &error.describe(lang));
        }
        let presenter = self.traffic.view.presenter;
        if !presenter {
            ui.horizontal(|ui| {
                let label = ui
                    .label(texts.max_clients)
                    .on_hover_text(texts.max_clients_tip);
                let changed = ui
                    .add(DragValue::new(&mut self.settings.max_clients).range(1..=MAX_CLIENT_LIMIT))
                    .labelled_by(label.id)
                    .changed();
                if changed && let Some(server) = self.traffic.endpoint() {
                    server.set_max_clients(self.settings.max_clients);
                }
            });
        }
        if let Some(error) = &self.port_error {
            error_ui(ui, &error.describe(lang));
        }
        ui.horizontal(|ui| {
            let (label, action) = self.main_action(texts);
            let button = ui.add_sized([110.0, 28.0], egui::Button::new(label));
            let button = if listening {
                button.on_hover_text(texts.stop_listening_tip)
            } else {
                button
            };
            if button.clicked() {
                actions.push(action);
            }
            if ui
                .add_enabled(has_server, egui::Button::new(texts.disconnect_all))
                .clicked()
            {
                actions.push(Action::DisconnectAll);
            }
        });
        ui.separator();
        let edit = auto_reply_ui(ui, texts, &mut self.settings.auto_reply);
        if edit.tutorial {
            // The tutorial's scripts encode and decode GBK.
            self.settings.display.encoding = TextEncoding::Gbk;
        }
        if let Err(error) = &self.auto_reply {
            error_ui(ui, &error.describe(lang));
        }
        ui.separator();
        self.traffic
            .display_settings_ui(ui, texts, &mut self.settings.display);
        let encoding = self.settings.display.encoding;
        self.clients.set_encoding(encoding);
        if edit.changed || encoding != self.auto_reply_encoding {
            self.recompile_auto_reply();
        }
    }
}
