//! Multicast on a UDP endpoint: joining and leaving groups on a chosen
//! interface, and how datagrams to a group go out (interface, TTL or hop limit,
//! loopback). IPv4 joins name the interface by one of its addresses, IPv6 joins
//! by its index; the user names it either way (`eth0`, `192.168.1.5`).

use std::net::{IpAddr, Ipv4Addr, UdpSocket};
use std::sync::{Mutex, MutexGuard};

use socket2::SockRef;

use super::super::error::IpFamily;

/// The most hops a multicast datagram may take (IP's TTL is one byte).
pub const MAX_TTL: u32 = 255;

/// Which interface, as the user said it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum IfaceSpec {
    /// Let the system choose (its route for the group).
    #[default]
    Default,
    Name(String),
    Addr(IpAddr),
}

impl IfaceSpec {
    /// `""` → the default, an IP → that address's interface, else a name.
    pub fn parse(text: &str) -> Self {
        let text = text.trim();
        if text.is_empty() {
            IfaceSpec::Default
        } else if let Ok(ip) = text.trim_matches(['[', ']']).parse::<IpAddr>() {
            IfaceSpec::Addr(ip)
        } else {
            IfaceSpec::Name(text.to_owned())
        }
    }
}

impl std::fmt::Display for IfaceSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IfaceSpec::Default => Ok(()),
            IfaceSpec::Name(name) => f.write_str(name),
            IfaceSpec::Addr(ip) => write!(f, "{ip}"),
        }
    }
}

/// An interface as a socket option wants it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResolvedIface {
    /// IPv4: one of the interface's addresses (0.0.0.0: the system's choice).
    V4(Ipv4Addr),
    /// IPv6: the interface's index (0: the system's choice).
    V6(u32),
}

/// A group this socket has joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub group: IpAddr,
    /// As the user named it (empty: the system's choice).
    pub iface: IfaceSpec,
    resolved: ResolvedIface,
}

/// What a multicast request could not do; `crate::i18n` says it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MulticastError {
    /// Not in 224.0.0.0/4 or ff00::/8.
    NotMulticast {
        addr: IpAddr,
    },
    /// An IPv6 group on an IPv4 socket, or the other way round.
    OtherFamily {
        group_family: IpFamily,
        socket_family: IpFamily,
    },
    NoSuchInterface {
        name: String,
    },
    /// The interface exists but has no address of the group's family.
    NoAddressOfFamily {
        iface: String,
        family: IpFamily,
    },
    AlreadyJoined {
        group: IpAddr,
        iface: String,
    },
    NotJoined {
        group: IpAddr,
    },
    TtlOutOfRange {
        ttl: u32,
    },
    /// The system refused, in its words.
    Refused {
        message: String,
    },
}

fn family(ip: IpAddr) -> IpFamily {
    if ip.is_ipv4() {
        IpFamily::V4
    } else {
        IpFamily::V6
    }
}

fn refused(err: &std::io::Error) -> MulticastError {
    MulticastError::Refused {
        message: err.to_string(),
    }
}

/// Finds the interface `spec` names for a group of `family`.
pub fn resolve(spec: &IfaceSpec, family: IpFamily) -> Result<ResolvedIface, MulticastError> {
    let interfaces = if_addrs::get_if_addrs().unwrap_or_default();
    let by_name = |name: &str| -> Vec<&if_addrs::Interface> {
        interfaces.iter().filter(|i| i.name == name).collect()
    };
    let no_family = |iface: String| MulticastError::NoAddressOfFamily { iface, family };
    match (spec, family) {
        (IfaceSpec::Default, IpFamily::V4) => Ok(ResolvedIface::V4(Ipv4Addr::UNSPECIFIED)),
        (IfaceSpec::Default, IpFamily::V6) => Ok(ResolvedIface::V6(0)),
        (IfaceSpec::Name(name), _) => {
            let found = by_name(name);
            if found.is_empty() {
                // if_addrs leaves out fe80:: addresses: an interface with only a
                // link-local address (a fresh veth) is still found by its name.
                return match (family, index_of_name(name)) {
                    (IpFamily::V6, Some(index)) => Ok(ResolvedIface::V6(index)),
                    (IpFamily::V4, Some(_)) => Err(no_family(name.clone())),
                    (_, None) => Err(MulticastError::NoSuchInterface { name: name.clone() }),
                };
            }
            match family {
                IpFamily::V4 => found
                    .iter()
                    .find_map(|i| match i.ip() {
                        IpAddr::V4(v4) => Some(ResolvedIface::V4(v4)),
                        IpAddr::V6(_) => None,
                    })
                    .ok_or_else(|| no_family(name.clone())),
                // The index is the interface's, whichever address it came with.
                IpFamily::V6 => found
                    .iter()
                    .find_map(|i| i.index)
                    .or_else(|| index_of_name(name))
                    .map(ResolvedIface::V6)
                    .ok_or_else(|| no_family(name.clone())),
            }
        }
        (IfaceSpec::Addr(ip), _) => {
            let ip = ip.to_canonical();
            let Some(owner) = interfaces.iter().find(|i| i.ip() == ip) else {
                return Err(MulticastError::NoSuchInterface {
                    name: ip.to_string(),
                });
            };
            match (family, ip) {
                (IpFamily::V4, IpAddr::V4(v4)) => Ok(ResolvedIface::V4(v4)),
                // The interface that has this address, by its other family.
                (IpFamily::V4, IpAddr::V6(_)) => {
                    resolve(&IfaceSpec::Name(owner.name.clone()), family)
                }
                (IpFamily::V6, _) => owner
                    .index
                    .map(ResolvedIface::V6)
                    .ok_or_else(|| no_family(owner.name.clone())),
            }
        }
    }
}

