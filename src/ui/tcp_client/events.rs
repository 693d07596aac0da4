//! What the TCP client tab does with each engine event: the status, the log's
//! lines, the timeline, the TLS session.

use std::time::SystemTime;

use super::{Status, TcpClientTab};
use crate::codec::StreamDecoder;
use crate::engine::TcpClientEvent;
use crate::i18n::Describe;
use crate::ui::log::model::Direction;
use crate::ui::teaching::timeline::{EventKind, Subject};
use crate::ui::traffic::TrafficTab;

impl TcpClientTab {
    /// `backlog`: too old to be seen under a flood, so only counted (but still decoded).
    pub(super) fn apply_event(&mut self, event: TcpClientEvent, backlog: bool) {
        let peer_text = self.peer().map(|p| p.to_string()).unwrap_or_default();
        match event {
            TcpClientEvent::Connected { local, peer } => {
                self.decoder = StreamDecoder::new(self.settings.display.encoding);
                self.status = Status::Connected { local, peer };
                self.timeline_peer = Some(peer);
                self.traffic
                    .view
                    .timeline
                    .push(Subject::Peer(peer), EventKind::Connect);
                self.traffic
                    .view
                    .caption(|texts| texts.caption_connected(peer));
            }
            TcpClientEvent::Tls(info) => {
                let lang = self.traffic.view.lang;
                if let Some(peer) = self.peer()
                    && !self.traffic.panel.paused
                    && !backlog
                {
                    let line = lang.texts().tls_handshake_done(&info);
                    self.traffic
                        .panel
                        .log
                        .push_note(SystemTime::now(), peer, &line);
                }
                self.tls_session = Some(info);
            }
            TcpClientEvent::Received { data, at, frame } => {
                // Always through the decoder, so its state stays right while paused.
                let text = (!self.framed).then(|| {
                    let text = self.decoder.decode_chunk(&data);
                    (text, self.decoder.used())
                });
                self.timeline_push_at(EventKind::Receive(data.len()), at);
                if let Some(peer) = self.timeline_peer {
                    let view = &mut self.traffic.view;
                    self.frame_teller.tell(view, Subject::Peer(peer), frame, at);
                }
                match self.peer() {
                    Some(peer) if !self.traffic.panel.paused && !backlog => {
                        let log = &mut self.traffic.panel.log;
                        match text {
                            Some((text, used)) => log.push_decoded(
                                at,
                                Direction::Rx,
                                peer,
                                (&data, data.len()),
                                (&text, used),
                            ),
                            // A frame is a whole message: it decodes on its own.
                            None => log.push_preview(at, Direction::Rx, peer, &data, data.len()),
                        }
                        if frame.incomplete {
                            let texts = self.traffic.view.lang.texts();
                            let row = texts.incomplete_frame_row(data.len());
                            self.traffic.panel.log.push_note(at, peer, &row);
                        }
                    }
                    _ => self.traffic.panel.log.count_unshown(1),
                }
            }
            TcpClientEvent::Sent { data, at } => {
                // A send that went out clears the error of an earlier one.
                self.send_error = None;
                self.timeline_push_at(EventKind::Send(data.len()), at);
                match self.peer() {
                    Some(peer) if !self.traffic.panel.paused && !backlog => self
                        .traffic
                        .panel
                        .log
                        .push_preview(at, Direction::Tx, peer, &data, data.len()),
                    _ => self.traffic.panel.log.count_unshown(1),
                }
            }
            // The server answering our FIN with its own is our hang-up completing.
            TcpClientEvent::ClosedByPeer if self.hanging_up_since.is_some() => {
                self.timeline_push(EventKind::ClosedByUs);
                self.finish(Status::ClosedByUs(peer_text))
            }
            TcpClientEvent::ClosedByPeer => {
                self.timeline_push(EventKind::ClosedByPeer);
                if let Some(peer) = self.peer() {
                    self.traffic
                        .view
                        .caption(|texts| texts.caption_peer_closed(peer));
                }
                self.finish(Status::ClosedByPeer(peer_text))
            }
            TcpClientEvent::ClosedByUs => {
                self.timeline_push(EventKind::ClosedByUs);
                self.finish(Status::ClosedByUs(peer_text))
            }
            TcpClientEvent::Failed(error) => {
                self.timeline_push(EventKind::Reset);
                self.finish(Status::Failed(error))
            }
            TcpClientEvent::SendFailed(error) => self.send_error = Some(error),
            TcpClientEvent::FrameDropped(fault) => {
                let text = fault.describe(self.traffic.view.lang);
                match self.peer() {
                    Some(peer) if !self.traffic.panel.paused && !backlog => self
                        .traffic
                        .panel
                        .log
                        .push_note(SystemTime::now(), peer, &text),
                    _ => self.traffic.panel.log.count_unshown(1),
                }
            }
            TcpClientEvent::Skipped(skipped) => self.skipped(skipped),
        }
    }
}
