//! `--frame` on `tcp connect` and `tcp serve`: how received data is cut into
//! messages, and what the printed `received` lines add about each frame.

use clap::Args;
use serde_json::{Value, json};

use super::CliError;
use super::output::Printer;
use crate::codec::{FrameFault, FrameNote, Framing, TextEncoding};
use crate::i18n::{Describe, Lang};

#[derive(Debug, Args)]
pub struct FrameArgs {
    /// Cut received data into messages: raw (as read, the default), line (LF, a CR before it dropped), delim:HEX, fixed:N, len:W[be|le][@OFFSET][,incl][,adj=N] (a length field of 1, 2 or 4 bytes; incl: it counts the whole frame), idle:MS (a silence ends a message). Each message is one "received" event, without line end, delimiter or length prefix
    #[arg(long = "frame", value_name = "SPEC")]
    frame: Option<String>,
}

impl FrameArgs {
    pub fn framing(&self, lang: Lang) -> Result<Framing, CliError> {
        match &self.frame {
            None => Ok(Framing::AsRead),
            Some(text) => Framing::parse(text).map_err(|e| CliError::Input(e.describe(lang))),
        }
    }

    /// The framing only if `--frame` was given (`netdbg load`: without it, a reply
    /// is the echo).
    pub fn given_framing(&self, lang: Lang) -> Result<Option<Framing>, CliError> {
        match &self.frame {
            None => Ok(None),
            Some(_) => self.framing(lang).map(Some),
        }
    }
}

/// How one received frame prints: its text decoded on its own (a frame is a
/// whole message), and what the JSON object and the human line add.
pub struct FramePrint {
    pub text: String,
    pub used: TextEncoding,
    pub fields: Value,
    pub note: Option<&'static str>,
}

impl FramePrint {
    pub fn new(printer: &Printer, data: &[u8], frame: FrameNote) -> Self {
        let (text, used) = printer.encoding.decode_telling(data);
        let mut fields = json!({
            "reads": frame.reads,
            "frames_in_read": frame.frames_in_read,
        });
        if frame.incomplete {
            fields["incomplete"] = json!(true);
        }
        FramePrint {
            text,
            used,
            fields,
            note: frame
                .incomplete
                .then(|| printer.lang.texts().incomplete_frame()),
        }
    }
}

/// A frame the engine dropped: an event of its own, the run goes on.
pub fn print_dropped(printer: &Printer, fault: FrameFault, mut fields: Value) {
    let message = fault.describe(printer.lang);
    fields["message"] = json!(message);
    printer.event("frame_error", fields, &message);
}