/// The system's index of the interface named `name`, if there is one.
#[cfg(unix)]
fn index_of_name(name: &str) -> Option<u32> {
    let name = std::ffi::CString::new(name).ok()?;
    // SAFETY: `name` is a valid NUL-terminated string that outlives the call;
    // if_nametoindex only reads it and returns 0 for an unknown name.
    #[allow(unsafe_code)]
    let index = unsafe { libc::if_nametoindex(name.as_ptr()) };
    (index != 0).then_some(index)
}

/// Windows names its interfaces (and their indices) in if_addrs already.
#[cfg(not(unix))]
fn index_of_name(_name: &str) -> Option<u32> {
    None
}

/// The memberships of one socket, kept to refuse joining twice and to leave.
#[derive(Default)]
pub struct Memberships {
    joined: Mutex<Vec<Membership>>,
}

impl Memberships {
    fn lock(&self) -> MutexGuard<'_, Vec<Membership>> {
        self.joined
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn list(&self) -> Vec<Membership> {
        self.lock().clone()
    }

    /// Joins `group` on the interface `iface` names.
    pub fn join(
        &self,
        socket: &UdpSocket,
        group: IpAddr,
        iface: &IfaceSpec,
    ) -> Result<Membership, MulticastError> {
        let group = group.to_canonical();
        check_group(socket, group)?;
        let resolved = resolve(iface, family(group))?;
        let mut joined = self.lock();
        if joined
            .iter()
            .any(|m| m.group == group && m.resolved == resolved)
        {
            return Err(MulticastError::AlreadyJoined {
                group,
                iface: iface.to_string(),
            });
        }
        let sock = SockRef::from(socket);
        match (group, resolved) {
            (IpAddr::V4(group), ResolvedIface::V4(addr)) => sock.join_multicast_v4(&group, &addr),
            (IpAddr::V6(group), ResolvedIface::V6(index)) => sock.join_multicast_v6(&group, index),
            _ => unreachable!("resolved for the group's family"),
        }
        .map_err(|err| refused(&err))?;
        let membership = Membership {
            group,
            iface: iface.clone(),
            resolved,
        };
        joined.push(membership.clone());
        Ok(membership)
    }

    /// Leaves a group joined before (every interface it was joined on when
    /// `iface` is `None`).
    pub fn leave(
        &self,
        socket: &UdpSocket,
        group: IpAddr,
        iface: Option<&IfaceSpec>,
    ) -> Result<(), MulticastError> {
        let group = group.to_canonical();
        let mut joined = self.lock();
        let leaving: Vec<Membership> = joined
            .iter()
            .filter(|m| m.group == group && iface.is_none_or(|spec| *spec == m.iface))
            .cloned()
            .collect();
        if leaving.is_empty() {
            return Err(MulticastError::NotJoined { group });
        }
        let sock = SockRef::from(socket);
        for membership in &leaving {
            let left = match (membership.group, membership.resolved) {
                (IpAddr::V4(group), ResolvedIface::V4(addr)) => {
                    sock.leave_multicast_v4(&group, &addr)
                }
                (IpAddr::V6(group), ResolvedIface::V6(index)) => {
                    sock.leave_multicast_v6(&group, index)
                }
                _ => Ok(()),
            };
            left.map_err(|err| refused(&err))?;
            joined.retain(|m| m != membership);
        }
        Ok(())
    }
}

