//! The one place that turns errors into sentences for the user.

use super::Lang;
use crate::codec::CodecError;
use crate::engine::{
    AutoReplyError, DownloadError, EngineError, InputError, NameProblem, PingOutcome, ReachEvent,
    Refusal,
};

/// Says what happened and what to do, in the user's language.
pub trait Describe {
    fn describe(&self, lang: Lang) -> String;
}

impl Describe for EngineError {
    fn describe(&self, lang: Lang) -> String {
        use EngineError::*;
        match (self, lang) {
            (AddrInUse { port }, Lang::Zh) => {
                format!("端口 {port} 已被占用 — 换一个端口或关闭占用它的程序")
            }
            (AddrInUse { port }, Lang::En) => format!(
                "Port {port} is already in use — pick another port or close the program using it"
            ),
            (AddrNotAvailable { ip }, Lang::Zh) => {
                format!("{ip} 不是本机的地址 — 从列表中选一个本机地址，或用 0.0.0.0")
            }
            (AddrNotAvailable { ip }, Lang::En) => format!(
                "{ip} is not an address of this machine — pick one from the list, or 0.0.0.0"
            ),
            (PermissionDenied { port }, Lang::Zh) => format!(
                "没有权限使用端口 {port} — 1024 以下的端口需要管理员权限，请换一个大于 1024 的端口"
            ),
            (PermissionDenied { port }, Lang::En) => format!(
                "No permission to use port {port} — ports below 1024 need administrator rights; pick one above 1024"
            ),
            (Unresolvable { host }, Lang::Zh) => {
                format!("无法解析主机名 {host} — 检查拼写、网络和 DNS")
            }
            (Unresolvable { host }, Lang::En) => {
                format!("Cannot resolve host {host} — check the spelling, the network and DNS")
            }
            (FamilyMismatch { host, family }, Lang::Zh) => format!(
                "{host} 没有 {family} 地址 — 本地地址与目标须同为 IPv4 或 IPv6（本地选 :: 可两者兼用）"
            ),
            (FamilyMismatch { host, family }, Lang::En) => format!(
                "{host} has no {family} address — local and target must both be IPv4 or IPv6 (local :: serves both)"
            ),
            (PayloadTooLarge { len, max }, Lang::Zh) => {
                format!("数据有 {len} 字节，超过 UDP 单包上限 {max} 字节 — 请分几次发送")
            }
            (PayloadTooLarge { len, max }, Lang::En) => format!(
                "The payload is {len} bytes, over the UDP limit of {max} bytes — split it into several sends"
            ),
            (PeerUnreachable { peer: Some(peer) }, Lang::Zh) => {
                format!("{peer} 端口不可达 — 对方没有程序在这个端口上接收")
            }
            (PeerUnreachable { peer: Some(peer) }, Lang::En) => {
                format!("{peer} is unreachable — nothing there receives on that port")
            }
            (PeerUnreachable { peer: None }, Lang::Zh) => {
                "对方端口不可达 — 先前发往的地址上没有程序在接收".to_owned()
            }
            (PeerUnreachable { peer: None }, Lang::En) => {
                "A peer was unreachable — nothing received on a port we sent to".to_owned()
            }
            (ConnectRefused { peer }, Lang::Zh) => {
                format!("{peer} 拒绝连接 — 对方主机在，但这个端口上没有程序在监听")
            }
            (ConnectRefused { peer }, Lang::En) => format!(
                "{peer} refused the connection — the host is up, but nothing listens on that port"
            ),
            (ConnectTimeout { peer, secs }, Lang::Zh) => {
                format!("连接 {peer} 超时（{secs} 秒无应答）— 可能被防火墙拦截，或主机不在线")
            }
            (ConnectTimeout { peer, secs }, Lang::En) => format!(
                "No answer from {peer} within {secs} s — a firewall may drop it, or the host is down"
            ),
            (Unreachable { peer }, Lang::Zh) => {
                format!("无法到达 {peer} — 没有通往该地址的路由，检查网线、IP 和子网")
            }
            (Unreachable { peer }, Lang::En) => format!(
                "{peer} is unreachable — no route to it; check the cable, the IP and the subnet"
            ),
            (ConnectionReset { message }, Lang::Zh) => format!("连接被对方重置：{message}"),
            (ConnectionReset { message }, Lang::En) => {
                format!("The peer reset the connection: {message}")
            }
            (SendQueueFull { queued }, Lang::Zh) => {
                format!("发送队列已满（{queued} 条待发）— 对方没有在读数据，这条没有发出")
            }
            (SendQueueFull { queued }, Lang::En) => format!(
                "The send queue is full ({queued} waiting) — the peer is not reading; this one was not sent"
            ),
            (NotConnected, Lang::Zh) => "尚未连接 — 请先连接".to_owned(),
            (NotConnected, Lang::En) => "Not connected — connect first".to_owned(),
            (FolderUnusable { path, message }, Lang::Zh) => {
                format!("无法共享文件夹 {path}：{message} — 选一个存在且可读的文件夹")
            }
            (FolderUnusable { path, message }, Lang::En) => format!(
                "Cannot share the folder {path}: {message} — pick a folder that exists and can be read"
            ),
            (FileUnreadable { path, message }, Lang::Zh) => {
                format!("无法读取文件 {path}：{message} — 文件是否还在、能否读取？")
            }
            (FileUnreadable { path, message }, Lang::En) => {
                format!("Cannot read {path}: {message} — is the file still there, and readable?")
            }
            (LineTooLong { path, line, max }, Lang::Zh) => format!(
                "{path} 的第 {line} 行超过 {max} 字节 — 逐行发送只用于文本文件；整个文件发送请去掉“逐行”"
            ),
            (LineTooLong { path, line, max }, Lang::En) => format!(
                "Line {line} of {path} is longer than {max} bytes — sending line by line is for text files; send the file whole instead"
            ),
            (CaptureFailed { path, message }, Lang::Zh) => {
                format!("无法写入抓包文件 {path}：{message} — 换一个可写的位置")
            }
            (CaptureFailed { path, message }, Lang::En) => format!(
                "Cannot write the capture file {path}: {message} — pick a place you can write to"
            ),
            (Stalled { secs }, Lang::Zh) => format!("对方 {secs} 秒没有读取数据，已放弃"),
            (Stalled { secs }, Lang::En) => {
                format!("The peer stopped reading for {secs} s; gave up")
            }
            (ClientCapReached { max }, Lang::Zh) => format!(
                "已拒绝新连接：服务器已有 {max} 个客户端（上限）— 断开一些客户端，或调高上限"
            ),
            (ClientCapReached { max }, Lang::En) => format!(
                "New connection refused: the server already has its maximum of {max} clients — disconnect some, or raise the limit"
            ),
            (Io { op, message, .. }, Lang::Zh) => format!("{}失败：{message}", op_zh(*op)),
            (Io { op, message, .. }, Lang::En) => format!("{op} failed: {message}"),
            (Thread { message }, Lang::Zh) => format!("无法启动工作线程：{message}"),
            (Thread { message }, Lang::En) => format!("Could not start a worker thread: {message}"),
            (WorkerPanicked { thread, message }, Lang::Zh) => format!(
                "{}线程内部错误：{message} — 这是 netdbg 的缺陷，请报告此问题",
                role_zh(*thread)
            ),
            (WorkerPanicked { thread, message }, Lang::En) => format!(
                "Internal error in the {thread} thread: {message} — a bug in netdbg; please report it"
            ),
        }
    }
}

