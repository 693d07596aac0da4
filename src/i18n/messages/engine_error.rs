//! The engine's errors in words.

use super::Describe;
use crate::engine::EngineError;
use crate::engine::error::{IoOp, WorkerRole};
use crate::i18n::Lang;

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
            (BadMessage(error), Lang::Zh) => format!("这条消息没能生成：{}", error.describe(lang)),
            (BadMessage(error), Lang::En) => {
                format!("This message could not be built: {}", error.describe(lang))
            }
            (EmptyMessage, Lang::Zh) => {
                "消息是空的，没有可发的 — TCP 是字节流，发 0 个字节什么也不会发生".to_owned()
            }
            (EmptyMessage, Lang::En) => {
                "The message is empty — TCP is a byte stream: sending 0 bytes sends nothing"
                    .to_owned()
            }
            (PairGone { pair }, Lang::Zh) => {
                format!("连接对 #{pair} 已经关闭 — 在表格里选一个还开着的")
            }
            (PairGone { pair }, Lang::En) => {
                format!("Pair #{pair} has closed — pick one that is still open in the table")
            }
            (UpstreamNotReady { pair }, Lang::Zh) => {
                format!("连接对 #{pair} 还没连上服务器 — 等它连上再发给服务器")
            }
            (UpstreamNotReady { pair }, Lang::En) => format!(
                "Pair #{pair} has not reached the server yet — wait until it is connected to send to the server"
            ),
            (RelayToItself { addr }, Lang::Zh) => format!(
                "目标 {addr} 就是中继自己的监听地址 — 中继会把数据转发给自己；换一个目标或监听端口"
            ),
            (RelayToItself { addr }, Lang::En) => format!(
                "The target {addr} is the relay's own listening address — it would forward to itself; pick another target or listen port"
            ),
            (Io { op, message, .. }, Lang::Zh) => format!("{}失败：{message}", op_zh(*op)),
            (Io { op, message, .. }, Lang::En) => format!("{} failed: {message}", op_en(*op)),
            (Tls(error), _) => error.describe(lang),
            (Thread { message }, Lang::Zh) => format!("无法启动工作线程：{message}"),
            (Thread { message }, Lang::En) => format!("Could not start a worker thread: {message}"),
            (WorkerPanicked { thread, message }, Lang::Zh) => format!(
                "{}线程内部错误：{message} — 这是 netdbg 的缺陷，请报告此问题",
                role_zh(*thread)
            ),
            (WorkerPanicked { thread, message }, Lang::En) => format!(
                "Internal error in the {} thread: {message} — a bug in netdbg; please report it",
                role_en(*thread)
            ),
        }
    }
}

fn op_zh(op: IoOp) -> &'static str {
    match op {
        IoOp::Bind => "绑定端口",
        IoOp::Send => "发送",
        IoOp::Receive => "接收",
        IoOp::Resolve => "解析地址",
        IoOp::Connect => "连接",
        IoOp::Accept => "接受连接",
    }
}

fn op_en(op: IoOp) -> &'static str {
    match op {
        IoOp::Bind => "bind",
        IoOp::Send => "send",
        IoOp::Receive => "receive",
        IoOp::Resolve => "resolve",
        IoOp::Connect => "connect",
        IoOp::Accept => "accept",
    }
}

fn role_zh(role: WorkerRole) -> &'static str {
    match role {
        WorkerRole::Receive => "接收",
        WorkerRole::Send => "发送",
        WorkerRole::Accept => "接受连接",
    }
}

fn role_en(role: WorkerRole) -> &'static str {
    match role {
        WorkerRole::Receive => "receive",
        WorkerRole::Send => "send",
        WorkerRole::Accept => "accept",
    }
}
