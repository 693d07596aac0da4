//! The lifecycle timeline: per peer (and one subject for the local socket), what
//! happened when, drawn left to right; a teacher can pause it and step through.

mod strip;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::SystemTime;

use egui::ComboBox;

use crate::engine::Direction;
use crate::i18n::Texts;
use crate::ui::teaching::timeline::strip::strip_ui;

/// How many events one subject keeps; older ones are dropped first.
pub const MAX_EVENTS: usize = 500;
/// How many subjects are kept; the one created first is dropped first.
pub const MAX_SUBJECTS: usize = 50;

/// Whose lifecycle an event belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Subject {
    /// The tab's own socket: bind, listen.
    Local,
    Peer(SocketAddr),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    Bind,
    Listen,
    Connect,
    Accept,
    Send(usize),
    Receive(usize),
    /// Bytes a relay forwarded for this client, one way or the other.
    Relayed(Direction, usize),
    /// 粘包: one read held this many messages (with a framing).
    FramesInRead(u32),
    /// 拆包: one message came in this many reads (with a framing).
    FrameOverReads(u32),
    /// We shut down our sending side (FIN) and still receive.
    HalfClose,
    ClosedByPeer,
    ClosedByUs,
    Reset,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimelineEvent {
    pub at: SystemTime,
    pub kind: EventKind,
    /// Order of recording across all subjects; pausing remembers the last one shown.
    pub(super) seq: u64,
}

#[derive(Debug)]
pub struct Timeline {
    /// Oldest subject first.
    subjects: VecDeque<(Subject, VecDeque<TimelineEvent>)>,
    next_seq: u64,
    selected: Option<Subject>,
    /// While paused: the last event (by `seq`) shown.
    paused_at: Option<u64>,
    seconds_per_100px: f64,
}

impl Default for Timeline {
    fn default() -> Self {
        Self {
            subjects: VecDeque::new(),
            next_seq: 0,
            selected: None,
            paused_at: None,
            seconds_per_100px: 1.0,
        }
    }
}

impl Timeline {
    /// Records an event now.
    pub fn push(&mut self, subject: Subject, kind: EventKind) {
        self.push_at(subject, kind, SystemTime::now());
    }

    pub fn push_at(&mut self, subject: Subject, kind: EventKind, at: SystemTime) {
        let seq = self.next_seq;
        self.next_seq += 1;
        let index = match self.subjects.iter().position(|(s, _)| *s == subject) {
            Some(index) => index,
            None => {
                if self.subjects.len() == MAX_SUBJECTS {
                    self.subjects.pop_front();
                }
                self.subjects.push_back((subject, VecDeque::new()));
                self.subjects.len() - 1
            }
        };
        let events = &mut self.subjects[index].1;
        if events.len() == MAX_EVENTS {
            events.pop_front();
        }
        let event = TimelineEvent { at, kind, seq };
        // Threads report out of order (a send's report may trail the reply), so
        // keep the list in time order; most reports come in order (a flood: all).
        if events.back().is_none_or(|last| last.at <= at) {
            events.push_back(event);
        } else {
            let place = events.iter().rposition(|e| e.at <= at).map_or(0, |i| i + 1);
            events.insert(place, event);
        }
    }

    /// Everything recorded for `subject`, oldest first (pausing does not hide any here).
    pub fn events(&self, subject: Subject) -> Vec<TimelineEvent> {
        self.subject_events(subject)
            .map(|events| events.iter().copied().collect())
            .unwrap_or_default()
    }

