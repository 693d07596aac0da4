//! A capture as replay sees it: every message with a payload, in the order
//! recorded, each in a conversation (who started it, who answered). Both formats
//! come down to this; [`load`] tells them apart by their first bytes.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::net::SocketAddr;
use std::path::Path;

use super::error::{CaptureError, Place, TooMuch};
use super::{MAX_BYTES, MAX_MESSAGES, jsonl, pcap};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Proto {
    Tcp,
    Udp,
}

impl Proto {
    pub fn label(self) -> &'static str {
        match self {
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureFormat {
    JsonLines,
    PcapNg,
    Pcap,
}

impl CaptureFormat {
    pub fn label(self) -> &'static str {
        match self {
            CaptureFormat::JsonLines => "jsonl",
            CaptureFormat::PcapNg => "pcapng",
            CaptureFormat::Pcap => "pcap",
        }
    }
}

/// Two endpoints talking. In a netdbg capture `initiator` is our side (`local`,
/// when the record says it) and `responder` the recorded peer; in a pcap the side
/// that sent the TCP SYN (else the first packet) and the other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    pub proto: Option<Proto>,
    pub initiator: Option<SocketAddr>,
    pub responder: SocketAddr,
    /// Messages with a payload, both ways.
    pub messages: usize,
}

impl Conversation {
    /// Its ends as the user reads them: `tcp 10.0.0.1:5000 → 10.0.0.2:80`, or the
    /// peer alone when our side was not recorded.
    pub fn ends(&self) -> String {
        let proto = self.proto.map(|proto| format!("{} ", proto.label()));
        let from = self.initiator.map(|addr| format!("{addr} → "));
        format!(
            "{}{}{}",
            proto.unwrap_or_default(),
            from.unwrap_or_default(),
            self.responder
        )
    }

    /// Whether `addr` is one of its two ends.
    pub fn involves(&self, addr: SocketAddr) -> bool {
        self.responder == addr || self.initiator == Some(addr)
    }
}

/// One message with a payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Nanoseconds since 1970 as recorded (only differences matter).
    pub at_ns: i64,
    /// Index into [`Capture::conversations`].
    pub conversation: usize,
    /// Sent by the conversation's initiator (in a netdbg capture: by us, `tx`).
    pub from_initiator: bool,
    pub data: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capture {
    pub format: CaptureFormat,
    pub conversations: Vec<Conversation>,
    pub records: Vec<Record>,
    /// Packets of a pcap that carried no TCP or UDP payload we could read
    /// (handshakes, ACKs, ARP, fragments, retransmitted bytes).
    pub skipped: u64,
}

/// The most conversations kept: packets of any further one are skipped, so a
/// file of a million one-packet flows cannot fill the memory with them.
const MAX_CONVERSATIONS: usize = 100_000;

/// What names a conversation while reading: the peer in a netdbg capture (our
/// side is one endpoint), the protocol and both ends (in order) in a pcap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Key {
    Peer(SocketAddr),
    Pair(Proto, SocketAddr, SocketAddr),
}

/// Collects records within the bounds while a reader goes through a file.
pub(super) struct Builder {
    capture: Capture,
    bytes: u64,
    index: HashMap<Key, usize>,
}

impl Builder {
    pub(super) fn new(format: CaptureFormat) -> Self {
        Builder {
            capture: Capture {
                format,
                conversations: Vec::new(),
                records: Vec::new(),
                skipped: 0,
            },
            bytes: 0,
            index: HashMap::new(),
        }
    }

    /// The conversation named `key`, else a new one from `make`; `None` once
    /// there are too many.
    pub(super) fn conversation(
        &mut self,
        key: Key,
        make: impl FnOnce() -> Conversation,
    ) -> Option<usize> {
        if let Some(&index) = self.index.get(&key) {
            return Some(index);
        }
        if self.capture.conversations.len() >= MAX_CONVERSATIONS {
            return None;
        }
        self.capture.conversations.push(make());
        let index = self.capture.conversations.len() - 1;
        self.index.insert(key, index);
        Some(index)
    }

    pub(super) fn conversations(&self) -> &[Conversation] {
        &self.capture.conversations
    }

    pub(super) fn push(&mut self, record: Record, place: Place) -> Result<(), CaptureError> {
        if record.data.is_empty() {
            return Ok(());
        }
        self.bytes += record.data.len() as u64;
        if self.bytes > MAX_BYTES {
            return Err(CaptureError::TooLarge {
                limit: TooMuch::Bytes(MAX_BYTES),
                place,
            });
        }
        if self.capture.records.len() >= MAX_MESSAGES {
            return Err(CaptureError::TooLarge {
                limit: TooMuch::Messages(MAX_MESSAGES),
                place,
            });
        }
        if let Some(conversation) = self.capture.conversations.get_mut(record.conversation) {
            conversation.messages += 1;
        }
        self.capture.records.push(record);
        Ok(())
    }

    pub(super) fn skip(&mut self) {
        self.capture.skipped += 1;
    }

    pub(super) fn finish(mut self) -> Capture {
        // A conversation without a payload (a handshake alone) is nothing to replay.
        let kept: Vec<usize> = (0..self.capture.conversations.len())
            .filter(|&index| self.capture.conversations[index].messages > 0)
            .collect();
        if kept.len() < self.capture.conversations.len() {
            let mut new_index = vec![usize::MAX; self.capture.conversations.len()];
            for (new, &old) in kept.iter().enumerate() {
                new_index[old] = new;
            }
            for record in &mut self.capture.records {
                record.conversation = new_index[record.conversation];
            }
            let old = std::mem::take(&mut self.capture.conversations);
            self.capture.conversations = old
                .into_iter()
                .filter(|conversation| conversation.messages > 0)
                .collect();
        }
        self.capture
    }
}

/// Reads a capture file: JSON lines, pcapng or pcap, told apart by its first bytes.
pub fn load(path: &Path) -> Result<Capture, CaptureError> {
    let file = open_regular(path)?;
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let mut magic = [0u8; 4];
    let got = read_up_to(&mut reader, &mut magic).map_err(|err| unreadable(path, &err))?;
    let head = &magic[..got];
    let chained = head.chain(reader);
    // JSON lines start with `{`, maybe after blank lines.
    let json = match head.iter().find(|byte| !byte.is_ascii_whitespace()) {
        Some(&byte) => byte == b'{',
        None => got == head.len(),
    };
    if head == pcap::PCAPNG_MAGIC {
        pcap::read_pcapng(chained, path)
    } else if pcap::is_pcap_magic(head) {
        pcap::read_pcap(chained, path)
    } else if json {
        jsonl::read(chained, path)
    } else {
        Err(CaptureError::NotACapture)
    }
}

pub(super) fn unreadable(path: &Path, err: &std::io::Error) -> CaptureError {
    CaptureError::Unreadable {
        path: path.display().to_string(),
        message: err.to_string(),
    }
}

/// Opens `path` once, without waiting on a FIFO or a device, and refuses
/// anything that is not a regular file.
fn open_regular(path: &Path) -> Result<File, CaptureError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|err| unreadable(path, &err))?;
    let meta = file.metadata().map_err(|err| unreadable(path, &err))?;
    if !meta.is_file() {
        return Err(CaptureError::NotAFile {
            path: path.display().to_string(),
        });
    }
    Ok(file)
}

/// Fills `buf` as far as the file goes; how many bytes that was.
fn read_up_to(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match reader.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(got)
}
