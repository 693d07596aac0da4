//! The file server and downloader over loopback: against each other, against raw
//! `std::net` peers that misbehave, and against the tutorial's Python code.

use std::fs;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

mod file_support;

use file_support::*;
use netdbg::engine::file_download::part_path;
use netdbg::engine::file_names::{MAX_NAME_BYTES, default_save_name};
use netdbg::engine::{
    Download, DownloadError, DownloadEvent, EngineError, FileServerConfig, FileServerEvent,
    NameProblem, Refusal, no_waker,
};

#[test]
fn a_multi_mib_file_arrives_byte_for_byte() {
    let scratch = Scratch::new("big");
    let data = pseudo_random(8 * MIB, 1);
    fs::write(scratch.root().join("big.bin"), &data).expect("write");
    let (server, server_rx) = serve(scratch.root());
    let dest = scratch.dl().join(default_save_name("big.bin"));
    let (_download, rx) = download(request(server.local_addr().port(), "big.bin", &dest));

    match rx.recv_timeout(WAIT).expect("an event") {
        DownloadEvent::Connected { peer } => assert_eq!(peer, server.local_addr()),
        other => panic!("expected Connected first, got {other:?}"),
    }
    match outcome(&rx) {
        DownloadEvent::Done {
            path,
            bytes,
            sha256,
            ..
        } => {
            assert_eq!(path, dest);
            assert_eq!(bytes, data.len() as u64);
            assert_eq!(sha256, sha256_hex(&data));
        }
        other => panic!("expected Done, got {other:?}"),
    }
    assert!(
        fs::read(&dest).expect("saved") == data,
        "the saved bytes differ"
    );
    assert!(!part_path(&dest).exists(), "the .part is renamed away");

    let (started, ended) = started_and_ended(&server_rx);
    let FileServerEvent::Started { name, size, .. } = started else {
        unreachable!()
    };
    assert_eq!((name.as_str(), size), ("big.bin", data.len() as u64));
    assert!(
        matches!(ended, FileServerEvent::Done { sent, .. } if sent == data.len() as u64),
        "{ended:?}"
    );
    wait_for_idle(&server);
}

#[test]
fn a_file_in_a_subfolder_downloads() {
    let scratch = Scratch::new("sub");
    let data = pseudo_random(100_000, 2);
    fs::create_dir_all(scratch.root().join("sub")).expect("mkdir");
    fs::write(scratch.root().join("sub/a.bin"), &data).expect("write");
    let (server, server_rx) = serve(scratch.root());
    let dest = scratch.dl().join(default_save_name("sub/a.bin"));
    assert!(dest.ends_with("recva.bin"));
    let (_download, rx) = download(request(server.local_addr().port(), "sub/a.bin", &dest));
    assert!(
        matches!(outcome(&rx), DownloadEvent::Done { bytes: 100_000, .. }),
        "sub/a.bin downloads"
    );
    assert!(fs::read(&dest).expect("saved") == data);
    let (started, _) = started_and_ended(&server_rx);
    assert!(matches!(started, FileServerEvent::Started { name, .. } if name == "sub/a.bin"));
}

#[test]
fn a_missing_file_leaves_nothing_behind() {
    let scratch = Scratch::new("missing");
    let (server, server_rx) = serve(scratch.root());
    let dest = scratch.dl().join("recvnope.bin");
    let (_download, rx) = download(request(server.local_addr().port(), "nope.bin", &dest));
    assert_eq!(
        outcome(&rx),
        DownloadEvent::Failed(DownloadError::NotFound {
            name: "nope.bin".into()
        })
    );
    assert_nothing_on_disk(&dest);
    assert_eq!(
        next_refusal(&server_rx),
        ("nope.bin".into(), Refusal::NotFound)
    );
}