    /// The subjects, oldest first.
    pub fn subjects(&self) -> impl Iterator<Item = Subject> + '_ {
        self.subjects.iter().map(|(subject, _)| *subject)
    }

    pub fn is_paused(&self) -> bool {
        self.paused_at.is_some()
    }

    pub fn clear(&mut self) {
        self.subjects.clear();
        self.paused_at = None;
    }

    fn subject_events(&self, subject: Subject) -> Option<&VecDeque<TimelineEvent>> {
        self.subjects
            .iter()
            .find(|(s, _)| *s == subject)
            .map(|(_, events)| events)
    }

    /// The picked subject if it still exists, else the newest one.
    fn current(&self) -> Option<Subject> {
        self.selected
            .filter(|selected| self.subject_events(*selected).is_some())
            .or_else(|| self.subjects.back().map(|(subject, _)| *subject))
    }

    fn is_shown(&self, event: &TimelineEvent) -> bool {
        self.paused_at.is_none_or(|limit| event.seq <= limit)
    }

    fn visible(&self, events: &VecDeque<TimelineEvent>) -> usize {
        events.iter().filter(|e| self.is_shown(e)).count()
    }

    fn toggle_pause(&mut self) {
        self.paused_at = match self.paused_at {
            Some(_) => None,
            None => Some(self.next_seq.saturating_sub(1)),
        };
    }

    /// While paused, shows the selected subject's next recorded event.
    fn step(&mut self) {
        let (Some(limit), Some(subject)) = (self.paused_at, self.current()) else {
            return;
        };
        let next = self
            .subject_events(subject)
            .and_then(|events| events.iter().map(|e| e.seq).filter(|&s| s > limit).min());
        if let Some(next) = next {
            self.paused_at = Some(next);
        }
    }

    /// Pauses and shows only the selected subject's first event, for a replay with Step.
    fn start_over(&mut self) {
        let first = self
            .current()
            .and_then(|subject| self.subject_events(subject))
            .and_then(|events| events.iter().map(|e| e.seq).min());
        if let Some(first) = first {
            self.paused_at = Some(first);
        }
    }

    /// Pauses at one event (a click on its marker): it and everything before it show.
    fn pause_at(&mut self, seq: u64) {
        self.paused_at = Some(seq);
    }

    /// "event 3 of 17: sent 4 bytes", when the subject has events shown.
    fn position_text(&self, texts: &Texts) -> Option<String> {
        let events = self.current().and_then(|s| self.subject_events(s))?;
        let last = events
            .iter()
            .filter(|e| self.is_shown(e))
            .max_by_key(|e| e.seq)?;
        Some(format!(
            "{}: {}",
            texts.timeline_position(self.visible(events), events.len()),
            describe(last.kind, self.current_peer(), texts)
        ))
    }

    fn current_peer(&self) -> Option<std::net::SocketAddr> {
        match self.current() {
            Some(Subject::Peer(peer)) => Some(peer),
            _ => None,
        }
    }

    /// The controls, where the timeline is, and the strip; `compact` (presenter
    /// mode) puts where it is on the controls' row.
    pub fn ui(&mut self, ui: &mut egui::Ui, texts: &Texts, compact: bool) {
        let current = self.current();
        let position = self.position_text(texts);
        ui.horizontal_wrapped(|ui| {
            ComboBox::from_label(texts.timeline_subject)
                .selected_text(current.map_or(String::new(), |s| subject_label(s, texts)))
                .show_ui(ui, |ui| {
                    for subject in self.subjects().collect::<Vec<_>>() {
                        let label = subject_label(subject, texts);
                        ui.selectable_value(&mut self.selected, Some(subject), label);
                    }
                });
            let pause = if self.is_paused() {
                texts.timeline_resume
            } else {
                texts.timeline_pause
            };
            if ui.button(pause).clicked() {
                self.toggle_pause();
            }
            if ui
                .add_enabled(self.is_paused(), egui::Button::new(texts.timeline_step))
                .clicked()
            {
                self.step();
            }
            if ui.button(texts.timeline_start_over).clicked() {
                self.start_over();
            }
            let zoom = ui.label(texts.timeline_zoom);
            ui.add(
                egui::Slider::new(&mut self.seconds_per_100px, 0.001..=60.0)
                    .logarithmic(true)
                    .max_decimals(3),
            )
            .labelled_by(zoom.id);
            if compact && let Some(position) = &position {
                ui.label(position);
            }
        });
        let Some(events) = self.current().and_then(|s| self.subject_events(s)) else {
            ui.weak(texts.timeline_empty);
            return;
        };
        let newest = events
            .iter()
            .filter(|e| self.is_shown(e))
            .max_by_key(|e| e.seq);
        let Some(&last) = newest else {
            ui.weak(texts.timeline_empty);
            return;
        };
        let peer = self.current_peer();
        if let (false, Some(position)) = (compact, position) {
            ui.label(position);
        }
        let visible_events: Vec<TimelineEvent> = events
            .iter()
            .filter(|e| self.is_shown(e))
            .copied()
            .collect();
        let clicked = strip_ui(
            ui,
            texts,
            &visible_events,
            peer,
            last.seq,
            self.seconds_per_100px,
        );
        if let Some(seq) = clicked {
            self.pause_at(seq);
        }
    }
}

