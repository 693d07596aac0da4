//! File transfer: names a server refuses, and downloads that fail.

use super::Describe;
use crate::engine::{DownloadError, NameProblem, Refusal};
use crate::i18n::Lang;

impl Describe for NameProblem {
    fn describe(&self, lang: Lang) -> String {
        use crate::engine::file_names::MAX_NAME_BYTES;
        use NameProblem::*;
        match (self, lang) {
            (Empty, Lang::Zh) => "文件名是空的 — 请填写共享文件夹里的文件名，例如 photo.jpg".to_owned(),
            (Empty, Lang::En) => {
                "The file name is empty — give the name of a file in the shared folder, e.g. photo.jpg"
                    .to_owned()
            }
            (TooLong, Lang::Zh) => format!(
                "文件名超过 {MAX_NAME_BYTES} 字节 — 服务器只读前 {MAX_NAME_BYTES} 字节（教程的 recv(1024)），请用短一些的名字"
            ),
            (TooLong, Lang::En) => format!(
                "The file name is longer than {MAX_NAME_BYTES} bytes — the server reads at most {MAX_NAME_BYTES} (the tutorial's recv(1024)); use a shorter name"
            ),
            (NotUtf8, Lang::Zh) => {
                "文件名不是 UTF-8 编码 — 请按 UTF-8 发送文件名（教程用 encode(\"utf-8\")）".to_owned()
            }
            (NotUtf8, Lang::En) => {
                "The file name is not UTF-8 — send it as UTF-8 (the tutorial uses encode(\"utf-8\"))"
                    .to_owned()
            }
            (Absolute, Lang::Zh) => {
                "文件名是绝对路径 — 只能请求共享文件夹里的文件，请写相对路径，例如 docs/a.txt"
                    .to_owned()
            }
            (Absolute, Lang::En) => {
                "The file name is an absolute path — only files in the shared folder can be asked for; write a relative path, e.g. docs/a.txt"
                    .to_owned()
            }
            (DriveLetter, Lang::Zh) => {
                "文件名带盘符（如 C:）— 只能请求共享文件夹里的文件，请写相对路径，例如 docs/a.txt"
                    .to_owned()
            }
            (DriveLetter, Lang::En) => {
                "The file name starts with a drive letter (like C:) — only files in the shared folder can be asked for; write a relative path, e.g. docs/a.txt"
                    .to_owned()
            }
            (Backslash, Lang::Zh) => {
                "文件名含反斜杠 \\ — 文件夹之间请用 /，例如 docs/a.txt".to_owned()
            }
            (Backslash, Lang::En) => {
                "The file name contains a backslash \\ — separate folders with /, e.g. docs/a.txt"
                    .to_owned()
            }
            (Nul, Lang::Zh) => "文件名含 NUL 字节（\\0）— 去掉它".to_owned(),
            (Nul, Lang::En) => "The file name contains a NUL byte (\\0) — remove it".to_owned(),
            (DotDot, Lang::Zh) => {
                "文件名含“..” — 不能跳出共享文件夹，请去掉“..”".to_owned()
            }
            (DotDot, Lang::En) => {
                "The file name contains \"..\" — it may not leave the shared folder; leave out the \"..\""
                    .to_owned()
            }
        }
    }
}

