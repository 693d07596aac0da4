//! The TCP server's connection map: the listening socket in the middle, each
//! accepted client's service socket around it on a line of its own. Nodes appear on
//! accept, flash on traffic (a pulse toward the server for RX, toward the client for
//! TX) and fade out on close with the reason. Traffic is read from each client's
//! counters, so the flood path pays nothing; a still map asks for no frames.

use std::collections::{BTreeMap, VecDeque};
use std::f32::consts::TAU;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::{Align2, Color32, FontId, Pos2, Sense, Stroke, Vec2, vec2};

use crate::engine::{ClientId, CounterSnapshot, Counters};
use crate::i18n::Texts;
use crate::ui::tcp_server::client_table::ClientState;

/// More live clients than this are summarized in counts instead of drawn.
pub const MAX_DRAWN: usize = 40;
/// How long a pulse takes to travel along a client's line.
pub const FLASH: Duration = Duration::from_millis(700);
/// How long a closed client stays on the map, fading.
pub const FADE: Duration = Duration::from_secs(3);
/// Closes counted as "recent" in the summary.
const RECENT: Duration = Duration::from_secs(60);
/// Frame spacing while something moves: smooth enough, far from a busy loop.
const FRAME: Duration = Duration::from_millis(33);
/// Clients per ring before a second, inner ring is used.
const ONE_RING: usize = 16;

const RX_COLOR: Color32 = Color32::from_rgb(0x2e, 0xa0, 0x43);
const TX_COLOR: Color32 = Color32::from_rgb(0x2f, 0x7d, 0xe1);
const LIVE_COLOR: Color32 = Color32::from_rgb(0x8a, 0x8f, 0x98);
const CLOSED_COLOR: Color32 = Color32::from_rgb(0xc0, 0x50, 0x50);
const LISTEN_COLOR: Color32 = Color32::from_rgb(0xe0, 0x9a, 0x20);

/// One accepted client's service socket.
pub struct MapNode {
    pub id: ClientId,
    pub peer: SocketAddr,
    pub state: ClientState,
    counters: Arc<Counters>,
    last: CounterSnapshot,
    rx_at: Option<Instant>,
    tx_at: Option<Instant>,
    closed_at: Option<Instant>,
}

impl MapNode {
    pub fn is_closed(&self) -> bool {
        self.closed_at.is_some()
    }

    /// The text under the node: the peer, and why it closed once it did.
    pub fn label(&self, texts: &Texts) -> String {
        match &self.state {
            ClientState::Connected => self.peer.to_string(),
            ClientState::ClosedByPeer => format!("{}\n{}", self.peer, texts.map_closed_by_peer),
            ClientState::ClosedByUs => format!("{}\n{}", self.peer, texts.map_closed_by_us),
            ClientState::Broken(_) => format!("{}\n{}", self.peer, texts.map_reset),
        }
    }

    /// 1 while open, falling to 0 over [`FADE`] after the close.
    fn opacity(&self, now: Instant) -> f32 {
        self.closed_at.map_or(1.0, |at| {
            1.0 - now.saturating_duration_since(at).as_secs_f32() / FADE.as_secs_f32()
        })
    }
}

/// How far a pulse started at `at` has travelled (0..1), if it still travels.
fn pulse(at: Option<Instant>, now: Instant) -> Option<f32> {
    let elapsed = now.saturating_duration_since(at?);
    (elapsed < FLASH).then(|| elapsed.as_secs_f32() / FLASH.as_secs_f32())
}

/// The map in counts, for when there are too many clients to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub connected: usize,
    /// Closed and still fading.
    pub closing: usize,
    pub closed_recently: usize,
}

/// The listening socket as the map shows it.
#[derive(Debug, Clone, Copy)]
pub struct Listener {
    pub local: Option<SocketAddr>,
    pub listening: bool,
}

#[derive(Default)]
pub struct ConnectionMap {
    nodes: BTreeMap<ClientId, MapNode>,
    /// When clients closed, oldest first, for the summary's recent count.
    closes: VecDeque<Instant>,
}

impl ConnectionMap {
    pub fn connected(&mut self, id: ClientId, peer: SocketAddr, counters: Arc<Counters>) {
        let last = counters.snapshot();
        self.nodes.insert(
            id,
            MapNode {
                id,
                peer,
                state: ClientState::Connected,
                counters,
                last,
                rx_at: None,
                tx_at: None,
                closed_at: None,
            },
        );
    }

