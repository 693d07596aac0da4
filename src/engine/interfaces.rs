//! This machine's addresses, each labelled with the kind of network it belongs to.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// What kind of address an IP is, in the words the tutorial uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressScope {
    /// 0.0.0.0 or `::`: every interface of this machine.
    Any,
    /// 127.0.0.0/8 or ::1: this machine only.
    Loopback,
    /// 10/8, 172.16/12, 192.168/16: a LAN, not routed on the internet.
    Private,
    /// 100.64/10: the provider's carrier-grade NAT, shared by its customers.
    SharedNat,
    /// 169.254/16 or fe80::/10: self-assigned, this link only.
    LinkLocal,
    /// IPv6 fc00::/7 (in use: fd00::/8): a site's own addresses, not routed on the internet.
    UniqueLocal,
    /// 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32: for examples in
    /// documents, never assigned to a real network.
    Documentation,
    /// Anything else: reachable from the internet (unless a firewall says otherwise).
    Public,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalAddress {
    pub ip: IpAddr,
    /// The network's prefix length (`/24`), when the interface says.
    pub prefix: Option<u8>,
    /// The interface name, e.g. `eth0`; empty for the wildcard addresses.
    pub interface: String,
    pub scope: AddressScope,
}

impl LocalAddress {
    /// An IPv4 network's broadcast address: its host bits all set (none for a
    /// /31 or /32, which have no broadcast, nor for loopback or IPv6).
    pub fn broadcast(&self) -> Option<Ipv4Addr> {
        let (IpAddr::V4(ip), Some(prefix)) = (self.ip, self.prefix) else {
            return None;
        };
        if prefix >= 31 || ip.is_loopback() || ip.is_unspecified() {
            return None;
        }
        let host_bits = u32::MAX.checked_shr(u32::from(prefix)).unwrap_or(0);
        Some(Ipv4Addr::from(u32::from(ip) | host_bits))
    }
}

pub fn classify(ip: IpAddr) -> AddressScope {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => classify_v4(v4),
            None => classify_v6(v6),
        },
    }
}

fn classify_v4(ip: Ipv4Addr) -> AddressScope {
    if ip.is_unspecified() {
        AddressScope::Any
    } else if ip.is_loopback() {
        AddressScope::Loopback
    } else if ip.is_private() {
        AddressScope::Private
    } else if ip.is_link_local() {
        AddressScope::LinkLocal
    } else if in_v4(ip, [100, 64, 0, 0], 10) {
        AddressScope::SharedNat
    } else if [[192, 0, 2, 0], [198, 51, 100, 0], [203, 0, 113, 0]]
        .into_iter()
        .any(|net| in_v4(ip, net, 24))
    {
        AddressScope::Documentation
    } else {
        AddressScope::Public
    }
}

/// Whether `ip` is in `network`/`prefix`.
fn in_v4(ip: Ipv4Addr, network: [u8; 4], prefix: u32) -> bool {
    let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
    u32::from(ip) & mask == u32::from(Ipv4Addr::from(network)) & mask
}

fn classify_v6(ip: Ipv6Addr) -> AddressScope {
    let first = ip.segments()[0];
    if ip.is_unspecified() {
        AddressScope::Any
    } else if ip.is_loopback() {
        AddressScope::Loopback
    } else if first & 0xfe00 == 0xfc00 {
        AddressScope::UniqueLocal
    } else if first & 0xffc0 == 0xfe80 {
        AddressScope::LinkLocal
    } else if first == 0x2001 && ip.segments()[1] == 0x0db8 {
        AddressScope::Documentation
    } else {
        AddressScope::Public
    }
}

/// The addresses a socket can bind to: the two wildcards first, then every
/// interface address (loopback first). If the OS will not list interfaces,
/// the wildcards and loopback addresses are still offered.
pub fn bindable_addresses() -> Vec<LocalAddress> {
    let wildcard = |ip: IpAddr| LocalAddress {
        ip,
        prefix: None,
        interface: String::new(),
        scope: AddressScope::Any,
    };
    let mut found: Vec<LocalAddress> = if_addrs::get_if_addrs()
        .map(|interfaces| {
            interfaces
                .into_iter()
                .map(|iface| LocalAddress {
                    ip: iface.ip(),
                    prefix: prefix_length(&iface.addr),
                    scope: classify(iface.ip()),
                    interface: iface.name,
                })
                .collect()
        })
        .unwrap_or_else(|_| {
            vec![
                LocalAddress {
                    ip: Ipv4Addr::LOCALHOST.into(),
                    prefix: Some(8),
                    interface: String::new(),
                    scope: AddressScope::Loopback,
                },
                LocalAddress {
                    ip: Ipv6Addr::LOCALHOST.into(),
                    prefix: Some(128),
                    interface: String::new(),
                    scope: AddressScope::Loopback,
                },
            ]
        });
    found.sort_by_key(|addr| (addr.scope != AddressScope::Loopback, addr.ip.is_ipv6()));
    found.dedup_by_key(|addr| addr.ip);
    let mut all = vec![
        wildcard(Ipv4Addr::UNSPECIFIED.into()),
        wildcard(Ipv6Addr::UNSPECIFIED.into()),
    ];
    all.extend(found);
    all
}

fn prefix_length(addr: &if_addrs::IfAddr) -> Option<u8> {
    Some(match addr {
        if_addrs::IfAddr::V4(v4) => v4.prefixlen,
        if_addrs::IfAddr::V6(v6) => v6.prefixlen,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(ip: &str, prefix: u8) -> LocalAddress {
        let ip: IpAddr = ip.parse().expect("ip");
        LocalAddress {
            ip,
            prefix: Some(prefix),
            interface: "eth0".to_owned(),
            scope: classify(ip),
        }
    }

    #[test]
    fn a_broadcast_address_sets_every_host_bit() {
        let broadcast = |ip, prefix| address(ip, prefix).broadcast().map(|b| b.to_string());
        assert_eq!(
            broadcast("192.168.1.23", 24).as_deref(),
            Some("192.168.1.255")
        );
        assert_eq!(broadcast("10.1.2.3", 8).as_deref(), Some("10.255.255.255"));
        assert_eq!(
            broadcast("172.16.5.4", 20).as_deref(),
            Some("172.16.15.255")
        );
        assert_eq!(broadcast("10.0.0.1", 31), None);
        assert_eq!(broadcast("127.0.0.1", 8), None);
        assert_eq!(broadcast("fd00::2", 64), None);
    }
}
