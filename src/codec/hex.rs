//! Hex text <-> bytes, in the forms people paste from datasheets, C source
//! and other tools.

use super::error::CodecError;

/// Parses `48 65 6c`, `48656c`, `0x48,0x65`, `48-65:6C` and similar.
///
/// Tokens are split on whitespace, `,` `;` `:` and `-`. Each token may carry
/// one `0x`/`0X` prefix and must hold an even number of digits: digits are
/// never paired across separators, because "4 86" silently becoming `48 6?`
/// would hide a typo. Whitespace-only input gives an empty payload.
pub fn parse_hex(input: &str) -> Result<Vec<u8>, CodecError> {
    let mut bytes = Vec::new();
    for token in tokens(input) {
        parse_token(&token, &mut bytes)?;
    }
    Ok(bytes)
}

/// NetAssist's display style: `48 65 6C`.
pub fn format_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for (i, &byte) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        push_digits(&mut out, byte, UPPER);
    }
    out
}

/// Machine-oriented form used by the CLI's JSON output and captures: `48656c`.
pub fn format_hex_compact(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &byte in bytes {
        push_digits(&mut out, byte, LOWER);
    }
    out
}

/// The exact inverse of [`format_hex_compact`] (either case): `None` unless every
/// character is a digit and they pair up.
pub fn parse_hex_compact(text: &str) -> Option<Vec<u8>> {
    let digits = text.as_bytes();
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    digits
        .chunks_exact(2)
        .map(|pair| Some(hex_value(pair[0])? << 4 | hex_value(pair[1])?))
        .collect()
}

fn hex_value(digit: u8) -> Option<u8> {
    char::from(digit)
        .to_digit(16)
        .and_then(|value| u8::try_from(value).ok())
}

const UPPER: &[u8; 16] = b"0123456789ABCDEF";
const LOWER: &[u8; 16] = b"0123456789abcdef";

/// Two digits from a table: `write!("{:02x}")` per byte held a capture to
/// ~45 MB/s, far below the traffic it records.
fn push_digits(out: &mut String, byte: u8, digits: &[u8; 16]) {
    out.push(char::from(digits[usize::from(byte >> 4)]));
    out.push(char::from(digits[usize::from(byte & 0x0f)]));
}

/// One separator-free run of characters, each paired with its 1-based
/// position in the original input for error reporting.
type Token = Vec<(usize, char)>;

fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, ',' | ';' | ':' | '-')
}

fn tokens(input: &str) -> Vec<Token> {
    let mut all = Vec::new();
    let mut current = Token::new();
    for (index, c) in input.chars().enumerate() {
        if is_separator(c) {
            if !current.is_empty() {
                all.push(std::mem::take(&mut current));
            }
        } else {
            current.push((index + 1, c));
        }
    }
    if !current.is_empty() {
        all.push(current);
    }
    all
}

fn parse_token(token: &[(usize, char)], out: &mut Vec<u8>) -> Result<(), CodecError> {
    let digits = strip_prefix(token);
    let mut values = Vec::with_capacity(digits.len());
    for &(position, ch) in digits {
        let value = ch
            .to_digit(16)
            .ok_or(CodecError::HexInvalidChar { ch, position })?;
        values.push(value as u8);
    }
    if values.len() % 2 != 0 {
        return Err(CodecError::HexOddDigits {
            digits: values.len(),
        });
    }
    out.extend(values.chunks_exact(2).map(|pair| (pair[0] << 4) | pair[1]));
    Ok(())
}

/// Drops a leading `0x`, but only when digits follow: a bare "0x" is then
/// reported as an invalid 'x' rather than as an empty, silently ignored byte.
fn strip_prefix(token: &[(usize, char)]) -> &[(usize, char)] {
    match token {
        [(_, '0'), (_, 'x' | 'X'), rest @ ..] if !rest.is_empty() => rest,
        _ => token,
    }
}
