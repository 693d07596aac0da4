//! Properties of message framing over generated streams: however TCP splits or
//! merges the bytes into reads, every framing gives back the same messages; frames
//! too large are dropped and framing resyncs; what the end cuts short is marked.

mod framing_support;

use framing_support::{Got, collect, encode, frame_reads, payloads};
use netdbg::codec::framing::{
    Endian, FrameItem, LengthPrefix, LengthWidth, MAX_FIXED, MAX_IDLE_MS, MAX_LENGTH_ADJUST,
    MAX_LENGTH_OFFSET,
};
use netdbg::codec::{FrameFault, Framer, Framing, FramingError};
use proptest::prelude::*;
use proptest::sample::Index;

const CASES: u32 = 256;

/// Bytes no framing here uses as a delimiter (delimiters are drawn from F0–FF).
fn payload_bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(0x20u8..0xF0, 0..max)
}

fn any_length_prefix() -> impl Strategy<Value = LengthPrefix> {
    (
        prop::sample::select(LengthWidth::ALL.to_vec()),
        any::<bool>(),
        0usize..4,
        any::<bool>(),
        -3i64..=3,
    )
        .prop_map(
            |(width, big, offset, counts_whole_frame, adjust)| LengthPrefix {
                width,
                endian: if big { Endian::Big } else { Endian::Little },
                offset,
                counts_whole_frame,
                adjust,
            },
        )
}

/// A framing with a message end in the bytes (not as read, not idle).
fn any_framing() -> impl Strategy<Value = Framing> {
    prop_oneof![
        Just(Framing::Line),
        prop::collection::vec(0xF0u8..=0xFF, 1..4).prop_map(Framing::Delimiter),
        (1usize..24).prop_map(Framing::Fixed),
        any_length_prefix().prop_map(Framing::LengthPrefix),
    ]
}

/// A framing and messages it can carry.
fn framed_messages() -> impl Strategy<Value = (Framing, Vec<Vec<u8>>)> {
    any_framing().prop_flat_map(|framing| {
        let messages = match &framing {
            Framing::Fixed(size) => {
                prop::collection::vec(prop::collection::vec(0x20u8..0xF0, *size), 0..12).boxed()
            }
            _ => prop::collection::vec(payload_bytes(40), 0..12).boxed(),
        };
        (Just(framing), messages)
    })
}

/// The messages on the wire (those the framing can carry), and each one's bytes.
fn wire(framing: &Framing, messages: &[Vec<u8>]) -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
    messages
        .iter()
        .filter_map(|m| encode(framing, m, 0x7E).map(|w| (m.clone(), w)))
        .unzip()
}

fn any_cuts() -> impl Strategy<Value = Vec<Index>> {
    prop::collection::vec(any::<Index>(), 0..24)
}

/// Cut points in `0..=len`, sorted (repeats give empty reads).
fn cut_points(len: usize, cuts: &[Index]) -> Vec<usize> {
    let mut at: Vec<usize> = cuts.iter().map(|cut| cut.index(len + 1)).collect();
    at.sort_unstable();
    at
}

