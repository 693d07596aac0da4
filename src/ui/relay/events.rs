//! What the relay tab does with each engine event: the table of pairs, the log's
//! rows (C→S as Rx, S→C as Tx, events as notes), the timeline and the captions.

use std::net::SocketAddr;
use std::time::SystemTime;

use super::{RelayTab, Status};
use crate::engine::{CloseHow, Direction, RelayEvent, Side};
use crate::i18n::Describe;
use crate::ui::log::model::Direction as LogDirection;
use crate::ui::teaching::timeline::{EventKind, Subject};
use crate::ui::traffic::TrafficTab;

/// The log's side for a relay direction: client → server is what the relay
/// took in from the client (Rx), server → client what it gave back (Tx).
fn log_direction(direction: Direction) -> LogDirection {
    match direction {
        Direction::C2s => LogDirection::Rx,
        Direction::S2c => LogDirection::Tx,
    }
}

/// Where no client is known (the relay's own events).
const NOBODY: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED), 0);

impl RelayTab {
    pub(super) fn apply_event(&mut self, event: RelayEvent, backlog: bool) {
        let lang = self.traffic.view.lang;
        let texts = lang.texts();
        let show = !backlog && !self.traffic.panel.paused;
        match event {
            RelayEvent::TlsReady { pair, side, info } => {
                let client = self.pairs.client(pair).unwrap_or(NOBODY);
                let words = texts.tls_words();
                let side = match side {
                    Side::Client => words.side_client,
                    _ => words.side_server,
                };
                let mut line = format!("#{pair} {side}: {}", texts.tls_handshake_done(&info));
                if let Some(cert) = info.peer_chain.first() {
                    line = format!("{line}; {}", texts.tls_cert_line(0, cert));
                }
                self.note(show, SystemTime::now(), client, &line);
            }
            RelayEvent::Listening { local, protocol } => {
                self.traffic
                    .view
                    .timeline
                    .push(Subject::Local, EventKind::Listen);
                let target = self.settings.target.trim().to_owned();
                let line = texts.relay_listening(local, protocol, &target);
                self.note(show, SystemTime::now(), local, &line);
                self.status = Status::Listening { local, target };
            }
            RelayEvent::AcceptFailed(error) => {
                let message = error.describe(lang);
                let local = self.local_addr().unwrap_or(NOBODY);
                self.note(show, SystemTime::now(), local, &message);
                self.status = Status::Failed(error);
            }
            RelayEvent::Accepted {
                pair,
                client,
                counters,
                at,
            } => {
                self.traffic
                    .view
                    .timeline
                    .push_at(Subject::Peer(client), EventKind::Accept, at);
                let encoding = self.settings.display.encoding;
                self.pairs.add(pair, client, counters, encoding);
                self.note(show, at, client, &texts.relay_accepted(pair, client));
            }
            RelayEvent::Refused { client, error } => {
                let reason = error.describe(lang);
                let line = texts.client_refused(client, &reason);
                self.note(show, SystemTime::now(), client, &line);
            }
            RelayEvent::UpstreamConnected {
                pair,
                local,
                peer,
                at,
            } => {
                self.pairs.connected(pair, local);
                let client = self.pairs.client(pair).unwrap_or(NOBODY);
                self.traffic
                    .view
                    .timeline
                    .push_at(Subject::Peer(client), EventKind::Connect, at);
                self.note(show, at, client, &texts.relay_upstream(pair, local, peer));
                self.traffic
                    .view
                    .caption(|texts| texts.caption_relayed(client, peer));
            }
            RelayEvent::UpstreamFailed { pair, error, at } => {
                let reason = error.describe(lang);
                self.pairs.failed(pair, reason.clone());
                let client = self.pairs.client(pair).unwrap_or(NOBODY);
                self.note(
                    show,
                    at,
                    client,
                    &texts.relay_upstream_failed(pair, &reason),
                );
                self.traffic
                    .view
                    .caption(|texts| texts.caption_relay_failed(client, &reason));
            }
            RelayEvent::Forwarded {
                pair,
                direction,
                data,
                at,
                frame,
            } if self.framed => {
                let len = data.len();
                let client = self.relayed(pair, direction, len, at);
                if show {
                    // A message is whole: it decodes on its own.
                    let log = &mut self.traffic.panel.log;
                    log.push_preview(at, log_direction(direction), client, &data, len);
                    if frame.incomplete {
                        let row = texts.incomplete_frame_row(len);
                        log.push_note(at, client, &row);
                    }
                } else {
                    self.traffic.panel.log.count_unshown(1);
                }
            }
            RelayEvent::FrameDropped {
                pair,
                direction,
                fault,
            } => {
                let client = self.pairs.client(pair).unwrap_or(NOBODY);
                let line = format!(
                    "#{pair} {}: {}",
                    crate::i18n::direction_name(direction, lang),
                    fault.describe(lang)
                );
                self.note(show, SystemTime::now(), client, &line);
            }
            RelayEvent::Forwarded {
                pair,
                direction,
                data,
                at,
                ..
            } => {
                let len = data.len();
                let client = self.relayed(pair, direction, len, at);
                // Always through the pair's decoder, so its state stays right while paused.
                let kept: &[u8] = &data;
                let text = match self.pairs.get_mut(pair) {
                    Some(row) => {
                        let decoder = row.decoder(direction);
                        (decoder.decode_chunk(kept), decoder.used())
                    }
                    None => self.settings.display.encoding.decode_telling(kept),
                };
                if show {
                    self.traffic.panel.log.push_decoded(
                        at,
                        log_direction(direction),
                        client,
                        (kept, len),
                        (&text.0, text.1),
                    );
                } else {
                    self.traffic.panel.log.count_unshown(1);
                }
            }
            RelayEvent::Fault {
                pair,
                direction,
                action,
                at,
            } => {
                let client = self.pairs.client(pair).unwrap_or(NOBODY);
                let line = texts.relay_fault(pair, direction, action);
                self.note(show, at, client, &line);
            }
            RelayEvent::Closed { pair, by, how, at } => {
                let client = self.pairs.client(pair).unwrap_or(NOBODY);
                let kind = match (&how, by) {
                    (CloseHow::Fin, Side::Relay) => EventKind::ClosedByUs,
                    (CloseHow::Fin, _) => EventKind::HalfClose,
                    (CloseHow::Idle, _) => EventKind::ClosedByUs,
                    (CloseHow::Reset | CloseHow::Error(_), _) => EventKind::Reset,
                };
                self.traffic
                    .view
                    .timeline
                    .push_at(Subject::Peer(client), kind, at);
                self.pairs.closed(pair, by, &how, || match &how {
                    CloseHow::Error(error) => error.describe(lang),
                    _ => String::new(),
                });
                self.note(show, at, client, &texts.relay_closed(pair, by, &how));
            }
            RelayEvent::Ended { pair, c2s, s2c, at } => {
                let client = self.pairs.client(pair).unwrap_or(NOBODY);
                for (direction, rest, used) in self.pairs.ended(pair) {
                    if show {
                        self.traffic.panel.log.push_decoded(
                            at,
                            log_direction(direction),
                            client,
                            (&[], 0),
                            (&rest, used),
                        );
                    }
                }
                let line = texts.relay_ended(pair, c2s.tx_bytes, s2c.tx_bytes);
                self.note(show, at, client, &line);
            }
            RelayEvent::Injected {
                pair,
                direction,
                data,
                at,
            } => {
                let client = self.pairs.client(pair).unwrap_or(NOBODY);
                if show {
                    self.traffic.panel.log.push_injected(
                        at,
                        log_direction(direction),
                        client,
                        &data,
                        data.len(),
                    );
                } else {
                    self.traffic.panel.log.count_unshown(1);
                }
            }
            RelayEvent::InjectFailed {
                pair,
                direction,
                error,
                at,
            } => {
                let client = self.pairs.client(pair).unwrap_or(NOBODY);
                let line = texts.relay_inject_failed(pair, direction, &error.describe(lang));
                self.note(show, at, client, &line);
            }
            RelayEvent::Skipped(skipped) => TrafficTab::skipped(self, skipped),
        }
    }

    /// Marks bytes one direction carried on the timeline; the pair's client.
    fn relayed(
        &mut self,
        pair: u64,
        direction: Direction,
        len: usize,
        at: SystemTime,
    ) -> SocketAddr {
        let client = self.pairs.client(pair).unwrap_or(NOBODY);
        self.traffic.view.timeline.push_at(
            Subject::Peer(client),
            EventKind::Relayed(direction, len),
            at,
        );
        client
    }

    fn note(&mut self, show: bool, at: SystemTime, peer: SocketAddr, text: &str) {
        if show {
            self.traffic.panel.log.push_note(at, peer, text);
        } else {
            self.traffic.panel.log.count_unshown(1);
        }
    }
}
