//! Maps an OS locale string to the encoding users there most likely need.

use super::encoding::TextEncoding;

pub(super) fn encoding_for_locale(locale: &str) -> TextEncoding {
    // POSIX locales carry ".codeset" and "@modifier" suffixes; they describe
    // the terminal, not the devices on the network, so they are ignored.
    let tag = locale.split(['.', '@']).next().unwrap_or_default();
    let mut subtags = tag
        .split(['-', '_'])
        .filter(|s| !s.is_empty())
        .map(str::to_ascii_lowercase);
    match subtags.next().as_deref() {
        Some("zh") => chinese_encoding(&subtags.collect::<Vec<_>>()),
        Some("ja") => TextEncoding::ShiftJis,
        Some("ko") => TextEncoding::EucKr,
        _ => TextEncoding::Utf8,
    }
}

/// The script subtag wins over the region: "zh-Hant-CN" is still written in
/// traditional characters.
fn chinese_encoding(rest: &[String]) -> TextEncoding {
    if rest.iter().any(|s| s == "hant") {
        return TextEncoding::Big5;
    }
    if rest.iter().any(|s| s == "hans") {
        return TextEncoding::Gbk;
    }
    if rest
        .iter()
        .any(|s| matches!(s.as_str(), "tw" | "hk" | "mo"))
    {
        return TextEncoding::Big5;
    }
    TextEncoding::Gbk
}
