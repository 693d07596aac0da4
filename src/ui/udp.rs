//! The UDP tab: open a local port, send to host:port, watch what comes and goes.

use std::net::SocketAddr;
use std::time::Instant;

use crossbeam_channel::Receiver;
use egui::RichText;
use serde::{Deserialize, Serialize};

use super::log::model::Direction;
use super::log::panel::{DisplaySettings, LogPanel};
use super::send::jobs::FILE_DATAGRAM;
use super::send::{SendBox, SendRequest, SendSettings, send_now};
use super::teaching::timeline::{EventKind, Subject, Timeline};
use super::teaching::{TabView, ViewSettings};
use super::traffic::drain::drain_events;
use super::traffic::layout::{TabParts, tab_ui};
use super::traffic::waker::RepaintWaker;
use super::{error_ui, labelled_field_ui, local_address_ui};
use crate::engine::address::is_privileged_port;
use crate::engine::interfaces::{LocalAddress, bindable_addresses};
use crate::engine::{
    CaptureSink, CounterSnapshot, EngineError, FlowConfig, InputError, MAX_UDP_PAYLOAD_V4,
    MAX_UDP_PAYLOAD_V6, SendFn, SendOutcome, UdpConfig, UdpEndpoint, UdpEvent, parse_bind_addr,
    parse_host_port,
};
use crate::i18n::{Describe, Lang, Texts};

/// What the UDP tab remembers across restarts.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct UdpSettings {
    pub local_ip: String,
    pub local_port: String,
    pub target: String,
    pub send: SendSettings,
    pub display: DisplaySettings,
}

impl Default for UdpSettings {
    fn default() -> Self {
        Self {
            local_ip: "0.0.0.0".to_owned(),
            local_port: "7788".to_owned(),
            target: "127.0.0.1:8080".to_owned(),
            send: SendSettings::default(),
            display: DisplaySettings::default(),
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
    Send(SendRequest),
}

pub struct UdpTab {
    pub settings: UdpSettings,
    endpoint: Option<UdpEndpoint>,
    events: Option<Receiver<UdpEvent>>,
    waker: RepaintWaker,
    panel: LogPanel,
    send_box: SendBox,
    status: Status,
    port_error: Option<InputError>,
    target_error: Option<InputError>,
    addresses: Vec<LocalAddress>,
    /// The counters of the last socket, kept on screen after it closed.
    closed_counters: CounterSnapshot,
    view: TabView,
}

impl UdpTab {
    pub fn new(settings: UdpSettings, ctx: egui::Context) -> Self {
        Self {
            panel: LogPanel::new(&settings.display),
            send_box: SendBox::new(settings.send.clone()),
            settings,
            endpoint: None,
            events: None,
            waker: RepaintWaker::new(ctx),
            status: Status::Closed,
            port_error: None,
            target_error: None,
            addresses: bindable_addresses(),
            closed_counters: CounterSnapshot::default(),
            view: TabView::default(),
        }
    }

    /// What the lifecycle timeline recorded.
    pub fn timeline(&self) -> &Timeline {
        &self.view.timeline
    }

    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.endpoint.as_ref().map(UdpEndpoint::local_addr)
    }

    /// The engine's exact counters (zero while closed).
    pub fn counters(&self) -> CounterSnapshot {
        self.endpoint
            .as_ref()
            .map(|endpoint| endpoint.counters().snapshot())
            .unwrap_or(self.closed_counters)
    }

    /// Drops the socket (its threads end) but keeps its counters on screen.
    fn drop_endpoint(&mut self) {
        if let Some(endpoint) = self.endpoint.take() {
            self.closed_counters = endpoint.counters().snapshot();
        }
    }

    /// Drains the engine's events into the log, within a time budget.
    pub fn logic(&mut self, ctx: &egui::Context) {
        self.view.plot.tick(Instant::now(), self.counters());
        let Some(events) = self.events.clone() else {
            return;
        };
        self.waker.rearm();
        // Under a flood only the newest lines are formatted; the engine's counters stay exact.
        let keep = self.panel.log.cap();
        let caught_up = drain_events(ctx, &events, keep, |event, backlog| {
            self.apply(event, backlog)
        });
        // A flood that ended while the window was behind: say what it skipped.
        if let Some(skipped) = caught_up
            .then(|| self.endpoint.as_ref()?.take_skipped())
            .flatten()
        {
            self.apply(UdpEvent::Skipped(skipped), false);
        }
    }

    fn apply(&mut self, event: UdpEvent, skipping: bool) {
        let timeline = &mut self.view.timeline;
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
            UdpEvent::Received(datagram) | UdpEvent::Sent(datagram)
                if skipping || self.panel.paused =>
            {
                let _ = datagram;
                self.panel.log.count_unshown(1);
            }
            UdpEvent::Received(datagram) => {
                let (peer, len) = (datagram.peer, datagram.data.len());
                self.view.caption(|texts| texts.caption_datagram(peer, len));
                let data = &datagram.data;
                self.panel
                    .log
                    .push_preview(datagram.at, Direction::Rx, peer, data, data.len())
            }
            UdpEvent::Sent(datagram) => {
                // A send that works clears the error of an earlier one.
                if let (Status::Engine(_), Some(local)) = (&self.status, self.local_addr()) {
                    self.status = Status::Open(local);
                }
                let data = &datagram.data;
                self.panel.log.push_preview(
                    datagram.at,
                    Direction::Tx,
                    datagram.peer,
                    data,
                    data.len(),
                )
            }
            UdpEvent::Skipped(skipped) => {
                let local = self
                    .local_addr()
                    .unwrap_or(SocketAddr::from(([0, 0, 0, 0], 0)));
                let text = self.view.lang.texts().display_skipped(skipped, true);
                self.panel.log.push_skipped(skipped, local, &text);
            }
            UdpEvent::Error(error) => self.status = Status::Engine(error),
            UdpEvent::Closed => {
                self.drop_endpoint();
                if matches!(self.status, Status::Open(_)) {
                    self.status = Status::Closed;
                }
            }
        }
    }

