//! The UDP tab: open a local port, send to host:port, watch what comes and goes.

use std::net::SocketAddr;
use std::time::SystemTime;

use egui::RichText;
use serde::{Deserialize, Serialize};

use super::log::model::Direction;
use super::log::panel::DisplaySettings;
use super::replay::{ReplayContext, ReplayPanel, ReplaySettings};
use super::send::jobs::FILE_DATAGRAM;
use super::send::{SendRequest, SendSettings, send_now};
use super::sequence::{SequenceContext, SequencePanel, SequenceSettings};
use super::teaching::timeline::{EventKind, Subject, Timeline};
use super::traffic::{Traffic, TrafficTab, traffic_parts};
use super::{LocalBind, error_ui, labelled_field_ui, local_address_ui, start_stop_ui};
use crate::engine::address::is_privileged_port;
use crate::engine::interfaces::{LocalAddress, bindable_addresses};
use crate::engine::{
    CounterSnapshot, EngineError, FlowConfig, InputError, MAX_UDP_PAYLOAD_V4, MAX_UDP_PAYLOAD_V6,
    SendFn, SendOutcome, Skipped, UdpConfig, UdpEndpoint, UdpEvent, parse_bind_addr,
    parse_host_port,
};
use crate::i18n::{Describe, Lang, Texts};
pub use multicast_panel::{MulticastProblem, MulticastSettings};

mod multicast_panel;

/// What the UDP tab remembers across restarts.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct UdpSettings {
    pub local_ip: String,
    pub local_port: String,
    pub target: String,
    pub multicast: MulticastSettings,
    pub send: SendSettings,
    pub display: DisplaySettings,
    /// The Sequence panel's steps (run from a socket of their own).
    pub sequence: SequenceSettings,
    /// The Replay panel's choices (replayed from a socket of its own).
    pub replay: ReplaySettings,
}

impl LocalBind for UdpSettings {
    fn local_ip_and_port(&mut self) -> (&mut String, &mut String) {
        (&mut self.local_ip, &mut self.local_port)
    }
}

impl Default for UdpSettings {
    fn default() -> Self {
        Self {
            local_ip: "0.0.0.0".to_owned(),
            local_port: "7788".to_owned(),
            target: "127.0.0.1:8080".to_owned(),
            multicast: MulticastSettings::default(),
            send: SendSettings::default(),
            display: DisplaySettings::default(),
            sequence: SequenceSettings::default(),
            replay: ReplaySettings::default(),
        }
    }
}

/// The tab's state line; kept structured so a language switch re-words it.
#[derive(Debug, Clone, PartialEq)]
enum Status {
    Closed,
    Open(SocketAddr),
    Engine(EngineError),
    NotOpen,
}

/// What the user asked for in this frame.
pub enum Action {
    Open,
    Close,
}

pub struct UdpTab {
    pub settings: UdpSettings,
    traffic: Traffic<UdpEndpoint>,
    status: Status,
    port_error: Option<InputError>,
    target_error: Option<InputError>,
    multicast_problem: Option<MulticastProblem>,
    addresses: Vec<LocalAddress>,
    sequence: SequencePanel,
    replay: ReplayPanel,
}

impl UdpTab {
    pub fn new(settings: UdpSettings, ctx: egui::Context) -> Self {
        Self {
            traffic: Traffic::new(&settings.display, ctx.clone()),
            sequence: SequencePanel::new(ctx.clone()),
            replay: ReplayPanel::new(ctx),
            settings,
            status: Status::Closed,
            port_error: None,
            target_error: None,
            multicast_problem: None,
            addresses: bindable_addresses(),
        }
    }

    /// What the lifecycle timeline recorded.
    pub fn timeline(&self) -> &Timeline {
        &self.traffic.view.timeline
    }

    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.traffic.endpoint().map(UdpEndpoint::local_addr)
    }

    /// Where a sequence runs: this tab's target, over UDP, in its encoding.
    pub fn sequence_context(&self) -> SequenceContext {
        SequenceContext {
            target: self.settings.target.clone(),
            udp: true,
            encoding: self.settings.display.encoding,
            framing: crate::engine::Framing::AsRead,
        }
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
            udp: true,
        }
    }

    pub fn sequence(&self) -> &SequencePanel {
        &self.sequence
    }

    /// The Sequence panel, with its steps (kept in the settings).
    pub fn sequence_mut(&mut self) -> (&mut SequencePanel, &mut SequenceSettings) {
        (&mut self.sequence, &mut self.settings.sequence)
    }

    /// The groups the open socket has joined.
    pub fn memberships(&self) -> Vec<crate::engine::Membership> {
        self.traffic
            .endpoint()
            .map(UdpEndpoint::memberships)
            .unwrap_or_default()
    }

    /// The engine's exact counters (those of the last socket once it closed).
    pub fn counters(&self) -> CounterSnapshot {
        self.traffic.counters()
    }
}

