//! The network tab: this machine's addresses and port ranges explained, and the
//! tutorial's "ping IP" step as a TCP probe plus one ICMP echo.

use egui::{Color32, RichText};
use serde::{Deserialize, Serialize};

use super::teaching::ViewSettings;
use super::traffic::drain::drain_events;
use super::traffic::waker::RepaintWaker;
use super::{AppTab, error_ui, labelled_field_ui};
use crate::engine::interfaces::{AddressScope, LocalAddress, bindable_addresses};
use crate::engine::reach::{ReachCheck, ReachEvent, os_dynamic_port_range};
use crate::engine::{EngineError, InputError, parse_port};
use crate::i18n::{Describe, Lang, Texts, describe_reach};

const OK_COLOR: Color32 = Color32::from_rgb(0x20, 0x90, 0x40);

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct NetworkSettings {
    pub host: String,
    /// Empty: ping only.
    pub port: String,
}

impl Default for NetworkSettings {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".to_owned(),
            port: String::new(),
        }
    }
}

/// Why a check could not start, kept structured so it follows a language switch.
enum Problem {
    Port(InputError),
    Start(EngineError),
}

pub struct NetworkTab {
    pub settings: NetworkSettings,
    addresses: Vec<LocalAddress>,
    os_ports: Option<(u16, u16)>,
    check: Option<ReachCheck>,
    /// The port of the last check; `None` when it was ping only.
    checked_port: Option<u16>,
    results: Vec<ReachEvent>,
    problem: Option<Problem>,
    waker: RepaintWaker,
}

/// The one-line explanation of the range an address belongs to.
pub fn scope_explanation(scope: AddressScope, texts: &Texts) -> &'static str {
    match scope {
        AddressScope::Any => texts.range_any,
        AddressScope::Loopback => texts.range_loopback,
        AddressScope::Private => texts.range_private,
        AddressScope::LinkLocal => texts.range_link_local,
        AddressScope::Public => texts.range_public,
        AddressScope::SharedNat => texts.range_shared_nat,
        AddressScope::UniqueLocal => texts.range_unique_local,
        AddressScope::Documentation => texts.range_documentation,
    }
}

pub fn scope_name(scope: AddressScope, texts: &Texts) -> &'static str {
    match scope {
        AddressScope::Any => texts.scope_any,
        AddressScope::Loopback => texts.scope_loopback,
        AddressScope::Private => texts.scope_private,
        AddressScope::LinkLocal => texts.scope_link_local,
        AddressScope::Public => texts.scope_public,
        AddressScope::SharedNat => texts.scope_shared_nat,
        AddressScope::UniqueLocal => texts.scope_unique_local,
        AddressScope::Documentation => texts.scope_documentation,
    }
}

impl AppTab for NetworkTab {
    type Settings = NetworkSettings;

    fn new(settings: NetworkSettings, ctx: &egui::Context) -> Self {
        Self {
            settings,
            addresses: interface_addresses(),
            os_ports: os_dynamic_port_range(),
            check: None,
            checked_port: None,
            results: Vec::new(),
            problem: None,
            waker: RepaintWaker::new(ctx.clone()),
        }
    }

    fn settings(&self) -> NetworkSettings {
        self.settings.clone()
    }

    fn logic(&mut self, ctx: &egui::Context, _lang: Lang) {
        let Some(events) = self.check.as_ref().map(|check| check.events().clone()) else {
            return;
        };
        self.waker.rearm();
        let mut finished = false;
        drain_events(ctx, &events, usize::MAX, |event, _| {
            finished |= event == ReachEvent::Finished;
            self.results.push(event);
        });
        if finished {
            self.check = None;
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, lang: Lang, _view: &mut ViewSettings) {
        self.network_ui(ui, lang);
    }
}

impl NetworkTab {
    pub fn is_checking(&self) -> bool {
        self.check.is_some()
    }

    pub fn results(&self) -> &[ReachEvent] {
        &self.results
    }

