//! Fixed UI words. A struct rather than a key lookup, so a missing translation
//! is a compile error, not a blank button.

use std::net::SocketAddr;

use crate::engine::CounterSnapshot;

use super::Lang;

pub struct Texts {
    pub lang: Lang,
    pub app_title: &'static str,
    pub language: &'static str,
    pub tab_udp: &'static str,
    pub tab_tcp_client: &'static str,
    pub server: &'static str,
    pub local_port_optional: &'static str,
    pub auto: &'static str,
    pub connect: &'static str,
    pub disconnect: &'static str,
    pub local_address: &'static str,
    pub local_port: &'static str,
    pub open: &'static str,
    pub close: &'static str,
    pub target: &'static str,
    pub target_hint: &'static str,
    pub send: &'static str,
    pub send_box: &'static str,
    pub send_hint: &'static str,
    pub mode_text: &'static str,
    pub mode_hex: &'static str,
    pub escapes: &'static str,
    pub escapes_tip: &'static str,
    pub encoding: &'static str,
    pub show: &'static str,
    pub show_text: &'static str,
    pub show_hex: &'static str,
    pub show_both: &'static str,
    pub pause_display: &'static str,
    pub clear: &'static str,
    pub auto_scroll: &'static str,
    pub log_limit: &'static str,
    pub reset_counters: &'static str,
    pub rx: &'static str,
    pub tx: &'static str,
    pub packets: &'static str,
    pub bytes: &'static str,
    pub status_closed: &'static str,
    pub scope_any: &'static str,
    pub scope_loopback: &'static str,
    pub scope_private: &'static str,
    pub scope_link_local: &'static str,
    pub scope_public: &'static str,
    pub not_open: &'static str,
    pub privileged_port_hint: &'static str,
    pub port_zero_hint: &'static str,
    pub paused: &'static str,
    pub log_empty: &'static str,
    pub tab_tcp_server: &'static str,
    pub start_listening: &'static str,
    pub stop_listening: &'static str,
    pub stop_listening_tip: &'static str,
    pub disconnect_all: &'static str,
    pub disconnect_selected: &'static str,
    pub backlog: &'static str,
    pub backlog_tip: &'static str,
    pub max_clients: &'static str,
    pub max_clients_tip: &'static str,
    pub filter_clients: &'static str,
    pub filter_clients_hint: &'static str,
    pub col_client: &'static str,
    pub col_since: &'static str,
    pub col_rx: &'static str,
    pub col_tx: &'static str,
    pub col_state: &'static str,
    pub state_connected: &'static str,
    pub state_closed_by_peer: &'static str,
    pub state_closed_by_us: &'static str,
    pub state_broken: &'static str,
    pub send_to_selected: &'static str,
    pub send_to_all: &'static str,
    pub log_all_clients: &'static str,
    pub log_selected_only: &'static str,
    pub log_of: &'static str,
    pub select_all: &'static str,
    pub select_none: &'static str,
    pub remove_closed: &'static str,
    pub no_client_selected: &'static str,
    pub no_clients: &'static str,
    pub no_clients_yet: &'static str,
    pub auto_reply: &'static str,
    pub reply_every: &'static str,
    pub farewell: &'static str,
    pub rules: &'static str,
    pub add_rule: &'static str,
    pub delete_rule: &'static str,
    pub tutorial_preset: &'static str,
    pub match_contains: &'static str,
    pub match_starts: &'static str,
    pub match_equals: &'static str,
    pub match_regex: &'static str,
    pub when_message: &'static str,
    pub reply_with: &'static str,
    pub pattern: &'static str,
    pub auto_reply_tip: &'static str,
    pub not_listening: &'static str,
    pub timeline: &'static str,
    pub timeline_subject: &'static str,
    pub timeline_local: &'static str,
    pub timeline_pause: &'static str,
    pub timeline_resume: &'static str,
    pub timeline_step: &'static str,
    pub timeline_zoom: &'static str,
    pub timeline_empty: &'static str,
    pub timeline_bind: &'static str,
    pub timeline_listen: &'static str,
    pub timeline_closed_by_peer: &'static str,
    pub timeline_closed_by_us: &'static str,
    pub timeline_reset: &'static str,
    pub timeline_start_over: &'static str,
    pub connection_map: &'static str,
    pub map_listening: &'static str,
    pub map_closed_by_peer: &'static str,
    pub map_closed_by_us: &'static str,
    pub map_reset: &'static str,
    pub map_legend: &'static str,
    pub presenter_mode: &'static str,
    pub presenter_tip: &'static str,
    pub rate_plot: &'static str,
    pub bytes_per_sec: &'static str,
    pub packets_per_sec: &'static str,
    pub plot_rx: &'static str,
    pub plot_tx: &'static str,
    pub plot_all_clients: &'static str,
    pub plot_selected_clients: &'static str,
    pub plot_select_hint: &'static str,
    pub tab_network: &'static str,
    pub network_card: &'static str,
    pub col_interface: &'static str,
    pub col_address: &'static str,
    pub col_kind: &'static str,
    pub col_meaning: &'static str,
    pub network_refresh: &'static str,
    pub range_any: &'static str,
    pub range_loopback: &'static str,
    pub range_private: &'static str,
    pub range_link_local: &'static str,
    pub range_public: &'static str,
    pub port_ranges: &'static str,
    pub ports_well_known: &'static str,
    pub ports_registered: &'static str,
    pub ports_dynamic: &'static str,
    pub reach_title: &'static str,
    pub reach_host: &'static str,
    pub reach_port: &'static str,
    pub reach_check: &'static str,
    pub reach_running: &'static str,
    pub reach_ping_only: &'static str,
    pub ping_unavailable: &'static str,
    pub ping_no_reply: &'static str,
    pub preset_text: &'static str,
    pub search: &'static str,
    pub search_hint: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub peer_filter: &'static str,
    pub peer_filter_hint: &'static str,
    pub show_sent: &'static str,
    pub timestamps: &'static str,
    pub time_off: &'static str,
    pub time_s: &'static str,
    pub time_ms: &'static str,
    pub copy_lines: &'static str,
    pub save_log: &'static str,
    pub capture_start: &'static str,
    pub capture_stop: &'static str,
    pub capture_tip: &'static str,
    pub settings_reset: &'static str,
    pub dismiss: &'static str,
    pub line_ending: &'static str,
    pub checksum: &'static str,
    pub checksum_tip: &'static str,
    pub no_checksum: &'static str,
    pub preview: &'static str,
    pub repeat_every: &'static str,
    pub repeat_ms: &'static str,
    pub repeat_count: &'static str,
    pub start_repeat: &'static str,
    pub stop_job: &'static str,
    pub send_file: &'static str,
    pub file_whole: &'static str,
    pub file_lines: &'static str,
    pub history_tip: &'static str,
    pub quick_commands: &'static str,
    pub add_preset: &'static str,
    pub preset_name: &'static str,
    pub move_up: &'static str,
    pub move_down: &'static str,
    pub import: &'static str,
    pub export: &'static str,
    pub presets_tip: &'static str,
    pub interval_bad: &'static str,
    pub count_bad: &'static str,
    pub presets_file_bad: &'static str,
    pub tab_files: &'static str,
    pub download_title: &'static str,
    pub file_name: &'static str,
    pub file_name_hint: &'static str,
    pub save_as: &'static str,
    pub browse: &'static str,
    pub download: &'static str,
    pub cancel: &'static str,
    pub overwrite: &'static str,
    pub pick_new_name: &'static str,
    pub history: &'static str,
    pub col_time: &'static str,
    pub col_file: &'static str,
    pub col_size: &'static str,
    pub col_result: &'static str,
    pub file_server_title: &'static str,
    pub shared_folder: &'static str,
    pub shared_folder_hint: &'static str,
    pub choose_folder: &'static str,
    pub start_serving: &'static str,
    pub stop_serving: &'static str,
    pub refresh: &'static str,
    pub files_in_folder: &'static str,
    pub no_files: &'static str,
    pub transfers: &'static str,
    pub state_sending: &'static str,
    pub state_done: &'static str,
    pub state_failed: &'static str,
    pub state_refused: &'static str,
    pub no_transfers_yet: &'static str,
    pub dialog_open: &'static str,
    pub save_path_empty: &'static str,
    pub folder_empty: &'static str,
    pub copy: &'static str,
    pub protocol_note: &'static str,
    pub refused: &'static str,
}

