//! The TCP client tab: connect to host:port, talk, see who hung up and why.

use std::net::SocketAddr;
use std::time::{Duration, Instant, SystemTime};

use egui::RichText;
use serde::{Deserialize, Serialize};

use super::log::panel::DisplaySettings;
use super::replay::{ReplayContext, ReplayPanel, ReplaySettings};
use super::send::{SendRequest, SendSettings};
use super::sequence::{SequenceContext, SequencePanel, SequenceSettings};
use super::teaching::frames::FrameTeller;
use super::teaching::timeline::{EventKind, Subject, Timeline};
use super::tls::client_options::{TlsClientSettings, client_options_ui};
use super::tls::session_view::session_ui;
use super::traffic::framing::{FramingSettings, framing_ui};
use super::traffic::{Traffic, TrafficTab, traffic_parts};
use super::{error_ui, labelled_field_ui, start_stop_ui};
use crate::codec::{Framing, StreamDecoder};
use crate::engine::{CounterSnapshot, EngineError, InputError, Skipped, TcpClient, TcpClientEvent};
use crate::i18n::{Describe, Lang, Texts};

mod connect;
mod events;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// After our FIN, how long the server may still talk (the tutorial's says 再见!).
const FAREWELL_WAIT: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct TcpClientSettings {
    pub target: String,
    /// Empty: the OS picks the local port.
    pub local_port: String,
    pub send: SendSettings,
    pub display: DisplaySettings,
    /// How received data is cut into messages, from the next connection on.
    pub framing: FramingSettings,
    /// The Sequence panel's steps (run over a connection of their own).
    pub sequence: SequenceSettings,
    /// The Replay panel's choices (replayed over a connection of its own).
    pub replay: ReplaySettings,
    /// TLS over the connection, from the next one on.
    pub tls: TlsClientSettings,
}