fn op_zh(op: crate::engine::error::IoOp) -> &'static str {
    use crate::engine::error::IoOp;
    match op {
        IoOp::Bind => "绑定端口",
        IoOp::Send => "发送",
        IoOp::Receive => "接收",
        IoOp::Resolve => "解析地址",
        IoOp::Connect => "连接",
        IoOp::Accept => "接受连接",
    }
}

fn role_zh(role: crate::engine::error::WorkerRole) -> &'static str {
    use crate::engine::error::WorkerRole;
    match role {
        WorkerRole::Receive => "接收",
        WorkerRole::Send => "发送",
        WorkerRole::Accept => "接受连接",
    }
}

impl Describe for InputError {
    fn describe(&self, lang: Lang) -> String {
        use InputError::*;
        match (self, lang) {
            (PortEmpty, Lang::Zh) => "请填写端口号（1–65535）".to_owned(),
            (PortEmpty, Lang::En) => "Enter a port number (1–65535)".to_owned(),
            (PortNotNumber { text }, Lang::Zh) => {
                format!("端口“{text}”不是数字 — 请填 1–65535 之间的整数")
            }
            (PortNotNumber { text }, Lang::En) => {
                format!("Port \"{text}\" is not a number — enter a whole number from 1 to 65535")
            }
            (PortOutOfRange { text }, Lang::Zh) => {
                format!("端口 {text} 超出范围 — 端口号只能是 1–65535")
            }
            (PortOutOfRange { text }, Lang::En) => {
                format!("Port {text} is out of range — ports go from 1 to 65535")
            }
            (PortZero, Lang::Zh) => "这里需要一个固定端口，不能填 0".to_owned(),
            (PortZero, Lang::En) => "A fixed port is needed here; 0 is not allowed".to_owned(),
            (AddressEmpty, Lang::Zh) => "请填写地址".to_owned(),
            (AddressEmpty, Lang::En) => "Enter an address".to_owned(),
            (BadIp { text }, Lang::Zh) => {
                format!("“{text}”不是 IP 地址 — 例如 0.0.0.0、127.0.0.1 或 ::")
            }
            (BadIp { text }, Lang::En) => {
                format!("\"{text}\" is not an IP address — e.g. 0.0.0.0, 127.0.0.1 or ::")
            }
            (MissingPort { text }, Lang::Zh) => {
                format!("“{text}”缺少端口 — 请写成 主机:端口，例如 127.0.0.1:7788")
            }
            (MissingPort { text }, Lang::En) => {
                format!("\"{text}\" has no port — write host:port, e.g. 127.0.0.1:7788")
            }
            (Ipv6NeedsBrackets { text }, Lang::Zh) => {
                format!("“{text}”：IPv6 地址要加方括号，例如 [::1]:7788")
            }
            (Ipv6NeedsBrackets { text }, Lang::En) => {
                format!("\"{text}\": put an IPv6 address in brackets, e.g. [::1]:7788")
            }
        }
    }
}

