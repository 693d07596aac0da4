//! The pcapng capture format: what Wireshark and tshark open. netdbg sees bytes
//! read and written, not packets, so each record becomes synthesized frames
//! ([`packet`](super::packet)): a UDP datagram one packet; a TCP read or write
//! one segment per [`MAX_TCP_SEGMENT`] bytes, with sequence and acknowledgement
//! numbers kept per connection, a handshake at its open (or at its first record,
//! for a connection that was open before the capture started), FINs at its close
//! and a RST at its reset. So "Follow TCP stream" shows exactly the bytes
//! exchanged. The interface says "netdbg capture (synthesized headers)", and each
//! packet's comment carries the record's note.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

use pcap_file::pcapng::PcapNgWriter;
use pcap_file::pcapng::blocks::enhanced_packet::{EnhancedPacketBlock, EnhancedPacketOption};
use pcap_file::pcapng::blocks::interface_description::{
    InterfaceDescriptionBlock, InterfaceDescriptionOption,
};
use pcap_file::pcapng::blocks::section_header::{SectionHeaderBlock, SectionHeaderOption};
use pcap_file::{DataLink, Endianness, PcapError};

use super::packet::{self, Hop, MAX_TCP_SEGMENT, TcpFlags, TcpSegment};
use super::record::{
    CaptureDirection, CaptureEnds, CaptureItem, CaptureProto, CaptureSide, Captured,
    ConnectionEvent,
};

/// The interface's name and description: nobody should take this for a wire capture.
pub const INTERFACE_NAME: &str = "netdbg capture (synthesized headers)";
/// TCP connections whose numbers the writer keeps at once; a closed one is
/// forgotten. Past this, the oldest-looking one is forgotten to make room (its
/// next record then starts it anew with a handshake).
const MAX_CONNECTIONS: usize = 65_536;
const SECTION_COMMENT: &str = "netdbg records the bytes a program reads and writes, not packets: \
     the Ethernet, IP, UDP and TCP headers here are made up from them (addresses and ports are real)";
const MADE_UP_HANDSHAKE: &str =
    "netdbg: handshake made up, the connection was open before the capture started";

/// The next sequence number each side of a connection sends.
#[derive(Debug, Clone, Copy)]
struct Connection {
    local_next: u32,
    peer_next: u32,
}

pub struct PcapNgCaptureWriter<W: Write> {
    out: PcapNgWriter<W>,
    connections: HashMap<(SocketAddr, SocketAddr), Connection>,
    next_isn: u32,
    ip_id: u16,
    /// One frame at a time is built here.
    frame: Vec<u8>,
    packets: u64,
}

impl<W: Write> PcapNgCaptureWriter<W> {
    /// Writes the section header and the one interface.
    pub fn new(out: W) -> io::Result<Self> {
        let section = SectionHeaderBlock {
            options: vec![
                SectionHeaderOption::UserApplication(Cow::Owned(format!(
                    "netdbg {}",
                    env!("CARGO_PKG_VERSION")
                ))),
                SectionHeaderOption::Comment(Cow::Borrowed(SECTION_COMMENT)),
            ],
            // The default is big-endian; readers expect the writer's own.
            endianness: Endianness::native(),
            ..SectionHeaderBlock::default()
        };
        let mut out = PcapNgWriter::with_section_header(out, section).map_err(io_error)?;
        let interface = InterfaceDescriptionBlock {
            linktype: DataLink::ETHERNET,
            snaplen: 0,
            options: vec![
                InterfaceDescriptionOption::IfName(Cow::Borrowed(INTERFACE_NAME)),
                InterfaceDescriptionOption::IfDescription(Cow::Borrowed(INTERFACE_NAME)),
                // pcap-file writes nanoseconds.
                InterfaceDescriptionOption::IfTsResol(9),
            ],
        };
        out.write_pcapng_block(interface).map_err(io_error)?;
        Ok(PcapNgCaptureWriter {
            out,
            connections: HashMap::new(),
            next_isn: 0x1000_0000,
            ip_id: 0,
            frame: Vec::with_capacity(MAX_TCP_SEGMENT + 128),
            packets: 0,
        })
    }

    /// Packets written so far.
    pub fn packets(&self) -> u64 {
        self.packets
    }

    pub fn write(&mut self, item: &CaptureItem<'_>) -> io::Result<()> {
        match (item.ends.proto, item.what) {
            (CaptureProto::Udp, Captured::Data { direction, data }) => {
                self.datagram(item, direction, data)
            }
            (CaptureProto::Tcp, Captured::Data { direction, data }) => {
                self.stream_data(item, direction, data)
            }
            (CaptureProto::Tcp, Captured::Connection { event, by }) => {
                self.lifecycle(item, event, by)
            }
            // UDP has no connection to open or close.
            (CaptureProto::Udp, Captured::Connection { .. }) => Ok(()),
        }
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.get_mut().flush()
    }

