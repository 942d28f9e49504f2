//! The oracle: a second, deliberately plain implementation of the CORS decision, written from the text of the
//! Fetch and URL standards (and the rules in docs/rules.md) instead of from corsguard's code. It allocates, scans
//! linearly and re-serializes to compare; it is only for tests. Any disagreement with corsguard is a bug in one
//! of the two.

use std::collections::BTreeSet;

// ---------------------------------------------------------------------------------------------------------------
// HTTP byte classes (RFC 9110)

/// RFC 9110 `tchar`, spelled out as the RFC lists it.
pub fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// RFC 9110 `token = 1*tchar`.
pub fn is_token(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| is_tchar(b))
}

/// Strips RFC 9110 OWS (SP / HTAB) from both ends.
pub fn trim_ows(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&b| b != b' ' && b != b'\t').unwrap_or(s.len());
    let end = s.iter().rposition(|&b| b != b' ' && b != b'\t').map_or(start, |e| e + 1);
    &s[start..end]
}

/// Parses a `#token` list the way a browser reads a combined header: split on commas, trim OWS, drop empty
/// elements. `None` when an element is not a token (Fetch: the whole value fails).
pub fn parse_token_list(value: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    for element in value.split(|&b| b == b',') {
        let element = trim_ows(element);
        if element.is_empty() {
            continue;
        }
        if !is_token(element) {
            return None;
        }
        out.push(element.to_vec());
    }
    Some(out)
}

// ---------------------------------------------------------------------------------------------------------------
// URL Standard: hosts and origins

/// A host as the URL Standard's host parser returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Host {
    /// An ASCII domain (already lowercase).
    Domain(String),
    /// An IPv4 address.
    Ipv4(u32),
    /// An IPv6 address.
    Ipv6([u16; 8]),
}

/// A tuple origin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TupleOrigin {
    /// The scheme, lowercase.
    pub scheme: String,
    /// The host.
    pub host: Host,
    /// The port, `None` for the scheme's default.
    pub port: Option<u16>,
}

/// `null` or a tuple origin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OracleOrigin {
    /// The opaque origin's serialization.
    Null,
    /// A tuple origin.
    Tuple(TupleOrigin),
}

/// URL Standard "special scheme" default ports.
pub fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        "ftp" => Some(21),
        _ => None,
    }
}

/// URL Standard "forbidden domain code point", for ASCII.
fn is_forbidden_domain_code_point(c: u8) -> bool {
    let forbidden_host = matches!(
        c,
        0 | b'\t'
            | b'\n'
            | b'\r'
            | b' '
            | b'#'
            | b'/'
            | b':'
            | b'<'
            | b'>'
            | b'?'
            | b'@'
            | b'['
            | b'\\'
            | b']'
            | b'^'
            | b'|'
    );
    forbidden_host || c < 0x20 || c == b'%' || c == 0x7f
}

/// URL Standard "IPv4 number parser"; `None` is failure.
fn ipv4_number(input: &str) -> Option<u64> {
    if input.is_empty() {
        return None;
    }
    let (digits, radix) = if input.len() >= 2 && (input.starts_with("0x") || input.starts_with("0X")) {
        (&input[2..], 16)
    } else if input.len() >= 2 && input.starts_with('0') {
        (&input[1..], 8)
    } else {
        (input, 10)
    };
    if digits.is_empty() {
        return Some(0);
    }
    // The standard's numbers are unbounded; saturating keeps every comparison the parser makes right.
    let mut value: u64 = 0;
    for c in digits.chars() {
        let d = c.to_digit(radix)?;
        value = value.saturating_mul(u64::from(radix)).saturating_add(u64::from(d));
    }
    Some(value)
}

/// URL Standard "ends in a number checker".
fn ends_in_a_number(input: &str) -> bool {
    let mut parts: Vec<&str> = input.split('.').collect();
    if parts.last() == Some(&"") {
        if parts.len() == 1 {
            return false;
        }
        parts.pop();
    }
    let last = parts.last().copied().unwrap_or("");
    if !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    ipv4_number(last).is_some()
}

/// URL Standard "IPv4 parser".
fn ipv4_parse(input: &str) -> Option<u32> {
    let mut parts: Vec<&str> = input.split('.').collect();
    if parts.last() == Some(&"") && parts.len() > 1 {
        parts.pop();
    }
    if parts.len() > 4 {
        return None;
    }
    let mut numbers = Vec::new();
    for part in &parts {
        numbers.push(ipv4_number(part)?);
    }
    let (last, init) = numbers.split_last()?;
    if init.iter().any(|&n| n > 255) {
        return None;
    }
    if *last >= 256u64.pow(5 - numbers.len() as u32) {
        return None;
    }
    let mut ipv4 = *last;
    for (i, n) in init.iter().enumerate() {
        ipv4 = ipv4.saturating_add(n * 256u64.pow(3 - i as u32));
    }
    u32::try_from(ipv4).ok()
}

