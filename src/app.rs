//! The eframe application: the tab list, the top bar, the settings that persist,
//! and (in `window.rs`) the window's start.

pub mod window;

use serde::{Deserialize, Serialize};

use crate::i18n::{Describe, Lang, Texts};
use crate::settings_home::PortableProblem;
use crate::ui::AppTab;
use crate::ui::about::About;
use crate::ui::file::FileTab;
use crate::ui::fonts::{SystemFontsAfterFirstFrame, install_fonts};
use crate::ui::load::LoadTab;
use crate::ui::network::NetworkTab;
use crate::ui::probe::Probe;
use crate::ui::relay::RelayTab;
use crate::ui::tcp_client::TcpClientTab;
use crate::ui::tcp_server::TcpServerTab;
use crate::ui::teaching::{ThemeChoice, ViewSettings};
use crate::ui::udp::UdpTab;

/// The tab list, as egui_demo_app keeps its apps: one entry per tab, in the
/// order of the tab bar: `Variant => field: Type, title`. From it come the
/// [`Tab`] enum, the [`Settings`] saved across restarts (each tab's whole, under
/// `field`), the tabs themselves, and the loops that draw, drain and save them.
/// A new tab is one entry here plus its file under `ui/` implementing [`AppTab`]
/// (a traffic tab: [`crate::ui::traffic::TrafficTab`]).
macro_rules! tab_registry {
    ($($variant:ident => $field:ident, $field_mut:ident: $tab:ty, $title:ident;)+) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        pub enum Tab {
            $($variant,)+
        }

        impl Tab {
            pub const ALL: &[Tab] = &[$(Tab::$variant,)+];

            pub fn title(self, texts: &Texts) -> &'static str {
                match self {
                    $(Tab::$variant => texts.$title,)+
                }
            }
        }

        impl Default for Tab {
            fn default() -> Self {
                Tab::ALL[0]
            }
        }

        /// Everything remembered across restarts. `serde(default)` lets an old or
        /// partial settings file load, field by field.
        #[derive(Debug, Clone, Serialize, Deserialize)]
        #[serde(default)]
        pub struct Settings {
            pub lang: Lang,
            pub tab: Tab,
            pub view: ViewSettings,
            $(pub $field: <$tab as AppTab>::Settings,)+
        }

        impl Default for Settings {
            fn default() -> Self {
                Self {
                    lang: Lang::detect(),
                    tab: Tab::default(),
                    view: ViewSettings::default(),
                    $($field: Default::default(),)+
                }
            }
        }

        /// The tabs, each with its settings inside.
        struct Tabs {
            $($field: $tab,)+
        }

        impl Tabs {
            fn new(settings: Settings, ctx: &egui::Context) -> Self {
                Self {
                    $($field: <$tab as AppTab>::new(settings.$field, ctx),)+
                }
            }

            /// Every tab's settings as they are, under `lang`, `tab` and `view`.
            fn settings(&self, lang: Lang, tab: Tab, view: ViewSettings) -> Settings {
                Settings {
                    lang,
                    tab,
                    view,
                    $($field: self.$field.settings(),)+
                }
            }

            /// Every tab, shown or not: a hidden tab keeps receiving.
            fn logic(&mut self, ctx: &egui::Context, lang: Lang) {
                $(self.$field.logic(ctx, lang);)+
            }

            fn ui(&mut self, tab: Tab, ui: &mut egui::Ui, lang: Lang, view: &mut ViewSettings) {
                match tab {
                    $(Tab::$variant => self.$field.ui(ui, lang, view),)+
                }
            }
        }

        impl NetdbgApp {
            $(
                pub fn $field(&self) -> &$tab {
                    &self.tabs.$field
                }

                /// For tests that need what no widget offers (a native dialog's answer).
                #[doc(hidden)]
                pub fn $field_mut(&mut self) -> &mut $tab {
                    &mut self.tabs.$field
                }
            )+
        }
    };
}

tab_registry! {
    Udp => udp, udp_mut: UdpTab, tab_udp;
    TcpServer => tcp_server, tcp_server_mut: TcpServerTab, tab_tcp_server;
    TcpClient => tcp_client, tcp_client_mut: TcpClientTab, tab_tcp_client;
    Relay => relay, relay_mut: RelayTab, tab_relay;
    Load => load, load_mut: LoadTab, tab_load;
    Files => files, files_mut: FileTab, tab_files;
    Network => network, network_mut: NetworkTab, tab_network;
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
    /// Portable mode's settings folder cannot be used as it should; shown until dismissed.
    portable_problem: Option<PortableProblem>,
    probe: Option<Probe>,
    /// The native window's system-font fallback, once it is on screen.
    system_fonts: Option<SystemFontsAfterFirstFrame>,
    about: About,
    /// How wide the language and presenter controls were last frame, so the top
    /// bar can put them on their own row when the tabs leave too little room.
    top_right_width: f32,
    /// The zoom presenter mode set last, to tell the user's Ctrl+plus/minus from it.
    presenter_zoom: Option<f32>,
    tab: Tab,
    view: ViewSettings,
    tabs: Tabs,
}

impl NetdbgApp {
    /// Builds the app from eframe's context, restoring saved settings when there are any.
    pub fn new(cc: &eframe::CreationContext<'_>) -> Self {
        Self::restored(&cc.egui_ctx, cc.storage)
    }

    /// Builds the app, restoring saved settings when `storage` has any (eframe's
    /// window and the CPU-drawn one, see `window::software`).
    pub fn restored(ctx: &egui::Context, storage: Option<&dyn eframe::Storage>) -> Self {
        let (settings, unreadable) = load_settings(storage);
        let mut app = Self::with_settings(ctx, settings);
        app.settings_notice = unreadable;
        app
    }

