//! Message framing over a TCP byte stream (粘包/拆包): one `recv` may hold several
//! messages or part of one. A [`Framing`] says where a message ends (as read, a line
//! end, a delimiter, a fixed size, a length prefix, or a silence); a [`Framer`] takes
//! the bytes as they were read and gives back whole frames. Pure: no I/O, no clock
//! (the reader tells the framer when a silence has lasted long enough).

mod framer;
mod spec;

pub use framer::{FrameFault, FrameItem, FrameNote, FrameRef, Framer, Frames};
pub use spec::{
    Endian, Framing, FramingError, FramingKind, LengthPrefix, LengthWidth, parse_delimiter,
};

/// Frames larger than this are dropped with a [`FrameFault::TooLarge`]: memory stays
/// bounded whatever a peer sends.
pub const DEFAULT_FRAME_LIMIT: usize = 1024 * 1024;
/// The longest delimiter accepted.
pub const MAX_DELIMITER: usize = 64;
/// The largest fixed frame size accepted (the default frame limit).
pub const MAX_FIXED: usize = DEFAULT_FRAME_LIMIT;
/// The largest offset of a length field: a header bigger than this is not a header.
pub const MAX_LENGTH_OFFSET: usize = 65_535;
/// The largest adjustment of a length field, either way.
pub const MAX_LENGTH_ADJUST: i64 = 1 << 20;
/// The longest silence that ends a frame: ten minutes.
pub const MAX_IDLE_MS: u32 = 600_000;
