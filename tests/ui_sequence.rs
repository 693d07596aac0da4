//! The Sequence panel of the TCP client tab: a run against the tutorial's GBK
//! server (green, then red once the expectation is changed), editing the steps,
//! a script round trip through a TOML file, and a bad script named at its step
//! in both languages.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::mpsc;
use std::thread;

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::kittest::{NodeT, Queryable};
use netdbg::app::{Settings, Tab};
use netdbg::codec::TextEncoding;
use netdbg::engine::sequence::Script;
use netdbg::i18n::Lang;
use netdbg::ui::log::panel::DisplaySettings;
use netdbg::ui::sequence::file::{load_sequence, save_sequence};
use netdbg::ui::sequence::run::StepState;
use netdbg::ui::sequence::steps::{ExpectMode, StepKind, StepSettings};
use netdbg::ui::sequence::{SequenceSettings, run::RunEnd};
use netdbg::ui::tcp_client::TcpClientSettings;

mod support;
use support::{App, harness, node_text, screen_dump, shows, wait_for_text, wait_until};

const GBK_NI_HAO: [u8; 4] = [0xc4, 0xe3, 0xba, 0xc3]; // 你好
const GBK_SHOU_DAO: [u8; 4] = [0xca, 0xd5, 0xb5, 0xbd]; // 收到

/// The tutorial's server, in-process: 收到 in GBK for every read, for every
/// client that connects; what it read goes to the channel.
fn gbk_server() -> (SocketAddr, mpsc::Receiver<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the server");
    let addr = listener.local_addr().expect("server address");
    let (tx, reads) = mpsc::channel();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else {
                return;
            };
            let tx = tx.clone();
            thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = stream.read(&mut buf) {
                    if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                        break;
                    }
                    if stream.write_all(&GBK_SHOU_DAO).is_err() {
                        break;
                    }
                }
            });
        }
    });
    (addr, reads)
}

fn settings(lang: Lang, target: &str, sequence: SequenceSettings) -> Settings {
    Settings {
        lang,
        tab: Tab::TcpClient,
        tcp_client: TcpClientSettings {
            target: target.to_owned(),
            display: DisplaySettings {
                encoding: TextEncoding::Gbk,
                ..DisplaySettings::default()
            },
            sequence,
            ..TcpClientSettings::default()
        },
        ..Settings::default()
    }
}

/// Opens the panel by its header.
fn open_panel(harness: &mut App<'_>, lang: Lang) {
    harness.get_by_label(lang.texts().sequence().title).click();
    harness.step();
    harness.step();
}

fn steps(harness: &App<'_>) -> Vec<StepSettings> {
    harness.state().tcp_client().settings.sequence.steps.clone()
}

/// Replaces the text of step `number`'s field as a user does: click, select all, type.
fn replace_step_text(harness: &mut App<'_>, number: &str, text: &str) {
    let name = format!("Step {number}");
    harness
        .get_by_role_and_label(Role::TextInput, &name)
        .click();
    harness.step();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.step();
    harness
        .get_by_role_and_label(Role::TextInput, &name)
        .type_text(text);
    harness.step();
}

/// Clicks Run and waits until the run ended.
fn run_to_end(harness: &mut App<'_>) {
    harness.get_by_label("Run").click();
    harness.step();
    wait_until(harness, "the run to end", |h| {
        h.state()
            .tcp_client()
            .sequence()
            .run_view()
            .is_some_and(|view| view.end.is_some())
    });
    // One more frame draws what the last report said.
    harness.step();
}