pub const ZH: Texts = Texts {
    lang: Lang::Zh,
    app_title: "netdbg — 网络调试助手",
    language: "语言",
    tab_udp: "UDP",
    tab_tcp_client: "TCP 客户端",
    server: "服务器",
    local_port_optional: "本地端口（可选）",
    auto: "自动",
    connect: "连接",
    disconnect: "断开",
    local_address: "本地地址",
    local_port: "本地端口",
    open: "打开",
    close: "关闭",
    target: "目标",
    target_hint: "主机:端口，例如 127.0.0.1:8080",
    send: "发送",
    send_box: "发送内容",
    send_hint: "要发送的内容（Ctrl+Enter 发送）",
    mode_text: "文本",
    mode_hex: "HEX",
    escapes: "转义",
    escapes_tip: "识别 \\r \\n \\t \\\\ \\xNN",
    encoding: "编码",
    show: "显示",
    show_text: "文本",
    show_hex: "HEX",
    show_both: "文本+HEX",
    pause_display: "暂停显示",
    clear: "清空",
    auto_scroll: "自动滚动",
    log_limit: "日志上限（行）",
    reset_counters: "计数清零",
    rx: "收",
    tx: "发",
    packets: "包",
    bytes: "字节",
    status_closed: "未打开",
    scope_any: "所有接口",
    scope_loopback: "本机回环",
    scope_private: "局域网（私有）",
    scope_link_local: "链路本地",
    scope_public: "公网",
    not_open: "请先打开 UDP 端口再发送",
    privileged_port_hint: "提示：1024 以下的端口可能需要管理员权限",
    port_zero_hint: "端口 0：由系统分配一个空闲端口",
    paused: "显示已暂停，数据仍在接收和计数",
    log_empty: "还没有数据。打开端口后，收到和发出的数据会显示在这里。",
    tab_tcp_server: "TCP 服务器",
    start_listening: "开始监听",
    stop_listening: "停止监听",
    stop_listening_tip: "不再接受新连接；已连接的客户端继续通信",
    disconnect_all: "断开全部",
    disconnect_selected: "断开所选",
    backlog: "监听队列",
    backlog_tip: "listen() 的等待队列长度：同时涌入的连接排队等 accept",
    max_clients: "客户端上限",
    max_clients_tip: "超过上限的新连接会被拒绝并记录",
    filter_clients: "筛选",
    filter_clients_hint: "地址或端口",
    col_client: "客户端",
    col_since: "连接时间",
    col_rx: "收",
    col_tx: "发",
    col_state: "状态",
    state_connected: "已连接",
    state_closed_by_peer: "对方已关闭",
    state_closed_by_us: "已断开",
    state_broken: "异常断开",
    send_to_selected: "发给所选",
    send_to_all: "发给全部",
    log_all_clients: "全部客户端",
    log_selected_only: "仅所选客户端",
    log_of: "日志",
    select_all: "全选",
    select_none: "全不选",
    remove_closed: "移除已关闭",
    no_client_selected: "没有选中客户端 — 先在列表中勾选，或选“发给全部”",
    no_clients: "还没有客户端连接",
    no_clients_yet: "还没有客户端。开始监听后，连接上来的客户端会列在这里。",
    auto_reply: "自动回复",
    reply_every: "每条消息都回复",
    farewell: "客户端关闭时回复",
    rules: "规则（先匹配先用）",
    add_rule: "添加规则",
    delete_rule: "删除",
    tutorial_preset: "教程服务器：收到 / 再见!",
    match_contains: "包含",
    match_starts: "开头是",
    match_equals: "等于",
    match_regex: "匹配正则",
    when_message: "消息",
    reply_with: "回复",
    pattern: "匹配内容",
    auto_reply_tip: "文本回复支持 \\r \\n \\xNN 转义；勾选 HEX 则按十六进制填写",
    not_listening: "未监听",
    timeline: "时间线",
    timeline_subject: "对象",
    timeline_local: "本机套接字",
    timeline_pause: "暂停",
    timeline_resume: "继续",
    timeline_step: "单步",
    timeline_zoom: "每 100 像素秒数",
    timeline_empty: "还没有事件",
    timeline_bind: "bind()：套接字已绑定本机地址",
    timeline_listen: "listen()：开始等待连接",
    timeline_closed_by_peer: "recv() 返回 0：对方关闭了连接",
    timeline_closed_by_us: "我方关闭了连接",
    timeline_reset: "连接被重置",
    timeline_start_over: "从头播放",
    connection_map: "连接图",
    map_listening: "监听中",
    map_closed_by_peer: "对方关闭",
    map_closed_by_us: "我方关闭",
    map_reset: "重置/出错",
    map_legend: "绿色：收到（流向服务器） · 蓝色：发出（流向客户端）",
    presenter_mode: "演示模式",
    presenter_tip: "放大界面、隐藏高级设置、用一句话解释每一步。Ctrl + 加号 / Ctrl + 减号 调整大小（会记住）",
    rate_plot: "速率图",
    bytes_per_sec: "字节/秒",
    packets_per_sec: "包/秒",
    plot_rx: "接收",
    plot_tx: "发送",
    plot_all_clients: "速率：全部客户端",
    plot_selected_clients: "速率：选中的客户端",
    plot_select_hint: "在客户端列表里勾选一个客户端，就能单独看它的速率",
    tab_network: "网络",
    network_card: "本机网络",
    col_interface: "接口",
    col_address: "地址",
    col_kind: "类型",
    col_meaning: "含义",
    network_refresh: "刷新",
    range_any: "0.0.0.0 与 ::：绑定时表示本机的所有接口",
    range_loopback: "127.0.0.1（127/8）与 ::1：只通向本机自己，数据不出网卡",
    range_private: "10/8、172.16/12、192.168/16（IPv6 fc00::/7）：局域网地址，互联网上不路由",
    range_link_local: "169.254/16 与 fe80::/10：没有 DHCP 时自动分配，只在同一条链路上有效",
    range_public: "其余地址：公网地址，互联网上可以到达（除非防火墙挡住）",
    port_ranges: "端口范围",
    ports_well_known: "0–1023 知名端口（HTTP 80、SSH 22…）：监听它们需要管理员权限",
    ports_registered: "1024–49151 注册端口：服务器程序常用，如 7788、8080",
    ports_dynamic: "49152–65535 动态端口：客户端不 bind 时，系统从这里为它挑一个端口",
    reach_title: "连通性检查（ping）",
    reach_host: "主机",
    reach_port: "端口（可选）",
    reach_check: "检查",
    reach_running: "正在检查…",
    reach_ping_only: "没有填端口：只做 ping",
    ping_unavailable: "ping 在这里不可用（未安装或没有权限）— 请看 TCP 的结果",
    ping_no_reply: "ping：没有回应 — 主机可能不在线，或防火墙挡住了 ICMP（很多主机默认如此）",
    preset_text: "内容",
    search: "查找",
    search_hint: "要查找的文字",
    previous: "上一个",
    next: "下一个",
    peer_filter: "对端",
    peer_filter_hint: "地址或端口",
    show_sent: "显示发送",
    timestamps: "时间戳",
    time_off: "无",
    time_s: "时:分:秒",
    time_ms: "含毫秒",
    copy_lines: "复制所选行",
    save_log: "保存日志…",
    capture_start: "抓包到文件…",
    capture_stop: "停止抓包",
    capture_tip: "引擎把收发的每个字节（含时间、对端）写入文件，与显示上限无关",
    settings_reset: "上次的设置无法读取（文件损坏或来自不兼容的版本），已改用默认设置",
    dismiss: "知道了",
    line_ending: "行尾",
    checksum: "校验",
    checksum_tip: "附加在末尾的校验字节（对前面全部字节计算）：sum8 累加和、xor8 异或；CRC-16/Modbus 低字节在前（Modbus RTU 的发送顺序）；CRC-16/CCITT-FALSE 和 CRC-32 高字节在前",
    no_checksum: "无",
    preview: "将发送",
    repeat_every: "定时发送，间隔",
    repeat_ms: "毫秒",
    repeat_count: "次数（0=不停）",
    start_repeat: "开始定时发送",
    stop_job: "停止",
    send_file: "发送文件…",
    file_whole: "整个文件",
    file_lines: "每次一行，间隔",
    history_tip: "↑ / ↓ 翻出之前发过的内容",
    quick_commands: "快捷指令",
    add_preset: "把当前内容存为快捷指令",
    preset_name: "名称",
    move_up: "上移",
    move_down: "下移",
    import: "导入…",
    export: "导出…",
    presets_tip: "点名称发送；Ctrl+1…9 发送前 9 条",
    interval_bad: "间隔要填 1 以上的整数（毫秒）",
    count_bad: "次数要填 0 以上的整数（0 表示不停）",
    presets_file_bad: "这个文件不是快捷指令文件",
    tab_files: "文件传输",
    download_title: "下载文件",
    file_name: "文件名",
    file_name_hint: "服务器上的文件名，例如 firmware.bin",
    save_as: "保存为",
    browse: "浏览…",
    download: "下载",
    cancel: "取消",
    overwrite: "覆盖",
    pick_new_name: "改用新名字",
    history: "已完成的下载",
    col_time: "时间",
    col_file: "文件",
    col_size: "大小",
    col_result: "结果",
    file_server_title: "文件服务器",
    shared_folder: "共享文件夹",
    shared_folder_hint: "要共享的文件夹路径",
    choose_folder: "选择…",
    start_serving: "开始共享",
    stop_serving: "停止共享",
    refresh: "刷新",
    files_in_folder: "文件夹中的文件",
    no_files: "文件夹里没有文件",
    transfers: "传输记录",
    state_sending: "发送中",
    state_done: "完成",
    state_failed: "失败",
    state_refused: "已拒绝",
    no_transfers_yet: "还没有下载请求。开始共享后，客户端的每次请求都会列在这里。",
    dialog_open: "对话框已打开…",
    save_path_empty: "请填写保存位置",
    folder_empty: "请先选择或填写共享文件夹",
    copy: "复制",
    protocol_note: "协议同教程：客户端发送文件名，服务器发回文件内容后关闭；回复为空表示没有这个文件。",
    refused: "拒绝",
};

