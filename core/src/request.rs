//! The request side: the CORS headers of one request as raw lines ([`Request`]), what kind of request they
//! make, and the checks of `Access-Control-Request-Method`, `-Request-Headers` and `-Request-Private-Network`
//! against a policy's settings. Header lists are scanned eight or sixteen bytes at a time, under caps.

use crate::bytes::{eq, is_tchar, is_token, short_key, trim_ows};
use crate::headers::MAX_ECHOED_HEADER_LINES;
use crate::policy::{is_forbidden_method, HeaderRule, MethodRule, Settings, Span, MAX_TOKEN_LEN};
use crate::reason::DenyReason;

/// The CORS headers of one request, each as the lines it arrived on (several lines, in order).
///
/// `method` is the request's own method, compared byte for byte with `OPTIONS`.
///
/// ```
/// use corsguard::Request;
/// let request = Request {
///     method: b"OPTIONS",
///     origin: &[b"https://app.example.com"],
///     request_method: &[b"PUT"],
///     request_headers: &[b"content-type,x-trace-id"],
///     ..Request::default()
/// };
/// # let _ = request;
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Request<'a> {
    /// The request method.
    pub method: &'a [u8],
    /// Every `Origin` line (none: not a CORS request; more than one: malformed).
    pub origin: &'a [&'a [u8]],
    /// Every `Access-Control-Request-Method` line.
    pub request_method: &'a [&'a [u8]],
    /// Every `Access-Control-Request-Headers` line.
    pub request_headers: &'a [&'a [u8]],
    /// Every `Access-Control-Request-Private-Network` line.
    pub request_private_network: &'a [&'a [u8]],
}

/// What kind of request this is, for CORS.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RequestKind {
    /// No `Origin`: same-origin or not from a browser; the application answers as usual.
    NotCors = 0,
    /// A CORS request the application answers, with these headers added.
    Actual = 1,
    /// `OPTIONS` with `Origin` and `Access-Control-Request-Method`: the host answers it itself.
    Preflight = 2,
}

/// `Access-Control-Allow-Headers` is a prepared value, or the request's own lines echoed back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AllowHeaders<'a> {
    None,
    Value(&'a [u8]),
    Echo(&'a [&'a [u8]]),
}

