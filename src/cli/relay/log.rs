//! How `netdbg relay` prints its events: a JSON object or a human line each,
//! payloads decoded per pair and direction (or per message with `--frame`).

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime};

use chrono::{DateTime, Local};
use crossbeam_channel::Receiver;
use serde_json::{Value, json};

use super::super::frame_args::{FramePrint, print_dropped};
use super::super::output::Printer;
use super::super::tls_args::print_relay_tls;
use super::inject;
use crate::codec::{StreamDecoder, TextEncoding, format_hex, format_hex_compact};
use crate::engine::{
    CloseHow, Direction, EngineError, FaultAction, PairId, Relay, RelayEvent, Side,
};
use crate::i18n::Describe;

fn side_label(side: Side) -> &'static str {
    match side {
        Side::Client => "client",
        Side::Server => "server",
        Side::Relay => "relay",
    }
}

/// The fault's name and its numbers, for JSON.
fn fault_fields(action: FaultAction) -> Value {
    match action {
        FaultAction::Delayed { ms } => json!({ "fault": "delay", "ms": ms }),
        FaultAction::Split { pieces } => json!({ "fault": "split", "pieces": pieces }),
        FaultAction::Merged { reads } => json!({ "fault": "merge", "reads": reads }),
        FaultAction::Corrupted { offset } => json!({ "fault": "corrupt", "offset": offset }),
        FaultAction::Dropped { len } => json!({ "fault": "drop", "len": len }),
        FaultAction::Cut { after, reset } => {
            json!({ "fault": "cut", "after": after, "reset": reset })
        }
    }
}

/// Prints relay events. Each pair has a decoder per direction, so a character
/// split across two writes (`--split 1`) prints once, whole.
pub(super) struct RelayLog {
    pub(super) printer: Printer,
    pub(super) target: String,
    pub(super) udp: bool,
    pub(super) decoders: HashMap<(PairId, Direction), StreamDecoder>,
    /// Clients accepted, for the timeout line.
    pub(super) pairs: u64,
    /// An internal error (a worker thread panicked): the exit code is 1.
    pub(super) failure: Option<String>,
    /// `--stdin`: typed lines go into the pairs open now.
    pub(super) injector: inject::Injector,
    /// `--frame`: each forwarded event is one message, decoded on its own.
    pub(super) framed: bool,
}

impl RelayLog {
    pub(super) fn print_last(
        &mut self,
        relay: &Relay,
        events: &Receiver<RelayEvent>,
        deadline: Instant,
    ) {
        while relay.pair_count() > 0 || !events.is_empty() {
            match events.recv_deadline(deadline) {
                Ok(event) => self.print(&event),
                Err(_) => break,
            }
        }
        if let Some(skipped) = relay.take_skipped() {
            self.print(&RelayEvent::Skipped(skipped));
        }
    }

    pub(super) fn timed_out(&self, idle: Duration) {
        self.printer.event(
            "timeout",
            json!({ "pairs": self.pairs }),
            &self
                .printer
                .lang
                .texts()
                .relay_timeout(idle.as_secs_f64(), self.pairs),
        );
    }

