//! Glyphs outside the bundled GB2312 font — rare names (喆, 堃, 镕) and
//! Traditional Chinese (網絡) — come from the system's CJK font when it has one.
//! The harness fails on any glyph no font has, so a frame that lays these out
//! without failing drew them from a real font, not as □.

use std::process::Command;

use egui_kittest::Harness;
use netdbg::app::NetdbgApp;
use netdbg::i18n::Lang;
use netdbg::ui::fonts::system_font_provider;

mod support;
use support::{message_box, replace_message, udp_settings, wait_until};

const OUTSIDE_GB2312: &str = "张喆 王堃 朱镕基 網絡調試";

fn system_has_a_cjk_font() -> bool {
    Command::new("fc-list")
        .arg(":lang=zh")
        .output()
        .is_ok_and(|output| !output.stdout.is_empty())
}

#[test]
fn rare_and_traditional_characters_render_from_the_system_font() {
    if !system_has_a_cjk_font() {
        eprintln!(
            "skipped: no system CJK font (fc-list :lang=zh is empty; CI installs fonts-wqy-microhei)"
        );
        return;
    }
    let settings = udp_settings(Lang::Zh, None);
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1100.0, 720.0))
        .with_context_setup(|ctx| ctx.add_font_provider(system_font_provider()))
        .build_eframe(move |cc| NetdbgApp::with_settings(&cc.egui_ctx, settings));
    harness.run();
    replace_message(&mut harness, Lang::Zh, OUTSIDE_GB2312);
    wait_until(&mut harness, "the text in the message box", |h| {
        message_box(h, Lang::Zh).value().as_deref() == Some(OUTSIDE_GB2312)
    });
    // More frames with the text on screen: every glyph of it was found.
    harness.run();
}

/// The system font found for a character draws it: WenQuanYi Micro Hei maps ℃
/// to an empty outline (its ℃ is a bitmap only), which showed as a blank in the
/// log; another font that draws it is taken instead.
#[test]
fn system_fallback_fonts_draw_the_glyph_they_are_asked_for() {
    use egui::FontFamily;
    use egui::epaint::text::FallbackRequest;
    use netdbg::ui::fonts::draws;
    if !system_has_a_cjk_font() {
        eprintln!("skipped: no system CJK font");
        return;
    }
    let provider = system_font_provider();
    for ch in ["℃", "喆", "網", "≥", "±"] {
        for family in [FontFamily::Monospace, FontFamily::Proportional] {
            let request = FallbackRequest {
                cluster: ch,
                family: &family,
            };
            let font = provider
                .font_for(&request)
                .unwrap_or_else(|| panic!("a system font for {ch} ({family:?})"));
            let first = ch.chars().next().expect("one character");
            assert!(draws(&font.data, first), "{} draws {ch}", font.name);
            assert!(
                font.families.iter().all(|f| f.family == family),
                "{} goes into {family:?}",
                font.name
            );
        }
    }
}

/// WenQuanYi Micro Hei (what `fonts-wqy-microhei` installs) maps ℃ to an empty
/// outline: a provider that offers it for ℃ gets nothing through, for 喆 it does.
#[test]
fn a_font_with_an_empty_glyph_is_not_taken_for_it() {
    use egui::FontFamily;
    use egui::epaint::text::{
        FallbackRequest, FontData, FontInsert, FontPriority, FontProvider, InsertFontFamily,
    };
    use netdbg::ui::fonts::{CJK_FONT, DrawnGlyphsOnly, draws};
    const WQY: &str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";
    let bundled = FontData::from_static(CJK_FONT);
    assert!(draws(&bundled, '你') && !draws(&bundled, '℃') && !draws(&bundled, '喆'));
    let Ok(bytes) = std::fs::read(WQY) else {
        eprintln!("skipped: {WQY} not installed");
        return;
    };
    struct Offers(Vec<u8>);
    impl FontProvider for Offers {
        fn font_for(&self, request: &FallbackRequest<'_>) -> Option<FontInsert> {
            Some(FontInsert {
                name: "wqy".to_owned(),
                data: FontData::from_owned(self.0.clone()),
                families: vec![InsertFontFamily {
                    family: request.family.clone(),
                    priority: FontPriority::Lowest,
                }],
            })
        }
    }
    let wqy = FontData::from_owned(bytes.clone());
    assert!(
        !draws(&wqy, '℃'),
        "WenQuanYi's ℃ is empty (as it was when this was written)"
    );
    let provider = DrawnGlyphsOnly(Offers(bytes));
    let ask = |cluster: &str| {
        provider.font_for(&FallbackRequest {
            cluster,
            family: &FontFamily::Monospace,
        })
    };
    assert!(ask("℃").is_none(), "an empty glyph is not a glyph");
    assert!(ask("喆").is_some());
}

/// Every GB2312 character shows from the fonts inside the binary, with no system
/// font: the harness fails on a glyph no font has. (Droid Sans Fallback alone
/// lacked ℃ ※ Ⅰ–Ⅻ ①–⑳ and 60 more, which showed as □ or blank.)
#[test]
fn every_gb2312_character_renders_from_the_bundled_fonts() {
    use netdbg::codec::TextEncoding;
    use netdbg::ui::fonts::{CJK_SYMBOLS_FONT, draws};
    let symbols = egui::epaint::text::FontData::from_static(CJK_SYMBOLS_FONT);
    assert!(draws(&symbols, '℃') && draws(&symbols, '①') && draws(&symbols, 'Ⅻ'));
    // GB2312's rows, with its symbol rows (A1-A9) as GBK fills them; A1-A9 and
    // B0-F7 by A1-FE, but for user-defined (private use) codes.
    let mut all = String::new();
    for high in (0xA1u8..0xAA).chain(0xB0..0xF8) {
        for low in 0xA1u8..0xFF {
            let text = TextEncoding::Gbk.decode(&[high, low]);
            let private = text.chars().any(|c| ('\u{e000}'..='\u{f8ff}').contains(&c));
            if !private && !text.contains('\u{fffd}') {
                all.push_str(&text);
            }
        }
        all.push('\n');
    }
    let mut harness = support::harness(udp_settings(Lang::Zh, None));
    replace_message(&mut harness, Lang::Zh, &all);
    wait_until(&mut harness, "the text in the message box", |h| {
        message_box(h, Lang::Zh).value().as_deref() == Some(all.as_str())
    });
    harness.run();
}