    fn datagram(
        &mut self,
        item: &CaptureItem<'_>,
        direction: CaptureDirection,
        data: &[u8],
    ) -> io::Result<()> {
        let hop = hop(&item.ends, direction == CaptureDirection::Tx);
        let max = hop.max_udp_payload();
        if data.len() <= max {
            let ip_id = self.next_ip_id();
            packet::udp(&mut self.frame, hop, ip_id, data)?;
            return self.packet(item.at, item.note);
        }
        // Only a file edited by hand holds one this big; IP could not carry it whole.
        let pieces = data.len().div_ceil(max);
        for (index, piece) in data.chunks(max).enumerate() {
            let note = format!(
                "{}netdbg: part {} of {pieces} of a {}-byte datagram",
                item.note.map(|n| format!("{n}; ")).unwrap_or_default(),
                index + 1,
                data.len()
            );
            let ip_id = self.next_ip_id();
            packet::udp(&mut self.frame, hop, ip_id, piece)?;
            self.packet(item.at, Some(&note))?;
        }
        Ok(())
    }

    fn stream_data(
        &mut self,
        item: &CaptureItem<'_>,
        direction: CaptureDirection,
        data: &[u8],
    ) -> io::Result<()> {
        let mut connection = self.connection(item)?;
        let from = match direction {
            CaptureDirection::Tx => CaptureSide::Local,
            CaptureDirection::Rx => CaptureSide::Peer,
        };
        let flags = TcpFlags {
            ack: true,
            psh: true,
            ..TcpFlags::default()
        };
        for segment in data.chunks(MAX_TCP_SEGMENT) {
            self.segment(item, &mut connection, from, flags, segment, item.note)?;
        }
        self.connections.insert(key(&item.ends), connection);
        Ok(())
    }

    fn lifecycle(
        &mut self,
        item: &CaptureItem<'_>,
        event: ConnectionEvent,
        by: Option<CaptureSide>,
    ) -> io::Result<()> {
        match event {
            ConnectionEvent::Open => {
                // The same ends again: the port was reused; a new connection begins.
                self.connections.remove(&key(&item.ends));
                let by = by.unwrap_or(CaptureSide::Local);
                let connection = self.handshake(item, by, item.note)?;
                self.connections.insert(key(&item.ends), connection);
                Ok(())
            }
            ConnectionEvent::Close => {
                let mut connection = self.connection(item)?;
                self.connections.remove(&key(&item.ends));
                let first = by.unwrap_or(CaptureSide::Local);
                let fin = TcpFlags {
                    fin: true,
                    ack: true,
                    ..TcpFlags::default()
                };
                let ack = TcpFlags {
                    ack: true,
                    ..TcpFlags::default()
                };
                self.segment(item, &mut connection, first, fin, &[], item.note)?;
                self.segment(item, &mut connection, other(first), fin, &[], None)?;
                self.segment(item, &mut connection, first, ack, &[], None)
            }
            ConnectionEvent::Reset => {
                let mut connection = self.connection(item)?;
                self.connections.remove(&key(&item.ends));
                let rst = TcpFlags {
                    rst: true,
                    ack: true,
                    ..TcpFlags::default()
                };
                let by = by.unwrap_or(CaptureSide::Peer);
                self.segment(item, &mut connection, by, rst, &[], item.note)
            }
        }
    }

    /// The connection's numbers; one not seen before (the capture started after
    /// it opened) gets a handshake first.
    fn connection(&mut self, item: &CaptureItem<'_>) -> io::Result<Connection> {
        match self.connections.get(&key(&item.ends)) {
            Some(connection) => Ok(*connection),
            None => {
                let opener = likely_opener(&item.ends);
                self.handshake(item, opener, Some(MADE_UP_HANDSHAKE))
            }
        }
    }

    fn handshake(
        &mut self,
        item: &CaptureItem<'_>,
        opener: CaptureSide,
        note: Option<&str>,
    ) -> io::Result<Connection> {
        if self.connections.len() >= MAX_CONNECTIONS
            && let Some(oldest) = self.connections.keys().next().copied()
        {
            self.connections.remove(&oldest);
        }
        let mut connection = Connection {
            local_next: self.next_isn(),
            peer_next: self.next_isn(),
        };
        let syn = TcpFlags {
            syn: true,
            ..TcpFlags::default()
        };
        let syn_ack = TcpFlags {
            syn: true,
            ack: true,
            ..TcpFlags::default()
        };
        let ack = TcpFlags {
            ack: true,
            ..TcpFlags::default()
        };
        self.segment(item, &mut connection, opener, syn, &[], note)?;
        self.segment(item, &mut connection, other(opener), syn_ack, &[], None)?;
        self.segment(item, &mut connection, opener, ack, &[], None)?;
        Ok(connection)
    }

