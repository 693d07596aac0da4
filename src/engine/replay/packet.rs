//! One captured packet down to its payload: the link layer (Ethernet with VLANs,
//! Linux cooked v1 and v2, BSD loopback, raw IP), IPv4 or IPv6, then TCP or UDP.
//! TCP bytes seen twice (a retransmission) are kept once, by sequence number.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};

use etherparse::{EtherType, NetSlice, SlicedPacket, TransportSlice};
use pcap_file::DataLink;

use super::capture::{Builder, Conversation, Key, Proto, Record};
use super::error::{CaptureError, Place};

/// What a packet carried, once decoded.
struct Segment<'a> {
    proto: Proto,
    src: SocketAddr,
    dst: SocketAddr,
    payload: &'a [u8],
    /// TCP: the sequence number and flags.
    tcp: Option<(u32, bool, bool)>,
}

#[derive(Default)]
pub(super) struct Decoder {
    /// For each TCP direction (from, to): the next sequence number expected.
    next_seq: HashMap<(SocketAddr, SocketAddr), u32>,
}

impl Decoder {
    /// Adds the packet's payload, if it has one we can read; anything else is
    /// counted as skipped.
    pub(super) fn packet(
        &mut self,
        builder: &mut Builder,
        link: DataLink,
        at_ns: i64,
        data: &[u8],
        place: Place,
    ) -> Result<(), CaptureError> {
        let Some(segment) = decode(link, data) else {
            builder.skip();
            return Ok(());
        };
        let (low, high) = if segment.src <= segment.dst {
            (segment.src, segment.dst)
        } else {
            (segment.dst, segment.src)
        };
        // The side that sent the SYN started it; else the first packet's sender.
        let initiator = match segment.tcp {
            Some((_, true, true)) => segment.dst,
            _ => segment.src,
        };
        let responder = if initiator == segment.src {
            segment.dst
        } else {
            segment.src
        };
        let Some(conversation) =
            builder.conversation(Key::Pair(segment.proto, low, high), || Conversation {
                proto: Some(segment.proto),
                initiator: Some(initiator),
                responder,
                messages: 0,
            })
        else {
            builder.skip();
            return Ok(());
        };
        let mut payload = segment.payload;
        if let Some((seq, syn, _)) = segment.tcp {
            payload = self.fresh_bytes((segment.src, segment.dst), seq, syn, payload);
        }
        if payload.is_empty() {
            builder.skip();
            return Ok(());
        }
        let from_initiator = builder.conversations()[conversation].initiator == Some(segment.src);
        builder.push(
            Record {
                at_ns,
                conversation,
                from_initiator,
                data: payload.to_vec(),
            },
            place,
        )
    }

    /// The part of a TCP segment's payload not seen before in its direction.
    fn fresh_bytes<'a>(
        &mut self,
        way: (SocketAddr, SocketAddr),
        seq: u32,
        syn: bool,
        payload: &'a [u8],
    ) -> &'a [u8] {
        // The SYN takes one sequence number; its data (rare) follows it.
        let first = if syn { seq.wrapping_add(1) } else { seq };
        let len = payload.len() as u32;
        let end = first.wrapping_add(len);
        let fresh = match self.next_seq.get(&way) {
            None => payload,
            Some(&next) => {
                let ahead = first.wrapping_sub(next) as i32;
                if ahead >= 0 {
                    payload
                } else {
                    let behind = ahead.unsigned_abs();
                    if behind >= len {
                        return &[];
                    }
                    &payload[behind as usize..]
                }
            }
        };
        self.next_seq.insert(way, end);
        fresh
    }
}

/// The transport segment inside a frame of link type `link`, if it is TCP or UDP
/// over IP and not a fragment.
fn decode(link: DataLink, data: &[u8]) -> Option<Segment<'_>> {
    let sliced = match link {
        DataLink::ETHERNET => SlicedPacket::from_ethernet(data),
        DataLink::RAW | DataLink::IPV4 | DataLink::IPV6 => SlicedPacket::from_ip(data),
        // BSD loopback: a 4-byte address family, then IP.
        DataLink::NULL | DataLink::LOOP => SlicedPacket::from_ip(data.get(4..)?),
        DataLink::LINUX_SLL => {
            let protocol = u16::from_be_bytes([*data.get(14)?, *data.get(15)?]);
            SlicedPacket::from_ether_type(EtherType(protocol), data.get(16..)?)
        }
        DataLink::LINUX_SLL2 => {
            let protocol = u16::from_be_bytes([*data.first()?, *data.get(1)?]);
            SlicedPacket::from_ether_type(EtherType(protocol), data.get(20..)?)
        }
        _ => return None,
    }
    .ok()?;
    let (src_ip, dst_ip): (IpAddr, IpAddr) = match &sliced.net {
        Some(NetSlice::Ipv4(ip)) => (
            ip.header().source_addr().into(),
            ip.header().destination_addr().into(),
        ),
        Some(NetSlice::Ipv6(ip)) => (
            ip.header().source_addr().into(),
            ip.header().destination_addr().into(),
        ),
        _ => return None,
    };
    match sliced.transport? {
        TransportSlice::Udp(udp) => Some(Segment {
            proto: Proto::Udp,
            src: SocketAddr::new(src_ip, udp.source_port()),
            dst: SocketAddr::new(dst_ip, udp.destination_port()),
            payload: udp.payload(),
            tcp: None,
        }),
        TransportSlice::Tcp(tcp) => Some(Segment {
            proto: Proto::Tcp,
            src: SocketAddr::new(src_ip, tcp.source_port()),
            dst: SocketAddr::new(dst_ip, tcp.destination_port()),
            payload: tcp.payload(),
            tcp: Some((tcp.sequence_number(), tcp.syn(), tcp.ack())),
        }),
        _ => None,
    }
}
