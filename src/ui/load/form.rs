//! The Load tab's form: what the user typed (kept as text, so typing is free and a
//! mistake is named on Start), and the run it describes.

use std::net::{SocketAddr, ToSocketAddrs};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::super::labelled_field_ui;
use crate::codec::{MessageMaker, SendOptions, SeqCounter, TextEncoding};
use crate::engine::load::{LoadConfig, LoadKind, LoadPayload, TcpLoad, UdpLoad};
use crate::engine::{EngineError, parse_host_port};
use crate::i18n::{Describe, Lang, LoadWords};

/// How often the window gets a snapshot of a running load.
const REPORT_EVERY: Duration = Duration::from_millis(500);

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum LoadProtocol {
    #[default]
    Tcp,
    Udp,
}

impl LoadProtocol {
    pub fn name(self) -> &'static str {
        match self {
            LoadProtocol::Tcp => "TCP",
            LoadProtocol::Udp => "UDP",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct LoadSettings {
    pub protocol: LoadProtocol,
    pub target: String,
    pub connections: String,
    /// Empty: all at once.
    pub connect_rate: String,
    /// Empty: until stopped (or the duration).
    pub messages: String,
    /// Send `payload` (with escapes and variables) instead of random bytes.
    pub text_payload: bool,
    pub size: String,
    pub payload: String,
    /// Empty: as fast as possible.
    pub rate: String,
    pub expect_reply: bool,
    /// Empty: no time limit.
    pub secs: String,
}

impl Default for LoadSettings {
    fn default() -> Self {
        LoadSettings {
            protocol: LoadProtocol::Tcp,
            target: "127.0.0.1:7007".to_owned(),
            connections: "100".to_owned(),
            connect_rate: String::new(),
            messages: "10".to_owned(),
            text_payload: false,
            size: "64".to_owned(),
            payload: "ping ${seq}\\n".to_owned(),
            rate: String::new(),
            expect_reply: true,
            secs: String::new(),
        }
    }
}

impl LoadSettings {
    /// The run these fields describe, or what is wrong with them, worded.
    pub fn config(&self, lang: Lang) -> Result<LoadConfig, String> {
        let words = lang.texts().load();
        let (host, port) = parse_host_port(&self.target).map_err(|e| e.describe(lang))?;
        let target: SocketAddr = (host.as_str(), port)
            .to_socket_addrs()
            .ok()
            .and_then(|mut addrs| addrs.next())
            .ok_or_else(|| EngineError::Unresolvable { host }.describe(lang))?;
        let payload = if self.text_payload {
            let options = SendOptions {
                escapes: true,
                vars: true,
                ..SendOptions::default()
            };
            let maker = MessageMaker::new(
                &self.payload,
                options,
                TextEncoding::Utf8,
                SeqCounter::default(),
            )
            .map_err(|e| e.describe(lang))?;
            LoadPayload::Message(maker)
        } else {
            LoadPayload::Random {
                size: number(&self.size, words.size, lang)?.unwrap_or(0),
            }
        };
        let duration = number::<f64>(&self.secs, words.duration, lang)?
            .map(|secs| Duration::try_from_secs_f64(secs).unwrap_or(Duration::ZERO));
        let messages = number::<u64>(&self.messages, words.messages, lang)?;
        let rate = number::<f64>(&self.rate, words.rate, lang)?;
        let kind = match self.protocol {
            LoadProtocol::Tcp => {
                let mut tcp = TcpLoad::new(target);
                tcp.connections = number(&self.connections, words.connections, lang)?.unwrap_or(0);
                tcp.connect_rate = number(&self.connect_rate, words.connect_rate, lang)?;
                tcp.messages = messages;
                tcp.rate = rate;
                tcp.expect_reply = self.expect_reply;
                LoadKind::Tcp(tcp)
            }
            LoadProtocol::Udp => {
                let mut udp = UdpLoad::new(target);
                udp.count = messages;
                udp.rate = rate;
                udp.expect_reply = self.expect_reply;
                LoadKind::Udp(udp)
            }
        };
        Ok(LoadConfig {
            kind,
            payload,
            duration,
            report_every: REPORT_EVERY,
        })
    }

    /// The form; `running` greys it out (a run keeps the settings it started with).
    pub fn form_ui(&mut self, ui: &mut egui::Ui, words: &LoadWords, running: bool) {
        ui.add_enabled_ui(!running, |ui| {
            ui.horizontal_wrapped(|ui| {
                let label = ui.label(words.protocol);
                egui::ComboBox::from_id_salt("load_protocol")
                    .selected_text(self.protocol.name())
                    .show_ui(ui, |ui| {
                        for protocol in [LoadProtocol::Tcp, LoadProtocol::Udp] {
                            ui.selectable_value(&mut self.protocol, protocol, protocol.name());
                        }
                    })
                    .response
                    .labelled_by(label.id);
                labelled_field_ui(ui, words.target, &mut self.target, words.target_hint, 160.0)
                    .on_hover_text(words.target_tip);
                if self.protocol == LoadProtocol::Tcp {
                    labelled_field_ui(ui, words.connections, &mut self.connections, "100", 60.0)
                        .on_hover_text(words.connections_tip);
                    labelled_field_ui(
                        ui,
                        words.connect_rate,
                        &mut self.connect_rate,
                        words.connect_rate_hint,
                        80.0,
                    );
                }
            });
            ui.horizontal_wrapped(|ui| {
                labelled_field_ui(
                    ui,
                    words.messages,
                    &mut self.messages,
                    words.messages_hint,
                    80.0,
                );
                labelled_field_ui(ui, words.rate, &mut self.rate, words.rate_hint, 80.0);
                labelled_field_ui(
                    ui,
                    words.duration,
                    &mut self.secs,
                    words.duration_hint,
                    60.0,
                );
                ui.checkbox(&mut self.expect_reply, words.expect_reply)
                    .on_hover_text(words.expect_reply_tip);
            });
            ui.horizontal_wrapped(|ui| {
                ui.radio_value(&mut self.text_payload, false, words.random_bytes);
                ui.radio_value(&mut self.text_payload, true, words.text_payload);
                if self.text_payload {
                    labelled_field_ui(ui, words.payload, &mut self.payload, "ping ${seq}", 240.0)
                        .on_hover_text(words.payload_tip);
                } else {
                    labelled_field_ui(ui, words.size, &mut self.size, "64", 80.0);
                }
            });
        });
    }
}

/// An optional number: empty is `None`, anything else must parse.
fn number<T: std::str::FromStr>(text: &str, field: &str, lang: Lang) -> Result<Option<T>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.replace(['_', ','], "")
        .parse()
        .map(Some)
        .map_err(|_| lang.texts().load_bad_number(field, text))
}
