//! Words for the window's Sequence panel: its buttons, the step editor, the live
//! step view and the summary.

use crate::i18n::Lang;

use super::Texts;

/// Words that do not change with a number: one table per language.
pub struct SequenceWords {
    pub title: &'static str,
    pub tip: &'static str,
    pub run: &'static str,
    pub stop: &'static str,
    pub load: &'static str,
    pub save: &'static str,
    pub add_step: &'static str,
    pub add_inside: &'static str,
    pub move_up: &'static str,
    pub move_down: &'static str,
    pub remove: &'static str,
    pub kind_send: &'static str,
    pub kind_expect: &'static str,
    pub kind_wait: &'static str,
    pub kind_repeat: &'static str,
    pub send_text: &'static str,
    pub send_hex: &'static str,
    pub send_file: &'static str,
    pub expect_contains: &'static str,
    pub expect_equals: &'static str,
    pub expect_regex: &'static str,
    pub expect_hex: &'static str,
    pub timeout: &'static str,
    pub save_as: &'static str,
    pub save_as_tip: &'static str,
    pub wait: &'static str,
    pub times: &'static str,
    pub continue_on_fail: &'static str,
    pub continue_on_fail_tip: &'static str,
    pub state_waiting: &'static str,
    pub state_running: &'static str,
    pub state_pass: &'static str,
    pub state_fail: &'static str,
    pub stopped: &'static str,
    pub running: &'static str,
    pub empty: &'static str,
}

const EN: SequenceWords = SequenceWords {
    title: "Sequence",
    tip: "An ordered list of steps — send, expect a reply within a time, wait, repeat — run against the server above. The sequence opens its own connection (to the Server field, with this tab's encoding and framing); the tab's own connection is left alone.",
    run: "Run",
    stop: "Stop",
    load: "Load…",
    save: "Save…",
    add_step: "Add step",
    add_inside: "Add inside",
    move_up: "Up",
    move_down: "Down",
    remove: "Remove",
    kind_send: "Send",
    kind_expect: "Expect",
    kind_wait: "Wait",
    kind_repeat: "Repeat",
    send_text: "Text",
    send_hex: "HEX",
    send_file: "File",
    expect_contains: "Contains",
    expect_equals: "Equals",
    expect_regex: "Regex",
    expect_hex: "HEX",
    timeout: "within",
    save_as: "save as",
    save_as_tip: "Save the regex's capture (the group of this name, else group 1, else the whole match) as ${name} for later sends",
    wait: "ms",
    times: "times",
    continue_on_fail: "continue",
    continue_on_fail_tip: "Ticked, the run goes on after this step fails; unticked, a failure stops it",
    state_waiting: "waiting",
    state_running: "running…",
    state_pass: "pass",
    state_fail: "FAIL",
    stopped: "stopped",
    running: "running…",
    empty: "No steps yet — add one.",
};

const ZH: SequenceWords = SequenceWords {
    title: "序列",
    tip: "按顺序执行的步骤 —— 发送、在限定时间内等待回复、等待、重复 —— 针对上面的服务器运行。序列自己打开一个连接（连到“服务器”一栏，用本页的编码和分帧），不动本页已有的连接。",
    run: "运行",
    stop: "停止",
    load: "载入…",
    save: "保存…",
    add_step: "添加步骤",
    add_inside: "在里面添加",
    move_up: "上移",
    move_down: "下移",
    remove: "删除",
    kind_send: "发送",
    kind_expect: "期望",
    kind_wait: "等待",
    kind_repeat: "重复",
    send_text: "文本",
    send_hex: "HEX",
    send_file: "文件",
    expect_contains: "包含",
    expect_equals: "等于",
    expect_regex: "正则",
    expect_hex: "HEX",
    timeout: "限时",
    save_as: "保存为",
    save_as_tip: "把正则的捕获（同名的组，否则第 1 组，否则整个匹配）保存为 ${名字}，供后面的发送使用",
    wait: "毫秒",
    times: "次",
    continue_on_fail: "失败继续",
    continue_on_fail_tip: "勾选时，这一步失败后继续运行；不勾选时，失败就停止",
    state_waiting: "等待中",
    state_running: "进行中…",
    state_pass: "通过",
    state_fail: "失败",
    stopped: "已停止",
    running: "运行中…",
    empty: "还没有步骤 —— 添加一个。",
};

