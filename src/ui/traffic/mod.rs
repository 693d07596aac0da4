//! The core every traffic tab (UDP, TCP client, TCP server, and the next ones)
//! is built on. [`Traffic`] owns what they all have: the running endpoint with
//! its event channel, the waker, the log panel, the send box, the teaching views
//! and the counters of a closed endpoint. A tab implements [`TrafficTab`] for
//! what is its own (its settings panel, status line, how it applies its events,
//! how it sends), and [`logic`] and [`layout::tab_ui`] do the rest, once.
//!
//! The flow contract of the engine holds here: events are drained within a
//! frame's time budget ([`drain::drain_events`]), the counters come from the
//! engine (exact), a capture is handed to the endpoint from its first byte, and
//! once the window has caught up it asks the engine what it skipped.

pub mod drain;
pub mod endpoint;
pub mod framing;
pub mod layout;
pub mod waker;

use std::collections::HashSet;
use std::net::SocketAddr;
use std::time::Instant;

use crossbeam_channel::{Receiver, Sender};

use super::log::panel::{DisplaySettings, LogPanel};
use super::send::{SendBox, SendRequest, SendSettings};
use super::teaching::TabView;
use crate::codec::TextEncoding;
use crate::engine::{CaptureSink, CounterSnapshot, Skipped, Waker};
use crate::i18n::{Lang, Texts};
use drain::drain_events;
pub use endpoint::Endpoint;
use waker::RepaintWaker;

/// Where a tab's endpoint is in its life.
enum Link<E: Endpoint> {
    Idle,
    Running {
        endpoint: E,
        events: Receiver<E::Event>,
    },
    /// The endpoint is gone; what it reported before is still being taken in
    /// (until the next one starts: its threads may report a little later).
    Draining(Receiver<E::Event>),
}

/// What every traffic tab has; see the module docs.
pub struct Traffic<E: Endpoint> {
    link: Link<E>,
    waker: RepaintWaker,
    pub panel: LogPanel,
    pub send_box: SendBox,
    /// The rate plot, the timeline, the captions; presenter mode and language.
    pub view: TabView,
    /// The counters of the last endpoint, kept on screen after it closed.
    closed_counters: CounterSnapshot,
}

impl<E: Endpoint> Traffic<E> {
    pub fn new(display: &DisplaySettings, ctx: egui::Context) -> Self {
        Self {
            link: Link::Idle,
            waker: RepaintWaker::new(ctx),
            panel: LogPanel::new(display),
            send_box: SendBox::default(),
            view: TabView::default(),
            closed_counters: CounterSnapshot::default(),
        }
    }

    /// Starts an endpoint: `open` gets the sending end of a fresh event channel
    /// and the window's waker. A capture already running records from its first byte.
    pub fn start<Error>(
        &mut self,
        open: impl FnOnce(Sender<E::Event>, Waker) -> Result<E, Error>,
    ) -> Result<&E, Error> {
        let (tx, events) = crossbeam_channel::unbounded();
        let endpoint = open(tx, self.waker.waker())?;
        endpoint.set_capture(self.panel.capture_sink());
        self.link = Link::Running { endpoint, events };
        Ok(self.endpoint().expect("an endpoint was just started"))
    }

    /// The running endpoint, if any.
    pub fn endpoint(&self) -> Option<&E> {
        match &self.link {
            Link::Running { endpoint, .. } => Some(endpoint),
            _ => None,
        }
    }

    /// The endpoint ended (or is ended): drop it, keep its counters on screen and
    /// take in what it reported before.
    pub fn finish(&mut self) {
        if let Link::Running { endpoint, events } = std::mem::replace(&mut self.link, Link::Idle) {
            self.closed_counters = endpoint.counters();
            self.link = Link::Draining(events);
        }
    }

    /// Closes the endpoint and forgets what it still had to report.
    pub fn stop(&mut self) {
        self.finish();
        self.link = Link::Idle;
    }

    /// The engine's exact counters (those of the last endpoint once it closed).
    pub fn counters(&self) -> CounterSnapshot {
        self.endpoint()
            .map_or(self.closed_counters, Endpoint::counters)
    }