fn ipv4_serialize(address: u32) -> String {
    let b = address.to_be_bytes();
    format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3])
}

/// URL Standard "IPv6 parser", step by step.
fn ipv6_parse(input: &[u8]) -> Option<[u16; 8]> {
    let mut address = [0u16; 8];
    let mut piece_index = 0usize;
    let mut compress: Option<usize> = None;
    let mut p = 0usize;
    let c = |p: usize| input.get(p).copied();
    if c(p) == Some(b':') {
        if c(p + 1) != Some(b':') {
            return None;
        }
        p += 2;
        piece_index += 1;
        compress = Some(piece_index);
    }
    while c(p).is_some() {
        if piece_index == 8 {
            return None;
        }
        if c(p) == Some(b':') {
            if compress.is_some() {
                return None;
            }
            p += 1;
            piece_index += 1;
            compress = Some(piece_index);
            continue;
        }
        let mut value: u16 = 0;
        let mut length = 0;
        while length < 4 && c(p).is_some_and(|b| b.is_ascii_hexdigit()) {
            value = value * 0x10 + (c(p)? as char).to_digit(16)? as u16;
            p += 1;
            length += 1;
        }
        if c(p) == Some(b'.') {
            if length == 0 {
                return None;
            }
            p -= length;
            if piece_index > 6 {
                return None;
            }
            let mut numbers_seen = 0;
            while c(p).is_some() {
                let mut ipv4_piece: Option<u16> = None;
                if numbers_seen > 0 {
                    if c(p) == Some(b'.') && numbers_seen < 4 {
                        p += 1;
                    } else {
                        return None;
                    }
                }
                if !c(p).is_some_and(|b| b.is_ascii_digit()) {
                    return None;
                }
                while let Some(d) = c(p).filter(|b| b.is_ascii_digit()) {
                    let number = u16::from(d - b'0');
                    ipv4_piece = match ipv4_piece {
                        None => Some(number),
                        Some(0) => return None,
                        Some(v) => Some(v * 10 + number),
                    };
                    if ipv4_piece? > 255 {
                        return None;
                    }
                    p += 1;
                }
                address[piece_index] = address[piece_index] * 0x100 + ipv4_piece?;
                numbers_seen += 1;
                if numbers_seen == 2 || numbers_seen == 4 {
                    piece_index += 1;
                }
            }
            if numbers_seen != 4 {
                return None;
            }
            break;
        } else if c(p) == Some(b':') {
            p += 1;
            c(p)?;
        } else if c(p).is_some() {
            return None;
        }
        address[piece_index] = value;
        piece_index += 1;
    }
    if let Some(mut compress) = compress {
        let mut swaps = piece_index - compress;
        piece_index = 7;
        while piece_index != 0 && swaps > 0 {
            address.swap(piece_index, compress + swaps - 1);
            piece_index -= 1;
            swaps -= 1;
        }
        let _ = &mut compress;
    } else if piece_index != 8 {
        return None;
    }
    Some(address)
}

/// URL Standard "IPv6 serializer".
fn ipv6_serialize(address: &[u16; 8]) -> String {
    // The first longest run of two or more zero pieces is compressed.
    let mut best: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < 8 {
        if address[i] == 0 {
            let start = i;
            while i < 8 && address[i] == 0 {
                i += 1;
            }
            let len = i - start;
            if len >= 2 && best.is_none_or(|(_, l)| len > l) {
                best = Some((start, len));
            }
        } else {
            i += 1;
        }
    }
    let mut out = String::new();
    let mut ignore0 = false;
    for (index, piece) in address.iter().enumerate() {
        if ignore0 && *piece == 0 {
            continue;
        }
        ignore0 = false;
        if best.is_some_and(|(start, _)| start == index) {
            out.push_str(if index == 0 { "::" } else { ":" });
            ignore0 = true;
            continue;
        }
        out.push_str(&format!("{piece:x}"));
        if index != 7 {
            out.push(':');
        }
    }
    out
}

