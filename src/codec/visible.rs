//! Text made safe for a one-line display.

/// Shows CR, LF, TAB and other control characters as escapes, so every row is one line.
pub fn visible_text(decoded: &str) -> String {
    if !decoded.chars().any(char::is_control) {
        return decoded.to_owned();
    }
    let mut out = String::with_capacity(decoded.len() + 8);
    for ch in decoded.chars() {
        match ch {
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\x{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}