pub const EN: Texts = Texts {
    lang: Lang::En,
    app_title: "netdbg — 网络调试助手",
    language: "Language",
    tab_udp: "UDP",
    tab_tcp_client: "TCP client",
    server: "Server",
    local_port_optional: "Local port (optional)",
    auto: "auto",
    connect: "Connect",
    disconnect: "Disconnect",
    local_address: "Local address",
    local_port: "Local port",
    open: "Open",
    close: "Close",
    target: "Target",
    target_hint: "host:port, e.g. 127.0.0.1:8080",
    send: "Send",
    send_box: "Message",
    send_hint: "Message to send (Ctrl+Enter sends)",
    mode_text: "Text",
    mode_hex: "HEX",
    escapes: "Escapes",
    escapes_tip: "Understands \\r \\n \\t \\\\ \\xNN",
    encoding: "Encoding",
    show: "Show",
    show_text: "Text",
    show_hex: "HEX",
    show_both: "Text+HEX",
    pause_display: "Pause display",
    clear: "Clear",
    auto_scroll: "Auto-scroll",
    log_limit: "Log limit (lines)",
    reset_counters: "Reset counters",
    rx: "RX",
    tx: "TX",
    packets: "pkts",
    bytes: "bytes",
    status_closed: "Not open",
    scope_any: "all interfaces",
    scope_loopback: "loopback",
    scope_private: "private LAN",
    scope_link_local: "link-local",
    scope_public: "public",
    not_open: "Open the UDP socket before sending",
    privileged_port_hint: "Note: ports below 1024 may need administrator rights",
    port_zero_hint: "Port 0: the OS picks a free port",
    paused: "Display paused; data is still received and counted",
    log_empty: "Nothing yet. Open the socket; data received and sent shows up here.",
    tab_tcp_server: "TCP server",
    start_listening: "Start listening",
    stop_listening: "Stop listening",
    stop_listening_tip: "No new connections; connected clients keep talking",
    disconnect_all: "Disconnect all",
    disconnect_selected: "Disconnect selected",
    backlog: "Backlog",
    backlog_tip: "listen() queue: connections waiting to be accepted in a burst",
    max_clients: "Client limit",
    max_clients_tip: "New connections past the limit are refused and logged",
    filter_clients: "Filter",
    filter_clients_hint: "address or port",
    col_client: "Client",
    col_since: "Since",
    col_rx: "RX",
    col_tx: "TX",
    col_state: "State",
    state_connected: "connected",
    state_closed_by_peer: "closed by peer",
    state_closed_by_us: "disconnected",
    state_broken: "broken",
    send_to_selected: "To selected",
    send_to_all: "To all",
    log_all_clients: "All clients",
    log_selected_only: "Selected only",
    log_of: "Log",
    select_all: "Select all",
    select_none: "Select none",
    remove_closed: "Remove closed",
    no_client_selected: "No client selected — tick one in the list, or choose \"To all\"",
    no_clients: "No client is connected",
    no_clients_yet: "No clients yet. Start listening; clients that connect are listed here.",
    auto_reply: "Auto-reply",
    reply_every: "Reply to every message",
    farewell: "When a client closes, say",
    rules: "Rules (first match wins)",
    add_rule: "Add rule",
    delete_rule: "Delete",
    tutorial_preset: "Tutorial server: 收到 / 再见!",
    match_contains: "contains",
    match_starts: "starts with",
    match_equals: "equals",
    match_regex: "matches regex",
    when_message: "Message",
    reply_with: "Reply",
    pattern: "Pattern",
    auto_reply_tip: "Text replies understand \\r \\n \\xNN; tick HEX to type bytes",
    not_listening: "Not listening",
    timeline: "Timeline",
    timeline_subject: "Subject",
    timeline_local: "local socket",
    timeline_pause: "Pause",
    timeline_resume: "Resume",
    timeline_step: "Step",
    timeline_zoom: "seconds per 100 px",
    timeline_empty: "no events yet",
    timeline_bind: "bind(): the socket has its local address",
    timeline_listen: "listen(): waiting for connections",
    timeline_closed_by_peer: "recv() returned 0: the peer closed",
    timeline_closed_by_us: "we closed the connection",
    timeline_reset: "connection reset",
    timeline_start_over: "From the start",
    connection_map: "Connection map",
    map_listening: "listening",
    map_closed_by_peer: "closed by peer",
    map_closed_by_us: "closed by us",
    map_reset: "reset / error",
    map_legend: "green: received (toward the server) · blue: sent (toward the client)",
    presenter_mode: "Presenter mode",
    presenter_tip: "Bigger UI, fewer settings, a caption for each step. Ctrl+plus / Ctrl+minus change the size (kept)",
    rate_plot: "Rate plot",
    bytes_per_sec: "bytes/s",
    packets_per_sec: "packets/s",
    plot_rx: "RX",
    plot_tx: "TX",
    plot_all_clients: "Plot all clients",
    plot_selected_clients: "Plot selected",
    plot_select_hint: "Tick a client in the list to plot its rate alone",
    tab_network: "Network",
    network_card: "This machine's network",
    col_interface: "Interface",
    col_address: "Address",
    col_kind: "Kind",
    col_meaning: "Meaning",
    network_refresh: "Refresh",
    range_any: "0.0.0.0 and :: — when binding: every interface of this machine",
    range_loopback: "127.0.0.1 (127/8) and ::1 — this machine only; nothing leaves the network card",
    range_private: "10/8, 172.16/12, 192.168/16 (IPv6 fc00::/7) — LAN addresses, not routed on the internet",
    range_link_local: "169.254/16 and fe80::/10 — self-assigned when there is no DHCP; this link only",
    range_public: "Anything else — public, reachable from the internet unless a firewall says no",
    port_ranges: "Port ranges",
    ports_well_known: "0–1023 well-known (HTTP 80, SSH 22…): listening on them needs administrator rights",
    ports_registered: "1024–49151 registered: what server programs usually use, e.g. 7788, 8080",
    ports_dynamic: "49152–65535 dynamic: when a client does not bind, the OS picks its port from here",
    reach_title: "Reachability check (ping)",
    reach_host: "Host",
    reach_port: "Port (optional)",
    reach_check: "Check",
    reach_running: "Checking…",
    reach_ping_only: "No port given: ping only",
    ping_unavailable: "ping not available here (not installed or not permitted) — rely on the TCP result",
    ping_no_reply: "ping: no reply — the host may be down, or a firewall drops ICMP (many do by default)",
    preset_text: "Content",
    search: "Search",
    search_hint: "text to find",
    previous: "Previous",
    next: "Next",
    peer_filter: "Peer",
    peer_filter_hint: "address or port",
    show_sent: "Show sent",
    timestamps: "Timestamps",
    time_off: "off",
    time_s: "time",
    time_ms: "time + ms",
    copy_lines: "Copy selected lines",
    save_log: "Save log…",
    capture_start: "Capture to file…",
    capture_stop: "Stop capture",
    capture_tip: "The engine writes every byte received and sent (with time and peer) to the file, whatever the display keeps",
    settings_reset: "The saved settings could not be read (damaged, or from an incompatible version); defaults are used",
    dismiss: "OK",
    line_ending: "Line end",
    checksum: "Checksum",
    checksum_tip: "Check bytes appended after everything before them: sum8 (add), xor8; CRC-16/Modbus low byte first (as Modbus RTU sends it); CRC-16/CCITT-FALSE and CRC-32 high byte first",
    no_checksum: "none",
    preview: "Goes out",
    repeat_every: "Send every",
    repeat_ms: "ms",
    repeat_count: "times (0 = endless)",
    start_repeat: "Start",
    stop_job: "Stop",
    send_file: "Send a file…",
    file_whole: "whole file",
    file_lines: "one line every",
    history_tip: "↑ / ↓ bring back what you sent before",
    quick_commands: "Quick commands",
    add_preset: "Save the message as a quick command",
    preset_name: "Name",
    move_up: "Up",
    move_down: "Down",
    import: "Import…",
    export: "Export…",
    presets_tip: "Click a name to send it; Ctrl+1…9 send the first nine",
    interval_bad: "The interval must be a whole number of milliseconds, 1 or more",
    count_bad: "The count must be a whole number, 0 or more (0 = endless)",
    presets_file_bad: "That file is not a quick-command file",
    tab_files: "File transfer",
    download_title: "Download a file",
    file_name: "File name",
    file_name_hint: "name on the server, e.g. firmware.bin",
    save_as: "Save as",
    browse: "Browse…",
    download: "Download",
    cancel: "Cancel",
    overwrite: "Overwrite",
    pick_new_name: "Use a new name",
    history: "Finished downloads",
    col_time: "Time",
    col_file: "File",
    col_size: "Size",
    col_result: "Result",
    file_server_title: "File server",
    shared_folder: "Shared folder",
    shared_folder_hint: "path of the folder to share",
    choose_folder: "Choose…",
    start_serving: "Start serving",
    stop_serving: "Stop serving",
    refresh: "Refresh",
    files_in_folder: "Files in the folder",
    no_files: "The folder has no files",
    transfers: "Transfers",
    state_sending: "sending",
    state_done: "done",
    state_failed: "failed",
    state_refused: "refused",
    no_transfers_yet: "No requests yet. Start serving; every client request is listed here.",
    dialog_open: "A dialog is open…",
    save_path_empty: "Enter where to save the file",
    folder_empty: "Choose or type the folder to share first",
    copy: "Copy",
    protocol_note: "The tutorial's protocol: the client sends the file name, the server sends the bytes and closes; an empty reply means no such file.",
    refused: "refused",
};

