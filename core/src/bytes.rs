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
    // Branch-free: the AND of one table load per byte, eight per step (names are short and nearly always
    // valid, so stopping at the first bad byte would save nothing).
    let ok = |b: &u8| is_tchar(*b);
    let mut chunks = bytes.chunks_exact(8);
    let mut all = true;
    for chunk in &mut chunks {
        all &= chunk.iter().fold(true, |a, b| a & ok(b));
    }
    !bytes.is_empty() && chunks.remainder().iter().fold(all, |a, b| a & ok(b))
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
    // Nearly every value has neither: one test of each end (every OWS byte is at most b' ').
    if let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) {
        if first > b' ' && last > b' ' {
            return bytes;
        }
    }
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

/// Orders two byte strings as their ASCII-lowercase forms would order.
pub(crate) fn cmp_ignore_case(a: &[u8], b: &[u8]) -> core::cmp::Ordering {
    for (x, y) in a.iter().zip(b.iter()) {
        let (x, y) = (x.to_ascii_lowercase(), y.to_ascii_lowercase());
        if x != y {
            return x.cmp(&y);
        }
    }
    a.len().cmp(&b.len())
}

/// ASCII case-insensitive equality, inlined (the standard library's is an out-of-line call).
#[inline]
#[allow(clippy::manual_ignore_case_cmp)] // the point is to avoid the call the suggested method makes
pub(crate) fn eq_ignore_case(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_ascii_lowercase() == y.to_ascii_lowercase())
}

/// Whether every byte may appear in an HTTP field value and none is CR, LF or NUL
/// (visible ASCII, space and tab; corsguard never emits obs-text).
pub fn is_field_value(bytes: &[u8]) -> bool {
    bytes.iter().all(|&b| b == b'\t' || (0x20..0x7f).contains(&b))
}

/// Byte equality without a call to `memcmp`: most values compared while deciding (origins, methods, header
/// names) are under 64 bytes, where loading words beats the call.
#[inline]
pub(crate) fn eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let n = a.len();
    if n >= 8 {
        // Up to 16 bytes (schemes with `://`, host suffixes, most header names): two overlapping words.
        if n <= 16 {
            let last = n.wrapping_sub(8);
            return load8(a, 0) == load8(b, 0) && load8(a, last) == load8(b, last);
        }
        let mut at = 0usize;
        while at.wrapping_add(8) < n {
            if load8(a, at) != load8(b, at) {
                return false;
            }
            at = at.wrapping_add(8);
        }
        // The last eight bytes, overlapping what was already compared.
        let last = n.wrapping_sub(8);
        return load8(a, last) == load8(b, last);
    }
    if n >= 4 {
        let last = n.wrapping_sub(4);
        return load4(a, 0) == load4(b, 0) && load4(a, last) == load4(b, last);
    }
    a.iter().zip(b).all(|(x, y)| x == y)
}

/// ASCII-lowercases `bytes` in place, eight at a time: in a word of ASCII bytes, adding 0x3f sets a byte's
/// top bit when it is at least `A`, adding 0x25 when it is past `Z` (no byte carries into the next), so the
/// uppercase ones are found at once and get their 0x20 bit. Words with a non-ASCII byte take the byte loop.
pub(crate) fn make_lowercase(bytes: &mut [u8]) {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut chunks = bytes.chunks_exact_mut(8);
    for chunk in &mut chunks {
        let x = u64::from_le_bytes(<[u8; 8]>::try_from(&*chunk).unwrap_or([0; 8]));
        if x & HIGH != 0 {
            chunk.make_ascii_lowercase();
            continue;
        }
        let upper = x.wrapping_add(0x3f3f_3f3f_3f3f_3f3f) & !x.wrapping_add(0x2525_2525_2525_2525) & HIGH;
        chunk.copy_from_slice(&(x | (upper >> 2)).to_le_bytes());
    }
    chunks.into_remainder().make_ascii_lowercase();
}

/// Whether the token `name` starts with `prefix`, ASCII case-insensitively, where `prefix` is lowercase and
/// 4 to 8 bytes long and each of its bytes has the 0x20 bit (lowercase letters, digits, `-`): then only its
/// own two cases of a byte of `prefix` become it when 0x20 is set, among token bytes. Two word compares.
pub(crate) fn token_starts_with_lower(name: &[u8], prefix: &[u8]) -> bool {
    let n = prefix.len();
    if name.len() < n || !(4..=8).contains(&n) {
        return false;
    }
    let last = n.wrapping_sub(4);
    load4(name, 0) | 0x2020_2020 == load4(prefix, 0) && load4(name, last) | 0x2020_2020 == load4(prefix, last)
}

fn load8(bytes: &[u8], at: usize) -> u64 {
    let word = bytes.get(at..at.wrapping_add(8)).and_then(|w| w.try_into().ok()).unwrap_or([0; 8]);
    u64::from_le_bytes(word)
}

