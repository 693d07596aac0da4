//! Check bytes appended to a message, as serial-over-network gear expects them.
//! Byte order on the wire: CRC-16/Modbus low byte first (as Modbus RTU sends it);
//! CRC-16/CCITT-FALSE and CRC-32 high byte first; sum8 and xor8 are one byte.

use crc::{CRC_16_IBM_3740, CRC_16_MODBUS, CRC_32_ISO_HDLC, Crc};
use serde::{Deserialize, Serialize};

const MODBUS: Crc<u16> = Crc::<u16>::new(&CRC_16_MODBUS);
/// CRC-16/CCITT-FALSE is the catalogue's CRC-16/IBM-3740.
const CCITT_FALSE: Crc<u16> = Crc::<u16>::new(&CRC_16_IBM_3740);
const CRC32: Crc<u32> = Crc::<u32>::new(&CRC_32_ISO_HDLC);

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Checksum {
    #[default]
    None,
    Sum8,
    Xor8,
    Crc16Modbus,
    Crc16CcittFalse,
    Crc32,
}

impl Checksum {
    pub const ALL: [Checksum; 6] = [
        Checksum::None,
        Checksum::Sum8,
        Checksum::Xor8,
        Checksum::Crc16Modbus,
        Checksum::Crc16CcittFalse,
        Checksum::Crc32,
    ];

    /// The name used on the command line (`--checksum crc16-modbus`).
    pub fn label(self) -> &'static str {
        match self {
            Checksum::None => "none",
            Checksum::Sum8 => "sum8",
            Checksum::Xor8 => "xor8",
            Checksum::Crc16Modbus => "crc16-modbus",
            Checksum::Crc16CcittFalse => "crc16-ccitt",
            Checksum::Crc32 => "crc32",
        }
    }

    pub fn from_label(label: &str) -> Option<Self> {
        let label = label.trim().to_ascii_lowercase();
        Checksum::ALL
            .into_iter()
            .find(|checksum| checksum.label() == label)
    }

    /// The check bytes for `data`, in the order they go on the wire.
    pub fn compute(self, data: &[u8]) -> Vec<u8> {
        match self {
            Checksum::None => Vec::new(),
            Checksum::Sum8 => vec![data.iter().fold(0u8, |sum, byte| sum.wrapping_add(*byte))],
            Checksum::Xor8 => vec![data.iter().fold(0u8, |acc, byte| acc ^ byte)],
            Checksum::Crc16Modbus => MODBUS.checksum(data).to_le_bytes().to_vec(),
            Checksum::Crc16CcittFalse => CCITT_FALSE.checksum(data).to_be_bytes().to_vec(),
            Checksum::Crc32 => CRC32.checksum(data).to_be_bytes().to_vec(),
        }
    }
}

/// What ends each message.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LineEnding {
    #[default]
    None,
    Cr,
    Lf,
    CrLf,
}

impl LineEnding {
    pub const ALL: [LineEnding; 4] = [
        LineEnding::None,
        LineEnding::Cr,
        LineEnding::Lf,
        LineEnding::CrLf,
    ];

    pub fn text(self) -> &'static str {
        match self {
            LineEnding::None => "",
            LineEnding::Cr => "\r",
            LineEnding::Lf => "\n",
            LineEnding::CrLf => "\r\n",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LineEnding::None => "—",
            LineEnding::Cr => "CR",
            LineEnding::Lf => "LF",
            LineEnding::CrLf => "CRLF",
        }
    }
}
