//! Properties of the codec and the auto-reply rules over generated inputs, the
//! cheap cousins of the fuzz targets in `fuzz/` that run with every `cargo test`.

use netdbg::cli::parse_rule;
use netdbg::codec::{
    Checksum, CodecError, LineEnding, PayloadMode, SendOptions, StreamDecoder, TextEncoding,
    build_message, build_payload, format_hex, format_hex_compact, is_hidden, parse_hex,
    visible_text,
};
use netdbg::engine::{AutoReply, AutoReplySpec, MatchKind, RuleSpec};
use proptest::prelude::*;
use proptest::sample::select;

/// Enough cases to meet the odd split or byte, few enough that the whole file
/// stays around a second.
const CASES: u32 = 512;

/// Characters the encodings care about: ASCII with its controls, Latin-1, CJK,
/// kana, Hangul, and anything else (astral, private use, ...).
fn any_char() -> impl Strategy<Value = char> {
    use proptest::char::range;
    prop_oneof![
        range('\0', '\u{7f}'),
        range('\u{80}', '\u{ff}'),
        range('\u{3040}', '\u{30ff}'),
        range('\u{4e00}', '\u{9fff}'),
        range('\u{ac00}', '\u{d7a3}'),
        any::<char>(),
    ]
}

fn any_text() -> impl Strategy<Value = String> {
    prop::collection::vec(any_char(), 0..48).prop_map(String::from_iter)
}

fn any_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..256)
}

/// Every encoding but Auto, which decides per chunk and is tested on its own below.
fn fixed_encodings() -> Vec<TextEncoding> {
    TextEncoding::ALL
        .into_iter()
        .filter(|e| *e != TextEncoding::Auto)
        .collect()
}

fn any_encoding() -> impl Strategy<Value = TextEncoding> {
    select(fixed_encodings())
}

/// A legacy code page Auto can fall back to.
fn any_fallback() -> impl Strategy<Value = TextEncoding> {
    select(vec![
        TextEncoding::Gbk,
        TextEncoding::Gb18030,
        TextEncoding::Big5,
        TextEncoding::ShiftJis,
        TextEncoding::EucKr,
        TextEncoding::Windows1252,
    ])
}

/// Cut points as fractions of the length, so they fit any input.
fn any_cuts() -> impl Strategy<Value = Vec<prop::sample::Index>> {
    prop::collection::vec(any::<prop::sample::Index>(), 0..8)
}

fn split<'a>(bytes: &'a [u8], cuts: &[prop::sample::Index]) -> Vec<&'a [u8]> {
    let mut at: Vec<usize> = cuts.iter().map(|cut| cut.index(bytes.len() + 1)).collect();
    at.sort_unstable();
    let mut pieces = Vec::new();
    let mut from = 0;
    for cut in at {
        pieces.push(&bytes[from..cut]);
        from = cut;
    }
    pieces.push(&bytes[from..]);
    pieces
}

fn decode_in_pieces(encoding: TextEncoding, pieces: &[&[u8]]) -> String {
    let mut decoder = StreamDecoder::new(encoding);
    let mut text: String = pieces.iter().map(|p| decoder.decode_chunk(p)).collect();
    text.push_str(&decoder.finish());
    text
}

/// The text without the characters `encoding` cannot represent.
fn representable(text: &str, encoding: TextEncoding) -> String {
    // Character by character only when needed: it is the slow part of these tests.
    if encoding.encode(text).is_ok() {
        return text.to_owned();
    }
    text.chars()
        .filter(|c| encoding.encode(c.encode_utf8(&mut [0; 4])).is_ok())
        .collect()
}

/// Decoding gives back exactly the encoded text (legacy ones need not: Shift_JIS
/// sends U+2212 as 81 7C, which decodes to U+FF0D).
fn is_unicode(encoding: TextEncoding) -> bool {
    matches!(
        encoding,
        TextEncoding::Utf8 | TextEncoding::Utf16Le | TextEncoding::Utf16Be
    )
}

