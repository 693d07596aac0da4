//! The downloading side of each kind: netdbg's `Download`, the plain std client (with
//! or without hashing and writing), `nc`, and the tutorial's Python client.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use netdbg::engine::{Download, DownloadConfig, DownloadEvent, no_waker};
use sha2::{Digest, Sha256};

use super::server::SERVED_CAP;
use super::setup::hex;
use crate::common::failed;
use crate::common::role::wait_capped;

/// Any single transfer that takes longer is given up on.
const TRANSFER_CAP: Duration = Duration::from_secs(120);
/// How long a client keeps retrying to reach an `nc -l` that is still starting.
const NC_LISTEN_CAP: Duration = Duration::from_secs(3);

/// The tutorial's downloader with its `recv` loop fixed to read everything (the original
/// reads one `recv(1024)` and stops); the name comes from argv instead of `input()`.
/// Prints the seconds from the name being sent to the last write.
const PYTHON_CLIENT: &str = r#"
import socket, sys, time
host, port, name, dest, bufsize = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect((host, port))
s.send(name.encode('utf-8'))
start = time.perf_counter()
with open(dest, 'wb') as f:
    while True:
        d = s.recv(bufsize)
        if not d:
            break
        f.write(d)
print(time.perf_counter() - start)
s.close()
"#;

/// One transfer as a client saw it.
pub struct Transfer {
    pub bytes: u64,
    /// The time the bytes took: the `Done` event's `elapsed` for the downloader (name
    /// sent → file flushed), the client's own clock for plain and Python clients (name
    /// sent → end of stream), the process's life for `nc -N`.
    pub secs: f64,
    /// From starting the client to knowing it finished (`Done` received, process exited).
    pub wall: f64,
    pub ok: bool,
    pub note: Option<String>,
}

pub fn netdbg_download(
    server: SocketAddr,
    name: &str,
    dest: &Path,
    expected: Option<&str>,
) -> io::Result<Transfer> {
    let (events_tx, events) = crossbeam_channel::unbounded();
    let config = DownloadConfig {
        host: server.ip().to_string(),
        port: server.port(),
        name: name.to_owned(),
        dest: dest.to_path_buf(),
        overwrite: true,
        connect_timeout: Duration::from_secs(5),
    };
    let start = Instant::now();
    let download =
        Download::start(config, events_tx, no_waker()).map_err(failed("Download::start"))?;
    let deadline = start + TRANSFER_CAP;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match events.recv_timeout(left) {
            Ok(DownloadEvent::Done {
                bytes,
                sha256,
                elapsed,
                ..
            }) => {
                let wall = start.elapsed().as_secs_f64();
                let sha_ok = expected.is_none_or(|want| want == sha256);
                return Ok(Transfer {
                    bytes,
                    secs: elapsed.as_secs_f64(),
                    wall,
                    ok: sha_ok,
                    note: (!sha_ok).then(|| format!("SHA-256 {sha256}")),
                });
            }
            Ok(DownloadEvent::Failed(error)) => {
                return Err(io::Error::other(format!("download failed: {error}")));
            }
            Ok(_) => {}
            Err(_) => {
                download.cancel();
                return Err(io::Error::other("download: no Done within the cap"));
            }
        }
    }
}

/// A plain std client, and what it does with each read.
pub struct Plain<'a> {
    pub server: SocketAddr,
    /// Sent first (`None` for `nc -l`, which sends without being asked).
    pub name: Option<&'a str>,
    pub buf: usize,
    pub hash: bool,
    pub disk: Option<File>,
    /// How long to keep trying to reach a server that is still starting.
    pub patience: Duration,
}

