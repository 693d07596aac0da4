//! Words for fetching a file, in the window and in `netdbg file get`.

use std::net::SocketAddr;

use crate::i18n::Lang;

use super::{Texts, format_size};

impl Texts {
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
}
