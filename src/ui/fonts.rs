//! A GB2312 cut of Droid Sans Fallback ships inside the binary, so Chinese renders
//! on a fresh machine (and in headless tests) with no CJK font installed. It goes
//! after egui's own fonts, which cover Latin text and punctuation it lacks.

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
