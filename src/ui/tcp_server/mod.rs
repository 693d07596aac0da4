//! The TCP server tab: listen, watch clients arrive in the list, talk to one,
//! several or all of them, answer automatically, disconnect.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::time::Instant;

use egui::RichText;
use serde::{Deserialize, Serialize};

use super::log::panel::DisplaySettings;
use super::send::{SendRequest, SendSettings};
use super::tcp_server::client_rate::ClientRatePlot;
use super::tcp_server::client_table::{ClientTable, TableAction};
use super::tcp_server::connection_map::{ConnectionMap, Listener};
use super::teaching::frames::FrameTeller;
use super::teaching::timeline::Timeline;
use super::tls::server_options::TlsServerSettings;
use super::traffic::framing::FramingSettings;
use super::traffic::{Traffic, TrafficTab, traffic_parts};
use super::{LocalBind, error_ui};
use crate::codec::TextEncoding;
use crate::engine::interfaces::{LocalAddress, bindable_addresses};
use crate::engine::tcp_server::{DEFAULT_MAX_CLIENTS, LISTEN_BACKLOG};
use crate::engine::tls::ServerIdentity;
use crate::engine::{
    AutoReply, AutoReplyError, AutoReplySpec, CounterSnapshot, EngineError, InputError, Skipped,
    TcpServer, TcpServerEvent,
};
use crate::i18n::{Describe, Lang, Texts};

pub mod auto_reply;
pub mod client_rate;
pub mod client_table;
pub mod connection_map;
mod events;
mod send;
mod settings_column;
mod start;
use send::{SendProblem, describe_send_problem};

/// Well inside a 20,000-descriptor limit: each client holds one, and the window's
/// own files and sockets need some too.
const MAX_CLIENT_LIMIT: usize = 12_000;
/// In presenter mode, the height of the client list and of the map beside it.
const PRESENTER_CLIENTS_HEIGHT: f32 = 120.0;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct TcpServerSettings {
    pub local_ip: String,
    pub local_port: String,
    pub backlog: i32,
    pub max_clients: usize,
    pub auto_reply: AutoReplySpec,
    pub send_to_all: bool,
    pub log_selected_only: bool,
    pub send: SendSettings,
    pub display: DisplaySettings,
    /// How each client's data is cut into messages, from the next start on.
    pub framing: FramingSettings,
    /// TLS for the clients, from the next start on.
    pub tls: TlsServerSettings,
}

impl LocalBind for TcpServerSettings {
    fn local_ip_and_port(&mut self) -> (&mut String, &mut String) {
        (&mut self.local_ip, &mut self.local_port)
    }
}