impl Describe for Refusal {
    fn describe(&self, lang: Lang) -> String {
        use Refusal::*;
        let name_secs = crate::engine::file_server::NAME_TIMEOUT.as_secs();
        match (self, lang) {
            (NotFound, Lang::Zh) => {
                "共享文件夹里没有这个文件 — 检查文件名（区分大小写），或把文件放进共享文件夹"
                    .to_owned()
            }
            (NotFound, Lang::En) => {
                "No such file in the shared folder — check the name (case matters), or put the file in the folder"
                    .to_owned()
            }
            (NotAFile, Lang::Zh) => "这是文件夹，不是文件 — 请求其中的某个文件".to_owned(),
            (NotAFile, Lang::En) => {
                "That is a folder, not a file — ask for a file inside it".to_owned()
            }
            (SpecialFile, Lang::Zh) => {
                "这是特殊文件（管道、设备或套接字），不是普通文件 — 只发送普通文件".to_owned()
            }
            (SpecialFile, Lang::En) => {
                "That is a special file (a pipe, device or socket), not a regular file — only regular files are sent"
                    .to_owned()
            }
            (Symlink, Lang::Zh) => {
                "它是符号链接，或路径经过符号链接 — 服务器不跟随链接，请把文件本身放进共享文件夹"
                    .to_owned()
            }
            (Symlink, Lang::En) => {
                "It is a symbolic link, or its path goes through one — the server follows no links; put the file itself in the shared folder"
                    .to_owned()
            }
            (OutsideRoot, Lang::Zh) => {
                "它指向共享文件夹之外（经由符号链接）— 只有文件夹里的文件才会发送".to_owned()
            }
            (OutsideRoot, Lang::En) => {
                "It leads outside the shared folder (through a symbolic link) — only files inside the folder are sent"
                    .to_owned()
            }
            (BadName(problem), _) => problem.describe(lang),
            (NoName, Lang::Zh) => format!(
                "没有收到文件名（{name_secs} 秒内没有数据，或客户端直接关闭了）— 客户端应在连接后立即发送文件名"
            ),
            (NoName, Lang::En) => format!(
                "No file name arrived (nothing within {name_secs} s, or the client just closed) — a client should send the name right after connecting"
            ),
            (Busy { max }, Lang::Zh) => {
                format!("同时传输的文件已达上限 {max} 个 — 请稍后再试")
            }
            (Busy { max }, Lang::En) => {
                format!("Already sending {max} files at once, the limit — try again later")
            }
            (TooManyWaiting { max }, Lang::Zh) => format!(
                "已有 {max} 个连接在等待发送文件名（上限）— 可能有人大量连接而不发送；请稍后再试"
            ),
            (TooManyWaiting { max }, Lang::En) => format!(
                "{max} connections are already waiting to send a file name, the limit — someone may be opening connections without using them; try again later"
            ),
            (Unreadable { message }, Lang::Zh) => {
                format!("无法读取这个文件：{message} — 检查它的权限")
            }
            (Unreadable { message }, Lang::En) => {
                format!("Cannot read the file: {message} — check its permissions")
            }
        }
    }
}

impl Describe for DownloadError {
    fn describe(&self, lang: Lang) -> String {
        use DownloadError::*;
        match (self, lang) {
            (BadName(problem), _) => problem.describe(lang),
            (Exists { path }, Lang::Zh) => {
                format!("{} 已存在 — 换一个名字保存，或选择覆盖它", path.display())
            }
            (Exists { path }, Lang::En) => format!(
                "{} already exists — save under another name, or choose to overwrite it",
                path.display()
            ),
            (Connect(error), _) => error.describe(lang),
            (NotFound { name }, Lang::Zh) => format!(
                "服务器什么也没发：它没有文件“{name}”（或文件是空的）— 检查文件名，它相对于服务器的共享文件夹"
            ),
            (NotFound { name }, Lang::En) => format!(
                "The server sent nothing: it has no file \"{name}\" (or the file is empty) — check the name; it is relative to the server's shared folder"
            ),
            (
                Write {
                    path,
                    disk_full: true,
                    ..
                },
                Lang::Zh,
            ) => format!(
                "磁盘已满，无法写入 {} — 腾出空间，或保存到别的磁盘",
                path.display()
            ),
            (
                Write {
                    path,
                    disk_full: true,
                    ..
                },
                Lang::En,
            ) => format!(
                "The disk is full: cannot write {} — free some space, or save to another disk",
                path.display()
            ),
            (Write { path, message, .. }, Lang::Zh) => format!(
                "无法写入 {}：{message} — 保存到一个可以写入的文件夹",
                path.display()
            ),
            (Write { path, message, .. }, Lang::En) => format!(
                "Cannot write {}: {message} — save to a folder you can write to",
                path.display()
            ),
            (Broken { received, message }, Lang::Zh) => {
                format!("收到 {received} 字节后连接中断：{message} — 不完整的文件已删除，请重试")
            }
            (Broken { received, message }, Lang::En) => format!(
                "The connection broke after {received} bytes: {message} — the incomplete file was removed; try again"
            ),
            (Stalled { received, secs }, Lang::Zh) => format!(
                "收到 {received} 字节后服务器 {secs} 秒没有再发数据 — 不完整的文件已删除，请重试"
            ),
            (Stalled { received, secs }, Lang::En) => format!(
                "The server sent nothing for {secs} s after {received} bytes — the incomplete file was removed; try again"
            ),
            (Cancelled, Lang::Zh) => "下载已取消 — 不完整的文件已删除".to_owned(),
            (Cancelled, Lang::En) => {
                "Download cancelled — the incomplete file was removed".to_owned()
            }
        }
    }
}
