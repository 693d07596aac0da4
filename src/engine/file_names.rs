//! Which file a client's request names, if any: only regular files inside the
//! shared folder. The tutorial's server opened whatever path it was sent; this
//! refuses `..`, absolute paths, drive letters, backslashes and NUL bytes before
//! anything is opened. Symlinks and special files are refused when the file is
//! opened, on the handle (`engine::file_server::SharedFolder`).

use std::io;
use std::path::{Path, PathBuf};

/// The tutorial's client sends the name in one `send`, read with `recv(1024)`.
pub const MAX_NAME_BYTES: usize = 1024;

/// Why a request gets nothing back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    NotFound,
    /// A folder.
    NotAFile,
    /// A FIFO, device or socket: refused without waiting on it.
    SpecialFile,
    /// The name is a symlink or passes through one, wherever it points.
    Symlink,
    OutsideRoot,
    BadName(NameProblem),
    NoName,
    Busy {
        max: usize,
    },
    TooManyWaiting {
        max: usize,
    },
    Unreadable {
        message: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NameProblem {
    Empty,
    TooLong,
    NotUtf8,
    Absolute,
    DriveLetter,
    Backslash,
    Nul,
    DotDot,
}

/// The name as text: UTF-8, at most [`MAX_NAME_BYTES`], without the line end a
/// user of `nc` types after it.
pub fn name_from_bytes(bytes: &[u8]) -> Result<&str, NameProblem> {
    if bytes.len() > MAX_NAME_BYTES {
        return Err(NameProblem::TooLong);
    }
    let name = std::str::from_utf8(bytes).map_err(|_| NameProblem::NotUtf8)?;
    Ok(name.trim_end_matches(['\r', '\n']))
}

/// Checks the name's form: a relative path with `/` between folders.
pub fn check_name(name: &str) -> Result<(), NameProblem> {
    if name.is_empty() {
        return Err(NameProblem::Empty);
    }
    if name.contains('\0') {
        return Err(NameProblem::Nul);
    }
    if name.contains('\\') {
        return Err(NameProblem::Backslash);
    }
    let bytes = name.as_bytes();
    if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        return Err(NameProblem::DriveLetter);
    }
    if name.starts_with('/') {
        return Err(NameProblem::Absolute);
    }
    if name.split('/').any(|part| part == "..") {
        return Err(NameProblem::DotDot);
    }
    Ok(())
}

/// The shared folder, resolved once (symlinks and `..` gone), for display and,
/// on Windows, to compare each opened file's final path against.
pub fn canonical_root(root: &Path) -> io::Result<PathBuf> {
    let root = root.canonicalize()?;
    if !root.is_dir() {
        return Err(io::Error::new(io::ErrorKind::NotADirectory, "not a folder"));
    }
    Ok(root)
}

/// The tutorial saves a download as "recv" + the file's name (its last part).
pub fn default_save_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    format!("recv{base}")
}
