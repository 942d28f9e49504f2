//! One serialized origin, as the Fetch standard's `origin-or-null` defines it: bytes in, a borrowed view out.
//! Only the exact form a browser can send is accepted; every other form is a precise [`OriginError`], so that
//! comparing origins byte for byte is the same as comparing them as origins.

use crate::bytes::{is_ascii_digit, is_lower_hex};

/// Hard ceiling on the length of any origin this crate parses, whatever a policy's own cap says.
pub const MAX_ORIGIN_LEN: usize = 4096;

/// What kind of host a tuple origin has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HostKind {
    /// A domain (lowercase ASCII, punycode for IDN), e.g. `example.com` or `localhost`.
    Domain,
    /// A canonical dotted IPv4 address, e.g. `127.0.0.1`.
    Ipv4,
    /// A bracketed, RFC 5952 canonical IPv6 address, e.g. `[::1]`.
    Ipv6,
}

/// A validated serialized origin, borrowing the bytes it was parsed from.
///
/// ```
/// use corsguard::{Origin, HostKind};
/// let origin = Origin::parse(b"https://api.example.com:8443").unwrap();
/// assert_eq!(origin.scheme(), b"https");
/// assert_eq!(origin.host(), b"api.example.com");
/// assert_eq!(origin.port(), Some(8443));
/// assert_eq!(origin.host_kind(), Some(HostKind::Domain));
/// assert!(Origin::parse(b"null").unwrap().is_null());
/// assert!(Origin::parse(b"https://example.com/").is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Origin<'a> {
    serialized: &'a [u8],
    scheme: &'a [u8],
    host: &'a [u8],
    port_digits: &'a [u8],
    port: Option<u16>,
    host_kind: Option<HostKind>,
    /// Whether every byte of the host is one a DNS label holds, or a dot (see [`is_dns_byte`]): the parser
    /// reads every byte anyway, so a subdomain pattern needs no second pass over the host to know it.
    dns_bytes: bool,
}

/// Why bytes are not a serialized origin. Each variant has a stable numeric [`code`](OriginError::code).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OriginError {
    /// The value is empty.
    Empty = 1,
    /// The value is longer than the cap.
    TooLong = 2,
    /// A byte is not ASCII; internationalized hosts must be sent in punycode.
    NotAscii = 3,
    /// A space or tab inside the value.
    Whitespace = 4,
    /// A control byte (C0 or DEL) inside the value.
    Control = 5,
    /// The scheme is missing, empty, or has a byte outside `a-z 0-9 + - .`, or does not start with a letter.
    InvalidScheme = 6,
    /// The scheme has an uppercase letter; serialized schemes are lowercase.
    UppercaseScheme = 7,
    /// The `://` after the scheme is missing.
    MissingSeparator = 8,
    /// A path, query or fragment follows the host (`/`, `?` or `#`).
    HasPath = 9,
    /// Userinfo (`user@`) precedes the host.
    HasUserinfo = 10,
    /// The host is empty.
    EmptyHost = 11,
    /// The host has a byte the URL Standard forbids in a domain.
    InvalidHostByte = 12,
    /// The host has an uppercase letter; serialized hosts are lowercase.
    UppercaseHost = 13,
    /// The host ends in a number but is not a canonical dotted-decimal IPv4 address.
    InvalidIpv4 = 14,
    /// The bracketed host is not an RFC 5952 canonical IPv6 address.
    InvalidIpv6 = 15,
    /// A `:` with no port after it.
    EmptyPort = 16,
    /// The port is not a number from 1 to 65535.
    InvalidPort = 17,
    /// The port has a leading zero.
    PortLeadingZero = 18,
    /// The port is the scheme's default port, which a serialized origin never shows.
    DefaultPort = 19,
}

impl OriginError {
    /// The stable numeric code of this error (never reused).
    pub const fn code(self) -> u32 {
        self as u32
    }