impl Settings {
    /// Returns the `Access-Control-Allow-Methods` value.
    pub(crate) fn check_method<'d>(&'d self, lines: &'d [&'d [u8]]) -> Result<&'d [u8], DenyReason> {
        let [line] = lines else {
            return Err(DenyReason::MethodMalformed);
        };
        let method = trim_ows(line);
        // Fast path: a method spelled exactly as listed is a valid, allowed token (the list was checked when
        // the policy was built, and holds no forbidden method). One word per entry for the short ones.
        if self.method_rule == MethodRule::List && short_key(method).is_some_and(|key| self.method_keys.contains(&key))
        {
            return Ok(self.methods.as_slice());
        }
        if method.len() > MAX_TOKEN_LEN || !is_token(method) {
            return Err(DenyReason::MethodMalformed);
        }
        if is_forbidden_method(method) {
            return Err(DenyReason::MethodForbidden);
        }
        match self.method_rule {
            // Under credentials `*` is a literal method name to browsers, so echo the request's method.
            // A method literally named `*` is never echoed under credentials: docs/rules.md: `*` is never emitted then.
            MethodRule::Any if self.credentials && method == b"*" => Err(DenyReason::MethodNotAllowed),
            MethodRule::Any => Ok(if self.credentials { method } else { b"*" }),
            MethodRule::List => {
                let allowed = self.method_spans.iter().any(|&span| eq(span_of(&self.methods, span), method));
                if !allowed {
                    return Err(DenyReason::MethodNotAllowed);
                }
                Ok(self.methods.as_slice())
            }
        }
    }

    /// Checks every requested header name and returns the `Access-Control-Allow-Headers` answer.
    pub(crate) fn check_request_headers<'d>(&'d self, lines: &'d [&'d [u8]]) -> Result<AllowHeaders<'d>, DenyReason> {
        // Cap the bytes first, stopping as soon as the cap is passed, so a huge value costs almost nothing.
        let mut total = 0usize;
        for line in lines {
            total = total.saturating_add(line.len());
            if total > self.max_request_headers_len {
                return Err(DenyReason::HeadersTooLong);
            }
        }
        // Fast path: one line naming listed headers in list order, spelled as browsers send them
        // (lowercase, sorted, joined with "," and no space), is checked as one run of word compares against
        // the list in that form. Anything else takes the full path below.
        if let [line] = lines {
            if self.header_rule == HeaderRule::List
                && is_sublist(line, &self.request_form)
                // Each name matched a different entry, so only a list longer than the cap needs a count.
                && (self.header_spans.len() <= self.max_request_headers_count
                    || line.iter().filter(|&&b| b == b',').count() < self.max_request_headers_count)
            {
                return Ok(AllowHeaders::Value(self.allow_headers.as_slice()));
            }
        }
        let mut count = 0usize;
        let mut non_empty_lines = 0usize;
        let mut cursor = 0usize;
        for line in lines {
            let mut line_has_name = false;
            for element in (Elements { rest: Some(line) }) {
                // Fast path: a name spelled exactly as the policy lists it is a valid, allowed token (browsers
                // send the names that way); anything else takes the full path below, in the same order.
                if self.header_rule == HeaderRule::List && self.find_allowed_header(element, &mut cursor, true) {
                    line_has_name = true;
                    count = count.wrapping_add(1);
                    if count > self.max_request_headers_count {
                        return Err(DenyReason::HeadersTooMany);
                    }
                    continue;
                }
                let name = trim_ows(element);
                if name.is_empty() {
                    continue;
                }
                line_has_name = true;
                count = count.wrapping_add(1);
                if count > self.max_request_headers_count {
                    return Err(DenyReason::HeadersTooMany);
                }
                if !name.iter().all(|&b| is_tchar(b)) {
                    return Err(DenyReason::HeadersMalformed);
                }
                self.check_header_name(name, &mut cursor)?;
            }
            if line_has_name || !trim_ows(line).is_empty() {
                non_empty_lines = non_empty_lines.wrapping_add(1);
            }
        }
        match self.header_rule {
            HeaderRule::List => Ok(if self.allow_headers.is_empty() {
                AllowHeaders::None
            } else {
                AllowHeaders::Value(self.allow_headers.as_slice())
            }),
            // Under credentials `*` is a literal name to browsers, so echo the (validated) request lines.
            HeaderRule::Any { .. } if self.credentials => {
                if non_empty_lines > MAX_ECHOED_HEADER_LINES {
                    return Err(DenyReason::HeadersTooMany);
                }
                Ok(if count == 0 { AllowHeaders::None } else { AllowHeaders::Echo(lines) })
            }
            HeaderRule::Any { authorization: false } => Ok(AllowHeaders::Value(b"*")),
            HeaderRule::Any { authorization: true } => Ok(AllowHeaders::Value(b"*, authorization")),
        }
    }

    /// Whether `name` is in the policy's list (byte for byte when `exact`, else ASCII case-insensitively).
    /// `cursor` is where the previous name was found in the sorted list: browsers send the names sorted and
    /// lowercase too, so resuming there makes a whole request one pass over the list, and a length test skips
    /// most entries without reading them (at most 64 entries, whatever the order).
    fn find_allowed_header(&self, name: &[u8], cursor: &mut usize, exact: bool) -> bool {
        let is_name = |&span: &Span| {
            usize::from(span.1) == name.len() && {
                let allowed = span_of(&self.allow_headers, span);
                eq(allowed, name) || (!exact && allowed.eq_ignore_ascii_case(name))
            }
        };
        let spans = self.header_spans.as_slice();
        let (before, after) = spans.split_at((*cursor).min(spans.len()));
        let found = match after.iter().position(is_name) {
            Some(at) => Some(before.len().wrapping_add(at)),
            None => before.iter().position(is_name),
        };
        if let Some(at) = found {
            *cursor = at.wrapping_add(1);
        }
        found.is_some()
    }

    fn check_header_name(&self, name: &[u8], cursor: &mut usize) -> Result<(), DenyReason> {
        match self.header_rule {
            HeaderRule::List => {
                if self.find_allowed_header(name, cursor, false) {
                    Ok(())
                } else if name.eq_ignore_ascii_case(b"authorization") {
                    Err(DenyReason::AuthorizationNotAllowed)
                } else {
                    Err(DenyReason::HeaderNotAllowed)
                }
            }
            HeaderRule::Any { authorization } => {
                if self.credentials && name == b"*" {
                    // Echoed under credentials, a name `*` would put a `*` in ACAH: never emitted then.
                    Err(DenyReason::HeaderNotAllowed)
                } else if !authorization && name.eq_ignore_ascii_case(b"authorization") {
                    Err(DenyReason::AuthorizationNotAllowed)
                } else {
                    Ok(())
                }
            }
        }
    }

    /// Returns whether to send `Access-Control-Allow-Private-Network: true`.
    pub(crate) fn check_private_network(&self, lines: &[&[u8]]) -> Result<bool, DenyReason> {
        match lines {
            [] => Ok(false),
            [line] if trim_ows(line) == b"true" => {
                if self.private_network {
                    Ok(true)
                } else {
                    Err(DenyReason::PrivateNetworkNotAllowed)
                }
            }
            _ => Err(DenyReason::PrivateNetworkMalformed),
        }
    }
}

