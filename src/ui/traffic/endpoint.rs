//! The engine endpoints a traffic tab runs, as the core sees them.

use crate::engine::{
    CaptureSink, CounterSnapshot, Relay, RelayEvent, Skipped, TcpClient, TcpClientEvent, TcpServer,
    TcpServerEvent, UdpEndpoint, UdpEvent,
};

/// What the core needs of an endpoint: its events, exact counters, capture,
/// and what it skipped while the window was behind.
pub trait Endpoint {
    type Event;
    /// The exact counts now: RX what came in, TX what went out (the relay: RX
    /// client → server, TX server → client).
    fn counters(&self) -> CounterSnapshot;
    fn reset_counters(&self);
    fn set_capture(&self, sink: Option<CaptureSink>);
    fn take_skipped(&self) -> Option<Skipped>;
}

impl Endpoint for UdpEndpoint {
    type Event = UdpEvent;

    fn counters(&self) -> CounterSnapshot {
        UdpEndpoint::counters(self).snapshot()
    }

    fn reset_counters(&self) {
        UdpEndpoint::counters(self).reset();
    }

    fn set_capture(&self, sink: Option<CaptureSink>) {
        UdpEndpoint::set_capture(self, sink);
    }

    fn take_skipped(&self) -> Option<Skipped> {
        UdpEndpoint::take_skipped(self)
    }
}

impl Endpoint for TcpClient {
    type Event = TcpClientEvent;

    fn counters(&self) -> CounterSnapshot {
        TcpClient::counters(self).snapshot()
    }

    fn reset_counters(&self) {
        TcpClient::counters(self).reset();
    }

    fn set_capture(&self, sink: Option<CaptureSink>) {
        TcpClient::set_capture(self, sink);
    }

    fn take_skipped(&self) -> Option<Skipped> {
        TcpClient::take_skipped(self)
    }
}

impl Endpoint for TcpServer {
    type Event = TcpServerEvent;

    fn counters(&self) -> CounterSnapshot {
        TcpServer::counters(self).snapshot()
    }

    fn reset_counters(&self) {
        TcpServer::counters(self).reset();
    }

    fn set_capture(&self, sink: Option<CaptureSink>) {
        TcpServer::set_capture(self, sink);
    }

    fn take_skipped(&self) -> Option<Skipped> {
        TcpServer::take_skipped(self)
    }
}

impl Endpoint for Relay {
    type Event = RelayEvent;

    /// What was written on: client → server as RX, server → client as TX.
    fn counters(&self) -> CounterSnapshot {
        let totals = Relay::counters(self);
        let (c2s, s2c) = (totals.c2s.snapshot(), totals.s2c.snapshot());
        CounterSnapshot {
            rx_packets: c2s.tx_packets,
            rx_bytes: c2s.tx_bytes,
            tx_packets: s2c.tx_packets,
            tx_bytes: s2c.tx_bytes,
        }
    }

    fn reset_counters(&self) {
        let totals = Relay::counters(self);
        totals.c2s.reset();
        totals.s2c.reset();
    }

    fn set_capture(&self, sink: Option<CaptureSink>) {
        Relay::set_capture(self, sink);
    }

    fn take_skipped(&self) -> Option<Skipped> {
        Relay::take_skipped(self)
    }
}