/// What a user types in the send box, with escapes on, to send `text`.
fn escape(text: &str) -> String {
    let mut out = String::new();
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn stream_decoding_any_split_equals_decoding_the_whole(
        bytes in any_bytes(),
        cuts in any_cuts(),
    ) {
        let pieces = split(&bytes, &cuts);
        for encoding in fixed_encodings() {
            prop_assert_eq!(decode_in_pieces(encoding, &pieces), encoding.decode(&bytes));
        }
    }

    /// One decoder serves a client's connections one after another.
    #[test]
    fn finish_starts_the_next_stream_clean(
        first in any_bytes(),
        second in any_bytes(),
        encoding in any_encoding(),
    ) {
        let mut decoder = StreamDecoder::new(encoding);
        decoder.decode_chunk(&first);
        decoder.finish();
        let mut text = decoder.decode_chunk(&second);
        text.push_str(&decoder.finish());
        prop_assert_eq!(text, encoding.decode(&second));
    }

    /// Random bytes rarely form valid multi-byte characters; encoded text is made of them.
    #[test]
    fn stream_decoding_split_encoded_text_equals_decoding_the_whole(
        text in any_text(),
        cuts in any_cuts(),
    ) {
        for encoding in fixed_encodings() {
            let text = representable(&text, encoding);
            let bytes = encoding.encode(&text).expect("only representable characters left");
            let decoded = decode_in_pieces(encoding, &split(&bytes, &cuts));
            prop_assert_eq!(&decoded, &encoding.decode(&bytes));
            if is_unicode(encoding) {
                prop_assert_eq!(decoded, text);
            }
        }
    }

    /// Auto shows UTF-8 text as itself however the stream cuts it, even
    /// between the bytes of one character.
    #[test]
    fn auto_shows_split_utf8_text_whole(
        text in any_text(),
        cuts in any_cuts(),
        fallback in any_fallback(),
    ) {
        let bytes = text.as_bytes();
        let mut decoder = StreamDecoder::with_fallback(TextEncoding::Auto, fallback);
        let mut shown = String::new();
        for piece in split(bytes, &cuts) {
            shown.push_str(&decoder.decode_chunk(piece));
            if !piece.is_empty() {
                prop_assert_eq!(decoder.used(), TextEncoding::Utf8);
            }
        }
        shown.push_str(&decoder.finish());
        prop_assert_eq!(shown, text);
    }

    /// Legacy text that is not UTF-8 shows in the fallback, whole.
    #[test]
    fn auto_shows_legacy_text_in_the_fallback(text in any_text(), fallback in any_fallback()) {
        let text = representable(&text, fallback);
        let bytes = fallback.encode(&text).expect("only representable characters left");
        // Not UTF-8 for certain: a stream whose bytes so far are UTF-8 but for an
        // unfinished last character shows them as UTF-8 while it waits for the rest.
        prop_assume!(matches!(std::str::from_utf8(&bytes), Err(e) if e.error_len().is_some()));
        let (whole, used) = netdbg::codec::decode_auto(&bytes, fallback);
        prop_assert_eq!(used, fallback);
        prop_assert_eq!(&whole, &fallback.decode(&bytes));
        let mut decoder = StreamDecoder::with_fallback(TextEncoding::Auto, fallback);
        let mut shown = decoder.decode_chunk(&bytes);
        shown.push_str(&decoder.finish());
        prop_assert_eq!(decoder.used(), fallback);
        prop_assert_eq!(shown, whole);
    }

    /// Whatever arrives, Auto decodes it without losing or inventing text: every
    /// byte shows up in the text of one chunk or another, none twice.
    #[test]
    fn auto_stream_keeps_every_byte(
        bytes in any_bytes(),
        cuts in any_cuts(),
        fallback in any_fallback(),
    ) {
        let mut decoder = StreamDecoder::with_fallback(TextEncoding::Auto, fallback);
        let mut shown = String::new();
        for piece in split(&bytes, &cuts) {
            shown.push_str(&decoder.decode_chunk(piece));
        }
        shown.push_str(&decoder.finish());
        let ascii_in = bytes.iter().filter(|b| b.is_ascii()).count();
        prop_assert!(shown.chars().count() <= bytes.len());
        prop_assert!(shown.chars().filter(char::is_ascii).count() <= ascii_in);
        prop_assert!(bytes.is_empty() || !shown.is_empty());
    }

    #[test]
    fn hex_output_in_every_style_parses_back(bytes in any_bytes()) {
        let spaced = format_hex(&bytes);
        let c_array: Vec<String> = bytes.iter().map(|b| format!("0x{b:02X}")).collect();
        // A dump copied from another tool: 16 bytes a line.
        let dump: Vec<String> = bytes.chunks(16).map(format_hex).collect();
        for written in [
            spaced.clone(),
            spaced.to_lowercase(),
            format_hex_compact(&bytes),
            c_array.join(", "),
            dump.join("\r\n"),
        ] {
            prop_assert_eq!(parse_hex(&written), Ok(bytes.clone()), "{:?}", written);
        }
    }

    #[test]
    fn accepted_hex_prints_back_to_the_same_bytes(text in "[0-9a-fA-FxX ,;:-]{0,40}") {
        if let Ok(bytes) = parse_hex(&text) {
            prop_assert_eq!(parse_hex(&format_hex(&bytes)), Ok(bytes));
        }
    }

    #[test]
    fn escaped_text_sends_the_text(text in any_text(), encoding in any_encoding()) {
        let text = representable(&text, encoding);
        let sent = build_payload(&escape(&text), PayloadMode::Text, encoding, true);
        prop_assert_eq!(sent, encoding.encode(&text));
    }

    /// `\xNN` bytes go on the wire as they are, whatever the encoding.
    #[test]
    fn hex_escapes_send_the_bytes_in_every_encoding(
        bytes in any_bytes(),
        encoding in any_encoding(),
    ) {
        let escaped: String = bytes.iter().map(|b| format!("\\x{b:02x}")).collect();
        prop_assert_eq!(build_payload(&escaped, PayloadMode::Text, encoding, true), Ok(bytes));
    }

    #[test]
    fn unmappable_error_points_at_the_character(text in any_text(), encoding in any_encoding()) {
        if let Err(error) = encoding.encode(&text) {
            let CodecError::Unmappable { ch, position, .. } = error else {
                return Err(TestCaseError::fail(format!("unexpected {error:?}")));
            };
            prop_assert_eq!(text.chars().nth(position - 1), Some(ch));
            let before: String = text.chars().take(position - 1).collect();
            prop_assert!(encoding.encode(&before).is_ok());
        }
    }

    /// The log shows sent bytes decoded; sending that text again sends the same bytes.
    #[test]
    fn shown_text_sent_again_is_the_same_bytes(text in any_text(), encoding in any_encoding()) {
        let bytes = encoding.encode(&representable(&text, encoding)).expect("representable");
        prop_assert_eq!(encoding.encode(&encoding.decode(&bytes)), Ok(bytes));
    }

    #[test]
    fn message_is_payload_then_line_ending_then_checksum(
        data in any_bytes(),
        line_ending in select(LineEnding::ALL.to_vec()),
        checksum in select(Checksum::ALL.to_vec()),
    ) {
        let options = SendOptions {
            mode: PayloadMode::Hex,
            escapes: false,
            vars: false,
            line_ending,
            checksum,
        };
        let message = build_message(&format_hex(&data), &options, TextEncoding::Utf8);
        let mut expected = data;
        expected.extend_from_slice(line_ending.text().as_bytes());
        let check = checksum.compute(&expected);
        expected.extend(check);
        prop_assert_eq!(message, Ok(expected));
    }

    /// How a device checks a frame: the same check over payload and check bytes gives
    /// zero. True of these three in the byte order we send; sum8 is not self-cancelling,
    /// and CRC-32 sent high byte first leaves no fixed residue.
    #[test]
    fn receiver_check_over_the_whole_frame_is_zero(
        data in any_bytes(),
        checksum in select(vec![Checksum::Xor8, Checksum::Crc16Modbus, Checksum::Crc16CcittFalse]),
    ) {
        let mut frame = data;
        let check = checksum.compute(&frame);
        frame.extend(&check);
        prop_assert!(checksum.compute(&frame).iter().all(|&b| b == 0), "{:?}", checksum);
    }

    #[test]
    fn visible_text_is_one_line_without_control_characters(
        text in prop::collection::vec(any::<char>(), 0..48).prop_map(String::from_iter),
    ) {
        let shown = visible_text(&text);
        // Hidden: controls, and the bidi and line-breaking characters a terminal acts on.
        prop_assert!(!shown.chars().any(is_hidden), "{:?}", shown);
        prop_assert_eq!(shown == text, !text.chars().any(is_hidden));
    }

    #[test]
    fn rule_spec_parses_to_what_was_written(
        kind in select(MatchKind::ALL.to_vec()),
        shouting in any::<bool>(),
        pattern in any_text().prop_filter("the pattern ends at the first =>", |p| {
            !p.contains("=>")
        }),
        reply in any_text().prop_filter("a rule needs a reply", |r| !r.is_empty()),
        hex in any::<bool>(),
    ) {
        let word = match kind {
            MatchKind::Contains => "contains",
            MatchKind::StartsWith => "starts",
            MatchKind::Equals => "equals",
            MatchKind::Regex => "regex",
        };
        // The kind is trimmed and case-blind: " CONTAINS :ping=>pong" is fine.
        let word = if shouting {
            format!(" {} ", word.to_uppercase())
        } else {
            word.to_owned()
        };
        let expected = RuleSpec {
            kind,
            pattern: pattern.clone(),
            pattern_hex: hex,
            reply: reply.clone(),
            reply_hex: hex,
        };
        prop_assert_eq!(parse_rule(&format!("{word}:{pattern}=>{reply}"), hex), Some(expected));
    }

    #[test]
    fn contains_rule_answers_a_message_with_its_pattern_anywhere(
        before in any_bytes(),
        pattern in prop::collection::vec(any::<u8>(), 1..8),
        after in any_bytes(),
    ) {
        let hex_rule = RuleSpec {
            kind: MatchKind::Contains,
            pattern: format_hex(&pattern),
            pattern_hex: true,
            reply: "hit".to_owned(),
            reply_hex: false,
        };
        let spec = AutoReplySpec {
            rules: vec![hex_rule],
            ..AutoReplySpec::default()
        };
        let auto = AutoReply::compile(&spec, TextEncoding::Utf8).expect("valid rule");
        let message = [before.as_slice(), &pattern, &after].concat();
        let reply = auto.reply_to(&message);
        prop_assert_eq!(reply.as_deref(), Some(b"hit".as_slice()));
    }
}
