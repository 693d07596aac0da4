//! Which file a client's request names, if any: only regular files inside the
//! shared folder. The tutorial's server opened whatever path it was sent; this
//! refuses `..`, absolute paths, drive letters, backslashes, NUL bytes and
//! symlinks that lead outside, before anything is opened.

use std::io;
use std::path::{Component, Path, PathBuf};

/// The tutorial's client sends the name in one `send`, read with `recv(1024)`.
pub const MAX_NAME_BYTES: usize = 1024;

/// Why a request gets nothing back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("no such file")]
    NotFound,
    #[error("not a regular file")]
    NotAFile,
    #[error("outside the shared folder")]
    OutsideRoot,
    #[error("bad name: {0}")]
    BadName(NameProblem),
    #[error("no file name arrived")]
    NoName,
    #[error("too many transfers at once (max {max})")]
    Busy { max: usize },
    #[error("cannot read it: {message}")]
    Unreadable { message: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NameProblem {
    #[error("empty")]
    Empty,
    #[error("longer than {MAX_NAME_BYTES} bytes")]
    TooLong,
    #[error("not UTF-8")]
    NotUtf8,
    #[error("an absolute path")]
    Absolute,
    #[error("a drive letter")]
    DriveLetter,
    #[error("a backslash")]
    Backslash,
    #[error("a NUL byte")]
    Nul,
    #[error("a `..` component")]
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

/// The shared folder, resolved once (symlinks and `..` gone) so that every
/// request can be compared against it.
pub fn canonical_root(root: &Path) -> io::Result<PathBuf> {
    let root = root.canonicalize()?;
    if !root.is_dir() {
        return Err(io::Error::new(io::ErrorKind::NotADirectory, "not a folder"));
    }
    Ok(root)
}

/// The file `name` stands for inside `root` (which must come from [`canonical_root`]).
pub fn resolve(root: &Path, name: &str) -> Result<PathBuf, Refusal> {
    check_name(name).map_err(Refusal::BadName)?;
    let mut path = root.to_path_buf();
    for component in Path::new(name).components() {
        match component {
            Component::Normal(part) => path.push(part),
            Component::CurDir => {}
            // `check_name` let none of these through; refuse rather than trust that.
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => {
                return Err(Refusal::OutsideRoot);
            }
        }
    }
    // Symlinks are followed here, so a link pointing outside shows up as outside.
    let real = path.canonicalize().map_err(|err| match err.kind() {
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory => Refusal::NotFound,
        _ => Refusal::Unreadable {
            message: err.to_string(),
        },
    })?;
    if !real.starts_with(root) {
        return Err(Refusal::OutsideRoot);
    }
    if !real.is_file() {
        return Err(Refusal::NotAFile);
    }
    Ok(real)
}

/// The tutorial saves a download as "recv" + the file's name (its last part).
pub fn default_save_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    format!("recv{base}")
}
