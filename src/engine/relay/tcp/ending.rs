//! How a pair's ending is recorded: once, when its last thread is done or the
//! first side breaks, for both of its connections.

use std::borrow::Cow;
use std::sync::atomic::Ordering;

use super::Pair;
use crate::engine::capture::{CaptureSide, ConnectionEvent};
use crate::engine::relay::shared::Shared;
use crate::engine::relay::{Direction, Side};

/// A thread of the pair is done; the last one records the close and reports the end.
pub(super) fn thread_done(shared: &Shared, pair: &Pair) {
    if pair.threads.fetch_sub(1, Ordering::SeqCst) == 1 {
        capture_close(shared, pair);
        shared.ended(pair.id, &pair.counters);
    }
}

/// Both connections ended with FINs: the side whose sender closed first did first.
pub(super) fn capture_close(shared: &Shared, pair: &Pair) {
    let by = match pair.first_fin.get() {
        Some(Direction::C2s) => [CaptureSide::Peer, CaptureSide::Local],
        Some(Direction::S2c) => [CaptureSide::Local, CaptureSide::Peer],
        None => [CaptureSide::Local; 2],
    };
    capture_ended(shared, pair, ConnectionEvent::Close, by, None);
}

/// Both connections were reset: by the relay, except the side that `broke` first.
pub(super) fn capture_reset(
    shared: &Shared,
    pair: &Pair,
    broke: Option<Side>,
    note: Option<Cow<'static, str>>,
) {
    let by = |side| {
        if broke == Some(side) {
            CaptureSide::Peer
        } else {
            CaptureSide::Local
        }
    };
    let by = [by(Side::Client), by(Side::Server)];
    capture_ended(shared, pair, ConnectionEvent::Reset, by, note);
}

/// Tells the capture, once, how the client's and the target's connections
/// (`by` in that order) ended.
pub(super) fn capture_ended(
    shared: &Shared,
    pair: &Pair,
    event: ConnectionEvent,
    by: [CaptureSide; 2],
    note: Option<Cow<'static, str>>,
) {
    if pair.capture_ended.swap(true, Ordering::SeqCst) {
        return;
    }
    shared
        .capture
        .connection(event, by[0], pair.client_ends, note.clone());
    if let Some(server_ends) = pair.server_ends.get() {
        shared.capture.connection(event, by[1], *server_ends, note);
    }
}
