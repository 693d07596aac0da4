//! What a replay sends: one side's messages of one peer's conversations, each at
//! its offset from the first (the recorded gaps).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::capture::{Capture, Conversation, Proto};
use super::error::CaptureError;

/// How many conversations a message lists when the user must pick one.
const LISTED: usize = 5;

/// Which messages are sent again: ours, or the peer's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Side {
    /// What we sent (`tx`; in a pcap, what went to the peer).
    #[default]
    Sent,
    /// What the peer sent (`rx`; in a pcap, what came from the peer).
    Received,
}

impl Side {
    pub fn label(self) -> &'static str {
        match self {
            Side::Sent => "sent",
            Side::Received => "received",
        }
    }
}

/// One message to send: when (after the first) and which record holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub offset: Duration,
    pub record: usize,
}

/// The messages a replay sends, in order, over a capture shared with whoever
/// loaded it (the window keeps it for the next run).
#[derive(Debug, Clone)]
pub struct Plan {
    pub capture: Arc<Capture>,
    pub steps: Vec<Step>,
    pub bytes: u64,
    pub side: Side,
    /// The recorded peer the side is told against.
    pub peer: SocketAddr,
    /// The protocol recorded, when the capture says (pcap always, netdbg's own
    /// from version 2 of its format).
    pub proto: Option<Proto>,
    /// From the first message to the last, as recorded.
    pub span: Duration,
}

impl Plan {
    /// Picks `side`'s messages, told against `peer` (the one conversation's
    /// responder when not given). Fails when `peer` is not in the capture, when
    /// several conversations leave the choice open, or when nothing is left.
    pub fn new(
        capture: Arc<Capture>,
        side: Side,
        peer: Option<SocketAddr>,
    ) -> Result<Plan, CaptureError> {
        let conversations = &capture.conversations;
        let peer = match (peer, conversations.as_slice()) {
            (Some(peer), _) => {
                if !conversations.iter().any(|c| c.involves(peer)) {
                    return Err(CaptureError::PeerNotFound {
                        peer,
                        conversations: listed(conversations),
                    });
                }
                peer
            }
            (None, [only]) => only.responder,
            (None, []) => {
                return Err(CaptureError::NothingToSend {
                    side,
                    peer: None,
                    other_side: 0,
                });
            }
            (None, several) => {
                return Err(CaptureError::SeveralConversations {
                    conversations: listed(several),
                    total: several.len(),
                });
            }
        };
        let mut steps = Vec::new();
        let (mut bytes, mut other_side) = (0u64, 0usize);
        let mut protos = Vec::new();
        let (mut first_ns, mut last_offset) = (None, Duration::ZERO);
        for (index, record) in capture.records.iter().enumerate() {
            let conversation = &conversations[record.conversation];
            let from_peer = if conversation.responder == peer {
                !record.from_initiator
            } else if conversation.initiator == Some(peer) {
                record.from_initiator
            } else {
                continue;
            };
            if from_peer != (side == Side::Received) {
                other_side += 1;
                continue;
            }
            let first = *first_ns.get_or_insert(record.at_ns);
            // A clock set back while recording: no negative gap, the message
            // goes right after the one before.
            let since = u64::try_from(record.at_ns.saturating_sub(first)).unwrap_or(0);
            let offset = Duration::from_nanos(since).max(last_offset);
            last_offset = offset;
            if !protos.contains(&conversation.proto) {
                protos.push(conversation.proto);
            }
            bytes += record.data.len() as u64;
            steps.push(Step {
                offset,
                record: index,
            });
        }
        if steps.is_empty() {
            return Err(CaptureError::NothingToSend {
                side,
                peer: Some(peer),
                other_side,
            });
        }
        let proto = match protos.as_slice() {
            [one] => *one,
            _ => None,
        };
        Ok(Plan {
            steps,
            bytes,
            side,
            peer,
            proto,
            span: last_offset,
            capture,
        })
    }

    pub fn len(&self) -> usize {
        self.steps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The bytes of step `index`.
    pub fn data(&self, index: usize) -> &[u8] {
        self.steps
            .get(index)
            .and_then(|step| self.capture.records.get(step.record))
            .map_or(&[], |record| &record.data)
    }
}

/// The biggest conversations first, as the user reads them.
fn listed(conversations: &[Conversation]) -> Vec<Conversation> {
    let mut sorted: Vec<&Conversation> = conversations.iter().collect();
    sorted.sort_by_key(|conversation| std::cmp::Reverse(conversation.messages));
    sorted.into_iter().take(LISTED).cloned().collect()
}
