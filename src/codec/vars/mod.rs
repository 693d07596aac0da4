//! Send variables: `${seq}`, `${time}`, `${unix_ms}`, `${rand:N}`, `${len:u16be}` and
//! named values (a regex capture, a value saved by a sequence) inside a message, so
//! each send can differ. Opt-in per message: without it a `${` is plain text.
//!
//! Pure: the counter value, the clock reading and the random source come in as
//! [`VarValues`]; [`MessageMaker`] is the one place that takes them from the world.

mod counter;
mod error;
mod expand;
mod maker;
mod parse;

pub use counter::SeqCounter;
pub use error::VarsError;
pub use expand::{VarValues, expand};
pub use maker::MessageMaker;
pub use parse::{IntFormat, SeqFormat, Template, Var};
