//! The eframe application: the top bar, the tabs, and the settings that persist.

pub mod window;

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;
use crate::ui::file::{FileSettings, FileTab};
use crate::ui::fonts::install_fonts;
use crate::ui::network::{NetworkSettings, NetworkTab};
use crate::ui::probe::Probe;
use crate::ui::tcp_client::{TcpClientSettings, TcpClientTab};
use crate::ui::tcp_server::{TcpServerSettings, TcpServerTab};
use crate::ui::teaching::ViewSettings;
use crate::ui::udp::{UdpSettings, UdpTab};

/// Everything remembered across restarts. `serde(default)` lets an old or
/// partial settings file load, field by field.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub lang: Lang,
    pub tab: Tab,
    pub udp: UdpSettings,
    pub tcp_server: TcpServerSettings,
    pub tcp_client: TcpClientSettings,
    pub files: FileSettings,
    pub view: ViewSettings,
    pub network: NetworkSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            lang: Lang::detect(),
            tab: Tab::Udp,
            udp: UdpSettings::default(),
            tcp_server: TcpServerSettings::default(),
            tcp_client: TcpClientSettings::default(),
            files: FileSettings::default(),
            view: ViewSettings::default(),
            network: NetworkSettings::default(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Tab {
    #[default]
    Udp,
    TcpServer,
    TcpClient,
    Files,
    Network,
}

/// The saved settings, or the defaults; `true` when settings were there but could
/// not be read (a damaged file, or one from an incompatible version).
pub fn load_settings(storage: Option<&dyn eframe::Storage>) -> (Settings, bool) {
    let Some(storage) = storage else {
        return (Settings::default(), false);
    };
    let stored = storage.get_string(eframe::APP_KEY).is_some();
    match eframe::get_value::<Settings>(storage, eframe::APP_KEY) {
        Some(settings) => (settings, false),
        None => (Settings::default(), stored),
    }
}

pub struct NetdbgApp {
    lang: Lang,
    /// The saved settings could not be read; shown until dismissed.
    settings_notice: bool,
    probe: Option<Probe>,
    /// How wide the language and presenter controls were last frame, so the top
    /// bar can put them on their own row when the tabs leave too little room.
    top_right_width: f32,
    tab: Tab,
    udp: UdpTab,
    tcp_server: TcpServerTab,
    tcp_client: TcpClientTab,
    files: FileTab,
    view: ViewSettings,
    network: NetworkTab,
}

impl NetdbgApp {
    /// Builds the app from eframe's context, restoring saved settings when there are any.
    pub fn new(cc: &eframe::CreationContext<'_>) -> Self {
        let (settings, unreadable) = load_settings(cc.storage);
        let mut app = Self::with_settings(&cc.egui_ctx, settings);
        app.settings_notice = unreadable;
        app
    }

    /// Whether the window says the saved settings could not be read.
    pub fn shows_settings_notice(&self) -> bool {
        self.settings_notice
    }

    pub fn with_settings(ctx: &egui::Context, settings: Settings) -> Self {
        install_fonts(ctx);
        settings.view.apply_zoom(ctx);
        Self {
            lang: settings.lang,
            settings_notice: false,
            probe: None,
            top_right_width: 0.0,
            tab: settings.tab,
            udp: UdpTab::new(settings.udp, ctx.clone()),
            tcp_server: TcpServerTab::new(settings.tcp_server, ctx.clone()),
            tcp_client: TcpClientTab::new(settings.tcp_client, ctx.clone()),
            files: FileTab::new(settings.files, ctx),
            view: settings.view,
            network: NetworkTab::new(settings.network, ctx.clone()),
        }
    }

    /// Turns on the benchmark measurements (see [`Probe`]).
    pub fn with_probe(mut self, probe: Option<Probe>) -> Self {
        self.probe = probe;
        self
    }

    pub fn settings(&self) -> Settings {
        Settings {
            lang: self.lang,
            tab: self.tab,
            udp: self.udp.saved_settings(),
            tcp_server: self.tcp_server.saved_settings(),
            tcp_client: self.tcp_client.saved_settings(),
            files: self.files.settings(),
            view: self.view,
            network: self.network.settings.clone(),
        }
    }

    pub fn udp(&self) -> &UdpTab {
        &self.udp
    }

    pub fn tcp_server(&self) -> &TcpServerTab {
        &self.tcp_server
    }

    pub fn files(&self) -> &FileTab {
        &self.files
    }

    pub fn network(&self) -> &NetworkTab {
        &self.network
    }

    fn top_bar_ui(&mut self, ui: &mut egui::Ui) {
        let texts = self.lang.texts();
        if self.settings_notice {
            ui.horizontal(|ui| {
                crate::ui::error_ui(ui, texts.settings_reset);
                if ui.button(texts.dismiss).clicked() {
                    self.settings_notice = false;
                }
            });
        }
        ui.horizontal_wrapped(|ui| {
            ui.selectable_value(&mut self.tab, Tab::Udp, texts.tab_udp);
            ui.selectable_value(&mut self.tab, Tab::TcpServer, texts.tab_tcp_server);
            ui.selectable_value(&mut self.tab, Tab::TcpClient, texts.tab_tcp_client);
            ui.selectable_value(&mut self.tab, Tab::Files, texts.tab_files);
            ui.selectable_value(&mut self.tab, Tab::Network, texts.tab_network);
            // A narrow window (or presenter mode's zoom) puts these on a row of their own.
            let room = ui.max_rect().max.x - ui.cursor().min.x;
            if room < self.top_right_width {
                ui.end_row();
            }
            let right = ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                egui::ComboBox::from_label(texts.language)
                    .selected_text(self.lang.native_name())
                    .show_ui(ui, |ui| {
                        for lang in Lang::ALL {
                            ui.selectable_value(&mut self.lang, lang, lang.native_name());
                        }
                    });
                let presenter = ui
                    .toggle_value(&mut self.view.presenter, texts.presenter_mode)
                    .on_hover_text(texts.presenter_tip);
                if presenter.changed() {
                    self.view.apply_zoom(ui.ctx());
                } else {
                    self.view.keep_zoom(ui.ctx());
                }
            });
            let width = right.response.rect.width() + ui.spacing().item_spacing.x;
            if (width - self.top_right_width).abs() > 1.0 {
                // Laid out with last frame's width: draw again with this one.
                ui.ctx().request_repaint();
            }
            self.top_right_width = width;
        });
    }
}

impl eframe::App for NetdbgApp {
    fn logic(&mut self, ctx: &egui::Context, frame: &mut eframe::Frame) {
        if let Some(probe) = &mut self.probe {
            let (udp, tcp) = (self.udp.counters(), self.tcp_server.counters());
            let received = (udp.rx_packets + tcp.rx_packets, udp.rx_bytes + tcp.rx_bytes);
            probe.frame(ctx, frame.info().cpu_usage, received);
        }
        // Every tab drains, shown or not: a hidden tab keeps receiving.
        self.udp.logic(ctx);
        self.tcp_server.logic(ctx, self.lang);
        self.tcp_client.logic(ctx);
        self.files.logic(self.lang);
        self.network.logic(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::Panel::top("top_bar").show(ui, |ui| self.top_bar_ui(ui));
        match self.tab {
            Tab::Udp => self.udp.ui(ui, self.lang, &mut self.view),
            Tab::TcpServer => self.tcp_server.ui(ui, self.lang, &mut self.view),
            Tab::TcpClient => self.tcp_client.ui(ui, self.lang, &mut self.view),
            Tab::Files => self.files.ui(ui, self.lang),
            Tab::Network => self.network.ui(ui, self.lang),
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.settings());
    }
}
