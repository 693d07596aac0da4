//! The real window (egui_kittest) behind a peer that sends flat out: the engine
//! keeps reading at full speed, the counters stay exact, and the log says what it
//! did not show instead of queueing it.

use std::io::Write;
use std::net::TcpStream;
use std::thread;
use std::time::Duration;

use egui_kittest::kittest::Queryable;
use netdbg::i18n::Lang;

mod support;
use support::{
    harness, log_rows_and_events, replace_field, start_listening, tcp_server_settings,
    wait_for_text, wait_until, wait_until_within,
};

const FLOOD: usize = 1 << 30;
/// How long the window may take to take in a flood's backlog on a busy machine.
const BACKLOG: Duration = Duration::from_secs(60);

fn flood_the_server_tab(lang: Lang, start: &str, fell_behind: &str, more: &str) {
    let mut harness = harness(tcp_server_settings(lang));
    let server = start_listening(&mut harness, start);
    // One huge read while the window keeps up shows as a preview (under the flood
    // which rows are shown depends on timing, so this is checked first).
    let mut client = TcpStream::connect(server).expect("connect");
    let peer = client
        .local_addr()
        .expect("the client's address")
        .to_string();
    let block = vec![b'z'; 64 * 1024];
    client.write_all(&block).expect("one block");
    wait_for_text(&mut harness, more);
    // Then 1 GiB in 64 KiB writes, as fast as loopback takes it.
    let flood = thread::spawn(move || {
        for _ in 1..FLOOD / block.len() {
            client.write_all(&block).expect("flood");
        }
    });
    // No frame while the flood runs: whether a window drawing frames falls behind
    // depends on the machine's speed, one that draws none surely does.
    flood.join().expect("flood");
    wait_until(&mut harness, "every byte counted", |h| {
        h.state().tcp_server().counters().rx_bytes == FLOOD as u64
    });
    // The window takes in what the engine queued for it (the display's budget,
    // thousands of previews) up to the client's hang-up, in frames of bounded work.
    let texts = lang.texts();
    let hung_up = texts.tcp_closed_by_peer(&peer);
    wait_until_within(&mut harness, "the backlog taken in", BACKLOG, |h| {
        log_rows_and_events(h)
            .iter()
            .any(|row| row.contains(&hung_up))
    });
    // The note sits where the gap was, maybe above the rows in view: search finds it.
    replace_field(&mut harness, texts.search, fell_behind);
    // A new query is looked for in slices across frames ("searching… N%"): the
    // count is final once no progress is shown.
    // (3 ms of scanning a frame: in a debug build on a busy machine that is many frames.)
    let none_found = texts.search_matches(None, 0);
    wait_until_within(&mut harness, "the search to find the note", BACKLOG, |h| {
        h.query_by_label(&none_found).is_none()
            && (0..=100).all(|percent| h.query_by_label(&texts.search_progress(percent)).is_none())
    });
    harness.get_by_label(texts.next).click();
    wait_until(&mut harness, "the skipped note in view", |h| {
        log_rows_and_events(h)
            .iter()
            .any(|row| row.contains(fell_behind))
    });
}

#[test]
fn a_flooding_client_is_counted_exactly_and_the_log_says_what_it_skipped() {
    flood_the_server_tab(
        Lang::En,
        "Start listening",
        "display fell behind",
        "KiB more",
    );
}

#[test]
fn the_same_in_chinese() {
    flood_the_server_tab(Lang::Zh, "开始监听", "显示跟不上", "未显示）");
}
