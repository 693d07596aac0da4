//! The About dialog: version, commit, build date, licences and the project's
//! address, in the window's language.

use egui_kittest::kittest::Queryable;
use netdbg::app::Settings;
use netdbg::build_info;
use netdbg::i18n::Lang;

mod support;
use support::{harness, shows, wait_until};

#[test]
fn about_tells_what_this_build_is_and_closes() {
    for lang in [Lang::En, Lang::Zh] {
        let texts = lang.texts();
        let mut harness = harness(Settings {
            lang,
            ..Settings::default()
        });
        harness.get_by_label(texts.about).click();
        wait_until(&mut harness, "the About dialog", |h| {
            shows(h, texts.about_title)
        });
        for shown in [
            build_info::VERSION,
            build_info::GIT_COMMIT,
            build_info::BUILD_DATE,
            texts.about_licence_text,
            build_info::HOMEPAGE,
        ] {
            assert!(shows(&harness, shown), "{shown:?} in the dialog");
        }
        // A build from source has no licence file beside it; the dialog says where
        // they are instead of a dead button.
        assert!(shows(&harness, texts.about_third_party_missing));
        // Settled where its anchor puts it once its size is known, then closed.
        harness.run();
        harness.get_by_label(texts.dismiss).click();
        wait_until(&mut harness, "the dialog to close", |h| {
            !shows(h, texts.about_title)
        });
    }
}
