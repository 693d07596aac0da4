//! The theme: System, Light or Dark from the top bar, kept across restarts.

use egui_kittest::kittest::Queryable;
use netdbg::app::Settings;
use netdbg::i18n::Lang;
use netdbg::ui::teaching::ThemeChoice;

mod support;
use support::{harness, wait_until};

fn settings(lang: Lang, theme: ThemeChoice) -> Settings {
    let mut settings = Settings {
        lang,
        ..Settings::default()
    };
    settings.view.theme = theme;
    settings
}

#[test]
fn light_and_dark_are_picked_in_the_top_bar_and_kept() {
    for lang in [Lang::En, Lang::Zh] {
        let texts = lang.texts();
        let mut harness = harness(settings(lang, ThemeChoice::Dark));
        assert_eq!(harness.ctx.theme(), egui::Theme::Dark);
        harness.get_by_label(texts.theme).click();
        harness.run();
        harness.get_by_label(texts.theme_light).click();
        wait_until(&mut harness, "the light theme", |h| {
            h.ctx.theme() == egui::Theme::Light
        });
        assert!(!harness.ctx.global_style().visuals.dark_mode);
        let saved = harness.state().settings();
        assert_eq!(saved.view.theme, ThemeChoice::Light);
        // The next start is light from its first frame.
        let restarted = support::harness(saved);
        assert_eq!(restarted.ctx.theme(), egui::Theme::Light);
    }
}
