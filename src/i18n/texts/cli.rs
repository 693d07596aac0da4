//! Words only the command line says: usage errors, and what every command shares.

use crate::i18n::Lang;

use super::Texts;

impl Texts {
    /// A usage error as one line: what is wrong, a suggestion, where the help is.
    pub fn usage_error(&self, what: &str, suggested: &str, command: &str) -> String {
        match self.lang {
            Lang::Zh => format!("{what}{suggested} — 用 {command} --help 查看用法"),
            Lang::En => format!("{what}{suggested} — see {command} --help"),
        }
    }

    pub fn usage_did_you_mean(&self, suggestion: &str) -> String {
        match self.lang {
            Lang::Zh => format!("（是不是要用 {suggestion}？）"),
            Lang::En => format!(" (did you mean {suggestion}?)"),
        }
    }

    /// An option netdbg does not know, or a word where none is expected.
    pub fn usage_unexpected(&self, arg: &str) -> String {
        match self.lang {
            Lang::Zh => format!("多余或不认识的参数“{arg}”"),
            Lang::En => format!("Unexpected argument \"{arg}\""),
        }
    }

    pub fn usage_bad_value(&self, arg: &str, value: &str) -> String {
        match self.lang {
            Lang::Zh => format!("{arg} 的值“{value}”无效"),
            Lang::En => format!("Invalid value \"{value}\" for {arg}"),
        }
    }

    pub fn usage_value_count(&self, arg: &str) -> String {
        match self.lang {
            Lang::Zh => format!("{arg} 后面的值个数不对"),
            Lang::En => format!("Wrong number of values for {arg}"),
        }
    }

    pub fn usage_conflict(&self, arg: &str, other: &str) -> String {
        match self.lang {
            Lang::Zh => format!("{arg} 不能和 {other} 一起用，只能留一个"),
            Lang::En => format!("{arg} cannot be used with {other}; keep only one"),
        }
    }

    /// `args`: the missing ones, comma-separated, as clap names them.
    pub fn usage_missing(&self, args: &str) -> String {
        match self.lang {
            Lang::Zh => format!("缺少 {args}"),
            Lang::En => format!("Missing {args}"),
        }
    }

    pub fn usage_missing_command(&self, command: &str, subcommands: &str) -> String {
        match self.lang {
            Lang::Zh => format!("{command} 后面要跟一个子命令：{subcommands}"),
            Lang::En => format!("{command} needs one of: {subcommands}"),
        }
    }

    pub fn usage_not_utf8(&self) -> String {
        match self.lang {
            Lang::Zh => "参数不是 UTF-8 文本 — 请用 UTF-8 书写参数".to_owned(),
            Lang::En => "An argument is not UTF-8 text — write arguments in UTF-8".to_owned(),
        }
    }

    /// Only in English: it answers a `--lang` that is neither zh nor en.
    pub fn cli_bad_lang(&self, code: &str) -> String {
        match self.lang {
            Lang::Zh => format!("不认识的语言“{code}”— --lang 只接受 zh 或 en"),
            Lang::En => format!("Unknown language \"{code}\" for --lang — use zh or en"),
        }
    }

    /// `--file` names a folder.
    pub fn cli_file_is_folder(&self, path: &str) -> String {
        match self.lang {
            Lang::Zh => format!("{path} 是一个文件夹 — --file 要给一个文件的路径"),
            Lang::En => format!("{path} is a folder — give --file the path of a file"),
        }
    }

    /// `udp listen --count 0`.
    pub fn cli_count_zero(&self) -> String {
        match self.lang {
            Lang::Zh => {
                "--count 0 会一个数据报也不等就退出 — 请填 1 或更大，或去掉 --count 一直接收"
                    .to_owned()
            }
            Lang::En => {
                "--count 0 would exit before any datagram — give 1 or more, or leave out --count to receive until stopped"
                    .to_owned()
            }
        }
    }

    /// `file get` stopped by Ctrl+C or a signal: `signal` as the user knows it.
    pub fn cli_get_cancelled(&self, signal: &str) -> String {
        match self.lang {
            Lang::Zh => format!("下载已取消（{signal}）— 不完整的文件已删除，没有保存任何文件"),
            Lang::En => format!(
                "Download cancelled ({signal}) — the incomplete file was removed; nothing was saved"
            ),
        }
    }

    /// `--encoding` names no encoding netdbg knows; `known` lists those it does.
    pub fn cli_unknown_encoding(&self, label: &str, known: &str) -> String {
        match self.lang {
            Lang::Zh => format!("不认识的编码“{label}”— 可用：{known}"),
            Lang::En => format!("Unknown encoding \"{label}\" — use one of: {known}"),
        }
    }

    /// A time option (`--timeout`, `--idle`…) below 0 or absurdly large.
    pub fn cli_bad_seconds(&self, secs: f64) -> String {
        match self.lang {
            Lang::Zh => format!("时间 {secs} 无效 — 请填不小于 0 的秒数"),
            Lang::En => format!("Invalid time {secs} — give a number of seconds, 0 or more"),
        }
    }

    /// A timeout of 0 (or less than a microsecond): it would end everything at once.
    pub fn cli_seconds_not_positive(&self, secs: f64) -> String {
        match self.lang {
            Lang::Zh => format!("时间 {secs} 无效 — 这里要大于 0 的秒数，例如 5"),
            Lang::En => format!("Invalid time {secs} — give a number of seconds above 0, e.g. 5"),
        }
    }

    /// `reach HOST` without `--port` where ping cannot run.
    pub fn cli_reach_needs_port(&self) -> String {
        match self.lang {
            Lang::Zh => "没有 ping 就无法判断 — 加上 --port N 改用 TCP 探测".to_owned(),
            Lang::En => {
                "Without ping there is no answer — add --port N to probe with TCP".to_owned()
            }
        }
    }

    /// `reach --timeout` that is not a number of seconds above 0.
    pub fn cli_bad_timeout(&self, text: &str) -> String {
        match self.lang {
            Lang::Zh => format!("超时“{text}”无效 — 请填大于 0 的秒数，例如 3 或 0.5"),
            Lang::En => format!(
                "Invalid timeout \"{text}\" — give a number of seconds above 0, e.g. 3 or 0.5"
            ),
        }
    }
}