#[test]
fn the_tutorial_exchange_runs_green_then_red_when_the_expectation_changes() {
    let (server, reads) = gbk_server();
    let mut harness = harness(settings(
        Lang::En,
        &server.to_string(),
        SequenceSettings::default(),
    ));
    open_panel(&mut harness, Lang::En);
    assert!(
        shows(&harness, "its own connection"),
        "{}",
        screen_dump(&harness)
    );

    run_to_end(&mut harness);
    assert_eq!(
        reads
            .recv_timeout(support::DEADLINE)
            .expect("the server read"),
        GBK_NI_HAO
    );
    wait_for_text(&mut harness, "2 passed, 0 failed");
    {
        let tab = harness.state().tcp_client();
        let view = tab.sequence().run_view().expect("a run");
        assert!(matches!(view.end, Some(RunEnd::Finished(_))));
        assert_eq!(view.results[1].state, StepState::Pass);
        assert!(view.results[1].ms < 1000, "a reply time, not the deadline");
    }
    // Each step shows its result with its measured time.
    let passes = harness.query_all_by_label_contains("pass ").count();
    assert_eq!(passes, 2, "{}", screen_dump(&harness));
    let timed = harness.query_all_by_label_contains("pass ").all(|node| {
        let text = node_text(&node.accesskit_node()).unwrap_or_default();
        text.ends_with(" ms") && text[5..text.len() - 3].parse::<u64>().is_ok()
    });
    assert!(timed, "{}", screen_dump(&harness));

    replace_step_text(&mut harness, "2", "再见");
    assert_eq!(steps(&harness)[1].text, "再见");
    run_to_end(&mut harness);
    wait_for_text(&mut harness, "1 passed, 1 failed");
    wait_for_text(&mut harness, "FAIL");
    // What came instead of 再见, decoded as the tab's GBK.
    wait_for_text(&mut harness, "got \"收到\" instead");
    let tab = harness.state().tcp_client();
    let view = tab.sequence().run_view().expect("a run");
    assert_eq!(view.results[1].state, StepState::Fail);
    assert!(view.results[1].ms >= 1000, "failed at its deadline");
}

#[test]
fn steps_are_added_reordered_and_removed() {
    let mut harness = harness(settings(
        Lang::En,
        "127.0.0.1:9",
        SequenceSettings::default(),
    ));
    open_panel(&mut harness, Lang::En);
    harness.get_by_label("Add step").click();
    harness.step();
    harness.step();
    assert_eq!(steps(&harness).len(), 3);
    replace_step_text(&mut harness, "3", "third");
    assert_eq!(steps(&harness)[2].text, "third");

    // The third row's Up: the first row's is disabled, but still there.
    harness
        .query_all_by_label("Up")
        .nth(2)
        .expect("row 3's Up")
        .click();
    harness.step();
    harness.step();
    let texts: Vec<String> = steps(&harness).into_iter().map(|s| s.text).collect();
    assert_eq!(texts, ["你好", "third", "收到"]);

    harness
        .query_all_by_label("Down")
        .next()
        .expect("row 1's Down")
        .click();
    harness.step();
    harness.step();
    let texts: Vec<String> = steps(&harness).into_iter().map(|s| s.text).collect();
    assert_eq!(texts, ["third", "你好", "收到"]);

    harness
        .query_all_by_label("Remove")
        .next()
        .expect("row 1's Remove")
        .click();
    harness.step();
    harness.step();
    let texts: Vec<String> = steps(&harness).into_iter().map(|s| s.text).collect();
    assert_eq!(texts, ["你好", "收到"]);
    assert!(
        harness
            .query_by_role_and_label(Role::TextInput, "Step 3")
            .is_none()
    );
}

fn temp_file(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("netdbg-{}-{name}", std::process::id()))
}

#[test]
fn a_script_saves_and_loads_back_and_netdbg_run_reads_it() {
    let repeat = StepSettings {
        kind: StepKind::Repeat,
        times: 3,
        steps: vec![
            StepSettings::send("ping ${seq}"),
            StepSettings {
                expect_mode: ExpectMode::Regex,
                save_as: "n".to_owned(),
                continue_on_fail: true,
                ..StepSettings::expect("pong (\\d+)", 300)
            },
        ],
        ..StepSettings::default()
    };
    let saved = SequenceSettings {
        steps: vec![StepSettings::send("你好"), repeat],
        file: None,
    };
    let mut harness = harness(settings(Lang::En, "127.0.0.1:7", saved.clone()));
    open_panel(&mut harness, Lang::En);
    let path = temp_file("sequence.toml");
    let context = harness.state().tcp_client().sequence_context();
    save_sequence(&path, &saved.steps, &context).expect("save");
    let text = std::fs::read_to_string(&path).expect("the file");
    assert!(text.contains("target = \"127.0.0.1:7\""), "{text}");
    assert!(text.contains("encoding = \"GBK\""), "{text}");
    assert!(text.contains("[[step.step]]"), "{text}");
    Script::parse(&text, path.parent().expect("folder"), None).expect("netdbg run reads it");
    assert_eq!(load_sequence(&path).expect("load"), saved.steps);

    // Loaded into the window: the panel shows the file's steps.
    {
        let tab = harness.state_mut().tcp_client_mut();
        let (panel, settings) = tab.sequence_mut();
        settings.steps.clear();
        panel.load_from(settings, &path);
    }
    wait_for_text(&mut harness, "Loaded 4 steps from");
    assert_eq!(steps(&harness), saved.steps);
    assert!(
        harness
            .query_by_role_and_label(Role::TextInput, "Step 2.2")
            .is_some()
    );
    let _ = std::fs::remove_file(&path);

    // A file that is not a script is refused with its line.
    let bad = temp_file("bad.toml");
    std::fs::write(&bad, "[[step]]\nsend = \"a\n").expect("write");
    let error = load_sequence(&bad).expect_err("not TOML");
    assert!(error.message.starts_with("line 2"), "{error:?}");
    let _ = std::fs::remove_file(&bad);
}

