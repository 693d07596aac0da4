//! Synthesized frames for a pcapng capture: Ethernet, IPv4 or IPv6, then UDP or
//! TCP, with the real addresses and ports and correct checksums (etherparse
//! computes them). The MAC addresses are made up, one for each side.

use std::io;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use etherparse::{IpHeaders, Ipv4Header, Ipv6Header, PacketBuilder, TcpHeader, TcpOptionElement};

/// Locally administered, so nobody takes them for a real card's.
const MAC_LOCAL: [u8; 6] = [0x02, 0, 0, 0, 0, 0x01];
const MAC_PEER: [u8; 6] = [0x02, 0, 0, 0, 0, 0x02];
const TTL: u8 = 64;
/// The most TCP payload one IPv4 packet holds without options (65535 − 20 − 20);
/// IPv6 holds a little more, but one size keeps the split simple.
pub const MAX_TCP_SEGMENT: usize = 65_495;
/// The window every segment advertises, scaled by [`WINDOW_SHIFT`] from the
/// handshake on: Wireshark then sees room for whatever one side sends unanswered.
const WINDOW: u16 = u16::MAX;
const WINDOW_SHIFT: u8 = 14;

/// One packet's way: its ends (already of one IP family) and whether it leaves
/// the endpoint that captured it.
#[derive(Debug, Clone, Copy)]
pub struct Hop {
    pub from: SocketAddr,
    pub to: SocketAddr,
    pub from_local: bool,
}

impl Hop {
    /// The largest UDP payload one packet of this family holds.
    pub fn max_udp_payload(&self) -> usize {
        match self.from {
            SocketAddr::V4(_) => 65_535 - 20 - 8,
            SocketAddr::V6(_) => 65_535 - 8,
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct TcpFlags {
    pub syn: bool,
    pub ack: bool,
    pub fin: bool,
    pub rst: bool,
    pub psh: bool,
}

/// A packet's headers and payload go in `out` (cleared first).
pub fn udp(out: &mut Vec<u8>, hop: Hop, ip_id: u16, payload: &[u8]) -> io::Result<()> {
    out.clear();
    link_and_ip(hop, ip_id)
        .udp(hop.from.port(), hop.to.port())
        .write(out, payload)
        .map_err(io::Error::other)
}

pub struct TcpSegment {
    pub seq: u32,
    pub ack: u32,
    pub flags: TcpFlags,
}

pub fn tcp(
    out: &mut Vec<u8>,
    hop: Hop,
    ip_id: u16,
    segment: &TcpSegment,
    payload: &[u8],
) -> io::Result<()> {
    out.clear();
    let mut header = TcpHeader::new(hop.from.port(), hop.to.port(), segment.seq, WINDOW);
    let flags = segment.flags;
    header.syn = flags.syn;
    header.ack = flags.ack;
    header.fin = flags.fin;
    header.rst = flags.rst;
    header.psh = flags.psh;
    if flags.ack {
        header.acknowledgment_number = segment.ack;
    }
    if flags.syn {
        header
            .set_options(&[
                TcpOptionElement::MaximumSegmentSize(MAX_TCP_SEGMENT as u16),
                TcpOptionElement::WindowScale(WINDOW_SHIFT),
                TcpOptionElement::Noop,
            ])
            .map_err(io::Error::other)?;
    }
    link_and_ip(hop, ip_id)
        .tcp_header(header)
        .write(out, payload)
        .map_err(io::Error::other)
}

fn link_and_ip(hop: Hop, ip_id: u16) -> etherparse::PacketBuilderStep<IpHeaders> {
    let (source_mac, destination_mac) = if hop.from_local {
        (MAC_LOCAL, MAC_PEER)
    } else {
        (MAC_PEER, MAC_LOCAL)
    };
    let link = PacketBuilder::ethernet2(source_mac, destination_mac);
    match (hop.from.ip(), hop.to.ip()) {
        (IpAddr::V4(source), IpAddr::V4(destination)) => link.ip(IpHeaders::Ipv4(
            Ipv4Header {
                identification: ip_id,
                time_to_live: TTL,
                source: source.octets(),
                destination: destination.octets(),
                ..Default::default()
            },
            Default::default(),
        )),
        (source, destination) => link.ip(IpHeaders::Ipv6(
            Ipv6Header {
                hop_limit: TTL,
                source: as_v6(source).octets(),
                destination: as_v6(destination).octets(),
                ..Default::default()
            },
            Default::default(),
        )),
    }
}

fn as_v6(ip: IpAddr) -> Ipv6Addr {
    match ip {
        IpAddr::V4(v4) => v4.to_ipv6_mapped(),
        IpAddr::V6(v6) => v6,
    }
}

/// The ends in one IP family, as one packet needs them. A socket bound to `[::]`
/// talks to IPv4 peers: its address becomes `0.0.0.0` (v4-mapped ones their IPv4
/// address); otherwise an IPv4 end is written v4-mapped.
pub fn one_family(local: SocketAddr, peer: SocketAddr) -> (SocketAddr, SocketAddr) {
    let as_v4 = |addr: SocketAddr| match addr.ip() {
        IpAddr::V6(v6) if v6.is_unspecified() => Some(SocketAddr::new(
            std::net::Ipv4Addr::UNSPECIFIED.into(),
            addr.port(),
        )),
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(|v4| SocketAddr::new(v4.into(), addr.port())),
        IpAddr::V4(_) => Some(addr),
    };
    let as_v6 = |addr: SocketAddr| SocketAddr::new(as_v6(addr.ip()).into(), addr.port());
    match (local, peer) {
        (SocketAddr::V4(_), SocketAddr::V4(_)) | (SocketAddr::V6(_), SocketAddr::V6(_)) => {
            (local, peer)
        }
        (SocketAddr::V6(_), SocketAddr::V4(_)) => match as_v4(local) {
            Some(local) => (local, peer),
            None => (local, as_v6(peer)),
        },
        (SocketAddr::V4(_), SocketAddr::V6(_)) => match as_v4(peer) {
            Some(peer) => (local, peer),
            None => (as_v6(local), peer),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(text: &str) -> SocketAddr {
        text.parse().expect("address")
    }

    #[test]
    fn mixed_families_meet_in_one() {
        let v4 = addr("127.0.0.1:5000");
        assert_eq!(one_family(addr("[::]:7"), v4), (addr("0.0.0.0:7"), v4));
        assert_eq!(
            one_family(addr("[::ffff:10.0.0.1]:7"), v4),
            (addr("10.0.0.1:7"), v4)
        );
        assert_eq!(
            one_family(addr("[::1]:7"), v4),
            (addr("[::1]:7"), addr("[::ffff:127.0.0.1]:5000"))
        );
        assert_eq!(
            one_family(v4, addr("[2001:db8::1]:9")),
            (addr("[::ffff:127.0.0.1]:5000"), addr("[2001:db8::1]:9"))
        );
    }

    #[test]
    fn a_udp_packet_parses_back_with_its_ends_and_payload() {
        let hop = Hop {
            from: addr("192.0.2.1:1000"),
            to: addr("192.0.2.2:2000"),
            from_local: true,
        };
        let mut out = Vec::new();
        udp(&mut out, hop, 7, b"hello").expect("build");
        let parsed = etherparse::SlicedPacket::from_ethernet(&out).expect("parse");
        let Some(etherparse::TransportSlice::Udp(udp)) = parsed.transport else {
            panic!("not UDP");
        };
        assert_eq!((udp.source_port(), udp.destination_port()), (1000, 2000));
        assert_eq!(udp.payload(), b"hello");
    }
}
