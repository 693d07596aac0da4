//! Opening a requested file exactly once, below a handle to the shared folder.
//!
//! Resolving a name to a path and opening that path afterwards loses a race: a
//! symlink swapped in between the two (renameat2 `RENAME_EXCHANGE` in a loop) sent
//! a file from outside the folder to one request in three. Here the folder is
//! opened once when the server starts, every request is opened relative to that
//! handle without following any symlink, and the bytes are sent from the handle
//! that was checked. Special files (FIFOs, devices, sockets) are opened
//! non-blocking and refused after `fstat`, so none can hold a thread in `open`.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use crate::engine::file_names::{self, Refusal};

#[cfg(windows)]
use super::open_windows as platform;

/// The shared folder, held open while the server runs.
#[derive(Debug)]
pub struct SharedFolder {
    /// Resolved once at the start, for display (and on Windows for the check).
    path: PathBuf,
    #[cfg(unix)]
    dir: std::os::fd::OwnedFd,
    #[cfg(windows)]
    dir: platform::RootHandle,
}

/// A regular file inside the shared folder, open for reading.
#[derive(Debug)]
pub struct OpenedFile {
    pub file: File,
    pub size: u64,
}

impl SharedFolder {
    /// Opens `root` (which may itself be or pass through a symlink: the user chose
    /// it). Fails when it is missing or not a folder.
    pub fn open(root: &Path) -> io::Result<Self> {
        let path = file_names::canonical_root(root)?;
        #[cfg(unix)]
        {
            use rustix::fs::{Mode, OFlags};
            let dir = rustix::fs::open(
                &path,
                OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
                Mode::empty(),
            )?;
            Ok(SharedFolder { path, dir })
        }
        #[cfg(windows)]
        {
            let dir = platform::RootHandle::open(&path)?;
            Ok(SharedFolder { path, dir })
        }
    }

    /// The folder as resolved when it was opened.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Opens the regular file `name` names inside the folder, following no
    /// symlink on the way (even one that points back inside).
    pub fn open_file(&self, name: &str) -> Result<OpenedFile, Refusal> {
        file_names::check_name(name).map_err(Refusal::BadName)?;
        // `check_name` let no `..` through; empty parts and `.` name no folder.
        let parts: Vec<&str> = name
            .split('/')
            .filter(|part| !part.is_empty() && *part != ".")
            .collect();
        #[cfg(unix)]
        {
            unix::open_beneath(&self.dir, &parts)
        }
        #[cfg(windows)]
        {
            self.dir.open_file(&parts)
        }
    }
}

#[cfg(unix)]
pub(crate) mod unix {
    use std::fs::File;
    use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

    use rustix::fs::{AtFlags, FileType, Mode, OFlags};
    use rustix::io::Errno;

    use super::OpenedFile;
    use crate::engine::file_names::Refusal;

    /// Never blocks (a FIFO with no writer, a device), never becomes our terminal.
    const FILE_FLAGS: OFlags = OFlags::RDONLY
        .union(OFlags::NONBLOCK)
        .union(OFlags::CLOEXEC)
        .union(OFlags::NOCTTY)
        .union(OFlags::NOFOLLOW);
    const DIR_FLAGS: OFlags = OFlags::RDONLY
        .union(OFlags::DIRECTORY)
        .union(OFlags::CLOEXEC)
        .union(OFlags::NOFOLLOW);

    pub(super) fn open_beneath(root: &OwnedFd, parts: &[&str]) -> Result<OpenedFile, Refusal> {
        #[cfg(target_os = "linux")]
        if let Some(opened) = linux::open_in_one_call(root.as_fd(), parts) {
            return checked(opened.map_err(|errno| refusal(errno, root.as_fd(), parts))?);
        }
        checked(walk(root.as_fd(), parts)?)
    }