    /// A one-line description of the error.
    pub const fn message(self) -> &'static str {
        match self {
            Self::Empty => "the origin is empty",
            Self::TooLong => "the origin is longer than the cap",
            Self::NotAscii => "the origin has a non-ASCII byte (internationalized hosts must be punycode)",
            Self::Whitespace => "the origin has a space or tab inside it",
            Self::Control => "the origin has a control byte",
            Self::InvalidScheme => "the origin's scheme is missing or has a byte outside a-z 0-9 + - .",
            Self::UppercaseScheme => "the origin's scheme has an uppercase letter",
            Self::MissingSeparator => "the origin has no \"://\" after its scheme",
            Self::HasPath => "the origin has a path, query or fragment after its host",
            Self::HasUserinfo => "the origin has userinfo (user@) before its host",
            Self::EmptyHost => "the origin's host is empty",
            Self::InvalidHostByte => "the origin's host has a byte that is forbidden in a domain",
            Self::UppercaseHost => "the origin's host has an uppercase letter",
            Self::InvalidIpv4 => "the origin's host ends in a number but is not a canonical dotted IPv4 address",
            Self::InvalidIpv6 => "the origin's host is not a canonical (RFC 5952) bracketed IPv6 address",
            Self::EmptyPort => "the origin has a ':' with no port after it",
            Self::InvalidPort => "the origin's port is not a number from 1 to 65535",
            Self::PortLeadingZero => "the origin's port has a leading zero",
            Self::DefaultPort => "the origin names its scheme's default port, which a serialized origin omits",
        }
    }
}

impl core::error::Error for OriginError {}

impl core::fmt::Display for OriginError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.message())
    }
}

/// The structural pieces of `scheme://host[:port]`, before the host and port are validated.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Parts<'a> {
    pub scheme: &'a [u8],
    pub host: &'a [u8],
    /// `None` when there is no `:`; `Some(b"")` for a bare `:`.
    pub port: Option<&'a [u8]>,
}

impl<'a> Origin<'a> {
    /// Parses one serialized origin. The input must be exactly what a browser sends: no surrounding
    /// whitespace (trim it first; [`crate::Policy::decide`] does), lowercase, no default port, no path.
    pub fn parse(input: &'a [u8]) -> Result<Self, OriginError> {
        if let Some(origin) = parse_common(input) {
            return Ok(origin);
        }
        Self::parse_full(input)
    }

    /// The parser every value can take; [`parse`](Self::parse) tries a one-pass path first.
    pub(crate) fn parse_full(input: &'a [u8]) -> Result<Self, OriginError> {
        if input == b"null" {
            return Ok(Origin {
                serialized: input,
                scheme: &[],
                host: &[],
                port_digits: &[],
                port: None,
                host_kind: None,
                dns_bytes: false,
            });
        }
        let parts = split(input)?;
        let host_kind = check_host(parts.host)?;
        let port = check_port(parts.scheme, parts.port)?;
        Ok(Origin {
            serialized: input,
            scheme: parts.scheme,
            host: parts.host,
            port_digits: parts.port.unwrap_or(&[]),
            port,
            host_kind: Some(host_kind),
            dns_bytes: parts.host.iter().all(|&b| is_dns_byte(b) || b == b'.'),
        })
    }

    /// Whether this is the opaque origin `null`.
    pub const fn is_null(&self) -> bool {
        self.host_kind.is_none()
    }

    /// The whole serialized origin, exactly as parsed.
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.serialized
    }

    /// The scheme, without `://` (empty for `null`).
    pub const fn scheme(&self) -> &'a [u8] {
        self.scheme
    }

    /// The host; IPv6 hosts keep their brackets (empty for `null`).
    pub const fn host(&self) -> &'a [u8] {
        self.host
    }

    /// The explicit port, if any (never the scheme's default).
    pub const fn port(&self) -> Option<u16> {
        self.port
    }

    /// The port's decimal digits as they appear in the origin (empty without a port).
    pub const fn port_digits(&self) -> &'a [u8] {
        self.port_digits
    }

    /// The kind of host, or `None` for `null`.
    pub const fn host_kind(&self) -> Option<HostKind> {
        self.host_kind
    }

    /// Whether every byte of the host is a lowercase letter, digit, `-`, `_` or `.` (false for `null`).
    pub(crate) const fn has_dns_bytes(&self) -> bool {
        self.dns_bytes
    }

    /// Whether the host is loopback by definition: `localhost`, `*.localhost`, `127.0.0.0/8` or `[::1]`.
    pub fn is_loopback(&self) -> bool {
        is_loopback_host(self.host, self.host_kind)
    }
}