impl Texts {
    pub fn showing(&self, shown: usize, offered: u64) -> String {
        match self.lang {
            Lang::Zh => format!("显示 {shown} / {offered} 行"),
            Lang::En => format!("showing {shown} of {offered} lines"),
        }
    }

    pub fn opened_on(&self, local: SocketAddr) -> String {
        match self.lang {
            Lang::Zh => format!("UDP 已打开：{local}"),
            Lang::En => format!("UDP open on {local}"),
        }
    }

    pub fn idle_timeout(&self, secs: f64, received: u64) -> String {
        match self.lang {
            Lang::Zh => format!("{secs} 秒没有数据，结束（共收到 {received} 个）"),
            Lang::En => format!("no data for {secs} s, stopping ({received} received)"),
        }
    }

    pub fn tcp_connected(&self, local: SocketAddr, peer: SocketAddr) -> String {
        match self.lang {
            Lang::Zh => format!("已连接 {peer}，本地地址 {local}"),
            Lang::En => format!("connected to {peer} from {local}"),
        }
    }

    pub fn tcp_closed_by_peer(&self, peer: &str) -> String {
        match self.lang {
            Lang::Zh => format!("{peer} 关闭了连接（recv 返回 0）"),
            Lang::En => format!("{peer} closed the connection (recv returned 0)"),
        }
    }

