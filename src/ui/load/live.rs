//! A run as it goes: its counters, its rates and round trips over time, and its
//! round-trip histogram, from the engine's snapshots (two a second).

use std::collections::VecDeque;
use std::time::Duration;

use egui_plot::{Bar, BarChart, GridInput, GridMark, Legend, Line, Plot};

use crate::engine::load::{LoadSnapshot, RttSummary};
use crate::i18n::{LoadWords, Texts};

/// Samples kept for the plots over time (10 minutes at two a second).
const SAMPLES: usize = 1200;
const PLOT_HEIGHT: f32 = 140.0;

/// One snapshot's rates, over the time since the one before.
#[derive(Debug, Clone, Copy)]
struct Sample {
    secs: f64,
    sent_per_s: f64,
    received_per_s: f64,
    sent_mb: f64,
    received_mb: f64,
    /// The round trips of that interval.
    rtt: Option<RttSummary>,
}

#[derive(Default)]
pub struct LiveRun {
    pub snapshot: LoadSnapshot,
    samples: VecDeque<Sample>,
    /// The previous snapshot's time and counters: elapsed, sent, received, bytes each way.
    last: (Duration, u64, u64, u64, u64),
    /// Plot MB/s rather than messages/s.
    pub show_megabytes: bool,
}

impl LiveRun {
    pub fn take(&mut self, snapshot: LoadSnapshot) {
        let (then, sent, received, bytes_out, bytes_in) = self.last;
        let span = snapshot.elapsed.saturating_sub(then).as_secs_f64();
        if span > 0.0 {
            let rate = |now: u64, before: u64| now.saturating_sub(before) as f64 / span;
            if self.samples.len() == SAMPLES {
                self.samples.pop_front();
            }
            self.samples.push_back(Sample {
                secs: snapshot.elapsed.as_secs_f64(),
                sent_per_s: rate(snapshot.sent, sent),
                received_per_s: rate(snapshot.received, received),
                sent_mb: rate(snapshot.bytes_sent, bytes_out) / 1e6,
                received_mb: rate(snapshot.bytes_received, bytes_in) / 1e6,
                rtt: snapshot.rtt.recent,
            });
        }
        self.last = (
            snapshot.elapsed,
            snapshot.sent,
            snapshot.received,
            snapshot.bytes_sent,
            snapshot.bytes_received,
        );
        self.snapshot = snapshot;
    }

    pub fn counters_ui(&self, ui: &mut egui::Ui, texts: &Texts) {
        let words = texts.load();
        let s = &self.snapshot;
        egui::Grid::new("load_counters")
            .num_columns(8)
            .spacing([16.0, 4.0])
            .show(ui, |ui| {
                pair_ui(ui, words.up, s.open.to_string());
                pair_ui(ui, words.connected, s.connected.to_string());
                pair_ui(ui, words.failed, s.failed.to_string());
                pair_ui(ui, words.errors, texts.load_fault_list(&s.faults));
                ui.end_row();
                pair_ui(ui, words.sent, s.sent.to_string());
                pair_ui(ui, words.received, s.received.to_string());
                pair_ui(ui, words.msgs_per_s, format!("{:.1}", s.msgs_per_s()));
                pair_ui(ui, words.mb_per_s, format!("{:.3}", s.mb_per_s()));
                ui.end_row();
            });
        ui.horizontal(|ui| {
            ui.strong(words.rtt);
            let rtt = s.rtt.summary;
            let show = |pick: fn(&RttSummary) -> f64| {
                rtt.as_ref()
                    .map_or_else(|| "—".to_owned(), |rtt| format!("{:.1}", pick(rtt)))
            };
            for (name, value) in [
                ("p50", show(|r| r.p50_us)),
                ("p90", show(|r| r.p90_us)),
                ("p99", show(|r| r.p99_us)),
                ("p99.9", show(|r| r.p999_us)),
                (words.max, show(|r| r.max_us)),
            ] {
                pair_ui(ui, name, value);
            }
        });
    }

