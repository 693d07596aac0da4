//! Drawing one subject's timeline: markers left to right along a time axis, the
//! time since the first event under them, spread apart where events share an instant.

use std::time::{Duration, SystemTime};

use chrono::{DateTime, Local};
use egui::{Color32, Pos2, Rect, ScrollArea, Sense, Shape, Stroke, vec2};

use crate::engine::Direction;
use crate::i18n::Texts;
use crate::ui::teaching::timeline::{EventKind, TimelineEvent, describe};

/// Markers closer than this are pushed apart, so events at one instant stay readable.
pub const MIN_GAP: f32 = 18.0;
/// Time labels closer than this to the previous one are left out.
const LABEL_GAP: f32 = 64.0;
/// The first label is a clock time ("21:50:47.998"), wider than the others.
const FIRST_LABEL_GAP: f32 = 110.0;
const STRIP_HEIGHT: f32 = 76.0;
const MARGIN: f32 = 24.0;
const AXIS_Y: f32 = 34.0;
const HIT_RADIUS: f32 = 9.0;

/// Where each event's marker goes: its time on the scale, but at least [`MIN_GAP`]
/// right of the one before (events come sorted by time).
pub fn marker_positions(seconds: &[f64], px_per_second: f64) -> Vec<f32> {
    let mut positions = Vec::with_capacity(seconds.len());
    let mut previous: Option<f32> = None;
    for &secs in seconds {
        let on_scale = MARGIN + (secs * px_per_second) as f32;
        let x = previous.map_or(on_scale, |before| on_scale.max(before + MIN_GAP));
        positions.push(x);
        previous = Some(x);
    }
    positions
}

/// The time since the first event, in units that suit the zoom ("+12.5 ms", "+3.20 s").
pub fn offset_label(offset: Duration, seconds_per_100px: f64) -> String {
    let secs = offset.as_secs_f64();
    if seconds_per_100px < 0.1 {
        format!("+{:.1} ms", secs * 1000.0)
    } else if secs < 60.0 {
        format!("+{secs:.2} s")
    } else {
        format!("+{}:{:05.2}", (secs / 60.0) as u64, secs % 60.0)
    }
}

fn clock(at: SystemTime) -> String {
    let local: DateTime<Local> = at.into();
    local.format("%H:%M:%S%.3f").to_string()
}

/// Draws the events (sorted by time, all shown ones) and marks `highlight`.
/// Returns the `seq` of a marker the user clicked.
pub fn strip_ui(
    ui: &mut egui::Ui,
    texts: &Texts,
    events: &[TimelineEvent],
    peer: Option<std::net::SocketAddr>,
    highlight: u64,
    seconds_per_100px: f64,
) -> Option<u64> {
    let start = events.first()?.at;
    let offsets: Vec<Duration> = events
        .iter()
        .map(|e| e.at.duration_since(start).unwrap_or(Duration::ZERO))
        .collect();
    let seconds: Vec<f64> = offsets.iter().map(Duration::as_secs_f64).collect();
    let xs = marker_positions(&seconds, 100.0 / seconds_per_100px);
    let end = xs.last().copied().unwrap_or(0.0);
    let mut clicked = None;
    ScrollArea::horizontal()
        .id_salt("timeline_strip")
        .stick_to_right(true)
        .show(ui, |ui| {
            let width = (end + 2.0 * MARGIN).max(ui.available_width());
            let (response, painter) =
                ui.allocate_painter(vec2(width, STRIP_HEIGHT), Sense::click());
            let origin = response.rect.min;
            let visuals = ui.visuals();
            painter.line_segment(
                [
                    origin + vec2(MARGIN / 2.0, AXIS_Y),
                    origin + vec2(width - MARGIN / 2.0, AXIS_Y),
                ],
                Stroke::new(1.0, visuals.weak_text_color()),
            );
            let small = egui::FontId::proportional(10.0);
            let mut last_label: Option<f32> = None;
            for (index, event) in events.iter().enumerate() {
                let x = xs[index];
                let center = origin + vec2(x, AXIS_Y);
                marker(&painter, center, event.kind);
                if event.seq == highlight {
                    let stroke = Stroke::new(2.0, visuals.strong_text_color());
                    painter.circle_stroke(center, 8.0, stroke);
                }
                if let EventKind::Send(len) | EventKind::Receive(len) | EventKind::Relayed(_, len) =
                    event.kind
                {
                    painter.text(
                        center - vec2(0.0, 12.0),
                        egui::Align2::CENTER_BOTTOM,
                        len.to_string(),
                        small.clone(),
                        visuals.text_color(),
                    );
                }
                let gap = if last_label == xs.first().copied() {
                    FIRST_LABEL_GAP
                } else {
                    LABEL_GAP
                };
                if last_label.is_none_or(|before| x - before >= gap) {
                    let label = if index == 0 {
                        clock(event.at)
                    } else {
                        offset_label(offsets[index], seconds_per_100px)
                    };
                    painter.line_segment(
                        [center + vec2(0.0, 9.0), center + vec2(0.0, 14.0)],
                        Stroke::new(1.0, visuals.weak_text_color()),
                    );
                    // The first label (a clock time) starts at its marker: centred
                    // it would run off the left edge.
                    let (anchor, align) = if index == 0 {
                        (center + vec2(-4.0, 16.0), egui::Align2::LEFT_TOP)
                    } else {
                        (center + vec2(0.0, 16.0), egui::Align2::CENTER_TOP)
                    };
                    painter.text(
                        anchor,
                        align,
                        label,
                        small.clone(),
                        visuals.weak_text_color(),
                    );
                    last_label = Some(x);
                }
            }
            // Named for screen readers (and found by tests): the timeline, its events.
            let name = format!("{}: {}", texts.timeline, events.len());
            response
                .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Canvas, true, name.clone()));
            let pointer = response.hover_pos();
            let hit = pointer.and_then(|pos| {
                xs.iter()
                    .position(|&x| (origin + vec2(x, AXIS_Y)).distance(pos) <= HIT_RADIUS)
            });
            if let Some(index) = hit {
                let event = events[index];
                let text = format!(
                    "{}  {}\n{}",
                    clock(event.at),
                    offset_label(offsets[index], seconds_per_100px),
                    describe(event.kind, peer, texts)
                );
                response.clone().on_hover_text_at_pointer(text);
                if response.clicked() {
                    clicked = Some(event.seq);
                }
            }
        });
    clicked
}

