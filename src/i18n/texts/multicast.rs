//! Words for the UDP tab's multicast panel and the Network tab's lesson on
//! groups and broadcast.

use std::net::IpAddr;

use crate::i18n::Lang;

use super::Texts;

/// The multicast panel's fixed words, one set per language.
pub struct MulticastWords {
    pub title: &'static str,
    pub group: &'static str,
    pub group_hint: &'static str,
    pub iface: &'static str,
    pub iface_hint: &'static str,
    pub iface_tip: &'static str,
    pub join: &'static str,
    pub leave: &'static str,
    pub none_joined: &'static str,
    pub ttl: &'static str,
    pub ttl_hint: &'static str,
    pub ttl_tip: &'static str,
    pub loopback: &'static str,
    pub loopback_tip: &'static str,
    pub share_port: &'static str,
    pub share_port_tip: &'static str,
    pub open_first: &'static str,
    pub groups_hint: &'static str,
    pub col_broadcast: &'static str,
    pub lesson_title: &'static str,
    pub lesson: &'static str,
}

const EN: MulticastWords = MulticastWords {
    title: "Multicast",
    group: "Group",
    group_hint: "239.1.2.3 or ff15::1",
    iface: "Interface",
    iface_hint: "default",
    iface_tip: "The interface to join on and to send groups out of: a name (eth0) or one of its addresses. Empty: the system's choice",
    join: "Join",
    leave: "Leave",
    none_joined: "No group joined",
    ttl: "TTL",
    ttl_hint: "1",
    ttl_tip: "How many routers a datagram to a group may cross, 1 to 255 (IPv6: hop limit). The system's default, 1, keeps it on this network",
    loopback: "Loopback",
    loopback_tip: "This machine's own sockets in the group get a copy of what is sent to it",
    share_port: "Share the port (SO_REUSEADDR)",
    share_port_tip: "Let other programs on this machine listen on the same port, e.g. several listeners of one group. Set before Open",
    open_first: "Open the socket first, then join",
    groups_hint: "IPv4 groups: 224.0.0.0–239.255.255.255; IPv6 groups start with ff. Bind [::] for IPv6 groups.",
    col_broadcast: "Broadcast",
    lesson_title: "Multicast and broadcast",
    lesson: "A multicast group is an address many hosts can join: a datagram sent to it reaches every member, on every network its TTL lets it cross. IPv4 groups are 224.0.0.0/4: 224.0.0.x stays on this network (routers never forward it), 239.0.0.0/8 is for your own organisation (like private addresses). IPv6 groups start with ff, and the fourth hex digit is the scope: ff02:: this link, ff05:: this site, ff0e:: the whole internet. Broadcast reaches every host on one network and no further: the network's broadcast address (in the table above: all host bits set) or 255.255.255.255 for the network the datagram leaves by. IPv6 has no broadcast; ff02::1 (all nodes) plays its part.",
};

const ZH: MulticastWords = MulticastWords {
    title: "组播",
    group: "组播组",
    group_hint: "239.1.2.3 或 ff15::1",
    iface: "网卡",
    iface_hint: "默认",
    iface_tip: "加入组播组、发往组播组时用的网卡：网卡名（eth0）或它的一个地址。留空：由系统选择",
    join: "加入",
    leave: "退出",
    none_joined: "还没有加入组播组",
    ttl: "TTL",
    ttl_hint: "1",
    ttl_tip: "发往组播组的数据报最多能经过几个路由器，1 到 255（IPv6 叫跳数限制）。系统默认 1，只在本网段",
    loopback: "本机回环",
    loopback_tip: "本机上加入了该组的端口也会收到自己发出的组播",
    share_port: "共享端口（SO_REUSEADDR）",
    share_port_tip: "允许本机其他程序监听同一端口，例如同一组播组的多个接收端。需在打开前设置",
    open_first: "请先打开端口，再加入组播组",
    groups_hint: "IPv4 组播地址：224.0.0.0–239.255.255.255；IPv6 组播以 ff 开头。加入 IPv6 组请绑定 [::]。",
    col_broadcast: "广播地址",
    lesson_title: "组播与广播",
    lesson: "组播组是一个许多主机都能加入的地址：发往它的数据报会到达每个成员，能跨过几层网络由 TTL 决定。IPv4 组播是 224.0.0.0/4：224.0.0.x 只在本网段（路由器从不转发），239.0.0.0/8 留给单位内部使用（类似私有地址）。IPv6 组播以 ff 开头，第四个十六进制位是范围：ff02:: 本链路，ff05:: 本站点，ff0e:: 整个互联网。广播到达同一网段的所有主机，不会更远：网段的广播地址（见上表：主机位全为 1），或 255.255.255.255（发往数据报出去的那个网段）。IPv6 没有广播，由 ff02::1（所有节点）代替。",
};

impl Texts {
    pub fn multicast(&self) -> &'static MulticastWords {
        match self.lang {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }

    /// A row of the joined groups: `239.1.2.3 on eth0`.
    pub fn joined_row(&self, group: IpAddr, iface: &str) -> String {
        match (iface.is_empty(), self.lang) {
            (true, Lang::Zh) => format!("{group}（系统默认网卡）"),
            (true, Lang::En) => format!("{group} (system's choice)"),
            (false, Lang::Zh) => format!("{group}（网卡 {iface}）"),
            (false, Lang::En) => format!("{group} on {iface}"),
        }
    }
}