fn split<'a>(bytes: &'a [u8], cuts: &[Index]) -> Vec<&'a [u8]> {
    let mut pieces = Vec::new();
    let mut from = 0;
    for cut in cut_points(bytes.len(), cuts) {
        pieces.push(&bytes[from..cut]);
        from = cut;
    }
    pieces.push(&bytes[from..]);
    pieces
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn any_split_or_merge_gives_the_same_frames(
        (framing, messages) in framed_messages(),
        cuts in any_cuts(),
    ) {
        let (sent, frames) = wire(&framing, &messages);
        let stream = frames.concat();
        let got = frame_reads(&mut Framer::new(framing), &split(&stream, &cuts));
        prop_assert_eq!(payloads(&got), sent);
        for item in &got {
            let Got::Frame(_, note) = item else {
                return Err(TestCaseError::fail(format!("unexpected {item:?}")));
            };
            prop_assert!(!note.incomplete);
        }
    }

    #[test]
    fn each_frame_says_how_many_reads_it_spanned_and_its_read_held(
        (framing, messages) in framed_messages(),
        cuts in any_cuts(),
    ) {
        let (_, frames) = wire(&framing, &messages);
        let stream = frames.concat();
        let pieces = split(&stream, &cuts);
        // Where each read begins and ends in the stream.
        let mut reads = Vec::new();
        let mut at = 0;
        for piece in &pieces {
            reads.push((at, at + piece.len()));
            at += piece.len();
        }
        let mut framer = Framer::new(framing);
        let mut notes = Vec::new();
        for piece in &pieces {
            let mut got = Vec::new();
            collect(framer.push(piece), &mut got);
            let count = got.len() as u32;
            for item in got {
                let Got::Frame(_, note) = item else { continue };
                prop_assert_eq!(note.frames_in_read, count);
                notes.push(note);
            }
        }
        let mut start = 0;
        for (frame, note) in frames.iter().zip(&notes) {
            let end = start + frame.len();
            let spanned = reads.iter().filter(|(a, b)| a < b && *a < end && *b > start).count();
            prop_assert_eq!(note.reads as usize, spanned);
            start = end;
        }
        prop_assert_eq!(notes.len(), frames.len());
    }

    #[test]
    fn a_frame_over_the_limit_is_dropped_and_framing_resyncs(
        framing in any_framing().prop_filter("fixed frames are all one size", |f| !matches!(f, Framing::Fixed(_))),
        before in prop::collection::vec(payload_bytes(16), 0..4),
        big in prop::collection::vec(0x20u8..0xF0, 70..200),
        after in prop::collection::vec(payload_bytes(16), 0..4),
        cuts in any_cuts(),
    ) {
        let framing = match framing {
            // A 1-byte field cannot say 200.
            Framing::LengthPrefix(prefix) if prefix.width == LengthWidth::One => {
                Framing::LengthPrefix(LengthPrefix { width: LengthWidth::Two, ..prefix })
            }
            other => other,
        };
        let (first, first_wire) = wire(&framing, &before);
        let (last, last_wire) = wire(&framing, &after);
        let big_wire = encode(&framing, &big, 0x7E).expect("fits a 2-byte field");
        let stream = [first_wire.concat(), big_wire, last_wire.concat()].concat();
        let got = frame_reads(&mut Framer::with_limit(framing, 64), &split(&stream, &cuts));
        let faults: Vec<&Got> = got.iter().filter(|g| matches!(g, Got::Fault(_))).collect();
        prop_assert_eq!(faults.len(), 1, "{:?}", got);
        let fault_at = got.iter().position(|g| matches!(g, Got::Fault(FrameFault::TooLarge { .. })));
        prop_assert_eq!(fault_at, Some(first.len()));
        prop_assert_eq!(payloads(&got), [first, last].concat());
    }

    #[test]
    fn a_frame_cut_short_by_the_end_is_marked_incomplete(
        (framing, messages) in framed_messages(),
        last in payload_bytes(40),
        cut in any::<Index>(),
        cuts in any_cuts(),
    ) {
        let (sent, frames) = wire(&framing, &messages);
        let last = match &framing {
            Framing::Fixed(size) => vec![b'x'; *size],
            _ => last,
        };
        let Some(last_wire) = encode(&framing, &last, 0x7E).filter(|w| w.len() > 1) else {
            return Ok(());
        };
        // 1 to all but one of its bytes.
        let held = &last_wire[..1 + cut.index(last_wire.len() - 1)];
        let stream = [frames.concat(), held.to_vec()].concat();
        let got = frame_reads(&mut Framer::new(framing), &split(&stream, &cuts));
        let (tail, whole) = got.split_last().expect("at least the incomplete frame");
        prop_assert_eq!(payloads(whole), sent);
        match tail {
            Got::Frame(bytes, note) => {
                prop_assert!(note.incomplete);
                prop_assert_eq!(bytes.as_slice(), held);
            }
            other => return Err(TestCaseError::fail(format!("got {other:?}"))),
        }
    }

    #[test]
    fn idle_framing_ends_a_frame_at_each_silence(
        messages in prop::collection::vec(prop::collection::vec(any::<u8>(), 1..40), 0..8),
        cuts in any_cuts(),
    ) {
        let mut framer = Framer::new(Framing::Idle { gap_ms: 20 });
        let mut got = Vec::new();
        for message in &messages {
            let pieces = split(message, &cuts);
            for piece in &pieces {
                collect(framer.push(piece), &mut got);
            }
            prop_assert!(framer.waiting_for_gap());
            collect(framer.end_of_gap(), &mut got);
            let reads = pieces.iter().filter(|p| !p.is_empty()).count() as u32;
            match got.last() {
                Some(Got::Frame(_, note)) => prop_assert_eq!(note.reads, reads),
                other => return Err(TestCaseError::fail(format!("got {other:?}"))),
            }
        }
        collect(framer.finish(), &mut got);
        prop_assert_eq!(payloads(&got), messages);
    }

    #[test]
    fn as_read_gives_each_read_as_it_came(reads in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..64), 0..8)) {
        let pieces: Vec<&[u8]> = reads.iter().map(Vec::as_slice).collect();
        let got = frame_reads(&mut Framer::new(Framing::AsRead), &pieces);
        let expected: Vec<Vec<u8>> = reads.iter().filter(|r| !r.is_empty()).cloned().collect();
        prop_assert_eq!(payloads(&got), expected);
    }

    #[test]
    fn a_framing_written_out_reads_back_the_same(framing in written_framing()) {
        prop_assert_eq!(Framing::parse(&framing.to_string()), Ok(framing));
    }
}

