//! The window: one file per tab, plus the widgets they share.

pub mod auto_reply_ui;
pub mod client_rate;
pub mod client_table;
pub mod connection_map;
pub mod dialogs;
pub mod drain;
pub mod file_download_ui;
pub mod file_server_ui;
pub mod file_tab;
pub mod fonts;
pub mod log_model;
pub mod log_panel;
pub mod log_save;
pub mod log_view;
pub mod network_tab;
pub mod presenter;
pub mod presets_ui;
pub mod probe;
pub mod rate_plot;
pub mod send_box;
pub mod send_jobs_ui;
pub mod tab_layout;
pub mod tcp_client_tab;
pub mod tcp_server_tab;
pub mod timeline;
pub mod timeline_strip;
pub mod udp_tab;
pub mod waker;
pub mod window;

use egui::{Color32, ComboBox, Response, RichText, TextEdit};

use crate::engine::interfaces::{AddressScope, LocalAddress};
use crate::i18n::Texts;

/// A label followed by a single-line field that screen readers and tests find by that label.
pub fn labelled_field_ui(
    ui: &mut egui::Ui,
    label: &str,
    text: &mut String,
    hint: &str,
    width: f32,
) -> Response {
    let label = ui.label(label);
    ui.add(
        TextEdit::singleline(text)
            .hint_text(hint)
            .desired_width(width),
    )
    .labelled_by(label.id)
}

pub const ERROR_COLOR: Color32 = Color32::from_rgb(0xd0, 0x30, 0x30);

pub fn error_ui(ui: &mut egui::Ui, message: &str) {
    ui.label(RichText::new(message).color(ERROR_COLOR));
}

/// An error in a narrow cell: cut to fit, whole on hover.
pub fn clipped_error_ui(ui: &mut egui::Ui, message: &str) {
    ui.add(egui::Label::new(RichText::new(message).color(ERROR_COLOR)).truncate())
        .on_hover_text(message);
}

/// The local address (typed, or picked from this machine's interfaces) and port.
pub fn local_address_ui(
    ui: &mut egui::Ui,
    texts: &Texts,
    addresses: &[LocalAddress],
    local_ip: &mut String,
    local_port: &mut String,
) {
    ui.horizontal(|ui| {
        labelled_field_ui(ui, texts.local_address, local_ip, "0.0.0.0", 130.0);
        ComboBox::from_id_salt("local_address_pick")
            .selected_text("")
            .width(24.0)
            .show_ui(ui, |ui| {
                for address in addresses {
                    let label = address_label(address, texts);
                    ui.selectable_value(local_ip, address.ip.to_string(), label);
                }
            })
            .response
            .on_hover_text(texts.local_address);
    });
    ui.horizontal(|ui| {
        labelled_field_ui(ui, texts.local_port, local_port, "7788", 80.0);
    });
}

fn address_label(address: &LocalAddress, texts: &Texts) -> String {
    let scope = match address.scope {
        AddressScope::Any => texts.scope_any,
        AddressScope::Loopback => texts.scope_loopback,
        AddressScope::Private => texts.scope_private,
        AddressScope::LinkLocal => texts.scope_link_local,
        AddressScope::Public => texts.scope_public,
    };
    if address.interface.is_empty() {
        format!("{}  ({scope})", address.ip)
    } else {
        format!("{}  ({scope}, {})", address.ip, address.interface)
    }
}