    pub fn closed(&mut self, id: ClientId, state: ClientState, now: Instant) {
        if let Some(node) = self.nodes.get_mut(&id)
            && node.closed_at.is_none()
        {
            node.state = state;
            node.closed_at = Some(now);
            self.closes.push_back(now);
        }
    }

    pub fn clear(&mut self) {
        self.nodes.clear();
        self.closes.clear();
    }

    /// Once a frame: starts pulses where counters moved, forgets what has faded.
    pub fn tick(&mut self, now: Instant) {
        for node in self.nodes.values_mut() {
            let snapshot = node.counters.snapshot();
            // A reset makes counters go down; that is not traffic.
            if snapshot.rx_bytes > node.last.rx_bytes || snapshot.rx_packets > node.last.rx_packets
            {
                node.rx_at = Some(now);
            }
            if snapshot.tx_bytes > node.last.tx_bytes || snapshot.tx_packets > node.last.tx_packets
            {
                node.tx_at = Some(now);
            }
            node.last = snapshot;
        }
        self.nodes.retain(|_, node| {
            node.closed_at
                .is_none_or(|at| now.saturating_duration_since(at) < FADE)
        });
        while self
            .closes
            .front()
            .is_some_and(|at| now.saturating_duration_since(*at) >= RECENT)
        {
            self.closes.pop_front();
        }
    }

    /// The clients on the map, open and fading, in accept order.
    pub fn nodes(&self) -> impl Iterator<Item = &MapNode> {
        self.nodes.values()
    }

    pub fn live_count(&self) -> usize {
        self.nodes.values().filter(|node| !node.is_closed()).count()
    }

    /// Whether the map shows counts instead of nodes.
    pub fn is_summarized(&self) -> bool {
        self.live_count() > MAX_DRAWN
    }

    pub fn summary(&self) -> Summary {
        let connected = self.live_count();
        Summary {
            connected,
            closing: self.nodes.len() - connected,
            closed_recently: self.closes.len(),
        }
    }

    /// How soon the picture changes by itself, if it does.
    pub fn next_change(&self, now: Instant) -> Option<Duration> {
        let moving = self.nodes.values().any(|node| {
            node.is_closed() || pulse(node.rx_at, now).is_some() || pulse(node.tx_at, now).is_some()
        });
        if moving {
            return Some(FRAME);
        }
        // Only the summary's recent count is left to change, and only if it shows.
        self.closes
            .front()
            .filter(|_| self.is_summarized())
            .map(|at| (*at + RECENT).saturating_duration_since(now))
    }

