//! Names a file-server client may send, as raw bytes: no panic, the name checks agree
//! with the resolver, and nothing resolves outside the shared folder, not even
//! through the symlinks planted in it. The resolver only looks (it never creates):
//! the sole files are the fixture made once below, in the system temp dir.

#![no_main]

use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use netdbg::engine::file_names::{MAX_NAME_BYTES, check_name, name_from_bytes};
use netdbg::engine::file_server::SharedFolder;
use netdbg::engine::{NameProblem, Refusal};

struct Fixture {
    /// The shared folder, open as the server holds it.
    folder: SharedFolder,
}

/// What the regular files inside the folder hold; the one outside holds "secret".
const INSIDE: [&[u8]; 2] = [b"a", b"b"];

/// One fixed folder, so parallel jobs and repeated runs share it instead of
/// leaving a folder per process behind.
fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let base = std::env::temp_dir().join("netdbg-fuzz-file-name");
        let root = base.join("shared");
        let outside = base.join("outside");
        fs::create_dir_all(root.join("sub/deeper")).expect("create the shared folder");
        fs::create_dir_all(&outside).expect("create the outside folder");
        fs::write(root.join("a.txt"), b"a").expect("write a.txt");
        fs::write(root.join("sub/b.txt"), b"b").expect("write sub/b.txt");
        fs::write(outside.join("secret.txt"), b"secret").expect("write secret.txt");
        #[cfg(unix)]
        for (link, target) in [
            ("escape", outside.clone()),
            ("secret", outside.join("secret.txt")),
            ("sub/up", PathBuf::from("..")),
            (
                "sub/relative_escape",
                PathBuf::from("../../outside/secret.txt"),
            ),
            ("inside", PathBuf::from("a.txt")),
            ("dangling", PathBuf::from("nowhere")),
            ("loop", PathBuf::from("loop")),
        ] {
            // Already there from an earlier run or a parallel job: fine.
            match std::os::unix::fs::symlink(target, root.join(link)) {
                Err(err) if err.kind() != std::io::ErrorKind::AlreadyExists => {
                    panic!("plant the symlink {link}: {err}")
                }
                _ => {}
            }
        }
        Fixture {
            folder: SharedFolder::open(&root).expect("open the shared folder"),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let fixture = fixture();
    let name = match name_from_bytes(data) {
        Ok(name) => name,
        Err(NameProblem::TooLong) => return assert!(data.len() > MAX_NAME_BYTES),
        Err(NameProblem::NotUtf8) => return assert!(std::str::from_utf8(data).is_err()),
        Err(other) => panic!("name_from_bytes only checks size and UTF-8, got {other:?}"),
    };
    assert!(!name.ends_with(['\r', '\n']));

    let opened = fixture.folder.open_file(name);
    match check_name(name) {
        Err(problem) => assert_eq!(
            opened.map(|file| file.size),
            Err(Refusal::BadName(problem))
        ),
        Ok(()) => {
            // The check alone keeps a name below the root, whatever is on disk.
            assert!(
                Path::new(name)
                    .components()
                    .all(|c| matches!(c, Component::Normal(_) | Component::CurDir)),
                "{name:?} passed the check"
            );
            match opened {
                // Opened by handle below the folder: one of its own regular files,
                // never the secret a symlink points to.
                Ok(mut opened) => {
                    let mut content = Vec::new();
                    opened.file.read_to_end(&mut content).expect("read");
                    assert!(INSIDE.contains(&&content[..]), "{name:?} -> {content:?}");
                    assert_eq!(opened.size, content.len() as u64);
                }
                Err(
                    Refusal::NotFound
                    | Refusal::NotAFile
                    | Refusal::SpecialFile
                    | Refusal::Symlink
                    | Refusal::OutsideRoot
                    | Refusal::Unreadable { .. },
                ) => {}
                Err(other) => panic!("{name:?}: opening cannot refuse with {other:?}"),
            }
        }
    }
});
