//! A GB2312 cut of Droid Sans Fallback ships inside the binary, so Chinese renders
//! on a fresh machine (and in headless tests) with no CJK font installed. It goes
//! after egui's own fonts, which cover Latin text and punctuation it lacks.
//! Glyphs none of them has (a rare name like 喆, Traditional 網絡) come from the
//! system's fonts, looked up once the first frame is on screen.

use std::sync::Arc;

use egui::FontFamily;
use egui::epaint::text::{FontData, FontInsert, FontPriority, InsertFontFamily};

const CJK_FONT: &[u8] = include_bytes!("../../assets/fonts/cjk-gb2312.ttf");

pub fn install_fonts(ctx: &egui::Context) {
    let families = [FontFamily::Proportional, FontFamily::Monospace]
        .into_iter()
        .map(|family| InsertFontFamily {
            family,
            priority: FontPriority::Lowest,
        })
        .collect();
    ctx.add_font(FontInsert::new(
        "cjk-gb2312",
        FontData::from_static(CJK_FONT),
        families,
    ));
}

/// The system's fonts as a fallback, for the native window. eframe would start
/// enumerating them (~20 ms of a core here, fontconfig) while the first frame is
/// drawn; this starts it right after.
#[derive(Debug, Default)]
pub struct SystemFontsAfterFirstFrame {
    added: bool,
}

impl SystemFontsAfterFirstFrame {
    /// Call at the start of every frame.
    pub fn frame(&mut self, ctx: &egui::Context) {
        if self.added || ctx.cumulative_frame_nr() == 0 {
            return;
        }
        self.added = true;
        ctx.add_font_provider(system_font_provider());
    }
}

/// Finds an installed font for a glyph no bundled font has (fontique: the
/// system's own fallback — fontconfig, DirectWrite, CoreText), so 喆, 堃 or
/// Traditional 網絡 show whenever the system has a CJK font; □ only when none has
/// the glyph. Enumerating the fonts starts on a thread of its own.
pub fn system_font_provider() -> Arc<dyn egui::epaint::text::FontProvider> {
    Arc::new(egui_system_font_provider::SystemFontProvider::new())
}
