//! Text from the network or the disk made safe to show on one line: THE escaping
//! used by every CLI line, the window's logs and its file server rows.
//!
//! A peer must not be able to move the cursor, clear the screen, ring the bell,
//! start a fake log line, or reorder what follows on the line. So every control
//! character (C0 incl. ESC, BEL, CR, LF, TAB; DEL; C1), the bidi embeddings,
//! overrides and isolates, and the Unicode line and paragraph separators are shown
//! as escapes. A backslash is left as it is: it cannot break a line, and doubling
//! it would change every Windows path shown.

/// Shows the characters [`is_hidden`] names as escapes, so every row is one line:
/// `\r`, `\n`, `\t`, `\xNN` for the other controls (`\x1B` for ESC, `\x07` for BEL,
/// `\x85` for NEL), `\u{202E}` for the bidi and line-breaking characters.
pub fn visible_text(decoded: &str) -> String {
    escape_hidden(decoded, |out, ch| match ch {
        '\r' => out.push_str("\\r"),
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        c if c.is_control() => {
            out.push_str("\\x");
            push_hex(out, c as u32, 2, UPPER);
        }
        c => {
            out.push_str("\\u{");
            push_hex(out, c as u32, 4, UPPER);
            out.push('}');
        }
    })
}

/// A JSON line with the characters [`is_hidden`] names written as `\uXXXX`.
/// serde_json already escapes C0 controls but writes DEL, C1 and bidi characters
/// as they are; they can only stand inside strings, where `\uXXXX` means the same
/// character, so the values a script reads stay the raw text while a terminal
/// showing the line sees nothing it would act on.
pub fn visible_json(line: &str) -> String {
    escape_hidden(line, |out, ch| {
        // All of them are in the Basic Multilingual Plane: one \u escape each.
        out.push_str("\\u");
        push_hex(out, ch as u32, 4, LOWER);
    })
}

/// `text` with every [`is_hidden`] character replaced by what `escape` writes.
/// Scans bytes, not chars: a hidden character can only start with one of the
/// bytes [`may_start_hidden`] names, and a flood of data is mostly other bytes.
fn escape_hidden(text: &str, mut escape: impl FnMut(&mut String, char)) -> String {
    let bytes = text.as_bytes();
    let Some(first) = bytes.iter().position(|&b| may_start_hidden(b)) else {
        return text.to_owned();
    };
    let mut out = String::with_capacity(text.len() + 16);
    let (mut copied, mut at) = (0, first);
    while at < bytes.len() {
        // A byte below 0x80 or a lead byte is where a character starts.
        let Some(ch) = may_start_hidden(bytes[at])
            .then(|| text[at..].chars().next())
            .flatten()
        else {
            at += 1;
            continue;
        };
        if is_hidden(ch) {
            out.push_str(&text[copied..at]);
            escape(&mut out, ch);
            copied = at + ch.len_utf8();
        }
        at += ch.len_utf8();
    }
    out.push_str(&text[copied..]);
    out
}

/// The first byte of every hidden character in UTF-8: C0 controls and DEL
/// themselves, 0xC2 for C1 controls (U+0080–U+009F), 0xE2 for U+2028–U+202E
/// and U+2066–U+2069.
fn may_start_hidden(byte: u8) -> bool {
    byte < 0x20 || byte == 0x7f || byte == 0xc2 || byte == 0xe2
}

/// Characters that act on a terminal or a text layout instead of showing: controls
/// (U+0000–U+001F, U+007F–U+009F), the bidi embeddings and overrides
/// (U+202A–U+202E) and isolates (U+2066–U+2069), and the line and paragraph
/// separators (U+2028, U+2029) that some viewers break lines at.
pub fn is_hidden(ch: char) -> bool {
    ch.is_control() || matches!(ch, '\u{2028}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

const UPPER: &[u8; 16] = b"0123456789ABCDEF";
const LOWER: &[u8; 16] = b"0123456789abcdef";

/// `value`'s last `digits` hex digits. A table, not `format!`: a binary flood is
/// mostly escapes, and formatting them took a third of the CLI's time.
fn push_hex(out: &mut String, value: u32, digits: u32, table: &[u8; 16]) {
    for shift in (0..digits).rev() {
        out.push(char::from(table[((value >> (4 * shift)) & 0xf) as usize]));
    }
}
