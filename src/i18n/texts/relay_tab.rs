//! Words for the relay tab: its settings, the table of pairs, the fault panel,
//! the log's two directions and the presenter's captions.

use std::net::SocketAddr;

use crate::i18n::Lang;

use super::Texts;

/// The relay tab's fixed words, one set per language.
pub struct RelayWords {
    /// A row of bytes the client sent to the server (the log's Rx).
    pub c2s_mark: &'static str,
    /// A row of bytes the server sent to the client (the log's Tx).
    pub s2c_mark: &'static str,
    pub show_s2c: &'static str,
    pub show_c2s: &'static str,
    pub protocol: &'static str,
    pub target: &'static str,
    pub target_hint: &'static str,
    pub target_tip: &'static str,
    pub start: &'static str,
    pub stop: &'static str,
    pub stopped: &'static str,
    pub pairs: &'static str,
    pub col_client: &'static str,
    pub col_upstream: &'static str,
    pub col_upstream_tip: &'static str,
    pub col_state: &'static str,
    pub connecting: &'static str,
    pub relaying: &'static str,
    pub half_closed_client: &'static str,
    pub half_closed_server: &'static str,
    pub closed_by_client: &'static str,
    pub closed_by_server: &'static str,
    pub closed_by_relay: &'static str,
    pub reset_by_client: &'static str,
    pub reset_by_server: &'static str,
    pub reset_by_relay: &'static str,
    pub idle_ended: &'static str,
    pub failed: &'static str,
    pub close_selected: &'static str,
    pub close_all: &'static str,
    pub no_pairs: &'static str,
    pub faults: &'static str,
    pub faults_tip: &'static str,
    pub delay: &'static str,
    pub jitter: &'static str,
    pub rate: &'static str,
    pub split: &'static str,
    pub split_gap: &'static str,
    pub merge: &'static str,
    pub corrupt: &'static str,
    pub drop: &'static str,
    pub cut_after: &'static str,
    pub cut_reset: &'static str,
    pub pause: &'static str,
    pub apply: &'static str,
    pub applied: &'static str,
    /// The tag on a row the relay injected, and its tooltip.
    pub injected: &'static str,
    pub injected_tip: &'static str,
    pub inject_to_server: &'static str,
    pub inject_to_client: &'static str,
    pub inject_tip: &'static str,
    pub inject_no_pairs: &'static str,
    pub inject_none_selected: &'static str,
}

const EN: RelayWords = RelayWords {
    c2s_mark: "C→S",
    s2c_mark: "S→C",
    show_s2c: "Show S→C (server → client)",
    show_c2s: "Show C→S (client → server)",
    protocol: "Protocol",
    target: "Target server",
    target_hint: "10.0.0.5:502",
    target_tip: "Where the relay connects on each client's behalf: host:port",
    start: "Start relay",
    stop: "Stop relay",
    stopped: "Relay stopped",
    pairs: "Clients through the relay",
    col_client: "Client",
    col_upstream: "Relay → server from",
    col_upstream_tip: "The relay's own address on its connection to the server",
    col_state: "State",
    connecting: "connecting to the server…",
    relaying: "relaying",
    half_closed_client: "half-closed: the client sent FIN",
    half_closed_server: "half-closed: the server sent FIN",
    closed_by_client: "closed by the client",
    closed_by_server: "closed by the server",
    closed_by_relay: "closed by the relay",
    reset_by_client: "reset by the client",
    reset_by_server: "reset by the server",
    reset_by_relay: "reset by the relay",
    idle_ended: "ended (idle)",
    failed: "failed",
    close_selected: "Close selected",
    close_all: "Close all",
    no_pairs: "No client yet — point the device at the relay's port",
    faults: "Faults",
    faults_tip: "Empty means off. Apply takes effect at once, also for clients already relayed.",
    delay: "Delay (ms)",
    jitter: "Jitter (ms)",
    rate: "Rate (bytes/s)",
    split: "Split (bytes)",
    split_gap: "Split gap (ms)",
    merge: "Merge (ms)",
    corrupt: "Corrupt (%)",
    drop: "Drop (%, UDP)",
    cut_after: "Cut after (bytes)",
    cut_reset: "Cut by reset",
    pause: "Pause",
    apply: "Apply faults",
    applied: "Faults applied",
    injected: "injected",
    injected_tip: "Typed here and sent by the relay in the middle of the session, not by a peer",
    inject_to_server: "Send to the server (C→S)",
    inject_to_client: "Send to the client (S→C)",
    inject_tip: "Injects the message into the pair as if the other side had sent it, between what the relay forwards",
    inject_no_pairs: "No open pair to send to — wait for a client to connect to the relay",
    inject_none_selected: "Several pairs are open — tick the ones to send to in the table",
};

