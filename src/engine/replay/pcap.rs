//! pcapng and classic pcap, read block by block (or record by record) so that a
//! bad file is named at its block and byte offset, and memory holds one block at
//! a time. pcap-file parses each block; `packet.rs` reads its headers.

use std::io::{self, Read};
use std::path::Path;

use pcap_file::pcap::PcapHeader;
use pcap_file::pcapng::blocks::interface_description::InterfaceDescriptionOption;
use pcap_file::pcapng::{Block, PcapNgParser};
use pcap_file::{DataLink, Endianness, PcapError, TsResolution};

use super::capture::{Builder, Capture, CaptureFormat, unreadable};
use super::error::{CaptureError, Place};
use super::packet::Decoder;

pub(super) const PCAPNG_MAGIC: [u8; 4] = [0x0a, 0x0d, 0x0d, 0x0a];
/// A block (or packet record) larger than this is not one: pcap-file's own
/// buffer is 8 MB, and no link carries more in one packet.
const MAX_BLOCK: u32 = 8 * 1024 * 1024;

pub(super) fn is_pcap_magic(head: &[u8]) -> bool {
    matches!(
        head,
        [0xa1, 0xb2, 0xc3, 0xd4]
            | [0xd4, 0xc3, 0xb2, 0xa1]
            | [0xa1, 0xb2, 0x3c, 0x4d]
            | [0x4d, 0x3c, 0xb2, 0xa1]
    )
}

/// What went wrong at one block.
fn bad(place: Place, cut_short: bool, message: impl Into<String>) -> CaptureError {
    CaptureError::Packet {
        place,
        cut_short,
        message: message.into(),
    }
}

