//! Presenter mode: a bigger UI for a projector, fewer advanced settings, and short
//! captions that say what the sockets just did.

pub mod frames;
pub mod rate_plot;
pub mod timeline;

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use egui::RichText;
use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, Texts};

/// How the window looks, kept across restarts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ViewSettings {
    pub presenter: bool,
    pub rate_plot: bool,
    pub timeline: bool,
    /// Presenter mode's zoom in percent; Ctrl+plus / Ctrl+minus change it to fit
    /// the projector, and it is kept.
    pub presenter_zoom_percent: u16,
    pub theme: ThemeChoice,
}

/// Light or dark, or as the system says (egui follows the OS where it can tell).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThemeChoice {
    #[default]
    System,
    Light,
    Dark,
}

impl ThemeChoice {
    pub const ALL: [Self; 3] = [Self::System, Self::Light, Self::Dark];

    pub fn name(self, texts: &Texts) -> &'static str {
        match self {
            Self::System => texts.theme_system,
            Self::Light => texts.theme_light,
            Self::Dark => texts.theme_dark,
        }
    }

    /// Makes `ctx` look this way, unless it already does. Called every frame:
    /// the choice here is what counts, whatever restored egui's memory set.
    pub fn apply(self, ctx: &egui::Context) {
        let preference = match self {
            Self::System => egui::ThemePreference::System,
            Self::Light => egui::ThemePreference::Light,
            Self::Dark => egui::ThemePreference::Dark,
        };
        if ctx.options(|options| options.theme_preference) != preference {
            ctx.set_theme(preference);
        }
    }
}

impl Default for ViewSettings {
    fn default() -> Self {
        Self {
            presenter: false,
            rate_plot: false,
            timeline: false,
            presenter_zoom_percent: PRESENTER_ZOOM_PERCENT,
            theme: ThemeChoice::System,
        }
    }
}

/// Presenter mode's zoom until the user picks another.
pub const PRESENTER_ZOOM_PERCENT: u16 = 150;
/// The zoom factor presenter mode starts with.
pub const PRESENTER_ZOOM: f32 = PRESENTER_ZOOM_PERCENT as f32 / 100.0;
const ZOOM_RANGE: std::ops::RangeInclusive<u16> = 50..=400;
/// Presenter mode zooms no further than leaves this many points of height: enough
/// for the caption, the timeline, the connection map and five log rows at once
/// (at 1280×720 that is 116%, at 1366×768 124%).
pub const PRESENTER_FIT_HEIGHT: f32 = 620.0;
/// ... and this many points of width (at 1024×768 that leaves 102%).
pub const PRESENTER_FIT_WIDTH: f32 = 1000.0;

impl ViewSettings {
    fn presenter_zoom(&self) -> f32 {
        let percent = if ZOOM_RANGE.contains(&self.presenter_zoom_percent) {
            self.presenter_zoom_percent
        } else {
            PRESENTER_ZOOM_PERCENT
        };
        f32::from(percent) / 100.0
    }

    /// Applies presenter mode's zoom (or restores the normal size).
    pub fn apply_zoom(&self, ctx: &egui::Context) {
        let zoom = if self.presenter {
            self.presenter_zoom().min(window_fit_zoom(ctx))
        } else {
            1.0
        };
        ctx.set_zoom_factor(zoom);
    }

    /// Every frame in presenter mode: remembers a zoom the user chose with the
    /// keyboard (a zoom other than `applied`, the one set last), and keeps the
    /// zoom at the user's choice or less, so the window still holds
    /// [`PRESENTER_FIT_HEIGHT`] × [`PRESENTER_FIT_WIDTH`] points. Returns the zoom
    /// now set.
    pub fn fit_zoom(&mut self, ctx: &egui::Context, applied: Option<f32>) -> Option<f32> {
        if !self.presenter {
            return None;
        }
        let current = ctx.zoom_factor();
        if let Some(applied) = applied
            && (current - applied).abs() > 0.005
        {
            // Ctrl+plus while the window already holds no more keeps the choice
            // (a bigger window will show it); any other change is the new choice.
            let capped = applied < self.presenter_zoom() - 0.005;
            let percent = (current * 100.0).round() as u16;
            if ZOOM_RANGE.contains(&percent) && !(capped && current > applied) {
                self.presenter_zoom_percent = percent;
            }
        }
        let zoom = self.presenter_zoom().min(window_fit_zoom(ctx));
        if (zoom - current).abs() > 0.005 {
            ctx.set_zoom_factor(zoom);
        }
        Some(zoom)
    }
}

/// The largest zoom (at least 1) at which the window is [`PRESENTER_FIT_HEIGHT`]
/// points high and [`PRESENTER_FIT_WIDTH`] wide.
fn window_fit_zoom(ctx: &egui::Context) -> f32 {
    let size = ctx.content_rect().size() * ctx.zoom_factor();
    (size.y / PRESENTER_FIT_HEIGHT)
        .min(size.x / PRESENTER_FIT_WIDTH)
        .max(1.0)
}

/// How long a caption stays on screen.
pub const CAPTION_LIFE: Duration = Duration::from_secs(8);
const MAX_CAPTIONS: usize = 3;

/// The last few captions, newest last; each fades out after [`CAPTION_LIFE`].
#[derive(Debug, Default)]
pub struct Captions {
    items: VecDeque<(Instant, String)>,
}

impl Captions {
    pub fn push(&mut self, text: String) {
        if self.items.len() == MAX_CAPTIONS {
            self.items.pop_front();
        }
        self.items.push_back((Instant::now(), text));
    }

    pub fn clear(&mut self) {
        self.items.clear();
    }

    /// Draws the newest live caption, fading, on a row of its own that is there
    /// even when no caption is (so nothing below jumps when one appears); asks for
    /// frames only while one is fading.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let now = Instant::now();
        self.items
            .retain(|(at, _)| now.saturating_duration_since(*at) < CAPTION_LIFE);
        let size = 16.0;
        let Some((at, text)) = self.items.back() else {
            let height = ui.fonts_mut(|fonts| fonts.row_height(&egui::FontId::proportional(size)));
            ui.add_space(height + ui.spacing().item_spacing.y);
            return;
        };
        let age = now.saturating_duration_since(*at).as_secs_f32();
        let alpha = (1.0 - age / CAPTION_LIFE.as_secs_f32()).clamp(0.2, 1.0);
        let color = ui.visuals().strong_text_color().gamma_multiply(alpha);
        ui.add(egui::Label::new(RichText::new(text.as_str()).size(size).color(color)).truncate());
        // A few frames a second is enough for a fade; none once all are gone.
        ui.ctx().request_repaint_after(Duration::from_millis(250));
    }
}

/// What every traffic tab keeps for the demo views.
#[derive(Debug, Default)]
pub struct TabView {
    pub plot: super::teaching::rate_plot::RatePlot,
    pub captions: Captions,
    pub timeline: super::teaching::timeline::Timeline,
    /// Presenter mode and language as of the last frame drawn.
    pub presenter: bool,
    pub lang: Lang,
    /// In presenter mode, whether the settings column shows: `None` until the
    /// user folds or unfolds it (then it depends on the window's width).
    pub settings_shown: Option<bool>,
}

impl TabView {
    /// Adds a caption, only in presenter mode.
    pub fn caption(&mut self, text: impl FnOnce(&Texts) -> String) {
        if self.presenter {
            self.captions.push(text(self.lang.texts()));
        }
    }
}
