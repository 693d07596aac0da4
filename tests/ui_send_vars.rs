//! The send box's Variables checkbox (UDP tab, both languages): off, `${` is text;
//! on, the preview shows the next send's bytes, each send (typed, periodic, quick
//! command) expands afresh with the tab's one counter, and a bad variable is named
//! on screen while nothing goes out. A real UDP socket on loopback is the peer.

use std::net::UdpSocket;
use std::time::{Duration, Instant};

use egui_kittest::kittest::Queryable;
use netdbg::app::Settings;
use netdbg::codec::{PayloadMode, SendOptions};
use netdbg::i18n::Lang;
use netdbg::ui::send::quick_commands::Preset;

mod support;
use support::{
    App, DEADLINE, POLL, harness, is_timeout, open_udp, replace_field, replace_message,
    screen_dump, shows, udp_peer, udp_settings, wait_for_text,
};

const GRACE: Duration = Duration::from_millis(300);

fn open_with_peer(
    lang: Lang,
    adjust: impl FnOnce(Settings) -> Settings,
) -> (App<'static>, UdpSocket) {
    let (peer, peer_addr) = udp_peer(POLL);
    let mut harness = harness(adjust(udp_settings(lang, Some(peer_addr))));
    open_udp(&mut harness, lang.texts().open);
    (harness, peer)
}

/// Keeps drawing frames while the peer collects `count` datagrams.
#[track_caller]
fn collect(harness: &mut App<'_>, peer: &UdpSocket, count: usize) -> Vec<Vec<u8>> {
    let deadline = Instant::now() + DEADLINE;
    let mut got = Vec::new();
    let mut buf = [0u8; 2048];
    while got.len() < count {
        assert!(
            Instant::now() < deadline,
            "the peer got only {got:?}; the screen shows:\n{}",
            screen_dump(harness)
        );
        harness.step();
        match peer.recv_from(&mut buf) {
            Ok((len, _)) => got.push(buf[..len].to_vec()),
            Err(err) if is_timeout(&err) => {}
            Err(err) => panic!("the peer failed to receive: {err}"),
        }
    }
    got
}

fn send(harness: &mut App<'_>, lang: Lang) {
    harness.get_by_label(lang.texts().send).click();
}

#[test]
fn the_checkbox_turns_variables_on_and_the_preview_shows_the_next_send() {
    let lang = Lang::En;
    let (mut harness, peer) = open_with_peer(lang, |settings| settings);
    replace_message(&mut harness, lang, "n=${seq:02}");
    // Off: the text as typed, 11 bytes.
    wait_for_text(&mut harness, "Goes out 11 bytes: 6E 3D 24 7B");

    harness.get_by_label("Variables").click();
    wait_for_text(&mut harness, "Goes out 4 bytes: 6E 3D 30 31");
    send(&mut harness, lang);
    assert_eq!(collect(&mut harness, &peer, 1), [b"n=01".to_vec()]);
    wait_for_text(&mut harness, "Goes out 4 bytes: 6E 3D 30 32");
    send(&mut harness, lang);
    assert_eq!(collect(&mut harness, &peer, 1), [b"n=02".to_vec()]);

    // The periodic send goes on counting with the same counter.
    replace_field(&mut harness, "Send every", "5");
    replace_field(&mut harness, "times (0 = endless)", "3");
    harness.get_by_label("Start").click();
    assert_eq!(
        collect(&mut harness, &peer, 3),
        [b"n=03".to_vec(), b"n=04".to_vec(), b"n=05".to_vec()]
    );
    wait_for_text(&mut harness, "Goes out 4 bytes: 6E 3D 30 36");
    assert!(
        harness.state().settings().udp.send.options.vars,
        "remembered in settings"
    );
}

#[test]
fn hex_mode_takes_seq_bytes_and_a_length_field() {
    let lang = Lang::En;
    let (mut harness, peer) = open_with_peer(lang, |mut settings| {
        settings.udp.send.options = SendOptions {
            mode: PayloadMode::Hex,
            vars: true,
            ..SendOptions::default()
        };
        settings
    });
    replace_message(&mut harness, lang, "01 03 ${seq:u16be} ${len:u8} AA");
    wait_for_text(&mut harness, "Goes out 6 bytes: 01 03 00 01 01 AA");
    send(&mut harness, lang);
    assert_eq!(
        collect(&mut harness, &peer, 1),
        [vec![0x01, 0x03, 0x00, 0x01, 0x01, 0xAA]]
    );
}

#[test]
fn a_bad_variable_is_named_in_both_languages_and_nothing_goes_out() {
    for (lang, words) in [
        (Lang::En, "Unknown variable \"${nope}\""),
        (Lang::Zh, "变量“${nope}”不存在"),
    ] {
        let (mut harness, peer) = open_with_peer(lang, |mut settings| {
            settings.udp.send.options.vars = true;
            settings
        });
        replace_message(&mut harness, lang, "x ${nope}");
        wait_for_text(&mut harness, words);
        send(&mut harness, lang);
        let deadline = Instant::now() + GRACE;
        let mut buf = [0u8; 64];
        while Instant::now() < deadline {
            harness.step();
            assert!(peer.recv_from(&mut buf).is_err(), "nothing is sent");
        }
        replace_message(&mut harness, lang, "x ${rand:0}");
        wait_for_text(&mut harness, "${rand:0}");
        replace_message(&mut harness, lang, "x ${seq");
        assert!(shows(&harness, "${"), "{}", screen_dump(&harness));
    }
}

#[test]
fn a_quick_command_with_variables_counts_with_the_tab() {
    let lang = Lang::En;
    let (mut harness, peer) = open_with_peer(lang, |mut settings| {
        settings.udp.send.options.vars = true;
        settings.udp.send.presets = vec![Preset {
            name: "poll".to_owned(),
            text: "P${seq}".to_owned(),
            options: SendOptions {
                vars: true,
                ..SendOptions::default()
            },
        }];
        settings
    });
    replace_message(&mut harness, lang, "M${seq}");
    send(&mut harness, lang);
    assert_eq!(collect(&mut harness, &peer, 1), [b"M1".to_vec()]);
    harness.get_by_label("Quick commands (1)").click();
    for _ in 0..20 {
        harness.step();
    }
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "poll")
        .click();
    assert_eq!(collect(&mut harness, &peer, 1), [b"P2".to_vec()]);
    wait_for_text(&mut harness, "Goes out 2 bytes: 4D 33");
}