pub(crate) fn is_loopback_host(host: &[u8], kind: Option<HostKind>) -> bool {
    match kind {
        Some(HostKind::Domain) => host == b"localhost" || host.ends_with(b".localhost"),
        Some(HostKind::Ipv4) => host.starts_with(b"127."),
        Some(HostKind::Ipv6) => host == b"[::1]",
        None => false,
    }
}

/// The default port of the URL Standard's special schemes.
pub(crate) fn default_port(scheme: &[u8]) -> Option<u16> {
    match scheme {
        b"http" | b"ws" => Some(80),
        b"https" | b"wss" => Some(443),
        b"ftp" => Some(21),
        _ => None,
    }
}

/// The form nearly every request has, `http(s)://` + a domain + an optional port, in one table pass over the
/// authority. Returns `None` for everything else: IP addresses, other schemes, and every invalid value, which
/// then takes [`Origin::parse_full`], so no result and no error differs from the full parser's.
#[inline(always)]
pub(crate) fn parse_common(input: &[u8]) -> Option<Origin<'_>> {
    if input.len() > MAX_ORIGIN_LEN {
        return None;
    }
    let scheme_len = if input.starts_with(b"https://") {
        5
    } else if input.starts_with(b"http://") {
        4
    } else {
        return None;
    };
    let scheme = input.get(..scheme_len)?;
    let authority = input.get(scheme_len.wrapping_add(3)..)?;
    // The OR of every byte's class (see `AUTHORITY_CLASS`): bit 1 rules the value out, bit 0 says there is a
    // `:`, bit 2 a byte that no DNS label holds.
    let class = authority_class(authority);
    if class & CLASS_INVALID != 0 {
        return None;
    }
    let (host, port_digits) = if class & CLASS_COLON == 0 {
        (authority, None)
    } else {
        let colon = authority.iter().position(|&b| b == b':')?;
        (authority.get(..colon)?, Some(authority.get(colon.wrapping_add(1)..)?))
    };
    // Most hosts end in a letter no number can end in: ruled out here without the call.
    let may_be_number = !matches!(host.last(), Some(b'g'..=b'w' | b'y' | b'z'));
    if host.is_empty() || (may_be_number && ends_in_number(host)) {
        return None;
    }
    let port = match port_digits {
        None => None,
        digits => check_port(scheme, digits).ok()?,
    };
    Some(Origin {
        serialized: input,
        scheme,
        host,
        port_digits: port_digits.unwrap_or(&[]),
        port,
        host_kind: Some(HostKind::Domain),
        // The port's digits are DNS bytes too, so the authority's class speaks for the host.
        dns_bytes: class & CLASS_NOT_DNS == 0,
    })
}

/// The OR of [`AUTHORITY_CLASS`] over `bytes`, eight lookups per step so the loop costs little per byte.
#[inline(never)]
fn authority_class(bytes: &[u8]) -> u8 {
    let class = |b: &u8| AUTHORITY_CLASS.get(usize::from(*b)).copied().unwrap_or(CLASS_INVALID);
    let mut chunks = bytes.chunks_exact(8);
    let mut acc = 0u8;
    for chunk in &mut chunks {
        acc |= chunk.iter().fold(0u8, |a, b| a | class(b));
    }
    chunks.remainder().iter().fold(acc, |a, b| a | class(b))
}

