//! The reachability check against loopback only: a listening port, a closed port,
//! ping of 127.0.0.1, and the address/port range explanations (classified, never contacted).

use std::net::{IpAddr, TcpListener};
use std::time::Duration;

use netdbg::engine::interfaces::{AddressScope, classify};
use netdbg::engine::reach::{
    PingOutcome, PortClass, ReachCheck, ReachEvent, parse_port_range, ping_outcome, port_class,
};
use netdbg::engine::{EngineError, no_waker};
use netdbg::i18n::Lang;
use netdbg::i18n::describe_reach;
use netdbg::ui::network::scope_explanation;

const LIMIT: Duration = Duration::from_secs(15);

fn tcp_only(port: u16) -> Vec<ReachEvent> {
    ReachCheck::start_with("127.0.0.1", Some(port), false, no_waker())
        .expect("the check starts")
        .wait(LIMIT)
}

fn english(event: &ReachEvent) -> String {
    describe_reach(event, Lang::En).expect("a result line").0
}

#[test]
fn a_listening_port_is_reachable() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let events = tcp_only(addr.port());
    assert_eq!(
        events,
        vec![
            ReachEvent::TcpReachable { peer: addr },
            ReachEvent::Finished
        ]
    );
    assert!(english(&events[0]).contains("reachable — the host is up"));
}

#[test]
fn a_closed_port_is_refused() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("local addr").port()
    };
    let events = tcp_only(port);
    let peer = ([127, 0, 0, 1], port).into();
    assert_eq!(
        events,
        vec![
            ReachEvent::TcpFailed(EngineError::ConnectRefused { peer }),
            ReachEvent::Finished
        ]
    );
    assert!(english(&events[0]).contains("refused — the host is up, but nothing listens"));
    let zh = describe_reach(&events[0], Lang::Zh).expect("a line").0;
    assert!(zh.contains("连接被拒绝"), "{zh}");
}

#[test]
fn a_host_starting_with_a_dash_is_not_passed_to_ping() {
    let result = ReachCheck::start("-f", None, no_waker());
    assert!(matches!(result, Err(EngineError::Unresolvable { .. })));
    assert!(ReachCheck::start("   ", Some(80), no_waker()).is_err());
}

#[test]
fn ping_of_loopback_replies_or_says_it_is_unavailable() {
    let events = ReachCheck::start("127.0.0.1", None, no_waker())
        .expect("the check starts")
        .wait(LIMIT);
    assert_eq!(events.len(), 2, "{events:?}");
    match &events[0] {
        ReachEvent::Ping(PingOutcome::Replied { .. }) => {}
        // No ping on this machine, or no permission to send ICMP: said, not failed.
        ReachEvent::Ping(PingOutcome::Unavailable) => {
            eprintln!("ping is not available here; skipping the reply check");
            assert!(english(&events[0]).contains("ping not available here"));
        }
        other => panic!("ping 127.0.0.1 gave {other:?}"),
    }
    assert_eq!(events[1], ReachEvent::Finished);
}

#[test]
fn ping_output_is_read_in_words() {
    let linux = "64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.045 ms\n";
    assert_eq!(
        ping_outcome(Some(0), linux, ""),
        PingOutcome::Replied {
            millis: Some(0.045)
        }
    );
    let windows = "Reply from 127.0.0.1: bytes=32 time<1ms TTL=128\n";
    assert_eq!(
        ping_outcome(Some(0), windows, ""),
        PingOutcome::Replied { millis: Some(1.0) }
    );
    assert_eq!(ping_outcome(Some(1), "", ""), PingOutcome::NoReply);
    assert_eq!(
        ping_outcome(Some(2), "", "ping: socket: Operation not permitted\n"),
        PingOutcome::Unavailable
    );
    assert_eq!(
        ping_outcome(Some(2), "", "ping: nohost: Name or service not known\n"),
        PingOutcome::Failed {
            message: "ping: nohost: Name or service not known".to_owned()
        }
    );
}

#[test]
fn ranges_are_classified_and_explained() {
    let cases: [(&str, AddressScope, &str); 7] = [
        ("127.0.0.1", AddressScope::Loopback, "127.0.0.1"),
        ("::1", AddressScope::Loopback, "::1"),
        ("10.1.2.3", AddressScope::Private, "10/8"),
        ("172.20.0.1", AddressScope::Private, "172.16/12"),
        ("192.168.1.1", AddressScope::Private, "192.168/16"),
        ("169.254.1.1", AddressScope::LinkLocal, "169.254/16"),
        ("8.8.8.8", AddressScope::Public, "public"),
    ];
    for (ip, scope, mentions) in cases {
        let ip: IpAddr = ip.parse().expect("an IP");
        assert_eq!(classify(ip), scope, "{ip}");
        let en = scope_explanation(scope, Lang::En.texts());
        assert!(en.contains(mentions), "{ip}: {en}");
        let zh = scope_explanation(scope, Lang::Zh.texts());
        assert!(!zh.is_empty() && zh != en, "{ip}: {zh}");
    }
    let fe80: IpAddr = "fe80::1".parse().expect("an IP");
    assert_eq!(classify(fe80), AddressScope::LinkLocal);
    assert!(scope_explanation(AddressScope::LinkLocal, Lang::En.texts()).contains("fe80::/10"));
    // 172.32/16 is just outside 172.16/12.
    assert_eq!(
        classify("172.32.0.1".parse().expect("an IP")),
        AddressScope::Public
    );
}

#[test]
fn port_ranges() {
    assert_eq!(port_class(80), PortClass::WellKnown);
    assert_eq!(port_class(1023), PortClass::WellKnown);
    assert_eq!(port_class(1024), PortClass::Registered);
    assert_eq!(port_class(49151), PortClass::Registered);
    assert_eq!(port_class(49152), PortClass::Dynamic);
    assert_eq!(port_class(65535), PortClass::Dynamic);
    assert_eq!(parse_port_range("32768\t60999\n"), Some((32768, 60999)));
    assert_eq!(parse_port_range("60999 32768"), None);
    assert_eq!(parse_port_range("junk"), None);
}
