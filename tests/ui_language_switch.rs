//! Switching the language re-words what the window keeps on screen: messages are
//! kept as data and worded when drawn (a failed save, a send problem, a status).

use egui_kittest::kittest::Queryable;
use netdbg::app::{Settings, Tab};
use netdbg::i18n::Lang;
use netdbg::ui::traffic::TrafficTab;

mod support;
use support::{harness, replace_field, shows, wait_for_text};

#[test]
fn kept_messages_are_reworded_when_the_language_changes() {
    let mut harness = harness(Settings {
        lang: Lang::En,
        tab: Tab::Udp,
        ..Settings::default()
    });
    // A save that fails (no such folder), as the save dialog would start it.
    let missing = std::env::temp_dir().join(format!("netdbg-missing-{}", std::process::id()));
    assert!(!missing.exists());
    let path = missing.join("log.txt");
    let texts = Lang::En.texts();
    harness
        .state_mut()
        .udp_mut()
        .traffic_mut()
        .panel
        .save_to(path, texts);
    wait_for_text(&mut harness, "could not save the log to");
    // A send problem: a repeat interval that is not a number.
    harness.get_by_label("Message").click();
    harness.step();
    harness.get_by_label("Message").type_text("hi");
    harness.step();
    replace_field(&mut harness, "Send every", "soon");
    harness.get_by_label("Start").click();
    wait_for_text(&mut harness, "The interval must be a whole number");
    // A bad local port, shown beside the field.
    replace_field(&mut harness, "Local port", "99999");
    harness.get_by_label("Open").click();
    wait_for_text(&mut harness, "Port 99999 is out of range");

    // The picker itself is renamed by the switch ("语言"), so not `pick`.
    harness.get_by_label("Language").click();
    wait_for_text(&mut harness, "中文");
    harness.get_by_label("中文").click();
    wait_for_text(&mut harness, "日志未能保存到");
    wait_for_text(&mut harness, "间隔要填 1 以上的整数");
    wait_for_text(&mut harness, "端口 99999");
    for english in [
        "could not save the log to",
        "The interval must be a whole number",
        "is out of range",
    ] {
        assert!(!shows(&harness, english), "{english:?} is still shown");
    }
}