    /// The settings to keep, with the send box's (history, quick commands) included.
    pub fn saved_settings(&self) -> UdpSettings {
        UdpSettings {
            send: self.send_box.settings(),
            ..self.settings.clone()
        }
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, lang: Lang, view: &mut ViewSettings) {
        tab_ui(self, ui, lang, view);
    }
}

impl TabParts for UdpTab {
    type Action = Action;
    const ID: &'static str = "udp";

    fn counters(&self) -> CounterSnapshot {
        Self::counters(self)
    }

    fn view(&mut self) -> &mut TabView {
        &mut self.view
    }

    fn log_parts(&mut self) -> (&mut LogPanel, &mut DisplaySettings) {
        (&mut self.panel, &mut self.settings.display)
    }

    fn set_capture(&mut self, sink: Option<CaptureSink>) {
        if let Some(handle) = &self.endpoint {
            handle.set_capture(sink);
        }
    }

    fn reset_counters(&mut self) {
        if let Some(endpoint) = &self.endpoint {
            endpoint.counters().reset();
        }
        self.closed_counters = CounterSnapshot::default();
    }

    fn settings_ui(&mut self, ui: &mut egui::Ui, lang: Lang, actions: &mut Vec<Action>) {
        let texts = lang.texts();
        let is_open = self.endpoint.is_some();
        ui.add_space(4.0);
        ui.add_enabled_ui(!is_open, |ui| {
            local_address_ui(
                ui,
                texts,
                &self.addresses,
                &mut self.settings.local_ip,
                &mut self.settings.local_port,
            );
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
        let (label, action) = if is_open {
            (texts.close, Action::Close)
        } else {
            (texts.open, Action::Open)
        };
        if ui
            .add_sized([120.0, 28.0], egui::Button::new(label))
            .clicked()
        {
            actions.push(action);
        }
        ui.separator();
        self.panel
            .display_settings_ui(ui, texts, &mut self.settings.display, self.view.presenter);
    }

    fn send_ui(&mut self, ui: &mut egui::Ui, lang: Lang, actions: &mut Vec<Action>) {
        let texts = lang.texts();
        ui.add_space(4.0);
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
        let max_len = self.max_payload();
        if let Some(request) = self.send_box.ui(
            ui,
            self.settings.display.encoding,
            lang,
            max_len,
            self.view.presenter,
        ) {
            actions.push(Action::Send(request));
        }
        ui.add_space(2.0);
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

    fn handle(&mut self, action: Action, lang: Lang) {
        match action {
            Action::Open => self.open(),
            Action::Close => {
                self.drop_endpoint();
                self.events = None;
                self.status = Status::Closed;
            }
            Action::Send(request) => self.send_request(request, lang),
        }
    }
}

impl UdpTab {
    fn open(&mut self) {
        self.port_error = None;
        let bind = match parse_bind_addr(&self.settings.local_ip, &self.settings.local_port) {
            Ok(bind) => bind,
            Err(error) => {
                self.port_error = Some(error);
                return;
            }
        };
        let (tx, rx) = crossbeam_channel::unbounded();
        match UdpEndpoint::open(
            &UdpConfig {
                flow: FlowConfig::display(),
                ..UdpConfig::new(bind)
            },
            tx,
            self.waker.waker(),
        ) {
            Ok(endpoint) => {
                self.status = Status::Open(endpoint.local_addr());
                endpoint.set_capture(self.panel.capture_sink());
                self.endpoint = Some(endpoint);
                self.events = Some(rx);
            }
            Err(error) => self.status = Status::Engine(error),
        }
    }

    fn send_request(&mut self, request: SendRequest, lang: Lang) {
        // Without a socket or target the status line already says what to fix.
        let Some(send) = self.send_fn() else {
            return;
        };
        match request {
            SendRequest::Now(bytes) => {
                if send_now(send, bytes) {
                    self.send_box.remember();
                }
            }
            SendRequest::Job(job) => {
                let started = job.start(send, FILE_DATAGRAM, self.waker.waker());
                self.send_box.job_started(started, lang);
            }
        }
    }

    /// How one datagram goes to the target, from any thread; `None` (with the
    /// reason on screen) when the socket is closed or the target is bad.
    fn send_fn(&mut self) -> Option<SendFn> {
        self.target_error = None;
        let Some(sender) = self.endpoint.as_ref().and_then(UdpEndpoint::sender) else {
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

    fn max_payload(&self) -> usize {
        let v6_target = parse_host_port(&self.settings.target)
            .is_ok_and(|(host, _)| host.parse::<std::net::Ipv6Addr>().is_ok());
        let v6_local = self.local_addr().is_some_and(|local| local.is_ipv6());
        if v6_local && v6_target {
            MAX_UDP_PAYLOAD_V6
        } else {
            MAX_UDP_PAYLOAD_V4
        }
    }
}