/// A multicast group of the socket's family.
fn check_group(socket: &UdpSocket, group: IpAddr) -> Result<(), MulticastError> {
    if !group.is_multicast() {
        return Err(MulticastError::NotMulticast { addr: group });
    }
    let socket_v6 = socket.local_addr().is_ok_and(|local| local.is_ipv6());
    if socket_v6 != group.is_ipv6() {
        return Err(MulticastError::OtherFamily {
            group_family: family(group),
            socket_family: if socket_v6 {
                IpFamily::V6
            } else {
                IpFamily::V4
            },
        });
    }
    Ok(())
}

/// How datagrams to a group leave this socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MulticastSend {
    pub iface: IfaceSpec,
    /// IPv4 TTL or IPv6 hop limit; `None` keeps the system's 1.
    pub ttl: Option<u32>,
    /// Whether this machine's own sockets in the group get a copy.
    pub loopback: bool,
}

impl Default for MulticastSend {
    fn default() -> Self {
        Self {
            iface: IfaceSpec::Default,
            ttl: None,
            loopback: true,
        }
    }
}

/// Applies `options` to the socket, for the family it is bound to.
pub fn apply_send_options(
    socket: &UdpSocket,
    options: &MulticastSend,
) -> Result<(), MulticastError> {
    if let Some(ttl) = options.ttl
        && !(1..=MAX_TTL).contains(&ttl)
    {
        return Err(MulticastError::TtlOutOfRange { ttl });
    }
    let v6 = socket.local_addr().is_ok_and(|local| local.is_ipv6());
    let sock = SockRef::from(socket);
    if v6 {
        if let ResolvedIface::V6(index) = resolve(&options.iface, IpFamily::V6)? {
            sock.set_multicast_if_v6(index).map_err(|e| refused(&e))?;
        }
        if let Some(hops) = options.ttl {
            sock.set_multicast_hops_v6(hops).map_err(|e| refused(&e))?;
        }
        sock.set_multicast_loop_v6(options.loopback)
            .map_err(|e| refused(&e))?;
    } else {
        if let ResolvedIface::V4(addr) = resolve(&options.iface, IpFamily::V4)? {
            sock.set_multicast_if_v4(&addr).map_err(|e| refused(&e))?;
        }
        if let Some(ttl) = options.ttl {
            sock.set_multicast_ttl_v4(ttl).map_err(|e| refused(&e))?;
        }
        sock.set_multicast_loop_v4(options.loopback)
            .map_err(|e| refused(&e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interface_is_a_name_an_address_or_the_default() {
        assert_eq!(IfaceSpec::parse(" "), IfaceSpec::Default);
        assert_eq!(IfaceSpec::parse("eth0"), IfaceSpec::Name("eth0".into()));
        assert_eq!(
            IfaceSpec::parse("192.168.1.5"),
            IfaceSpec::Addr("192.168.1.5".parse().expect("ip"))
        );
        assert_eq!(
            IfaceSpec::parse("[fe80::1]"),
            IfaceSpec::Addr("fe80::1".parse().expect("ip"))
        );
    }

    #[test]
    fn groups_are_checked_before_any_socket_call() {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("bind");
        let memberships = Memberships::default();
        let unicast: IpAddr = "10.0.0.1".parse().expect("ip");
        assert_eq!(
            memberships.join(&socket, unicast, &IfaceSpec::Default),
            Err(MulticastError::NotMulticast { addr: unicast })
        );
        let v6: IpAddr = "ff15::1".parse().expect("ip");
        assert!(matches!(
            memberships.join(&socket, v6, &IfaceSpec::Default),
            Err(MulticastError::OtherFamily { .. })
        ));
        let group: IpAddr = "239.1.2.3".parse().expect("ip");
        assert_eq!(
            memberships.join(&socket, group, &IfaceSpec::Name("no-such-if9".into())),
            Err(MulticastError::NoSuchInterface {
                name: "no-such-if9".into()
            })
        );
        assert_eq!(
            memberships.leave(&socket, group, None),
            Err(MulticastError::NotJoined { group })
        );
    }
}
