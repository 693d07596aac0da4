//! One direction of a pair: its source and sink (plain or TLS), the pump between
//! them, and what its end means for the other side.

use std::io;
use std::net::Shutdown;
use std::sync::atomic::Ordering;

use super::ending::{capture_ended, capture_reset};
use super::ends::{AnySink, AnySource, TcpSink, TcpSource};
use super::{Pair, closed};
use crate::engine::EngineError;
use crate::engine::capture::{CaptureSide, ConnectionEvent};
use crate::engine::error::IoOp;
use crate::engine::relay::FaultAction;
use crate::engine::relay::pump::{Pump, PumpEnd, fault_note};
use crate::engine::relay::shared::Shared;
use crate::engine::relay::tls::{TlsSink, TlsSource};
use crate::engine::relay::{CloseHow, Direction, Side};

/// Pumps one direction of the pair until it ends, and passes the end on.
pub(super) fn pump_direction(shared: &Shared, pair: &Pair, direction: Direction) {
    let (Some(server), Some(server_ends)) = (pair.server.get(), pair.server_ends.get().copied())
    else {
        return;
    };
    let (source, sink, from, to) = match direction {
        Direction::C2s => (&pair.client, server, pair.client_ends, server_ends),
        Direction::S2c => (server, &pair.client, server_ends, pair.client_ends),
    };
    let stop = || pair.ending.load(Ordering::Relaxed) || shared.is_stopping();
    let pump = Pump {
        pair: pair.id,
        direction,
        from,
        to,
        shared,
        counters: &pair.counters,
        stop: &stop,
    };
    let (source_tls, sink_tls) = match direction {
        Direction::C2s => (pair.client_tls.get(), pair.server_tls.get()),
        Direction::S2c => (pair.server_tls.get(), pair.client_tls.get()),
    };
    let turn = &pair.turns[direction.index()];
    let mut source = match source_tls {
        Some(tls) => AnySource::Tls(TlsSource::new(source, tls)),
        None => AnySource::Plain(TcpSource {
            stream: source,
            timeout: None,
        }),
    };
    let mut sink_end = match sink_tls {
        Some(tls) => AnySink::Tls(TlsSink {
            tls,
            turn,
            stop: &stop,
        }),
        None => AnySink::Plain(TcpSink {
            stream: sink,
            turn,
            stop: &stop,
        }),
    };
    let end = pump.run(&mut source, &mut sink_end);
    let (source_side, sink_side) = match direction {
        Direction::C2s => (Side::Client, Side::Server),
        Direction::S2c => (Side::Server, Side::Client),
    };
    match end {
        PumpEnd::Fin => {
            let _ = pair.first_fin.set(direction);
            shared.report(closed(pair.id, source_side, CloseHow::Fin));
            // Passed on: the other side reads the end, and may still answer. Over
            // TLS the end is said the TLS way first (close_notify): a peer that
            // gets a bare FIN takes it for a cut-off session (openssl: decode_error).
            if let Some(tls) = sink_tls {
                let _turn = turn
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let _ = tls.close_notify();
            }
            let _ = sink.shutdown(Shutdown::Write);
        }
        PumpEnd::SourceFailed(error) => broke(shared, pair, source_side, &error, IoOp::Receive),
        PumpEnd::SinkFailed(error) => broke(shared, pair, sink_side, &error, IoOp::Send),
        PumpEnd::Cut { after, reset } => {
            if pair.claim_end() {
                pair.abort(reset);
                let note = fault_note(&[FaultAction::Cut { after, reset }]);
                if reset {
                    capture_reset(shared, pair, None, note);
                } else {
                    capture_ended(
                        shared,
                        pair,
                        ConnectionEvent::Close,
                        [CaptureSide::Local; 2],
                        note,
                    );
                }
                let how = if reset {
                    CloseHow::Reset
                } else {
                    CloseHow::Fin
                };
                shared.report(closed(pair.id, Side::Relay, how));
            }
        }
        PumpEnd::Idle | PumpEnd::Stopped => {}
    }
}

/// One side's connection broke (reset, or another error): the other side is reset.
fn broke(shared: &Shared, pair: &Pair, side: Side, error: &io::Error, op: IoOp) {
    if !pair.claim_end() {
        return;
    }
    pair.abort(true);
    capture_reset(shared, pair, Some(side), None);
    let how = match error.kind() {
        io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::BrokenPipe => CloseHow::Reset,
        _ => CloseHow::Error(EngineError::io(op, error)),
    };
    shared.report(closed(pair.id, side, how));
}
