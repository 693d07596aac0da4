//! Words for message framing (分帧): the window's controls, the log's marks, the
//! teaching captions, and what the command line adds to a frame.

use crate::codec::framing::FramingKind;
use crate::i18n::Lang;

use super::Texts;

impl Texts {
    pub fn framing(&self) -> &'static str {
        match self.lang {
            Lang::Zh => "分帧",
            Lang::En => "Framing",
        }
    }

    pub fn framing_tip(&self) -> &'static str {
        match self.lang {
            Lang::Zh => {
                "TCP 是字节流：一次读取可能含多条消息（粘包）或半条消息（拆包）。分帧按规则把收到的字节切成消息，每条消息一行、一次自动回复判断。停止时才能修改，下一次连接起生效。计数和抓包仍按实际读取。"
            }
            Lang::En => {
                "TCP is a byte stream: one read may hold several messages (粘包) or part of one (拆包). Framing cuts what arrives into messages: one log row and one auto-reply decision per message. Change it while stopped; it applies from the next connection. Counters and capture still go by reads."
            }
        }
    }

    pub fn framing_kind(&self, kind: FramingKind) -> &'static str {
        use FramingKind::*;
        match (kind, self.lang) {
            (AsRead, Lang::Zh) => "按读取（不分帧）",
            (AsRead, Lang::En) => "As read (none)",
            (Line, Lang::Zh) => "按行（LF）",
            (Line, Lang::En) => "Line (LF)",
            (Delimiter, Lang::Zh) => "分隔符",
            (Delimiter, Lang::En) => "Delimiter",
            (Fixed, Lang::Zh) => "固定长度",
            (Fixed, Lang::En) => "Fixed length",
            (LengthPrefix, Lang::Zh) => "长度前缀",
            (LengthPrefix, Lang::En) => "Length prefix",
            (Idle, Lang::Zh) => "空闲间隔",
            (Idle, Lang::En) => "Idle gap",
        }
    }

    pub fn framing_delimiter(&self) -> &'static str {
        match self.lang {
            Lang::Zh => "分隔符（HEX）",
            Lang::En => "Delimiter (HEX)",
        }
    }

    pub fn framing_fixed_size(&self) -> &'static str {
        match self.lang {
            Lang::Zh => "帧长（字节）",
            Lang::En => "Frame size (bytes)",
        }
    }

    pub fn framing_width(&self) -> &'static str {
        match self.lang {
            Lang::Zh => "长度字段宽度",
            Lang::En => "Length field width",
        }
    }

    pub fn framing_width_bytes(&self, bytes: usize) -> String {
        match self.lang {
            Lang::Zh => format!("{bytes} 字节"),
            Lang::En if bytes == 1 => "1 byte".to_owned(),
            Lang::En => format!("{bytes} bytes"),
        }
    }

    pub fn framing_big_endian(&self) -> &'static str {
        match self.lang {
            Lang::Zh => "高字节在前（大端）",
            Lang::En => "Big endian",
        }
    }

    pub fn framing_offset(&self) -> &'static str {
        match self.lang {
            Lang::Zh => "长度字段偏移（字节）",
            Lang::En => "Length field offset (bytes)",
        }
    }

    pub fn framing_whole_frame(&self) -> &'static str {
        match self.lang {
            Lang::Zh => "长度含帧头",
            Lang::En => "Length counts the whole frame",
        }
    }

    pub fn framing_adjust(&self) -> &'static str {
        match self.lang {
            Lang::Zh => "长度修正",
            Lang::En => "Length adjustment",
        }
    }

    pub fn framing_idle_gap(&self) -> &'static str {
        match self.lang {
            Lang::Zh => "空闲间隔（毫秒）",
            Lang::En => "Idle gap (ms)",
        }
    }

    /// The mark on a frame the connection's end cut short.
    pub fn incomplete_frame(&self) -> &'static str {
        match self.lang {
            Lang::Zh => "连接关闭时帧不完整",
            Lang::En => "incomplete frame at close",
        }
    }

    /// The log row after a frame the connection's end cut short.
    pub fn incomplete_frame_row(&self, bytes: usize) -> String {
        match self.lang {
            Lang::Zh => format!("↑ 连接关闭时帧不完整（只收到 {bytes} 字节）"),
            Lang::En => format!("↑ incomplete frame at close ({bytes} bytes held)"),
        }
    }

    /// 粘包: one read held several messages.
    pub fn frames_in_one_read(&self, frames: u32) -> String {
        match self.lang {
            Lang::Zh => format!("粘包：1 次读取，{frames} 条消息"),
            Lang::En => format!("粘包: 1 read, {frames} messages"),
        }
    }

    /// 拆包: one message came in several reads.
    pub fn frame_over_reads(&self, reads: u32) -> String {
        match self.lang {
            Lang::Zh => format!("拆包：1 条消息，{reads} 次读取"),
            Lang::En => format!("拆包: 1 message, {reads} reads"),
        }
    }
}
