//! What the operating system says about the user's defaults, and the few Windows
//! calls that need `unsafe` (kept together in the one module allowed it).

use crate::codec::TextEncoding;

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub mod gl_driver_preload;

/// The text encoding a user of this machine most likely meets: on Windows the
/// ANSI code page (936 → GBK: what Chinese Windows programs send), elsewhere the locale.
pub fn default_encoding() -> TextEncoding {
    #[cfg(windows)]
    {
        windows::ansi_code_page_encoding()
    }
    #[cfg(not(windows))]
    {
        TextEncoding::default_for_locale(sys_locale::get_locale().as_deref())
    }
}

/// Whether this Linux machine draws without a GPU: no render node under
/// `/dev/dri` (Mesa then rasterizes with llvmpipe), or `LIBGL_ALWAYS_SOFTWARE`
/// asks for software. Elsewhere `false`: Windows and macOS have drivers of their own.
pub fn has_no_gpu() -> bool {
    #[cfg(target_os = "linux")]
    {
        let forced = std::env::var_os("LIBGL_ALWAYS_SOFTWARE").is_some_and(|value| value != "0");
        let render_node = std::fs::read_dir("/dev/dri").is_ok_and(|entries| {
            entries
                .flatten()
                .any(|entry| entry.file_name().to_string_lossy().starts_with("renderD"))
        });
        forced || !render_node
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}

/// The CPU time the calling thread has used since it started, where the system
/// tells (Unix); `None` elsewhere.
pub fn thread_cpu_time() -> Option<std::time::Duration> {
    #[cfg(unix)]
    {
        let now = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
        std::time::Duration::try_from(now).ok()
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// Maps a Windows ANSI code page to the encoding programs on that system send.
pub fn encoding_for_code_page(code_page: u32) -> TextEncoding {
    match code_page {
        936 => TextEncoding::Gbk,
        54936 => TextEncoding::Gb18030,
        950 => TextEncoding::Big5,
        932 => TextEncoding::ShiftJis,
        949 => TextEncoding::EucKr,
        1252 => TextEncoding::Windows1252,
        _ => TextEncoding::Utf8,
    }
}

/// For the window: freed memory stays with the process for the next frame instead
/// of going back to the system and faulting in again, page by page.
///
/// Without a GPU, Mesa's llvmpipe allocates each frame's vertex buffers afresh.
/// glibc handed them back (its trim and mmap thresholds start at 128 KiB), so
/// every frame under a flood paid ~4 ms of page faults: a third of the window
/// thread's time (perf, benches/flood_gui.sh). With 32 MiB / 64 MiB the mean
/// frame under a 100k/s flood with a search went from ~12.8 to ~9.5 ms, the
/// resident size the same (210 MB with a million lines).
pub fn keep_freed_memory_for_reuse() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[allow(unsafe_code)]
    // SAFETY: mallopt only sets two of the allocator's tuning numbers; called
    // before the window's threads start, and harmless at any time.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 64 << 20);
    }
}

/// A GUI-subsystem exe has no console; when started from one with a subcommand,
/// borrow the parent's so the CLI's lines show up there.
pub fn attach_parent_console() {
    #[cfg(windows)]
    windows::attach_parent_console();
}

/// A Windows console control event that asks the process to stop.
#[cfg(windows)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsoleStop {
    CtrlC,
    CtrlBreak,
    /// The console window is being closed.
    Close,
    LogoffOrShutdown,
}

/// From now on Ctrl+C, Ctrl+Break, closing the console, logoff and shutdown go to
/// `on_stop` instead of ending the process at once. `on_stop` returns false when
/// nobody listens any more; then the default applies. Once per process.
#[cfg(windows)]
pub fn catch_console_stops(
    on_stop: Box<dyn Fn(ConsoleStop) -> bool + Send + Sync>,
) -> std::io::Result<()> {
    windows::catch_console_stops(on_stop)
}

#[cfg(windows)]
#[allow(unsafe_code)]
mod windows {
    use std::sync::OnceLock;
    use std::time::Duration;

    use windows_sys::Win32::System::Console::{
        CTRL_BREAK_EVENT, CTRL_C_EVENT, CTRL_CLOSE_EVENT, SetConsoleCtrlHandler,
    };
    use windows_sys::core::BOOL;

    use super::{ConsoleStop, TextEncoding, encoding_for_code_page};

    type OnStop = Box<dyn Fn(ConsoleStop) -> bool + Send + Sync>;

    /// The handler is a plain function called on a thread Windows makes; it finds
    /// what to do here.
    static ON_STOP: OnceLock<OnStop> = OnceLock::new();

    /// Windows ends the process as soon as the handler returns from a close, logoff or
    /// shutdown (and after about 5 s in any case); the handler waits this long so the
    /// main thread can clean up. The process exiting ends the wait early.
    const CLEAN_UP_GRACE: Duration = Duration::from_millis(4500);

    pub fn catch_console_stops(on_stop: OnStop) -> std::io::Result<()> {
        ON_STOP
            .set(on_stop)
            .map_err(|_| std::io::Error::other("console stops are already caught"))?;
        // SAFETY: `handler` is a function with the signature Windows expects, and it
        // lives as long as the process.
        let added = unsafe { SetConsoleCtrlHandler(Some(handler), 1) };
        if added == 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(())
    }

    unsafe extern "system" fn handler(ctrl_type: u32) -> BOOL {
        let stop = match ctrl_type {
            CTRL_C_EVENT => ConsoleStop::CtrlC,
            CTRL_BREAK_EVENT => ConsoleStop::CtrlBreak,
            CTRL_CLOSE_EVENT => ConsoleStop::Close,
            _ => ConsoleStop::LogoffOrShutdown,
        };
        let Some(on_stop) = ON_STOP.get() else {
            return 0;
        };
        if !on_stop(stop) {
            return 0;
        }
        if matches!(stop, ConsoleStop::Close | ConsoleStop::LogoffOrShutdown) {
            std::thread::sleep(CLEAN_UP_GRACE);
        }
        1
    }

    pub fn ansi_code_page_encoding() -> TextEncoding {
        // SAFETY: GetACP takes no arguments and only reads process state.
        let code_page = unsafe { windows_sys::Win32::Globalization::GetACP() };
        encoding_for_code_page(code_page)
    }

    pub fn attach_parent_console() {
        use windows_sys::Win32::System::Console::{ATTACH_PARENT_PROCESS, AttachConsole};
        // SAFETY: plain Win32 call; failing (no parent console, or output already
        // redirected to a pipe or file) leaves the process as it was.
        unsafe {
            AttachConsole(ATTACH_PARENT_PROCESS);
        }
    }
}
