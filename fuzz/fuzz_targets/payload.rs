//! A whole message from any send-box text with any options: no panic, the parts in
//! the documented order (payload, line ending, checksum over both), and errors that
//! point at the character the user has to change.

#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use netdbg::codec::{
    Checksum, CodecError, LineEnding, PayloadMode, SendOptions, TextEncoding, build_message,
    build_payload, parse_hex,
};

#[derive(Debug, Arbitrary)]
struct Input<'a> {
    hex: bool,
    escapes: bool,
    line_ending: u8,
    checksum: u8,
    encoding: u8,
    text: &'a str,
}

fuzz_target!(|input: Input| {
    let mode = if input.hex {
        PayloadMode::Hex
    } else {
        PayloadMode::Text
    };
    let options = SendOptions {
        mode,
        escapes: input.escapes,
        vars: false,
        line_ending: pick(&LineEnding::ALL, input.line_ending),
        checksum: pick(&Checksum::ALL, input.checksum),
    };
    let encoding = pick(&TextEncoding::ALL, input.encoding);
    let text = input.text;

    let payload = build_payload(text, mode, encoding, options.escapes);
    let message = build_message(text, &options, encoding);
    match mode {
        PayloadMode::Hex => assert_eq!(payload, parse_hex(text)),
        PayloadMode::Text if !options.escapes => {
            assert_eq!(payload, encoding.encode(text));
            // The log shows sent bytes decoded; copying that line into the send box
            // must send the same bytes again, even where decoding is not the
            // inverse of encoding (Shift_JIS U+2212 goes out as 81 7C, comes back U+FF0D).
            if let Ok(bytes) = &payload {
                assert_eq!(encoding.encode(&encoding.decode(bytes)).as_ref(), Ok(bytes));
            }
        }
        PayloadMode::Text => {}
    }
    match (payload, message) {
        (Ok(payload), Ok(message)) => check_layout(&payload, &message, &options, encoding),
        (Err(a), Err(b)) => {
            assert_eq!(a, b);
            check_error(&a, text, &options, encoding);
        }
        (payload, message) => panic!("payload {payload:?} but message {message:?}"),
    }
});

fn pick<T: Copy>(all: &[T], index: u8) -> T {
    all[usize::from(index) % all.len()]
}

/// payload ++ line ending ++ checksum(payload ++ line ending)
fn check_layout(payload: &[u8], message: &[u8], options: &SendOptions, encoding: TextEncoding) {
    assert!(message.starts_with(payload));
    let check_len = options.checksum.compute(&[]).len();
    let (body, check) = message.split_at(message.len() - check_len);
    assert_eq!(check, options.checksum.compute(body));
    let ending = options.line_ending.text();
    let expected_ending = match options.mode {
        // The line ending is text, so it follows the encoding (0D 00 in UTF-16LE)...
        PayloadMode::Text => encoding.encode(ending).expect("CR and LF exist everywhere"),
        // ...but after HEX the user thinks in bytes.
        PayloadMode::Hex => ending.as_bytes().to_vec(),
    };
    assert_eq!(&body[payload.len()..], expected_ending.as_slice());
}

fn check_error(error: &CodecError, text: &str, options: &SendOptions, encoding: TextEncoding) {
    match error {
        CodecError::Unmappable {
            ch,
            position,
            encoding: reported,
        } => {
            assert_eq!(options.mode, PayloadMode::Text);
            assert_eq!(*reported, encoding);
            let at = position.checked_sub(1).and_then(|i| text.chars().nth(i));
            assert_eq!(at, Some(*ch), "position {position} in {text:?}");
            assert!(encoding.encode(&ch.to_string()).is_err());
        }
        CodecError::BadEscape { .. } => {
            assert!(options.mode == PayloadMode::Text && options.escapes);
        }
        CodecError::HexInvalidChar { .. } | CodecError::HexOddDigits { .. } => {
            assert_eq!(options.mode, PayloadMode::Hex);
        }
    }
}
