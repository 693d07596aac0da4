//! The live rate plot: rx/tx per second over the last minute, sampled from the
//! engine's counters once a second, so the flood path pays nothing for it.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use egui_plot::{Legend, Line, Plot};

use crate::engine::CounterSnapshot;
use crate::i18n::Texts;

/// How many one-second samples the plot keeps.
pub const WINDOW: usize = 60;
const PERIOD: Duration = Duration::from_secs(1);

/// One second's rates.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rate {
    pub rx_bytes: f64,
    pub tx_bytes: f64,
    pub rx_packets: f64,
    pub tx_packets: f64,
}

impl Rate {
    fn is_zero(&self) -> bool {
        *self == Rate::default()
    }
}

/// Turns counter snapshots into per-second rates, one sample per elapsed second.
#[derive(Debug, Default)]
pub struct RatePlot {
    last: Option<(Instant, CounterSnapshot)>,
    samples: VecDeque<Rate>,
    /// Bytes/s (default) or packets/s.
    pub show_packets: bool,
}

impl RatePlot {
    /// Reads the counters; pushes one sample per whole second since the last one. A
    /// gap (no frames while idle) is filled with that gap's average rate. A counter
    /// reset counts as zero traffic, not a negative rate.
    pub fn tick(&mut self, now: Instant, counters: CounterSnapshot) {
        let Some((since, before)) = self.last else {
            self.last = Some((now, counters));
            return;
        };
        let elapsed = now.saturating_duration_since(since);
        let seconds = elapsed.as_secs();
        if seconds == 0 {
            return;
        }
        let per_second =
            |after: u64, before: u64| after.saturating_sub(before) as f64 / elapsed.as_secs_f64();
        let rate = Rate {
            rx_bytes: per_second(counters.rx_bytes, before.rx_bytes),
            tx_bytes: per_second(counters.tx_bytes, before.tx_bytes),
            rx_packets: per_second(counters.rx_packets, before.rx_packets),
            tx_packets: per_second(counters.tx_packets, before.tx_packets),
        };
        for _ in 0..seconds.min(WINDOW as u64) {
            if self.samples.len() == WINDOW {
                self.samples.pop_front();
            }
            self.samples.push_back(rate);
        }
        // Keep the fraction of a second not yet sampled for the next one.
        self.last = Some((since + PERIOD * seconds as u32, counters));
    }

    /// Whether [`RatePlot::tick`] would take a sample now (so a caller can skip
    /// adding up counters when it would not).
    pub fn is_due(&self, now: Instant) -> bool {
        self.last
            .is_none_or(|(since, _)| now.saturating_duration_since(since) >= PERIOD)
    }

    /// Forgets the samples (another subject is plotted now); keeps the units.
    pub fn restart(&mut self) {
        self.last = None;
        self.samples.clear();
    }

    /// The samples, oldest first.
    pub fn samples(&self) -> impl ExactSizeIterator<Item = &Rate> {
        self.samples.iter()
    }

    /// Whether anything would move on screen: a non-zero sample still in the
    /// window, or traffic counted since the last sample.
    pub fn is_live(&self, counters: CounterSnapshot) -> bool {
        self.samples.iter().any(|rate| !rate.is_zero())
            || self.last.is_some_and(|(_, before)| before != counters)
    }

    /// When the next sample is due (for `request_repaint_after`).
    fn until_next(&self, now: Instant) -> Duration {
        self.last.map_or(PERIOD, |(since, _)| {
            (since + PERIOD).saturating_duration_since(now)
        })
    }

    /// Draws the plot. Asks for a frame at the next sample only while something moves:
    /// an idle tab costs no frames.
    /// `names`: the two lines' names in the legend (RX and TX, or the relay's
    /// C→S and S→C).
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        names: (&str, &str),
        counters: CounterSnapshot,
    ) {
        ui.horizontal(|ui| {
            ui.radio_value(&mut self.show_packets, false, texts.bytes_per_sec);
            ui.radio_value(&mut self.show_packets, true, texts.packets_per_sec);
        });
        let offset = (WINDOW - self.samples.len()) as f64;
        let series = |pick: fn(&Rate) -> f64| -> Vec<[f64; 2]> {
            self.samples
                .iter()
                .enumerate()
                .map(|(i, rate)| [offset + i as f64 - WINDOW as f64, pick(rate)])
                .collect()
        };
        let (rx, tx): (Vec<_>, Vec<_>) = if self.show_packets {
            (series(|r| r.rx_packets), series(|r| r.tx_packets))
        } else {
            (series(|r| r.rx_bytes), series(|r| r.tx_bytes))
        };
        Plot::new(ui.scope_id().with("rate_plot"))
            .height(120.0)
            .legend(Legend::default())
            .allow_zoom(false)
            .allow_drag(false)
            .allow_scroll(false)
            .allow_boxed_zoom(false)
            .include_x(-(WINDOW as f64))
            .include_x(0.0)
            .include_y(0.0)
            .show(ui, |plot| {
                plot.line(Line::new(names.0, rx));
                plot.line(Line::new(names.1, tx));
            });
        if self.is_live(counters) {
            let wait = self.until_next(Instant::now());
            ui.ctx().request_repaint_after(wait);
        }
    }
}
