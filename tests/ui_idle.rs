//! Idle means idle: a focused text field asks for no frames (egui's cursor blink
//! repaints twice a second for as long as a field has focus; netdbg's cursor is
//! steady). The cost in the real window is measured by
//! `FOCUS=1 benches/gui_idle.sh` (2.3% of a core blinking, 0.1% steady).

use netdbg::i18n::Lang;
use netdbg::ui::teaching::ViewSettings;

mod support;
use support::{harness, message_box, udp_settings};

#[test]
fn the_text_cursor_does_not_blink_in_any_theme_or_zoom() {
    for presenter in [false, true] {
        let mut settings = udp_settings(Lang::En, None);
        settings.view = ViewSettings {
            presenter,
            ..ViewSettings::default()
        };
        let mut harness = harness(settings);
        message_box(&harness, Lang::En).click();
        harness.step();
        assert!(message_box(&harness, Lang::En).is_focused());
        for theme in [egui::Theme::Dark, egui::Theme::Light] {
            let style = harness.ctx.style_of(theme);
            assert!(
                !style.visuals.text_cursor.blink,
                "the cursor blinks in the {theme:?} theme (presenter mode {presenter})"
            );
        }
    }
}