    /// Draws the map; `max_height` squeezes it (presenter mode fits it beside the
    /// client list).
    pub fn ui(
        &self,
        ui: &mut egui::Ui,
        texts: &Texts,
        listener: Listener,
        now: Instant,
        max_height: Option<f32>,
    ) {
        let summarized = self.is_summarized();
        let count = self.nodes.len();
        let height: f32 = match count {
            _ if summarized => 110.0,
            0 => 90.0,
            1..=ONE_RING => 240.0,
            _ => 340.0,
        };
        // The legend goes below the drawing, within `max_height`.
        let legend = ui.text_style_height(&egui::TextStyle::Body) + ui.spacing().item_spacing.y;
        let height = max_height.map_or(height, |most| height.min(most - legend).max(72.0));
        let width = ui.available_width().max(200.0);
        let (response, painter) = ui.allocate_painter(vec2(width, height), Sense::hover());
        let rect = response.rect;
        let text_color = ui.visuals().text_color();
        let font = FontId::proportional(12.0);
        let center = if summarized || count == 0 {
            rect.left_center() + vec2(110.0, 0.0)
        } else {
            rect.center()
        };

        let local = listener
            .local
            .map_or_else(|| "—".to_owned(), |local| local.to_string());
        let (status, color) = if listener.listening {
            (texts.map_listening, LISTEN_COLOR)
        } else {
            (texts.not_listening, LIVE_COLOR)
        };
        let listener_label = format!("{local}\n{status}");
        let mut description = vec![listener_label.replace('\n', " ")];

        if summarized {
            let Summary {
                connected,
                closing,
                closed_recently,
            } = self.summary();
            let summary = texts.map_summary(connected, closing, closed_recently);
            painter.text(
                center + vec2(40.0, 0.0),
                Align2::LEFT_CENTER,
                &summary,
                FontId::proportional(15.0),
                text_color,
            );
            description.push(summary);
        } else {
            let radii = vec2(
                (rect.width() / 2.0 - 90.0).max(60.0),
                (rect.height() / 2.0 - 34.0).max(40.0),
            );
            for (index, node) in self.nodes.values().enumerate() {
                let pos = node_position(center, radii, index, count);
                node_ui(&painter, texts, node, center, pos, text_color, now);
                description.push(node.label(texts).replace('\n', " "));
            }
        }

        painter.circle(center, 14.0, color, Stroke::new(2.0, text_color));
        painter.text(
            center + vec2(0.0, 18.0),
            Align2::CENTER_TOP,
            &listener_label,
            font,
            text_color,
        );
        if count == 0 {
            painter.text(
                center + vec2(40.0, 0.0),
                Align2::LEFT_CENTER,
                texts.no_clients_yet,
                FontId::proportional(13.0),
                ui.visuals().weak_text_color(),
            );
        }
        let description = format!("{}: {}", texts.connection_map, description.join("; "));
        response.widget_info(|| {
            egui::WidgetInfo::labeled(egui::Role::Canvas, true, description.clone())
        });
        ui.weak(texts.map_legend);

        if let Some(delay) = self.next_change(now) {
            ui.ctx().request_repaint_after(delay);
        }
    }
}

/// One client: its line to the server, any pulses on it, the node and its label.
fn node_ui(
    painter: &egui::Painter,
    texts: &Texts,
    node: &MapNode,
    server: Pos2,
    pos: Pos2,
    text_color: Color32,
    now: Instant,
) {
    let opacity = node.opacity(now).clamp(0.0, 1.0);
    let fade = |color: Color32| color.gamma_multiply(opacity);
    let line = if node.is_closed() {
        CLOSED_COLOR
    } else {
        LIVE_COLOR
    };
    painter.line_segment([server, pos], Stroke::new(1.5, fade(line)));
    // RX travels from the client to the server, TX the other way.
    let towards_server = server - pos;
    let rx = pulse(node.rx_at, now);
    let tx = pulse(node.tx_at, now);
    if let Some(t) = rx {
        travelling_pulse(painter, pos, towards_server, t, fade(RX_COLOR));
    }
    if let Some(t) = tx {
        travelling_pulse(painter, server, -towards_server, t, fade(TX_COLOR));
    }
    let fill = match (&node.state, rx, tx) {
        (ClientState::Connected, Some(_), _) => RX_COLOR,
        (ClientState::Connected, None, Some(_)) => TX_COLOR,
        (ClientState::Connected, None, None) => LIVE_COLOR,
        _ => CLOSED_COLOR,
    };
    let radius = if rx.or(tx).is_some() { 9.0 } else { 7.0 };
    painter.circle(pos, radius, fade(fill), Stroke::new(1.0, fade(text_color)));
    painter.text(
        pos + vec2(0.0, 10.0),
        Align2::CENTER_TOP,
        node.label(texts),
        FontId::proportional(12.0),
        fade(text_color),
    );
}

/// A dot with an arrow, `t` of the way from `from` along `span`.
fn travelling_pulse(painter: &egui::Painter, from: Pos2, span: Vec2, t: f32, color: Color32) {
    let at = from + span * t;
    let direction = span.normalized() * 12.0;
    painter.circle_filled(at, 4.0, color);
    painter.arrow(at - direction, direction, Stroke::new(2.0, color));
}

/// Where the `index`th of `count` clients sits: around an ellipse, alternating
/// between an outer and an inner ring once one ring would crowd the labels.
fn node_position(center: Pos2, radii: Vec2, index: usize, count: usize) -> Pos2 {
    let angle = TAU * index as f32 / count.max(1) as f32 - TAU / 4.0;
    let ring = if count > ONE_RING && index % 2 == 1 {
        0.6
    } else {
        1.0
    };
    center + vec2(angle.cos() * radii.x, angle.sin() * radii.y) * ring
}