const ZH: RelayWords = RelayWords {
    c2s_mark: "客→服",
    s2c_mark: "服→客",
    show_s2c: "显示 服→客（服务器 → 客户端）",
    show_c2s: "显示 客→服（客户端 → 服务器）",
    protocol: "协议",
    target: "目标服务器",
    target_hint: "10.0.0.5:502",
    target_tip: "中继代每个客户端去连接的地址：主机:端口",
    start: "启动中继",
    stop: "停止中继",
    stopped: "中继未启动",
    pairs: "经过中继的客户端",
    col_client: "客户端",
    col_upstream: "中继连服务器的地址",
    col_upstream_tip: "中继自己连接服务器时用的本地地址",
    col_state: "状态",
    connecting: "正在连接服务器…",
    relaying: "转发中",
    half_closed_client: "半关闭：客户端已发 FIN",
    half_closed_server: "半关闭：服务器已发 FIN",
    closed_by_client: "客户端已关闭",
    closed_by_server: "服务器已关闭",
    closed_by_relay: "中继已关闭",
    reset_by_client: "客户端复位（RST）",
    reset_by_server: "服务器复位（RST）",
    reset_by_relay: "中继复位（RST）",
    idle_ended: "空闲超时已结束",
    failed: "失败",
    close_selected: "关闭所选",
    close_all: "全部关闭",
    no_pairs: "还没有客户端 — 让设备连接中继的端口",
    faults: "故障注入",
    faults_tip: "留空表示不启用。点“应用”立即生效，已在转发的客户端也一样。",
    delay: "延迟（毫秒）",
    jitter: "抖动（毫秒）",
    rate: "限速（字节/秒）",
    split: "拆包（字节）",
    split_gap: "拆包间隔（毫秒）",
    merge: "粘包窗口（毫秒）",
    corrupt: "损坏（%）",
    drop: "丢包（%，UDP）",
    cut_after: "切断（字节后）",
    cut_reset: "用复位切断",
    pause: "暂停",
    apply: "应用故障设置",
    applied: "故障设置已生效",
    injected: "注入",
    injected_tip: "在这里输入、由中继在会话中途发出，不是对端发的",
    inject_to_server: "发给服务器（客→服）",
    inject_to_client: "发给客户端（服→客）",
    inject_tip: "把消息插入这对连接，就像另一端发的一样，夹在中继转发的数据之间",
    inject_no_pairs: "没有打开的连接对可发 — 等客户端连上中继",
    inject_none_selected: "打开了多对连接 — 在表格里勾选要发给的连接对",
};

impl Texts {
    /// Whom the relay's send box injects into: one pair, or the ticked ones.
    pub fn inject_pairs(&self, pairs: &[u64]) -> String {
        match (pairs, self.lang) {
            ([], Lang::Zh) => "（没有连接对）".to_owned(),
            ([], Lang::En) => "(no pair)".to_owned(),
            ([one], Lang::Zh) => format!("连接对 #{one}"),
            ([one], Lang::En) => format!("pair #{one}"),
            (many, Lang::Zh) => format!("已勾选的 {} 对", many.len()),
            (many, Lang::En) => format!("{} ticked pairs", many.len()),
        }
    }

    /// The relay tab's fixed words.
    pub fn relay(&self) -> &'static RelayWords {
        match self.lang {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }

    /// A fault field that is not a number.
    pub fn fault_not_number(&self, field: &str, text: &str) -> String {
        match self.lang {
            Lang::Zh => format!("{field}：“{text}”不是数字 — 请填数字，或留空不启用"),
            Lang::En => {
                format!("{field}: \"{text}\" is not a number — type a number, or leave it empty")
            }
        }
    }

    /// The relay tab's status line while it listens.
    pub fn relay_status(&self, local: SocketAddr, target: &str, open: usize) -> String {
        match self.lang {
            Lang::Zh => format!("中继 {local} → {target} · {open} 个客户端在转发"),
            Lang::En => format!("Relaying {local} → {target} · {open} clients open"),
        }
    }

    /// The presenter's picture of a relay at work.
    pub fn caption_relayed(&self, client: SocketAddr, server: SocketAddr) -> String {
        match self.lang {
            Lang::Zh => format!("中继接受了 {client}，并代它连接了服务器 {server}"),
            Lang::En => {
                format!("The relay accepted {client} and connected to {server} on its behalf")
            }
        }
    }

    pub fn caption_relay_failed(&self, client: SocketAddr, reason: &str) -> String {
        match self.lang {
            Lang::Zh => format!("中继替 {client} 连不上服务器：{reason}"),
            Lang::En => format!("The relay could not reach the server for {client}: {reason}"),
        }
    }
}