    pub(super) fn print(&mut self, event: &RelayEvent) {
        let printer = &self.printer;
        let lang = printer.lang;
        let texts = lang.texts();
        match event {
            RelayEvent::TlsReady { pair, side, info } => {
                let who = match side {
                    Side::Client => "client",
                    _ => "server",
                };
                print_relay_tls(printer, info, *pair, who);
            }
            RelayEvent::Listening { local, protocol } => printer.event(
                "listening",
                json!({
                    "local": local.to_string(),
                    "to": self.target,
                    "protocol": if self.udp { "udp" } else { "tcp" },
                }),
                &texts.relay_listening(*local, *protocol, &self.target),
            ),
            RelayEvent::AcceptFailed(error) => {
                let message = error.describe(lang);
                if matches!(error, EngineError::WorkerPanicked { .. }) {
                    self.failure.get_or_insert_with(|| message.clone());
                }
                printer.event("error", json!({ "message": message }), &message);
            }
            RelayEvent::Accepted { pair, client, .. } => {
                self.pairs += 1;
                self.injector.open.insert(*pair);
                printer.event(
                    "accepted",
                    json!({ "client": pair, "peer": client.to_string() }),
                    &texts.relay_accepted(*pair, *client),
                );
            }
            RelayEvent::Refused { client, error } => {
                let message = error.describe(lang);
                printer.event(
                    "refused",
                    json!({ "peer": client.to_string(), "message": message }),
                    &texts.client_refused(*client, &message),
                );
            }
            RelayEvent::UpstreamConnected {
                pair, local, peer, ..
            } => printer.event(
                "upstream",
                json!({ "client": pair, "local": local.to_string(), "peer": peer.to_string() }),
                &texts.relay_upstream(*pair, *local, *peer),
            ),
            RelayEvent::UpstreamFailed { pair, error, .. } => {
                let message = error.describe(lang);
                printer.event(
                    "upstream_failed",
                    json!({ "client": pair, "to": self.target, "message": message }),
                    &texts.relay_upstream_failed(*pair, &message),
                );
            }
            RelayEvent::Forwarded {
                pair,
                direction,
                data,
                at,
                frame,
            } if self.framed => {
                // A message is decoded on its own, as a whole.
                let print = FramePrint::new(printer, data, *frame);
                let payload = RelayPayload {
                    pair: *pair,
                    direction: *direction,
                    data,
                    decoded: (&print.text, print.used),
                    at: *at,
                };
                forwarded(printer, &payload, (print.fields, print.note));
            }
            RelayEvent::Forwarded {
                pair,
                direction,
                data,
                at,
                ..
            } => {
                let decoder = self
                    .decoders
                    .entry((*pair, *direction))
                    .or_insert_with(|| StreamDecoder::new(printer.encoding));
                let text = decoder.decode_chunk(data);
                let payload = RelayPayload {
                    pair: *pair,
                    direction: *direction,
                    data,
                    decoded: (&text, decoder.used()),
                    at: *at,
                };
                forwarded(printer, &payload, (json!({}), None));
            }
            RelayEvent::FrameDropped {
                pair,
                direction,
                fault,
            } => print_dropped(
                printer,
                *fault,
                json!({ "client": pair, "dir": direction.label() }),
            ),
            RelayEvent::Fault {
                pair,
                direction,
                action,
                at,
            } => {
                let mut fields = fault_fields(*action);
                fields["client"] = json!(pair);
                fields["dir"] = json!(direction.label());
                fields["message"] = json!(texts.fault_action(*action));
                fields["time"] = json!(DateTime::<Local>::from(*at).to_rfc3339());
                printer.event(
                    "fault",
                    fields,
                    &texts.relay_fault(*pair, *direction, *action),
                );
            }
            RelayEvent::Closed { pair, by, how, at } => {
                self.finish_decoders(*pair, *at);
                let printer = &self.printer;
                let mut fields = json!({ "client": pair, "by": side_label(*by) });
                fields["how"] = json!(match how {
                    CloseHow::Fin => "fin",
                    CloseHow::Reset => "reset",
                    CloseHow::Error(_) => "error",
                    CloseHow::Idle => "idle",
                });
                if let CloseHow::Error(error) = how {
                    let message = error.describe(lang);
                    if matches!(error, EngineError::WorkerPanicked { .. }) {
                        self.failure.get_or_insert_with(|| message.clone());
                    }
                    fields["message"] = json!(message);
                }
                printer.event("closed", fields, &texts.relay_closed(*pair, *by, how));
            }
            RelayEvent::Ended { pair, c2s, s2c, at } => {
                self.injector.open.remove(pair);
                self.finish_decoders(*pair, *at);
                self.printer.event(
                    "ended",
                    json!({
                        "client": pair,
                        "c2s_bytes": c2s.tx_bytes,
                        "s2c_bytes": s2c.tx_bytes,
                    }),
                    &texts.relay_ended(*pair, c2s.tx_bytes, s2c.tx_bytes),
                );
            }
            RelayEvent::Injected {
                pair,
                direction,
                data,
                at,
            } => injected(printer, *pair, *direction, data, *at),
            RelayEvent::InjectFailed {
                pair,
                direction,
                error,
                ..
            } => {
                let message = texts.relay_inject_failed(*pair, *direction, &error.describe(lang));
                printer.event(
                    "inject_failed",
                    json!({ "client": pair, "dir": direction.label(), "message": message }),
                    &message,
                );
            }
            // TCP only when closing: a lossless flow waits instead of skipping.
            RelayEvent::Skipped(skipped) => printer.skipped(*skipped, self.udp),
        }
    }

