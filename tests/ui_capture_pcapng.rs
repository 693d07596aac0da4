//! The window's "Capture to file…" with a `.pcapng` name (chosen as the save
//! dialog would answer; a native dialog cannot be driven headless): what the UDP
//! tab received and sent, read back with tshark.

use egui_kittest::kittest::Queryable;
use netdbg::i18n::Lang;
use netdbg::ui::traffic::TrafficTab;

mod pcapng_support;
mod support;
use pcapng_support::{TempPath, assert_clean, udp_datagrams};
use support::{
    DEADLINE, harness, open_udp, replace_field, replace_message, udp_peer, udp_settings,
    wait_for_text, wait_until,
};

/// Whether the file holds `needle` yet (the writer flushes whenever it is idle).
fn file_holds(file: &TempPath, needle: &[u8]) -> bool {
    std::fs::read(&file.0).is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle))
}

#[test]
fn the_udp_tab_captures_to_pcapng() {
    let file = TempPath::new("ui-capture", "window.pcapng");
    let mut harness = harness(udp_settings(Lang::En, None));
    let local = open_udp(&mut harness, "Open");
    harness
        .state_mut()
        .udp_mut()
        .traffic_mut()
        .panel
        .capture_to(file.0.clone());
    wait_for_text(&mut harness, "Stop capture");

    let (peer, peer_addr) = udp_peer(DEADLINE);
    peer.send_to(b"from the peer", local).expect("send");
    replace_field(&mut harness, "Target", &peer_addr.to_string());
    replace_message(&mut harness, Lang::En, "from the window");
    harness.get_by_label("Send").click();
    harness.step();
    let mut buf = [0u8; 64];
    let (len, _) = peer.recv_from(&mut buf).expect("the window's datagram");
    assert_eq!(&buf[..len], b"from the window");
    wait_until(&mut harness, "both datagrams in the file", |_| {
        file_holds(&file, b"from the peer") && file_holds(&file, b"from the window")
    });
    harness.get_by_label("Stop capture").click();
    wait_for_text(&mut harness, "Capture to file…");

    let (local, peer_addr) = (local.to_string(), peer_addr.to_string());
    assert_eq!(
        udp_datagrams(&file.0),
        [
            (peer_addr.clone(), local.clone(), b"from the peer".to_vec()),
            (local, peer_addr, b"from the window".to_vec()),
        ]
    );
    assert_clean(&file.0);
}
