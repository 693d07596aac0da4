//! Names a file-server client may send, as raw bytes: no panic, the name checks agree
//! with the resolver, and nothing resolves outside the shared folder, not even
//! through the symlinks planted in it. The resolver only looks (it never creates):
//! the sole files are the fixture made once below, in the system temp dir.

#![no_main]

use std::fs;
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use netdbg::engine::file_names::{
    MAX_NAME_BYTES, canonical_root, check_name, name_from_bytes, resolve,
};
use netdbg::engine::{NameProblem, Refusal};

struct Fixture {
    /// The shared folder, canonical as the server holds it.
    root: PathBuf,
    /// A folder beside it that symlinks inside the root point into.
    outside: PathBuf,
}

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
            root: canonical_root(&root).expect("canonical root"),
            outside: outside.canonicalize().expect("canonical outside"),
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

    let resolved = resolve(&fixture.root, name);
    match check_name(name) {
        Err(problem) => assert_eq!(resolved, Err(Refusal::BadName(problem))),
        Ok(()) => {
            // The check alone keeps a name below the root, whatever is on disk.
            assert!(
                Path::new(name)
                    .components()
                    .all(|c| matches!(c, Component::Normal(_) | Component::CurDir)),
                "{name:?} passed the check"
            );
            match resolved {
                Ok(path) => {
                    assert!(path.starts_with(&fixture.root), "{name:?} -> {path:?}");
                    assert!(!path.starts_with(&fixture.outside), "{name:?} -> {path:?}");
                    assert!(path.is_file(), "{name:?} -> {path:?}");
                }
                Err(
                    Refusal::NotFound
                    | Refusal::NotAFile
                    | Refusal::OutsideRoot
                    | Refusal::Unreadable { .. },
                ) => {}
                Err(other) => panic!("{name:?}: resolve cannot refuse with {other:?}"),
            }
        }
    }
});
