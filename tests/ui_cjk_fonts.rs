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