/// The comma-separated elements of one header line, exactly as `line.split(|&b| b == b',')` yields them, but
/// finding each comma eight bytes at a time.
struct Elements<'a> {
    rest: Option<&'a [u8]>,
}

impl<'a> Iterator for Elements<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let rest = self.rest?;
        let end = find_comma(rest).unwrap_or(rest.len());
        // Past the last element `end + 1` is out of range, which ends the iteration like `split` does.
        self.rest = rest.get(end.wrapping_add(1)..);
        Some(rest.get(..end).unwrap_or(&[]))
    }
}

/// The position of the first comma, eight bytes at a time: in `x = word ^ ",,,,,,,,"` a comma is a zero
/// byte, and the lowest byte flagged by `(x - 0x01..01) & !x & 0x80..80` is always a real zero byte.
fn find_comma(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    const COMMAS: u64 = 0x2c2c_2c2c_2c2c_2c2c;
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0usize;
    for chunk in &mut chunks {
        let x = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8])) ^ COMMAS;
        let found = x.wrapping_sub(ONES) & !x & HIGHS;
        if found != 0 {
            return Some(at.wrapping_add((found.trailing_zeros() / 8) as usize));
        }
        at = at.wrapping_add(8);
    }
    chunks.remainder().iter().position(|&b| b == b',').map(|i| at.wrapping_add(i))
}

/// Whether every comma-separated element of `line` is an entry of `list` (non-empty entries, joined with ","),
/// the elements in list order: a merge of the two that compares eight bytes at a time while they agree and,
/// where they differ, moves `list` on by one entry. Each round moves `list` on, so it ends within `list`'s
/// entry count. An empty element in `line` never matches, as `list` has none.
fn is_sublist(line: &[u8], list: &[u8]) -> bool {
    if line.is_empty() {
        return false;
    }
    // `i` and `j` are the starts of the current element of `line` and entry of `list`.
    let (mut i, mut j) = (0usize, 0usize);
    loop {
        let rest = line.get(i..).unwrap_or(&[]);
        let entries = list.get(j..).unwrap_or(&[]);
        let agree = common_prefix(rest, entries);
        if agree == rest.len() && matches!(entries.get(agree), None | Some(&b',')) {
            return true;
        }
        // The elements before the last comma of the agreeing run equal entries (same bytes, commas in the same
        // places); the one under way differs from the entry beside it, so that entry is skipped.
        let element =
            rest.get(..agree).and_then(|run| run.iter().rposition(|&b| b == b',')).map_or(0, |c| c.wrapping_add(1));
        let entry = j.wrapping_add(element);
        let Some(next) = list.get(entry..).and_then(|e| e.iter().position(|&b| b == b',')) else {
            return false;
        };
        i = i.wrapping_add(element);
        j = entry.wrapping_add(next).wrapping_add(1);
    }
}

/// How many leading bytes `a` and `b` share, comparing sixteen at a time, then eight, then one.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let mut k = 0usize;
    while let (Some(x), Some(y)) = (a.get(k..k.wrapping_add(16)), b.get(k..k.wrapping_add(16))) {
        let diff =
            u128::from_le_bytes(x.try_into().unwrap_or([0; 16])) ^ u128::from_le_bytes(y.try_into().unwrap_or([0; 16]));
        if diff != 0 {
            return k.wrapping_add((diff.trailing_zeros() / 8) as usize);
        }
        k = k.wrapping_add(16);
    }
    if let (Some(x), Some(y)) = (a.get(k..k.wrapping_add(8)), b.get(k..k.wrapping_add(8))) {
        let diff =
            u64::from_le_bytes(x.try_into().unwrap_or([0; 8])) ^ u64::from_le_bytes(y.try_into().unwrap_or([0; 8]));
        if diff != 0 {
            return k.wrapping_add((diff.trailing_zeros() / 8) as usize);
        }
        k = k.wrapping_add(8);
    }
    while let (Some(x), Some(y)) = (a.get(k), b.get(k)) {
        if x != y {
            break;
        }
        k = k.wrapping_add(1);
    }
    k
}

