//! Words for `netdbg capture convert`.

use crate::codec::visible_text;
use crate::i18n::Lang;

use super::Texts;

impl Texts {
    pub fn capture_converted(&self, output: &str, records: u64, packets: u64) -> String {
        match self.lang {
            Lang::Zh => format!(
                "已转换：{records} 条记录写成 {packets} 个包，存入 {output}（包头为合成，可用 Wireshark 打开）"
            ),
            Lang::En => format!(
                "converted: {records} records as {packets} packets in {output} (synthesized headers; open it in Wireshark)"
            ),
        }
    }

    pub fn capture_bad_local(&self, text: &str) -> String {
        let text = visible_text(text);
        match self.lang {
            Lang::Zh => format!("--local“{text}”不是 IP:端口 — 例如 127.0.0.1:7788 或 [::1]:7788"),
            Lang::En => {
                format!("--local \"{text}\" is not an IP:PORT — e.g. 127.0.0.1:7788 or [::1]:7788")
            }
        }
    }
}
