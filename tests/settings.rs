//! The persisted settings: a JSON round trip keeps what the user set in every tab,
//! and `load_settings` copes with no settings, good ones, garbage and old partial
//! ones, saying so only when something stored could not be read.

use std::collections::HashMap;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use netdbg::app::{NetdbgApp, Settings, Tab, load_settings};
use netdbg::codec::{Checksum, LineEnding, PayloadMode, SendOptions, TextEncoding};
use netdbg::i18n::Lang;
use netdbg::ui::log::view::{ShowMode, TimestampMode};
use netdbg::ui::send::quick_commands::Preset;

mod support;
use support::{harness, shows, wait_until};

/// The notice the window shows when stored settings could not be read.
const NOTICE: &str = "The saved settings could not be read";

/// eframe's storage, in memory.
#[derive(Default)]
struct FakeStorage {
    values: HashMap<String, String>,
}

impl FakeStorage {
    fn with_app_value(text: &str) -> Self {
        let mut storage = Self::default();
        eframe::Storage::set_string(&mut storage, eframe::APP_KEY, text.to_owned());
        storage
    }
}

impl eframe::Storage for FakeStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.values.get(key).cloned()
    }

    fn set_string(&mut self, key: &str, value: String) {
        self.values.insert(key.to_owned(), value);
    }

    fn remove_string(&mut self, key: &str) {
        self.values.remove(key);
    }

    fn flush(&mut self) {}
}

/// Settings that differ from the defaults in every tab.
fn changed_settings() -> Settings {
    let mut settings = Settings {
        lang: Lang::Zh,
        tab: Tab::TcpServer,
        ..Settings::default()
    };
    settings.udp.local_port = "7001".to_owned();
    settings.udp.target = "10.0.0.2:7002".to_owned();
    settings.udp.display.encoding = TextEncoding::Gbk;
    settings.udp.display.show = ShowMode::Both;
    settings.udp.display.timestamps = TimestampMode::Off;
    settings.udp.display.show_sent = false;
    settings.udp.send.options = SendOptions {
        mode: PayloadMode::Text,
        escapes: true,
        vars: false,
        line_ending: LineEnding::CrLf,
        checksum: Checksum::Crc16Modbus,
    };
    settings.udp.send.history = vec!["second".to_owned(), "first".to_owned()];
    settings.udp.send.presets = vec![
        Preset {
            name: "read".to_owned(),
            text: "01 03 00 00 00 0A".to_owned(),
            options: SendOptions {
                mode: PayloadMode::Hex,
                checksum: Checksum::Crc16Modbus,
                ..SendOptions::default()
            },
        },
        Preset {
            name: "你好".to_owned(),
            text: "你好\\r\\n".to_owned(),
            options: SendOptions {
                escapes: true,
                ..SendOptions::default()
            },
        },
    ];
    settings.udp.send.jobs.repeat_ms = "250".to_owned();
    settings.udp.send.jobs.repeat_count = "7".to_owned();
    settings.tcp_server.local_port = "9100".to_owned();
    settings.tcp_server.max_clients = 3;
    settings.tcp_server.send_to_all = true;
    settings.tcp_server.auto_reply.reply_enabled = true;
    settings.tcp_server.auto_reply.reply = "收到".to_owned();
    settings.tcp_server.send.history = vec!["hello clients".to_owned()];
    settings.tcp_client.target = "example.com:80".to_owned();
    settings.tcp_client.local_port = "50000".to_owned();
    settings.tcp_client.send.options.line_ending = LineEnding::Lf;
    settings.tcp_client.send.presets = vec![Preset {
        name: "GET".to_owned(),
        text: "GET / HTTP/1.0\\r\\n\\r\\n".to_owned(),
        options: SendOptions {
            escapes: true,
            ..SendOptions::default()
        },
    }];
    settings.files.server.local_port = "9998".to_owned();
    settings.files.download.server = "127.0.0.1:9998".to_owned();
    settings.files.download.name = "report.pdf".to_owned();
    settings.load.protocol = netdbg::ui::load::LoadProtocol::Udp;
    settings.load.target = "10.0.0.9:7007".to_owned();
    settings.load.connections = "5000".to_owned();
    settings.load.rate = "1000".to_owned();
    settings.load.expect_reply = false;
    settings
}

