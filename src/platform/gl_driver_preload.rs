//! Mesa's OpenGL driver, loaded on the second core while winit sets up X11.
//!
//! Before the first frame the window thread spends 18–25 ms loading Mesa's driver
//! (and LLVM with it, for llvmpipe and most GPU drivers), after winit's own X11
//! start: Xlib's input method parsing the Compose file (~7 ms), xkbcommon (~3 ms).
//! The two need nothing from each other, so this thread loads the driver while
//! the window thread does the rest (README, "Start and idle": the first frame ~10 ms
//! sooner here). The dynamic loader runs one `dlopen`/`dlsym` at a time, though:
//! started too early, the driver would make winit wait for its own libraries. So
//! the libraries winit opens after its X11 ones are opened here first, and the
//! thread starts loading once winit's X11 libraries are in (libXi is its last).
//!
//! A wrong guess costs only the overlap: Mesa later opens the same file (all of a
//! Mesa's drivers are one file under several names) and finds it loaded. Only for
//! X11 with Mesa: on Wayland winit opens other libraries, and with NVIDIA's driver
//! Mesa is not used at all.

use std::ffi::{CString, OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

/// The last library winit's X11 backend opens before connecting (x11-dl's XInput2).
const LAST_X11_LIBRARY: &str = "libXi.so";
/// After it appears, x11-dl still looks up its functions (under the loader's lock).
const LOOKUP_GRACE: Duration = Duration::from_millis(1);
const POLL_EVERY: Duration = Duration::from_micros(200);
/// winit opens its X11 libraries within a few ms of starting; later, we are late.
const GIVE_UP_AFTER: Duration = Duration::from_millis(500);
/// The name Mesa's loader gives its software rasterizer; the same file as its
/// GPU drivers (hard links) in the Mesa of Debian 12 and Ubuntu 22.04/24.04.
const DRIVER_FILE: &str = "swrast_dri.so";
/// Where distributions put Mesa's drivers when `LIBGL_DRIVERS_PATH` is not set.
const DRIVER_DIRS: [&str; 4] = [
    "/usr/lib/x86_64-linux-gnu/dri",
    "/usr/lib64/dri",
    "/usr/lib/dri",
    "/usr/lib/aarch64-linux-gnu/dri",
];
/// Set to `0` to turn the preload off (to compare, or if a driver misbehaves).
pub const ENV_SWITCH: &str = "NETDBG_GL_PRELOAD";

/// What the preload did, for the startup probe.
#[derive(Debug)]
pub struct Outcome {
    pub driver: PathBuf,
    /// From `start` until winit's X11 libraries were in (or the preload gave up).
    pub waited: Duration,
    /// How long loading the driver took, or why it was not loaded.
    pub loading: Result<Duration, NotLoaded>,
}

/// Why the preload did not load the driver (Mesa then loads it as usual).
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum NotLoaded {
    /// winit's X11 libraries did not appear in time: no X11 start to overlap with.
    #[error("winit's X11 libraries were not loaded within {} ms", GIVE_UP_AFTER.as_millis())]
    NoX11Start,
    /// The dynamic loader refused it, in its own words (`dlerror`).
    #[error("the dynamic loader refused it: {0}")]
    Refused(String),
}

/// The environment the decision depends on.
#[derive(Debug, Default)]
pub struct Session {
    pub display: Option<OsString>,
    pub wayland_display: Option<OsString>,
    pub wayland_socket: Option<OsString>,
    pub drivers_path: Option<OsString>,
    pub switch: Option<OsString>,
    pub nvidia_driver_loaded: bool,
    /// Running setuid or setgid: Mesa then ignores `LIBGL_DRIVERS_PATH`, and a
    /// library named by the environment is not for us to load either.
    pub privileged: bool,
}

impl Session {
    pub fn of_this_process() -> Self {
        let var = |name| std::env::var_os(name).filter(|value| !value.is_empty());
        Self {
            display: var("DISPLAY"),
            wayland_display: var("WAYLAND_DISPLAY"),
            wayland_socket: var("WAYLAND_SOCKET"),
            drivers_path: var("LIBGL_DRIVERS_PATH"),
            switch: var(ENV_SWITCH),
            nvidia_driver_loaded: Path::new("/proc/driver/nvidia").exists(),
            privileged: runs_setuid_or_setgid(),
        }
    }

    /// An X11 session drawn by Mesa (winit picks Wayland whenever it can, and
    /// NVIDIA's driver replaces Mesa), not setuid, and not switched off.
    fn preload_fits(&self) -> bool {
        self.display.is_some()
            && self.wayland_display.is_none()
            && self.wayland_socket.is_none()
            && !self.nvidia_driver_loaded
            && !self.privileged
            && self.switch.as_deref() != Some(OsStr::new("0"))
    }

    /// The driver file Mesa would open, if this session is one to preload for.
    pub fn driver_to_preload(&self, mut exists: impl FnMut(&Path) -> bool) -> Option<PathBuf> {
        if !self.preload_fits() {
            return None;
        }
        // With LIBGL_DRIVERS_PATH set, Mesa looks only there.
        let dirs: Vec<PathBuf> = match &self.drivers_path {
            Some(paths) => std::env::split_paths(paths).collect(),
            None => DRIVER_DIRS.iter().map(PathBuf::from).collect(),
        };
        dirs.into_iter()
            .map(|dir| dir.join(DRIVER_FILE))
            .find(|file| exists(file))
    }
}

fn runs_setuid_or_setgid() -> bool {
    use rustix::process::{getegid, geteuid, getgid, getuid};
    getuid() != geteuid() || getgid() != getegid()
}

/// Starts the preload if this session draws with Mesa on X11; `on_done` gets
/// what happened, on the preload's thread. Call before the event loop is made.
pub fn start(on_done: impl FnOnce(Outcome) + Send + 'static) {
    let Some(driver) = Session::of_this_process().driver_to_preload(Path::is_file) else {
        return;
    };
    let Ok(driver_c) = CString::new(driver.as_os_str().as_bytes()) else {
        return;
    };
    open_what_winit_opens_later();
    let started = Instant::now();
    let spawned = thread::Builder::new()
        .name("gl-driver-preload".into())
        .spawn(move || {
            let in_time = wait_for_library(LAST_X11_LIBRARY, started + GIVE_UP_AFTER);
            let waited = started.elapsed();
            let loading = if in_time {
                thread::sleep(LOOKUP_GRACE);
                let began = Instant::now();
                load_for_good(&driver_c).map(|()| began.elapsed())
            } else {
                Err(NotLoaded::NoX11Start)
            };
            on_done(Outcome {
                driver,
                waited,
                loading,
            });
        });
    // Without the thread the window starts as it always did.
    drop(spawned);
}

/// winit opens xkbcommon and (through x11rb) libxcb after its X11 libraries and
/// keeps them; opened now, it finds them open instead of waiting for the loader.
fn open_what_winit_opens_later() {
    let _ = xkbcommon_dl::xkbcommon_option();
    let _ = xkbcommon_dl::xkbcommon_compose_option();
    let _ = xkbcommon_dl::x11::xkbcommon_x11_option();
    let _ = x11rb::xcb_ffi::load_libxcb();
}

fn wait_for_library(name: &str, deadline: Instant) -> bool {
    while !is_loaded(name) {
        if Instant::now() >= deadline {
            return false;
        }
        thread::sleep(POLL_EVERY);
    }
    true
}

/// Opens `driver` as Mesa's loader does (`RTLD_NOW | RTLD_GLOBAL`) and never
/// closes it: Mesa's own open then finds it loaded. A refusal is only reported:
/// Mesa tries the driver again itself and tells the user in its own words.
fn load_for_good(driver: &CString) -> Result<(), NotLoaded> {
    // SAFETY: dlopen takes a NUL-terminated path. Loading runs the driver's and
    // LLVM's initializers on this thread, as Mesa would on the window thread; they
    // touch nothing of ours. The handle is deliberately never closed.
    let handle = unsafe { libc::dlopen(driver.as_ptr(), libc::RTLD_NOW | libc::RTLD_GLOBAL) };
    if !handle.is_null() {
        return Ok(());
    }
    // SAFETY: dlerror is per thread and, right after the failed dlopen on this
    // thread, returns its NUL-terminated message (or null), copied at once.
    let why = unsafe {
        let message = libc::dlerror();
        if message.is_null() {
            String::from("no reason given")
        } else {
            std::ffi::CStr::from_ptr(message)
                .to_string_lossy()
                .into_owned()
        }
    };
    Err(NotLoaded::Refused(why))
}

/// Whether a loaded object's path contains `name`.
fn is_loaded(name: &str) -> bool {
    unsafe extern "C" fn visit(
        info: *mut libc::dl_phdr_info,
        _size: libc::size_t,
        wanted: *mut libc::c_void,
    ) -> libc::c_int {
        // SAFETY: glibc passes a valid `info` for the duration of the call, whose
        // `dlpi_name` is NUL-terminated or null; `wanted` is the `&[u8]` given below.
        let (object, wanted) = unsafe {
            let name = (*info).dlpi_name;
            if name.is_null() {
                return 0;
            }
            (
                std::ffi::CStr::from_ptr(name).to_bytes(),
                *wanted.cast::<&[u8]>(),
            )
        };
        libc::c_int::from(object.windows(wanted.len()).any(|part| part == wanted))
    }
    let mut wanted: &[u8] = name.as_bytes();
    if wanted.is_empty() {
        return false;
    }
    // SAFETY: `visit` matches the callback glibc expects and only reads through
    // its arguments; `wanted` outlives the call.
    let found = unsafe {
        libc::dl_iterate_phdr(
            Some(visit),
            std::ptr::from_mut(&mut wanted).cast::<libc::c_void>(),
        )
    };
    found != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn x11() -> Session {
        Session {
            display: Some(":0".into()),
            ..Session::default()
        }
    }

    #[test]
    fn an_x11_session_preloads_the_first_driver_dir_that_has_it() {
        let found = x11().driver_to_preload(|file| file.starts_with("/usr/lib64"));
        assert_eq!(found, Some(PathBuf::from("/usr/lib64/dri/swrast_dri.so")));
    }

    #[test]
    fn nothing_is_preloaded_without_the_driver_file() {
        assert_eq!(x11().driver_to_preload(|_| false), None);
    }

    #[test]
    fn wayland_nvidia_setuid_no_display_and_the_switch_turn_it_off() {
        let sessions = [
            Session::default(),
            Session {
                wayland_display: Some("wayland-0".into()),
                ..x11()
            },
            Session {
                wayland_socket: Some("5".into()),
                ..x11()
            },
            Session {
                nvidia_driver_loaded: true,
                ..x11()
            },
            Session {
                switch: Some("0".into()),
                ..x11()
            },
            Session {
                privileged: true,
                ..x11()
            },
        ];
        for session in sessions {
            assert_eq!(session.driver_to_preload(|_| true), None, "{session:?}");
        }
        let on = Session {
            switch: Some("1".into()),
            ..x11()
        };
        assert!(on.driver_to_preload(|_| true).is_some());
    }

    #[test]
    fn libgl_drivers_path_is_the_only_place_looked_in() {
        let session = Session {
            drivers_path: Some("/opt/mesa/dri:/srv/dri".into()),
            ..x11()
        };
        let mut looked = Vec::new();
        let found = session.driver_to_preload(|file| {
            looked.push(file.to_owned());
            file.starts_with("/srv")
        });
        assert_eq!(found, Some(PathBuf::from("/srv/dri/swrast_dri.so")));
        assert_eq!(
            looked,
            [
                PathBuf::from("/opt/mesa/dri/swrast_dri.so"),
                PathBuf::from("/srv/dri/swrast_dri.so")
            ]
        );
    }

    #[test]
    fn a_file_that_is_no_library_is_refused_with_the_loaders_words() {
        let not_a_library =
            std::env::temp_dir().join(format!("netdbg-not-a-library-{}.so", std::process::id()));
        std::fs::write(&not_a_library, b"plain text, not ELF").expect("temp file");
        let path = CString::new(not_a_library.as_os_str().as_bytes()).expect("no NUL");
        let refused = load_for_good(&path);
        let _ = std::fs::remove_file(&not_a_library);
        match refused {
            Err(NotLoaded::Refused(why)) => assert!(why.contains("netdbg-not-a-library"), "{why}"),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn loaded_objects_are_found_by_part_of_their_path() {
        assert!(is_loaded("libc.so"));
        assert!(!is_loaded("libnothing-by-this-name.so"));
        assert!(!is_loaded(""));
    }
}