    pub fn tcp_closed_by_us(&self, peer: &str) -> String {
        match self.lang {
            Lang::Zh => format!("已断开与 {peer} 的连接"),
            Lang::En => format!("closed the connection to {peer}"),
        }
    }

    /// "RX 3 pkts / 11 bytes   TX 1 pkts / 5 bytes"
    pub fn counters(&self, c: &CounterSnapshot) -> String {
        format!(
            "{} {} {} / {} {}   {} {} {} / {} {}",
            self.rx,
            c.rx_packets,
            self.packets,
            c.rx_bytes,
            self.bytes,
            self.tx,
            c.tx_packets,
            self.packets,
            c.tx_bytes,
            self.bytes
        )
    }

    pub fn tcp_connecting(&self, target: &str) -> String {
        match self.lang {
            Lang::Zh => format!("正在连接 {target} …"),
            Lang::En => format!("connecting to {target} …"),
        }
    }

    pub fn server_listening(&self, local: SocketAddr) -> String {
        match self.lang {
            Lang::Zh => format!("TCP 服务器正在 {local} 监听"),
            Lang::En => format!("TCP server listening on {local}"),
        }
    }

    pub fn server_stopped_listening(&self) -> String {
        match self.lang {
            Lang::Zh => "已停止监听：不再接受新连接，已连接的客户端继续通信".to_owned(),
            Lang::En => {
                "Stopped listening: no new connections; connected clients keep talking".to_owned()
            }
        }
    }

    /// The tutorial's picture: accept() hands each client its own service socket.
    pub fn client_connected(&self, peer: SocketAddr) -> String {
        match self.lang {
            Lang::Zh => format!("{peer} 已连接（accept 返回了专门为它服务的新套接字）"),
            Lang::En => format!("{peer} connected (accept returned a new socket serving it)"),
        }
    }

    pub fn client_reset(&self, peer: SocketAddr, reason: &str) -> String {
        match self.lang {
            Lang::Zh => format!("{peer} 的连接异常断开：{reason}"),
            Lang::En => format!("{peer}: the connection broke: {reason}"),
        }
    }

    pub fn client_refused(&self, peer: SocketAddr, reason: &str) -> String {
        match self.lang {
            Lang::Zh => format!("拒绝了 {peer}：{reason}"),
            Lang::En => format!("refused {peer}: {reason}"),
        }
    }

