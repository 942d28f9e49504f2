//! Byte classes from RFC 9110 and the Fetch standard, shared by every parser in the crate.

/// `tchar` from RFC 9110: the bytes an HTTP token (method, header name) may hold.
#[inline]
pub fn is_tchar(b: u8) -> bool {
    // One load instead of a chain of range tests: header names are checked byte by byte on every preflight.
    TCHAR.get(usize::from(b)).copied().unwrap_or(false)
}

// Evaluated at compile time: an out-of-range index or overflow would fail the build, never panic at run time.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
const TCHAR: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0usize;
    while b < 256 {
        table[b] = tchar_by_rule(b as u8);
        b += 1;
    }
    table
};

const fn tchar_by_rule(b: u8) -> bool {
    matches!(b,
        b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9'
        | b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~')
}

/// Whether `bytes` is a non-empty RFC 9110 token.
pub fn is_token(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().all(|&b| is_tchar(b))
}

pub(crate) const fn is_ascii_digit(b: u8) -> bool {
    b.is_ascii_digit()
}

pub(crate) const fn is_lower_hex(b: u8) -> bool {
    matches!(b, b'0'..=b'9' | b'a'..=b'f')
}

/// Optional whitespace (RFC 9110 OWS): space and horizontal tab.
pub(crate) const fn is_ows(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Strips OWS from both ends.
pub(crate) fn trim_ows(mut bytes: &[u8]) -> &[u8] {
    while let Some((&first, rest)) = bytes.split_first() {
        if !is_ows(first) {
            break;
        }
        bytes = rest;
    }
    while let Some((&last, rest)) = bytes.split_last() {
        if !is_ows(last) {
            break;
        }
        bytes = rest;
    }
    bytes
}

/// Compares `a` lowercased against `lower`, which is already lowercase.
pub(crate) fn cmp_ignore_case(a: &[u8], lower: &[u8]) -> core::cmp::Ordering {
    for (x, y) in a.iter().zip(lower.iter()) {
        let x = x.to_ascii_lowercase();
        if x != *y {
            return x.cmp(y);
        }
    }
    a.len().cmp(&lower.len())
}

/// Whether every byte may appear in an HTTP field value and none is CR, LF or NUL
/// (visible ASCII, space and tab; corsguard never emits obs-text).
pub fn is_field_value(bytes: &[u8]) -> bool {
    bytes.iter().all(|&b| b == b'\t' || (0x20..0x7f).contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tchar_table_is_the_rule() {
        for b in 0..=255u8 {
            assert_eq!(is_tchar(b), tchar_by_rule(b), "byte {b:#04x}");
        }
        assert!(is_tchar(b'~') && is_tchar(b'^') && !is_tchar(b',') && !is_tchar(b' ') && !is_tchar(0x80));
    }

    #[test]
    fn tokens_and_trimming() {
        assert!(is_token(b"X-Custom_Header"));
        assert!(!is_token(b""));
        assert!(!is_token(b"a b"));
        assert!(!is_token(b"a:b"));
        assert_eq!(trim_ows(b" \t a b\t "), b"a b");
        assert_eq!(trim_ows(b"   "), b"");
        assert_eq!(cmp_ignore_case(b"X-A", b"x-a"), core::cmp::Ordering::Equal);
        assert!(is_field_value(b"a, b\t*"));
        assert!(!is_field_value(b"a\r\nb"));
        assert!(!is_field_value(b"a\0"));
    }
}
