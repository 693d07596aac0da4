//! The relay tab: sit between a device and its server, watch both directions in
//! the log (C→S / S→C), see every client in a table of pairs, and inject faults
//! per direction while it runs. The engine is [`Relay`]; this tab is its window.

use std::collections::HashSet;
use std::net::SocketAddr;

use egui::RichText;
use serde::{Deserialize, Serialize};

use super::log::panel::DisplaySettings;
use super::log::view::DirectionWords;
use super::send::{SendRequest, SendSettings};
use super::teaching::timeline::Timeline;
use super::traffic::{Traffic, TrafficTab, traffic_parts};
use super::{LocalBind, error_ui, labelled_field_ui, local_address_ui, start_stop_ui};
use crate::engine::address::is_privileged_port;
use crate::engine::interfaces::{LocalAddress, bindable_addresses};
use crate::engine::{
    CounterSnapshot, Direction, EngineError, FlowConfig, InputError, Relay, RelayConfig,
    RelayError, RelayEvent, RelayProtocol, Skipped, parse_bind_addr, parse_host_port,
};
use crate::i18n::{Describe, Lang, Texts};
use fault_panel::{FaultForm, FaultProblem, fault_panel_ui};
use inject::InjectProblem;
use pair_table::{PairTable, TableAction};

mod events;
pub mod fault_panel;
mod inject;
pub mod pair_table;

/// In presenter mode, the height of the table of pairs.
const PRESENTER_PAIRS_HEIGHT: f32 = 110.0;

/// What the relay tab remembers across restarts.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct RelaySettings {
    pub protocol: RelayProtocol,
    pub local_ip: String,
    pub local_port: String,
    /// The real server, host:port.
    pub target: String,
    /// TLS toward the client (the relay answers as the server).
    pub tls_listen: crate::ui::tls::server_options::TlsServerSettings,
    /// TLS toward the server (the relay is its client).
    pub tls_upstream: crate::ui::tls::client_options::TlsClientSettings,
    pub c2s: FaultForm,
    pub s2c: FaultForm,
    /// Show only the selected pairs' lines.
    pub log_selected_only: bool,
    /// How each direction is cut into messages in the log (TCP), from the next start.
    pub framing: crate::ui::traffic::framing::FramingSettings,
    /// The send box injects toward the server (client → server), or the client.
    pub inject_to_server: bool,
    pub send: SendSettings,
    pub display: DisplaySettings,
}

impl Default for RelaySettings {
    fn default() -> Self {
        Self {
            protocol: RelayProtocol::Tcp,
            local_ip: "0.0.0.0".to_owned(),
            local_port: "9000".to_owned(),
            target: "127.0.0.1:8080".to_owned(),
            tls_listen: Default::default(),
            tls_upstream: Default::default(),
            c2s: FaultForm::default(),
            s2c: FaultForm::default(),
            log_selected_only: false,
            framing: Default::default(),
            inject_to_server: true,
            send: SendSettings::default(),
            display: DisplaySettings::default(),
        }
    }
}