#[test]
fn a_bad_script_is_named_at_its_step_in_both_languages() {
    let bad = SequenceSettings {
        steps: vec![
            StepSettings::send("hi"),
            StepSettings {
                expect_mode: ExpectMode::Regex,
                ..StepSettings::expect("(", 100)
            },
        ],
        file: None,
    };
    for (lang, title, message) in [
        (
            Lang::En,
            "Sequence",
            "Step 2: expect_regex is not a valid regular expression",
        ),
        (
            Lang::Zh,
            "序列",
            "步骤 2：expect_regex 不是有效的正则表达式",
        ),
    ] {
        let mut harness = harness(settings(lang, "127.0.0.1:9", bad.clone()));
        assert!(
            harness.query_by_label(title).is_some(),
            "{}",
            screen_dump(&harness)
        );
        open_panel(&mut harness, lang);
        wait_for_text(&mut harness, message);
        let run = lang.texts().sequence().run;
        assert!(
            harness.get_by_label(run).accesskit_node().is_disabled(),
            "a bad script does not run"
        );
    }
}

#[test]
fn stop_ends_a_long_run_at_once() {
    let (server, _reads) = gbk_server();
    let long = SequenceSettings {
        steps: vec![
            StepSettings::send("你好"),
            StepSettings {
                kind: StepKind::Wait,
                wait_ms: 600_000,
                ..StepSettings::default()
            },
        ],
        file: None,
    };
    let mut harness = harness(settings(Lang::En, &server.to_string(), long));
    open_panel(&mut harness, Lang::En);
    harness.get_by_label("Run").click();
    wait_until(&mut harness, "the send to pass", |h| {
        h.state()
            .tcp_client()
            .sequence()
            .run_view()
            .is_some_and(|view| view.passed == 1)
    });
    wait_for_text(&mut harness, "running…");
    let started = std::time::Instant::now();
    harness.get_by_label("Stop").click();
    wait_for_text(&mut harness, "stopped — 1 passed, 0 failed");
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    assert!(!harness.state().tcp_client().sequence().is_running());
    assert!(harness.query_by_label("Run").is_some());
}

#[test]
fn the_udp_tab_runs_a_sequence_against_a_datagram_peer() {
    let peer = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind the peer");
    let peer_addr = peer.local_addr().expect("peer address");
    thread::spawn(move || {
        let mut buf = [0u8; 2048];
        while let Ok((len, from)) = peer.recv_from(&mut buf) {
            if buf[..len] == GBK_NI_HAO && peer.send_to(&GBK_SHOU_DAO, from).is_err() {
                break;
            }
        }
    });
    let mut settings = support::udp_settings(Lang::En, Some(peer_addr));
    settings.udp.display.encoding = TextEncoding::Gbk;
    let mut harness = harness(settings);
    open_panel(&mut harness, Lang::En);
    harness.get_by_label("Run").click();
    harness.step();
    wait_until(&mut harness, "the run to end", |h| {
        h.state()
            .udp()
            .sequence()
            .run_view()
            .is_some_and(|view| view.end.is_some())
    });
    harness.step();
    wait_for_text(&mut harness, "2 passed, 0 failed");
}
