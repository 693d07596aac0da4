//! Which names the file server accepts, and which files they open inside the shared folder.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use netdbg::engine::file_names::{
    MAX_NAME_BYTES, canonical_root, check_name, default_save_name, name_from_bytes,
};
use netdbg::engine::file_server::SharedFolder;
use netdbg::engine::{NameProblem, Refusal};

/// A folder under the system temp dir, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(label: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "netdbg-names-{}-{}-{label}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        fs::create_dir_all(&path).expect("create scratch folder");
        Scratch(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[test]
fn relative_names_pass_the_check() {
    for name in [
        "a.txt",
        "sub/a.txt",
        "./a.txt",
        "a..b",
        "..a",
        "a/..b/c",
        "中文 名字.txt",
        "C",
    ] {
        assert_eq!(check_name(name), Ok(()), "{name:?}");
    }
}

#[test]
fn names_that_could_leave_the_folder_fail_the_check() {
    let cases = [
        ("", NameProblem::Empty),
        ("a\0b", NameProblem::Nul),
        ("a\\b", NameProblem::Backslash),
        ("..\\secret", NameProblem::Backslash),
        // The backslash is checked first; either way it is refused.
        ("C:\\x", NameProblem::Backslash),
        ("C:x", NameProblem::DriveLetter),
        ("c:/x", NameProblem::DriveLetter),
        ("/etc/passwd", NameProblem::Absolute),
        ("//server/share", NameProblem::Absolute),
        ("..", NameProblem::DotDot),
        ("../secret", NameProblem::DotDot),
        ("sub/../../x", NameProblem::DotDot),
        ("sub/..", NameProblem::DotDot),
    ];
    for (name, problem) in cases {
        assert_eq!(check_name(name), Err(problem), "{name:?}");
    }
}

#[test]
fn bytes_become_a_name_without_the_line_end() {
    assert_eq!(name_from_bytes(b"a.txt"), Ok("a.txt"));
    assert_eq!(name_from_bytes(b"a.txt\r\n"), Ok("a.txt"));
    assert_eq!(name_from_bytes(b"a.txt\n\n"), Ok("a.txt"));
    assert_eq!(
        name_from_bytes(b"\na.txt"),
        Ok("\na.txt"),
        "only the end is trimmed"
    );
    assert_eq!(name_from_bytes("中文.txt".as_bytes()), Ok("中文.txt"));
    assert_eq!(name_from_bytes(b""), Ok(""));
}

#[test]
fn bytes_that_are_too_long_or_not_utf8_are_refused() {
    let longest = vec![b'a'; MAX_NAME_BYTES];
    assert_eq!(name_from_bytes(&longest).map(str::len), Ok(MAX_NAME_BYTES));
    let too_long = vec![b'a'; MAX_NAME_BYTES + 1];
    assert_eq!(name_from_bytes(&too_long), Err(NameProblem::TooLong));
    assert_eq!(name_from_bytes(b"\xff\xfea"), Err(NameProblem::NotUtf8));
    // Half of "中": a name cut inside a character is not UTF-8 either.
    assert_eq!(name_from_bytes(b"\xe4\xb8"), Err(NameProblem::NotUtf8));
}

/// root/{a.txt, sub/b.txt}, plus a secret beside root.
fn shared_folder(label: &str) -> (Scratch, PathBuf, SharedFolder) {
    let scratch = Scratch::new(label);
    let root = scratch.path().join("root");
    fs::create_dir_all(root.join("sub")).expect("mkdir");
    fs::write(root.join("a.txt"), b"a").expect("write");
    fs::write(root.join("sub/b.txt"), b"b").expect("write");
    fs::write(scratch.path().join("secret"), b"secret").expect("write");
    let folder = SharedFolder::open(&root).expect("root is a folder");
    let root = folder.path().to_path_buf();
    (scratch, root, folder)
}

/// The bytes of the file `name` opens, or why it is refused.
fn contents(folder: &SharedFolder, name: &str) -> Result<Vec<u8>, Refusal> {
    let mut opened = folder.open_file(name)?;
    let mut bytes = Vec::new();
    opened.file.read_to_end(&mut bytes).expect("read");
    assert_eq!(
        opened.size,
        bytes.len() as u64,
        "{name}: the size is the file's"
    );
    Ok(bytes)
}

#[test]
fn names_open_files_inside_the_root() {
    let (_scratch, _root, folder) = shared_folder("inside");
    assert_eq!(contents(&folder, "a.txt"), Ok(b"a".to_vec()));
    assert_eq!(contents(&folder, "./a.txt"), Ok(b"a".to_vec()));
    assert_eq!(contents(&folder, "sub/b.txt"), Ok(b"b".to_vec()));
    assert_eq!(contents(&folder, "sub//b.txt"), Ok(b"b".to_vec()));
    assert_eq!(contents(&folder, "sub/./b.txt"), Ok(b"b".to_vec()));
}

#[test]
fn missing_names_folders_and_traversal_are_refused() {
    let (_scratch, root, folder) = shared_folder("refused");
    assert_eq!(contents(&folder, "missing.txt"), Err(Refusal::NotFound));
    assert_eq!(contents(&folder, "a.txt/x"), Err(Refusal::NotFound));
    assert_eq!(contents(&folder, "sub"), Err(Refusal::NotAFile));
    assert_eq!(contents(&folder, "."), Err(Refusal::NotAFile));
    assert_eq!(
        contents(&folder, "../secret"),
        Err(Refusal::BadName(NameProblem::DotDot))
    );
    let absolute = root.parent().expect("root has a parent").join("secret");
    let absolute = absolute.to_str().expect("temp dir is UTF-8");
    assert_eq!(
        contents(&folder, absolute),
        Err(Refusal::BadName(NameProblem::Absolute))
    );
    assert_eq!(
        contents(&folder, ""),
        Err(Refusal::BadName(NameProblem::Empty))
    );
    // One part longer than any file system allows.
    let long = "x".repeat(300);
    assert_eq!(contents(&folder, &long), Err(Refusal::NotFound));
}

/// A symlink is refused wherever it is in the name and wherever it points: the
/// file is opened below the folder's handle without following any.
#[cfg(unix)]
#[test]
fn symlinks_are_refused_even_inside_the_root() {
    use std::os::unix::fs::symlink;
    let (scratch, root, folder) = shared_folder("links");
    symlink(scratch.path().join("secret"), root.join("out")).expect("symlink");
    symlink(scratch.path(), root.join("outdir")).expect("symlink");
    symlink(root.join("sub/b.txt"), root.join("in")).expect("symlink");
    symlink("b.txt", root.join("sub/relative")).expect("symlink");
    symlink(root.join("sub"), root.join("indir")).expect("symlink");
    symlink(root.join("nowhere"), root.join("dangling")).expect("symlink");
    for name in [
        "out",
        "outdir/secret",
        "in",
        "sub/relative",
        "indir/b.txt",
        "dangling",
    ] {
        assert_eq!(contents(&folder, name), Err(Refusal::Symlink), "{name}");
    }
    // What the links point at inside is still served by its own name.
    assert_eq!(contents(&folder, "sub/b.txt"), Ok(b"b".to_vec()));
}

/// FIFOs and sockets are opened without blocking and refused by their type.
#[cfg(unix)]
#[test]
fn special_files_are_refused_without_waiting() {
    let (_scratch, root, folder) = shared_folder("special");
    rustix::fs::mkfifoat(rustix::fs::CWD, root.join("fifo"), rustix::fs::Mode::RUSR)
        .expect("mkfifo");
    let _socket = std::os::unix::net::UnixListener::bind(root.join("sock")).expect("socket");
    // No one writes to the FIFO: a blocking open would never return.
    assert_eq!(contents(&folder, "fifo"), Err(Refusal::SpecialFile));
    assert_eq!(contents(&folder, "sock"), Err(Refusal::SpecialFile));
}

#[test]
fn the_root_must_be_an_existing_folder() {
    let (scratch, root, _folder) = shared_folder("root");
    assert!(root.is_absolute());
    assert!(canonical_root(&scratch.path().join("secret")).is_err());
    assert!(canonical_root(&scratch.path().join("missing")).is_err());
    assert!(SharedFolder::open(&scratch.path().join("secret")).is_err());
    assert!(SharedFolder::open(&scratch.path().join("missing")).is_err());
    // `..` inside the root's own path is resolved away.
    let roundabout = root.join("sub").join("..");
    assert_eq!(canonical_root(&roundabout).expect("folder"), root);
}

#[test]
fn downloads_are_saved_as_recv_and_the_last_part() {
    assert_eq!(default_save_name("a.txt"), "recva.txt");
    assert_eq!(default_save_name("sub/a.txt"), "recva.txt");
    assert_eq!(default_save_name("x/y/中文.txt"), "recv中文.txt");
    assert_eq!(default_save_name("dir\\b.txt"), "recvb.txt");
}