impl Default for TcpServerSettings {
    fn default() -> Self {
        Self {
            local_ip: "0.0.0.0".to_owned(),
            local_port: "8080".to_owned(),
            backlog: LISTEN_BACKLOG,
            max_clients: DEFAULT_MAX_CLIENTS,
            auto_reply: AutoReplySpec::default(),
            send_to_all: false,
            log_selected_only: false,
            send: SendSettings::default(),
            display: DisplaySettings::default(),
            framing: FramingSettings::default(),
            tls: TlsServerSettings::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Status {
    Idle,
    Listening(SocketAddr),
    /// The listener is closed; clients may still be connected.
    NotListening,
    Failed(EngineError),
}

pub enum Action {
    Start,
    StopListening,
    DisconnectAll,
    DisconnectSelected,
}

pub struct TcpServerTab {
    pub settings: TcpServerSettings,
    traffic: Traffic<TcpServer>,
    clients: ClientTable,
    status: Status,
    port_error: Option<InputError>,
    send_problem: Option<SendProblem>,
    /// The auto-reply compiled from the settings (once per edit, not per frame),
    /// and the encoding it was compiled for.
    auto_reply: Result<AutoReply, AutoReplyError>,
    auto_reply_encoding: TextEncoding,
    addresses: Vec<LocalAddress>,
    client_plot: ClientRatePlot,
    map: ConnectionMap,
    /// The running server cuts what clients send into frames (not as read): each
    /// is decoded on its own.
    framed: bool,
    frame_teller: FrameTeller,
    /// The running server's TLS identity (its certificate's fingerprint).
    tls_identity: Option<ServerIdentity>,
    /// TLS options that could not be used (a missing file, a key that does not match).
    tls_error: Option<EngineError>,
}

impl TcpServerTab {
    pub fn new(settings: TcpServerSettings, ctx: egui::Context) -> Self {
        Self {
            traffic: Traffic::new(&settings.display, ctx),
            clients: ClientTable::default(),
            status: Status::Idle,
            port_error: None,
            send_problem: None,
            auto_reply: AutoReply::compile(&settings.auto_reply, settings.display.encoding),
            auto_reply_encoding: settings.display.encoding,
            addresses: bindable_addresses(),
            client_plot: ClientRatePlot::default(),
            map: ConnectionMap::default(),
            framed: false,
            frame_teller: FrameTeller::default(),
            tls_identity: None,
            tls_error: None,
            settings,
        }
    }

    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.traffic.endpoint().map(TcpServer::local_addr)
    }

    /// The connection map's model: which clients it shows, and how.
    /// What the lifecycle timeline recorded.
    pub fn timeline(&self) -> &Timeline {
        &self.traffic.view.timeline
    }

    /// The rate plot's choice between all clients and the selected ones.
    pub fn client_plot(&self) -> &ClientRatePlot {
        &self.client_plot
    }

    pub fn connection_map(&self) -> &ConnectionMap {
        &self.map
    }

    pub fn counters(&self) -> CounterSnapshot {
        self.traffic.counters()
    }

    /// Compiles the auto-reply again (its spec or the encoding changed) and hands
    /// it to a running server; with an error the server keeps the last working one.
    fn recompile_auto_reply(&mut self) {
        let encoding = self.settings.display.encoding;
        self.auto_reply = AutoReply::compile(&self.settings.auto_reply, encoding);
        self.auto_reply_encoding = encoding;
        if let (Ok(auto_reply), Some(server)) = (&self.auto_reply, self.traffic.endpoint()) {
            server.set_auto_reply(auto_reply.clone());
        }
    }

    /// A server that no longer listens and has no clients is finished; the address
    /// fields open up again.
    fn drop_idle_server(&mut self) {
        let idle = self
            .traffic
            .endpoint()
            .is_some_and(|server| !server.is_listening() && server.client_count() == 0);
        if idle {
            self.traffic.finish();
            if self.status == Status::NotListening {
                self.status = Status::Idle;
            }
        }
    }
}

impl TrafficTab for TcpServerTab {
    type Action = Action;
    const ID: &'static str = "tcp_server";
    traffic_parts!(TcpServerSettings, TcpServer);

    fn apply(&mut self, event: TcpServerEvent, backlog: bool) {
        self.apply_event(event, backlog);
    }

    fn skipped(&mut self, skipped: Skipped) {
        let local = self.local_addr();
        self.traffic.log_skipped(skipped, local, false);
    }

    fn tick(&mut self, now: Instant) {
        self.client_plot.tick(now, &self.clients);
    }

    fn after_events(&mut self, _ctx: &egui::Context) {
        self.drop_idle_server();
        self.map.tick(Instant::now());
    }

    fn reset_own_counters(&mut self) {
        self.clients.reset_counters();
    }

    fn rate_plot_ui(&mut self, ui: &mut egui::Ui, texts: &Texts) {
        let counters = self.counters();
        let plot = &mut self.traffic.view.plot;
        self.client_plot
            .ui(ui, texts, plot, counters, &self.clients);
    }

    fn settings_ui(&mut self, ui: &mut egui::Ui, lang: Lang, actions: &mut Vec<Action>) {
        self.settings_column_ui(ui, lang, actions);
    }

    fn send_target_ui(&mut self, ui: &mut egui::Ui, lang: Lang) {
        let texts = lang.texts();
        ui.horizontal(|ui| {
            let selected = self.clients.selected_connected().len();
            let connected = self.clients.connected_count();
            ui.radio_value(
                &mut self.settings.send_to_all,
                false,
                texts.send_to_selected_count(selected),
            );
            ui.radio_value(
                &mut self.settings.send_to_all,
                true,
                texts.send_to_all_count(connected),
            );
            if let Some(problem) = &self.send_problem {
                error_ui(ui, &describe_send_problem(problem, lang));
            }
        });
    }

    fn main_action(&self, texts: &Texts) -> (&'static str, Action) {
        if self.traffic.endpoint().is_some_and(TcpServer::is_listening) {
            (texts.stop_listening, Action::StopListening)
        } else {
            (texts.start_listening, Action::Start)
        }
    }

    fn send(&mut self, request: SendRequest) {
        self.send_request(request);
    }

    fn status_ui(&self, ui: &mut egui::Ui, texts: &Texts) {
        let lang = texts.lang;
        let connected = self.clients.connected_count();
        match &self.status {
            Status::Idle => {
                ui.weak(texts.not_listening);
            }
            Status::Listening(local) => {
                ui.label(RichText::new(texts.server_status(Some(*local), connected)).strong());
            }
            Status::NotListening => {
                ui.label(texts.server_status(None, connected));
            }
            Status::Failed(error) => error_ui(ui, &error.describe(lang)),
        }
    }

    fn above_log_ui(&mut self, ui: &mut egui::Ui, lang: Lang, actions: &mut Vec<Action>) {
        let texts = lang.texts();
        let listener = Listener {
            local: self.local_addr(),
            listening: self.traffic.endpoint().is_some_and(TcpServer::is_listening),
        };
        let mut table_actions = Vec::new();
        if self.traffic.view.presenter {
            // Side by side, both always in view: the clients, and their map.
            ui.horizontal_top(|ui| {
                let size = egui::vec2(ui.available_width() * 0.5, PRESENTER_CLIENTS_HEIGHT);
                let down = egui::Layout::top_down(egui::Align::Min);
                ui.allocate_ui_with_layout(size, down, |ui| {
                    ui.set_min_size(size);
                    self.log_of_ui(ui, texts);
                    self.clients.ui(ui, texts, &mut table_actions, true);
                });
                ui.separator();
                let rest = egui::vec2(ui.available_width(), PRESENTER_CLIENTS_HEIGHT);
                ui.allocate_ui_with_layout(rest, down, |ui| {
                    let at = Instant::now();
                    self.map
                        .ui(ui, texts, listener, at, Some(PRESENTER_CLIENTS_HEIGHT));
                });
            });
        } else {
            egui::Panel::top("tcp_server_clients_panel")
                .frame(crate::ui::backdrop::side_or_top_panel(ui.style()))
                .resizable(true)
                .default_size(200.0)
                .min_size(80.0)
                .show(ui, |ui| {
                    self.clients.ui(ui, texts, &mut table_actions, false)
                });
            egui::CollapsingHeader::new(texts.connection_map)
                .id_salt("tcp_server_connection_map")
                .show(ui, |ui| {
                    self.map.ui(ui, texts, listener, Instant::now(), None)
                });
            self.log_of_ui(ui, texts);
        }
        actions.extend(table_actions.into_iter().map(|action| match action {
            TableAction::DisconnectSelected => Action::DisconnectSelected,
        }));
    }

    fn log_filter(&self) -> Option<HashSet<SocketAddr>> {
        self.settings
            .log_selected_only
            .then(|| self.clients.selected_peers())
    }

    fn handle(&mut self, action: Action) {
        match action {
            Action::Start => self.start(),
            Action::StopListening => {
                if let Some(server) = self.traffic.endpoint() {
                    server.stop_listening();
                }
            }
            Action::DisconnectAll => {
                if let Some(server) = self.traffic.endpoint() {
                    server.disconnect_all();
                }
            }
            Action::DisconnectSelected => {
                if let Some(server) = self.traffic.endpoint() {
                    for id in self.clients.selected_connected() {
                        server.disconnect(id);
                    }
                }
            }
        }
    }
}

impl TcpServerTab {
    /// Whose traffic the log shows: every client's, or the selected ones'.
    fn log_of_ui(&mut self, ui: &mut egui::Ui, texts: &Texts) {
        ui.horizontal(|ui| {
            ui.label(texts.log_of);
            ui.radio_value(
                &mut self.settings.log_selected_only,
                false,
                texts.log_all_clients,
            );
            ui.radio_value(
                &mut self.settings.log_selected_only,
                true,
                texts.log_selected_only,
            );
        });
    }
}