    /// A character a side never finished still shows when a direction ends.
    fn finish_decoders(&mut self, pair: PairId, at: SystemTime) {
        for direction in Direction::BOTH {
            if let Some(mut decoder) = self.decoders.remove(&(pair, direction)) {
                let rest = decoder.finish();
                if !rest.is_empty() {
                    let payload = RelayPayload {
                        pair,
                        direction,
                        data: &[],
                        decoded: (&rest, decoder.used()),
                        at,
                    };
                    forwarded(&self.printer, &payload, (json!({}), None));
                }
            }
        }
    }
}

/// One injected message: `{"event":"injected","dir":"c2s",…}` or
/// `19:48:46.374 #1 client → server 4 bytes [injected] | 你好`. It is decoded on
/// its own: it is not part of either side's stream.
fn injected(printer: &Printer, pair: PairId, direction: Direction, data: &[u8], at: SystemTime) {
    let (text, used) = printer.encoding.decode_telling(data);
    let words = printer
        .lang
        .texts()
        .relay_injected(pair, direction, data.len());
    let payload = RelayPayload {
        pair,
        direction,
        data,
        decoded: (&text, used),
        at,
    };
    print_payload(printer, "injected", &words, &payload, (json!({}), None));
}

/// One forwarded write: `{"event":"forwarded","dir":"c2s",…}` or
/// `19:48:46.374 #1 client → server 4 bytes [GBK] | 你好`.
fn forwarded(printer: &Printer, payload: &RelayPayload<'_>, frame: (Value, Option<&str>)) {
    let words =
        printer
            .lang
            .texts()
            .relay_forwarded(payload.pair, payload.direction, payload.data.len());
    print_payload(printer, "forwarded", &words, payload, frame);
}

/// Bytes one direction carried, and their text as decoded.
struct RelayPayload<'a> {
    pair: PairId,
    direction: Direction,
    data: &'a [u8],
    decoded: (&'a str, TextEncoding),
    at: SystemTime,
}

/// The JSON object or the human line of a forwarded or injected payload, with
/// what a framing adds (`extra` fields, a `note` tag).
fn print_payload(
    printer: &Printer,
    name: &str,
    words: &str,
    payload: &RelayPayload<'_>,
    (extra, note): (Value, Option<&str>),
) {
    let RelayPayload {
        pair,
        direction,
        data,
        decoded: (text, used),
        at,
    } = *payload;
    let time: DateTime<Local> = at.into();
    let mut fields = json!({
        "dir": direction.label(),
        "client": pair,
        "len": data.len(),
        "hex": format_hex_compact(data),
        "text": text,
        "encoding": used.label(),
        "time": time.to_rfc3339(),
    });
    if let (Value::Object(fields), Value::Object(extra)) = (&mut fields, extra) {
        fields.extend(extra);
    }
    let note = note.map(|note| format!(" [{note}]")).unwrap_or_default();
    // Auto's choice matters (and is shown) only for bytes that are not ASCII.
    let picked = if printer.encoding == TextEncoding::Auto && !(data.is_ascii() && text.is_ascii())
    {
        format!(" [{}]", used.label())
    } else {
        String::new()
    };
    let shown = if printer.hex {
        format_hex(data)
    } else {
        text.to_owned()
    };
    let line = format!(
        "{} {words}{note}{picked} | {shown}",
        time.format("%H:%M:%S%.3f")
    );
    printer.event(name, fields, &line);
}
