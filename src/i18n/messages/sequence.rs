//! A sequence script that cannot run: what is wrong, at which line and column.

use super::Describe;
use crate::engine::sequence::{MAX_REPEAT, MAX_TIMEOUT_MS, ScriptError, ScriptProblem};
use crate::i18n::Lang;

impl Describe for ScriptError {
    fn describe(&self, lang: Lang) -> String {
        let (line, column) = (self.line, self.column);
        let what = self.problem.describe(lang);
        match lang {
            Lang::Zh => format!("第 {line} 行第 {column} 列：{what}"),
            Lang::En => format!("line {line}, column {column}: {what}"),
        }
    }
}

impl Describe for ScriptProblem {
    fn describe(&self, lang: Lang) -> String {
        use ScriptProblem::*;
        let actions = "send, send_hex, send_file, expect, expect_equals, expect_regex, expect_hex, wait_ms, repeat";
        match (self, lang) {
            (Toml { message }, Lang::Zh) => format!("不是有效的序列脚本：{message}"),
            (Toml { message }, Lang::En) => format!("not a valid sequence script: {message}"),
            (NoTarget, Lang::Zh) => {
                "没有目标 — 在文件里写 target = \"主机:端口\"，或用 --target 给出".to_owned()
            }
            (NoTarget, Lang::En) => {
                "no target — write target = \"host:port\" in the file or give --target".to_owned()
            }
            (Transport { text }, Lang::Zh) => format!("transport“{text}”无效 — 用 tcp 或 udp"),
            (Transport { text }, Lang::En) => {
                format!("transport \"{text}\" is not known — use tcp or udp")
            }
            (Encoding { text }, Lang::Zh) => {
                format!("encoding“{text}”无效 — 例如 utf-8、gbk、gb18030")
            }
            (Encoding { text }, Lang::En) => {
                format!("encoding \"{text}\" is not known — e.g. utf-8, gbk, gb18030")
            }
            (Frame(error), _) => format!("frame: {}", error.describe(lang)),
            (OnFail { text }, Lang::Zh) => format!("on_fail“{text}”无效 — 用 stop 或 continue"),
            (OnFail { text }, Lang::En) => {
                format!("on_fail \"{text}\" is not known — use stop or continue")
            }
            (NoAction, Lang::Zh) => format!("这一步什么也没做 — 写上其中一个：{actions}"),
            (NoAction, Lang::En) => format!("this step does nothing — give one of: {actions}"),
            (TwoActions { first, second }, Lang::Zh) => {
                format!("一步只能做一件事：已有 {first}，又写了 {second} — 拆成两个 [[step]]")
            }
            (TwoActions { first, second }, Lang::En) => format!(
                "a step does one thing: it has {first}, then {second} — split it into two [[step]] tables"
            ),
            (MsRange { key, value }, Lang::Zh) => {
                format!("{key} = {value} 超出范围 — 要在 0–{MAX_TIMEOUT_MS} 毫秒之间")
            }
            (MsRange { key, value }, Lang::En) => {
                format!("{key} = {value} is out of range — give 0 to {MAX_TIMEOUT_MS} ms")
            }
            (RepeatRange { value }, Lang::Zh) => {
                format!("repeat = {value} 超出范围 — 要在 1–{MAX_REPEAT} 之间")
            }
            (RepeatRange { value }, Lang::En) => {
                format!("repeat = {value} is out of range — give 1 to {MAX_REPEAT}")
            }
            (EmptyRepeat, Lang::Zh) => "repeat 下面没有步骤 — 在后面加 [[step.step]]".to_owned(),
            (EmptyRepeat, Lang::En) => {
                "repeat has no steps — add [[step.step]] tables after it".to_owned()
            }
            (Regex { message }, Lang::Zh) => {
                format!("expect_regex 不是有效的正则表达式：{message}")
            }
            (Regex { message }, Lang::En) => {
                format!("expect_regex is not a valid regular expression: {message}")
            }
            (Message(error), _) => error.describe(lang),
            (SaveWithoutRegex, Lang::Zh) => {
                "save 只能和 expect_regex 一起用（保存它的捕获组）".to_owned()
            }
            (SaveWithoutRegex, Lang::En) => {
                "save goes with expect_regex only (it saves a capture group)".to_owned()
            }
            (NotForThisStep { key }, Lang::Zh) => format!("{key} 只用于 expect 步骤"),
            (NotForThisStep { key }, Lang::En) => format!("{key} belongs to an expect step"),
            (File { path, message }, Lang::Zh) => format!("send_file 读不了“{path}”：{message}"),
            (File { path, message }, Lang::En) => {
                format!("send_file cannot read \"{path}\": {message}")
            }
        }
    }
}
