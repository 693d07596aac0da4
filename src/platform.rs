//! What the operating system says about the user's defaults.

use crate::codec::TextEncoding;

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

/// A GUI-subsystem exe has no console; when started from one with a subcommand,
/// borrow the parent's so the CLI's lines show up there.
pub fn attach_parent_console() {
    #[cfg(windows)]
    windows::attach_parent_console();
}

#[cfg(windows)]
#[allow(unsafe_code)]
mod windows {
    use super::{TextEncoding, encoding_for_code_page};

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
