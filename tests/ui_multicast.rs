//! The UDP tab's multicast panel in the real window (egui_kittest): joining and
//! leaving a group on `lo` (nothing leaves the machine), and what it refuses.

mod support;

use egui_kittest::kittest::Queryable;
use netdbg::i18n::Lang;
use support::{harness, open_udp, replace_field, shows, udp_settings, wait_for_text, wait_until};

#[test]
fn a_group_is_joined_on_lo_listed_and_left() {
    let mut harness = harness(udp_settings(Lang::En, None));
    harness.get_by_label("Multicast").click();
    wait_for_text(&mut harness, "No group joined");
    // Before the socket is open there is nothing to join with.
    harness.get_by_label("Join").click();
    wait_for_text(&mut harness, "Open the socket first, then join");

    open_udp(&mut harness, "Open");
    replace_field(&mut harness, "Interface", "lo");
    replace_field(&mut harness, "Group", "239.1.2.3");
    harness.get_by_label("Join").click();
    wait_for_text(&mut harness, "239.1.2.3 on lo");
    assert!(!shows(&harness, "No group joined"));
    let joined = harness
        .state()
        .udp()
        .memberships()
        .iter()
        .map(|m| m.group.to_string())
        .collect::<Vec<_>>();
    assert_eq!(joined, ["239.1.2.3"]);

    harness.get_by_label("Join").click();
    wait_for_text(&mut harness, "Already joined 239.1.2.3 on lo");

    replace_field(&mut harness, "Group", "10.0.0.1");
    harness.get_by_label("Join").click();
    wait_for_text(&mut harness, "10.0.0.1 is not a multicast address");
    replace_field(&mut harness, "Group", "ff15::1");
    harness.get_by_label("Join").click();
    wait_for_text(&mut harness, "bind [::] to join IPv6 groups");
    replace_field(&mut harness, "TTL", "300");
    wait_for_text(&mut harness, "TTL 300 is out of range");
    replace_field(&mut harness, "TTL", "4");
    wait_until(&mut harness, "the TTL accepted", |h| {
        !shows(h, "out of range")
    });

    harness.get_by_label("Leave").click();
    wait_for_text(&mut harness, "No group joined");
    assert!(harness.state().udp().memberships().is_empty());
}

#[test]
fn the_panel_speaks_chinese() {
    let mut harness = harness(udp_settings(Lang::Zh, None));
    harness.get_by_label("组播").click();
    wait_for_text(&mut harness, "还没有加入组播组");
    open_udp(&mut harness, Lang::Zh.texts().open);
    replace_field(&mut harness, "网卡", "lo");
    harness.get_by_label("加入").click();
    wait_for_text(&mut harness, "239.1.2.3（网卡 lo）");
}
