//! Words for sequences: `netdbg run`'s lines and the script's file.

use crate::i18n::Lang;

use super::Texts;

impl Texts {
    pub fn script_unreadable(&self, path: &str, message: &str) -> String {
        match self.lang {
            Lang::Zh => format!("读不了脚本“{path}”：{message}"),
            Lang::En => format!("Cannot read the script \"{path}\": {message}"),
        }
    }

    pub fn script_not_a_script(&self, max: u64) -> String {
        match self.lang {
            Lang::Zh => format!("不是普通文件，或大于 {max} 字节"),
            Lang::En => format!("not a regular file of at most {max} bytes"),
        }
    }

    /// One step's line: `step 2 (line 7) expect  pass  13 ms`.
    pub fn step_line(
        &self,
        index: usize,
        line: usize,
        kind: &str,
        passed: bool,
        ms: u64,
        detail: &str,
    ) -> String {
        let (result, sep) = match (self.lang, passed) {
            (Lang::Zh, true) => ("通过", "，"),
            (Lang::Zh, false) => ("失败", "，"),
            (Lang::En, true) => ("pass", ", "),
            (Lang::En, false) => ("FAIL", ", "),
        };
        let detail = if detail.is_empty() {
            String::new()
        } else {
            format!("{sep}{detail}")
        };
        match self.lang {
            Lang::Zh => format!("步骤 {index}（第 {line} 行）{kind}：{result}，{ms} ms{detail}"),
            Lang::En => format!("step {index} (line {line}) {kind}: {result}, {ms} ms{detail}"),
        }
    }

    pub fn step_sent(&self, len: usize) -> String {
        match self.lang {
            Lang::Zh => format!("发出 {len} 字节"),
            Lang::En => format!("{len} bytes sent"),
        }
    }

    pub fn step_expect_failed(&self, timeout_ms: u64, received: &str, closed: bool) -> String {
        match (self.lang, closed) {
            (Lang::Zh, true) => format!("对方关闭了连接；收到“{received}”"),
            (Lang::Zh, false) => format!("{timeout_ms} ms 内没有等到；收到“{received}”"),
            (Lang::En, true) => format!("the peer closed the connection; got \"{received}\""),
            (Lang::En, false) => format!("not within {timeout_ms} ms; got \"{received}\""),
        }
    }

    pub fn sequence_summary(&self, passed: u64, failed: u64) -> String {
        match self.lang {
            Lang::Zh => format!("通过 {passed} 步，失败 {failed} 步"),
            Lang::En => format!("{passed} passed, {failed} failed"),
        }
    }
}
