//! Conversion between what the user types or sees and the bytes on the wire:
//! text encodings, hex dumps, backslash escapes and message framing. Pure, no I/O.

mod auto;
pub mod checksum;
pub mod encoding;
mod error;
pub mod escapes;
pub mod framing;
pub mod hex;
mod locale;
pub mod payload;
mod stream_decoder;
pub mod vars;
mod visible;

pub use auto::{auto_fallback, auto_send_encoding, decode_auto, fallback_for};
pub use checksum::{Checksum, LineEnding};
pub use encoding::{StreamDecoder, TextEncoding};
pub use error::CodecError;
pub use framing::{FrameFault, FrameNote, Framer, Framing, FramingError};
pub use hex::{format_hex, format_hex_compact, parse_hex, parse_hex_compact};
pub use payload::{PayloadMode, SendOptions, build_message, build_payload};
pub use vars::{MessageMaker, SeqCounter, VarsError};
pub use visible::{is_hidden, visible_json, visible_text};
