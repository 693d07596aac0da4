//! `udp listen --join` and `udp send` to groups and broadcast addresses, inside
//! network namespaces the tests create (IPv4 multicast over `lo`, IPv6 multicast
//! and broadcast over a veth pair), and the bad input refused before binding.

mod support;

use std::time::Duration;

use support::netns::{Netns, veth_pair};
use support::{JsonProcess, netdbg, run_bounded};

const LIMIT: Duration = Duration::from_secs(10);

fn received_texts(process: &JsonProcess) -> Vec<String> {
    process
        .seen()
        .iter()
        .filter(|e| e["event"] == "received")
        .filter_map(|e| e["text"].as_str().map(str::to_owned))
        .collect()
}

/// Starts `udp listen --json` with `args` and waits until it has joined its groups.
fn listener(command: &mut std::process::Command, args: &[&str], groups: usize) -> JsonProcess {
    command
        .args(["udp", "listen", "--json", "--timeout", "5"])
        .args(args);
    let mut process = JsonProcess::spawn(command, LIMIT);
    process.wait_for("bound", |e| e["event"] == "bound");
    for _ in 0..groups {
        process.wait_for("joined", |e| e["event"] == "joined");
    }
    process
}

#[test]
fn two_listeners_of_an_ipv4_group_on_lo_both_get_each_datagram() {
    let Some(ns) = Netns::new("ipv4 multicast") else {
        return;
    };
    ns.multicast_on_lo();
    let mut a = listener(
        &mut ns.netdbg(),
        &[
            "--bind",
            "0.0.0.0:7001",
            "--join",
            "239.1.2.3",
            "--iface",
            "lo",
        ],
        1,
    );
    let joined = a.saw_or_wait_for("joined", |e| e["event"] == "joined");
    assert_eq!(
        (&joined["group"], &joined["iface"]),
        (&"239.1.2.3".into(), &"lo".into())
    );
    // A second program on the same port and group (SO_REUSEADDR with --join).
    let mut b = listener(
        &mut ns.netdbg(),
        &[
            "--bind",
            "0.0.0.0:7001",
            "--join",
            "239.1.2.3",
            "--join",
            "239.9.9.9",
        ],
        2,
    );
    let sent = run_bounded(
        ns.netdbg().args([
            "udp",
            "send",
            "--to",
            "239.1.2.3:7001",
            "--iface",
            "127.0.0.1",
            "--ttl",
            "3",
            "to the group",
        ]),
        LIMIT,
    );
    assert!(sent.status.success(), "{}", sent.stderr);
    for listener in [&mut a, &mut b] {
        let got = listener.wait_for("the datagram", |e| e["event"] == "received");
        assert_eq!(got["text"], "to the group");
    }
    // The other group B joined reaches B only.
    let sent = run_bounded(
        ns.netdbg()
            .args(["udp", "send", "--to", "239.9.9.9:7001", "second group"]),
        LIMIT,
    );
    assert!(sent.status.success(), "{}", sent.stderr);
    b.wait_for("the second group's datagram", |e| {
        e["event"] == "received" && e["text"] == "second group"
    });
    a.wait_exit();
    assert_eq!(
        received_texts(&a),
        ["to the group"],
        "A did not join 239.9.9.9"
    );
}

#[test]
fn ipv6_groups_over_a_veth_pair_and_no_loop_keeps_copies_off_this_machine() {
    let Some((a, b)) = veth_pair("ipv6 multicast", "10.77.0.1/24", "10.77.0.2/24") else {
        return;
    };
    let mut far = listener(
        &mut b.netdbg(),
        &[
            "--bind",
            "[::]:7002",
            "--join",
            "ff15::1",
            "--iface",
            "veth1",
        ],
        1,
    );
    let mut near = listener(
        &mut a.netdbg(),
        &[
            "--bind",
            "[::]:7002",
            "--join",
            "ff15::1",
            "--iface",
            "veth0",
        ],
        1,
    );
    let sent = run_bounded(
        a.netdbg().args([
            "udp",
            "send",
            "--to",
            "[ff15::1]:7002",
            "--iface",
            "veth0",
            "--no-loop",
            "你好 v6",
        ]),
        LIMIT,
    );
    assert!(sent.status.success(), "{}", sent.stderr);
    let got = far.wait_for("the datagram over the veth", |e| e["event"] == "received");
    assert_eq!(got["text"], "你好 v6");
    assert!(
        got["peer"]
            .as_str()
            .is_some_and(|p| p.starts_with("[fe80::")),
        "from the sender's link-local address: {got}"
    );
    near.wait_exit();
    assert!(
        received_texts(&near).is_empty(),
        "--no-loop: the sender's own machine got a copy"
    );
    // With the loop on (the default), it does.
    let mut near = listener(
        &mut a.netdbg(),
        &[
            "--bind",
            "[::]:7002",
            "--join",
            "ff15::1",
            "--iface",
            "veth0",
        ],
        1,
    );
    let sent = run_bounded(
        a.netdbg().args([
            "udp",
            "send",
            "--to",
            "[ff15::1]:7002",
            "--iface",
            "veth0",
            "looped",
        ]),
        LIMIT,
    );
    assert!(sent.status.success(), "{}", sent.stderr);
    near.wait_for("the looped copy", |e| {
        e["event"] == "received" && e["text"] == "looped"
    });
}