impl Describe for CodecError {
    fn describe(&self, lang: Lang) -> String {
        use CodecError::*;
        match (self, lang) {
            (HexOddDigits { digits }, Lang::Zh) => {
                format!("HEX 位数是奇数（{digits} 位）— 每个字节要两位，例如 0A")
            }
            (HexOddDigits { digits }, Lang::En) => {
                format!("Odd number of HEX digits ({digits}) — each byte needs two, e.g. 0A")
            }
            (HexInvalidChar { ch, position }, Lang::Zh) => {
                format!("第 {position} 个字符“{ch}”不是十六进制数字（0–9、A–F）")
            }
            (HexInvalidChar { ch, position }, Lang::En) => {
                format!("Character {position} ('{ch}') is not a HEX digit (0–9, A–F)")
            }
            (BadEscape { position, sequence }, Lang::Zh) => format!(
                "第 {position} 个字符处的转义“{sequence}”无效 — 支持 \\r \\n \\t \\\\ \\0 \\xNN"
            ),
            (BadEscape { position, sequence }, Lang::En) => format!(
                "Invalid escape \"{sequence}\" at character {position} — use \\r \\n \\t \\\\ \\0 \\xNN"
            ),
            (
                Unmappable {
                    ch,
                    position,
                    encoding,
                },
                Lang::Zh,
            ) => {
                format!("第 {position} 个字符“{ch}”无法用 {encoding} 编码 — 换用 UTF-8 或 GB18030")
            }
            (
                Unmappable {
                    ch,
                    position,
                    encoding,
                },
                Lang::En,
            ) => format!(
                "Character {position} ('{ch}') cannot be encoded in {encoding} — use UTF-8 or GB18030"
            ),
        }
    }
}

impl Describe for AutoReplyError {
    fn describe(&self, lang: Lang) -> String {
        use AutoReplyError::*;
        match (self, lang) {
            (Reply(error), Lang::Zh) => format!("自动回复内容有误：{}", error.describe(lang)),
            (Reply(error), Lang::En) => format!("Auto-reply text: {}", error.describe(lang)),
            (Farewell(error), Lang::Zh) => format!("告别语有误：{}", error.describe(lang)),
            (Farewell(error), Lang::En) => format!("Farewell text: {}", error.describe(lang)),
            (Pattern { rule, error }, Lang::Zh) => {
                format!("规则 {rule} 的匹配内容有误：{}", error.describe(lang))
            }
            (Pattern { rule, error }, Lang::En) => {
                format!("Rule {rule}, pattern: {}", error.describe(lang))
            }
            (RuleReply { rule, error }, Lang::Zh) => {
                format!("规则 {rule} 的回复内容有误：{}", error.describe(lang))
            }
            (RuleReply { rule, error }, Lang::En) => {
                format!("Rule {rule}, reply: {}", error.describe(lang))
            }
            (Regex { rule, message }, Lang::Zh) => {
                format!("规则 {rule} 的正则表达式无效：{message}")
            }
            (Regex { rule, message }, Lang::En) => {
                format!("Rule {rule}: invalid regular expression: {message}")
            }
            (EmptyPattern { rule }, Lang::Zh) => {
                format!("规则 {rule} 没有填写匹配内容 — 填上内容或删除这条规则")
            }
            (EmptyPattern { rule }, Lang::En) => {
                format!("Rule {rule} has an empty pattern — fill it in or delete the rule")
            }
        }
    }
}

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

/// A probe's result in words: what it means for the host and the port.
pub fn describe_reach(event: &ReachEvent, lang: Lang) -> Option<(String, bool)> {
    let texts = lang.texts();
    let line = match event {
        ReachEvent::TcpReachable { peer } => (texts.tcp_reachable(*peer), true),
        ReachEvent::TcpFailed(error) => {
            let words = match error {
                EngineError::ConnectRefused { peer } => texts.tcp_refused(*peer),
                EngineError::ConnectTimeout { peer, secs } => texts.tcp_timed_out(*peer, *secs),
                EngineError::Unreachable { peer } => texts.tcp_unreachable(*peer),
                EngineError::Unresolvable { host } => texts.unknown_host(host),
                other => other.describe(lang),
            };
            (words, false)
        }
        ReachEvent::Ping(PingOutcome::Replied { millis }) => (texts.ping_replied(*millis), true),
        ReachEvent::Ping(PingOutcome::NoReply) => (texts.ping_no_reply.to_owned(), false),
        ReachEvent::Ping(PingOutcome::Unavailable) => (texts.ping_unavailable.to_owned(), false),
        ReachEvent::Ping(PingOutcome::Failed { message }) => (texts.ping_failed(message), false),
        ReachEvent::Finished => return None,
    };
    Some(line)
}
