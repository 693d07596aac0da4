//! Counters and line counts keep their place as they grow: compact numbers in
//! slots of fixed width, so nothing the user aims at moves under a flood.

use std::time::SystemTime;

use egui_kittest::kittest::Queryable;
use netdbg::i18n::{Lang, format_count};
use netdbg::ui::log::model::Direction;
use netdbg::ui::traffic::TrafficTab;

mod support;
use support::{
    App, DEADLINE, harness, open_udp, replace_field, udp_peer, udp_settings, wait_until,
};

#[test]
fn counts_keep_three_significant_digits_once_large() {
    let cases = [
        (0, "0"),
        (9_999, "9999"),
        (10_000, "10.0k"),
        (12_345, "12.3k"),
        (123_456, "123k"),
        (999_499, "999k"),
        (999_999, "1.00M"),
        (1_234_567, "1.23M"),
        (99_960_000, "100M"),
        (1_000_000_000, "1.00G"),
    ];
    for (count, shown) in cases {
        assert_eq!(format_count(count), shown, "{count}");
    }
}

/// Where the widgets a user aims at are.
fn positions(harness: &App<'_>) -> Vec<egui::Rect> {
    [
        "Reset counters",
        "Search",
        "Peer",
        "Rate plot",
        "Open",
        "Close",
    ]
    .iter()
    .filter_map(|label| harness.query_by_label(label).map(|node| node.rect()))
    .collect()
}

#[test]
fn growing_counts_move_nothing() {
    let mut harness = harness(udp_settings(Lang::En, None));
    let local = open_udp(&mut harness, "Open");
    harness.step();
    let before = positions(&harness);

    // 12,000 datagrams of 1000 bytes: both counters go past their exact range.
    // In batches the receive buffer holds (12 MB at once overflowed it on a busy
    // CI machine: UDP drops what does not fit).
    let (peer, _) = udp_peer(DEADLINE);
    for batch in 1..=12u64 {
        for _ in 0..1000 {
            peer.send_to(&[b'x'; 1000], local).expect("send");
        }
        wait_until(&mut harness, "the batch counted", |h| {
            h.state().udp().counters().rx_packets == batch * 1000
        });
    }
    // And a log that has been offered millions of lines.
    let log = &mut harness.state_mut().udp_mut().traffic_mut().panel.log;
    log.count_unshown(5_000_000);
    log.push(SystemTime::now(), Direction::Rx, local, b"one more");
    // And a search that finds thousands.
    replace_field(&mut harness, "Search", "x");
    wait_until(&mut harness, "the compact counts", |h| {
        h.query_by_label("12.0k found").is_some()
            && h.query_by_label_contains("RX 12.0k pkts / 11.4 MiB")
                .is_some()
            && h.query_by_label_contains("of 5.01M lines").is_some()
    });
    assert_eq!(
        positions(&harness),
        before,
        "the toolbar and status line moved"
    );
}

/// At the smallest size the window allows (640×420, see `app/window.rs`), the send
/// options wrap onto more rows instead of pushing the message box and its Send
/// button past the right edge (at 800 px wide they were out of reach).
#[test]
fn the_smallest_window_keeps_the_send_button_inside() {
    for (lang, send) in [(Lang::En, "Send"), (Lang::Zh, "发送")] {
        let size = egui::vec2(640.0, 420.0);
        let settings = udp_settings(lang, None);
        let mut harness = egui_kittest::Harness::builder()
            .with_size(size)
            .build_eframe(move |cc| netdbg::app::NetdbgApp::with_settings(&cc.egui_ctx, settings));
        harness.run();
        let button = harness.get_by_label(send).rect();
        assert!(
            button.max.x <= size.x && button.max.y <= size.y,
            "{lang:?}: {send} at {button:?} is outside the {size:?} window"
        );
    }
}