impl LocalBind for RelaySettings {
    fn local_ip_and_port(&mut self) -> (&mut String, &mut String) {
        (&mut self.local_ip, &mut self.local_port)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Status {
    Idle,
    Listening { local: SocketAddr, target: String },
    Failed(EngineError),
}

pub enum Action {
    Start,
    Stop,
    CloseSelected,
    CloseAll,
}

pub struct RelayTab {
    pub settings: RelaySettings,
    traffic: Traffic<Relay>,
    pairs: PairTable,
    status: Status,
    port_error: Option<InputError>,
    target_error: Option<InputError>,
    /// A start the relay refused: relaying to itself, or the port (in use, …).
    start_error: Option<RelayError>,
    /// Each direction's last problem with its faults.
    fault_problems: [Option<FaultProblem>; 2],
    /// TLS settings that could not be used, said beside them.
    tls_error: Option<EngineError>,
    /// The running relay frames its directions: each row is one message.
    framed: bool,
    /// Why the last message typed was not injected everywhere.
    inject_problem: Option<InjectProblem>,
    /// Faults were applied to a running relay and nothing changed since.
    faults_applied: bool,
    addresses: Vec<LocalAddress>,
}

impl RelayTab {
    pub fn new(settings: RelaySettings, ctx: egui::Context) -> Self {
        let mut traffic = Traffic::new(&settings.display, ctx);
        traffic.panel.words = DirectionWords::Relay;
        Self {
            traffic,
            pairs: PairTable::default(),
            status: Status::Idle,
            port_error: None,
            target_error: None,
            start_error: None,
            fault_problems: [None, None],
            inject_problem: None,
            tls_error: None,
            framed: false,
            faults_applied: false,
            addresses: bindable_addresses(),
            settings,
        }
    }

    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.traffic.endpoint().map(Relay::local_addr)
    }

    /// The running relay, for tests that check what the engine was told.
    pub fn relay(&self) -> Option<&Relay> {
        self.traffic.endpoint()
    }

    pub fn pairs(&self) -> &PairTable {
        &self.pairs
    }

    pub fn timeline(&self) -> &Timeline {
        &self.traffic.view.timeline
    }

    /// Totals: client → server as RX, server → client as TX.
    pub fn counters(&self) -> CounterSnapshot {
        self.traffic.counters()
    }

    fn start(&mut self) {
        self.port_error = None;
        self.target_error = None;
        self.start_error = None;
        let bind = parse_bind_addr(&self.settings.local_ip, &self.settings.local_port)
            .map_err(|error| self.port_error = Some(error));
        let target =
            parse_host_port(&self.settings.target).map_err(|error| self.target_error = Some(error));
        let faults = self.check_faults();
        let (Ok(bind), Ok((host, port)), Some((c2s, s2c))) = (bind, target, faults) else {
            return;
        };
        let protocol = self.settings.protocol;
        // What is wrong is on screen beside the framing's fields already.
        let framing = match protocol {
            RelayProtocol::Tcp => match self.settings.framing.framing() {
                Ok(framing) => framing,
                Err(_) => return,
            },
            RelayProtocol::Udp => crate::codec::Framing::AsRead,
        };
        let mut config = RelayConfig::new(bind, host.clone(), port, protocol);
        config.framing = framing.clone();
        config.c2s = c2s;
        config.s2c = s2c;
        self.tls_error = None;
        if protocol == RelayProtocol::Tcp {
            if let Some(options) = self.settings.tls_listen.options() {
                match crate::engine::tls::server_identity(&options) {
                    Ok(identity) => config.tls_listen = Some(identity),
                    Err(error) => {
                        self.tls_error = Some(EngineError::Tls(error));
                        return;
                    }
                }
            }
            if let Some(options) = self.settings.tls_upstream.options() {
                if let Err(error) = options.check(&host) {
                    self.tls_error = Some(EngineError::Tls(error));
                    return;
                }
                config.tls_upstream = Some(options);
            }
        }
        config.flow = FlowConfig::display();
        let target = self.settings.target.trim().to_owned();
        match self
            .traffic
            .start(|events, waker| Relay::start(config, events, waker))
        {
            Ok(relay) => {
                self.framed = config_framed(&framing);
                self.status = Status::Listening {
                    local: relay.local_addr(),
                    target,
                };
                self.pairs.clear();
                self.traffic.view.timeline.clear();
                self.faults_applied = false;
            }
            Err(RelayError::Engine(error)) => {
                self.start_error = Some(RelayError::Engine(error.clone()));
                self.status = Status::Failed(error);
            }
            Err(error) => self.start_error = Some(error),
        }
    }

    /// Both directions' faults from the form, or `None` with the problems shown.
    fn check_faults(&mut self) -> Option<(crate::engine::Faults, crate::engine::Faults)> {
        let protocol = self.settings.protocol;
        let c2s = self.settings.c2s.faults(protocol);
        let s2c = self.settings.s2c.faults(protocol);
        self.fault_problems = [c2s.clone().err(), s2c.clone().err()];
        Some((c2s.ok()?, s2c.ok()?))
    }

    /// Apply: checks both directions and hands them to a running relay.
    fn apply_faults(&mut self) {
        let Some((c2s, s2c)) = self.check_faults() else {
            self.faults_applied = false;
            return;
        };
        if let Some(relay) = self.traffic.endpoint() {
            for (index, (direction, faults)) in [(Direction::C2s, c2s), (Direction::S2c, s2c)]
                .into_iter()
                .enumerate()
            {
                if let Err(error) = relay.set_faults(direction, faults) {
                    self.fault_problems[index] = Some(FaultProblem::Fault(error));
                }
            }
        }
        self.faults_applied = true;
    }

    fn settings_column_ui(&mut self, ui: &mut egui::Ui, lang: Lang, actions: &mut Vec<Action>) {
        let texts = lang.texts();
        let words = texts.relay();
        let running = self.traffic.endpoint().is_some();
        ui.add_space(4.0);
        ui.add_enabled_ui(!running, |ui| {
            ui.horizontal(|ui| {
                ui.label(words.protocol);
                ui.radio_value(&mut self.settings.protocol, RelayProtocol::Tcp, "TCP");
                ui.radio_value(&mut self.settings.protocol, RelayProtocol::Udp, "UDP");
            });
            local_address_ui(ui, texts, &self.addresses, &mut self.settings);
        });
        if let Some(error) = &self.port_error {
            error_ui(ui, &error.describe(lang));
        } else if let Some(RelayError::Engine(error)) = &self.start_error {
            error_ui(ui, &error.describe(lang));
        } else if let Ok(port) = self.settings.local_port.trim().parse::<u16>() {
            if is_privileged_port(port) {
                ui.weak(texts.privileged_port_hint);
            } else if port == 0 {
                ui.weak(texts.port_zero_hint);
            }
        }
        ui.add_enabled_ui(!running, |ui| {
            ui.horizontal(|ui| {
                labelled_field_ui(
                    ui,
                    words.target,
                    &mut self.settings.target,
                    words.target_hint,
                    130.0,
                )
                .on_hover_text(words.target_tip);
            });
        });
        if let Some(error) = &self.target_error {
            error_ui(ui, &error.describe(lang));
        } else if let Some(error @ RelayError::ToItself { .. }) = &self.start_error {
            error_ui(ui, &error.describe(lang));
        }
        if self.settings.protocol == RelayProtocol::Tcp {
            crate::ui::traffic::framing::framing_ui(ui, lang, &mut self.settings.framing, running);
            self.tls_ui(ui, lang, running);
        }
        let (label, action) = self.main_action(texts);
        if start_stop_ui(ui, label) {
            actions.push(action);
        }
        ui.separator();
        let presenter = self.traffic.view.presenter;
        egui::CollapsingHeader::new(words.faults)
            .id_salt("relay_faults")
            .default_open(true)
            .show(ui, |ui| {
                ui.weak(words.faults_tip);
                let before = (self.settings.c2s.clone(), self.settings.s2c.clone());
                let [c2s, s2c] = &self.fault_problems;
                let input = fault_panel_ui(
                    ui,
                    texts,
                    [&mut self.settings.c2s, &mut self.settings.s2c],
                    [c2s.as_ref(), s2c.as_ref()],
                    self.settings.protocol,
                    presenter,
                    self.faults_applied && running,
                );
                if before != (self.settings.c2s.clone(), self.settings.s2c.clone()) {
                    self.faults_applied = false;
                }
                if let Some((direction, paused)) = input.paused
                    && let Some(relay) = self.traffic.endpoint()
                {
                    relay.set_paused(direction, paused);
                }
                if input.apply {
                    self.apply_faults();
                }
            });
        ui.separator();
        self.traffic
            .display_settings_ui(ui, texts, &mut self.settings.display);
        self.pairs.set_encoding(self.settings.display.encoding);
    }
}

fn config_framed(framing: &crate::codec::Framing) -> bool {
    *framing != crate::codec::Framing::AsRead
}

impl RelayTab {
    /// TLS toward either side, fixed while the relay runs.
    fn tls_ui(&mut self, ui: &mut egui::Ui, lang: Lang, running: bool) {
        let words = lang.texts().tls_words();
        egui::CollapsingHeader::new(words.relay_title)
            .id_salt("relay_tls")
            .default_open(self.settings.tls_listen.enabled || self.settings.tls_upstream.enabled)
            .show(ui, |ui| {
                ui.weak(words.relay_in_clear);
                ui.label(words.toward_client);
                ui.push_id("relay_tls_listen", |ui| {
                    crate::ui::tls::server_options::server_options_ui(
                        ui,
                        lang,
                        &mut self.settings.tls_listen,
                        None,
                        running,
                    );
                });
                ui.label(words.toward_server);
                ui.push_id("relay_tls_upstream", |ui| {
                    crate::ui::tls::client_options::client_options_ui(
                        ui,
                        lang,
                        &mut self.settings.tls_upstream,
                        running,
                    );
                });
            });
        if let Some(error) = &self.tls_error {
            error_ui(ui, &error.describe(lang));
        }
    }
}

impl TrafficTab for RelayTab {
    type Action = Action;
    const ID: &'static str = "relay";
    traffic_parts!(RelaySettings, Relay);