#[test]
fn traversal_gets_nothing_and_is_refused_with_the_reason() {
    let scratch = Scratch::new("traversal");
    let secret = b"TOP-SECRET-netdbg-must-never-send-this";
    // Where each traversal would land if it worked.
    fs::write(scratch.0.join("secret"), secret).expect("write");
    fs::write(scratch.0.join("x"), secret).expect("write");
    fs::create_dir_all(scratch.0.join("outside")).expect("mkdir");
    fs::write(scratch.0.join("outside/secret"), secret).expect("write");
    fs::create_dir_all(scratch.root().join("sub")).expect("mkdir");
    fs::write(scratch.root().join("ok.txt"), b"fine").expect("write");
    let (server, server_rx) = serve(scratch.root());
    let port = server.local_addr().port();

    // Symlink cases join on Unix only.
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut cases: Vec<(String, Refusal)> = vec![
        ("../secret".into(), Refusal::BadName(NameProblem::DotDot)),
        (
            "/etc/passwd".into(),
            Refusal::BadName(NameProblem::Absolute),
        ),
        (
            scratch.0.join("secret").to_string_lossy().into_owned(),
            Refusal::BadName(NameProblem::Absolute),
        ),
        ("sub/../../x".into(), Refusal::BadName(NameProblem::DotDot)),
        // The backslash is found before the drive letter; both are refusals.
        ("C:\\x".into(), Refusal::BadName(NameProblem::Backslash)),
        ("C:x".into(), Refusal::BadName(NameProblem::DriveLetter)),
        ("a\\b".into(), Refusal::BadName(NameProblem::Backslash)),
        (
            "..\\secret".into(),
            Refusal::BadName(NameProblem::Backslash),
        ),
        ("a\0b".into(), Refusal::BadName(NameProblem::Nul)),
        ("sub".into(), Refusal::NotAFile),
    ];
    // Symlinks are refused wherever they point, even back inside the folder: the
    // file is opened below the folder's handle without following any.
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        symlink(scratch.0.join("secret"), scratch.root().join("link")).expect("symlink");
        symlink(scratch.0.join("outside"), scratch.root().join("linkdir")).expect("symlink");
        symlink(scratch.root().join("ok.txt"), scratch.root().join("inlink")).expect("symlink");
        symlink(scratch.root().join("sub"), scratch.root().join("insub")).expect("symlink");
        fs::write(scratch.root().join("sub/in.txt"), b"inside").expect("write");
        cases.push(("link".into(), Refusal::Symlink));
        cases.push(("linkdir/secret".into(), Refusal::Symlink));
        cases.push(("inlink".into(), Refusal::Symlink));
        cases.push(("insub/in.txt".into(), Refusal::Symlink));
    }
    for (name, reason) in cases {
        let reply = raw_request(port, name.as_bytes())
            .unwrap_or_else(|err| panic!("{name:?}: expected a clean empty reply, got {err}"));
        assert!(reply.is_empty(), "{name:?} got {} bytes", reply.len());
        assert_eq!(next_refusal(&server_rx), (name.clone(), reason), "{name:?}");
    }
    // The server still serves what it should, and never started any other transfer.
    // The line end a user of `nc` types is not part of the name.
    assert_eq!(raw_request(port, b"ok.txt\r\n").expect("reply"), b"fine");
    let (started, _) = started_and_ended(&server_rx);
    assert!(matches!(started, FileServerEvent::Started { name, .. } if name == "ok.txt"));
    wait_for_idle(&server);
}

#[test]
fn bad_names_and_silent_clients_are_refused() {
    let scratch = Scratch::new("badname");
    let mut config =
        FileServerConfig::new("127.0.0.1:0".parse().expect("test address"), scratch.root());
    config.name_timeout = Duration::from_millis(300);
    let (server, server_rx) = serve_with(config);
    let port = server.local_addr().port();

    let long = vec![b'a'; 1500];
    let reply = raw_request(port, &long).expect("a clean empty reply to a long name");
    assert!(reply.is_empty());
    let (name, reason) = next_refusal(&server_rx);
    assert_eq!(reason, Refusal::BadName(NameProblem::TooLong));
    assert_eq!(name.len(), MAX_NAME_BYTES, "the shown name is cut");

    let reply = raw_request(port, b"\xff\xfebad").expect("a clean empty reply");
    assert!(reply.is_empty());
    assert_eq!(
        next_refusal(&server_rx).1,
        Refusal::BadName(NameProblem::NotUtf8)
    );

    // Connects and says nothing: refused after the name timeout, with EOF.
    let mut silent = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    silent.set_read_timeout(Some(WAIT)).expect("timeout");
    let since = Instant::now();
    let mut reply = Vec::new();
    silent.read_to_end(&mut reply).expect("EOF, not a reset");
    assert!(reply.is_empty());
    let waited = since.elapsed();
    assert!(
        waited >= Duration::from_millis(250),
        "refused after {waited:?}"
    );
    assert!(
        waited < Duration::from_secs(5),
        "the configured timeout was not used"
    );
    assert_eq!(next_refusal(&server_rx), (String::new(), Refusal::NoName));

    // Connects and hangs up at once: refused without waiting.
    drop(TcpStream::connect(("127.0.0.1", port)).expect("connect"));
    assert_eq!(next_refusal(&server_rx).1, Refusal::NoName);
    wait_for_idle(&server);
}