    fn start_check(&mut self) {
        let port_text = self.settings.port.trim();
        let port = if port_text.is_empty() {
            None
        } else {
            match parse_port(port_text, false) {
                Ok(port) => Some(port),
                Err(error) => {
                    self.problem = Some(Problem::Port(error));
                    return;
                }
            }
        };
        self.results.clear();
        self.problem = None;
        self.checked_port = port;
        match ReachCheck::start(&self.settings.host, port, self.waker.waker()) {
            Ok(check) => self.check = Some(check),
            Err(error) => self.problem = Some(Problem::Start(error)),
        }
    }

    fn network_ui(&mut self, ui: &mut egui::Ui, lang: Lang) {
        let texts = lang.texts();
        egui::CentralPanel::default()
            .frame(crate::ui::backdrop::central_panel(ui.style()))
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("network_scroll")
                    .show(ui, |ui| {
                        self.card_ui(ui, texts);
                        ui.separator();
                        self.check_ui(ui, lang);
                    });
            });
    }

    fn card_ui(&mut self, ui: &mut egui::Ui, texts: &Texts) {
        ui.horizontal(|ui| {
            ui.heading(texts.network_card);
            if ui.button(texts.network_refresh).clicked() {
                self.addresses = interface_addresses();
                self.os_ports = os_dynamic_port_range();
            }
        });
        egui::Grid::new("network_interfaces")
            .striped(true)
            .num_columns(5)
            .show(ui, |ui| {
                for title in [
                    texts.col_interface,
                    texts.col_address,
                    texts.multicast().col_broadcast,
                    texts.col_kind,
                    texts.col_meaning,
                ] {
                    ui.strong(title);
                }
                ui.end_row();
                for address in &self.addresses {
                    ui.label(&address.interface);
                    ui.label(match address.prefix {
                        Some(prefix) => format!("{}/{prefix}", address.ip),
                        None => address.ip.to_string(),
                    });
                    match address.broadcast() {
                        Some(broadcast) => ui.label(broadcast.to_string()),
                        None => ui.weak("—"),
                    };
                    ui.label(scope_name(address.scope, texts));
                    ui.label(scope_explanation(address.scope, texts));
                    ui.end_row();
                }
            });
        ui.add_space(6.0);
        ui.strong(texts.port_ranges);
        ui.label(texts.ports_well_known);
        ui.label(texts.ports_registered);
        ui.label(texts.ports_dynamic);
        if let Some((low, high)) = self.os_ports {
            ui.label(texts.ports_os_range(low, high));
        }
        ui.add_space(6.0);
        let words = texts.multicast();
        ui.strong(words.lesson_title);
        ui.label(words.lesson);
    }

    fn check_ui(&mut self, ui: &mut egui::Ui, lang: Lang) {
        let texts = lang.texts();
        ui.heading(texts.reach_title);
        let mut submit = false;
        ui.horizontal(|ui| {
            let host = labelled_field_ui(
                ui,
                texts.reach_host,
                &mut self.settings.host,
                "127.0.0.1",
                180.0,
            );
            let port = labelled_field_ui(ui, texts.reach_port, &mut self.settings.port, "", 70.0);
            let entered = (host.lost_focus() || port.lost_focus())
                && ui.input(|input| input.key_pressed(egui::Key::Enter));
            let button = ui.add_enabled(!self.is_checking(), egui::Button::new(texts.reach_check));
            submit = button.clicked() || (entered && !self.is_checking());
            if self.is_checking() {
                ui.label(texts.reach_running);
            }
        });
        if submit {
            self.start_check();
        }
        match &self.problem {
            Some(Problem::Port(error)) => error_ui(ui, &error.describe(lang)),
            Some(Problem::Start(error)) => error_ui(ui, &error.describe(lang)),
            None => {}
        }
        if self.checked_port.is_none() && !self.results.is_empty() {
            ui.label(texts.reach_ping_only);
        }
        for event in &self.results {
            if let Some((line, good)) = describe_reach(event, lang) {
                if good {
                    ui.label(RichText::new(line).color(OK_COLOR));
                } else {
                    error_ui(ui, &line);
                }
            }
        }
    }
}

/// Every address of this machine's interfaces (the bind wildcards left out).
fn interface_addresses() -> Vec<LocalAddress> {
    bindable_addresses()
        .into_iter()
        .filter(|address| address.scope != AddressScope::Any)
        .collect()
}
