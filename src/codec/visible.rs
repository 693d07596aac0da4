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
    if !decoded.chars().any(is_hidden) {
        return decoded.to_owned();
    }
    let mut out = String::with_capacity(decoded.len() + 8);
    for ch in decoded.chars() {
        match ch {
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\x{:02X}", c as u32)),
            c if is_hidden(c) => out.push_str(&format!("\\u{{{:04X}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// A JSON line with the characters [`is_hidden`] names written as `\uXXXX`.
/// serde_json already escapes C0 controls but writes DEL, C1 and bidi characters
/// as they are; they can only stand inside strings, where `\uXXXX` means the same
/// character, so the values a script reads stay the raw text while a terminal
/// showing the line sees nothing it would act on.
pub fn visible_json(line: &str) -> String {
    if !line.chars().any(is_hidden) {
        return line.to_owned();
    }
    let mut out = String::with_capacity(line.len() + 12);
    for ch in line.chars() {
        if is_hidden(ch) {
            // All of them are in the Basic Multilingual Plane: one \u escape each.
            out.push_str(&format!("\\u{:04x}", ch as u32));
        } else {
            out.push(ch);
        }
    }
    out
}

/// Characters that act on a terminal or a text layout instead of showing: controls
/// (U+0000–U+001F, U+007F–U+009F), the bidi embeddings and overrides
/// (U+202A–U+202E) and isolates (U+2066–U+2069), and the line and paragraph
/// separators (U+2028, U+2029) that some viewers break lines at.
pub fn is_hidden(ch: char) -> bool {
    ch.is_control() || matches!(ch, '\u{2028}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}