    pub fn server_status(&self, listening: Option<SocketAddr>, clients: usize) -> String {
        match (listening, self.lang) {
            (Some(local), Lang::Zh) => format!("正在 {local} 监听 — {clients} 个客户端在线"),
            (Some(local), Lang::En) => {
                format!("listening on {local} — {clients} clients connected")
            }
            (None, Lang::Zh) => format!("未监听 — {clients} 个客户端仍在线"),
            (None, Lang::En) => format!("not listening — {clients} clients still connected"),
        }
    }

    pub fn clients_summary(&self, shown: usize, selected: usize, total: usize) -> String {
        match self.lang {
            Lang::Zh => format!("显示 {shown} / {total} 个，已选 {selected} 个"),
            Lang::En => format!("{shown} of {total} shown, {selected} selected"),
        }
    }

    pub fn send_to_selected_count(&self, selected: usize) -> String {
        format!("{} ({selected})", self.send_to_selected)
    }

    pub fn plot_selected_count(&self, selected: usize) -> String {
        format!("{} ({selected})", self.plot_selected_clients)
    }

    pub fn send_to_all_count(&self, connected: usize) -> String {
        format!("{} ({connected})", self.send_to_all)
    }

    pub fn sent_to_some(&self, queued: usize, wanted: usize) -> String {
        match self.lang {
            Lang::Zh => {
                format!("只发给了 {queued} / {wanted} 个客户端 — 其余的已断开或发送队列已满")
            }
            Lang::En => format!(
                "Sent to {queued} of {wanted} clients — the others are gone or their send queue is full"
            ),
        }
    }

    /// `netdbg tcp serve --rule` that is not KIND:PATTERN=>REPLY.
    pub fn bad_rule(&self, spec: &str) -> String {
        match self.lang {
            Lang::Zh => format!(
                "规则“{spec}”格式不对 — 请写成 类型:匹配内容=>回复，类型为 contains、starts、equals、regex 之一，例如 contains:ping=>pong"
            ),
            Lang::En => format!(
                "Bad rule \"{spec}\" — write KIND:PATTERN=>REPLY with KIND one of contains, starts, equals, regex, e.g. contains:ping=>pong"
            ),
        }
    }

    /// `netdbg tcp serve --max-clients` that is not a whole number of 1 or more.
    pub fn bad_max_clients(&self, text: &str) -> String {
        match self.lang {
            Lang::Zh => format!("客户端上限“{text}”无效 — 请填不小于 1 的整数，例如 10000"),
            Lang::En => format!(
                "Client limit \"{text}\" is invalid — give a whole number of 1 or more, e.g. 10000"
            ),
        }
    }

    pub fn file_exists(&self, path: &str) -> String {
        match self.lang {
            Lang::Zh => format!("{path} 已存在 — 覆盖它，还是改用新名字？"),
            Lang::En => format!("{path} already exists — overwrite it, or use a new name?"),
        }
    }

    pub fn download_progress(&self, bytes: u64, per_sec: f64, secs: f64) -> String {
        let size = format_size(bytes);
        let speed = format_size(per_sec as u64);
        match self.lang {
            Lang::Zh => format!("已收到 {size}，{speed}/秒，用时 {secs:.1} 秒"),
            Lang::En => format!("{size} received, {speed}/s, {secs:.1} s"),
        }
    }

    pub fn download_done(&self, path: &str, bytes: u64, secs: f64) -> String {
        let size = format_size(bytes);
        match self.lang {
            Lang::Zh => format!("下载完成：{path}（{size}，{secs:.2} 秒）"),
            Lang::En => format!("Downloaded {path} ({size} in {secs:.2} s)"),
        }
    }

    pub fn file_serving(&self, local: SocketAddr, root: &str) -> String {
        match self.lang {
            Lang::Zh => format!("正在 {local} 共享 {root}"),
            Lang::En => format!("serving {root} on {local}"),
        }
    }

    pub fn file_server_stopped(&self, active: usize) -> String {
        match self.lang {
            Lang::Zh => format!("已停止共享（还有 {active} 个传输在进行）"),
            Lang::En => format!("not serving ({active} transfers still running)"),
        }
    }

    /// `netdbg file serve`: the first line, with the folder as resolved.
    pub fn cli_file_listening(&self, local: SocketAddr, root: &str) -> String {
        match self.lang {
            Lang::Zh => format!("文件服务器正在 {local} 监听，共享文件夹 {root}"),
            Lang::En => format!("file server listening on {local}, sharing {root}"),
        }
    }

    pub fn cli_file_started(&self, peer: SocketAddr, name: &str, size: u64) -> String {
        match self.lang {
            Lang::Zh => format!("{peer} 请求“{name}”：开始发送 {size} 字节"),
            Lang::En => format!("{peer} asked for \"{name}\": sending {size} bytes"),
        }
    }

    pub fn cli_file_progress(&self, peer: SocketAddr, name: &str, sent: u64, size: u64) -> String {
        let percent = sent.saturating_mul(100).checked_div(size).unwrap_or(100);
        match self.lang {
            Lang::Zh => format!("“{name}” → {peer}：已发送 {sent} / {size} 字节（{percent}%）"),
            Lang::En => format!("\"{name}\" → {peer}: {sent} of {size} bytes sent ({percent}%)"),
        }
    }

    pub fn cli_file_done(
        &self,
        peer: SocketAddr,
        name: &str,
        bytes: u64,
        secs: f64,
        mb_per_s: f64,
    ) -> String {
        match self.lang {
            Lang::Zh => format!(
                "已把“{name}”发给 {peer}：{bytes} 字节，用时 {secs:.2} 秒（{mb_per_s:.1} MB/秒）"
            ),
            Lang::En => format!(
                "sent \"{name}\" to {peer}: {bytes} bytes in {secs:.2} s ({mb_per_s:.1} MB/s)"
            ),
        }
    }

    pub fn cli_file_failed(&self, peer: SocketAddr, name: &str, sent: u64, reason: &str) -> String {
        match self.lang {
            Lang::Zh => format!("向 {peer} 发送“{name}”失败（已发 {sent} 字节）：{reason}"),
            Lang::En => format!("sending \"{name}\" to {peer} failed after {sent} bytes: {reason}"),
        }
    }

