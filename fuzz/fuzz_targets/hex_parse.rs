//! `parse_hex` on any text: it never panics, its errors point at the input, and
//! whatever it accepts comes back unchanged through both HEX styles we print (any
//! bytes, not only parsed ones, are the property tests' job: cheaper there).

#![no_main]

use libfuzzer_sys::fuzz_target;
use netdbg::codec::{CodecError, format_hex, format_hex_compact, parse_hex};

fuzz_target!(|text: &str| {
    match parse_hex(text) {
        Ok(bytes) => {
            // Two ASCII digits per byte at least.
            assert!(bytes.len() * 2 <= text.len());
            assert_round_trips(&bytes);
        }
        Err(CodecError::HexInvalidChar { ch, position }) => {
            // The UI underlines the character at this 1-based position.
            let at = position.checked_sub(1).and_then(|i| text.chars().nth(i));
            assert_eq!(at, Some(ch), "position {position} in {text:?}");
            assert!(!ch.is_ascii_hexdigit());
        }
        Err(CodecError::HexOddDigits { digits }) => {
            assert!(digits % 2 == 1 && digits <= text.len());
        }
        Err(other) => panic!("parse_hex cannot fail with {other:?}"),
    }
});

fn assert_round_trips(bytes: &[u8]) {
    let spaced = format_hex(bytes);
    assert_eq!(parse_hex(&spaced).as_deref(), Ok(bytes));
    assert_eq!(parse_hex(&format_hex_compact(bytes)).as_deref(), Ok(bytes));
}