/// Checks field by field what `changed_settings` set (`Settings` has no `PartialEq`).
#[track_caller]
fn assert_changed(settings: &Settings) {
    let expected = changed_settings();
    assert_eq!(settings.lang, Lang::Zh);
    assert_eq!(settings.tab, Tab::TcpServer);
    assert_eq!(settings.udp.local_port, "7001");
    assert_eq!(settings.udp.target, "10.0.0.2:7002");
    assert_eq!(settings.udp.display.encoding, TextEncoding::Gbk);
    assert_eq!(settings.udp.display.show, ShowMode::Both);
    assert_eq!(settings.udp.display.timestamps, TimestampMode::Off);
    assert!(!settings.udp.display.show_sent);
    assert_eq!(settings.udp.send.options, expected.udp.send.options);
    assert_eq!(settings.udp.send.history, ["second", "first"]);
    assert_eq!(settings.udp.send.presets, expected.udp.send.presets);
    assert_eq!(settings.udp.send.jobs.repeat_ms, "250");
    assert_eq!(settings.udp.send.jobs.repeat_count, "7");
    assert_eq!(settings.tcp_server.local_port, "9100");
    assert_eq!(settings.tcp_server.max_clients, 3);
    assert!(settings.tcp_server.send_to_all);
    assert!(settings.tcp_server.auto_reply.reply_enabled);
    assert_eq!(settings.tcp_server.auto_reply.reply, "收到");
    assert_eq!(settings.tcp_server.send.history, ["hello clients"]);
    assert_eq!(settings.tcp_client.target, "example.com:80");
    assert_eq!(settings.tcp_client.local_port, "50000");
    assert_eq!(settings.tcp_client.send.options.line_ending, LineEnding::Lf);
    assert_eq!(
        settings.tcp_client.send.presets,
        expected.tcp_client.send.presets
    );
    assert_eq!(settings.files.server.local_port, "9998");
    assert_eq!(settings.files.download.server, "127.0.0.1:9998");
    assert_eq!(settings.files.download.name, "report.pdf");
}

/// The Load tab's part of `changed_settings()` (newer than the landed release's file).
fn assert_load_changed(settings: &Settings) {
    assert_eq!(settings.load.protocol, netdbg::ui::load::LoadProtocol::Udp);
    assert_eq!(settings.load.target, "10.0.0.9:7007");
    assert_eq!(settings.load.connections, "5000");
    assert_eq!(settings.load.rate, "1000");
    assert!(!settings.load.expect_reply);
}

/// Settings (or a part of them) as JSON, to compare everything at once.
fn as_json(settings: &impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(settings).expect("settings serialize")
}

#[test]
fn json_round_trip_keeps_every_tab() {
    let settings = changed_settings();
    let text = serde_json::to_string(&settings).expect("settings serialize");
    let back: Settings = serde_json::from_str(&text).expect("settings deserialize");
    assert_changed(&back);
    assert_load_changed(&back);
    assert_eq!(as_json(&back), as_json(&settings), "nothing else changed");
}

#[test]
fn nothing_stored_gives_defaults_quietly() {
    let (settings, unreadable) = load_settings(None);
    assert!(!unreadable);
    assert_eq!(as_json(&settings), as_json(&Settings::default()));

    let empty = FakeStorage::default();
    let (settings, unreadable) = load_settings(Some(&empty));
    assert!(!unreadable, "an empty storage is a first start, not damage");
    assert_eq!(as_json(&settings), as_json(&Settings::default()));
}

#[test]
fn stored_settings_come_back() {
    let mut storage = FakeStorage::default();
    eframe::set_value(&mut storage, eframe::APP_KEY, &changed_settings());
    assert!(
        storage.values.contains_key(eframe::APP_KEY),
        "eframe wrote the settings under the app key"
    );
    let (settings, unreadable) = load_settings(Some(&storage));
    assert!(!unreadable);
    assert_changed(&settings);
    assert_eq!(as_json(&settings), as_json(&changed_settings()));
}

#[test]
fn garbage_gives_defaults_and_the_notice() {
    for garbage in ["not ron at all", "", "(lang: Klingon)", "(udp: 42)"] {
        let storage = FakeStorage::with_app_value(garbage);
        let (settings, unreadable) = load_settings(Some(&storage));
        assert!(unreadable, "{garbage:?} should be reported");
        assert_eq!(
            as_json(&settings),
            as_json(&Settings::default()),
            "{garbage:?} gives the defaults"
        );
    }
}