    pub fn reset_counters(&mut self) {
        if let Some(endpoint) = self.endpoint() {
            endpoint.reset_counters();
        }
        self.closed_counters = CounterSnapshot::default();
    }

    /// Hands a capture to the running endpoint (`None` stops capturing).
    pub fn set_capture(&self, sink: Option<CaptureSink>) {
        if let Some(endpoint) = self.endpoint() {
            endpoint.set_capture(sink);
        }
    }

    /// The window's waker, for jobs that report back (periodic and file sends).
    pub fn waker(&self) -> Waker {
        self.waker.waker()
    }

    /// The send box, full or (presenter mode) reduced; what the user asked to send.
    pub fn send_box_ui(
        &mut self,
        ui: &mut egui::Ui,
        settings: &mut SendSettings,
        encoding: TextEncoding,
        lang: Lang,
        max_len: usize,
    ) -> Option<SendRequest> {
        let presenter = self.view.presenter;
        self.send_box
            .ui(ui, settings, encoding, lang, max_len, presenter)
    }

    /// Encoding, text/HEX, timestamps and the log's limits, for the settings column.
    pub fn display_settings_ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        display: &mut DisplaySettings,
    ) {
        let presenter = self.view.presenter;
        self.panel
            .display_settings_ui(ui, texts, display, presenter);
    }

    /// Logs what the engine skipped while the window was behind, at `address`
    /// (the tab's peer or its own), in the language of the moment.
    pub fn log_skipped(&mut self, skipped: Skipped, address: Option<SocketAddr>, datagrams: bool) {
        let text = self.view.lang.texts().display_skipped(skipped, datagrams);
        let address = address.unwrap_or(SocketAddr::from(([0, 0, 0, 0], 0)));
        self.panel.log.push_skipped(skipped, address, &text);
    }

    fn events(&self) -> Option<Receiver<E::Event>> {
        match &self.link {
            Link::Idle => None,
            Link::Running { events, .. } | Link::Draining(events) => Some(events.clone()),
        }
    }
}

/// The largest message a TCP tab sends at once (the send box says so beyond it).
pub const MAX_MESSAGE: usize = 16 * 1024 * 1024;

/// A tab's core and the settings it draws with, borrowed together.
pub struct TabParts<'a, E: Endpoint> {
    pub traffic: &'a mut Traffic<E>,
    pub display: &'a mut DisplaySettings,
    pub send: &'a mut SendSettings,
}

/// What a traffic tab adds to the core: see the module docs.
pub trait TrafficTab {
    /// What the tab remembers across restarts (with its send box's and
    /// display settings inside).
    type Settings: Clone;
    type Endpoint: Endpoint;
    /// What the user asked for in a frame, applied after drawing.
    type Action;
    /// Keeps the panels of different tabs apart.
    const ID: &'static str;

    fn with_settings(settings: Self::Settings, ctx: egui::Context) -> Self;
    fn settings(&self) -> &Self::Settings;
    fn traffic(&self) -> &Traffic<Self::Endpoint>;
    fn traffic_mut(&mut self) -> &mut Traffic<Self::Endpoint>;
    /// The core with the tab's display and send box settings (kept with the
    /// tab's settings).
    fn parts(&mut self) -> TabParts<'_, Self::Endpoint>;

    /// One engine event; `backlog`: too old to be seen under a flood, so only
    /// counted (but a tab may still need it for its state).
    fn apply(&mut self, event: <Self::Endpoint as Endpoint>::Event, backlog: bool);
    /// What the engine skipped while the window was behind.
    fn skipped(&mut self, skipped: Skipped);
    /// Upkeep every frame, before the events (the TCP server's auto-reply and
    /// per-client plot).
    fn tick(&mut self, _now: Instant) {}
    /// Upkeep every frame, after the events.
    fn after_events(&mut self, _ctx: &egui::Context) {}