impl Default for TcpClientSettings {
    fn default() -> Self {
        Self {
            target: "127.0.0.1:8080".to_owned(),
            local_port: String::new(),
            send: SendSettings::default(),
            display: DisplaySettings::default(),
            framing: FramingSettings::default(),
            sequence: SequenceSettings::default(),
            replay: ReplaySettings::default(),
            tls: TlsClientSettings::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Status {
    Idle,
    Connecting(String),
    Connected { local: SocketAddr, peer: SocketAddr },
    ClosedByPeer(String),
    ClosedByUs(String),
    Failed(EngineError),
}

pub enum Action {
    Connect,
    Disconnect,
}

pub struct TcpClientTab {
    pub settings: TcpClientSettings,
    traffic: Traffic<TcpClient>,
    status: Status,
    /// A send that failed while the connection stayed up.
    send_error: Option<EngineError>,
    target_error: Option<InputError>,
    decoder: StreamDecoder,
    /// Set when we sent our FIN; the connection is closed for good after [`FAREWELL_WAIT`].
    hanging_up_since: Option<Instant>,
    /// The last connection's peer: its reports may trail the close.
    timeline_peer: Option<SocketAddr>,
    /// The connection cuts what it receives into frames (not as read): each is
    /// decoded on its own.
    framed: bool,
    frame_teller: FrameTeller,
    sequence: SequencePanel,
    replay: ReplayPanel,
    /// What the last TLS handshake agreed, while its connection lasts.
    tls_session: Option<crate::engine::tls::TlsInfo>,
    /// TLS options the engine refused before connecting (a CA file it cannot read…).
    tls_error: Option<EngineError>,
}

impl TcpClientTab {
    fn settings_column_ui(&mut self, ui: &mut egui::Ui, lang: Lang, actions: &mut Vec<Action>) {
        let texts = lang.texts();
        let busy = self.traffic.endpoint().is_some();
        // The local port is an advanced setting: presenter mode hides it unless one is set.
        let presenter = self.traffic.view.presenter;
        ui.add_space(4.0);
        ui.add_enabled_ui(!busy, |ui| {
            ui.horizontal(|ui| {
                labelled_field_ui(
                    ui,
                    texts.server,
                    &mut self.settings.target,
                    texts.target_hint,
                    150.0,
                );
            });
            if let Some(error) = &self.target_error {
                error_ui(ui, &error.describe(lang));
            }
            if presenter && self.settings.local_port.trim().is_empty() {
                return;
            }
            ui.horizontal(|ui| {
                labelled_field_ui(
                    ui,
                    texts.local_port_optional,
                    &mut self.settings.local_port,
                    texts.auto,
                    70.0,
                );
            });
        });
        framing_ui(ui, lang, &mut self.settings.framing, busy);
        client_options_ui(ui, lang, &mut self.settings.tls, busy);
        if let Some(error) = &self.tls_error {
            error_ui(ui, &error.describe(lang));
        }
        let (label, action) = self.main_action(texts);
        if start_stop_ui(ui, label) {
            actions.push(action);
        }
        if let Some(info) = &self.tls_session {
            session_ui(ui, lang, info);
        }
        ui.separator();
        self.traffic
            .display_settings_ui(ui, texts, &mut self.settings.display);
    }

    pub fn new(settings: TcpClientSettings, ctx: egui::Context) -> Self {
        Self {
            traffic: Traffic::new(&settings.display, ctx.clone()),
            decoder: StreamDecoder::new(settings.display.encoding),
            settings,
            status: Status::Idle,
            send_error: None,
            target_error: None,
            hanging_up_since: None,
            timeline_peer: None,
            framed: false,
            frame_teller: FrameTeller::default(),
            sequence: SequencePanel::new(ctx.clone()),
            replay: ReplayPanel::new(ctx),
            tls_session: None,
            tls_error: None,
        }
    }

    pub fn counters(&self) -> CounterSnapshot {
        self.traffic.counters()
    }

    fn peer(&self) -> Option<SocketAddr> {
        match self.status {
            Status::Connected { peer, .. } => Some(peer),
            _ => None,
        }
    }

    /// The server had its chance to answer our FIN; now close for good.
    fn finish_hang_up(&mut self, ctx: &egui::Context) {
        let Some(since) = self.hanging_up_since else {
            return;
        };
        match self.traffic.endpoint() {
            Some(client) if since.elapsed() >= FAREWELL_WAIT => {
                client.close();
                self.hanging_up_since = None;
            }
            Some(_) => ctx.request_repaint_after(FAREWELL_WAIT.saturating_sub(since.elapsed())),
            None => self.hanging_up_since = None,
        }
    }

    /// Records an event for the last connected peer.
    fn timeline_push(&mut self, kind: EventKind) {
        self.timeline_push_at(kind, SystemTime::now());
    }

    fn timeline_push_at(&mut self, kind: EventKind, at: SystemTime) {
        if let Some(peer) = self.timeline_peer {
            self.traffic
                .view
                .timeline
                .push_at(Subject::Peer(peer), kind, at);
        }
    }

    /// What the lifecycle timeline recorded.
    pub fn timeline(&self) -> &Timeline {
        &self.traffic.view.timeline
    }

    /// What the last TLS handshake agreed, while its connection lasts.
    pub fn tls_session(&self) -> Option<&crate::engine::tls::TlsInfo> {
        self.tls_session.as_ref()
    }

    pub fn replay(&self) -> &ReplayPanel {
        &self.replay
    }

    /// The Replay panel, with its choices (kept in the settings).
    pub fn replay_mut(&mut self) -> (&mut ReplayPanel, &mut ReplaySettings) {
        (&mut self.replay, &mut self.settings.replay)
    }

    /// Where a replay goes: this tab's target, over its transport.
    pub fn replay_context(&self) -> ReplayContext {
        ReplayContext {
            target: self.settings.target.clone(),
            udp: false,
        }
    }

    pub fn sequence(&self) -> &SequencePanel {
        &self.sequence
    }

    /// The Sequence panel, with its steps (kept in the settings).
    pub fn sequence_mut(&mut self) -> (&mut SequencePanel, &mut SequenceSettings) {
        (&mut self.sequence, &mut self.settings.sequence)
    }

    /// Where a sequence runs and how it reads: this tab's server, encoding and
    /// framing (as read while the framing's fields are wrong; they say so).
    pub fn sequence_context(&self) -> SequenceContext {
        SequenceContext {
            target: self.settings.target.clone(),
            udp: false,
            encoding: self.settings.display.encoding,
            framing: self.settings.framing.framing().unwrap_or(Framing::AsRead),
        }
    }

    fn finish(&mut self, status: Status) {
        self.hanging_up_since = None;
        self.traffic.finish();
        self.status = status;
    }
}

impl TrafficTab for TcpClientTab {
    type Action = Action;
    const ID: &'static str = "tcp_client";
    traffic_parts!(TcpClientSettings, TcpClient);

    /// `backlog`: too old to be seen under a flood, so only counted (but still decoded).
    fn apply(&mut self, event: TcpClientEvent, backlog: bool) {
        self.apply_event(event, backlog);
    }

    fn skipped(&mut self, skipped: Skipped) {
        let peer = self.peer();
        self.traffic.log_skipped(skipped, peer, false);
    }

    fn after_events(&mut self, ctx: &egui::Context) {
        self.finish_hang_up(ctx);
        self.sequence.logic(&mut self.settings.sequence);
        self.replay.logic(&mut self.settings.replay);
    }

    fn above_log_ui(&mut self, ui: &mut egui::Ui, lang: Lang, _actions: &mut Vec<Action>) {
        let context = self.sequence_context();
        self.sequence
            .ui(ui, lang, &mut self.settings.sequence, context);
        let context = self.replay_context();
        self.replay
            .ui(ui, lang, &mut self.settings.replay, &context);
    }

    fn settings_ui(&mut self, ui: &mut egui::Ui, lang: Lang, actions: &mut Vec<Action>) {
        egui::ScrollArea::vertical()
            .id_salt("tcp_client_settings")
            .auto_shrink([false, true])
            .show(ui, |ui| self.settings_column_ui(ui, lang, actions));
    }

    fn main_action(&self, texts: &Texts) -> (&'static str, Action) {
        if self.traffic.endpoint().is_some() {
            (texts.disconnect, Action::Disconnect)
        } else {
            (texts.connect, Action::Connect)
        }
    }

    fn send(&mut self, request: SendRequest) {
        self.send_request(request);
    }

    fn status_ui(&self, ui: &mut egui::Ui, texts: &Texts) {
        let lang = texts.lang;
        match &self.status {
            Status::Idle => {
                ui.weak(texts.status_closed);
            }
            Status::Connecting(target) => {
                ui.label(texts.tcp_connecting(target));
            }
            Status::Connected { local, peer } => {
                ui.label(RichText::new(texts.tcp_connected(*local, *peer)).strong());
            }
            Status::ClosedByPeer(peer) => {
                ui.label(RichText::new(texts.tcp_closed_by_peer(peer)).strong());
            }
            Status::ClosedByUs(peer) => {
                ui.label(texts.tcp_closed_by_us(peer));
            }
            Status::Failed(error) => error_ui(ui, &error.describe(lang)),
        }
        if let Some(error) = &self.send_error {
            error_ui(ui, &error.describe(lang));
        }
    }

    fn handle(&mut self, action: Action) {
        match action {
            Action::Connect => self.connect(),
            // Like the CLI: FIN first, so the server's last words still arrive.
            Action::Disconnect => {
                if let Some(client) = self.traffic.endpoint() {
                    if self.hanging_up_since.is_some() {
                        client.close();
                    } else {
                        // Stamped before the FIN goes: the peer's answer to it can
                        // arrive (and be stamped) before shutdown() returns.
                        let at = SystemTime::now();
                        client.shutdown_write();
                        self.hanging_up_since = Some(Instant::now());
                        self.timeline_push_at(EventKind::HalfClose, at);
                        self.traffic
                            .view
                            .caption(|texts| texts.caption_half_close.to_owned());
                    }
                }
            }
        }
    }
}