    /// A request answered with nothing; `name` is empty when none arrived.
    pub fn cli_file_refused(&self, peer: SocketAddr, name: &str, reason: &str) -> String {
        match (name.is_empty(), self.lang) {
            (true, Lang::Zh) => format!("拒绝了 {peer}：{reason}"),
            (true, Lang::En) => format!("refused {peer}: {reason}"),
            (false, Lang::Zh) => format!("拒绝了 {peer} 对“{name}”的请求：{reason}"),
            (false, Lang::En) => format!("refused {peer} asking for \"{name}\": {reason}"),
        }
    }

    pub fn cli_file_timeout(&self, secs: f64, done: u64) -> String {
        match self.lang {
            Lang::Zh => format!("{secs} 秒没有动静，结束（共发完 {done} 个文件）"),
            Lang::En => format!("nothing happened for {secs} s, stopping (files sent: {done})"),
        }
    }

    pub fn cli_get_connected(&self, peer: SocketAddr, name: &str) -> String {
        match self.lang {
            Lang::Zh => format!("已连接 {peer}，请求文件“{name}”"),
            Lang::En => format!("connected to {peer}, asking for \"{name}\""),
        }
    }

    pub fn cli_get_progress(&self, received: u64, secs: f64, mb_per_s: f64) -> String {
        match self.lang {
            Lang::Zh => format!("已收到 {received} 字节，{secs:.1} 秒（{mb_per_s:.1} MB/秒）"),
            Lang::En => format!("{received} bytes received in {secs:.1} s ({mb_per_s:.1} MB/s)"),
        }
    }

    pub fn cli_get_done(
        &self,
        path: &str,
        bytes: u64,
        secs: f64,
        mb_per_s: f64,
        sha256: &str,
    ) -> String {
        match self.lang {
            Lang::Zh => format!(
                "已保存 {path}：{bytes} 字节，用时 {secs:.2} 秒（{mb_per_s:.1} MB/秒），SHA-256 {sha256}"
            ),
            Lang::En => format!(
                "saved {path}: {bytes} bytes in {secs:.2} s ({mb_per_s:.1} MB/s), SHA-256 {sha256}"
            ),
        }
    }

    /// `netdbg file get` without `--overwrite` onto an existing file.
    pub fn cli_get_exists(&self, path: &str) -> String {
        match self.lang {
            Lang::Zh => format!("{path} 已存在，没有改动 — 加 --overwrite 覆盖它，或用 -o 另存"),
            Lang::En => format!(
                "{path} already exists and was left alone — add --overwrite to replace it, or save elsewhere with -o"
            ),
        }
    }

    pub fn cli_get_no_folder(&self, folder: &str) -> String {
        match self.lang {
            Lang::Zh => format!("保存位置的文件夹 {folder} 不存在 — 先建好它，或用 -o 换一个位置"),
            Lang::En => format!(
                "The folder {folder} to save into does not exist — create it, or pick another place with -o"
            ),
        }
    }

    pub fn cli_get_stalled(&self, secs: u64) -> String {
        match self.lang {
            Lang::Zh => format!("服务器 {secs} 秒没有再发来数据，已放弃 — 没有留下不完整的文件"),
            Lang::En => format!(
                "Nothing more came from the server for {secs} s; gave up — no incomplete file was left"
            ),
        }
    }

    /// The download's thread ended without saying how; it should not happen.
    pub fn cli_get_lost(&self) -> String {
        match self.lang {
            Lang::Zh => "下载意外中止，没有结果 — 请重试".to_owned(),
            Lang::En => "The download stopped without a result — try again".to_owned(),
        }
    }

    /// `--checksum` with a name we do not know.
    pub fn bad_checksum(&self, label: &str) -> String {
        let known = "sum8, xor8, crc16-modbus, crc16-ccitt, crc32";
        match self.lang {
            Lang::Zh => format!("不认识的校验方式“{label}”— 可用：{known}"),
            Lang::En => format!("Unknown checksum \"{label}\" — use one of: {known}"),
        }
    }

    /// `--repeat` that is not a whole number of 1 or more.
    pub fn bad_repeat(&self, text: &str) -> String {
        match self.lang {
            Lang::Zh => format!("重复次数“{text}”无效 — 请填不小于 1 的整数，例如 10"),
            Lang::En => format!(
                "Repeat count \"{text}\" is invalid — give a whole number of 1 or more, e.g. 10"
            ),
        }
    }

    /// `--interval` that is not a whole number of milliseconds, 1 or more.
    pub fn bad_interval(&self, text: &str) -> String {
        match self.lang {
            Lang::Zh => format!("间隔“{text}”无效 — 请填不小于 1 的整数毫秒数，例如 1000"),
            Lang::En => format!(
                "Interval \"{text}\" is invalid — give a whole number of milliseconds, 1 or more, e.g. 1000"
            ),
        }
    }

    /// The send thread went quiet before every message was sent.
    pub fn send_unfinished(&self, sent: u64, wanted: u64) -> String {
        match self.lang {
            Lang::Zh => format!("发送没有完成：只发出了 {sent} / {wanted} 个 — 请重试"),
            Lang::En => format!("Sending did not finish: {sent} of {wanted} went out — try again"),
        }
    }

    /// The capture file is complete.
    pub fn capture_written(&self, path: &str, records: u64) -> String {
        match self.lang {
            Lang::Zh => format!("抓包已保存：{records} 条记录写入 {path}"),
            Lang::En => format!("capture saved: {records} records in {path}"),
        }
    }
}

impl Texts {
    pub fn timeline_connect(&self, peer: SocketAddr) -> String {
        match self.lang {
            Lang::Zh => format!("connect()：已连上 {peer}"),
            Lang::En => format!("connect(): connected to {peer}"),
        }
    }

    pub fn timeline_accept(&self, peer: SocketAddr) -> String {
        match self.lang {
            Lang::Zh => format!("accept()：{peer} 已连接"),
            Lang::En => format!("accept(): {peer} connected"),
        }
    }

    pub fn timeline_sent(&self, len: usize) -> String {
        match self.lang {
            Lang::Zh => format!("发出 {len} 字节"),
            Lang::En => format!("sent {len} bytes"),
        }
    }

    pub fn timeline_received(&self, len: usize) -> String {
        match self.lang {
            Lang::Zh => format!("收到 {len} 字节"),
            Lang::En => format!("received {len} bytes"),
        }
    }

    pub fn timeline_position(&self, at: usize, total: usize) -> String {
        match self.lang {
            Lang::Zh => format!("第 {at} / {total} 个事件"),
            Lang::En => format!("event {at} of {total}"),
        }
    }