/// The host parser for the hosts of origins (special-scheme rules for every scheme, as corsguard documents),
/// restricted to ASCII input: internationalized hosts arrive as punycode. Returns the host and its
/// serialization.
fn host_parse(input: &str) -> Option<(Host, String)> {
    if let Some(rest) = input.strip_prefix('[') {
        let inner = rest.strip_suffix(']')?;
        let address = ipv6_parse(inner.as_bytes())?;
        let serialized = format!("[{}]", ipv6_serialize(&address));
        return Some((Host::Ipv6(address), serialized));
    }
    if !input.is_ascii() {
        return None;
    }
    // Percent-decoding, then domain to ASCII (which lowercases ASCII), then the forbidden-code-point check.
    let decoded = percent_decode(input.as_bytes());
    let ascii_domain = String::from_utf8(decoded).ok()?.to_ascii_lowercase();
    if ascii_domain.is_empty() || !ascii_domain.is_ascii() {
        return None;
    }
    if ascii_domain.bytes().any(is_forbidden_domain_code_point) {
        return None;
    }
    if ends_in_a_number(&ascii_domain) {
        let address = ipv4_parse(&ascii_domain)?;
        return Some((Host::Ipv4(address), ipv4_serialize(address)));
    }
    Some((Host::Domain(ascii_domain.clone()), ascii_domain))
}

fn percent_decode(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < input.len() {
        let hex = |b: Option<&u8>| b.and_then(|&b| (b as char).to_digit(16));
        if input[i] == b'%' {
            if let (Some(h), Some(l)) = (hex(input.get(i + 1)), hex(input.get(i + 2))) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(input[i]);
        i += 1;
    }
    out
}

/// Serializes a tuple origin: `scheme "://" host [":" port]`.
pub fn serialize_origin(origin: &TupleOrigin) -> String {
    let host = match &origin.host {
        Host::Domain(d) => d.clone(),
        Host::Ipv4(a) => ipv4_serialize(*a),
        Host::Ipv6(a) => format!("[{}]", ipv6_serialize(a)),
    };
    match origin.port {
        Some(p) => format!("{}://{}:{}", origin.scheme, host, p),
        None => format!("{}://{}", origin.scheme, host),
    }
}

/// Whether `input` is exactly what a browser could put in an `Origin` header: `null`, or the serialization of
/// a tuple origin. Parses loosely, as a URL parser would, and then requires the input to equal the
/// re-serialization. Port 0 is refused too: Fetch's bad-port list blocks it, so no page has such an origin.
pub fn parse_origin(input: &[u8]) -> Option<OracleOrigin> {
    if input == b"null" {
        return Some(OracleOrigin::Null);
    }
    let text = std::str::from_utf8(input).ok()?;
    let colon = text.find(':')?;
    let scheme = &text[..colon];
    let mut chars = scheme.chars();
    if !chars.next()?.is_ascii_alphabetic() || !chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) {
        return None;
    }
    let scheme = scheme.to_ascii_lowercase();
    let authority = text[colon..].strip_prefix("://")?;
    // The authority ends at the first '/', '?', '#' (or '\', which special schemes treat as '/').
    let end = authority.find(['/', '?', '#', '\\']).unwrap_or(authority.len());
    let (authority, rest) = authority.split_at(end);
    let (userinfo_present, host_port) = match authority.rfind('@') {
        Some(at) => (true, &authority[at + 1..]),
        None => (false, authority),
    };
    // Host and port: a ':' inside brackets belongs to the host.
    let mut in_brackets = false;
    let mut split = None;
    for (i, c) in host_port.char_indices() {
        match c {
            '[' => in_brackets = true,
            ']' => in_brackets = false,
            ':' if !in_brackets => {
                split = Some(i);
                break;
            }
            _ => {}
        }
    }
    let (host_text, port_text) = match split {
        Some(i) => (&host_port[..i], Some(&host_port[i + 1..])),
        None => (host_port, None),
    };
    let (host, _) = host_parse(host_text)?;
    let port = match port_text {
        None | Some("") => None,
        Some(digits) => {
            if !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let significant = digits.trim_start_matches('0');
            if significant.len() > 5 {
                return None;
            }
            let value: u32 = significant.parse().unwrap_or(0);
            if value > 65535 {
                return None;
            }
            if default_port(&scheme) == Some(value as u16) {
                None
            } else {
                Some(value as u16)
            }
        }
    };
    if port == Some(0) {
        return None;
    }
    let origin = TupleOrigin { scheme, host, port };
    // The serialization never carries userinfo, a path, a query or a fragment; the input must be exactly it.
    if userinfo_present || !rest.is_empty() || serialize_origin(&origin).as_bytes() != input {
        return None;
    }
    Some(OracleOrigin::Tuple(origin))
}