/// An authority byte that is `:`.
const CLASS_COLON: u8 = 1;
/// An authority byte that no lowercase domain holds (uppercase, forbidden, not visible ASCII, which covers
/// `/ ? # \ @ [ ]` and so paths, userinfo and IPv6), other than `:`.
const CLASS_INVALID: u8 = 2;
/// A byte a lowercase domain may hold but a DNS label does not (`!`, `$`, `*`, `~`, ...).
const CLASS_NOT_DNS: u8 = 4;

/// Per byte of an authority: 0 for a DNS label's bytes and `.`, [`CLASS_NOT_DNS`] for the other bytes a
/// lowercase domain may hold, [`CLASS_COLON`] for `:`, [`CLASS_INVALID`] for anything else.
// Evaluated at compile time: an out-of-range index or overflow would fail the build, never panic at run time.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
const AUTHORITY_CLASS: [u8; 256] = {
    let mut table = [CLASS_INVALID; 256];
    let mut b = 0usize;
    while b < 256 {
        if DOMAIN_BYTE_CLASS[b] == 0 {
            table[b] = if is_dns_byte(b as u8) || b == b'.' as usize { 0 } else { CLASS_NOT_DNS };
        }
        b += 1;
    }
    table[b':' as usize] = CLASS_COLON;
    table
};

/// The bytes a DNS label holds, as subdomain patterns read hosts: lowercase letters, digits, `-` and `_`.
pub(crate) const fn is_dns_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_'
}

/// Splits `scheme://host[:port]`, checking every byte class and the structure, but not the host or port.
pub(crate) fn split(input: &[u8]) -> Result<Parts<'_>, OriginError> {
    if input.is_empty() {
        return Err(OriginError::Empty);
    }
    if input.len() > MAX_ORIGIN_LEN {
        return Err(OriginError::TooLong);
    }
    // Fast path: a branch-free pass (it vectorizes) proves every byte visible ASCII; only a failing value
    // pays for the loop that names the first bad byte.
    let visible = input.iter().fold(true, |ok, &b| ok & (b.wrapping_sub(0x21) < 0x5e));
    if !visible {
        for &b in input {
            if b >= 0x80 {
                return Err(OriginError::NotAscii);
            }
            if b == b' ' || b == b'\t' {
                return Err(OriginError::Whitespace);
            }
            if b < 0x20 || b == 0x7f {
                return Err(OriginError::Control);
            }
        }
    }
    let colon = input.iter().position(|&b| b == b':');
    let (scheme, rest) = match colon {
        Some(at) => (input.get(..at).unwrap_or(&[]), input.get(at..).unwrap_or(&[])),
        None => {
            // No ':' at all: a bare host such as `example.com`, or garbage.
            return Err(if input.iter().all(|&b| is_scheme_byte(b.to_ascii_lowercase())) {
                OriginError::MissingSeparator
            } else {
                OriginError::InvalidScheme
            });
        }
    };
    check_scheme(scheme)?;
    let authority = rest.strip_prefix(b"://").ok_or(OriginError::MissingSeparator)?;
    // One branch-free pass (it vectorizes) for both checks; a path is reported before userinfo, as before.
    let (path, userinfo) = authority
        .iter()
        .fold((false, false), |(path, at), &b| (path | matches!(b, b'/' | b'?' | b'#' | b'\\'), at | (b == b'@')));
    if path {
        return Err(OriginError::HasPath);
    }
    if userinfo {
        return Err(OriginError::HasUserinfo);
    }
    let (host, port) = if authority.first() == Some(&b'[') {
        let close = authority.iter().position(|&b| b == b']').ok_or(OriginError::InvalidIpv6)?;
        let end = close.checked_add(1).ok_or(OriginError::InvalidIpv6)?;
        let host = authority.get(..end).ok_or(OriginError::InvalidIpv6)?;
        let after = authority.get(end..).unwrap_or(&[]);
        match after.split_first() {
            None => (host, None),
            Some((b':', digits)) => (host, Some(digits)),
            Some(_) => return Err(OriginError::InvalidIpv6),
        }
    } else {
        match authority.iter().position(|&b| b == b':') {
            Some(at) => {
                (authority.get(..at).unwrap_or(&[]), Some(authority.get(at.saturating_add(1)..).unwrap_or(&[])))
            }
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return Err(OriginError::EmptyHost);
    }
    Ok(Parts { scheme, host, port })
}