/// Connects, sends the name, reads to the end of the stream; a hash goes in the note.
pub fn plain_client(plain: Plain) -> io::Result<Transfer> {
    let start = Instant::now();
    let mut stream = connect_retrying(plain.server, plain.patience)?;
    stream.set_read_timeout(Some(TRANSFER_CAP))?;
    if let Some(name) = plain.name {
        stream.write_all(name.as_bytes())?;
    }
    let transfer_start = Instant::now();
    let mut hasher = plain.hash.then(Sha256::new);
    let mut disk = plain.disk;
    let mut buf = vec![0u8; plain.buf];
    let mut bytes = 0u64;
    loop {
        let len = match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(len) => len,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        if let Some(file) = &mut disk {
            file.write_all(&buf[..len])?;
        }
        if let Some(hasher) = &mut hasher {
            hasher.update(&buf[..len]);
        }
        bytes += len as u64;
    }
    drop(disk);
    let note = hasher.map(|hasher| hex(&hasher.finalize()));
    let secs = transfer_start.elapsed().as_secs_f64();
    let _ = stream.shutdown(Shutdown::Both);
    Ok(Transfer {
        bytes,
        secs,
        wall: start.elapsed().as_secs_f64(),
        ok: true,
        note,
    })
}

fn connect_retrying(server: SocketAddr, patience: Duration) -> io::Result<TcpStream> {
    let deadline = Instant::now() + patience;
    loop {
        match TcpStream::connect(server) {
            Ok(stream) => return Ok(stream),
            Err(err) if err.kind() == io::ErrorKind::ConnectionRefused => {
                if Instant::now() >= deadline {
                    return Err(err);
                }
                thread::sleep(Duration::from_millis(2));
            }
            Err(err) => return Err(err),
        }
    }
}

/// `nc -N -l 127.0.0.1 PORT < file`, read by a plain client that discards.
pub fn nc_listen(file: &Path, buf: usize) -> io::Result<Transfer> {
    let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
        .local_addr()?
        .port();
    let mut nc = Command::new("nc")
        .args(["-N", "-l", "127.0.0.1", &port.to_string()])
        .stdin(File::open(file)?)
        .stdout(Stdio::null())
        .spawn()?;
    let transfer = plain_client(Plain {
        server: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
        name: None,
        buf,
        hash: false,
        disk: None,
        patience: NC_LISTEN_CAP,
    });
    let status = wait_capped(&mut nc, SERVED_CAP)?;
    let mut transfer = transfer?;
    if !status.success() {
        transfer.note = Some(format!("nc -l: {status}"));
    }
    Ok(transfer)
}

/// `printf NAME | nc -N 127.0.0.1 PORT > dest`, timed from spawn to exit.
pub fn nc_client(server: SocketAddr, name: &str, dest: &Path) -> io::Result<Transfer> {
    let start = Instant::now();
    let mut nc = Command::new("nc")
        .args(["-N", &server.ip().to_string(), &server.port().to_string()])
        .stdin(Stdio::piped())
        .stdout(File::create(dest)?)
        .spawn()?;
    if let Some(mut stdin) = nc.stdin.take() {
        stdin.write_all(name.as_bytes())?;
    }
    let status = wait_capped(&mut nc, TRANSFER_CAP)?;
    let secs = start.elapsed().as_secs_f64();
    Ok(Transfer {
        bytes: fs::metadata(dest)?.len(),
        secs,
        wall: secs,
        ok: status.success(),
        note: (!status.success()).then(|| format!("nc: {status}")),
    })
}

pub fn python_client(
    server: SocketAddr,
    name: &str,
    dest: &Path,
    bufsize: usize,
) -> io::Result<Transfer> {
    let start = Instant::now();
    let out = Command::new("python3")
        .args(["-c", PYTHON_CLIENT])
        .arg(server.ip().to_string())
        .arg(server.port().to_string())
        .arg(name)
        .arg(dest)
        .arg(bufsize.to_string())
        .stdin(Stdio::null())
        .output()?;
    let wall = start.elapsed().as_secs_f64();
    let secs = String::from_utf8_lossy(&out.stdout).trim().parse::<f64>();
    Ok(Transfer {
        bytes: fs::metadata(dest).map_or(0, |meta| meta.len()),
        secs: secs.clone().unwrap_or(f64::NAN),
        wall,
        ok: out.status.success() && secs.is_ok(),
        note: (!out.status.success())
            .then(|| String::from_utf8_lossy(&out.stderr).trim().to_owned()),
    })
}
