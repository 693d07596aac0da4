//! Multicast requests the system or the user got wrong.

use super::Describe;
use crate::engine::MulticastError;
use crate::engine::error::IpFamily;
use crate::engine::udp::multicast::MAX_TTL;
use crate::i18n::Lang;

impl Describe for MulticastError {
    fn describe(&self, lang: Lang) -> String {
        use MulticastError::*;
        match (self, lang) {
            (NotMulticast { addr }, Lang::Zh) => format!(
                "{addr} 不是组播地址 — IPv4 组播在 224.0.0.0 到 239.255.255.255，IPv6 组播以 ff 开头"
            ),
            (NotMulticast { addr }, Lang::En) => format!(
                "{addr} is not a multicast address — IPv4 groups are 224.0.0.0 to 239.255.255.255, IPv6 groups start with ff"
            ),
            (
                OtherFamily {
                    group_family,
                    socket_family,
                },
                Lang::Zh,
            ) => format!(
                "这是 {group_family} 组播组，但端口是按 {socket_family} 打开的 — {}",
                reopen_hint(*group_family, lang)
            ),
            (
                OtherFamily {
                    group_family,
                    socket_family,
                },
                Lang::En,
            ) => format!(
                "That is an {group_family} group, but the socket is open for {socket_family} — {}",
                reopen_hint(*group_family, lang)
            ),
            (NoSuchInterface { name }, Lang::Zh) => {
                format!("本机没有网卡 {name} — 在“网络”页看看本机的网卡名和地址")
            }
            (NoSuchInterface { name }, Lang::En) => format!(
                "This machine has no interface {name} — the Network tab lists its interfaces and addresses"
            ),
            (NoAddressOfFamily { iface, family }, Lang::Zh) => {
                format!("网卡 {iface} 没有 {family} 地址，不能在它上面收发 {family} 组播")
            }
            (NoAddressOfFamily { iface, family }, Lang::En) => format!(
                "Interface {iface} has no {family} address, so it cannot take {family} multicast"
            ),
            (AlreadyJoined { group, iface }, Lang::Zh) => {
                format!("已经在{}加入了 {group}", on_iface(iface, lang))
            }
            (AlreadyJoined { group, iface }, Lang::En) => {
                format!("Already joined {group}{}", on_iface(iface, lang))
            }
            (NotJoined { group }, Lang::Zh) => format!("没有加入过 {group}，无需退出"),
            (NotJoined { group }, Lang::En) => {
                format!("{group} was not joined, so there is nothing to leave")
            }
            (TtlOutOfRange { ttl }, Lang::Zh) => {
                format!("TTL {ttl} 超出范围 — 填 1 到 {MAX_TTL}（1 = 只到本网段）")
            }
            (TtlOutOfRange { ttl }, Lang::En) => {
                format!("TTL {ttl} is out of range — give 1 to {MAX_TTL} (1 = this network only)")
            }
            (Refused { message }, Lang::Zh) => format!("系统拒绝了组播设置：{message}"),
            (Refused { message }, Lang::En) => {
                format!("The system refused the multicast setting: {message}")
            }
        }
    }
}

/// How to open a socket that can take a group of `family`.
fn reopen_hint(family: IpFamily, lang: Lang) -> &'static str {
    match (family, lang) {
        (IpFamily::V6, Lang::Zh) => "请绑定 [::] 再加入 IPv6 组",
        (IpFamily::V6, Lang::En) => "bind [::] to join IPv6 groups",
        (IpFamily::V4, Lang::Zh) => "请绑定 0.0.0.0 再加入 IPv4 组",
        (IpFamily::V4, Lang::En) => "bind 0.0.0.0 to join IPv4 groups",
    }
}

fn on_iface(iface: &str, lang: Lang) -> String {
    match (iface.is_empty(), lang) {
        (true, Lang::Zh) => "系统默认网卡上".to_owned(),
        (true, Lang::En) => " on the system's default interface".to_owned(),
        (false, Lang::Zh) => format!("网卡 {iface} 上"),
        (false, Lang::En) => format!(" on {iface}"),
    }
}
