//! The one place that turns errors into sentences for the user. An error's
//! `Display` (a log, a test's failure) is its English sentence from here, so no
//! error is worded twice.

mod capture;
mod engine_error;
mod files;
mod framing;
mod input;
mod load;
mod multicast;
mod reach;
mod relay;
mod replay;
mod sequence;
mod settings;
mod tls;

use std::fmt;

use super::Lang;
use crate::codec::{FrameFault, FramingError};
use crate::engine::relay::{FaultError, RelayError};
use crate::engine::tls::{TlsError, VerifyFailure};
use crate::engine::{AutoReplyError, DownloadError, EngineError, InputError, NameProblem, Refusal};
use crate::settings_home::PortableProblem;
pub use reach::describe_reach;
pub use relay::direction_name;

/// Says what happened and what to do, in the user's language.
pub trait Describe {
    fn describe(&self, lang: Lang) -> String;
}

/// `Display` in English, from [`Describe`].
macro_rules! display_in_english {
    ($($error:ty),+ $(,)?) => {
        $(
            impl fmt::Display for $error {
                fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str(&self.describe(Lang::En))
                }
            }
        )+
    };
}

// `CodecError` keeps a `Display` of its own: the codec is a pure library whose
// messages (pinned by its tests) name positions, not what to do.
display_in_english!(
    EngineError,
    InputError,
    AutoReplyError,
    NameProblem,
    Refusal,
    DownloadError,
    PortableProblem,
    RelayError,
    FaultError,
    FramingError,
    FrameFault,
    crate::engine::sequence::ScriptError,
    crate::engine::MulticastError,
    crate::engine::capture::CaptureFileError,
    crate::engine::replay::CaptureError,
    TlsError,
    VerifyFailure,
    crate::engine::load::LoadInputError,
);
