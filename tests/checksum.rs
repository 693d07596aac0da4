//! Checksums and line endings as they go on the wire: the catalogue's check values over
//! "123456789", the byte order each protocol expects, and the order `build_message`
//! puts things in (payload, line ending, checksum over both).

use netdbg::codec::{
    Checksum, LineEnding, PayloadMode, SendOptions, TextEncoding, build_message, parse_hex,
};

const CHECK: &[u8] = b"123456789";

fn hex(text: &str) -> Vec<u8> {
    parse_hex(text).expect("test hex literal is valid")
}

/// Bit by bit, straight from the definitions, to check the table-driven crate against.
fn reference_crc16(data: &[u8], poly: u16, init: u16, reflected: bool) -> u16 {
    let mut crc = init;
    for &byte in data {
        if reflected {
            crc ^= u16::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ poly.reverse_bits()
                } else {
                    crc >> 1
                };
            }
        } else {
            crc ^= u16::from(byte) << 8;
            for _ in 0..8 {
                crc = if crc & 0x8000 != 0 {
                    (crc << 1) ^ poly
                } else {
                    crc << 1
                };
            }
        }
    }
    crc
}

fn reference_crc32(data: &[u8]) -> u32 {
    let mut crc = u32::MAX;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn options(mode: PayloadMode, line_ending: LineEnding, checksum: Checksum) -> SendOptions {
    SendOptions {
        mode,
        escapes: false,
        vars: false,
        line_ending,
        checksum,
    }
}

#[test]
fn catalogue_check_values_over_123456789() {
    // CRC-16/Modbus 0x4B37 goes out low byte first, as Modbus RTU sends it.
    assert_eq!(Checksum::Crc16Modbus.compute(CHECK), vec![0x37, 0x4B]);
    // CRC-16/CCITT-FALSE 0x29B1 and CRC-32 0xCBF43926 go out high byte first.
    assert_eq!(Checksum::Crc16CcittFalse.compute(CHECK), vec![0x29, 0xB1]);
    assert_eq!(Checksum::Crc32.compute(CHECK), vec![0xCB, 0xF4, 0x39, 0x26]);
    // 0x31 + … + 0x39 = 0x1DD, kept to one byte; the XOR of '1'..'9' is '1'.
    assert_eq!(Checksum::Sum8.compute(CHECK), vec![0xDD]);
    assert_eq!(Checksum::Xor8.compute(CHECK), vec![0x31]);
    assert_eq!(Checksum::None.compute(CHECK), Vec::<u8>::new());
}

#[test]
fn the_reference_implementations_agree_with_the_catalogue() {
    assert_eq!(reference_crc16(CHECK, 0x8005, 0xFFFF, true), 0x4B37);
    assert_eq!(reference_crc16(CHECK, 0x1021, 0xFFFF, false), 0x29B1);
    assert_eq!(reference_crc32(CHECK), 0xCBF4_3926);
}

#[test]
fn checksums_match_the_reference_on_other_data() {
    // A Modbus RTU request (read 10 holding registers from 0 on unit 1) and odd lengths.
    let samples: [&[u8]; 4] = [
        &hex("01 03 00 00 00 0A"),
        b"",
        &[0xFF; 37],
        "网络调试".as_bytes(),
    ];
    for data in samples {
        let modbus = reference_crc16(data, 0x8005, 0xFFFF, true);
        let ccitt = reference_crc16(data, 0x1021, 0xFFFF, false);
        assert_eq!(
            Checksum::Crc16Modbus.compute(data),
            modbus.to_le_bytes(),
            "{data:02X?}"
        );
        assert_eq!(
            Checksum::Crc16CcittFalse.compute(data),
            ccitt.to_be_bytes(),
            "{data:02X?}"
        );
        assert_eq!(
            Checksum::Crc32.compute(data),
            reference_crc32(data).to_be_bytes(),
            "{data:02X?}"
        );
    }
    // The well-known frame: 01 03 00 00 00 0A C5 CD.
    assert_eq!(
        Checksum::Crc16Modbus.compute(&hex("01 03 00 00 00 0A")),
        vec![0xC5, 0xCD]
    );
}

#[test]
fn message_is_payload_then_crlf_then_checksum_over_both() {
    let built = build_message(
        "123456789",
        &options(PayloadMode::Text, LineEnding::CrLf, Checksum::Crc16Modbus),
        TextEncoding::Utf8,
    )
    .expect("builds");
    let body = b"123456789\r\n";
    let crc = reference_crc16(body, 0x8005, 0xFFFF, true).to_le_bytes();
    assert_eq!(&built[..body.len()], body);
    assert_eq!(&built[body.len()..], &crc);
    assert_eq!(built.len(), body.len() + 2);
    // Not the checksum of the payload alone.
    assert_ne!(&built[body.len()..], &[0x37, 0x4B]);
}

#[test]
fn each_line_ending_and_none() {
    let cases = [
        (LineEnding::None, ""),
        (LineEnding::Cr, "0D"),
        (LineEnding::Lf, "0A"),
        (LineEnding::CrLf, "0D 0A"),
    ];
    for (ending, tail) in cases {
        let built = build_message(
            "ping",
            &options(PayloadMode::Text, ending, Checksum::None),
            TextEncoding::Gbk,
        )
        .expect("builds");
        let mut expected = b"ping".to_vec();
        expected.extend(hex(tail));
        assert_eq!(built, expected, "{ending:?}");
    }
}

#[test]
fn hex_mode_adds_raw_line_ending_and_checksum() {
    let built = build_message(
        "01 03 00 00 00 0A",
        &options(PayloadMode::Hex, LineEnding::Lf, Checksum::Sum8),
        TextEncoding::Utf16Le,
    )
    .expect("builds");
    // After HEX the ending is the raw byte 0A, whatever the text encoding.
    assert_eq!(built, hex("01 03 00 00 00 0A 0A 18"));
}

#[test]
fn utf16le_line_ending_is_encoded_like_the_text() {
    let built = build_message(
        "hi",
        &options(PayloadMode::Text, LineEnding::CrLf, Checksum::Xor8),
        TextEncoding::Utf16Le,
    )
    .expect("builds");
    let body = hex("68 00 69 00 0D 00 0A 00");
    let xor = body.iter().fold(0u8, |acc, b| acc ^ b);
    let mut expected = body.clone();
    expected.push(xor);
    assert_eq!(built, expected);

    let be = build_message(
        "hi",
        &options(PayloadMode::Text, LineEnding::Cr, Checksum::None),
        TextEncoding::Utf16Be,
    )
    .expect("builds");
    assert_eq!(be, hex("00 68 00 69 00 0D"));
}

#[test]
fn escapes_then_line_ending_then_crc32() {
    let send = SendOptions {
        mode: PayloadMode::Text,
        escapes: true,
        vars: false,
        line_ending: LineEnding::Lf,
        checksum: Checksum::Crc32,
    };
    let built = build_message("a\\x00b", &send, TextEncoding::Utf8).expect("builds");
    let body = hex("61 00 62 0A");
    let mut expected = body.clone();
    expected.extend(reference_crc32(&body).to_be_bytes());
    assert_eq!(built, expected);
}

#[test]
fn bad_hex_is_an_error_not_a_checksum_of_nothing() {
    let result = build_message(
        "4G",
        &options(PayloadMode::Hex, LineEnding::CrLf, Checksum::Crc32),
        TextEncoding::Utf8,
    );
    assert!(result.is_err(), "{result:?}");
}

#[test]
fn labels_round_trip() {
    for checksum in Checksum::ALL {
        assert_eq!(Checksum::from_label(checksum.label()), Some(checksum));
    }
    let labels: Vec<&str> = Checksum::ALL.iter().map(|c| c.label()).collect();
    assert_eq!(
        labels,
        [
            "none",
            "sum8",
            "xor8",
            "crc16-modbus",
            "crc16-ccitt",
            "crc32"
        ]
    );
    assert_eq!(
        Checksum::from_label(" CRC16-Modbus "),
        Some(Checksum::Crc16Modbus)
    );
    assert_eq!(Checksum::from_label("crc16"), None);
    assert_eq!(Checksum::from_label(""), None);
}
