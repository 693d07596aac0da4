//! `netdbg reach` against loopback only: a listening port, a port just closed, ping of
//! 127.0.0.1 (answered or not available: both are fine), and bad input in zh and en.
//! The expected lines come from the same `Texts` the Network tab shows.

mod support;

use std::net::{SocketAddr, TcpListener};
use std::process::Command;
use std::time::Duration;

use netdbg::engine::InputError;
use netdbg::i18n::{Describe, Lang};
use support::{Finished, netdbg, run_bounded};

/// The probe's 3 s plus ping's 6 s hard deadline, with room to spare.
const LIMIT: Duration = Duration::from_secs(20);

fn run(command: &mut Command) -> Finished {
    run_bounded(command, LIMIT)
}

/// `netdbg reach ARGS`, in English.
fn reach(args: &[&str]) -> Finished {
    run(netdbg().arg("reach").args(args))
}

fn code(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh",
        Lang::En => "en",
    }
}

/// A port on 127.0.0.1 where nothing listens any more.
fn closed_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("local addr")
}

#[test]
fn a_listening_port_is_reachable_and_exits_0() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let peer = listener.local_addr().expect("local addr");
    let port = peer.port().to_string();
    for lang in [Lang::En, Lang::Zh] {
        let out = run(netdbg().args([
            "--lang",
            code(lang),
            "reach",
            "127.0.0.1",
            "--port",
            &port,
            "--no-ping",
        ]));
        assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
        assert_eq!(
            out.stdout,
            format!("{}\n", lang.texts().tcp_reachable(peer))
        );
        assert!(out.stderr.is_empty(), "{}", out.stderr);
    }
}

#[test]
fn a_closed_port_is_refused_and_exits_1() {
    let peer = closed_port();
    let out = reach(&["127.0.0.1", "--port", &peer.port().to_string(), "--no-ping"]);
    assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
    let line = Lang::En.texts().tcp_refused(peer);
    assert!(line.contains("refused — the host is up, but nothing listens"));
    assert_eq!(out.stdout, format!("{line}\n"));
    assert!(
        out.stderr.is_empty(),
        "said once, on stdout: {}",
        out.stderr
    );
}

#[test]
fn json_has_one_object_per_result() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let open = listener.local_addr().expect("local addr");
    let port = open.port().to_string();
    let out = reach(&["127.0.0.1", "--port", &port, "--no-ping", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    let events = out.events();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["event"], "tcp");
    assert_eq!(events[0]["result"], "reachable");
    assert_eq!(events[0]["peer"], open.to_string());
    assert_eq!(events[0]["message"], Lang::En.texts().tcp_reachable(open));

    let closed = closed_port();
    let port = closed.port().to_string();
    let out = reach(&["127.0.0.1", "--port", &port, "--no-ping", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
    let events = out.events();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["event"], "tcp");
    assert_eq!(events[0]["result"], "refused");
    assert_eq!(events[0]["peer"], closed.to_string());
    assert_eq!(events[0]["message"], Lang::En.texts().tcp_refused(closed));
}

#[test]
fn with_a_port_ping_follows_but_only_the_port_decides() {
    let peer = closed_port();
    let out = reach(&["127.0.0.1", "--port", &peer.port().to_string(), "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
    let events = out.events();
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["event"].as_str()).collect();
    assert_eq!(kinds, ["tcp", "ping"], "{events:?}");
    assert_eq!(events[0]["result"], "refused");
}

/// ping may be missing or not permitted in CI: either outcome is right, as long as the
/// line and the exit code agree.
#[test]
fn ping_of_loopback_replies_or_says_it_is_not_available() {
    let texts = Lang::En.texts();
    let out = reach(&["127.0.0.1", "--json"]);
    let events = out.events();
    assert_eq!(events.len(), 1, "{events:?}");
    let ping = &events[0];
    assert_eq!(ping["event"], "ping");
    match ping["result"].as_str() {
        Some("reply") => {
            assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
            let millis = ping["rtt_ms"].as_f64();
            assert_eq!(ping["message"], texts.ping_replied(millis));
        }
        Some("unavailable") => {
            assert_eq!(out.status.code(), Some(1));
            assert_eq!(ping["message"], texts.ping_unavailable);
        }
        other => panic!("ping of 127.0.0.1 said {other:?}: {ping}"),
    }

    let out = reach(&["127.0.0.1"]);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines.first(),
        Some(&texts.reach_ping_only),
        "{}",
        out.stdout
    );
    assert_eq!(lines.len(), 2, "{}", out.stdout);
    let replied = lines[1].starts_with("ping: reply");
    assert!(
        replied || lines[1] == texts.ping_unavailable,
        "{}",
        out.stdout
    );
    assert_eq!(out.status.code(), Some(if replied { 0 } else { 1 }));
}

/// With no `ping` to run (a PATH without it), ping only has no answer: said on stdout
/// in the tab's words, what to do instead on stderr, exit 1.
#[test]
fn ping_only_without_ping_says_so_and_exits_1() {
    let out = run(netdbg().env("PATH", "/nonexistent-netdbg-test").args([
        "reach",
        "127.0.0.1",
        "--json",
    ]));
    assert_eq!(out.status.code(), Some(1));
    let events = out.events();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["result"], "unavailable");
    assert_eq!(events[0]["message"], Lang::En.texts().ping_unavailable);
    assert!(out.stderr.contains("add --port N"), "{}", out.stderr);
}

/// Runs `reach ARGS` in both languages: exit 2, nothing probed, one line on stderr
/// holding `expected` in that language.
#[track_caller]
fn assert_bad_input(args: &[&str], expected: fn(Lang) -> String) {
    for lang in [Lang::En, Lang::Zh] {
        let out = run(netdbg().args(["--lang", code(lang), "reach"]).args(args));
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{args:?}: nothing was probed");
        assert_eq!(out.stderr.lines().count(), 1, "{args:?}: {}", out.stderr);
        let expected = expected(lang);
        assert!(
            out.stderr.contains(&expected),
            "{args:?} {lang:?}: {}",
            out.stderr
        );
    }
}

#[test]
fn bad_input_exits_2_with_one_line_in_the_chosen_language() {
    assert_bad_input(&["127.0.0.1", "--port", "0"], |lang| {
        InputError::PortZero.describe(lang)
    });
    assert_bad_input(&["127.0.0.1", "--port", "65536"], |lang| {
        let text = "65536".to_owned();
        InputError::PortOutOfRange { text }.describe(lang)
    });
    assert_bad_input(&["127.0.0.1", "--port", "-1"], |lang| {
        let text = "-1".to_owned();
        InputError::PortNotNumber { text }.describe(lang)
    });
    assert_bad_input(&[""], |lang| InputError::AddressEmpty.describe(lang));
    assert_bad_input(
        &["127.0.0.1", "--port", "80", "--timeout", "0"],
        |lang| match lang {
            Lang::Zh => "超时“0”无效".to_owned(),
            Lang::En => "Invalid timeout \"0\"".to_owned(),
        },
    );
}

#[test]
fn no_ping_needs_a_port() {
    let out = reach(&["127.0.0.1", "--no-ping"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}
