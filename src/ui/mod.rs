//! The window, grouped by feature: one file or folder per tab (`udp`, `tcp_client`, `relay/`,
//! `tcp_server/`, `file/`, `network`), what the traffic tabs share (`traffic/`,
//! `log/`, `send/`, `sequence/`, `teaching/`), and the small widgets below.

pub mod about;
pub mod backdrop;
pub mod dialogs;
pub mod file;
pub mod fonts;
pub mod load;
pub mod log;
pub mod network;
pub mod probe;
pub mod relay;
pub mod replay;
pub mod send;
pub mod sequence;
pub mod tcp_client;
pub mod tcp_server;
pub mod teaching;
pub mod tls;
pub mod traffic;
pub mod udp;

use egui::{Color32, ComboBox, Response, RichText, TextEdit};

use crate::engine::interfaces::LocalAddress;
use crate::i18n::{Lang, Texts};
use teaching::ViewSettings;

/// A tab of the window, as the app's tab list (`app.rs`) sees it.
pub trait AppTab {
    /// What the tab remembers across restarts, kept whole in the tab and saved
    /// and restored as it is.
    type Settings: Clone;
    fn new(settings: Self::Settings, ctx: &egui::Context) -> Self;
    /// A copy of what it remembers, for saving.
    fn settings(&self) -> Self::Settings;
    /// Every frame, shown or not (a hidden tab keeps receiving).
    fn logic(&mut self, ctx: &egui::Context, lang: Lang);
    fn ui(&mut self, ui: &mut egui::Ui, lang: Lang, view: &mut ViewSettings);
}

/// Every traffic tab is an app tab through the traffic core.
impl<T: traffic::TrafficTab> AppTab for T {
    type Settings = T::Settings;

    fn new(settings: T::Settings, ctx: &egui::Context) -> Self {
        T::with_settings(settings, ctx.clone())
    }

    fn settings(&self) -> T::Settings {
        T::settings(self).clone()
    }

    fn logic(&mut self, ctx: &egui::Context, lang: Lang) {
        traffic::logic(self, ctx, lang);
    }

    fn ui(&mut self, ui: &mut egui::Ui, lang: Lang, view: &mut ViewSettings) {
        traffic::layout::tab_ui(self, ui, lang, view);
    }
}

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

/// The button that opens or closes a tab's endpoint; true when clicked.
pub fn start_stop_ui(ui: &mut egui::Ui, label: &str) -> bool {
    ui.add_sized([120.0, 28.0], egui::Button::new(label))
        .clicked()
}

pub const ERROR_COLOR: Color32 = Color32::from_rgb(0xd0, 0x30, 0x30);

pub fn error_ui(ui: &mut egui::Ui, message: &str) {
    ui.label(RichText::new(message).color(ERROR_COLOR));
}

/// A label in a slot as wide as `widest` would be, so a text that changes every
/// frame (counters) never moves what follows it; `align` places it in the slot.
pub fn fixed_width_label(
    ui: &mut egui::Ui,
    text: impl Into<egui::WidgetText>,
    widest: &str,
    align: egui::Align,
) -> egui::Response {
    let width = egui::WidgetText::from(widest)
        .into_galley(
            ui,
            Some(egui::TextWrapMode::Extend),
            f32::INFINITY,
            egui::TextStyle::Body,
        )
        .size()
        .x;
    let height = ui.spacing().interact_size.y;
    let size = egui::vec2(width, height);
    let layout = match align {
        egui::Align::Max => egui::Layout::right_to_left(egui::Align::Center),
        _ => egui::Layout::left_to_right(egui::Align::Center),
    };
    ui.allocate_ui_with_layout(size, layout, |ui| {
        // The slot takes its whole width whatever the text's.
        ui.set_min_size(size);
        ui.add(egui::Label::new(text).truncate())
    })
    .inner
}

/// An error in a narrow cell: cut to fit, whole on hover.
pub fn clipped_error_ui(ui: &mut egui::Ui, message: &str) {
    ui.add(egui::Label::new(RichText::new(message).color(ERROR_COLOR)).truncate())
        .on_hover_text(message);
}

/// Settings that name a local address and port to bind (the UDP tab, the TCP
/// server, the file server), as typed.
pub trait LocalBind {
    fn local_ip_and_port(&mut self) -> (&mut String, &mut String);
}

/// The local address (typed, or picked from this machine's interfaces) and port.
pub fn local_address_ui(
    ui: &mut egui::Ui,
    texts: &Texts,
    addresses: &[LocalAddress],
    settings: &mut impl LocalBind,
) {
    let (local_ip, local_port) = settings.local_ip_and_port();
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
    let scope = network::scope_name(address.scope, texts);
    if address.interface.is_empty() {
        format!("{}  ({scope})", address.ip)
    } else {
        format!("{}  ({scope}, {})", address.ip, address.interface)
    }
}