    pub fn map_summary(&self, connected: usize, closing: usize, closed_recently: usize) -> String {
        match self.lang {
            Lang::Zh => format!(
                "已连接 {connected} · 正在关闭 {closing} · 最近一分钟关闭 {closed_recently}"
            ),
            Lang::En => format!(
                "connected {connected} · closing {closing} · closed in the last minute {closed_recently}"
            ),
        }
    }

    pub fn ports_os_range(&self, low: u16, high: u16) -> String {
        match self.lang {
            Lang::Zh => format!("本机实际从 {low}–{high} 中为客户端挑端口"),
            Lang::En => format!("This machine actually picks client ports from {low}–{high}"),
        }
    }

    pub fn tcp_reachable(&self, peer: SocketAddr) -> String {
        match self.lang {
            Lang::Zh => format!("TCP {peer}：可以连接 — 主机在线，这个端口上有程序在监听"),
            Lang::En => {
                format!("TCP {peer}: reachable — the host is up and something listens on that port")
            }
        }
    }

    pub fn tcp_refused(&self, peer: SocketAddr) -> String {
        match self.lang {
            Lang::Zh => format!("TCP {peer}：连接被拒绝 — 主机在线，但这个端口上没有程序在监听"),
            Lang::En => {
                format!("TCP {peer}: refused — the host is up, but nothing listens on that port")
            }
        }
    }

    pub fn tcp_timed_out(&self, peer: SocketAddr, secs: u64) -> String {
        match self.lang {
            Lang::Zh => format!("TCP {peer}：{secs} 秒内无应答 — 防火墙挡住了，或主机不在线"),
            Lang::En => format!(
                "TCP {peer}: timed out after {secs} s — a firewall drops it, or the host is down"
            ),
        }
    }

    pub fn tcp_unreachable(&self, peer: SocketAddr) -> String {
        match self.lang {
            Lang::Zh => format!("TCP {peer}：不可达 — 没有通往它的路由（检查网线、IP 和网关）"),
            Lang::En => format!(
                "TCP {peer}: unreachable — no route to it (check the cable, the IP and the gateway)"
            ),
        }
    }

    pub fn unknown_host(&self, host: &str) -> String {
        match self.lang {
            Lang::Zh => format!("未知主机 {host} — 无法解析这个名字，检查拼写和 DNS"),
            Lang::En => format!(
                "Unknown host {host} — the name does not resolve; check the spelling and DNS"
            ),
        }
    }

    pub fn ping_replied(&self, millis: Option<f64>) -> String {
        // Loopback answers in microseconds: "0.0 ms" would read as no time at all.
        let round_trip = |ms: f64| {
            if ms < 1.0 {
                format!("{ms:.3}")
            } else {
                format!("{ms:.1}")
            }
        };
        match (self.lang, millis) {
            (Lang::Zh, Some(ms)) => {
                format!("ping：有回应，往返 {} ms — 主机在线", round_trip(ms))
            }
            (Lang::Zh, None) => "ping：有回应 — 主机在线".to_owned(),
            (Lang::En, Some(ms)) => {
                format!("ping: reply in {} ms — the host is up", round_trip(ms))
            }
            (Lang::En, None) => "ping: reply — the host is up".to_owned(),
        }
    }

    pub fn ping_failed(&self, message: &str) -> String {
        match self.lang {
            Lang::Zh => format!("ping 失败：{message}"),
            Lang::En => format!("ping failed: {message}"),
        }
    }

    pub fn repeat_status(&self, sent: u64, rate: f64, running: bool) -> String {
        match (self.lang, running) {
            (Lang::Zh, true) => format!("已发 {sent} 次，{rate:.1} 次/秒"),
            (Lang::Zh, false) => format!("已结束：共发 {sent} 次，{rate:.1} 次/秒"),
            (Lang::En, true) => format!("{sent} sent, {rate:.1}/s"),
            (Lang::En, false) => format!("done: {sent} sent, {rate:.1}/s"),
        }
    }

    pub fn caption_accepted(&self, peer: SocketAddr) -> String {
        match self.lang {
            Lang::Zh => format!("服务器 accept() 返回了一个新的套接字，专门为 {peer} 服务"),
            Lang::En => format!("accept() returned a new socket that serves {peer} only"),
        }
    }

    pub fn caption_peer_closed(&self, peer: SocketAddr) -> String {
        match self.lang {
            Lang::Zh => format!("对方关闭了连接：recv() 返回 0（{peer}）"),
            Lang::En => format!("The peer closed: recv() returned 0 ({peer})"),
        }
    }

    pub fn caption_datagram(&self, peer: SocketAddr, len: usize) -> String {
        match self.lang {
            Lang::Zh => format!("收到一封信（UDP 数据报）来自 {peer}，{len} 字节"),
            Lang::En => format!("A letter (UDP datagram) arrived from {peer}, {len} bytes"),
        }
    }

    pub fn caption_connected(&self, peer: SocketAddr) -> String {
        match self.lang {
            Lang::Zh => format!("connect() 成功：三次握手完成，已连上 {peer}"),
            Lang::En => format!("connect() succeeded: the three-way handshake is done with {peer}"),
        }
    }

    pub fn file_size(&self, size: u64) -> String {
        match self.lang {
            Lang::Zh => format!("（{}）", format_size(size)),
            Lang::En => format!("({})", format_size(size)),
        }
    }
}

impl Texts {
    pub fn search_matches(&self, at: Option<usize>, total: usize) -> String {
        match (self.lang, at) {
            (Lang::Zh, Some(at)) => format!("第 {} / {total} 处", at + 1),
            (Lang::Zh, None) => format!("{total} 处"),
            (Lang::En, Some(at)) => format!("{} of {total}", at + 1),
            (Lang::En, None) => format!("{total} found"),
        }
    }

    pub fn captured(&self, records: u64, path: &str) -> String {
        match self.lang {
            Lang::Zh => format!("已抓包 {records} 条 → {path}"),
            Lang::En => format!("captured {records} → {path}"),
        }
    }

    pub fn log_saved(&self, lines: usize, path: &str) -> String {
        match self.lang {
            Lang::Zh => format!("已保存 {lines} 行到 {path}"),
            Lang::En => format!("saved {lines} lines to {path}"),
        }
    }
}

/// Bytes as a person reads them: 512 B, 1.5 KiB, 3.2 MiB, 1.0 GiB.
pub fn format_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}