    pub fn plots_ui(&mut self, ui: &mut egui::Ui, words: &LoadWords) {
        ui.horizontal(|ui| {
            ui.radio_value(&mut self.show_megabytes, false, words.show_messages);
            ui.radio_value(&mut self.show_megabytes, true, words.show_megabytes);
        });
        let series = |pick: &dyn Fn(&Sample) -> f64| -> Vec<[f64; 2]> {
            self.samples.iter().map(|s| [s.secs, pick(s)]).collect()
        };
        let (sent, received) = if self.show_megabytes {
            (series(&|s| s.sent_mb), series(&|s| s.received_mb))
        } else {
            (series(&|s| s.sent_per_s), series(&|s| s.received_per_s))
        };
        let (rate_axis, megabytes) = if self.show_megabytes {
            (words.show_megabytes, true)
        } else {
            (words.show_messages, false)
        };
        // Compact marks (42.3k, not 42300): the long ones did not fit the axis and
        // were left out, so the plot had no scale.
        still_plot("load_rates")
            .x_axis_label(words.seconds_axis)
            .y_axis_label(rate_axis)
            .y_grid_spacer(few_marks)
            .y_axis_formatter(move |mark, _| {
                if megabytes {
                    format!("{:.1}", mark.value)
                } else {
                    crate::i18n::format_count(mark.value.max(0.0).round() as u64)
                }
            })
            .show(ui, |plot| {
                plot.line(Line::new(words.plot_sent, sent));
                plot.line(Line::new(words.plot_received, received));
            });
        let rtt_series = |pick: fn(&RttSummary) -> f64| -> Vec<[f64; 2]> {
            self.samples
                .iter()
                .filter_map(|s| s.rtt.map(|rtt| [s.secs, pick(&rtt)]))
                .collect()
        };
        ui.columns(2, |columns| {
            columns[0].label(words.rtt_over_time);
            still_plot("load_rtt_time")
                .x_axis_label(words.seconds_axis)
                .y_axis_label(words.rtt_axis)
                .y_grid_spacer(few_marks)
                .show(&mut columns[0], |plot| {
                    plot.line(Line::new("p50", rtt_series(|r| r.p50_us)));
                    plot.line(Line::new("p99", rtt_series(|r| r.p99_us)));
                });
            columns[1].label(words.rtt_histogram);
            self.histogram_ui(&mut columns[1], words);
        });
    }

    /// Bars on a log scale: x is log10 of the round trip in µs, labelled in µs.
    fn histogram_ui(&self, ui: &mut egui::Ui, words: &LoadWords) {
        let bars: Vec<Bar> = self
            .snapshot
            .rtt
            .buckets
            .iter()
            .filter(|bucket| bucket.count > 0)
            .map(|bucket| {
                let (low, high) = (bucket.low_us.log10(), bucket.high_us.log10());
                Bar::new((low + high) / 2.0, bucket.count as f64)
                    .width((high - low) * 0.9)
                    .name(format!("{:.1}–{:.1} µs", bucket.low_us, bucket.high_us))
            })
            .collect();
        still_plot("load_rtt_histogram")
            .x_axis_label(words.rtt_axis)
            .y_axis_label(words.count_axis)
            .x_axis_formatter(|mark, _| format_us(10f64.powf(mark.value)))
            .show(ui, |plot| {
                plot.bar_chart(BarChart::new(words.count_axis, bars));
            });
    }
}

/// Three or four marks of one size (1, 2 or 5 × 10ⁿ) on a short plot: egui_plot's
/// own spacing put a mark every ~20 px there and labelled none of them but 0.
fn few_marks(input: GridInput) -> Vec<GridMark> {
    let (low, high) = input.bounds;
    let range = high - low;
    if !range.is_finite() || range <= 0.0 {
        return Vec::new();
    }
    let magnitude = 10f64.powf((range / 4.0).log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|factor| factor * magnitude)
        .find(|step| range / step <= 4.0)
        .unwrap_or(10.0 * magnitude);
    let first = (low / step).ceil() as i64;
    let last = (high / step).floor() as i64;
    (first..=last)
        .map(|n| GridMark {
            value: n as f64 * step,
            step_size: step,
        })
        .collect()
}

/// A plot that does not move under the mouse (the data moves by itself).
fn still_plot(id: &str) -> Plot<'_> {
    Plot::new(id)
        .height(PLOT_HEIGHT)
        .legend(Legend::default())
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .include_y(0.0)
}

fn format_us(us: f64) -> String {
    if us >= 1000.0 {
        format!("{:.0} ms", us / 1000.0)
    } else if us >= 10.0 {
        format!("{us:.0} µs")
    } else {
        format!("{us:.1} µs")
    }
}

fn pair_ui(ui: &mut egui::Ui, name: &str, value: String) {
    ui.label(name);
    ui.strong(value);
}
