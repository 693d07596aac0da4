//! What users type for ports and addresses, and how addresses are labelled.

use std::net::{IpAddr, SocketAddr};

use netdbg::engine::address::{is_privileged_port, parse_bind_arg};
use netdbg::engine::interfaces::{AddressScope, bindable_addresses, classify};
use netdbg::engine::{InputError, parse_bind_addr, parse_host_port, parse_port};

#[test]
fn ports() {
    assert_eq!(parse_port("7788", false), Ok(7788));
    assert_eq!(parse_port(" 65535 ", false), Ok(65535));
    assert_eq!(parse_port("", false), Err(InputError::PortEmpty));
    assert_eq!(parse_port("0", false), Err(InputError::PortZero));
    assert_eq!(parse_port("0", true), Ok(0));
    assert_eq!(
        parse_port("65536", false),
        Err(InputError::PortOutOfRange {
            text: "65536".into()
        })
    );
    assert_eq!(
        parse_port("77a", false),
        Err(InputError::PortNotNumber { text: "77a".into() })
    );
    assert_eq!(
        parse_port("-1", false),
        Err(InputError::PortNotNumber { text: "-1".into() })
    );
    assert!(is_privileged_port(80) && !is_privileged_port(1024) && !is_privileged_port(0));
}

#[test]
fn host_and_port() {
    assert_eq!(
        parse_host_port("127.0.0.1:8080"),
        Ok(("127.0.0.1".into(), 8080))
    );
    assert_eq!(
        parse_host_port("localhost:53"),
        Ok(("localhost".into(), 53))
    );
    assert_eq!(parse_host_port("[::1]:7788"), Ok(("::1".into(), 7788)));
    assert_eq!(
        parse_host_port("127.0.0.1"),
        Err(InputError::MissingPort {
            text: "127.0.0.1".into()
        })
    );
    assert_eq!(
        parse_host_port("fe80::1:7788"),
        Err(InputError::Ipv6NeedsBrackets {
            text: "fe80::1:7788".into()
        })
    );
    assert_eq!(parse_host_port("  "), Err(InputError::AddressEmpty));
    assert_eq!(parse_host_port(":80"), Err(InputError::AddressEmpty));
    assert_eq!(parse_host_port("host:0"), Err(InputError::PortZero));
}

#[test]
fn bind_addresses() {
    let any: SocketAddr = "0.0.0.0:7788".parse().expect("addr");
    assert_eq!(parse_bind_addr("0.0.0.0", "7788"), Ok(any));
    assert_eq!(
        parse_bind_addr("[::]", "0"),
        Ok("[::]:0".parse().expect("addr"))
    );
    assert_eq!(
        parse_bind_addr("my-pc", "7788"),
        Err(InputError::BadIp {
            text: "my-pc".into()
        })
    );
    assert_eq!(parse_bind_arg("7788"), Ok(any));
    assert_eq!(
        parse_bind_arg("[::1]:9"),
        Ok("[::1]:9".parse().expect("addr"))
    );
    assert_eq!(
        parse_bind_arg("127.0.0.1:0"),
        Ok("127.0.0.1:0".parse().expect("addr"))
    );
}

#[test]
fn address_scopes_follow_the_tutorial() {
    let scope = |ip: &str| classify(ip.parse::<IpAddr>().expect("ip"));
    assert_eq!(scope("0.0.0.0"), AddressScope::Any);
    assert_eq!(scope("::"), AddressScope::Any);
    assert_eq!(scope("127.0.0.1"), AddressScope::Loopback);
    assert_eq!(scope("::1"), AddressScope::Loopback);
    for private in [
        "10.0.0.1",
        "10.255.255.255",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.5",
    ] {
        assert_eq!(scope(private), AddressScope::Private, "{private}");
    }
    for public in [
        "172.15.0.1",
        "172.32.0.1",
        "8.8.8.8",
        "100.63.255.255",
        "100.128.0.0",
        "192.0.3.1",
        "2001:db9::1",
        "2400:cb00::1",
    ] {
        assert_eq!(scope(public), AddressScope::Public, "{public}");
    }
    for shared in ["100.64.0.1", "100.127.255.254"] {
        assert_eq!(scope(shared), AddressScope::SharedNat, "{shared}");
    }
    for documentation in [
        "192.0.2.1",
        "198.51.100.7",
        "203.0.113.255",
        "2001:db8::1",
        "2001:db8:ffff::1",
    ] {
        assert_eq!(
            scope(documentation),
            AddressScope::Documentation,
            "{documentation}"
        );
    }
    for unique_local in ["fd00::1", "fc00::1", "fdff:ffff::1"] {
        assert_eq!(
            scope(unique_local),
            AddressScope::UniqueLocal,
            "{unique_local}"
        );
    }
    assert_eq!(scope("169.254.3.4"), AddressScope::LinkLocal);
    assert_eq!(scope("fe80::1"), AddressScope::LinkLocal);
    assert_eq!(scope("::ffff:192.168.0.1"), AddressScope::Private);
}

#[test]
fn bindable_addresses_offer_wildcards_then_loopback() {
    let addresses = bindable_addresses();
    assert_eq!(addresses[0].ip.to_string(), "0.0.0.0");
    assert_eq!(addresses[1].ip.to_string(), "::");
    assert!(
        addresses
            .iter()
            .any(|a| a.ip.to_string() == "127.0.0.1" && a.scope == AddressScope::Loopback)
    );
    // Each interface address says its prefix length; loopback's is /8.
    let loopback = addresses
        .iter()
        .find(|a| a.ip.to_string() == "127.0.0.1")
        .expect("loopback");
    assert_eq!(loopback.prefix, Some(8));
}

#[test]
fn windows_code_pages_pick_the_encoding_programs_send() {
    use netdbg::codec::TextEncoding;
    use netdbg::platform::encoding_for_code_page;
    assert_eq!(encoding_for_code_page(936), TextEncoding::Gbk);
    assert_eq!(encoding_for_code_page(950), TextEncoding::Big5);
    assert_eq!(encoding_for_code_page(65001), TextEncoding::Utf8);
    assert_eq!(encoding_for_code_page(437), TextEncoding::Utf8);
}
