//! Helpers shared by the framing tests: messages put on the wire the way each
//! framing expects them (written here independently of the framer), and a
//! framer fed reads, collecting what it gives.
#![allow(dead_code)]

use netdbg::codec::framing::{Endian, FrameItem, LengthPrefix};
use netdbg::codec::{FrameFault, FrameNote, Framer, Framing};

/// What a framer gave, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Got {
    Frame(Vec<u8>, FrameNote),
    Fault(FrameFault),
}

impl Got {
    pub fn payload(&self) -> Option<&[u8]> {
        match self {
            Got::Frame(payload, _) => Some(payload),
            Got::Fault(_) => None,
        }
    }
}

pub fn collect<'a>(items: impl Iterator<Item = FrameItem<'a>>, into: &mut Vec<Got>) {
    for item in items {
        into.push(match item {
            FrameItem::Frame(frame) => Got::Frame(frame.payload.to_vec(), frame.note),
            FrameItem::Fault(fault) => Got::Fault(fault),
        });
    }
}

/// Feeds `reads` one by one, then ends the stream.
pub fn frame_reads(framer: &mut Framer, reads: &[&[u8]]) -> Vec<Got> {
    let mut got = Vec::new();
    for read in reads {
        collect(framer.push(read), &mut got);
    }
    collect(framer.finish(), &mut got);
    got
}

pub fn payloads(got: &[Got]) -> Vec<Vec<u8>> {
    got.iter()
        .filter_map(|g| g.payload().map(<[u8]>::to_vec))
        .collect()
}

/// One message as it goes on the wire; `None` if the framing cannot carry it
/// (a length that does not fit the field).
pub fn encode(framing: &Framing, payload: &[u8], header_fill: u8) -> Option<Vec<u8>> {
    match framing {
        Framing::AsRead | Framing::Idle { .. } => Some(payload.to_vec()),
        Framing::Line => Some([payload, b"\n"].concat()),
        Framing::Delimiter(delimiter) => Some([payload, delimiter].concat()),
        Framing::Fixed(size) => (payload.len() == *size).then(|| payload.to_vec()),
        Framing::LengthPrefix(prefix) => encode_length_prefixed(prefix, payload, header_fill),
    }
}

fn encode_length_prefixed(prefix: &LengthPrefix, payload: &[u8], fill: u8) -> Option<Vec<u8>> {
    let header = prefix.offset + prefix.width.bytes();
    let counted = if prefix.counts_whole_frame {
        header + payload.len()
    } else {
        payload.len()
    };
    let value = i128::try_from(counted).ok()? - i128::from(prefix.adjust);
    let width = prefix.width.bytes();
    let max = (1i128 << (8 * width)) - 1;
    if !(0..=max).contains(&value) {
        return None;
    }
    let mut field = (value as u64).to_be_bytes()[8 - width..].to_vec();
    if prefix.endian == Endian::Little {
        field.reverse();
    }
    let mut frame = vec![fill; prefix.offset];
    frame.extend_from_slice(&field);
    frame.extend_from_slice(payload);
    Some(frame)
}

/// `len:2be`, the common case.
pub fn len_2be() -> Framing {
    Framing::parse("len:2be").expect("valid framing")
}