const fn is_scheme_byte(b: u8) -> bool {
    matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'+' | b'-' | b'.')
}

fn check_scheme(scheme: &[u8]) -> Result<(), OriginError> {
    let Some((&first, _)) = scheme.split_first() else {
        return Err(OriginError::InvalidScheme);
    };
    if !first.is_ascii_alphabetic() {
        return Err(OriginError::InvalidScheme);
    }
    let mut upper = false;
    for &b in scheme {
        if b.is_ascii_uppercase() {
            upper = true;
        } else if !is_scheme_byte(b) {
            return Err(OriginError::InvalidScheme);
        }
    }
    if upper {
        return Err(OriginError::UppercaseScheme);
    }
    Ok(())
}

/// Validates a port's digits for `scheme`; `None` means no `:` was present.
#[inline]
pub(crate) fn check_port(scheme: &[u8], digits: Option<&[u8]>) -> Result<Option<u16>, OriginError> {
    let Some(digits) = digits else {
        return Ok(None);
    };
    let Some((&first, _)) = digits.split_first() else {
        return Err(OriginError::EmptyPort);
    };
    if digits.len() > 5 || !digits.iter().all(|&b| is_ascii_digit(b)) {
        return Err(OriginError::InvalidPort);
    }
    if first == b'0' {
        return Err(if digits.len() == 1 { OriginError::InvalidPort } else { OriginError::PortLeadingZero });
    }
    let value = digits.iter().fold(0u32, |acc, &b| acc.wrapping_mul(10).wrapping_add(u32::from(b.wrapping_sub(b'0'))));
    let port = u16::try_from(value).map_err(|_| OriginError::InvalidPort)?;
    if default_port(scheme) == Some(port) {
        return Err(OriginError::DefaultPort);
    }
    Ok(Some(port))
}

/// Validates a host exactly as the URL Standard's host serializer would print it.
pub(crate) fn check_host(host: &[u8]) -> Result<HostKind, OriginError> {
    if host.is_empty() {
        return Err(OriginError::EmptyHost);
    }
    if host.first() == Some(&b'[') {
        return if is_canonical_ipv6(host) { Ok(HostKind::Ipv6) } else { Err(OriginError::InvalidIpv6) };
    }
    check_domain(host)?;
    if ends_in_number(host) {
        return if is_canonical_ipv4(host) { Ok(HostKind::Ipv4) } else { Err(OriginError::InvalidIpv4) };
    }
    Ok(HostKind::Domain)
}

/// Every byte must be one the URL Standard lets through its domain parser, and lowercase.
pub(crate) fn check_domain(host: &[u8]) -> Result<(), OriginError> {
    // Fast path: one table lookup per byte, no branch; only a failing host pays for the precise loop below.
    if host.iter().fold(0u8, |acc, &b| acc | DOMAIN_BYTE_CLASS.get(usize::from(b)).copied().unwrap_or(1)) == 0 {
        return Ok(());
    }
    let mut upper = false;
    for &b in host {
        if b.is_ascii_uppercase() {
            upper = true;
        } else if is_forbidden_domain_byte(b) {
            return Err(OriginError::InvalidHostByte);
        }
    }
    if upper {
        return Err(OriginError::UppercaseHost);
    }
    Ok(())
}

/// Per byte: 0 when it may appear in a serialized (lowercase) domain, 1 when uppercase or forbidden.
// Evaluated at compile time: an out-of-range index or overflow would fail the build, never panic at run time.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
const DOMAIN_BYTE_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0usize;
    while b < 256 {
        let byte = b as u8;
        table[b] = (byte.is_ascii_uppercase() || is_forbidden_domain_byte(byte)) as u8;
        b += 1;
    }
    table
};