#[test]
fn broadcast_reaches_the_subnet_and_everyone_on_the_link() {
    let Some((a, b)) = veth_pair("broadcast", "10.78.0.1/24", "10.78.0.2/24") else {
        return;
    };
    let mut far = listener(&mut b.netdbg(), &["--bind", "0.0.0.0:7003"], 0);
    for (to, text) in [
        ("10.78.0.255:7003", "subnet"),
        ("255.255.255.255:7003", "everyone"),
    ] {
        let sent = run_bounded(
            a.netdbg()
                .args(["udp", "send", "--to", to, "--bind", "10.78.0.1:0", text]),
            LIMIT,
        );
        assert!(sent.status.success(), "{to}: {}", sent.stderr);
        let got = far.wait_for(text, |e| e["event"] == "received" && e["text"] == text);
        assert!(
            got["peer"]
                .as_str()
                .is_some_and(|p| p.starts_with("10.78.0.1:")),
            "{got}"
        );
    }
}

#[test]
fn bad_multicast_input_exits_2_before_binding() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["udp", "listen", "--bind", "0.0.0.0:0", "--join", "10.0.0.1"],
            "10.0.0.1 is not a multicast address",
        ),
        (
            &["udp", "listen", "--bind", "0.0.0.0:0", "--join", "ff15::1"],
            "bind [::] to join IPv6 groups",
        ),
        (
            &["udp", "listen", "--bind", "[::]:0", "--join", "239.1.1.1"],
            "bind 0.0.0.0 to join IPv4 groups",
        ),
        (
            &[
                "udp",
                "listen",
                "--bind",
                "0.0.0.0:0",
                "--join",
                "group-one",
            ],
            "Group \"group-one\" is not an IP address",
        ),
        (
            &[
                "udp",
                "listen",
                "--bind",
                "0.0.0.0:0",
                "--join",
                "239.1.1.1",
                "--iface",
                "nosuchif0",
            ],
            "This machine has no interface nosuchif0",
        ),
        (
            &["udp", "send", "--to", "239.1.1.1:9", "--ttl", "0", "x"],
            "TTL 0 is out of range",
        ),
        (
            &["udp", "send", "--to", "239.1.1.1:9", "--ttl", "256", "x"],
            "TTL 256 is out of range",
        ),
        (
            &[
                "udp",
                "send",
                "--to",
                "239.1.1.1:9",
                "--iface",
                "192.0.2.77",
                "x",
            ],
            "This machine has no interface 192.0.2.77",
        ),
        (
            &["udp", "listen", "--bind", "0.0.0.0:0", "--iface", "lo"],
            "--join",
        ),
    ];
    for (args, expected) in cases {
        let done = run_bounded(netdbg().args(*args), LIMIT);
        assert_eq!(done.status.code(), Some(2), "{args:?}: {}", done.stderr);
        assert!(done.stdout.is_empty(), "{args:?}: {}", done.stdout);
        assert!(done.stderr.contains(expected), "{args:?}: {}", done.stderr);
    }
    let done = run_bounded(
        netdbg().args([
            "udp",
            "listen",
            "--bind",
            "0.0.0.0:0",
            "--join",
            "10.0.0.1",
            "--lang",
            "zh",
        ]),
        LIMIT,
    );
    assert!(
        done.stderr.contains("10.0.0.1 不是组播地址"),
        "{}",
        done.stderr
    );
}
