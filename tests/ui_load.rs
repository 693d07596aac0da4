//! The Load tab in a headless window: a small TCP run against an in-test echo
//! server shows its counters and round trips, lands in the table of runs, and
//! exports as CSV and JSON; a bad field is named, not a panic.

mod support;

use std::sync::Arc;

use egui_kittest::kittest::Queryable;
use netdbg::app::{Settings, Tab};
use netdbg::engine::echo::{EchoConfig, EchoProtocol, EchoServer};
use netdbg::i18n::Lang;
use netdbg::ui::load::{ExportFormat, LoadProtocol, LoadSettings};
use support::{harness, shows, wait_for_text, wait_until};

fn echo_server(protocol: EchoProtocol) -> EchoServer {
    let (tx, _events) = crossbeam_channel::unbounded();
    let config = EchoConfig::new("127.0.0.1:0".parse().expect("addr"), protocol);
    EchoServer::start(&config, tx, Arc::new(|| {})).expect("echo server")
}

fn settings(lang: Lang, load: LoadSettings) -> Settings {
    Settings {
        lang,
        tab: Tab::Load,
        load,
        ..Settings::default()
    }
}

#[test]
fn a_tcp_run_shows_its_counters_and_lands_in_the_table() {
    let echo = echo_server(EchoProtocol::Tcp);
    let load = LoadSettings {
        protocol: LoadProtocol::Tcp,
        target: echo.local_addr().to_string(),
        connections: "20".to_owned(),
        messages: "5".to_owned(),
        size: "32".to_owned(),
        expect_reply: true,
        ..LoadSettings::default()
    };
    let mut harness = harness(settings(Lang::En, load));
    assert!(shows(&harness, "No run yet"));
    harness.get_by_label("Start").click();
    wait_until(&mut harness, "the run to finish", |h| {
        h.state().load().runs().len() == 1
    });
    let run = harness.state().load().runs().next().expect("a run").clone();
    assert_eq!(run.snapshot.connected, 20);
    assert_eq!(run.snapshot.sent, 100);
    assert_eq!(run.snapshot.received, 100);
    assert!(run.snapshot.rtt.summary.is_some_and(|rtt| rtt.p50_us > 0.0));
    harness.run();
    // The live counters and the row: its target, and 100 sent and received.
    assert!(shows(&harness, "Round trip (µs)"));
    assert!(shows(&harness, &echo.local_addr().to_string()));
    assert!(harness.query_all_by_label("100").count() >= 2);
    assert!(shows(&harness, "Start"), "ready for another run");

    let dir = std::env::temp_dir().join(format!("netdbg-ui-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a folder");
    let csv = dir.join("runs.csv");
    harness
        .state_mut()
        .load_mut()
        .export_to(&csv, ExportFormat::Csv, Lang::En);
    let text = std::fs::read_to_string(&csv).expect("the CSV");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].starts_with("started,protocol,target,secs,connected"),
        "{text}"
    );
    assert!(lines[1].contains(",TCP,"), "{text}");
    let json = dir.join("runs.json");
    harness
        .state_mut()
        .load_mut()
        .export_to(&json, ExportFormat::Json, Lang::En);
    let runs: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("the JSON")).expect("JSON");
    assert_eq!(runs[0]["connected"], 20);
    assert_eq!(runs[0]["received"], 100);
    assert!(runs[0]["rtt_us"]["p99"].as_f64().is_some());
    harness.run();
    wait_for_text(&mut harness, "Exported to");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_fields_are_named_in_either_language() {
    for (lang, expected, start) in [
        (
            Lang::En,
            "Connections: \"many\" is not a valid number",
            "Start",
        ),
        (Lang::Zh, "连接数：“many”不是有效的数字", "开始"),
    ] {
        let load = LoadSettings {
            connections: "many".to_owned(),
            ..LoadSettings::default()
        };
        let mut harness = harness(settings(lang, load));
        harness.get_by_label(start).click();
        wait_for_text(&mut harness, expected);
        assert!(!harness.state().load().is_running());
    }
    let load = LoadSettings {
        protocol: LoadProtocol::Udp,
        size: "70000".to_owned(),
        ..LoadSettings::default()
    };
    let mut harness = harness(settings(Lang::En, load));
    harness.get_by_label("Start").click();
    wait_for_text(&mut harness, "over the UDP limit of 65507 bytes");
}
