//! Certificates made for a test (rcgen), written to a folder of its own, and
//! Debian's `openssl s_server` / `s_client` as the real peer.

#![allow(dead_code)]

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};

/// A folder below the target dir, removed when dropped.
pub struct Dir(pub PathBuf);

impl Dir {
    pub fn new(name: &str) -> Dir {
        let path = std::env::temp_dir().join(format!(
            "netdbg-tls-{name}-{}-{}",
            std::process::id(),
            fastrand::u64(..)
        ));
        std::fs::create_dir_all(&path).expect("make test folder");
        Dir(path)
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, text).expect("write test file");
        path
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A certificate and key as PEM files.
pub struct Pair {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// A test CA and what it signs.
pub struct Pki {
    pub dir: Dir,
    pub ca: PathBuf,
    issuer: Issuer<'static, KeyPair>,
}

/// Validity as (year, month, day) pairs.
pub type Validity = ((i32, u8, u8), (i32, u8, u8));
pub const CURRENT: Validity = ((2020, 1, 1), (2099, 1, 1));
pub const EXPIRED: Validity = ((2020, 1, 1), (2021, 1, 1));

impl Pki {
    pub fn new(name: &str) -> Pki {
        let dir = Dir::new(name);
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("ca params");
        params
            .distinguished_name
            .push(DnType::CommonName, "netdbg test CA");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().expect("ca key");
        let cert = params.self_signed(&key).expect("ca cert");
        let ca = dir.write("ca.pem", &cert.pem());
        Pki {
            dir,
            ca,
            issuer: Issuer::new(params, key),
        }
    }

    /// A server certificate for `names`, signed by the CA.
    pub fn leaf(&self, file: &str, names: &[&str], validity: Validity) -> Pair {
        let params = leaf_params(names, validity);
        let key = KeyPair::generate().expect("leaf key");
        let cert = params.signed_by(&key, &self.issuer).expect("leaf cert");
        Pair {
            cert: self.dir.write(&format!("{file}.crt"), &cert.pem()),
            key: self.dir.write(&format!("{file}.key"), &key.serialize_pem()),
        }
    }

    /// A certificate signed by itself (not a CA).
    pub fn self_signed(&self, file: &str, names: &[&str]) -> Pair {
        let params = leaf_params(names, CURRENT);
        let key = KeyPair::generate().expect("key");
        let cert = params.self_signed(&key).expect("cert");
        Pair {
            cert: self.dir.write(&format!("{file}.crt"), &cert.pem()),
            key: self.dir.write(&format!("{file}.key"), &key.serialize_pem()),
        }
    }
}

fn leaf_params(names: &[&str], ((y0, m0, d0), (y1, m1, d1)): Validity) -> CertificateParams {
    let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    let mut params = CertificateParams::new(names.clone()).expect("leaf params");
    params.distinguished_name.push(
        DnType::CommonName,
        names.first().cloned().unwrap_or_default(),
    );
    params.not_before = rcgen::date_time_ymd(y0, m0, d0);
    params.not_after = rcgen::date_time_ymd(y1, m1, d1);
    params
}

pub fn has_openssl() -> bool {
    Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// Waits until something accepts on the port.
pub fn wait_listening(port: u16, limit: Duration) {
    let deadline = Instant::now() + limit;
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "nothing listens on {port}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A running openssl process: its stdin, and its stdout as raw chunks.
pub struct Openssl {
    pub child: Child,
    pub output: mpsc::Receiver<Vec<u8>>,
    pub seen: Vec<u8>,
}

impl Openssl {
    pub fn spawn(args: &[&str]) -> Openssl {
        let mut child = Command::new("openssl")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start openssl");
        let mut stdout = child.stdout.take().expect("stdout");
        let (tx, output) = mpsc::channel();
        std::thread::spawn(move || {
            use std::io::Read;
            let mut buf = vec![0u8; 64 * 1024];
            while let Ok(len) = stdout.read(&mut buf) {
                if len == 0 || tx.send(buf[..len].to_vec()).is_err() {
                    break;
                }
            }
        });
        Openssl {
            child,
            output,
            seen: Vec::new(),
        }
    }

    /// `openssl s_server` with this certificate, printing what it receives.
    pub fn server(pair: &Pair) -> (Openssl, u16) {
        let port = free_port();
        let server = Openssl::spawn(&[
            "s_server",
            "-accept",
            &format!("127.0.0.1:{port}"),
            "-cert",
            &path(&pair.cert),
            "-key",
            &path(&pair.key),
            "-quiet",
        ]);
        wait_listening(port, Duration::from_secs(10));
        (server, port)
    }

    pub fn send(&mut self, data: &[u8]) {
        let stdin = self.child.stdin.as_mut().expect("stdin");
        stdin.write_all(data).expect("write to openssl");
        stdin.flush().expect("flush");
    }

    /// Waits until what it printed contains `needle`.
    #[track_caller]
    pub fn wait_for(&mut self, needle: &[u8], limit: Duration) {
        let deadline = Instant::now() + limit;
        while !contains(&self.seen, needle) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.output.recv_timeout(left) {
                Ok(chunk) => self.seen.extend_from_slice(&chunk),
                Err(_) => panic!(
                    "openssl did not print {:?}; it printed {:?}",
                    String::from_utf8_lossy(needle),
                    String::from_utf8_lossy(&self.seen)
                ),
            }
        }
    }
}

impl Drop for Openssl {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

pub fn path(path: &Path) -> String {
    path.display().to_string()
}
