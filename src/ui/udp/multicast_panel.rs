//! The UDP tab's multicast panel: join and leave groups on an interface, and
//! how datagrams to a group go out (interface, TTL, loopback).

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use super::UdpTab;
use crate::engine::udp::multicast::MAX_TTL;
use crate::engine::{IfaceSpec, MulticastError, MulticastSend, UdpEndpoint};
use crate::i18n::{Describe, Lang};
use crate::ui::{error_ui, labelled_field_ui};

/// What the multicast panel remembers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MulticastSettings {
    pub group: String,
    pub iface: String,
    /// Empty: the system's default (1).
    pub ttl: String,
    pub loopback: bool,
    /// SO_REUSEADDR when the socket opens.
    pub share_port: bool,
}

impl Default for MulticastSettings {
    fn default() -> Self {
        Self {
            group: "239.1.2.3".to_owned(),
            iface: String::new(),
            ttl: String::new(),
            loopback: true,
            share_port: false,
        }
    }
}

/// Why the last multicast request did nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum MulticastProblem {
    NotOpen,
    BadGroup(String),
    BadTtl(String),
    Engine(MulticastError),
}

impl MulticastProblem {
    fn describe(&self, lang: Lang) -> String {
        let texts = lang.texts();
        match self {
            MulticastProblem::NotOpen => texts.multicast().open_first.to_owned(),
            MulticastProblem::BadGroup(text) => texts.cli_bad_group(text),
            MulticastProblem::BadTtl(text) => {
                let ttl = text.trim().parse::<u32>().unwrap_or(0);
                MulticastError::TtlOutOfRange { ttl }.describe(lang)
            }
            MulticastProblem::Engine(error) => error.describe(lang),
        }
    }
}

impl MulticastSettings {
    /// How group datagrams go out, or why the settings cannot say.
    pub fn send_options(&self) -> Result<MulticastSend, MulticastProblem> {
        let ttl = match self.ttl.trim() {
            "" => None,
            text => match text.parse::<u32>() {
                Ok(ttl) if (1..=MAX_TTL).contains(&ttl) => Some(ttl),
                _ => return Err(MulticastProblem::BadTtl(self.ttl.clone())),
            },
        };
        Ok(MulticastSend {
            iface: IfaceSpec::parse(&self.iface),
            ttl,
            loopback: self.loopback,
        })
    }

    /// Whether anything differs from the system's defaults (then it is applied at open).
    pub fn changes_sending(&self) -> bool {
        !self.iface.trim().is_empty() || !self.ttl.trim().is_empty() || !self.loopback
    }
}

impl UdpTab {
    /// Applies the send options to the open socket, saying what went wrong.
    pub(super) fn apply_multicast_send(&mut self) {
        let Some(endpoint) = self.traffic.endpoint() else {
            return;
        };
        self.multicast_problem = match self.settings.multicast.send_options() {
            Ok(options) => endpoint
                .set_multicast_send(&options)
                .err()
                .map(MulticastProblem::Engine),
            Err(problem) => Some(problem),
        };
    }

    fn join(&mut self) {
        let Some(endpoint) = self.traffic.endpoint() else {
            self.multicast_problem = Some(MulticastProblem::NotOpen);
            return;
        };
        let text = self.settings.multicast.group.trim();
        let Ok(group) = text.trim_matches(['[', ']']).parse::<IpAddr>() else {
            self.multicast_problem = Some(MulticastProblem::BadGroup(text.to_owned()));
            return;
        };
        let iface = IfaceSpec::parse(&self.settings.multicast.iface);
        self.multicast_problem = endpoint
            .join(group, &iface)
            .err()
            .map(MulticastProblem::Engine);
    }

    pub(super) fn multicast_ui(&mut self, ui: &mut egui::Ui, lang: Lang) {
        let texts = lang.texts();
        let words = texts.multicast();
        let open = self.traffic.endpoint().is_some();
        let joined = self
            .traffic
            .endpoint()
            .map(UdpEndpoint::memberships)
            .unwrap_or_default();
        egui::CollapsingHeader::new(words.title)
            .id_salt("udp_multicast")
            .default_open(false)
            .show(ui, |ui| {
                ui.weak(words.groups_hint);
                let settings = &mut self.settings.multicast;
                let mut join = false;
                ui.horizontal(|ui| {
                    let field = labelled_field_ui(
                        ui,
                        words.group,
                        &mut settings.group,
                        words.group_hint,
                        130.0,
                    );
                    join |= field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    join |= ui.button(words.join).clicked();
                });
                let mut sending_changed = false;
                ui.horizontal(|ui| {
                    sending_changed |= labelled_field_ui(
                        ui,
                        words.iface,
                        &mut settings.iface,
                        words.iface_hint,
                        130.0,
                    )
                    .on_hover_text(words.iface_tip)
                    .changed();
                });
                ui.horizontal(|ui| {
                    sending_changed |=
                        labelled_field_ui(ui, words.ttl, &mut settings.ttl, words.ttl_hint, 40.0)
                            .on_hover_text(words.ttl_tip)
                            .changed();
                    sending_changed |= ui
                        .checkbox(&mut settings.loopback, words.loopback)
                        .on_hover_text(words.loopback_tip)
                        .changed();
                });
                ui.add_enabled_ui(!open, |ui| {
                    ui.checkbox(&mut settings.share_port, words.share_port)
                        .on_hover_text(words.share_port_tip);
                });
                if join {
                    self.join();
                }
                if sending_changed {
                    self.apply_multicast_send();
                }
                if let Some(problem) = &self.multicast_problem {
                    error_ui(ui, &problem.describe(lang));
                }
                if joined.is_empty() {
                    ui.weak(words.none_joined);
                }
                for membership in &joined {
                    ui.horizontal(|ui| {
                        let iface = membership.iface.to_string();
                        ui.label(texts.joined_row(membership.group, &iface));
                        let leave = ui
                            .add(egui::Button::new(words.leave))
                            .on_hover_text(texts.joined_row(membership.group, &iface));
                        if leave.clicked()
                            && let Some(endpoint) = self.traffic.endpoint()
                        {
                            self.multicast_problem = endpoint
                                .leave(membership.group, Some(&membership.iface))
                                .err()
                                .map(MulticastProblem::Engine);
                        }
                    });
                }
            });
    }
}
