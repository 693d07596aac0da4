//! The Network tab's probes in words.

use super::Describe;
use crate::engine::{EngineError, PingOutcome, ReachEvent};
use crate::i18n::Lang;

/// A probe's result in words: what it means for the host and the port.
pub fn describe_reach(event: &ReachEvent, lang: Lang) -> Option<(String, bool)> {
    let texts = lang.texts();
    let line = match event {
        ReachEvent::TcpReachable { peer } => (texts.tcp_reachable(*peer), true),
        ReachEvent::TcpFailed(error) => {
            let words = match error {
                EngineError::ConnectRefused { peer } => texts.tcp_refused(*peer),
                EngineError::ConnectTimeout { peer, secs } => texts.tcp_timed_out(*peer, *secs),
                EngineError::Unreachable { peer } => texts.tcp_unreachable(*peer),
                EngineError::Unresolvable { host } => texts.unknown_host(host),
                other => other.describe(lang),
            };
            (words, false)
        }
        ReachEvent::Ping(PingOutcome::Replied { millis }) => (texts.ping_replied(*millis), true),
        ReachEvent::Ping(PingOutcome::NoReply) => (texts.ping_no_reply.to_owned(), false),
        ReachEvent::Ping(PingOutcome::Unavailable) => (texts.ping_unavailable.to_owned(), false),
        ReachEvent::Ping(PingOutcome::Failed { message }) => (texts.ping_failed(message), false),
        ReachEvent::Finished => return None,
    };
    Some(line)
}
