//! The send box's backslash escapes on any text: no panic, segments that tile the
//! input exactly (the error positions the UI shows rely on it), errors that quote
//! the input, and escaping any text by hand then parsing it gives the text back.

#![no_main]

use libfuzzer_sys::fuzz_target;
use netdbg::codec::escapes::{LocatedSegment, Segment, split_escapes, split_escapes_located};
use netdbg::codec::{CodecError, PayloadMode, TextEncoding, build_payload};

fuzz_target!(|text: &str| {
    let chars: Vec<char> = text.chars().collect();
    match split_escapes_located(text) {
        Ok(segments) => {
            let mut next = 1;
            for LocatedSegment { start, segment } in &segments {
                assert_eq!(*start, next, "segments must tile {text:?}");
                next += consumed(&chars[start - 1..], segment);
            }
            assert_eq!(next, chars.len() + 1, "segments must cover {text:?}");
            let plain: Vec<_> = segments.into_iter().map(|s| s.segment).collect();
            assert_eq!(split_escapes(text), Ok(plain));
        }
        Err(CodecError::BadEscape { position, sequence }) => {
            assert!(sequence.starts_with('\\'));
            // `\x4g` is the longest sequence an error quotes.
            assert!(sequence.chars().count() <= 4, "{sequence:?}");
            let rest: String = chars[position - 1..].iter().collect();
            assert!(
                rest.starts_with(&sequence),
                "{sequence:?} at {position} in {text:?}"
            );
            assert_eq!(
                split_escapes(text),
                Err(CodecError::BadEscape { position, sequence })
            );
        }
        Err(other) => panic!("escapes cannot fail with {other:?}"),
    }

    // The escaped form of any text means that text again.
    let escaped = escape(text);
    let bytes = build_payload(&escaped, PayloadMode::Text, TextEncoding::Utf8, true);
    assert_eq!(bytes.as_deref(), Ok(text.as_bytes()), "{escaped:?}");
});

/// How many input characters `segment` stands for, checking it against them.
fn consumed(input: &[char], segment: &Segment) -> usize {
    match segment {
        Segment::Bytes(bytes) => {
            let [byte] = bytes.as_slice() else {
                panic!("one \\xNN is one byte, got {bytes:?}");
            };
            let written: String = input.iter().take(4).collect();
            assert_eq!(written.to_ascii_lowercase(), format!("\\x{byte:02x}"));
            4
        }
        Segment::Text(text) if input[0] == '\\' => {
            let expected = match input[1] {
                'r' => "\r",
                'n' => "\n",
                't' => "\t",
                '\\' => "\\",
                '0' => "\0",
                other => panic!("\\{other} is not an escape"),
            };
            assert_eq!(text, expected);
            2
        }
        Segment::Text(text) => {
            // A literal run is the input verbatim, up to the next backslash.
            assert!(!text.is_empty() && !text.contains('\\'));
            let len = text.chars().count();
            assert!(text.chars().eq(input[..len].iter().copied()));
            assert!(input.get(len).is_none_or(|&c| c == '\\'));
            len
        }
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c => out.push(c),
        }
    }
    out
}