/// The bytes of a value of 1 to 7 bytes and its length as one word: bytes in the low seven lanes
/// (little-endian, the rest zero), the length in the top one; so two such values are equal exactly when their
/// keys are. `None` for the empty value and for one of 8 bytes or more.
#[inline(always)]
pub(crate) fn short_key(bytes: &[u8]) -> Option<u64> {
    let n = bytes.len();
    let low = match n {
        // Two overlapping four-byte loads cover every byte; a byte loaded twice lands in the same lane.
        4..=7 => {
            u64::from(load4(bytes, 0))
                | u64::from(load4(bytes, n.wrapping_sub(4))) << (n.wrapping_sub(4).wrapping_mul(8))
        }
        // First, middle and last byte: all of them.
        1..=3 => {
            let at = |i: usize| u64::from(bytes.get(i).copied().unwrap_or(0)) << i.wrapping_mul(8);
            at(0) | at(n / 2) | at(n.wrapping_sub(1))
        }
        _ => return None,
    };
    Some(low | (n as u64) << 56)
}

fn load4(bytes: &[u8], at: usize) -> u32 {
    let word = bytes.get(at..at.wrapping_add(4)).and_then(|w| w.try_into().ok()).unwrap_or([0; 4]);
    u32::from_le_bytes(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_keys_are_equal_exactly_when_values_are() {
        // Every value of up to five bytes over an alphabet with NUL, a high byte and letters, and values of six
        // and seven bytes that differ in one place: equal keys, equal values; and only 1 to 7 bytes have one.
        let alphabet = [0u8, b'A', b'G', b'T', 0x80, 0xff];
        let mut values = vec![Vec::new()];
        for len in 1..=5u32 {
            for pick in 0..alphabet.len().pow(len) {
                let mut pick = pick;
                values.push(
                    (0..len)
                        .map(|_| {
                            let b = alphabet[pick % alphabet.len()];
                            pick /= alphabet.len();
                            b
                        })
                        .collect(),
                );
            }
        }
        for len in 6..=9usize {
            for at in 0..len {
                for &b in &alphabet {
                    let mut v = b"OPTIONSXY"[..len].to_vec();
                    v[at] = b;
                    values.push(v);
                }
            }
        }
        let keys: Vec<Option<u64>> = values.iter().map(|v| short_key(v)).collect();
        for (v, k) in values.iter().zip(&keys) {
            assert_eq!(k.is_some(), (1..=7).contains(&v.len()), "{v:?}");
        }
        for (i, a) in values.iter().enumerate() {
            for (j, b) in values.iter().enumerate() {
                if let (Some(x), Some(y)) = (keys[i], keys[j]) {
                    assert_eq!(x == y, a == b, "{a:?} {b:?}");
                }
            }
        }
    }

    #[test]
    fn tchar_table_is_the_rule() {
        for b in 0..=255u8 {
            assert_eq!(is_tchar(b), tchar_by_rule(b), "byte {b:#04x}");
        }
        assert!(is_tchar(b'~') && is_tchar(b'^') && !is_tchar(b',') && !is_tchar(b' ') && !is_tchar(0x80));
    }

    #[test]
    fn token_test_is_the_rule() {
        for len in 0..20usize {
            let name: Vec<u8> = (0..len).map(|i| b"aZ9-_~!x"[i % 8]).collect();
            assert_eq!(is_token(&name), len > 0);
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut bad = name.clone();
                    bad[at] = b;
                    assert_eq!(is_token(&bad), bad.iter().all(|&c| tchar_by_rule(c)), "len {len}, {b:#04x} at {at}");
                }
            }
        }
    }

    #[test]
    fn word_lowercasing_is_ascii_lowercasing() {
        // Every byte value at every place of a word and of the tail, beside bytes of every class.
        for len in 0..20usize {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut bytes: Vec<u8> =
                        (0..len).map(|i| [b'A', b'z', b'@', b'[', b'`', b'{', b'Z', b'0'][i % 8]).collect();
                    bytes[at] = b;
                    let mut want = bytes.clone();
                    want.make_ascii_lowercase();
                    make_lowercase(&mut bytes);
                    assert_eq!(bytes, want, "len {len}, byte {b:#04x} at {at}");
                }
            }
        }
    }

    #[test]
    fn token_prefix_test_is_the_case_insensitive_rule() {
        for prefix in [&b"sec-"[..], b"proxy-"] {
            let mut names: Vec<Vec<u8>> =
                vec![prefix.to_vec(), prefix.to_ascii_uppercase(), [prefix, b"fetch"].concat()];
            for at in 0..prefix.len() {
                for b in (0..=255u8).filter(|&b| is_tchar(b)) {
                    let mut name = [prefix, b"x"].concat();
                    name[at] = b;
                    names.push(name);
                }
            }
            names.push(prefix[..prefix.len() - 1].to_vec());
            for name in names {
                let rule = name.len() >= prefix.len() && name[..prefix.len()].eq_ignore_ascii_case(prefix);
                assert_eq!(token_starts_with_lower(&name, prefix), rule, "{}", String::from_utf8_lossy(&name));
            }
        }
    }

    #[test]
    fn word_equality_is_slice_equality() {
        let base: Vec<u8> = (0..40u8).map(|i| b'a' + i % 26).collect();
        for len in 0..base.len() {
            let a = &base[..len];
            assert!(eq(a, a));
            for at in 0..len {
                let mut b = a.to_vec();
                b[at] ^= 0x20;
                assert!(!eq(a, &b), "len {len}, byte {at}");
            }
            assert!(!eq(a, &base[..len + 1]));
        }
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