    fn settings_ui(&mut self, ui: &mut egui::Ui, lang: Lang, actions: &mut Vec<Self::Action>);
    /// The settings column's main button now (Open/Close, Connect/Disconnect, Start/Stop
    /// listening): its words and what it does. Presenter mode shows it in the status
    /// row while the column is folded away.
    fn main_action(&self, texts: &Texts) -> (&'static str, Self::Action);
    /// Above the send box: where a message goes (the UDP target, the server's
    /// selected or all clients), in its own row.
    fn send_target_ui(&mut self, _ui: &mut egui::Ui, _lang: Lang) {}
    /// The largest message the send box accepts.
    fn max_message(&self) -> usize {
        MAX_MESSAGE
    }
    /// Whether the tab has a send box (the relay only forwards).
    fn has_send_box(&self) -> bool {
        true
    }
    /// Sends what the user asked the send box for.
    fn send(&mut self, request: SendRequest);
    fn status_ui(&self, ui: &mut egui::Ui, texts: &Texts);
    fn handle(&mut self, action: Self::Action);

    /// Between the status line and the log (the TCP server's client list).
    fn above_log_ui(&mut self, _ui: &mut egui::Ui, _lang: Lang, _actions: &mut Vec<Self::Action>) {}
    /// The rate plot (the TCP server adds a per-client choice).
    fn rate_plot_ui(&mut self, ui: &mut egui::Ui, texts: &Texts) {
        let traffic = self.traffic_mut();
        let counters = traffic.counters();
        let names = traffic.panel.words.plot_names(texts);
        traffic.view.plot.ui(ui, texts, names, counters);
    }
    /// Show only these peers' lines in the log.
    fn log_filter(&self) -> Option<HashSet<SocketAddr>> {
        None
    }
    /// Zeroes the tab's own counters besides the engine's (the server's clients).
    fn reset_own_counters(&mut self) {}
}

/// The parts of a [`TrafficTab`] impl that every tab writes the same way, for a
/// tab struct with `settings` (its [`TrafficTab::Settings`], with `display`
/// and `send` inside), `traffic` (its [`Traffic`]) and `fn new(settings, ctx: egui::Context)`:
/// `traffic_parts!(UdpSettings, UdpEndpoint);` inside the impl.
macro_rules! traffic_parts {
    ($settings:ty, $endpoint:ty) => {
        type Settings = $settings;
        type Endpoint = $endpoint;

        fn with_settings(settings: $settings, ctx: egui::Context) -> Self {
            Self::new(settings, ctx)
        }

        fn settings(&self) -> &$settings {
            &self.settings
        }

        fn traffic(&self) -> &$crate::ui::traffic::Traffic<$endpoint> {
            &self.traffic
        }

        fn traffic_mut(&mut self) -> &mut $crate::ui::traffic::Traffic<$endpoint> {
            &mut self.traffic
        }

        fn parts(&mut self) -> $crate::ui::traffic::TabParts<'_, $endpoint> {
            $crate::ui::traffic::TabParts {
                traffic: &mut self.traffic,
                display: &mut self.settings.display,
                send: &mut self.settings.send,
            }
        }
    };
}
pub(crate) use traffic_parts;

/// A traffic tab's work every frame, shown or not (a hidden tab keeps
/// receiving): the plot's sample, then the engine's events within the frame's
/// budget, then what the engine skipped if the window has caught up.
pub fn logic<T: TrafficTab>(tab: &mut T, ctx: &egui::Context, lang: Lang) {
    let now = Instant::now();
    let traffic = tab.traffic_mut();
    // Event lines and captions are worded as they arrive, in the language of the moment.
    traffic.view.lang = lang;
    let counters = traffic.counters();
    traffic.view.plot.tick(now, counters);
    tab.tick(now);
    if let Some(events) = tab.traffic().events() {
        let traffic = tab.traffic();
        traffic.waker.rearm();
        let keep = traffic.panel.log.cap();
        let caught_up = drain_events(ctx, &events, keep, |event, backlog| {
            tab.apply(event, backlog)
        });
        // Once caught up, a gap the workers have not told yet (the end of a flood).
        if caught_up
            && let Some(skipped) = tab.traffic().endpoint().and_then(Endpoint::take_skipped)
        {
            tab.skipped(skipped);
        }
    }
    tab.after_events(ctx);
}
