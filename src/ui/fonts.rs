//! A GB2312 cut of Droid Sans Fallback ships inside the binary, so Chinese renders
//! on a fresh machine (and in headless tests) with no CJK font installed, with the
//! GB2312 symbols it lacks (℃, ①, Ⅻ…) cut from Noto Sans CJK SC. They go after
//! egui's own fonts, which cover Latin text and punctuation they lack.
//! Glyphs none of them has (a rare name like 喆, Traditional 網絡) come from the
//! system's fonts, looked up once the first frame is on screen.

use std::sync::Arc;

use egui::FontFamily;
use egui::epaint::text::{
    FallbackRequest, FontData, FontInsert, FontPriority, FontProvider, InsertFontFamily,
};

pub const CJK_FONT: &[u8] = include_bytes!("../../assets/fonts/cjk-gb2312.ttf");
/// The GB2312 symbols Droid Sans Fallback lacks (℃ ※ Ⅰ–Ⅻ ①–⑳ ⑴–⒇ ∥ ⊥ 〈 〉…),
/// with the rest of GBK's symbol rows, from Noto Sans CJK SC: 26 KB.
pub const CJK_SYMBOLS_FONT: &[u8] = include_bytes!("../../assets/fonts/cjk-symbols.otf");

pub fn install_fonts(ctx: &egui::Context) {
    for (name, font) in [("cjk-gb2312", CJK_FONT), ("cjk-symbols", CJK_SYMBOLS_FONT)] {
        let families = [FontFamily::Proportional, FontFamily::Monospace]
            .into_iter()
            .map(|family| InsertFontFamily {
                family,
                priority: FontPriority::Lowest,
            })
            .collect();
        ctx.add_font(FontInsert::new(name, FontData::from_static(font), families));
    }
}

/// The widest the glyph atlas (egui's font texture) may be. egui makes it as wide
/// as the renderer allows (16,384 with llvmpipe) and grows it downwards, so a few
/// hundred glyphs took a 16,384-pixel-wide strip, kept in memory twice (egui's
/// image and the renderer's texture) and uploaded whole when it grew: 1.7 MB more
/// idle, 3 MB more with 10,000 clients listed. 2,048 × 2,048 holds ~14,000 CJK
/// glyphs at the default size, more than a window can show at once.
const GLYPH_ATLAS_SIDE: usize = 2048;

/// Call from the window's raw-input hook, before each frame: keeps the glyph atlas
/// (the only texture netdbg makes) at most [`GLYPH_ATLAS_SIDE`] wide.
pub fn cap_glyph_atlas(raw_input: &mut egui::RawInput) {
    let side = raw_input
        .max_texture_side
        .map_or(GLYPH_ATLAS_SIDE, |side| side.min(GLYPH_ATLAS_SIDE));
    raw_input.max_texture_side = Some(side);
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
    Arc::new(DrawnGlyphsOnly(
        egui_system_font_provider::SystemFontProvider::new(),
    ))
}

/// Passes on a system font only if it draws the glyph. A font may map a character
/// to an empty outline (WenQuanYi Micro Hei's ℃ has only a bitmap, which egui does
/// not draw): then ℃ showed as a blank. The other generic family is asked next
/// (for ℃: DejaVu Sans); with none that draws it, egui shows its □.
pub struct DrawnGlyphsOnly<P>(pub P);

impl<P: FontProvider> FontProvider for DrawnGlyphsOnly<P> {
    fn font_for(&self, request: &FallbackRequest<'_>) -> Option<FontInsert> {
        let ch = request.cluster.chars().next()?;
        let other = match request.family {
            FontFamily::Monospace => FontFamily::Proportional,
            _ => FontFamily::Monospace,
        };
        let found = self
            .0
            .font_for(request)
            .filter(|font| draws(&font.data, ch));
        found.or_else(|| {
            let again = FallbackRequest {
                cluster: request.cluster,
                family: &other,
            };
            let font = self
                .0
                .font_for(&again)
                .filter(|font| draws(&font.data, ch))?;
            Some(FontInsert {
                families: vec![InsertFontFamily {
                    family: request.family.clone(),
                    priority: FontPriority::Lowest,
                }],
                ..font
            })
        })
    }
}

/// Whether the font has an outline for `ch` that covers some area (a space
/// covers none, but no font is asked for one).
pub fn draws(font: &FontData, ch: char) -> bool {
    use skrifa::MetadataProvider;
    use skrifa::prelude::{LocationRef, Size};
    let Ok(face) = skrifa::FontRef::from_index(font.as_ref(), font.index) else {
        return false;
    };
    let Some(glyph) = face.charmap().map(ch) else {
        return false;
    };
    face.glyph_metrics(Size::unscaled(), LocationRef::default())
        .bounds(glyph)
        .is_some_and(|bounds| bounds.x_max > bounds.x_min && bounds.y_max > bounds.y_min)
}