/// The URL Standard's forbidden domain code points, restricted to ASCII (non-ASCII is rejected earlier).
const fn is_forbidden_domain_byte(b: u8) -> bool {
    b <= 0x20
        || b >= 0x7f
        || matches!(b, b'#' | b'/' | b':' | b'<' | b'>' | b'?' | b'@' | b'[' | b'\\' | b']' | b'^' | b'|' | b'%')
}

/// The URL Standard's "ends in a number" check, for a host already known to be lowercase ASCII.
pub(crate) fn ends_in_number(host: &[u8]) -> bool {
    let trimmed = match host.split_last() {
        Some((b'.', rest)) if !rest.is_empty() => rest,
        Some((b'.', _)) => return false,
        _ => host,
    };
    // Only a last label ending in a digit, `a-f` or the `x` of a bare `0x` can be a number: most hosts end in
    // a letter and are ruled out here without a scan.
    if !matches!(trimmed.last(), Some(b'0'..=b'9' | b'a'..=b'f' | b'x')) {
        return false;
    }
    let last = match trimmed.iter().rposition(|&b| b == b'.') {
        Some(at) => trimmed.get(at.saturating_add(1)..).unwrap_or(&[]),
        None => trimmed,
    };
    if last.is_empty() {
        return false;
    }
    if last.iter().all(|&b| is_ascii_digit(b)) {
        return true;
    }
    match last.strip_prefix(b"0x") {
        Some(hex) => hex.iter().all(|&b| is_lower_hex(b)),
        None => false,
    }
}

/// Exactly four dot-separated decimal parts, each 0-255 with no leading zero.
fn is_canonical_ipv4(host: &[u8]) -> bool {
    let mut parts = 0u8;
    for part in host.split(|&b| b == b'.') {
        parts = parts.saturating_add(1);
        if part.is_empty() || part.len() > 3 || !part.iter().all(|&b| is_ascii_digit(b)) {
            return false;
        }
        if part.len() > 1 && part.first() == Some(&b'0') {
            return false;
        }
        let value =
            part.iter().fold(0u16, |acc, &b| acc.wrapping_mul(10).wrapping_add(u16::from(b.wrapping_sub(b'0'))));
        if value > 255 {
            return false;
        }
    }
    parts == 4
}

/// `[` + the URL Standard's IPv6 serialization + `]`: lowercase hex, no leading zeros, the first longest run
/// of two or more zero pieces compressed to `::`, and no embedded dotted IPv4.
fn is_canonical_ipv6(host: &[u8]) -> bool {
    let Some(inner) = host.strip_prefix(b"[").and_then(|h| h.strip_suffix(b"]")) else {
        return false;
    };
    let Some(pieces) = parse_ipv6_pieces(inner) else {
        return false;
    };
    let mut buf = [0u8; 40];
    let len = serialize_ipv6(&pieces, &mut buf);
    buf.get(..len) == Some(inner)
}

/// Parses hex pieces with at most one `::`; the result is only used to re-serialize and compare.
fn parse_ipv6_pieces(inner: &[u8]) -> Option<[u16; 8]> {
    if inner.is_empty() || inner.len() > 39 {
        return None;
    }
    let (head, tail) = match find_double_colon(inner) {
        Some(at) => (inner.get(..at)?, Some(inner.get(at.checked_add(2)?..)?)),
        None => (inner, None),
    };
    let mut pieces = [0u16; 8];
    let mut count = 0usize;
    let push_groups = |text: &[u8], out: &mut [u16; 8], count: &mut usize| -> Option<()> {
        if text.is_empty() {
            return Some(());
        }
        for group in text.split(|&b| b == b':') {
            if group.is_empty() || group.len() > 4 || !group.iter().all(|&b| is_lower_hex(b)) {
                return None;
            }
            let value = group.iter().fold(0u16, |acc, &b| {
                let digit = if b <= b'9' { b.wrapping_sub(b'0') } else { b.wrapping_sub(b'a').wrapping_add(10) };
                acc.wrapping_shl(4) | u16::from(digit)
            });
            *out.get_mut(*count)? = value;
            *count = count.checked_add(1)?;
        }
        Some(())
    };
    push_groups(head, &mut pieces, &mut count)?;
    match tail {
        None => (count == 8).then_some(pieces),
        Some(tail) => {
            let head_count = count;
            let mut tail_pieces = [0u16; 8];
            let mut tail_count = 0usize;
            push_groups(tail, &mut tail_pieces, &mut tail_count)?;
            let total = head_count.checked_add(tail_count)?;
            if total > 7 {
                return None;
            }
            let start = 8usize.checked_sub(tail_count)?;
            for (slot, value) in pieces.iter_mut().skip(start).zip(tail_pieces.iter()) {
                *slot = *value;
            }
            Some(pieces)
        }
    }
}