/// Any framing the command line accepts.
fn written_framing() -> impl Strategy<Value = Framing> {
    prop_oneof![
        Just(Framing::AsRead),
        Just(Framing::Line),
        prop::collection::vec(any::<u8>(), 1..8).prop_map(Framing::Delimiter),
        (1..=MAX_FIXED).prop_map(Framing::Fixed),
        (
            prop::sample::select(LengthWidth::ALL.to_vec()),
            any::<bool>(),
            0..=MAX_LENGTH_OFFSET,
            any::<bool>(),
            -MAX_LENGTH_ADJUST..=MAX_LENGTH_ADJUST,
        )
            .prop_map(|(width, big, offset, counts_whole_frame, adjust)| {
                Framing::LengthPrefix(LengthPrefix {
                    width,
                    endian: if big { Endian::Big } else { Endian::Little },
                    offset,
                    counts_whole_frame,
                    adjust,
                })
            }),
        (1..=MAX_IDLE_MS).prop_map(|gap_ms| Framing::Idle { gap_ms }),
    ]
}

#[test]
fn a_line_ending_in_cr_lf_shows_without_both() {
    let got = frame_reads(&mut Framer::new(Framing::Line), &[b"a\r\nb\n\r\n\n"]);
    assert_eq!(payloads(&got), [&b"a"[..], b"b", b"", b""]);
}

#[test]
fn a_length_prefix_reads_its_field_where_told() {
    // Type byte AA, 2-byte little-endian length 3 counting the whole 6-byte frame
    // with adjustment +3, then the payload.
    let framing = Framing::parse("len:2le@1,incl,adj=3").expect("valid");
    let got = frame_reads(&mut Framer::new(framing), &[b"\xAA\x03\x00xyz\xBB\x03\x00"]);
    assert_eq!(payloads(&got)[0], b"xyz");
    assert!(
        matches!(&got[1], Got::Frame(bytes, note) if note.incomplete && bytes == b"\xBB\x03\x00")
    );
}

#[test]
fn a_length_shorter_than_the_header_drops_what_is_held() {
    let framing = Framing::parse("len:1,incl").expect("valid");
    let mut framer = Framer::new(framing);
    let items: Vec<_> = framer.push(b"\x00abc").collect();
    assert_eq!(
        items,
        [FrameItem::Fault(FrameFault::BadLength { value: 0 })]
    );
    let got = frame_reads(&mut framer, &[b"\x02a"]);
    assert_eq!(payloads(&got), [b"a"]);
}

#[test]
fn fixed_frames_over_the_limit_are_each_skipped_exactly() {
    let mut framer = Framer::with_limit(Framing::Fixed(10), 4);
    let got = frame_reads(&mut framer, &[b"0123456789abc", b"defghij"]);
    assert_eq!(got.len(), 2);
    assert!(got.iter().all(|g| matches!(
        g,
        Got::Fault(FrameFault::TooLarge {
            declared: Some(10),
            limit: 4
        })
    )));
}

#[test]
fn bad_framings_name_the_field() {
    use FramingError::*;
    let bad = |text: &str| Framing::parse(text).expect_err(text);
    assert!(matches!(bad("len:3"), LengthWidth { .. }));
    assert!(matches!(bad("len:8be"), LengthWidth { .. }));
    assert!(matches!(bad("len:2xe"), LengthWidth { .. }));
    assert!(matches!(bad("len:2be@x"), LengthOffset { .. }));
    assert!(matches!(bad("len:2be,adj=q"), LengthAdjust { .. }));
    assert!(matches!(bad("len:2be,whole"), LengthOption { .. }));
    assert!(matches!(bad("delim:zz"), DelimiterNotHex { .. }));
    assert_eq!(bad("delim:"), DelimiterEmpty);
    assert!(matches!(bad("fixed:0"), FixedSize { .. }));
    assert!(matches!(bad("fixed:-1"), FixedSize { .. }));
    assert!(matches!(bad("idle:0"), IdleGap { .. }));
    assert!(matches!(bad("idle:600001"), IdleGap { .. }));
    assert!(matches!(bad("json"), Unknown { .. }));
    assert!(matches!(bad("fixed"), Unknown { .. }));
    assert_eq!(
        Framing::parse("LEN:4LE@2,INCL,adj=-4").map(|f| f.to_string()),
        Ok("len:4le@2,incl,adj=-4".to_owned())
    );
}