#[test]
fn a_cancelled_download_leaves_nothing_and_the_server_sees_it_fail() {
    let scratch = Scratch::new("cancel");
    // Big enough that loopback cannot finish it before the first progress report.
    let size = 2u64 << 30;
    sparse_file(&scratch.root().join("huge.bin"), size);
    let (server, server_rx) = serve(scratch.root());
    let dest = scratch.dl().join("recvhuge.bin");
    let (download, rx) = download(request(server.local_addr().port(), "huge.bin", &dest));
    let deadline = Instant::now() + WAIT;
    loop {
        match rx.recv_deadline(deadline).expect("progress in time") {
            DownloadEvent::Progress { received, .. } => {
                assert!(received < size);
                break;
            }
            DownloadEvent::Connected { .. } => {}
            other => panic!("expected Progress, got {other:?}"),
        }
    }
    download.cancel();
    assert_eq!(
        outcome(&rx),
        DownloadEvent::Failed(DownloadError::Cancelled)
    );
    assert_nothing_on_disk(&dest);
    let (_, ended) = started_and_ended(&server_rx);
    assert!(
        matches!(ended, FileServerEvent::Failed { sent, .. } if sent < size),
        "{ended:?}"
    );
    wait_for_idle(&server);
}

#[test]
fn a_server_that_resets_mid_file_breaks_the_download() {
    let scratch = Scratch::new("reset");
    let listener = TcpListener::bind("127.0.0.1:0").expect("listen");
    let port = listener.local_addr().expect("addr").port();
    let server = thread::spawn(move || -> io::Result<Vec<u8>> {
        let (mut conn, _) = listener.accept()?;
        conn.set_read_timeout(Some(WAIT))?;
        let mut name = [0u8; 1024];
        let len = conn.read(&mut name)?;
        conn.write_all(&pseudo_random(200_000, 7))?;
        socket2::SockRef::from(&conn).set_linger(Some(Duration::ZERO))?;
        drop(conn);
        Ok(name[..len].to_vec())
    });
    let dest = scratch.dl().join("recvpart.bin");
    let (_download, rx) = download(request(port, "part.bin", &dest));
    let ended = outcome(&rx);
    assert!(
        // All 200,000 bytes may be read before the reset arrives; the reset still
        // says the file is incomplete.
        matches!(ended, DownloadEvent::Failed(DownloadError::Broken { received, .. }) if received <= 200_000),
        "{ended:?}"
    );
    assert_nothing_on_disk(&dest);
    let name = server.join().expect("server thread").expect("server io");
    assert_eq!(name, b"part.bin");
}

#[test]
fn an_existing_file_is_kept_unless_overwrite_is_asked_for() {
    let scratch = Scratch::new("exists");
    let data = pseudo_random(300_000, 3);
    fs::write(scratch.root().join("f.bin"), &data).expect("write");
    let (server, server_rx) = serve(scratch.root());
    let port = server.local_addr().port();
    let dest = scratch.dl().join("recvf.bin");
    fs::write(&dest, b"old").expect("write");

    let (tx, _rx) = crossbeam_channel::unbounded();
    let refused = Download::start(request(port, "f.bin", &dest), tx, no_waker());
    assert_eq!(
        refused.err(),
        Some(DownloadError::Exists { path: dest.clone() })
    );
    assert_eq!(fs::read(&dest).expect("kept"), b"old");

    // Overwrite, but the server has no such file: the old file survives.
    let mut config = request(port, "gone.bin", &dest);
    config.overwrite = true;
    let (_download, rx) = download(config);
    assert!(matches!(
        outcome(&rx),
        DownloadEvent::Failed(DownloadError::NotFound { .. })
    ));
    assert_eq!(fs::read(&dest).expect("kept"), b"old");
    assert_eq!(next_refusal(&server_rx).1, Refusal::NotFound);

    let mut config = request(port, "f.bin", &dest);
    config.overwrite = true;
    let (_download, rx) = download(config);
    assert!(matches!(outcome(&rx), DownloadEvent::Done { .. }));
    assert!(fs::read(&dest).expect("replaced") == data);
    assert!(!part_path(&dest).exists());
}

