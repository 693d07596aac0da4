//! The window: one file per tab, plus the widgets they share.

pub mod drain;
pub mod fonts;
pub mod log_model;
pub mod log_panel;
pub mod log_view;
pub mod probe;
pub mod send_box;
pub mod tab_layout;
pub mod tcp_client_tab;
pub mod udp_tab;
pub mod waker;
pub mod window;

use egui::{Color32, Response, RichText, TextEdit};

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
