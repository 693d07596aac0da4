//! Windows has no `openat`: the file is opened by path, then the handle's final
//! path (every link and junction resolved by the system) must be exactly the
//! folder's final path plus the requested parts. A link anywhere on the way, into
//! the folder or out of it, makes the two differ. The check is made on the handle
//! the bytes are then sent from, so nothing can be swapped in between.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::windows::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use windows_sys::Win32::Storage::FileSystem::{
    FILE_FLAG_BACKUP_SEMANTICS, FILE_SHARE_READ, FILE_SHARE_WRITE,
};

use super::OpenedFile;
use crate::engine::file_names::Refusal;

#[derive(Debug)]
pub(super) struct RootHandle {
    /// Held without `FILE_SHARE_DELETE`: the folder cannot be renamed or removed
    /// while it is served, so its final path stays the one taken at the start.
    _dir: File,
    path: PathBuf,
    final_path: String,
}

impl RootHandle {
    pub(super) fn open(path: &Path) -> io::Result<Self> {
        let dir = OpenOptions::new()
            .read(true)
            .share_mode(FILE_SHARE_READ | FILE_SHARE_WRITE)
            // Needed to open a folder at all.
            .custom_flags(FILE_FLAG_BACKUP_SEMANTICS)
            .open(path)?;
        let final_path = final_path::of(&dir)?;
        Ok(RootHandle {
            _dir: dir,
            path: path.to_path_buf(),
            final_path,
        })
    }

    pub(super) fn open_file(&self, parts: &[&str]) -> Result<OpenedFile, Refusal> {
        // A Windows file name has no `:`; after one comes an alternate data stream.
        if parts.iter().any(|part| part.contains(':')) {
            return Err(Refusal::NotFound);
        }
        // `canonical_root` gave a `\\?\` path, so a part like `CON` names a file,
        // not the console.
        let mut path = self.path.clone();
        path.extend(parts);
        let file = File::open(&path).map_err(|err| open_failed(&err, &path))?;
        let got = final_path::of(&file).map_err(|err| unreadable(&err))?;
        let mut expected = self.final_path.clone();
        for part in parts {
            expected.push('\\');
            expected.push_str(part);
        }
        if !same_path(&got, &expected) {
            let mut folder = self.final_path.clone();
            folder.push('\\');
            return Err(if starts_with(&got, &folder) {
                Refusal::Symlink
            } else {
                Refusal::OutsideRoot
            });
        }
        let meta = file.metadata().map_err(|err| unreadable(&err))?;
        if meta.is_dir() {
            return Err(Refusal::NotAFile);
        }
        if !meta.is_file() {
            return Err(Refusal::SpecialFile);
        }
        Ok(OpenedFile {
            size: meta.len(),
            file,
        })
    }
}

fn open_failed(err: &io::Error, path: &Path) -> Refusal {
    match err.kind() {
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory | io::ErrorKind::InvalidFilename => {
            Refusal::NotFound
        }
        // A folder cannot be opened as a file; this second look only picks the message.
        io::ErrorKind::PermissionDenied
            if std::fs::symlink_metadata(path).is_ok_and(|meta| meta.is_dir()) =>
        {
            Refusal::NotAFile
        }
        _ => unreadable(err),
    }
}

fn unreadable(err: &io::Error) -> Refusal {
    Refusal::Unreadable {
        message: err.to_string(),
    }
}

/// Names on NTFS ignore case (the final path has the case on disk, the request
/// the case the client typed).
fn same_path(a: &str, b: &str) -> bool {
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

fn starts_with(path: &str, prefix: &str) -> bool {
    let mut path = path.chars().flat_map(char::to_lowercase);
    prefix
        .chars()
        .flat_map(char::to_lowercase)
        .all(|wanted| path.next() == Some(wanted))
}

/// The one call std does not offer.
#[allow(unsafe_code)]
mod final_path {
    use std::fs::File;
    use std::io;
    use std::os::windows::io::AsRawHandle;

    use windows_sys::Win32::Storage::FileSystem::{
        FILE_NAME_NORMALIZED, GetFinalPathNameByHandleW, VOLUME_NAME_DOS,
    };

    /// The path the system reached the open file by, as `\\?\C:\…`.
    pub(super) fn of(file: &File) -> io::Result<String> {
        let mut buf = vec![0u16; 512];
        loop {
            let capacity = u32::try_from(buf.len()).unwrap_or(u32::MAX);
            // SAFETY: the handle stays open for the call (borrowed from `file`), and
            // `buf` is valid for `capacity` u16s, the most the call writes.
            let len = unsafe {
                GetFinalPathNameByHandleW(
                    file.as_raw_handle(),
                    buf.as_mut_ptr(),
                    capacity,
                    FILE_NAME_NORMALIZED | VOLUME_NAME_DOS,
                )
            };
            let len = len as usize;
            if len == 0 {
                return Err(io::Error::last_os_error());
            }
            if len < buf.len() {
                buf.truncate(len);
                return String::from_utf16(&buf)
                    .map_err(|err| io::Error::new(io::ErrorKind::InvalidData, err));
            }
            // Too small: `len` is the size needed, with its NUL.
            buf.resize(len, 0);
        }
    }
}