fn find_double_colon(bytes: &[u8]) -> Option<usize> {
    bytes.windows(2).position(|w| w == b"::")
}

/// The URL Standard's IPv6 serializer (without brackets); returns the length written.
fn serialize_ipv6(pieces: &[u16; 8], out: &mut [u8; 40]) -> usize {
    // Find the first longest run of at least two zero pieces.
    let (mut best_start, mut best_len) = (8usize, 0usize);
    let mut run_start = 0usize;
    let mut run_len = 0usize;
    for (i, &piece) in pieces.iter().enumerate() {
        if piece == 0 {
            if run_len == 0 {
                run_start = i;
            }
            run_len = run_len.saturating_add(1);
            if run_len > best_len {
                best_len = run_len;
                best_start = run_start;
            }
        } else {
            run_len = 0;
        }
    }
    if best_len < 2 {
        best_start = 8;
    }
    let best_end = best_start.saturating_add(best_len);
    let mut len = 0usize;
    let mut push = |b: u8, len: &mut usize| {
        if let Some(slot) = out.get_mut(*len) {
            *slot = b;
            *len = len.saturating_add(1);
        }
    };
    let mut i = 0usize;
    while i < 8 {
        if i == best_start {
            push(b':', &mut len);
            if i == 0 {
                push(b':', &mut len);
            }
            i = best_end;
            continue;
        }
        let piece = pieces.get(i).copied().unwrap_or(0);
        let mut started = false;
        for shift in [12u32, 8, 4, 0] {
            let nibble = (piece.wrapping_shr(shift) & 0xf) as u8;
            if nibble != 0 || started || shift == 0 {
                started = true;
                push(b"0123456789abcdef".get(usize::from(nibble)).copied().unwrap_or(b'0'), &mut len);
            }
        }
        if i != 7 {
            push(b':', &mut len);
        }
        i = i.saturating_add(1);
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_paths_agree_with_the_byte_rules() {
        for b in 0..=255u8 {
            let class = DOMAIN_BYTE_CLASS[usize::from(b)] != 0;
            assert_eq!(class, b.is_ascii_uppercase() || is_forbidden_domain_byte(b), "byte {b:#04x}");
            // One odd byte inside an origin must still get its precise error, not slip through the fast path.
            let origin = [b"https://a".as_slice(), &[b], b".example"].concat();
            let byte_error = match b {
                0x80..=0xff => Some(OriginError::NotAscii),
                b' ' | b'\t' => Some(OriginError::Whitespace),
                0x00..=0x1f | 0x7f => Some(OriginError::Control),
                _ => None,
            };
            match byte_error {
                Some(e) => assert_eq!(split(&origin).map(|_| ()), Err(e), "byte {b:#04x}"),
                None => assert!(
                    !matches!(
                        split(&origin),
                        Err(OriginError::NotAscii | OriginError::Whitespace | OriginError::Control)
                    ),
                    "byte {b:#04x}"
                ),
            }
            if b.is_ascii_uppercase() {
                assert_eq!(check_domain(&origin[8..]), Err(OriginError::UppercaseHost));
            }
        }
        // The merged path/userinfo pass keeps the order of the errors.
        assert_eq!(split(b"https://u@a.example/x").map(|_| ()), Err(OriginError::HasPath));
        assert_eq!(split(b"https://u@a.example").map(|_| ()), Err(OriginError::HasUserinfo));
        assert_eq!(split(b"https://a.example#").map(|_| ()), Err(OriginError::HasPath));
    }

    #[test]
    fn the_one_pass_path_agrees_with_the_full_parser() {
        // Every concatenation of up to four fragments: schemes, hosts, ports, and the bytes that make an
        // origin invalid. The fast path may decline anything, but what it accepts must be what the full
        // parser returns, and `parse` must always equal `parse_full`.
        let fragments: [&[u8]; 24] = [
            b"https://",
            b"http://",
            b"ws://",
            b"a",
            b"A",
            b"1",
            b".",
            b":",
            b"443",
            b"80",
            b"0",
            b"/",
            b"@",
            b"[::1]",
            b"-",
            b"x.com",
            b"127.0.0.1",
            b"0x1",
            b" ",
            "\u{e9}".as_bytes(),
            b"\x00",
            b"99999",
            b"_",
            b"!",
        ];
        let mut accepted = 0u32;
        let mut input = Vec::new();
        let n = fragments.len();
        for combo in 0..(n + 1).pow(4) {
            input.clear();
            let mut rest = combo;
            for _ in 0..4 {
                let pick = rest % (n + 1);
                rest /= n + 1;
                if pick < n {
                    input.extend_from_slice(fragments[pick]);
                }
            }
            let full = Origin::parse_full(&input);
            if let Some(fast) = parse_common(&input) {
                accepted += 1;
                assert_eq!(Ok(fast), full, "{:?}", String::from_utf8_lossy(&input));
            }
            assert_eq!(Origin::parse(&input), full, "{:?}", String::from_utf8_lossy(&input));
            if let Ok(origin) = full {
                let rule = !origin.is_null()
                    && origin.host().iter().all(|&b| b.is_ascii_lowercase() || b"0123456789-_.".contains(&b));
                assert_eq!(origin.has_dns_bytes(), rule, "{:?}", String::from_utf8_lossy(&input));
            }
        }
        assert!(accepted > 1000, "the fast path took only {accepted} inputs");
    }

    #[test]
    fn ipv6_canonical_forms() {
        for ok in [
            "[::1]",
            "[::]",
            "[2001:db8::1]",
            "[2001:db8:0:1:1:1:1:1]",
            "[1::]",
            "[1:0:0:2::3]",
            "[::ffff:102:304]",
            "[fe80::1:2:3:4]",
            "[1:2:3:4:5:6:7:8]",
        ] {
            assert_eq!(check_host(ok.as_bytes()), Ok(HostKind::Ipv6), "{ok}");
        }
        for bad in [
            "[::0:1]",
            "[0::1]",
            "[2001:DB8::1]",
            "[2001:0db8::1]",
            "[2001:db8::0:1]",
            "[1::2::3]",
            "[::ffff:1.2.3.4]",
            "[1:2:3:4:5:6:7::]",
            "[1:0:0:2:0:0:0:3]",
            "[1:2:3:4:5:6:7:8:9]",
            "[]",
            "[:]",
            "[1:2:3:4:5:6:7]",
        ] {
            assert_eq!(check_host(bad.as_bytes()), Err(OriginError::InvalidIpv6), "{bad}");
        }
    }

    #[test]
    fn ipv4_and_numbers() {
        assert_eq!(check_host(b"127.0.0.1"), Ok(HostKind::Ipv4));
        assert_eq!(check_host(b"255.255.255.255"), Ok(HostKind::Ipv4));
        for bad in ["127.1", "127.0.0.01", "256.0.0.1", "1.2.3.4.", "0x7f.0.0.1", "example.123", "a.0x", "1.2.3.4.5"] {
            assert_eq!(check_host(bad.as_bytes()), Err(OriginError::InvalidIpv4), "{bad}");
        }
        assert_eq!(check_host(b"1.2.3.example"), Ok(HostKind::Domain));
        assert_eq!(check_host(b"example.com."), Ok(HostKind::Domain));
        assert_eq!(check_host(b"0xg.com"), Ok(HostKind::Domain));
    }
}