impl Texts {
    pub fn sequence(&self) -> &'static SequenceWords {
        match self.lang {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }

    /// A step's name in messages: `Step 3` or `Step 3.1` (inside a repeat).
    pub fn sequence_step(&self, number: &str) -> String {
        match self.lang {
            Lang::Zh => format!("步骤 {number}"),
            Lang::En => format!("Step {number}"),
        }
    }

    /// A bad script, at the step where the checker stopped.
    pub fn sequence_step_problem(&self, number: &str, problem: &str) -> String {
        match self.lang {
            Lang::Zh => format!("步骤 {number}：{problem}"),
            Lang::En => format!("Step {number}: {problem}"),
        }
    }

    /// A passed or failed step with its measured time.
    pub fn sequence_result(&self, passed: bool, ms: u64) -> String {
        let words = self.sequence();
        let result = if passed {
            words.state_pass
        } else {
            words.state_fail
        };
        format!("{result} {ms} ms")
    }

    /// A step run more than once: how many times it passed and failed.
    pub fn sequence_tally(&self, passed: u64, failed: u64) -> String {
        match self.lang {
            Lang::Zh => format!("（通过 {passed}，失败 {failed}）"),
            Lang::En => format!("({passed} passed, {failed} failed)"),
        }
    }

    /// A repeat block's progress.
    pub fn sequence_iteration(&self, done: u64, times: u64) -> String {
        match self.lang {
            Lang::Zh => format!("第 {done}/{times} 次"),
            Lang::En => format!("{done} of {times}"),
        }
    }

    pub fn sequence_stopped_summary(&self, passed: u64, failed: u64) -> String {
        let words = self.sequence();
        format!(
            "{} — {}",
            words.stopped,
            self.sequence_summary(passed, failed)
        )
    }

    /// Where a sequence connects and how, for the line above its steps.
    pub fn sequence_target(&self, target: &str, encoding: &str) -> String {
        match self.lang {
            Lang::Zh => format!("目标 {target}，编码 {encoding}（独立连接）"),
            Lang::En => format!("to {target}, {encoding} (its own connection)"),
        }
    }

    pub fn sequence_loaded(&self, path: &str, steps: usize) -> String {
        match self.lang {
            Lang::Zh => format!("已从“{path}”载入 {steps} 个步骤"),
            Lang::En => format!("Loaded {steps} steps from \"{path}\""),
        }
    }

    pub fn sequence_saved(&self, path: &str) -> String {
        match self.lang {
            Lang::Zh => format!("已保存到“{path}”"),
            Lang::En => format!("Saved to \"{path}\""),
        }
    }

    pub fn sequence_file_failed(&self, path: &str, message: &str) -> String {
        match self.lang {
            Lang::Zh => format!("“{path}”：{message}"),
            Lang::En => format!("\"{path}\": {message}"),
        }
    }

    /// A running expect or a failed one: what came instead.
    pub fn sequence_got(&self, received: &str, closed: bool) -> String {
        match (self.lang, closed) {
            (Lang::Zh, false) => format!("收到的是“{received}”"),
            (Lang::Zh, true) => format!("对方关闭了连接；收到“{received}”"),
            (Lang::En, false) => format!("got \"{received}\" instead"),
            (Lang::En, true) => format!("the peer closed the connection; got \"{received}\""),
        }
    }

    pub fn sequence_got_nothing(&self, timeout_ms: u64) -> String {
        match self.lang {
            Lang::Zh => format!("{timeout_ms} 毫秒内什么也没收到"),
            Lang::En => format!("nothing came within {timeout_ms} ms"),
        }
    }
}