impl TrafficTab for UdpTab {
    type Action = Action;
    const ID: &'static str = "udp";
    traffic_parts!(UdpSettings, UdpEndpoint);

    fn apply(&mut self, event: UdpEvent, backlog: bool) {
        let traffic = &mut self.traffic;
        let timeline = &mut traffic.view.timeline;
        match &event {
            UdpEvent::Bound { .. } => timeline.push(Subject::Local, EventKind::Bind),
            UdpEvent::Received(d) => timeline.push_at(
                Subject::Peer(d.peer),
                EventKind::Receive(d.data.len()),
                d.at,
            ),
            UdpEvent::Sent(d) => {
                timeline.push_at(Subject::Peer(d.peer), EventKind::Send(d.data.len()), d.at)
            }
            _ => {}
        }
        match event {
            UdpEvent::Bound { local } => self.status = Status::Open(local),
            UdpEvent::Received(_) | UdpEvent::Sent(_) if backlog || traffic.panel.paused => {
                traffic.panel.log.count_unshown(1);
            }
            UdpEvent::Received(datagram) => {
                let (peer, data) = (datagram.peer, &datagram.data);
                let len = data.len();
                traffic
                    .view
                    .caption(|texts| texts.caption_datagram(peer, len));
                traffic
                    .panel
                    .log
                    .push_preview(datagram.at, Direction::Rx, peer, data, len)
            }
            UdpEvent::Sent(datagram) => {
                // A send that works clears the error of an earlier one.
                if let (Status::Engine(_), Some(local)) = (&self.status, self.local_addr()) {
                    self.status = Status::Open(local);
                }
                let data = &datagram.data;
                self.traffic.panel.log.push_preview(
                    datagram.at,
                    Direction::Tx,
                    datagram.peer,
                    data,
                    data.len(),
                )
            }
            UdpEvent::Skipped(skipped) => self.skipped(skipped),
            UdpEvent::Error(error) => {
                // Said in the log too, where the traffic it broke is.
                if backlog || traffic.panel.paused {
                    traffic.panel.log.count_unshown(1);
                } else {
                    let local = traffic
                        .endpoint()
                        .map_or(SocketAddr::from(([0, 0, 0, 0], 0)), UdpEndpoint::local_addr);
                    let text = error.describe(traffic.view.lang);
                    traffic.panel.log.push_note(SystemTime::now(), local, &text);
                }
                self.status = Status::Engine(error);
            }
            UdpEvent::Closed => {
                traffic.finish();
                if matches!(self.status, Status::Open(_)) {
                    self.status = Status::Closed;
                }
            }
        }
    }

    fn skipped(&mut self, skipped: Skipped) {
        let local = self.local_addr();
        self.traffic.log_skipped(skipped, local, true);
    }

    fn after_events(&mut self, _ctx: &egui::Context) {
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
            .id_salt("udp_settings")
            .auto_shrink([false, true])
            .show(ui, |ui| self.settings_column_ui(ui, lang, actions));
    }

    fn send_target_ui(&mut self, ui: &mut egui::Ui, lang: Lang) {
        let texts = lang.texts();
        ui.horizontal(|ui| {
            labelled_field_ui(
                ui,
                texts.target,
                &mut self.settings.target,
                texts.target_hint,
                260.0,
            );
            if let Some(error) = &self.target_error {
                error_ui(ui, &error.describe(lang));
            }
        });
    }

    /// What one datagram holds, for the target's family.
    fn max_message(&self) -> usize {
        let v6_target = parse_host_port(&self.settings.target)
            .is_ok_and(|(host, _)| host.parse::<std::net::Ipv6Addr>().is_ok());
        let v6_local = self.local_addr().is_some_and(|local| local.is_ipv6());
        if v6_local && v6_target {
            MAX_UDP_PAYLOAD_V6
        } else {
            MAX_UDP_PAYLOAD_V4
        }
    }

