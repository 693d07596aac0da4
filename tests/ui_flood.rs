//! The real window (egui_kittest) behind a peer that sends flat out: the engine
//! keeps reading at full speed, the counters stay exact, and the log says what it
//! did not show instead of queueing it.

use std::io::Write;
use std::net::TcpStream;
use std::thread;

use egui_kittest::kittest::Queryable;
use netdbg::i18n::Lang;

mod support;
use support::{harness, tcp_server_settings, wait_for_text, wait_until};

const FLOOD: usize = 1 << 30;

fn flood_the_server_tab(lang: Lang, start: &str, fell_behind: &str, more: &str) {
    let mut harness = harness(tcp_server_settings(lang));
    harness.get_by_label(start).click();
    wait_until(&mut harness, "the server to listen", |h| {
        h.state().tcp_server().local_addr().is_some()
    });
    let server = harness
        .state()
        .tcp_server()
        .local_addr()
        .expect("listening");
    // One huge read while the window keeps up shows as a preview (under the flood
    // which rows are shown depends on timing, so this is checked first).
    let mut client = TcpStream::connect(server).expect("connect");
    let block = vec![b'z'; 64 * 1024];
    client.write_all(&block).expect("one block");
    wait_for_text(&mut harness, more);
    // Then 1 GiB in 64 KiB writes, as fast as loopback takes it; a frame now and then.
    let flood = thread::spawn(move || {
        for _ in 1..FLOOD / block.len() {
            client.write_all(&block).expect("flood");
        }
    });
    while !flood.is_finished() {
        harness.step();
        thread::sleep(std::time::Duration::from_millis(50));
    }
    flood.join().expect("flood");
    wait_until(&mut harness, "every byte counted", |h| {
        h.state().tcp_server().counters().rx_bytes == FLOOD as u64
    });
    wait_for_text(&mut harness, fell_behind);
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