fn subject_label(subject: Subject, texts: &Texts) -> String {
    match subject {
        Subject::Local => texts.timeline_local.to_owned(),
        Subject::Peer(peer) => peer.to_string(),
    }
}

/// One event in words, for the caption under the controls.
pub fn describe(kind: EventKind, peer: Option<SocketAddr>, texts: &Texts) -> String {
    match (kind, peer) {
        (EventKind::Bind, _) => texts.timeline_bind.to_owned(),
        (EventKind::Listen, _) => texts.timeline_listen.to_owned(),
        (EventKind::Connect, Some(peer)) => texts.timeline_connect(peer),
        (EventKind::Accept, Some(peer)) => texts.timeline_accept(peer),
        (EventKind::Connect | EventKind::Accept, None) => String::new(),
        (EventKind::Send(len), _) => texts.timeline_sent(len),
        (EventKind::Receive(len), _) => texts.timeline_received(len),
        (EventKind::Relayed(direction, len), _) => texts.relay_forwarded_words(direction, len),
        (EventKind::FramesInRead(frames), _) => texts.frames_in_one_read(frames),
        (EventKind::FrameOverReads(reads), _) => texts.frame_over_reads(reads),
        (EventKind::HalfClose, _) => texts.timeline_half_close.to_owned(),
        (EventKind::ClosedByPeer, _) => texts.timeline_closed_by_peer.to_owned(),
        (EventKind::ClosedByUs, _) => texts.timeline_closed_by_us.to_owned(),
        (EventKind::Reset, _) => texts.timeline_reset.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer(port: u16) -> Subject {
        Subject::Peer(SocketAddr::from(([127, 0, 0, 1], port)))
    }

    #[test]
    fn step_reveals_one_event_at_a_time() {
        let mut timeline = Timeline::default();
        timeline.push(peer(1), EventKind::Receive(1));
        timeline.toggle_pause();
        timeline.push(peer(1), EventKind::Receive(2));
        timeline.push(peer(1), EventKind::Receive(3));
        let events = timeline.subject_events(peer(1)).expect("recorded").clone();
        assert_eq!(timeline.visible(&events), 1);
        timeline.step();
        assert_eq!(timeline.visible(&events), 2);
        timeline.step();
        timeline.step();
        assert_eq!(timeline.visible(&events), 3);
        timeline.toggle_pause();
        assert_eq!(timeline.visible(&events), 3);
    }

    #[test]
    fn events_are_kept_in_time_order_whichever_order_they_are_reported_in() {
        let start = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000);
        let at = |ms: u64| start + std::time::Duration::from_millis(ms);
        let mut timeline = Timeline::default();
        // In order, a late report (before everything), one in the middle, a tie.
        for (ms, len) in [(10, 1), (20, 2), (30, 3), (5, 4), (25, 5), (30, 6), (40, 7)] {
            timeline.push_at(peer(1), EventKind::Receive(len), at(ms));
        }
        let kept: Vec<_> = timeline
            .events(peer(1))
            .iter()
            .map(|event| (event.at, event.kind))
            .collect();
        let expected: Vec<_> = [(5, 4), (10, 1), (20, 2), (25, 5), (30, 3), (30, 6), (40, 7)]
            .into_iter()
            .map(|(ms, len)| (at(ms), EventKind::Receive(len)))
            .collect();
        assert_eq!(kept, expected);
    }
}