/// Whether an origin's host is loopback by definition (`localhost`, `*.localhost`, 127/8, `::1`).
pub fn is_loopback(origin: &TupleOrigin) -> bool {
    match &origin.host {
        // Only the dotless spelling counts, as corsguard documents (`localhost.` is not treated as loopback).
        Host::Domain(d) => d == "localhost" || d.ends_with(".localhost"),
        Host::Ipv4(a) => a >> 24 == 127,
        Host::Ipv6(a) => *a == [0, 0, 0, 0, 0, 0, 0, 1],
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Origin-list entries

/// Whether the policy entry `entry` (`*`, an exact origin, `scheme://*.domain[:port]`, `scheme://host:*`)
/// allows the valid origin `origin`, read straight from the entry's text.
pub fn entry_matches(entry: &str, origin_bytes: &[u8], origin: &OracleOrigin) -> bool {
    if entry == "*" {
        return true;
    }
    if !entry.contains('*') {
        return entry.as_bytes() == origin_bytes;
    }
    let OracleOrigin::Tuple(origin) = origin else {
        return false;
    };
    let Some((scheme, rest)) = entry.split_once("://") else {
        return false;
    };
    if scheme != origin.scheme {
        return false;
    }
    let (host_pattern, port_pattern) = match rest.rfind(':') {
        Some(i) if !rest.ends_with(']') => (&rest[..i], Some(&rest[i + 1..])),
        _ => (rest, None),
    };
    let port_ok = match port_pattern {
        None => origin.port.is_none(),
        Some("*") => true,
        Some(digits) => origin.port.is_some_and(|p| p.to_string() == digits),
    };
    if !port_ok {
        return false;
    }
    match host_pattern.strip_prefix("*.") {
        Some(domain) => {
            // One or more labels in front of ".domain", never a bare suffix match, and every covered label a
            // DNS label: non-empty, of letters, digits, `-` and `_` (docs/rules.md).
            let Host::Domain(host) = &origin.host else {
                return false;
            };
            let suffix = format!(".{domain}");
            match host.strip_suffix(suffix.as_str()) {
                Some(labels) => labels.split('.').all(|label| {
                    !label.is_empty() && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                }),
                None => false,
            }
        }
        None => {
            let (_, serialized_host) = match host_parse(host_pattern) {
                Some(h) => h,
                None => return false,
            };
            let origin_host = match &origin.host {
                Host::Domain(d) => d.clone(),
                Host::Ipv4(a) => ipv4_serialize(*a),
                Host::Ipv6(a) => format!("[{}]", ipv6_serialize(a)),
            };
            serialized_host == host_pattern && origin_host == host_pattern
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Policy rules (docs/rules.md "Refused when the policy is built"), as an independent reading

/// Fetch "forbidden request-header" names (lowercase), plus the `proxy-` and `sec-` prefixes.
fn forbidden_request_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    const LIST: &[&str] = &[
        "accept-charset",
        "accept-encoding",
        "access-control-request-headers",
        "access-control-request-method",
        "access-control-request-private-network",
        "connection",
        "content-length",
        "cookie",
        "cookie2",
        "date",
        "dnt",
        "expect",
        "host",
        "keep-alive",
        "origin",
        "referer",
        "set-cookie",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
    ];
    LIST.contains(&name.as_str()) || name.starts_with("proxy-") || name.starts_with("sec-")
}

/// An owned copy of a `PolicyConfig`, so the oracle never looks at corsguard's prepared state.
#[derive(Clone, Debug)]
pub struct OraclePolicy {
    /// Origin-list entries.
    pub origins: Vec<String>,
    /// Credentials allowed.
    pub credentials: bool,
    /// `None` = any method.
    pub methods: Option<Vec<String>>,
    /// `None` = any header.
    pub request_headers: Option<Vec<String>>,
    /// Whether `*` also covers Authorization.
    pub any_header_covers_authorization: bool,
    /// `None` = expose any.
    pub exposed_headers: Option<Vec<String>>,
    /// Max-age.
    pub max_age: Option<u32>,
    /// Allowed preflight status.
    pub success_status: u16,
    /// Denied preflight status.
    pub failure_status: u16,
    /// PNA on.
    pub private_network: bool,
    /// Insecure origins tolerated with credentials.
    pub allow_insecure: bool,
    /// Caps.
    pub max_origin_len: usize,
    /// Caps.
    pub max_request_headers_len: usize,
    /// Caps.
    pub max_request_headers_count: usize,
}

impl OraclePolicy {
    /// Copies a corsguard configuration.
    pub fn from_config(c: &corsguard::PolicyConfig<'_>) -> Self {
        let owned = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        OraclePolicy {
            origins: owned(c.origins),
            credentials: c.credentials,
            methods: match c.methods {
                corsguard::Methods::List(l) => Some(owned(l)),
                corsguard::Methods::Any => None,
            },
            request_headers: match c.request_headers {
                corsguard::RequestHeaders::List(l) => Some(owned(l)),
                _ => None,
            },
            any_header_covers_authorization: c.request_headers == corsguard::RequestHeaders::AnyWithAuthorization,
            exposed_headers: match c.exposed_headers {
                corsguard::ExposedHeaders::List(l) => Some(owned(l)),
                corsguard::ExposedHeaders::Any => None,
            },
            max_age: c.max_age,
            success_status: c.preflight_success_status,
            failure_status: c.preflight_failure_status,
            private_network: c.private_network,
            allow_insecure: c.allow_insecure_origins_with_credentials,
            max_origin_len: c.max_origin_len,
            max_request_headers_len: c.max_request_headers_len,
            max_request_headers_count: c.max_request_headers_count,
        }
    }

    /// The first security rule this policy breaks, if any. corsguard may refuse more (capacity limits, its
    /// public-suffix list, non-normalized method spellings), but must never accept a policy this refuses.
    pub fn violation(&self) -> Option<&'static str> {
        if self.origins.is_empty() {
            return Some("no origins");
        }
        let any = self.origins.iter().any(|o| o == "*");
        if any && self.credentials {
            return Some("* with credentials");
        }
        if any && self.origins.len() > 1 {
            return Some("* mixed with other origins");
        }
        for (i, entry) in self.origins.iter().enumerate() {
            if entry == "*" {
                continue;
            }
            if entry == "null" {
                return Some("null origin");
            }
            if entry.len() >= 5 && entry.as_bytes()[..5].eq_ignore_ascii_case(b"file:") {
                return Some("file origin");
            }
            if self.origins[..i].contains(entry) {
                return Some("duplicate origin");
            }
            if entry.len() > self.max_origin_len {
                return Some("origin longer than the cap");
            }
            let (scheme, loopback) = match entry_shape(entry) {
                Some(shape) => shape,
                None => return Some("origin entry is neither an origin nor a label-aware pattern"),
            };
            if self.credentials && !self.allow_insecure && scheme != "https" && scheme != "wss" && !loopback {
                return Some("insecure origin with credentials");
            }
        }
        if let Some(methods) = &self.methods {
            for (i, m) in methods.iter().enumerate() {
                if !is_token(m.as_bytes()) || m.len() > 64 || m == "*" {
                    return Some("invalid method");
                }
                if ["CONNECT", "TRACE", "TRACK"].iter().any(|f| f.eq_ignore_ascii_case(m)) {
                    return Some("forbidden method");
                }
                if methods[..i].contains(m) {
                    return Some("duplicate method");
                }
            }
        }
        let check_names = |names: &[String], forbidden: &dyn Fn(&str) -> bool| -> Option<&'static str> {
            for (i, h) in names.iter().enumerate() {
                if !is_token(h.as_bytes()) || h.len() > 64 || h == "*" {
                    return Some("invalid header name");
                }
                if forbidden(h) {
                    return Some("forbidden header name");
                }
                if names[..i].iter().any(|o| o.eq_ignore_ascii_case(h)) {
                    return Some("duplicate header name");
                }
            }
            None
        };
        if let Some(names) = &self.request_headers {
            if let Some(v) = check_names(names, &forbidden_request_header) {
                return Some(v);
            }
        }
        match &self.exposed_headers {
            None if self.credentials => return Some("expose any with credentials"),
            None => {}
            Some(names) => {
                let forbidden = |h: &str| h.eq_ignore_ascii_case("set-cookie") || h.eq_ignore_ascii_case("set-cookie2");
                if let Some(v) = check_names(names, &forbidden) {
                    return Some(v);
                }
            }
        }
        if self.max_age.is_some_and(|a| a > 86_400) {
            return Some("max-age out of range");
        }
        if !(200..=299).contains(&self.success_status) {
            return Some("success status out of range");
        }
        if !((200..=299).contains(&self.failure_status) || (400..=599).contains(&self.failure_status)) {
            return Some("failure status out of range");
        }
        if !(1..=4096).contains(&self.max_origin_len)
            || !(1..=65_536).contains(&self.max_request_headers_len)
            || !(1..=1024).contains(&self.max_request_headers_count)
        {
            return Some("cap out of range");
        }
        None
    }
}

/// For an origin-list entry other than `*`: its scheme and whether its host is loopback, if the entry is an
/// origin or a pattern this reading of docs/rules.md accepts; `None` otherwise.
pub fn entry_shape(entry: &str) -> Option<(String, bool)> {
    if !entry.contains('*') {
        return match parse_origin(entry.as_bytes())? {
            OracleOrigin::Null => None,
            OracleOrigin::Tuple(t) => {
                let loopback = is_loopback(&t);
                Some((t.scheme, loopback))
            }
        };
    }
    let (scheme, rest) = entry.split_once("://")?;
    let (host_pattern, port_pattern) = match rest.rfind(':') {
        Some(i) if !rest.ends_with(']') => (&rest[..i], Some(&rest[i + 1..])),
        _ => (rest, None),
    };
    // The non-wildcard parts must form an origin: put a label for `*.` and a port for `:*`.
    let host = match host_pattern.strip_prefix("*.") {
        Some(domain) => {
            if domain.contains('*') || domain.starts_with('.') || domain.contains("..") {
                return None;
            }
            // Not over a single label (a TLD), except localhost.
            let bare = domain.strip_suffix('.').unwrap_or(domain);
            if !bare.contains('.') && bare != "localhost" {
                return None;
            }
            format!("x.{domain}")
        }
        None if host_pattern.contains('*') => return None,
        None => host_pattern.to_string(),
    };
    let port = match port_pattern {
        Some("*") => ":1".to_string(),
        Some(p) => format!(":{p}"),
        None => String::new(),
    };
    let probe = format!("{scheme}://{host}{port}");
    let OracleOrigin::Tuple(t) = parse_origin(probe.as_bytes())? else {
        return None;
    };
    if host_pattern.starts_with("*.") && !matches!(t.host, Host::Domain(_)) {
        return None;
    }
    // Every host under `*.localhost` or `*.app.localhost` is loopback by definition.
    let loopback = if let Some(domain) = host_pattern.strip_prefix("*.") {
        domain == "localhost" || domain.ends_with(".localhost")
    } else {
        is_loopback(&t)
    };
    if port_pattern == Some("*") && !loopback {
        return None;
    }
    Some((t.scheme, loopback))
}

// ---------------------------------------------------------------------------------------------------------------
// The decision

/// The oracle's request: every header as its lines.
#[derive(Clone, Debug, Default)]
pub struct OracleRequest {
    /// Method.
    pub method: Vec<u8>,
    /// Origin lines.
    pub origin: Vec<Vec<u8>>,
    /// ACRM lines.
    pub request_method: Vec<Vec<u8>>,
    /// ACRH lines.
    pub request_headers: Vec<Vec<u8>>,
    /// ACRPN lines.
    pub request_private_network: Vec<Vec<u8>>,
}

/// The oracle's answer, in the terms a browser and a cache see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OracleDecision {
    /// 0 not CORS, 1 actual, 2 preflight (as `corsguard::RequestKind`).
    pub kind: u8,
    /// Allowed.
    pub allowed: bool,
    /// Deny reason code (corsguard's numbering), 0 when allowed.
    pub reason: u32,
    /// Preflight status.
    pub status: Option<u16>,
    /// ACAO.
    pub allow_origin: Option<Vec<u8>>,
    /// ACAC present (always `true`).
    pub allow_credentials: bool,
    /// ACAM as a browser parses it (case-sensitive set).
    pub allow_methods: Option<BTreeSet<Vec<u8>>>,
    /// ACAH as a browser parses it (lowercased set).
    pub allow_headers: Option<BTreeSet<Vec<u8>>>,
    /// ACMA value.
    pub max_age: Option<Vec<u8>>,
    /// ACAPN present.
    pub allow_private_network: bool,
    /// ACEH as a set.
    pub expose_headers: Option<BTreeSet<Vec<u8>>>,
    /// The Vary value.
    pub vary: Vec<u8>,
}

/// Deny reasons, numbered as `corsguard::DenyReason` (stable codes).
pub mod reason {
    #![allow(missing_docs)]
    pub const ORIGIN_MALFORMED: u32 = 1;
    pub const ORIGIN_TOO_LONG: u32 = 2;
    pub const ORIGIN_MULTIPLE: u32 = 3;
    pub const ORIGIN_NULL: u32 = 4;
    pub const ORIGIN_NOT_ALLOWED: u32 = 5;
    pub const METHOD_MALFORMED: u32 = 6;
    pub const METHOD_FORBIDDEN: u32 = 7;
    pub const METHOD_NOT_ALLOWED: u32 = 8;
    pub const HEADERS_MALFORMED: u32 = 9;
    pub const HEADERS_TOO_LONG: u32 = 10;
    pub const HEADERS_TOO_MANY: u32 = 11;
    pub const HEADER_NOT_ALLOWED: u32 = 12;
    pub const AUTHORIZATION_NOT_ALLOWED: u32 = 13;
    pub const PRIVATE_NETWORK_MALFORMED: u32 = 14;
    pub const PRIVATE_NETWORK_NOT_ALLOWED: u32 = 15;
}

const VARY_ACTUAL: &[u8] = b"Origin";

fn set(items: impl IntoIterator<Item = Vec<u8>>) -> BTreeSet<Vec<u8>> {
    items.into_iter().collect()
}

impl OraclePolicy {
    fn preflight_vary(&self) -> Vec<u8> {
        let mut v = b"Origin, Access-Control-Request-Method, Access-Control-Request-Headers".to_vec();
        if self.private_network {
            v.extend_from_slice(b", Access-Control-Request-Private-Network");
        }
        v
    }

    /// The decision, read from the Fetch standard's CORS protocol section and docs/rules.md.
    pub fn decide(&self, request: &OracleRequest) -> OracleDecision {
        let mut d = OracleDecision {
            kind: 0,
            allowed: true,
            reason: 0,
            status: None,
            allow_origin: None,
            allow_credentials: false,
            allow_methods: None,
            allow_headers: None,
            max_age: None,
            allow_private_network: false,
            expose_headers: None,
            vary: VARY_ACTUAL.to_vec(),
        };
        if request.origin.is_empty() {
            return d;
        }
        // Fetch: a CORS-preflight request is OPTIONS with Access-Control-Request-Method.
        let preflight = request.method == b"OPTIONS" && !request.request_method.is_empty();
        d.kind = if preflight { 2 } else { 1 };
        let outcome = if preflight { self.preflight(request, &mut d) } else { self.actual(request, &mut d) };
        if let Err(code) = outcome {
            let kind = d.kind;
            d = OracleDecision {
                kind,
                allowed: false,
                reason: code,
                status: preflight.then_some(self.failure_status),
                allow_origin: None,
                allow_credentials: false,
                allow_methods: None,
                allow_headers: None,
                max_age: None,
                allow_private_network: false,
                expose_headers: None,
                vary: if preflight { self.preflight_vary() } else { VARY_ACTUAL.to_vec() },
            };
        }
        d
    }

    fn origin_check(&self, request: &OracleRequest) -> Result<Vec<u8>, u32> {
        if request.origin.len() != 1 {
            return Err(reason::ORIGIN_MULTIPLE);
        }
        let value = trim_ows(&request.origin[0]);
        if value.len() > self.max_origin_len {
            return Err(reason::ORIGIN_TOO_LONG);
        }
        let origin = parse_origin(value).ok_or(reason::ORIGIN_MALFORMED)?;
        if self.origins.iter().any(|o| o == "*") {
            // A public resource: `*` whatever the origin (null included), as the Fetch CORS check accepts.
            return Ok(b"*".to_vec());
        }
        if origin == OracleOrigin::Null {
            return Err(reason::ORIGIN_NULL);
        }
        if self.origins.iter().any(|entry| entry_matches(entry, value, &origin)) {
            Ok(value.to_vec())
        } else {
            Err(reason::ORIGIN_NOT_ALLOWED)
        }
    }

    fn actual(&self, request: &OracleRequest, d: &mut OracleDecision) -> Result<(), u32> {
        d.allow_origin = Some(self.origin_check(request)?);
        d.allow_credentials = self.credentials;
        d.expose_headers = match &self.exposed_headers {
            None => Some(set([b"*".to_vec()])),
            Some(list) if list.is_empty() => None,
            Some(list) => Some(set(list.iter().map(|h| h.as_bytes().to_vec()))),
        };
        d.vary = VARY_ACTUAL.to_vec();
        Ok(())
    }

    fn preflight(&self, request: &OracleRequest, d: &mut OracleDecision) -> Result<(), u32> {
        d.allow_origin = Some(self.origin_check(request)?);
        d.allow_credentials = self.credentials;

        // Access-Control-Request-Method: exactly one line holding one token.
        if request.request_method.len() != 1 {
            return Err(reason::METHOD_MALFORMED);
        }
        let method = trim_ows(&request.request_method[0]);
        if !is_token(method) || method.len() > 64 {
            return Err(reason::METHOD_MALFORMED);
        }
        if ["CONNECT", "TRACE", "TRACK"].iter().any(|f| f.as_bytes().eq_ignore_ascii_case(method)) {
            return Err(reason::METHOD_FORBIDDEN);
        }
        d.allow_methods = Some(match &self.methods {
            // Under credentials `*` is a literal method name, so the method itself is named; a method
            // literally called `*` would then put `*` in ACAM, which is never emitted under credentials.
            None if self.credentials && method == b"*" => return Err(reason::METHOD_NOT_ALLOWED),
            None if self.credentials => set([method.to_vec()]),
            None => set([b"*".to_vec()]),
            Some(list) => {
                if !list.iter().any(|m| m.as_bytes() == method) {
                    return Err(reason::METHOD_NOT_ALLOWED);
                }
                set(list.iter().map(|m| m.as_bytes().to_vec()))
            }
        });

        // Access-Control-Request-Headers: every line, comma-separated names.
        let total: usize = request.request_headers.iter().map(|l| l.len()).sum();
        if total > self.max_request_headers_len {
            return Err(reason::HEADERS_TOO_LONG);
        }
        let mut names: Vec<Vec<u8>> = Vec::new();
        for line in &request.request_headers {
            for element in line.split(|&b| b == b',') {
                let name = trim_ows(element);
                if name.is_empty() {
                    continue;
                }
                names.push(name.to_vec());
                if names.len() > self.max_request_headers_count {
                    return Err(reason::HEADERS_TOO_MANY);
                }
                if !is_token(name) {
                    return Err(reason::HEADERS_MALFORMED);
                }
                let lower = name.to_ascii_lowercase();
                let is_authorization = lower == b"authorization";
                let allowed = match &self.request_headers {
                    Some(list) => list.iter().any(|h| h.as_bytes().eq_ignore_ascii_case(name)),
                    // Echoed under credentials, a name `*` would put `*` in ACAH: never emitted then.
                    None if self.credentials && name == b"*" => false,
                    None => !is_authorization || self.any_header_covers_authorization,
                };
                if !allowed {
                    return Err(if is_authorization {
                        reason::AUTHORIZATION_NOT_ALLOWED
                    } else {
                        reason::HEADER_NOT_ALLOWED
                    });
                }
            }
        }
        d.allow_headers = match &self.request_headers {
            Some(list) if list.is_empty() => None,
            Some(list) => Some(set(list.iter().map(|h| h.to_ascii_lowercase().into_bytes()))),
            None if self.credentials => {
                // `*` is literal under credentials: the requested names themselves, each line echoed.
                let lines = request.request_headers.iter().filter(|l| !trim_ows(l).is_empty()).count();
                if lines > corsguard::MAX_ECHOED_HEADER_LINES {
                    return Err(reason::HEADERS_TOO_MANY);
                }
                if names.is_empty() {
                    None
                } else {
                    Some(set(names.iter().map(|n| n.to_ascii_lowercase())))
                }
            }
            None if self.any_header_covers_authorization => Some(set([b"*".to_vec(), b"authorization".to_vec()])),
            None => Some(set([b"*".to_vec()])),
        };

        // Access-Control-Request-Private-Network: opt-in, exactly one `true`.
        match request.request_private_network.as_slice() {
            [] => {}
            [line] if trim_ows(line) == b"true" => {
                if !self.private_network {
                    return Err(reason::PRIVATE_NETWORK_NOT_ALLOWED);
                }
                d.allow_private_network = true;
            }
            _ => return Err(reason::PRIVATE_NETWORK_MALFORMED),
        }

        d.max_age = self.max_age.map(|a| a.to_string().into_bytes());
        d.status = Some(self.success_status);
        d.vary = self.preflight_vary();
        Ok(())
    }
}

/// Reads a corsguard decision in the oracle's terms, parsing its headers as a browser would.
pub fn observe(decision: &corsguard::Decision<'_>) -> OracleDecision {
    let headers: Vec<(&str, &[u8])> = decision.headers().iter().map(|h| (h.name, h.value)).collect();
    observe_parts(
        decision.kind() as u8,
        decision.is_allowed(),
        decision.reason().map_or(0, |r| r.code()),
        decision.status(),
        &headers,
    )
}

/// Reads a decision given as its parts and its ordered header lines (a shared test vector, say).
pub fn observe_parts(
    kind: u8,
    allowed: bool,
    reason: u32,
    status: Option<u16>,
    headers: &[(&str, &[u8])],
) -> OracleDecision {
    let combined = |name: &str| -> Option<Vec<u8>> {
        let values: Vec<&[u8]> = headers.iter().filter(|h| h.0.eq_ignore_ascii_case(name)).map(|h| h.1).collect();
        if values.is_empty() {
            None
        } else {
            Some(values.join(&b", "[..]))
        }
    };
    let list = |name: &str, lowercase: bool| -> Option<BTreeSet<Vec<u8>>> {
        let value = combined(name)?;
        let items = parse_token_list(&value).unwrap_or_else(|| vec![b"<not a token list>".to_vec()]);
        Some(items.into_iter().map(|i| if lowercase { i.to_ascii_lowercase() } else { i }).collect())
    };
    OracleDecision {
        kind,
        allowed,
        reason,
        status,
        allow_origin: combined("Access-Control-Allow-Origin"),
        allow_credentials: combined("Access-Control-Allow-Credentials").is_some(),
        allow_methods: list("Access-Control-Allow-Methods", false),
        allow_headers: list("Access-Control-Allow-Headers", true),
        max_age: combined("Access-Control-Max-Age"),
        allow_private_network: combined("Access-Control-Allow-Private-Network").is_some(),
        expose_headers: list("Access-Control-Expose-Headers", false),
        vary: combined("Vary").unwrap_or_default(),
    }
}