    fn apply(&mut self, event: RelayEvent, backlog: bool) {
        self.apply_event(event, backlog);
    }

    fn skipped(&mut self, skipped: Skipped) {
        let local = self.local_addr();
        let datagrams = self.settings.protocol == RelayProtocol::Udp;
        self.traffic.log_skipped(skipped, local, datagrams);
    }

    fn settings_ui(&mut self, ui: &mut egui::Ui, lang: Lang, actions: &mut Vec<Action>) {
        egui::ScrollArea::vertical()
            .id_salt("relay_settings")
            .auto_shrink([false, true])
            .show(ui, |ui| self.settings_column_ui(ui, lang, actions));
    }

    fn main_action(&self, texts: &Texts) -> (&'static str, Action) {
        if self.traffic.endpoint().is_some() {
            (texts.relay().stop, Action::Stop)
        } else {
            (texts.relay().start, Action::Start)
        }
    }

    fn send_target_ui(&mut self, ui: &mut egui::Ui, lang: Lang) {
        self.inject_target_ui(ui, lang);
    }

    fn max_message(&self) -> usize {
        match self.settings.protocol {
            RelayProtocol::Udp => crate::engine::MAX_UDP_PAYLOAD_V4,
            RelayProtocol::Tcp => super::traffic::MAX_MESSAGE,
        }
    }

