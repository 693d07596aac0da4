//! The kinds of transfer measured: who sends, who receives, and what the receiver does
//! with the bytes.

use clap::builder::PossibleValue;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Netdbg,
    SendfileRef,
    PlainSha,
    PlainWrite,
    PlainAll,
    CopyRef,
    NcListen,
    NcClient,
    Python,
    PythonTutorialBuf,
}

pub const ALL_KINDS: [Kind; 10] = [
    Kind::Netdbg,
    Kind::SendfileRef,
    Kind::PlainSha,
    Kind::PlainWrite,
    Kind::PlainAll,
    Kind::CopyRef,
    Kind::NcListen,
    Kind::NcClient,
    Kind::Python,
    Kind::PythonTutorialBuf,
];

/// Who sends the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sender {
    /// `FileServer` in the child (sendfile on Linux).
    Netdbg,
    /// `io::copy` file → socket in the child, the file's descriptor hidden so std cannot
    /// turn it into sendfile.
    Copy,
    /// `nc -N -l 127.0.0.1 PORT < file`, started per run.
    Nc,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Netdbg => "netdbg",
            Kind::SendfileRef => "sendfile-ref",
            Kind::PlainSha => "plain+sha",
            Kind::PlainWrite => "plain+write",
            Kind::PlainAll => "plain+all",
            Kind::CopyRef => "copy-ref",
            Kind::NcListen => "nc-l-ref",
            Kind::NcClient => "nc-N",
            Kind::Python => "python-1MiB",
            Kind::PythonTutorialBuf => "python-1KiB",
        }
    }

    pub fn what(self) -> &'static str {
        match self {
            Kind::Netdbg => "netdbg server → netdbg Download (.part on disk, SHA-256, rename)",
            Kind::SendfileRef => "netdbg server (sendfile) → plain client, reads discarded",
            Kind::PlainSha => "netdbg server → plain client, reads + SHA-256, no write",
            Kind::PlainWrite => "netdbg server → plain client, reads + write to disk, no hash",
            Kind::PlainAll => {
                "netdbg server → plain client, reads + write + SHA-256 (the downloader's loop, \
                 no engine)"
            }
            Kind::CopyRef => "io::copy server (8 KiB, no sendfile) → plain client, discarded",
            Kind::NcListen => "nc -N -l < file → plain client, discarded",
            Kind::NcClient => "netdbg server → nc -N > file (disk)",
            Kind::Python => "netdbg server → tutorial Python client, loop fixed, recv(1048576)",
            Kind::PythonTutorialBuf => {
                "netdbg server → tutorial Python client, loop fixed, tutorial's recv(1024)"
            }
        }
    }

    pub fn sender(self) -> Sender {
        match self {
            Kind::CopyRef => Sender::Copy,
            Kind::NcListen => Sender::Nc,
            _ => Sender::Netdbg,
        }
    }

    /// The client runs in this process, so its peak RSS is ours.
    pub fn client_in_process(self) -> bool {
        !matches!(
            self,
            Kind::NcClient | Kind::Python | Kind::PythonTutorialBuf
        )
    }

    pub fn needs_nc(self) -> bool {
        matches!(self, Kind::NcListen | Kind::NcClient)
    }

    pub fn needs_python(self) -> bool {
        matches!(self, Kind::Python | Kind::PythonTutorialBuf)
    }
}

/// `--kinds` takes the labels.
impl clap::ValueEnum for Kind {
    fn value_variants<'a>() -> &'a [Self] {
        &ALL_KINDS
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.label()).help(self.what()))
    }
}