    /// One `openat` per part: folders with `O_DIRECTORY`, all with `O_NOFOLLOW`, so
    /// a symlink anywhere ends the walk. What other Unixes have, and Linux's
    /// fallback when `openat2` is missing (before 5.6, or blocked by a sandbox).
    pub(crate) fn walk(root: BorrowedFd<'_>, parts: &[&str]) -> Result<OwnedFd, Refusal> {
        let Some((last, folders)) = parts.split_last() else {
            // The folder itself: opened to be refused as a folder.
            return rustix::fs::openat(root, ".", FILE_FLAGS, Mode::empty())
                .map_err(|errno| refusal(errno, root, parts));
        };
        let mut here: Option<OwnedFd> = None;
        for (depth, folder) in folders.iter().enumerate() {
            let at = here.as_ref().map_or(root, AsFd::as_fd);
            let next = rustix::fs::openat(at, *folder, DIR_FLAGS, Mode::empty())
                .map_err(|errno| refusal(errno, root, &parts[..=depth]))?;
            here = Some(next);
        }
        let at = here.as_ref().map_or(root, AsFd::as_fd);
        rustix::fs::openat(at, *last, FILE_FLAGS, Mode::empty())
            .map_err(|errno| refusal(errno, root, parts))
    }

    /// Regular files only; the open handle is what is checked and what is sent.
    pub(super) fn checked(fd: OwnedFd) -> Result<OpenedFile, Refusal> {
        let stat = rustix::fs::fstat(&fd).map_err(|errno| unreadable(errno.into()))?;
        match FileType::from_raw_mode(stat.st_mode) {
            FileType::RegularFile => {}
            FileType::Directory => return Err(Refusal::NotAFile),
            _ => return Err(Refusal::SpecialFile),
        }
        // Non-blocking was only for the open: a read from a slow disk should wait,
        // not fail with EAGAIN half-way through a transfer.
        let flags = rustix::fs::fcntl_getfl(&fd).map_err(|errno| unreadable(errno.into()))?;
        rustix::fs::fcntl_setfl(&fd, flags - OFlags::NONBLOCK)
            .map_err(|errno| unreadable(errno.into()))?;
        Ok(OpenedFile {
            file: File::from(fd),
            size: u64::try_from(stat.st_size).unwrap_or(0),
        })
    }

    /// Why opening `parts` below `root` failed, in the words the log uses.
    fn refusal(errno: Errno, root: BorrowedFd<'_>, parts: &[&str]) -> Refusal {
        match errno {
            // O_NOFOLLOW on a symlink: ELOOP on Linux and macOS, EMLINK on FreeBSD.
            Errno::LOOP | Errno::MLINK => Refusal::Symlink,
            // RESOLVE_BENEATH: the path would have left the folder.
            Errno::XDEV => Refusal::OutsideRoot,
            // O_DIRECTORY|O_NOFOLLOW on a symlink says ENOTDIR: look again so the
            // log says "symlink". Only the message depends on this second look.
            Errno::NOTDIR if is_symlink(root, parts) => Refusal::Symlink,
            Errno::NOENT | Errno::NOTDIR | Errno::NAMETOOLONG => Refusal::NotFound,
            // Opening a Unix socket: ENXIO on Linux, EOPNOTSUPP on the BSDs and macOS.
            Errno::NXIO | Errno::OPNOTSUPP => Refusal::SpecialFile,
            other => unreadable(other.into()),
        }
    }

    /// Whether one of `parts` (walked without following links) is a symlink.
    fn is_symlink(root: BorrowedFd<'_>, parts: &[&str]) -> bool {
        let mut here: Option<OwnedFd> = None;
        for part in parts {
            let at = here.as_ref().map_or(root, AsFd::as_fd);
            match rustix::fs::statat(at, *part, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(stat) if FileType::from_raw_mode(stat.st_mode) == FileType::Symlink => {
                    return true;
                }
                Ok(_) => {}
                Err(_) => return false,
            }
            match rustix::fs::openat(at, *part, DIR_FLAGS, Mode::empty()) {
                Ok(next) => here = Some(next),
                Err(_) => return false,
            }
        }
        false
    }

    fn unreadable(err: std::io::Error) -> Refusal {
        Refusal::Unreadable {
            message: err.to_string(),
        }
    }