    fn send(&mut self, request: SendRequest) {
        self.send_request(request);
    }

    fn status_ui(&self, ui: &mut egui::Ui, texts: &Texts) {
        match &self.status {
            Status::Idle => {
                ui.weak(texts.relay().stopped);
            }
            Status::Listening { local, target } => {
                let open = self.pairs.open_count();
                ui.label(RichText::new(texts.relay_status(*local, target, open)).strong());
            }
            Status::Failed(error) => error_ui(ui, &error.describe(texts.lang)),
        }
    }

    fn above_log_ui(&mut self, ui: &mut egui::Ui, lang: Lang, actions: &mut Vec<Action>) {
        let texts = lang.texts();
        let presenter = self.traffic.view.presenter;
        let action = if presenter {
            self.pairs.ui(
                ui,
                texts,
                &mut self.settings.log_selected_only,
                Some(PRESENTER_PAIRS_HEIGHT),
            )
        } else {
            self.pairs
                .ui(ui, texts, &mut self.settings.log_selected_only, None)
        };
        actions.extend(action.map(|action| match action {
            TableAction::CloseSelected => Action::CloseSelected,
            TableAction::CloseAll => Action::CloseAll,
        }));
    }

    fn log_filter(&self) -> Option<HashSet<SocketAddr>> {
        self.settings
            .log_selected_only
            .then(|| self.pairs.selected_clients())
    }

    fn reset_own_counters(&mut self) {
        self.pairs.reset_counters();
    }

    fn handle(&mut self, action: Action) {
        match action {
            Action::Start => self.start(),
            Action::Stop => {
                // Its pairs' last events are still taken in.
                self.traffic.finish();
                self.status = Status::Idle;
            }
            Action::CloseSelected => {
                if let Some(relay) = self.traffic.endpoint() {
                    for pair in self.pairs.selected_open() {
                        relay.close_pair(pair);
                    }
                }
            }
            Action::CloseAll => {
                if let Some(relay) = self.traffic.endpoint() {
                    relay.close_all();
                }
            }
        }
    }
}