    /// One TCP segment from `from`, numbered from the connection, which it advances.
    fn segment(
        &mut self,
        item: &CaptureItem<'_>,
        connection: &mut Connection,
        from: CaptureSide,
        flags: TcpFlags,
        payload: &[u8],
        note: Option<&str>,
    ) -> io::Result<()> {
        let (sent, acked) = match from {
            CaptureSide::Local => (&mut connection.local_next, connection.peer_next),
            CaptureSide::Peer => (&mut connection.peer_next, connection.local_next),
        };
        let segment = TcpSegment {
            seq: *sent,
            ack: acked,
            flags,
        };
        // SYN and FIN take one number each; the payload as many as its bytes.
        let len = payload.len() as u64 + u64::from(flags.syn) + u64::from(flags.fin);
        *sent = sent.wrapping_add(len as u32);
        let hop = hop(&item.ends, from == CaptureSide::Local);
        let ip_id = self.next_ip_id();
        packet::tcp(&mut self.frame, hop, ip_id, &segment, payload)?;
        self.packet(item.at, note)
    }

    fn packet(&mut self, at: SystemTime, note: Option<&str>) -> io::Result<()> {
        let len = u32::try_from(self.frame.len()).map_err(io::Error::other)?;
        let block = EnhancedPacketBlock {
            interface_id: 0,
            timestamp: at
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap_or(Duration::ZERO),
            original_len: len,
            data: Cow::Borrowed(&self.frame),
            options: note
                .map(|note| EnhancedPacketOption::Comment(Cow::Borrowed(note)))
                .into_iter()
                .collect(),
        };
        self.out.write_pcapng_block(block).map_err(io_error)?;
        self.packets += 1;
        Ok(())
    }

    fn next_ip_id(&mut self) -> u16 {
        self.ip_id = self.ip_id.wrapping_add(1);
        self.ip_id
    }

    /// Initial sequence numbers far apart, so a reused port never looks like a
    /// retransmitted SYN.
    fn next_isn(&mut self) -> u32 {
        self.next_isn = self.next_isn.wrapping_add(0x3B9A_CA07);
        self.next_isn
    }
}

fn key(ends: &CaptureEnds) -> (SocketAddr, SocketAddr) {
    (ends.local, ends.peer)
}

/// Who most likely connected, when the open was not seen: the end with the
/// higher port (a client's is ephemeral, a server's usually well known).
fn likely_opener(ends: &CaptureEnds) -> CaptureSide {
    if ends.peer.port() > ends.local.port() {
        CaptureSide::Peer
    } else {
        CaptureSide::Local
    }
}

fn other(side: CaptureSide) -> CaptureSide {
    match side {
        CaptureSide::Local => CaptureSide::Peer,
        CaptureSide::Peer => CaptureSide::Local,
    }
}

fn hop(ends: &CaptureEnds, from_local: bool) -> Hop {
    let (local, peer) = packet::one_family(ends.local, ends.peer);
    let (from, to) = if from_local {
        (local, peer)
    } else {
        (peer, local)
    };
    Hop {
        from,
        to,
        from_local,
    }
}

fn io_error(error: PcapError) -> io::Error {
    match error {
        PcapError::IoError(error) => error,
        other => io::Error::other(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(writer: &mut PcapNgCaptureWriter<io::Sink>, port: u16, event: ConnectionEvent) {
        let ends = CaptureEnds::tcp(
            "127.0.0.1:80".parse().expect("addr"),
            SocketAddr::from(([127, 0, 0, 2], port)),
        );
        let item = CaptureItem {
            at: SystemTime::now(),
            ends,
            what: Captured::Connection { event, by: None },
            note: None,
        };
        writer.write(&item).expect("write");
    }

    #[test]
    fn closed_connections_are_forgotten_and_open_ones_capped() {
        let mut writer = PcapNgCaptureWriter::new(io::sink()).expect("writer");
        for port in 1..=100 {
            event(&mut writer, port, ConnectionEvent::Open);
        }
        assert_eq!(writer.connections.len(), 100);
        for port in 1..=50 {
            event(&mut writer, port, ConnectionEvent::Close);
        }
        for port in 51..=100 {
            event(&mut writer, port, ConnectionEvent::Reset);
        }
        assert!(writer.connections.is_empty());
        // 3 + 3 per close + 1 per reset.
        assert_eq!(writer.packets(), 100 * 3 + 50 * 3 + 50);

        for n in 0..MAX_CONNECTIONS as u32 + 10 {
            let ends = CaptureEnds::tcp(
                SocketAddr::from(([10, 0, 0, 1], (n % 60_000) as u16 + 1)),
                SocketAddr::from(([10, 0, 1, (n / 60_000) as u8], 9)),
            );
            let item = CaptureItem {
                at: SystemTime::now(),
                ends,
                what: Captured::Connection {
                    event: ConnectionEvent::Open,
                    by: None,
                },
                note: None,
            };
            writer.write(&item).expect("write");
        }
        assert_eq!(writer.connections.len(), MAX_CONNECTIONS);
    }
}