fn span_of(buf: &[u8], (start, len): (u16, u16)) -> &[u8] {
    let start = usize::from(start);
    buf.get(start..start.saturating_add(usize::from(len))).unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::{common_prefix, is_sublist, Elements};

    /// The rule `is_sublist` implements, written the obvious way.
    fn is_sublist_by_rule(line: &[u8], list: &[u8]) -> bool {
        if line.is_empty() {
            return false;
        }
        let mut entries = list.split(|&b| b == b',').filter(|e| !e.is_empty());
        line.split(|&b| b == b',').all(|element| entries.any(|entry| entry == element))
    }

    #[test]
    fn the_word_merge_agrees_with_the_rule() {
        let pieces: [&[u8]; 12] =
            [b"a", b"ab", b"abcdefghij", b"abcdefghijk", b"b", b"ba", b"x-y", b"A", b"", b" a", b"abcdefgh", b"c"];
        let lists: [&[u8]; 6] = [
            b"",
            b"a",
            b"a,ab,abcdefghij,b,ba,x-y",
            b"ab,abcdefgh,abcdefghijk,ba",
            b"abcdefgh,abcdefghij,abcdefghijk,c",
            b"a,b,c",
        ];
        let n = pieces.len();
        let mut line = Vec::new();
        let mut matched = 0;
        for list in lists {
            for combo in 0..(n + 1).pow(4) {
                line.clear();
                let mut rest = combo;
                let mut first = true;
                for _ in 0..4 {
                    let pick = rest % (n + 1);
                    rest /= n + 1;
                    if pick < n {
                        if !first {
                            line.push(b',');
                        }
                        first = false;
                        line.extend_from_slice(pieces[pick]);
                    }
                }
                let expected = is_sublist_by_rule(&line, list);
                matched += usize::from(expected);
                assert_eq!(
                    is_sublist(&line, list),
                    expected,
                    "{:?} in {:?}",
                    String::from_utf8_lossy(&line),
                    String::from_utf8_lossy(list)
                );
            }
        }
        assert!(matched > 100, "only {matched} lines matched");
        assert_eq!(common_prefix(b"abcdefghijkl", b"abcdefghijkz"), 11);
        assert_eq!(common_prefix(b"abc", b"abcdefghijkz"), 3);
        assert_eq!(common_prefix(b"", b"a"), 0);
        let long = b"0123456789abcdefghijklmnopqrstuvwxyz";
        for at in 0..long.len() {
            let mut other = *long;
            other[at] = b'!';
            assert_eq!(common_prefix(long, &other), at);
            assert_eq!(common_prefix(&long[..at], long), at);
        }
    }

    #[test]
    fn elements_are_split_by_comma() {
        for line in [
            &b""[..],
            b",",
            b"a",
            b"a,b",
            b"a,,b,",
            b" a , b\t,",
            b"content-type,x-request-id",
            b"a b,c",
            b"x\x00y,z",
            b",,,",
            b"\xff,a",
        ] {
            let ours: Vec<&[u8]> = (Elements { rest: Some(line) }).collect();
            let split: Vec<&[u8]> = line.split(|&b| b == b',').collect();
            assert_eq!(ours, split, "{line:?}");
        }
    }

    #[test]
    fn find_comma_matches_a_byte_scan() {
        // Fillers next to ',' (0x2c) in value, and with the high bit set, around every word boundary.
        for filler in [b'a', b'+', b'-', 0x2d, 0xac, 0x00, 0x01, 0x80, 0xff] {
            for len in 0..26usize {
                let mut line = std::vec![filler; len];
                assert_eq!(super::find_comma(&line), None);
                for first in 0..len {
                    line[first] = b',';
                    for second in first..len {
                        line[second] = b',';
                        assert_eq!(super::find_comma(&line), Some(first), "{line:?}");
                        if second != first {
                            line[second] = filler;
                        }
                    }
                    line[first] = filler;
                }
            }
        }
    }
}