#[test]
fn a_client_that_hangs_up_mid_file_fails_and_the_server_keeps_serving() {
    let scratch = Scratch::new("hangup");
    let size = 256u64 << 20;
    sparse_file(&scratch.root().join("huge.bin"), size);
    let small = pseudo_random(50_000, 4);
    fs::write(scratch.root().join("small.bin"), &small).expect("write");
    let (server, server_rx) = serve(scratch.root());
    let port = server.local_addr().port();

    let mut quitter = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    quitter.set_read_timeout(Some(WAIT)).expect("timeout");
    quitter.write_all(b"huge.bin").expect("send name");
    let mut first = vec![0u8; 64 * 1024];
    quitter
        .read_exact(&mut first)
        .expect("the start of the file");
    assert!(first.iter().all(|&byte| byte == 0));
    drop(quitter);
    let (_, ended) = started_and_ended(&server_rx);
    assert!(
        matches!(ended, FileServerEvent::Failed { sent, .. } if sent < size),
        "{ended:?}"
    );

    let dest = scratch.dl().join("recvsmall.bin");
    let (_download, rx) = download(request(port, "small.bin", &dest));
    assert!(matches!(outcome(&rx), DownloadEvent::Done { .. }));
    assert!(fs::read(&dest).expect("saved") == small);
    wait_for_idle(&server);
}

#[test]
fn an_unwritable_destination_fails_with_a_write_error() {
    let scratch = Scratch::new("unwritable");
    fs::write(scratch.root().join("f.bin"), pseudo_random(10_000, 5)).expect("write");
    let (server, _server_rx) = serve(scratch.root());
    let port = server.local_addr().port();

    let dest = scratch.dl().join("no-such-folder").join("recvf.bin");
    let (_download, rx) = download(request(port, "f.bin", &dest));
    let ended = outcome(&rx);
    assert!(
        matches!(&ended, DownloadEvent::Failed(DownloadError::Write { path, .. }) if *path == part_path(&dest)),
        "{ended:?}"
    );
    assert_nothing_on_disk(&dest);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let locked = scratch.dl().join("locked");
        fs::create_dir(&locked).expect("mkdir");
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o555)).expect("chmod");
        // root ignores permissions; then there is nothing to test here.
        if fs::File::create(locked.join("probe")).is_ok() {
            eprintln!("skipping the read-only folder case: permissions are not enforced");
        } else {
            let dest = locked.join("recvf.bin");
            let (_download, rx) = download(request(port, "f.bin", &dest));
            assert!(
                matches!(
                    outcome(&rx),
                    DownloadEvent::Failed(DownloadError::Write { .. })
                ),
                "a read-only folder"
            );
            assert_nothing_on_disk(&dest);
        }
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).expect("chmod");
    }
}

/// The tutorial's client: one `send` of the name, keeps the first `recv(1024)`.
const TUTORIAL_CLIENT: &str = r#"
import socket, sys
port, name = int(sys.argv[1]), sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.settimeout(10)
s.connect(('127.0.0.1', port))
s.send(name.encode('utf-8'))
data = s.recv(1024)
with open('recv' + name, 'wb') as f:
    f.write(data)
s.close()
"#;

/// The tutorial's server, for one client (`sendall` so a large file goes out whole).
const TUTORIAL_SERVER: &str = r#"
import socket
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.settimeout(10)
srv.bind(('127.0.0.1', 0))
srv.listen(1)
print(srv.getsockname()[1], flush=True)
conn, addr = srv.accept()
conn.settimeout(10)
name = conn.recv(1024).decode('utf-8')
with open(name, 'rb') as f:
    conn.sendall(f.read())
conn.close()
srv.close()
"#;

fn have_python() -> bool {
    let found = Command::new("python3")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !found {
        eprintln!("skipping: python3 is not installed");
    }
    found
}

