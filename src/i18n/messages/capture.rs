//! A capture file that cannot be converted: which file, which line, what is wrong.

use super::Describe;
use crate::codec::visible_text;
use crate::engine::capture::{CaptureFileError, CaptureFileProblem};
use crate::i18n::Lang;

impl Describe for CaptureFileError {
    fn describe(&self, lang: Lang) -> String {
        use CaptureFileError::*;
        match (self, lang) {
            (Open { path, message }, Lang::Zh) => {
                format!("无法打开抓包文件 {path}：{message} — 要一个 netdbg 抓下的 .jsonl 普通文件")
            }
            (Open { path, message }, Lang::En) => format!(
                "could not open the capture {path}: {message} — give a regular .jsonl file netdbg captured"
            ),
            (Read { path, message }, Lang::Zh) => format!("读取 {path} 失败：{message}"),
            (Read { path, message }, Lang::En) => format!("reading {path} failed: {message}"),
            (
                Line {
                    path,
                    line,
                    problem,
                },
                Lang::Zh,
            ) => format!(
                "{path} 第 {line} 行：{} — 这不是 netdbg 的抓包记录，或文件已损坏/被截断",
                problem.describe(lang)
            ),
            (
                Line {
                    path,
                    line,
                    problem,
                },
                Lang::En,
            ) => format!(
                "{path} line {line}: {} — not a netdbg capture record, or the file is damaged or cut off",
                problem.describe(lang)
            ),
            (Create { path, message }, Lang::Zh) => {
                format!("无法创建 {path}：{message} — 换一个可写的位置")
            }
            (Create { path, message }, Lang::En) => {
                format!("could not create {path}: {message} — pick a place you can write to")
            }
            (SameFile { path }, Lang::Zh) => {
                format!("输出文件 {path} 就是输入文件 — 给输出换一个名字")
            }
            (SameFile { path }, Lang::En) => {
                format!("the output {path} is the input itself — give the output another name")
            }
            (Write { path, message }, Lang::Zh) => {
                format!("写入 {path} 失败：{message}（已删除未写完的文件）")
            }
            (Write { path, message }, Lang::En) => {
                format!("writing {path} failed: {message} (the unfinished file was removed)")
            }
        }
    }
}

impl Describe for CaptureFileProblem {
    fn describe(&self, lang: Lang) -> String {
        use CaptureFileProblem::*;
        match (self, lang) {
            (TooLong { max }, Lang::Zh) => format!("这一行超过 {max} 字节"),
            (TooLong { max }, Lang::En) => format!("the line is longer than {max} bytes"),
            (NotText, Lang::Zh) => "不是 UTF-8 文本".to_owned(),
            (NotText, Lang::En) => "not UTF-8 text".to_owned(),
            (NotJson, Lang::Zh) => "不是 JSON".to_owned(),
            (NotJson, Lang::En) => "not JSON".to_owned(),
            (Truncated, Lang::Zh) => "JSON 没写完就结束了（文件被截断？）".to_owned(),
            (Truncated, Lang::En) => "the JSON ends early (was the file cut off?)".to_owned(),
            (NotARecord, Lang::Zh) => "是 JSON，但字段不是 netdbg 抓包记录的样子".to_owned(),
            (NotARecord, Lang::En) => {
                "JSON, but its fields are not those of a netdbg capture record".to_owned()
            }
            (Missing { field }, Lang::Zh) => format!("缺少字段 \"{field}\""),
            (Missing { field }, Lang::En) => format!("the field \"{field}\" is missing"),
            (Bad { field, value }, Lang::Zh) => {
                format!("字段 \"{field}\" 的值“{}”无效", visible_text(value))
            }
            (Bad { field, value }, Lang::En) => {
                format!("the field \"{field}\" holds \"{}\", which is not valid", visible_text(value))
            }
            (LenMismatch { len, bytes }, Lang::Zh) => {
                format!("len 说有 {len} 字节，hex 里却只有 {bytes} 字节")
            }
            (LenMismatch { len, bytes }, Lang::En) => {
                format!("len says {len} bytes, but hex holds {bytes}")
            }
            (NoProto, Lang::Zh) => {
                "记录没有写协议（较早版本的抓包）— 用 --proto tcp 或 --proto udp 指定".to_owned()
            }
            (NoProto, Lang::En) => {
                "the record does not say its protocol (an older capture) — give --proto tcp or --proto udp"
                    .to_owned()
            }
            (NoLocal, Lang::Zh) => {
                "记录没有写本地地址（较早版本的抓包）— 用 --local IP:端口 指定".to_owned()
            }
            (NoLocal, Lang::En) => {
                "the record does not say its local address (an older capture) — give --local IP:PORT"
                    .to_owned()
            }
        }
    }
}