/// Reads exactly `buf.len()` bytes; `Ok(false)` when the file ends first
/// (with `*got` saying how far it came).
fn fill(reader: &mut impl Read, buf: &mut [u8], got: &mut usize) -> io::Result<bool> {
    *got = 0;
    while *got < buf.len() {
        match reader.read(&mut buf[*got..]) {
            Ok(0) => return Ok(false),
            Ok(n) => *got += n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(true)
}

fn u32_in(bytes: [u8; 4], endianness: Endianness) -> u32 {
    match endianness {
        Endianness::Big => u32::from_be_bytes(bytes),
        Endianness::Little => u32::from_le_bytes(bytes),
    }
}

fn four(bytes: &[u8]) -> [u8; 4] {
    [bytes[0], bytes[1], bytes[2], bytes[3]]
}

pub(super) fn read_pcapng(mut reader: impl Read, path: &Path) -> Result<Capture, CaptureError> {
    let mut builder = Builder::new(CaptureFormat::PcapNg);
    let mut decoder = Decoder::default();
    let mut parser: Option<PcapNgParser> = None;
    let mut endianness = Endianness::Little;
    let (mut number, mut offset) = (0u64, 0u64);
    let mut block = Vec::new();
    // Simple packet blocks carry no time: they take the last one seen.
    let mut last_ns = 0i64;
    loop {
        number += 1;
        let place = Place::Block { number, offset };
        let mut head = [0u8; 12];
        let mut got = 0;
        if !fill(&mut reader, &mut head[..8], &mut got).map_err(|e| unreadable(path, &e))? {
            if got == 0 {
                break;
            }
            return Err(bad(place, true, "block header"));
        }
        let mut header_len = 8;
        if head[..4] == PCAPNG_MAGIC {
            // A section header: its byte-order magic says how to read its length.
            if !fill(&mut reader, &mut head[8..12], &mut got).map_err(|e| unreadable(path, &e))? {
                return Err(bad(place, true, "section header"));
            }
            endianness = match head[8..12] {
                [0x1a, 0x2b, 0x3c, 0x4d] => Endianness::Big,
                [0x4d, 0x3c, 0x2b, 0x1a] => Endianness::Little,
                _ => return Err(bad(place, false, "section header: bad byte-order magic")),
            };
            header_len = 12;
        } else if parser.is_none() {
            return Err(bad(place, false, "the first block is not a section header"));
        }
        let len = u32_in(four(&head[4..8]), endianness);
        if len < 12 || !len.is_multiple_of(4) || len > MAX_BLOCK {
            return Err(bad(place, false, format!("block length {len}")));
        }
        block.clear();
        block.extend_from_slice(&head[..header_len]);
        block.resize(len as usize, 0);
        if !fill(&mut reader, &mut block[header_len..], &mut got)
            .map_err(|e| unreadable(path, &e))?
        {
            return Err(bad(place, true, format!("block of {len} bytes")));
        }
        offset += u64::from(len);
        let parsed = match &mut parser {
            None => PcapNgParser::new(&block).map(|(_, new)| {
                parser = Some(new);
                None
            }),
            Some(parser) => parser.next_block(&block).map(|(_, block)| Some(block)),
        };
        let parsed = parsed.map_err(|err| pcap_error(place, &err))?;
        let Some(parser) = &parser else { continue };
        let (interface, at_ns, data) = match parsed {
            Some(Block::EnhancedPacket(packet)) => {
                let Some(interface) = parser.interfaces().get(packet.interface_id as usize) else {
                    return Err(bad(
                        place,
                        false,
                        format!("no interface {}", packet.interface_id),
                    ));
                };
                let at = to_nanos(packet.timestamp.as_nanos(), interface.options.iter());
                (interface, at, packet.data)
            }
            Some(Block::Packet(packet)) => {
                let Some(interface) = parser.interfaces().get(usize::from(packet.interface_id))
                else {
                    return Err(bad(
                        place,
                        false,
                        format!("no interface {}", packet.interface_id),
                    ));
                };
                let at = to_nanos(u128::from(packet.timestamp), interface.options.iter());
                (interface, at, packet.data)
            }
            Some(Block::SimplePacket(packet)) => {
                let Some(interface) = parser.interfaces().first() else {
                    return Err(bad(place, false, "no interface 0"));
                };
                (interface, last_ns, packet.data)
            }
            _ => continue,
        };
        last_ns = at_ns;
        decoder.packet(&mut builder, interface.linktype, at_ns, &data, place)?;
    }
    if parser.is_none() {
        return Err(CaptureError::NotACapture);
    }
    Ok(builder.finish())
}

/// A pcapng timestamp in nanoseconds: its units are 10^-6 s unless the
/// interface's `if_tsresol` says otherwise (10^-n, or 2^-n with the high bit).
fn to_nanos<'a>(
    raw: u128,
    mut options: impl Iterator<Item = &'a InterfaceDescriptionOption<'a>>,
) -> i64 {
    let resolution = options
        .find_map(|option| match option {
            InterfaceDescriptionOption::IfTsResol(resolution) => Some(*resolution),
            _ => None,
        })
        .unwrap_or(6);
    let nanos = if resolution & 0x80 != 0 {
        let shift = u32::from(resolution & 0x7f).min(127);
        raw.saturating_mul(1_000_000_000) >> shift
    } else {
        let power = u32::from(resolution).min(38);
        if power <= 9 {
            raw.saturating_mul(10u128.pow(9 - power))
        } else {
            raw / 10u128.pow(power - 9)
        }
    };
    i64::try_from(nanos).unwrap_or(i64::MAX)
}

fn pcap_error(place: Place, err: &PcapError) -> CaptureError {
    match err {
        PcapError::IncompleteBuffer => bad(place, true, "block"),
        PcapError::InvalidField(what) => bad(place, false, *what),
        PcapError::InvalidInterfaceId(id) => bad(place, false, format!("no interface {id}")),
        other => bad(place, false, other.to_string()),
    }
}

pub(super) fn read_pcap(mut reader: impl Read, path: &Path) -> Result<Capture, CaptureError> {
    let mut builder = Builder::new(CaptureFormat::Pcap);
    let mut decoder = Decoder::default();
    let mut head = [0u8; 24];
    let mut got = 0;
    let header_place = Place::Packet {
        number: 0,
        offset: 0,
    };
    if !fill(&mut reader, &mut head, &mut got).map_err(|e| unreadable(path, &e))? {
        return Err(bad(header_place, true, "file header"));
    }
    let header = PcapHeader::from_slice(&head)
        .map(|(_, header)| header)
        .map_err(|err| pcap_error(header_place, &err))?;
    let linktype: DataLink = header.datalink;
    let (mut number, mut offset) = (0u64, 24u64);
    let mut data = Vec::new();
    loop {
        number += 1;
        let place = Place::Packet { number, offset };
        let mut record = [0u8; 16];
        if !fill(&mut reader, &mut record, &mut got).map_err(|e| unreadable(path, &e))? {
            if got == 0 {
                break;
            }
            return Err(bad(place, true, "packet header"));
        }
        let secs = u32_in(four(&record[0..4]), header.endianness);
        let frac = u32_in(four(&record[4..8]), header.endianness);
        let len = u32_in(four(&record[8..12]), header.endianness);
        if len > MAX_BLOCK {
            return Err(bad(place, false, format!("packet length {len}")));
        }
        data.clear();
        data.resize(len as usize, 0);
        if !fill(&mut reader, &mut data, &mut got).map_err(|e| unreadable(path, &e))? {
            return Err(bad(place, true, format!("packet of {len} bytes")));
        }
        offset += 16 + u64::from(len);
        let frac_ns = match header.ts_resolution {
            TsResolution::MicroSecond => i64::from(frac) * 1000,
            TsResolution::NanoSecond => i64::from(frac),
        };
        let at_ns = i64::from(secs) * 1_000_000_000 + frac_ns;
        decoder.packet(&mut builder, linktype, at_ns, &data, place)?;
    }
    Ok(builder.finish())
}