/// Waits for a child that bounds itself (socket timeouts); kills it if it does not.
#[track_caller]
fn finish(mut child: Child) {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(status) = child.try_wait().expect("child status") {
            let mut stderr = String::new();
            if let Some(mut pipe) = child.stderr.take() {
                let _ = pipe.read_to_string(&mut stderr);
            }
            assert!(status.success(), "python failed: {status}\n{stderr}");
            return;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("python did not finish in time");
        }
        thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn the_tutorial_client_downloads_from_netdbg() {
    if !have_python() {
        return;
    }
    let scratch = Scratch::new("pyclient");
    let name = "中文名.txt";
    let text = "学习 Python 网络编程 — file transfer\n".repeat(12);
    assert!(
        text.len() < 1024,
        "the tutorial client keeps one recv(1024)"
    );
    fs::write(scratch.root().join(name), &text).expect("write");
    let (server, server_rx) = serve(scratch.root());
    let client = Command::new("python3")
        .args(["-c", TUTORIAL_CLIENT])
        .arg(server.local_addr().port().to_string())
        .arg(name)
        .current_dir(scratch.dl())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run python3");
    finish(client);
    let saved = fs::read_to_string(scratch.dl().join(default_save_name(name))).expect("saved");
    assert_eq!(saved, text);
    let (_, ended) = started_and_ended(&server_rx);
    assert!(matches!(ended, FileServerEvent::Done { sent, .. } if sent == text.len() as u64));
}

#[test]
fn netdbg_downloads_from_the_tutorial_server() {
    if !have_python() {
        return;
    }
    let scratch = Scratch::new("pyserver");
    let data = pseudo_random(100 * 1024, 6);
    fs::write(scratch.root().join("page.bin"), &data).expect("write");
    let mut server = Command::new("python3")
        .args(["-c", TUTORIAL_SERVER])
        .current_dir(scratch.root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run python3");
    let mut line = String::new();
    BufReader::new(server.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the port");
    let port: u16 = match line.trim().parse() {
        Ok(port) => port,
        Err(_) => {
            let _ = server.kill();
            panic!("python printed {line:?} instead of its port");
        }
    };
    let dest = scratch.dl().join("recvpage.bin");
    let (_download, rx) = download(request(port, "page.bin", &dest));
    let ended = outcome(&rx);
    finish(server);
    match ended {
        DownloadEvent::Done { bytes, sha256, .. } => {
            assert_eq!(bytes, data.len() as u64);
            assert_eq!(sha256, sha256_hex(&data));
        }
        other => panic!("expected Done, got {other:?}"),
    }
    assert!(fs::read(&dest).expect("saved") == data);
}

#[test]
fn eight_downloads_at_once_all_arrive_whole() {
    let scratch = Scratch::new("many");
    let files: Vec<(String, Vec<u8>)> = (0..8u64)
        .map(|i| {
            (
                format!("f{i}.bin"),
                pseudo_random(MIB + i as usize * 4099, 100 + i),
            )
        })
        .collect();
    for (name, data) in &files {
        fs::write(scratch.root().join(name), data).expect("write");
    }
    let (server, server_rx) = serve(scratch.root());
    let port = server.local_addr().port();
    let running: Vec<_> = files
        .iter()
        .map(|(name, _)| {
            let dest = scratch.dl().join(default_save_name(name));
            (dest.clone(), download(request(port, name, &dest)))
        })
        .collect();
    for ((dest, (_download, rx)), (name, data)) in running.iter().zip(&files) {
        match outcome(rx) {
            DownloadEvent::Done { bytes, sha256, .. } => {
                assert_eq!(bytes, data.len() as u64, "{name}");
                assert_eq!(sha256, sha256_hex(data), "{name}");
            }
            other => panic!("{name}: expected Done, got {other:?}"),
        }
        assert!(fs::read(dest).expect("saved") == *data, "{name} differs");
    }
    for _ in 0..files.len() {
        next_server(&server_rx, "Done", |event| {
            matches!(event, FileServerEvent::Done { .. })
        });
    }
    wait_for_idle(&server);
}

#[test]
fn cancel_transfers_cuts_the_running_ones_only() {
    let scratch = Scratch::new("cutall");
    let size = 2u64 << 30;
    sparse_file(&scratch.root().join("huge.bin"), size);
    let small = pseudo_random(70_000, 8);
    fs::write(scratch.root().join("small.bin"), &small).expect("write");
    let (server, server_rx) = serve(scratch.root());
    let port = server.local_addr().port();

    let dest = scratch.dl().join("recvhuge.bin");
    let (_download, rx) = download(request(port, "huge.bin", &dest));
    next_server(&server_rx, "Progress", |event| {
        matches!(event, FileServerEvent::Progress { .. })
    });
    server.cancel_transfers();
    let ended = outcome(&rx);
    assert!(
        matches!(ended, DownloadEvent::Failed(DownloadError::Broken { .. })),
        "{ended:?}"
    );
    assert_nothing_on_disk(&dest);
    next_server(&server_rx, "Failed", |event| {
        matches!(event, FileServerEvent::Failed { .. })
    });
    wait_for_idle(&server);

    // Still listening: a request after the cancel is served in full.
    assert!(server.is_listening());
    let dest = scratch.dl().join("recvsmall.bin");
    let (_download, rx) = download(request(port, "small.bin", &dest));
    let ended = outcome(&rx);
    assert!(matches!(ended, DownloadEvent::Done { .. }), "{ended:?}");
    assert!(fs::read(&dest).expect("saved") == small);
}

/// Only a transfer takes a slot, once its file is open: a silent connection does
/// not, and the request beyond the limit is refused with its name.
#[test]
fn a_full_server_refuses_as_busy() {
    let scratch = Scratch::new("busy");
    fs::write(scratch.root().join("f.txt"), b"content").expect("write");
    sparse_file(&scratch.root().join("huge.bin"), 2 << 30);
    let mut config =
        FileServerConfig::new("127.0.0.1:0".parse().expect("test address"), scratch.root());
    config.max_transfers = 1;
    let (server, server_rx) = serve_with(config);
    let port = server.local_addr().port();

    // Says nothing, and does not hold the only slot.
    let silent = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    assert_eq!(raw_request(port, b"f.txt").expect("reply"), b"content");
    started_and_ended(&server_rx);

    // Holds the only slot: asks for a big file and reads none of it.
    let mut holder = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    holder.write_all(b"huge.bin").expect("send name");
    let FileServerEvent::Started { transfer, .. } = next_server(&server_rx, "Started", |event| {
        matches!(event, FileServerEvent::Started { .. })
    }) else {
        unreachable!()
    };
    let reply = raw_request(port, b"f.txt").expect("a clean empty reply");
    assert!(reply.is_empty());
    assert_eq!(
        next_refusal(&server_rx),
        ("f.txt".into(), Refusal::Busy { max: 1 })
    );

    server.cancel_transfers();
    next_server(
        &server_rx,
        "the holder's Failed",
        |event| matches!(event, FileServerEvent::Failed { transfer: id, .. } if *id == transfer),
    );
    drop(holder);
    drop(silent);
    assert_eq!(next_refusal(&server_rx).1, Refusal::NoName);
    wait_for_idle(&server);
    assert_eq!(raw_request(port, b"f.txt").expect("reply"), b"content");
}

#[test]
fn a_bad_request_or_no_server_leaves_nothing_behind() {
    let scratch = Scratch::new("noserver");
    let dest = scratch.dl().join("recvf.bin");
    let (tx, _rx) = crossbeam_channel::unbounded();
    let empty = Download::start(request(1, "", &dest), tx.clone(), no_waker());
    assert_eq!(
        empty.err(),
        Some(DownloadError::BadName(NameProblem::Empty))
    );
    let long = "a".repeat(MAX_NAME_BYTES + 1);
    let too_long = Download::start(request(1, &long, &dest), tx, no_waker());
    assert_eq!(
        too_long.err(),
        Some(DownloadError::BadName(NameProblem::TooLong))
    );

    // A port that was just free: nothing listens there.
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let (_download, rx) = download(request(port, "f.bin", &dest));
    let ended = outcome(&rx);
    assert!(
        matches!(
            ended,
            DownloadEvent::Failed(DownloadError::Connect(EngineError::ConnectRefused { .. }))
        ),
        "{ended:?}"
    );
    assert_nothing_on_disk(&dest);
}
