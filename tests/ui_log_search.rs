//! Search in a long log, in the window: a new query is looked for across frames
//! ("searching… N%") rather than in one long frame, then counted, and lines
//! that arrive later are counted as they come.

use std::net::SocketAddr;
use std::time::SystemTime;

use egui_kittest::kittest::Queryable;
use netdbg::i18n::Lang;
use netdbg::ui::log::model::{Direction, MAX_LOG_CAP};
use netdbg::ui::traffic::TrafficTab;

mod support;
use support::{App, harness, replace_field, shows, udp_settings, wait_until};

const LINES: usize = 120_000;

/// `count` lines "datagram N" from one peer, as the engine would have logged them.
fn log_lines(harness: &mut App<'_>, count: usize, from: usize) {
    let peer = SocketAddr::from(([127, 0, 0, 1], 9000));
    let log = &mut harness.state_mut().udp_mut().traffic_mut().panel.log;
    for n in from..from + count {
        let text = format!("datagram {n}");
        log.push(SystemTime::now(), Direction::Rx, peer, text.as_bytes());
    }
}

#[test]
fn a_query_over_a_long_log_is_counted_across_frames_then_kept_up_to_date() {
    let mut settings = udp_settings(Lang::En, None);
    settings.udp.display.log_cap = MAX_LOG_CAP;
    let mut harness = harness(settings);
    log_lines(&mut harness, LINES, 0);
    let texts = Lang::En.texts();
    replace_field(&mut harness, texts.search, "DATAGRAM");
    wait_until(&mut harness, "the count", |h| {
        h.query_by_label(&texts.search_matches(None, LINES))
            .is_some()
    });
    // Lines that arrive now are counted as they come, without a new scan.
    log_lines(&mut harness, 5, LINES);
    wait_until(&mut harness, "the new lines counted", |h| {
        h.query_by_label(&texts.search_matches(None, LINES + 5))
            .is_some()
    });
    assert!(!shows(&harness, "searching…"));
}

#[test]
fn progress_is_shown_while_a_query_is_new() {
    let mut settings = udp_settings(Lang::Zh, None);
    settings.udp.display.log_cap = MAX_LOG_CAP;
    let mut harness = harness(settings);
    log_lines(&mut harness, LINES, 0);
    let texts = Lang::Zh.texts();
    replace_field(&mut harness, texts.search, "datagram 1");
    // The frame after typing has looked at one slice: progress, not a count.
    assert!(
        shows(&harness, "查找中…"),
        "progress while the query is new"
    );
    wait_until(&mut harness, "the count", |h| !shows(h, "查找中…"));
}

#[test]
fn a_new_filter_over_a_long_log_shows_its_progress_then_its_rows() {
    let mut settings = udp_settings(Lang::En, None);
    settings.udp.display.log_cap = MAX_LOG_CAP;
    let mut harness = harness(settings);
    log_lines(&mut harness, LINES, 0);
    let texts = Lang::En.texts();
    replace_field(&mut harness, texts.peer_filter, ":9000");
    // The status line of the next frame tells how far the filter got.
    harness.step();
    assert!(
        shows(&harness, "filtering…"),
        "progress while the filter is new"
    );
    wait_until(&mut harness, "the rows counted", |h| {
        h.query_by_label("showing 120k of 120k lines").is_some()
    });
    assert!(!shows(&harness, "filtering…"));
}
