//! The Replay panel: a JSON lines capture written here, replayed from the UDP tab
//! to a loopback socket the test owns (what the user sees, and the bytes that
//! arrive, in order, one side or the other), paused and resumed from the TCP
//! client tab, and a file that is not a capture named as such.

use std::io::Read;
use std::net::{TcpListener, UdpSocket};
use std::path::PathBuf;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use egui_kittest::kittest::Queryable;
use netdbg::app::{Settings, Tab};
use netdbg::i18n::Lang;
use netdbg::ui::tcp_client::TcpClientSettings;

mod support;
use support::{App, harness, pick, screen_dump, shows, udp_settings, wait_for_text, wait_until};

fn temp_file(name: &str, content: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("netdbg-ui-replay-{}-{name}", std::process::id()));
    std::fs::write(&path, content).expect("write the capture");
    path
}

/// A netdbg capture: (ms, dir, text) records with one peer.
fn capture(records: &[(u64, &str, &str)]) -> String {
    records
        .iter()
        .map(|(ms, dir, text)| {
            let hex: String = text.bytes().map(|b| format!("{b:02x}")).collect();
            format!(
                "{{\"time\":\"2026-11-25T18:00:0{}.{:03}000+08:00\",\"dir\":\"{dir}\",\"peer\":\"192.0.2.1:7000\",\"len\":{},\"hex\":\"{hex}\"}}\n",
                ms / 1000,
                ms % 1000,
                text.len()
            )
        })
        .collect()
}

fn open_panel(harness: &mut App<'_>) {
    harness.get_by_label("Replay").click();
    harness.step();
    harness.step();
}

fn datagram(socket: &UdpSocket) -> Vec<u8> {
    let mut buf = [0u8; 2048];
    let len = socket.recv(&mut buf).expect("a datagram");
    buf[..len].to_vec()
}

#[test]
fn a_capture_replays_from_the_udp_tab_to_the_tests_socket() {
    let sink = UdpSocket::bind("127.0.0.1:0").expect("bind the sink");
    sink.set_read_timeout(Some(support::DEADLINE))
        .expect("timeout");
    let to = sink.local_addr().expect("addr");
    let path = temp_file(
        "session.jsonl",
        &capture(&[
            (0, "tx", "alpha"),
            (20, "rx", "ok"),
            (40, "tx", "beta"),
            (80, "tx", "gamma"),
        ]),
    );
    let mut harness = harness(udp_settings(Lang::En, Some(to)));
    open_panel(&mut harness);
    assert!(
        shows(&harness, "No capture chosen"),
        "{}",
        screen_dump(&harness)
    );
    {
        let tab = harness.state_mut().udp_mut();
        let (panel, settings) = tab.replay_mut();
        panel.load_from(settings, &path);
    }
    let name = path
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    wait_for_text(&mut harness, &format!("{name}: 4 messages"));
    assert!(shows(
        &harness,
        &format!("to {to} (UDP, its own connection)")
    ));

    pick(&mut harness, "Speed", "×2");
    harness.get_by_label("Start replay").click();
    wait_for_text(&mut harness, "sent 3 of 3 messages");
    assert!(
        shows(&harness, "timing error p50"),
        "{}",
        screen_dump(&harness)
    );
    for expected in ["alpha", "beta", "gamma"] {
        assert_eq!(datagram(&sink), expected.as_bytes());
    }
    let progress = harness.state().udp().replay().progress();
    assert_eq!((progress.sent, progress.total), (3, 3));

    // The other side: what the peer sent, as fast as possible.
    pick(&mut harness, "Messages", "What the peer sent");
    pick(&mut harness, "Speed", "As fast as possible");
    harness.get_by_label("Start replay").click();
    wait_for_text(&mut harness, "sent 1 of 1 messages");
    assert_eq!(datagram(&sink), b"ok");
    let _ = std::fs::remove_file(path);
}

#[test]
fn a_replay_pauses_resumes_and_the_window_says_what_went_wrong() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let server = listener.local_addr().expect("addr");
    let (tx, reads) = mpsc::channel();
    thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else {
            return;
        };
        let mut buf = [0u8; 1024];
        while let Ok(n) = stream.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let path = temp_file(
        "paced.jsonl",
        &capture(&[
            (0, "tx", "1"),
            (300, "tx", "2"),
            (600, "tx", "3"),
            (900, "tx", "4"),
        ]),
    );
    let settings = Settings {
        lang: Lang::En,
        tab: Tab::TcpClient,
        tcp_client: TcpClientSettings {
            target: server.to_string(),
            ..TcpClientSettings::default()
        },
        ..Settings::default()
    };
    let mut harness = harness(settings);
    open_panel(&mut harness);
    {
        let (panel, settings) = harness.state_mut().tcp_client_mut().replay_mut();
        panel.load_from(settings, &path);
    }
    wait_for_text(&mut harness, "4 messages");
    harness.get_by_label("Start replay").click();
    harness.step();
    assert_eq!(
        reads.recv_timeout(support::DEADLINE).expect("the first"),
        b"1"
    );
    wait_until(&mut harness, "the Pause button", |h| {
        h.query_by_label("Pause").is_some()
    });
    harness.get_by_label("Pause").click();
    wait_until(&mut harness, "the pause", |h| {
        h.state().tcp_client().replay().progress().paused
    });
    let before = harness.state().tcp_client().replay().progress().sent;
    // What went out before the pause (each message is one byte).
    let mut got = b"1".to_vec();
    while (got.len() as u64) < before {
        got.extend(
            reads
                .recv_timeout(support::DEADLINE)
                .expect("a message sent before the pause"),
        );
    }
    // Paused: nothing more arrives, however long the recorded gaps.
    assert!(
        reads.recv_timeout(Duration::from_millis(800)).is_err(),
        "sent while paused"
    );
    assert_eq!(
        harness.state().tcp_client().replay().progress().sent,
        before
    );
    wait_until(&mut harness, "the Resume button", |h| {
        h.query_by_label("Resume").is_some()
    });
    harness.get_by_label("Resume").click();
    harness.step();
    wait_for_text(&mut harness, "sent 4 of 4 messages");
    while got.len() < 4 {
        got.extend(reads.recv_timeout(support::DEADLINE).expect("the rest"));
    }
    assert_eq!(got, b"1234");

    // A file that is not a capture, named as such.
    let bad = temp_file("notes.txt", "just some notes\n");
    {
        let (panel, settings) = harness.state_mut().tcp_client_mut().replay_mut();
        panel.load_from(settings, &bad);
    }
    wait_for_text(&mut harness, "Not a capture");
    assert!(harness.query_by_label("Start replay").is_some());
    let _ = std::fs::remove_file(path);
    let _ = std::fs::remove_file(bad);
}
