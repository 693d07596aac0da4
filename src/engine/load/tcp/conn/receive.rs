//! The read side of a connection: replies, cut by the framing or counted as
//! echoes, each timed against its message; and the peer's end.

use std::io::{self, Read};
use std::time::Instant;

use super::super::super::stats::LoadFault;
use super::{Conn, Phase, READS_PER_TURN, Turn};
use crate::codec::framing::FrameItem;

impl Conn {
    pub(super) fn read_some(&mut self, turn: &mut Turn<'_>, buf: &mut [u8]) {
        for _ in 0..READS_PER_TURN {
            match self.stream.read(buf) {
                Ok(0) => return self.on_eof(turn),
                Ok(len) => {
                    let at = Instant::now();
                    turn.stats.bytes_received(len);
                    self.take(turn, &buf[..len], at);
                    if self.phase == Phase::Done {
                        return;
                    }
                }
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => return,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return self.end(turn.stats, Some(LoadFault::from_io(&err))),
            }
        }
    }

    /// Bytes from the peer: replies, cut by the framing or counted as echoes.
    fn take(&mut self, turn: &mut Turn<'_>, data: &[u8], at: Instant) {
        if let Some(framer) = &mut self.framer {
            let (mut replies, mut faults) = (0u32, 0u64);
            for item in framer.push(data) {
                match item {
                    FrameItem::Frame(_) => replies += 1,
                    FrameItem::Fault(_) => faults += 1,
                }
            }
            turn.stats.faults_add(LoadFault::Other, faults);
            for _ in 0..replies {
                self.on_reply(turn, at);
            }
        } else if let Some(awaiting) = &mut self.awaiting {
            awaiting.echo_left = awaiting.echo_left.saturating_sub(data.len());
            if awaiting.echo_left == 0 {
                self.on_reply(turn, at);
            }
        } else {
            self.echo_partial += data.len();
            let len = self.last_len.max(1);
            turn.stats
                .messages_received((self.echo_partial / len) as u64);
            self.echo_partial %= len;
        }
    }

    fn on_reply(&mut self, turn: &mut Turn<'_>, at: Instant) {
        turn.stats.message_received();
        if let Some(awaiting) = self.awaiting.take() {
            turn.rtt
                .record(at.saturating_duration_since(awaiting.since));
            if self.phase == Phase::Running {
                self.pump(turn);
            }
        }
    }

    fn on_eof(&mut self, turn: &mut Turn<'_>) {
        let finished = self.all_started() && self.out.is_none() && self.awaiting.is_none();
        let fault = match self.phase {
            Phase::Draining { .. } => None,
            _ if finished => None,
            _ => Some(LoadFault::Closed),
        };
        self.end(turn.stats, fault);
    }
}