    /// Whether the window says the saved settings could not be read.
    pub fn shows_settings_notice(&self) -> bool {
        self.settings_notice
    }

    pub fn with_settings(ctx: &egui::Context, settings: Settings) -> Self {
        install_fonts(ctx);
        // A blinking cursor repaints twice a second for as long as a field has
        // focus (2.3% of a core here, measured by benches/gui_idle.sh FOCUS=1);
        // a steady one costs nothing.
        ctx.all_styles_mut(|style| style.visuals.text_cursor.blink = false);
        settings.view.apply_zoom(ctx);
        settings.view.theme.apply(ctx);
        Self {
            lang: settings.lang,
            settings_notice: false,
            portable_problem: None,
            about: About::default(),
            probe: None,
            system_fonts: None,
            top_right_width: 0.0,
            presenter_zoom: None,
            tab: settings.tab,
            view: settings.view,
            tabs: Tabs::new(settings, ctx),
        }
    }

    /// Turns on the benchmark measurements (see [`Probe`]).
    pub fn with_probe(mut self, probe: Option<Probe>) -> Self {
        self.probe = probe;
        self
    }

    /// Says what is wrong with portable mode's settings folder.
    pub fn with_portable_problem(mut self, problem: Option<PortableProblem>) -> Self {
        self.portable_problem = problem;
        self
    }

    /// Falls back on the system's fonts for glyphs no bundled font has (the
    /// native window; tests keep to the bundled fonts).
    pub fn with_system_fonts(mut self) -> Self {
        self.system_fonts = Some(SystemFontsAfterFirstFrame::default());
        self
    }

    pub fn settings(&self) -> Settings {
        self.tabs.settings(self.lang, self.tab, self.view)
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
        if let Some(problem) = &self.portable_problem {
            let mut dismissed = false;
            ui.horizontal(|ui| {
                crate::ui::error_ui(ui, &problem.describe(self.lang));
                dismissed = ui.button(texts.dismiss).clicked();
            });
            if dismissed {
                self.portable_problem = None;
            }
        }
        ui.horizontal_wrapped(|ui| {
            for &tab in Tab::ALL {
                ui.selectable_value(&mut self.tab, tab, tab.title(texts));
            }
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
                // Applied where every frame starts (logic), like a restored setting.
                egui::ComboBox::from_label(texts.theme)
                    .selected_text(self.view.theme.name(texts))
                    .show_ui(ui, |ui| {
                        for choice in ThemeChoice::ALL {
                            ui.selectable_value(&mut self.view.theme, choice, choice.name(texts));
                        }
                    });
                let presenter = ui
                    .toggle_value(&mut self.view.presenter, texts.presenter_mode)
                    .on_hover_text(texts.presenter_tip);
                if presenter.changed() {
                    self.view.apply_zoom(ui.ctx());
                    self.presenter_zoom = None;
                }
                if ui.button(texts.about).clicked() {
                    self.about.show();
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

/// One frame, as the window runs it: eframe's, or the CPU-drawn one.
impl NetdbgApp {
    /// Before any drawing: the engine's events, settings that take effect.
    /// `previous_frame_cpu` is the seconds the previous frame took (for the probe).
    pub fn frame_logic(&mut self, ctx: &egui::Context, previous_frame_cpu: Option<f32>) {
        if let Some(probe) = &mut self.probe {
            let (udp, tcp) = (self.tabs.udp.counters(), self.tabs.tcp_server.counters());
            let received = (udp.rx_packets + tcp.rx_packets, udp.rx_bytes + tcp.rx_bytes);
            probe.frame(ctx, previous_frame_cpu, received);
        }
        self.view.theme.apply(ctx);
        self.presenter_zoom = self.view.fit_zoom(ctx, self.presenter_zoom);
        if let Some(system_fonts) = &mut self.system_fonts {
            system_fonts.frame(ctx);
        }
        self.tabs.logic(ctx, self.lang);
        if let Some(probe) = &mut self.probe {
            probe.logic_done();
        }
    }

    /// Lays out the window.
    pub fn frame_ui(&mut self, ui: &mut egui::Ui) {
        egui::Panel::top("top_bar")
            .frame(crate::ui::backdrop::side_or_top_panel(ui.style()))
            .show(ui, |ui| self.top_bar_ui(ui));
        self.tabs.ui(self.tab, ui, self.lang, &mut self.view);
        self.about.ui(ui.ctx(), self.lang.texts());
        if let Some(probe) = &mut self.probe {
            probe.laid_out();
        }
    }

    /// The frame is on the screen (a window that can tell: the one drawn on the CPU).
    pub fn frame_presented(&mut self) {
        if let Some(probe) = &mut self.probe {
            probe.presented();
        }
    }

    /// Keeps the settings for the next start.
    pub fn save_settings(&self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.settings());
    }
}

impl eframe::App for NetdbgApp {
    fn logic(&mut self, ctx: &egui::Context, frame: &mut eframe::Frame) {
        self.frame_logic(ctx, frame.info().cpu_usage);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame_ui(ui);
    }

    fn raw_input_hook(&mut self, _ctx: &egui::Context, raw_input: &mut egui::RawInput) {
        crate::ui::fonts::cap_glyph_atlas(raw_input);
    }

    fn clear_color(&self, visuals: &egui::Visuals) -> [f32; 4] {
        crate::ui::backdrop::clear_color(visuals)
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.save_settings(storage);
    }
}