    fn main_action(&self, texts: &Texts) -> (&'static str, Action) {
        if self.traffic.endpoint().is_some() {
            (texts.close, Action::Close)
        } else {
            (texts.open, Action::Open)
        }
    }

    fn send(&mut self, request: SendRequest) {
        self.send_request(request);
    }

    fn status_ui(&self, ui: &mut egui::Ui, texts: &Texts) {
        let lang = texts.lang;
        match &self.status {
            Status::Closed => {
                ui.weak(texts.status_closed);
            }
            Status::Open(local) => {
                ui.label(RichText::new(texts.opened_on(*local)).strong());
            }
            Status::Engine(error) => error_ui(ui, &error.describe(lang)),
            Status::NotOpen => error_ui(ui, texts.not_open),
        }
    }

    fn handle(&mut self, action: Action) {
        match action {
            Action::Open => self.open(),
            Action::Close => {
                self.traffic.stop();
                self.status = Status::Closed;
            }
        }
    }
}

impl UdpTab {
    fn settings_column_ui(&mut self, ui: &mut egui::Ui, lang: Lang, actions: &mut Vec<Action>) {
        let texts = lang.texts();
        let is_open = self.traffic.endpoint().is_some();
        ui.add_space(4.0);
        ui.add_enabled_ui(!is_open, |ui| {
            local_address_ui(ui, texts, &self.addresses, &mut self.settings);
        });
        if let Some(error) = &self.port_error {
            error_ui(ui, &error.describe(lang));
        } else if let Ok(port) = self.settings.local_port.trim().parse::<u16>() {
            if is_privileged_port(port) {
                ui.weak(texts.privileged_port_hint);
            } else if port == 0 {
                ui.weak(texts.port_zero_hint);
            }
        }
        let (label, action) = self.main_action(texts);
        if start_stop_ui(ui, label) {
            actions.push(action);
        }
        ui.separator();
        self.multicast_ui(ui, lang);
        ui.separator();
        self.traffic
            .display_settings_ui(ui, texts, &mut self.settings.display);
    }

    fn open(&mut self) {
        self.port_error = None;
        let bind = match parse_bind_addr(&self.settings.local_ip, &self.settings.local_port) {
            Ok(bind) => bind,
            Err(error) => {
                self.port_error = Some(error);
                return;
            }
        };
        let config = UdpConfig {
            flow: FlowConfig::display(),
            reuse_address: self.settings.multicast.share_port,
            ..UdpConfig::new(bind)
        };
        self.multicast_problem = None;
        self.status = match self
            .traffic
            .start(|events, waker| UdpEndpoint::open(&config, events, waker))
        {
            Ok(endpoint) => Status::Open(endpoint.local_addr()),
            Err(error) => Status::Engine(error),
        };
        if self.settings.multicast.changes_sending() {
            self.apply_multicast_send();
        }
    }

    fn send_request(&mut self, request: SendRequest) {
        // Without a socket or target the status line already says what to fix.
        let Some(send) = self.send_fn() else {
            return;
        };
        let traffic = &mut self.traffic;
        match request {
            SendRequest::Now(bytes) => {
                if send_now(send, bytes) {
                    traffic.send_box.remember(&mut self.settings.send);
                }
            }
            SendRequest::Job(job) => {
                let started = job.start(send, FILE_DATAGRAM, traffic.waker());
                traffic.send_box.job_started(started);
            }
        }
    }

    /// How one datagram goes to the target, from any thread; `None` (with the
    /// reason on screen) when the socket is closed or the target is bad.
    fn send_fn(&mut self) -> Option<SendFn> {
        self.target_error = None;
        let Some(sender) = self.traffic.endpoint().and_then(UdpEndpoint::sender) else {
            self.status = Status::NotOpen;
            return None;
        };
        match parse_host_port(&self.settings.target) {
            Ok((host, port)) => Some(Box::new(move |bytes| {
                if sender.send_to(host.clone(), port, bytes) {
                    SendOutcome::Sent
                } else {
                    SendOutcome::Gone
                }
            })),
            Err(error) => {
                self.target_error = Some(error);
                None
            }
        }
    }
}