#[test]
fn old_partial_settings_load_with_defaults_for_the_rest() {
    let defaults = Settings::default();

    let storage = FakeStorage::with_app_value("(lang: En)");
    let (settings, unreadable) = load_settings(Some(&storage));
    assert!(!unreadable);
    assert_eq!(settings.lang, Lang::En);
    let expected = Settings {
        lang: Lang::En,
        ..Settings::default()
    };
    assert_eq!(as_json(&settings), as_json(&expected));

    // A nested struct with only some fields, and a field no longer known.
    let old = r#"(
        lang: Zh,
        tab: TcpClient,
        udp: (target: "192.168.1.7:502", send: (history: ["AT"])),
        serial: (port: "COM3"),
    )"#;
    let storage = FakeStorage::with_app_value(old);
    let (settings, unreadable) = load_settings(Some(&storage));
    assert!(!unreadable, "an older file loads");
    assert_eq!(settings.lang, Lang::Zh);
    assert_eq!(settings.tab, Tab::TcpClient);
    assert_eq!(settings.udp.target, "192.168.1.7:502");
    assert_eq!(settings.udp.send.history, ["AT"]);
    assert_eq!(settings.udp.local_port, defaults.udp.local_port);
    assert_eq!(settings.udp.send.options, defaults.udp.send.options);
    assert_eq!(
        settings.udp.send.jobs.repeat_ms,
        defaults.udp.send.jobs.repeat_ms
    );
    assert_eq!(as_json(&settings.tcp_server), as_json(&defaults.tcp_server));
}

/// What the landed release (094b45d, before the traffic core) saved for
/// `changed_settings()`, kept as it wrote it.
const LANDED_RELEASE_FILE: &str = include_str!("fixtures/settings-landed-094b45d.ron");

#[test]
fn a_settings_file_saved_by_the_landed_release_loads() {
    let storage = FakeStorage::with_app_value(LANDED_RELEASE_FILE);
    let (settings, unreadable) = load_settings(Some(&storage));
    assert!(!unreadable, "the landed release's file is readable");
    assert_changed(&settings);
    // A field that release did not have takes its default.
    let defaults = Settings::default();
    assert_eq!(settings.udp.display.log_mib, defaults.udp.display.log_mib);
    // The window starts on it, in its language and tab, and says nothing.
    let harness = app_from_storage(&storage);
    assert!(!harness.state().shows_settings_notice());
    assert_changed(&harness.state().settings());
    assert!(
        shows(&harness, "开始监听"),
        "the TCP server tab, in Chinese"
    );
}

#[test]
fn what_the_app_saves_it_loads_again() {
    let mut storage = FakeStorage::default();
    {
        let mut harness = harness(changed_settings());
        harness.step();
        eframe::App::save(harness.state_mut(), &mut storage);
    }
    let (settings, unreadable) = load_settings(Some(&storage));
    assert!(!unreadable);
    assert_changed(&settings);
}

#[test]
fn the_window_says_nothing_about_settings_it_was_given() {
    let mut settings = changed_settings();
    settings.lang = Lang::En;
    let mut harness = harness(settings);
    harness.step();
    assert!(!harness.state().shows_settings_notice());
    assert!(!shows(&harness, NOTICE));
}

/// The app as eframe starts it, with `storage` behind the creation context.
fn app_from_storage(storage: &FakeStorage) -> Harness<'_, NetdbgApp> {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1100.0, 720.0))
        .build_eframe(|cc| {
            cc.storage = Some(storage);
            NetdbgApp::new(cc)
        });
    harness.run();
    harness
}

#[test]
fn the_window_explains_unreadable_settings_until_dismissed() {
    // Stored garbage in English: the defaults' language depends on the machine.
    let storage = FakeStorage::with_app_value("not ron at all");
    let mut harness = app_from_storage(&storage);
    assert!(harness.state().shows_settings_notice());
    let texts = harness.state().settings().lang.texts();
    let notice = texts.settings_reset;
    assert!(
        shows(&harness, notice),
        "the notice is on screen: {notice:?}"
    );
    harness.get_by_label(texts.dismiss).click();
    wait_until(&mut harness, "the notice to go away", |h| !shows(h, notice));
    assert!(!harness.state().shows_settings_notice());
}

#[test]
fn the_window_starts_with_stored_settings() {
    let mut stored = changed_settings();
    stored.lang = Lang::En;
    stored.tab = Tab::TcpClient;
    let mut storage = FakeStorage::default();
    eframe::set_value(&mut storage, eframe::APP_KEY, &stored);
    let harness = app_from_storage(&storage);
    assert!(!harness.state().shows_settings_notice());
    assert!(!shows(&harness, NOTICE));
    assert_eq!(harness.state().settings().tab, Tab::TcpClient);
    assert_eq!(
        harness.get_by_label("Server").value().as_deref(),
        Some("example.com:80"),
        "the TCP client tab shows the stored server"
    );
}