const GREEN: Color32 = Color32::from_rgb(0x30, 0xa0, 0x50);
const BLUE: Color32 = Color32::from_rgb(0x30, 0x70, 0xd0);
const GREY: Color32 = Color32::from_rgb(0x80, 0x80, 0x80);
const ORANGE: Color32 = Color32::from_rgb(0xe0, 0x90, 0x20);
const PURPLE: Color32 = Color32::from_rgb(0x90, 0x50, 0xc0);
const RED: Color32 = Color32::from_rgb(0xd0, 0x30, 0x30);

/// Set-up events are squares, traffic dots (green in, blue out), endings diamonds.
fn marker(painter: &egui::Painter, center: Pos2, kind: EventKind) {
    let square = |color| {
        painter.rect_filled(Rect::from_center_size(center, vec2(9.0, 9.0)), 1.0, color);
    };
    let diamond = |color| {
        painter.add(Shape::convex_polygon(
            diamond_points(center),
            color,
            Stroke::NONE,
        ));
    };
    match kind {
        EventKind::Bind | EventKind::Listen => square(GREY),
        EventKind::Connect | EventKind::Accept => square(GREEN),
        // From the subject to us (or through us to its server) is green, back is blue.
        EventKind::Send(_) | EventKind::Relayed(Direction::S2c, _) => {
            painter.circle_filled(center, 4.5, BLUE);
        }
        EventKind::Receive(_) | EventKind::Relayed(Direction::C2s, _) => {
            painter.circle_filled(center, 4.5, GREEN);
        }
        // Framing's notes: a ring, filled for several messages in one read.
        EventKind::FramesInRead(_) => {
            painter.circle_filled(center, 5.0, PURPLE);
        }
        EventKind::FrameOverReads(_) => {
            painter.circle_stroke(center, 5.0, Stroke::new(2.0, PURPLE));
        }
        EventKind::HalfClose => {
            // Half a closing: the ending's diamond, outlined only.
            let outline = Stroke::new(2.0, ORANGE);
            painter.add(Shape::closed_line(diamond_points(center), outline));
        }
        EventKind::ClosedByPeer | EventKind::ClosedByUs => diamond(ORANGE),
        EventKind::Reset => diamond(RED),
    }
}

fn diamond_points(center: Pos2) -> Vec<Pos2> {
    let r = 6.0;
    vec![
        center - vec2(0.0, r),
        center + vec2(r, 0.0),
        center + vec2(0.0, r),
        center - vec2(r, 0.0),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_at_one_instant_are_spread_apart() {
        let xs = marker_positions(&[0.0, 0.0, 0.0, 5.0], 100.0);
        assert_eq!(xs[0], MARGIN);
        assert!(xs[1] - xs[0] >= MIN_GAP);
        assert!(xs[2] - xs[1] >= MIN_GAP);
        // Far enough apart in time: placed on the scale.
        assert_eq!(xs[3], MARGIN + 500.0);
    }

    #[test]
    fn offsets_are_worded_for_the_zoom() {
        let offset = Duration::from_millis(12_345);
        assert_eq!(offset_label(offset, 1.0), "+12.35 s");
        assert_eq!(offset_label(Duration::from_micros(1_260), 0.01), "+1.3 ms");
        assert_eq!(offset_label(Duration::from_secs(75), 10.0), "+1:15.00");
    }
}
