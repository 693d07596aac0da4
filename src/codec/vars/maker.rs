//! Builds message after message from one text: the same bytes each time, or, with
//! variables on, a fresh expansion per send (the next `${seq}`, the time now).

use super::counter::SeqCounter;
use super::expand::{VarValues, expand};
use super::parse::{Part, Template, Var};
use crate::codec::encoding::TextEncoding;
use crate::codec::error::CodecError;
use crate::codec::payload::{SendOptions, build_message, finish_message};

/// One message as typed, ready to be built again for each send. Cheap to move to a
/// periodic send's thread; clones share the counter.
#[derive(Debug, Clone)]
pub struct MessageMaker {
    kind: Kind,
    options: SendOptions,
    encoding: TextEncoding,
    counter: SeqCounter,
    rng: fastrand::Rng,
}

#[derive(Debug, Clone)]
enum Kind {
    Fixed(Vec<u8>),
    Varying { template: Template, uses_seq: bool },
}

impl MessageMaker {
    /// Checks `input` once: a bad variable (or HEX, escape…) is an error now, not
    /// at the first send. Named values are unknown here: a message typed to send
    /// has no regex captures to draw on.
    pub fn new(
        input: &str,
        options: SendOptions,
        encoding: TextEncoding,
        counter: SeqCounter,
    ) -> Result<Self, CodecError> {
        let kind = if options.vars {
            let template = Template::parse(input)?;
            template.check_names(|_| false)?;
            let uses_seq = template.parts.iter().any(|part| {
                matches!(
                    part,
                    Part::Var {
                        var: Var::Seq(_),
                        ..
                    }
                )
            });
            Kind::Varying { template, uses_seq }
        } else {
            Kind::Fixed(build_message(input, &options, encoding)?)
        };
        let mut maker = MessageMaker {
            kind,
            options,
            encoding,
            counter,
            rng: fastrand::Rng::new(),
        };
        maker.preview()?;
        Ok(maker)
    }

    /// True when two sends may differ.
    pub fn varies(&self) -> bool {
        matches!(&self.kind, Kind::Varying { template, .. } if template.has_vars())
    }

    /// The bytes for a send going out now (takes the next `${seq}`).
    pub fn next_send(&mut self) -> Result<Vec<u8>, CodecError> {
        self.build(true)
    }

    /// What the next send would be, without using its `${seq}`.
    pub fn preview(&mut self) -> Result<Vec<u8>, CodecError> {
        self.build(false)
    }

    fn build(&mut self, take: bool) -> Result<Vec<u8>, CodecError> {
        let (template, uses_seq) = match &self.kind {
            Kind::Fixed(bytes) => return Ok(bytes.clone()),
            Kind::Varying { template, uses_seq } => (template, *uses_seq),
        };
        let seq = match (uses_seq, take) {
            (true, true) => self.counter.take(),
            _ => self.counter.peek(),
        };
        let mut values = VarValues {
            seq,
            now: chrono::Local::now(),
            rng: &mut self.rng,
            named: &|_| None,
        };
        let payload = expand(
            template,
            self.options.mode,
            self.encoding,
            self.options.escapes,
            &mut values,
        )?;
        finish_message(payload, &self.options, self.encoding)
    }
}
