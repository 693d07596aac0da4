//! What the teaching views say about framing: 粘包 (one read held several
//! messages) and 拆包 (one message came in several reads), as a presenter caption
//! and a mark on the timeline.

use std::time::SystemTime;

use super::TabView;
use super::timeline::{EventKind, Subject};
use crate::codec::FrameNote;

/// Tells each read that held several frames once, not once per frame.
#[derive(Debug, Default)]
pub struct FrameTeller {
    /// The last read told of: the frames of one read share its time.
    last_read: Option<(Subject, SystemTime)>,
}

impl FrameTeller {
    pub fn tell(&mut self, view: &mut TabView, subject: Subject, note: FrameNote, at: SystemTime) {
        if note.frames_in_read > 1 && self.last_read != Some((subject, at)) {
            self.last_read = Some((subject, at));
            let frames = note.frames_in_read;
            view.timeline
                .push_at(subject, EventKind::FramesInRead(frames), at);
            view.caption(|texts| texts.frames_in_one_read(frames));
        }
        if note.reads > 1 {
            let reads = note.reads;
            view.timeline
                .push_at(subject, EventKind::FrameOverReads(reads), at);
            view.caption(|texts| texts.frame_over_reads(reads));
        }
    }
}
