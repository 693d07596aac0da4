//! What the TCP server tab does with each engine event: the client list, the log's
//! lines in words, the timeline, the connection map and the presenter captions.

use std::net::SocketAddr;
use std::time::{Instant, SystemTime};

use super::send::SendProblem;
use super::{Status, TcpServerTab};
use crate::engine::{CloseReason, TcpServerEvent};
use crate::i18n::Describe;
use crate::ui::log::model::Direction;
use crate::ui::tcp_server::client_table::ClientState;
use crate::ui::teaching::timeline::{EventKind, Subject};
use crate::ui::traffic::TrafficTab;

impl TcpServerTab {
    pub(super) fn apply_event(&mut self, event: TcpServerEvent, backlog: bool) {
        let lang = self.traffic.view.lang;
        let texts = lang.texts();
        let show = !backlog && !self.traffic.panel.paused;
        match event {
            TcpServerEvent::Listening { local } => {
                self.traffic
                    .view
                    .timeline
                    .push(Subject::Local, EventKind::Listen);
                self.status = Status::Listening(local)
            }
            TcpServerEvent::StoppedListening => {
                if matches!(self.status, Status::Listening(_)) {
                    self.status = Status::NotListening;
                }
            }
            TcpServerEvent::AcceptFailed(error) => self.status = Status::Failed(error),
            TcpServerEvent::Connected(info) => {
                let (peer, at) = (info.peer, info.since);
                self.traffic
                    .view
                    .timeline
                    .push_at(Subject::Peer(peer), EventKind::Accept, at);
                self.map.connected(info.id, peer, info.counters.clone());
                self.clients.add(info, self.settings.display.encoding);
                self.note(show, at, peer, &texts.client_connected(peer));
                self.traffic
                    .view
                    .caption(|texts| texts.caption_accepted(peer));
            }
            TcpServerEvent::Tls { peer, info, .. } => {
                let line = texts.tls_handshake_done(&info);
                let line = match info.peer_chain.first() {
                    Some(cert) => format!("{line}; {}", texts.tls_cert_line(0, cert)),
                    None => line,
                };
                self.note(show, SystemTime::now(), peer, &line);
            }
            TcpServerEvent::Refused { peer, error } => {
                let reason = error.describe(lang);
                self.note(
                    show,
                    SystemTime::now(),
                    peer,
                    &texts.client_refused(peer, &reason),
                );
            }
            TcpServerEvent::Received {
                client,
                peer,
                data,
                at,
                frame,
            } => {
                self.traffic.view.timeline.push_at(
                    Subject::Peer(peer),
                    EventKind::Receive(data.len()),
                    at,
                );
                self.frame_teller
                    .tell(&mut self.traffic.view, Subject::Peer(peer), frame, at);
                // Always through the client's decoder, so its state stays right
                // while paused; a frame is a whole message and decodes on its own.
                let text = match self.clients.get_mut(client) {
                    Some(row) if !self.framed => {
                        (row.decoder.decode_chunk(&data), row.decoder.used())
                    }
                    _ => self.settings.display.encoding.decode_telling(&data),
                };
                if show {
                    self.traffic.panel.log.push_decoded(
                        at,
                        Direction::Rx,
                        peer,
                        (&data, data.len()),
                        (&text.0, text.1),
                    );
                } else {
                    self.traffic.panel.log.count_unshown(1);
                }
                if frame.incomplete {
                    self.note(show, at, peer, &texts.incomplete_frame_row(data.len()));
                }
            }
            TcpServerEvent::Sent {
                peer,
                data,
                at,
                auto,
                ..
            } => {
                self.traffic.view.timeline.push_at(
                    Subject::Peer(peer),
                    EventKind::Send(data.len()),
                    at,
                );
                let log = &mut self.traffic.panel.log;
                if show && auto {
                    log.push_auto_reply(at, peer, &data, data.len());
                } else if show {
                    log.push_preview(at, Direction::Tx, peer, &data, data.len());
                } else {
                    log.count_unshown(1);
                }
            }
            TcpServerEvent::FrameDropped { peer, fault, .. } => {
                let message = fault.describe(lang);
                self.note(show, SystemTime::now(), peer, &format!("{peer}: {message}"));
            }
            TcpServerEvent::SendFailed { peer, error, .. } => {
                let message = error.describe(lang);
                self.note(show, SystemTime::now(), peer, &format!("{peer}: {message}"));
                self.send_problem = Some(SendProblem::Engine(error));
            }
            TcpServerEvent::Closed {
                client,
                peer,
                reason,
                at,
            } => {
                let kind = match reason {
                    CloseReason::ByPeer => EventKind::ClosedByPeer,
                    CloseReason::ByUs => EventKind::ClosedByUs,
                    CloseReason::Error(_) => EventKind::Reset,
                };
                self.traffic
                    .view
                    .timeline
                    .push_at(Subject::Peer(peer), kind, at);
                let (state, line) = match reason {
                    CloseReason::ByPeer => (
                        {
                            self.traffic
                                .view
                                .caption(|texts| texts.caption_peer_closed(peer));
                            ClientState::ClosedByPeer
                        },
                        texts.tcp_closed_by_peer(&peer.to_string()),
                    ),
                    CloseReason::ByUs => (
                        ClientState::ClosedByUs,
                        texts.tcp_closed_by_us(&peer.to_string()),
                    ),
                    CloseReason::Error(error) => {
                        let reason = error.describe(lang);
                        (
                            ClientState::Broken(reason.clone()),
                            texts.client_reset(peer, &reason),
                        )
                    }
                };
                self.map.closed(client, state.clone(), Instant::now());
                let rest = self.clients.close(client, state);
                if !rest.0.is_empty() && show {
                    self.traffic.panel.log.push_decoded(
                        at,
                        Direction::Rx,
                        peer,
                        (&[], 0),
                        (&rest.0, rest.1),
                    );
                }
                self.note(show, at, peer, &line);
            }
            TcpServerEvent::Skipped(skipped) => TrafficTab::skipped(self, skipped),
        }
    }

    fn note(&mut self, show: bool, at: SystemTime, peer: SocketAddr, text: &str) {
        if show {
            self.traffic.panel.log.push_note(at, peer, text);
        } else {
            self.traffic.panel.log.count_unshown(1);
        }
    }
}