    #[cfg(target_os = "linux")]
    mod linux {
        use std::os::fd::{BorrowedFd, OwnedFd};
        use std::sync::atomic::{AtomicBool, Ordering};

        use rustix::fs::{Mode, ResolveFlags};
        use rustix::io::Errno;

        use super::FILE_FLAGS;

        /// Set once `openat2` turned out to be missing, so later requests walk at once.
        static MISSING: AtomicBool = AtomicBool::new(false);
        /// `openat2` says EAGAIN when a rename raced its lookup; it is safe to retry.
        const RETRIES: usize = 4;

        /// The whole path in one call that the kernel keeps below `root` and that
        /// fails on any symlink; `None` when the kernel has no `openat2`.
        pub(super) fn open_in_one_call(
            root: BorrowedFd<'_>,
            parts: &[&str],
        ) -> Option<Result<OwnedFd, Errno>> {
            if MISSING.load(Ordering::Relaxed) {
                return None;
            }
            let path = if parts.is_empty() {
                ".".to_owned()
            } else {
                parts.join("/")
            };
            let resolve =
                ResolveFlags::BENEATH | ResolveFlags::NO_SYMLINKS | ResolveFlags::NO_MAGICLINKS;
            let mut tries = 0;
            loop {
                match rustix::fs::openat2(root, &path, FILE_FLAGS, Mode::empty(), resolve) {
                    // ENOSYS: before Linux 5.6. EPERM: a seccomp filter (older
                    // container runtimes) that does not know the call.
                    Err(Errno::NOSYS | Errno::PERM) => {
                        MISSING.store(true, Ordering::Relaxed);
                        return None;
                    }
                    Err(Errno::AGAIN | Errno::INTR) if tries < RETRIES => tries += 1,
                    other => return Some(other),
                }
            }
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::fs;
    use std::io::Read;
    use std::os::fd::AsFd;
    use std::os::unix::fs::symlink;

    use super::*;

    /// The component walk (Linux's fallback, other Unixes' only way) on its own.
    #[test]
    fn the_walk_opens_files_and_refuses_links_and_special_files() {
        let base = std::env::temp_dir().join(format!("netdbg-open-walk-{}", std::process::id()));
        let root = base.join("root");
        fs::create_dir_all(root.join("sub")).expect("mkdir");
        fs::write(root.join("sub/a.txt"), b"inside").expect("write");
        fs::write(base.join("secret"), b"secret").expect("write");
        symlink(root.join("sub/a.txt"), root.join("in")).expect("symlink");
        symlink(root.join("sub"), root.join("subdir")).expect("symlink");
        symlink(base.join("secret"), root.join("sub/out")).expect("symlink");
        rustix::fs::mkfifoat(rustix::fs::CWD, root.join("fifo"), rustix::fs::Mode::RUSR)
            .expect("mkfifo");
        let folder = SharedFolder::open(&root).expect("open the root");

        let walk = |parts: &[&str]| unix::walk(folder.dir.as_fd(), parts);
        let mut text = String::new();
        File::from(walk(&["sub", "a.txt"]).expect("a regular file"))
            .read_to_string(&mut text)
            .expect("read");
        assert_eq!(text, "inside");
        assert_eq!(walk(&["in"]).err(), Some(Refusal::Symlink));
        assert_eq!(walk(&["subdir", "a.txt"]).err(), Some(Refusal::Symlink));
        assert_eq!(walk(&["sub", "out"]).err(), Some(Refusal::Symlink));
        assert_eq!(walk(&["sub", "missing"]).err(), Some(Refusal::NotFound));
        assert_eq!(walk(&["sub", "a.txt", "x"]).err(), Some(Refusal::NotFound));
        // Opened without blocking (no writer), then refused by type.
        let fifo = walk(&["fifo"]).expect("a FIFO opens non-blocking");
        assert_eq!(unix::checked(fifo).err(), Some(Refusal::SpecialFile));
        let dir = walk(&[]).expect("the folder itself");
        assert_eq!(unix::checked(dir).err(), Some(Refusal::NotAFile));
        let _ = fs::remove_dir_all(&base);
    }
}
