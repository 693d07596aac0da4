//! Bytes arriving in arbitrary pieces, in every encoding the UI offers: decoding the
//! pieces one by one gives exactly the text of decoding them in one go, so a
//! character split across two TCP reads shows once, whole. The fuzzer picks the
//! encoding, so coverage guides it per encoding, and a run is nine times as many
//! splits as decoding each input in all nine.

#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use netdbg::codec::{StreamDecoder, TextEncoding};

#[derive(Debug, Arbitrary)]
struct Input<'a> {
    encoding: u8,
    cuts: Vec<u16>,
    bytes: &'a [u8],
}

fuzz_target!(|input: Input| {
    let bytes = input.bytes;
    let mut cuts: Vec<usize> = input
        .cuts
        .iter()
        .map(|&cut| usize::from(cut) % (bytes.len() + 1))
        .collect();
    cuts.sort_unstable();
    let mut pieces = Vec::with_capacity(cuts.len() + 1);
    let mut from = 0;
    for cut in cuts {
        pieces.push(&bytes[from..cut]);
        from = cut;
    }
    pieces.push(&bytes[from..]);

    let encoding = TextEncoding::ALL[usize::from(input.encoding) % TextEncoding::ALL.len()];
    let whole = encoding.decode(bytes);
    let mut decoder = StreamDecoder::new(encoding);
    let mut joined = String::new();
    for piece in &pieces {
        joined.push_str(&decoder.decode_chunk(piece));
    }
    joined.push_str(&decoder.finish());
    assert_eq!(joined, whole, "{encoding} in pieces {pieces:?}");
});
