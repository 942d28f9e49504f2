//! The entries of a policy's origin list: `*`, exact origins, `scheme://*.example.com` subdomain patterns and
//! `http://localhost:*` port wildcards. Patterns are label-aware by construction: a subdomain pattern is a
//! host suffix that starts with a dot, so it can never match by prefix, suffix or substring.

use crate::bytes::eq;
use crate::error::PolicyErrorKind;
use crate::origin::{self, HostKind, Origin, OriginError};

/// One parsed entry of a policy's origin list.
///
/// ```
/// use corsguard::{Origin, OriginPattern};
/// let pattern = OriginPattern::parse(b"https://*.example.com").unwrap();
/// assert!(pattern.matches(&Origin::parse(b"https://api.example.com").unwrap()));
/// assert!(!pattern.matches(&Origin::parse(b"https://example.com").unwrap()));
/// assert!(!pattern.matches(&Origin::parse(b"https://evilexample.com").unwrap()));
/// assert!(!pattern.matches(&Origin::parse(b"http://api.example.com").unwrap()));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OriginPattern<'a> {
    /// `*`: any origin (only without credentials); answered with `Access-Control-Allow-Origin: *`.
    Any,
    /// One exact origin.
    Exact(Origin<'a>),
    /// A pattern with a wildcard in the host's leftmost labels, in the port, or both.
    Wildcard(WildcardPattern<'a>),
}

/// A subdomain pattern (`https://*.example.com`) or a port wildcard (`http://localhost:*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WildcardPattern<'a> {
    /// The entry as listed.
    text: &'a [u8],
    scheme: &'a [u8],
    /// For subdomain patterns the suffix with its leading dot (`.example.com`); otherwise the whole host.
    host: &'a [u8],
    subdomains: bool,
    port: PortPattern,
}

/// The port part of a wildcard pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PortPattern {
    /// No port: the scheme's default port.
    Default,
    /// Exactly this port.
    Exact(u16),
    /// Any port, or none (`:*`); only for loopback hosts.
    Any,
}

/// Why an origin-list entry was refused, before the policy adds which entry it was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PatternError {
    /// The rule the entry broke.
    pub kind: PolicyErrorKind,
    /// For [`PolicyErrorKind::OriginMalformed`], what exactly is malformed.
    pub origin_error: Option<OriginError>,
}

impl core::fmt::Display for PatternError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "corsguard policy error {}: {}", self.kind.code(), self.kind.message())?;
        if let Some(e) = self.origin_error {
            write!(f, " ({e})")?;
        }
        Ok(())
    }
}

impl core::error::Error for PatternError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        self.origin_error.as_ref().map(|e| e as &(dyn core::error::Error + 'static))
    }
}

impl PatternError {
    const fn rule(kind: PolicyErrorKind) -> Self {
        PatternError { kind, origin_error: None }
    }

    const fn malformed(error: OriginError) -> Self {
        PatternError { kind: PolicyErrorKind::OriginMalformed, origin_error: Some(error) }
    }
}

impl<'a> WildcardPattern<'a> {
    /// The scheme the pattern requires.
    pub const fn scheme(&self) -> &'a [u8] {
        self.scheme
    }

    /// For subdomain patterns the required suffix with its leading dot (`.example.com`), else the host.
    pub const fn host(&self) -> &'a [u8] {
        self.host
    }

    /// Whether the pattern stands for one or more labels in front of [`host`](Self::host).
    pub const fn subdomains(&self) -> bool {
        self.subdomains
    }

    /// The port part.
    pub const fn port(&self) -> PortPattern {
        self.port
    }

    /// Whether a parsed origin matches this pattern.
    ///
    /// A subdomain pattern covers DNS names only: the labels in front of its suffix must be non-empty and
    /// made of letters, digits, `-` and `_`. Other bytes a URL allows in a host (`*`, `$`, `!`, ...) name no
    /// DNS host, so an origin holding them in the covered part is not matched.
    pub fn matches(&self, origin: &Origin<'_>) -> bool {
        if origin.is_null() || !self.port_matches(origin.port()) {
            return false;
        }
        let host = origin.host();
        let suffix = if self.subdomains {
            if origin.host_kind() != Some(HostKind::Domain) {
                return false;
            }
            match host.len().checked_sub(self.host.len()).and_then(|at| host.get(at..)) {
                Some(suffix) => suffix,
                None => return false,
            }
        } else {
            host
        };
        matches_listed(self.text, self.subdomains, origin, suffix)
    }

    fn port_matches(&self, port: Option<u16>) -> bool {
        match self.port {
            PortPattern::Any => true,
            PortPattern::Default => port.is_none(),
            PortPattern::Exact(p) => port == Some(p),
        }
    }
}

/// The one matcher of a wildcard entry, given as listed (`text`), against `origin`, where `suffix` is the end
/// of the origin's host that the pattern's host part must equal (for a subdomain pattern the part from a dot
/// on; otherwise the whole host). [`WildcardPattern::matches`] and a policy's index both decide through its
/// two parts, [`listed_text_matches`] and [`covers_dns_labels`]: the index only finds the candidate entries,
/// by hash, and since the second part depends on the suffix alone it asks it once per suffix, not once per
/// candidate.
#[inline]
pub(crate) fn matches_listed(text: &[u8], subdomains: bool, origin: &Origin<'_>, suffix: &[u8]) -> bool {
    let Some(subject) = Subject::new(origin, suffix) else {
        return false;
    };
    let host = origin.host();
    listed_text_matches(text, subdomains, &subject)
        && (!subdomains || covers_dns_labels(host, host.len().wrapping_sub(suffix.len()), origin.has_dns_bytes()))
}

/// The parts of an origin that a wildcard entry's text is compared with. They depend on the origin and the
/// suffix, not on the entry, so the index finds them once for all the candidates it tries.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Subject<'o> {
    /// `scheme://`, as the origin starts.
    pub(crate) head: &'o [u8],
    /// The origin's bytes from the suffix on: the suffix and then its `:port`, if any.
    pub(crate) rest: &'o [u8],
    /// The end of the origin's host that the entry's host part must equal.
    pub(crate) suffix: &'o [u8],
}

impl<'o> Subject<'o> {
    /// The subject for `suffix`, an end of `origin`'s host; `None` when `origin` is too short to hold it.
    #[inline]
    pub(crate) fn new(origin: &Origin<'o>, suffix: &'o [u8]) -> Option<Self> {
        let raw = origin.as_bytes();
        let head = raw.get(..origin.scheme().len().wrapping_add(3))?;
        let port_part = if origin.port().is_some() { origin.port_digits().len().wrapping_add(1) } else { 0 };
        let from = raw.len().checked_sub(port_part)?.checked_sub(suffix.len())?;
        Some(Subject { head, rest: raw.get(from..)?, suffix })
    }

    /// The subject for the suffix of `origin`'s host from `at` on (`at` at most the host's length), knowing
    /// that the origin is `scheme://`, the host and then its `:port` if any.
    #[inline(always)]
    pub(crate) fn after_host(origin: &Origin<'o>, at: usize) -> Option<Self> {
        let (head, authority) = origin.as_bytes().split_at_checked(origin.scheme().len().wrapping_add(3))?;
        Some(Subject { head, rest: authority.get(at..)?, suffix: origin.host().get(at..)? })
    }
}

/// Whether a wildcard entry's text, `text`, names `subject`'s scheme, suffix and port: after the shared
/// `scheme://` (and the `*` of a subdomain pattern) the text is exactly the origin's bytes from the suffix
/// on, or the suffix and `:*`. A subdomain pattern also needs DNS labels in front of the suffix, which
/// [`covers_dns_labels`] checks.
#[inline(always)]
pub(crate) fn listed_text_matches(text: &[u8], subdomains: bool, subject: &Subject<'_>) -> bool {
    let head = subject.head.len();
    let (Some(text_head), Some(rest)) = (text.get(..head), text.get(head..)) else {
        return false;
    };
    if !eq(text_head, subject.head) {
        return false;
    }
    let rest = if subdomains {
        match rest.split_first() {
            Some((b'*', rest)) => rest,
            _ => return false,
        }
    } else {
        rest
    };
    eq(rest, subject.rest) || rest.strip_suffix(b":*").is_some_and(|named| eq(named, subject.suffix))
}

/// Whether `host[..covered]` (the part of a host in front of a subdomain pattern's suffix) is one or more
/// non-empty labels of lowercase letters, digits, `-` and `_`. `dns_bytes` says that the whole host holds no
/// other byte than those and `.` (the origin's parser found out, see [`Origin::has_dns_bytes`]), which leaves
/// only empty labels to look for.
#[inline(always)]
pub(crate) fn covers_dns_labels(host: &[u8], covered: usize, dns_bytes: bool) -> bool {
    // Most covered parts are short: one word of the host holds them, checked with no loop (an empty one,
    // `covered` 0, is refused there too: the imagined dots before the host and at `covered` meet).
    if covered < 8 {
        if let Some(word) = host.first_chunk::<8>() {
            let word = u64::from_le_bytes(*word);
            return if dns_bytes {
                !has_empty_label_in_word(word, covered)
            } else {
                covers_dns_labels_in_word(word, covered)
            };
        }
    }
    if covered == 0 || covered > host.len() {
        return false;
    }
    covers_dns_labels_by_table(host.get(..covered).unwrap_or(&[]))
}

/// Whether the first `covered` (1 to 7) lanes of `word`, eight bytes of a host of DNS bytes and dots (so
/// ASCII), start or end with a dot or have two in a row: a dot is imagined before the host and at `covered`,
/// and a dot next to a dot is an empty label.
#[inline(always)]
fn has_empty_label_in_word(word: u64, covered: usize) -> bool {
    const LANES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = LANES << 7;
    // A lane is zero after the XOR exactly when it held a dot, and adding 0x7f carries into its bit 7
    // otherwise; ASCII lanes never carry into the next lane.
    let all_dots = !((word ^ LANES.wrapping_mul(u64::from(b'.'))).wrapping_add(LANES.wrapping_mul(0x7f))) & HIGH;
    let shift = (covered as u32).wrapping_mul(8);
    let dots = (all_dots & 1u64.wrapping_shl(shift).wrapping_sub(1)) | 0x80u64.wrapping_shl(shift);
    dots & (dots.wrapping_shl(8) | 0x80) != 0
}

/// [`covers_dns_labels`] for the first `covered` (1 to 7) lanes of `word`, eight bytes of a host, all at once:
/// each lane is classed by adding constants (a lane's bit 7 says whether it reached a bound; lanes below 0x80
/// never carry into the next one, and lanes from 0x80 are refused on their own bit 7).
#[inline(always)]
fn covers_dns_labels_in_word(word: u64, covered: usize) -> bool {
    const LANES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = LANES << 7;
    let low = word & !HIGH;
    // Bit 7 of each lane whose byte is at least `bound`.
    let at_least = |bound: u8| low.wrapping_add(LANES.wrapping_mul(u64::from(0x80u8.wrapping_sub(bound)))) & HIGH;
    let lower = at_least(b'a') & !at_least(b'z' + 1);
    let digit = at_least(b'0') & !at_least(b'9' + 1);
    let dash_or_dot = at_least(b'-') & !at_least(b'.' + 1);
    let underscore = at_least(b'_') & !at_least(b'_' + 1);
    let dots = at_least(b'.') & !at_least(b'.' + 1);
    let shift = (covered as u32).wrapping_mul(8);
    let mask = 1u64.wrapping_shl(shift).wrapping_sub(1) & HIGH;
    let bad = (!(lower | digit | dash_or_dot | underscore) | (word & HIGH)) & mask;
    // A dot is imagined before the host and at `covered`: a dot next to a dot is an empty label.
    let dots = (dots & mask) | 0x80u64.wrapping_shl(shift);
    bad == 0 && dots & (dots.wrapping_shl(8) | 0x80) == 0
}

/// [`covers_dns_labels`] for a host that may hold other bytes: every byte looked up in a table.
fn covers_dns_labels_by_table(covered: &[u8]) -> bool {
    // Branch-free: per byte a table lookup; bit 2 marks a byte no DNS label holds, and a dot after a dot (or
    // at the start, as `previous` starts as a dot) sets bit 1 through `class & previous`.
    let mut acc = 0u8;
    let mut previous = DNS_DOT;
    for &b in covered {
        let class = DNS_CLASS.get(usize::from(b)).copied().unwrap_or(DNS_OTHER);
        acc |= (class & DNS_OTHER) | (class & previous);
        previous = class;
    }
    acc == 0 && previous != DNS_DOT
}

const DNS_DOT: u8 = 1;
const DNS_OTHER: u8 = 2;

/// Per byte: 0 for `a-z 0-9 - _`, [`DNS_DOT`] for `.`, [`DNS_OTHER`] for every other byte.
// Evaluated at compile time: an out-of-range index would fail the build, never panic at run time.
#[allow(clippy::indexing_slicing)]
const DNS_CLASS: [u8; 256] = {
    let mut table = [DNS_OTHER; 256];
    let mut c = 0usize;
    while c < 256 {
        let b = c as u8;
        if b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_' {
            table[c] = 0;
        }
        c += 1;
    }
    table[b'.' as usize] = DNS_DOT;
    table
};

impl<'a> OriginPattern<'a> {
    /// Parses one origin-list entry and applies every rule that does not depend on the rest of the policy.
    pub fn parse(input: &'a [u8]) -> Result<Self, PatternError> {
        // Nearly every entry is an `http(s)://` origin of DNS bytes, which the origin parser's one-pass path
        // accepts: such an entry holds no `*` and is not `null` or `file:`, so no rule below applies to it.
        if let Some(origin) = origin::parse_common(input).filter(Origin::has_dns_bytes) {
            return Ok(OriginPattern::Exact(origin));
        }
        if input == b"*" {
            return Ok(OriginPattern::Any);
        }
        if input == b"null" {
            return Err(PatternError::rule(PolicyErrorKind::NullOrigin));
        }
        if input.len() >= 5 && input.get(..5).is_some_and(|s| s.eq_ignore_ascii_case(b"file:")) {
            return Err(PatternError::rule(PolicyErrorKind::FileOrigin));
        }
        // A branch-free pass (it vectorizes): `contains` goes through memchr, slow on values this short.
        if !input.iter().fold(false, |star, &b| star | (b == b'*')) {
            return Origin::parse(input).map(OriginPattern::Exact).map_err(PatternError::malformed);
        }
        let parts = match origin::split(input) {
            Ok(parts) => parts,
            Err(OriginError::InvalidScheme) => {
                let scheme_end = input.iter().position(|&b| b == b':').unwrap_or(input.len());
                let scheme = input.get(..scheme_end).unwrap_or(&[]);
                return Err(if scheme.contains(&b'*') {
                    PatternError::rule(PolicyErrorKind::WildcardMisplaced)
                } else {
                    PatternError::malformed(OriginError::InvalidScheme)
                });
            }
            Err(e) => return Err(PatternError::malformed(e)),
        };
        let (host, subdomains) = parse_wildcard_host(parts.host)?;
        let port = match parts.port {
            Some(b"*") => PortPattern::Any,
            other => match origin::check_port(parts.scheme, other).map_err(PatternError::malformed)? {
                Some(p) => PortPattern::Exact(p),
                None => PortPattern::Default,
            },
        };
        if port == PortPattern::Any {
            // Every host under `*.app.localhost` is loopback too, as `Origin::is_loopback` says.
            let loopback = if subdomains {
                host.ends_with(b".localhost")
            } else {
                origin::is_loopback_host(host, origin::check_host(host).ok())
            };
            if !loopback {
                return Err(PatternError::rule(PolicyErrorKind::PortWildcardNotLoopback));
            }
        }
        Ok(OriginPattern::Wildcard(WildcardPattern { text: input, scheme: parts.scheme, host, subdomains, port }))
    }

    /// Whether a parsed origin matches this entry.
    pub fn matches(&self, origin: &Origin<'_>) -> bool {
        match self {
            OriginPattern::Any => true,
            OriginPattern::Exact(exact) => exact.as_bytes() == origin.as_bytes(),
            OriginPattern::Wildcard(w) => w.matches(origin),
        }
    }
}

/// Returns the host (or `.suffix` for `*.`) and whether it is a subdomain pattern.
fn parse_wildcard_host(host: &[u8]) -> Result<(&[u8], bool), PatternError> {
    let Some(star) = host.iter().position(|&b| b == b'*') else {
        origin::check_host(host).map_err(PatternError::malformed)?;
        return Ok((host, false));
    };
    if star != 0 {
        // `a.*.example.com` puts the wildcard in the middle; `api-*.example.com` is not label-aware.
        let whole_label = host.get(star.wrapping_sub(1)) == Some(&b'.')
            && matches!(host.get(star.wrapping_add(1)), None | Some(&b'.'));
        return Err(PatternError::rule(if whole_label {
            PolicyErrorKind::WildcardMisplaced
        } else {
            PolicyErrorKind::WildcardNotLabelAware
        }));
    }
    let Some(suffix) = host.get(1..) else {
        return Err(PatternError::rule(PolicyErrorKind::WildcardPublicSuffix));
    };
    if suffix.is_empty() {
        return Err(PatternError::rule(PolicyErrorKind::WildcardPublicSuffix));
    }
    let Some(domain) = suffix.strip_prefix(b".") else {
        return Err(PatternError::rule(PolicyErrorKind::WildcardNotLabelAware));
    };
    if domain.contains(&b'*') {
        return Err(PatternError::rule(PolicyErrorKind::WildcardMisplaced));
    }
    if domain.is_empty() {
        return Err(PatternError::rule(PolicyErrorKind::WildcardPublicSuffix));
    }
    if domain.first() == Some(&b'.') || domain.windows(2).any(|w| w == b"..") {
        return Err(PatternError::rule(PolicyErrorKind::WildcardNotLabelAware));
    }
    match origin::check_host(domain) {
        Ok(HostKind::Domain) => {}
        Ok(HostKind::Ipv4 | HostKind::Ipv6) => return Err(PatternError::rule(PolicyErrorKind::WildcardOverIp)),
        Err(e) => return Err(PatternError::malformed(e)),
    }
    if is_public_suffix(domain) {
        return Err(PatternError::rule(PolicyErrorKind::WildcardPublicSuffix));
    }
    Ok((suffix, true))
}

/// Single-label domains (every TLD) except `localhost`, and a built-in list of multi-label public suffixes
/// and shared hosting domains where anyone can register a subdomain. This is a safety net for the most
/// common mistakes, not the full Public Suffix List.
fn is_public_suffix(domain: &[u8]) -> bool {
    let domain = domain.strip_suffix(b".").unwrap_or(domain);
    if !domain.contains(&b'.') {
        return domain != b"localhost";
    }
    // Most domains share no length and first and last two bytes with a listed suffix: one bit of the filter rules
    // them out before the list is scanned.
    let key = suffix_filter_key(domain);
    let bit = KNOWN_SUFFIX_FILTER.get(key >> 6).is_none_or(|word| word & (1u64 << (key & 63)) != 0);
    bit && KNOWN_PUBLIC_SUFFIXES.iter().any(|s| s.len() == domain.len() && s.as_bytes() == domain)
}

/// Where a domain falls in [`KNOWN_SUFFIX_FILTER`]: a bit index from its length and its first two and last two
/// bytes, mixed by one multiplication (the top ten bits of the product).
const fn suffix_filter_key(domain: &[u8]) -> usize {
    let ([a, b], [y, z]) = match (domain.first_chunk::<2>(), domain.last_chunk::<2>()) {
        (Some(&head), Some(&tail)) => (head, tail),
        _ => ([0, 0], [0, 0]),
    };
    let word = u64::from_le_bytes([domain.len() as u8, a, b, y, z, 0, 0, 0]);
    (word.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 54) as usize
}

/// Bit [`suffix_filter_key`] of each of [`KNOWN_PUBLIC_SUFFIXES`].
// Evaluated at compile time: an out-of-range index would fail the build, never panic at run time.
#[allow(clippy::indexing_slicing)]
const KNOWN_SUFFIX_FILTER: [u64; 16] = {
    let mut filter = [0u64; 16];
    let mut i = 0usize;
    while i < KNOWN_PUBLIC_SUFFIXES.len() {
        let key = suffix_filter_key(KNOWN_PUBLIC_SUFFIXES[i].as_bytes());
        filter[key >> 6] |= 1u64 << (key & 63);
        i = i.wrapping_add(1);
    }
    filter
};

const KNOWN_PUBLIC_SUFFIXES: &[&str] = &[
    // Second-level registries.
    "co.uk",
    "org.uk",
    "me.uk",
    "ltd.uk",
    "plc.uk",
    "net.uk",
    "ac.uk",
    "gov.uk",
    "sch.uk",
    "nhs.uk",
    "com.au",
    "net.au",
    "org.au",
    "edu.au",
    "gov.au",
    "id.au",
    "co.nz",
    "net.nz",
    "org.nz",
    "govt.nz",
    "co.jp",
    "ne.jp",
    "or.jp",
    "ac.jp",
    "go.jp",
    "co.kr",
    "or.kr",
    "ne.kr",
    "com.br",
    "net.br",
    "org.br",
    "gov.br",
    "com.cn",
    "net.cn",
    "org.cn",
    "gov.cn",
    "edu.cn",
    "com.tw",
    "org.tw",
    "com.hk",
    "org.hk",
    "com.sg",
    "org.sg",
    "com.my",
    "co.in",
    "net.in",
    "org.in",
    "gov.in",
    "ac.in",
    "co.za",
    "org.za",
    "gov.za",
    "com.mx",
    "org.mx",
    "gob.mx",
    "com.ar",
    "com.tr",
    "org.tr",
    "gov.tr",
    "com.ua",
    "co.il",
    "org.il",
    "co.id",
    "or.id",
    "com.ph",
    "com.vn",
    "com.pk",
    "com.eg",
    "com.sa",
    "co.th",
    "in.th",
    "com.pl",
    "net.pl",
    "org.pl",
    "com.co",
    "com.pe",
    "com.ng",
    "co.ke",
    "eu.org",
    "us.com",
    "uk.com",
    // Shared hosting where anyone can publish under a subdomain.
    "github.io",
    "gitlab.io",
    "githubusercontent.com",
    "bitbucket.io",
    "codeberg.page",
    "herokuapp.com",
    "herokussl.com",
    "vercel.app",
    "now.sh",
    "netlify.app",
    "pages.dev",
    "workers.dev",
    "web.app",
    "firebaseapp.com",
    "appspot.com",
    "azurewebsites.net",
    "azurestaticapps.net",
    "cloudapp.net",
    "cloudfront.net",
    "amazonaws.com",
    "s3.amazonaws.com",
    "elasticbeanstalk.com",
    "blogspot.com",
    "wordpress.com",
    "glitch.me",
    "repl.co",
    "replit.dev",
    "replit.app",
    "fly.dev",
    "onrender.com",
    "ngrok.io",
    "ngrok.app",
    "ngrok-free.app",
    "surge.sh",
    "pythonanywhere.com",
    "readthedocs.io",
    "deno.dev",
    "translate.goog",
    "trycloudflare.com",
    "loca.lt",
    "r2.dev",
    "supabase.co",
    "railway.app",
    "up.railway.app",
    "run.app",
    "a.run.app",
    "cloudfunctions.net",
    "ondigitalocean.app",
    "webflow.io",
    "wixsite.com",
    "myshopify.com",
    "squarespace.com",
    "neocities.org",
    "tumblr.com",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_suffix_filter_keeps_every_listed_suffix() {
        // Each listed suffix, with and without a trailing dot, and domains one byte away from each: the
        // filtered check is the plain scan of the list.
        let plain = |domain: &[u8]| {
            let domain = domain.strip_suffix(b".").unwrap_or(domain);
            if !domain.contains(&b'.') {
                return domain != b"localhost";
            }
            KNOWN_PUBLIC_SUFFIXES.iter().any(|s| s.as_bytes() == domain)
        };
        let mut checked = 0;
        for s in KNOWN_PUBLIC_SUFFIXES {
            assert!(is_public_suffix(s.as_bytes()), "{s}");
            let mut variants = vec![format!("{s}."), format!("a.{s}"), format!("{s}x"), s[1..].to_string()];
            for at in 0..s.len() {
                let mut changed = s.as_bytes().to_vec();
                changed[at] = b'q';
                variants.push(String::from_utf8(changed).unwrap());
            }
            for v in variants {
                assert_eq!(is_public_suffix(v.as_bytes()), plain(v.as_bytes()), "{v}");
                checked += 1;
            }
        }
        assert!(checked > 1000);
    }

    #[test]
    fn the_word_check_agrees_with_the_table() {
        // Every string over dots and DNS bytes up to seven bytes, and over every kind of byte (the bounds of
        // each class, non-ASCII, a non-ASCII byte whose low bits are a dot) up to four, followed by tails
        // that make the host long enough for one word or not, at every length of the covered part: the word
        // check and the table agree.
        let mut host = Vec::new();
        let sets: [(&[u8], u32); 2] = [(b".a-_9", 7), (b".a-_9z0!,/:`{^\x80\xae", 4)];
        for (alphabet, longest) in sets {
            for len in 0..=longest {
                for pick in 0..alphabet.len().pow(len) {
                    for tail in [&b""[..], b".", b"..", b".example", b"a.b.example"] {
                        host.clear();
                        let mut pick = pick;
                        for _ in 0..len {
                            host.push(alphabet[pick % alphabet.len()]);
                            pick /= alphabet.len();
                        }
                        host.extend_from_slice(tail);
                        let dns_bytes = host.iter().all(|&b| origin::is_dns_byte(b) || b == b'.');
                        for covered in 0..=host.len() + 1 {
                            let want = covered > 0
                                && covered <= host.len()
                                && covers_dns_labels_by_table(&host[..covered.min(host.len())]);
                            assert_eq!(covers_dns_labels(&host, covered, false), want, "{host:?} {covered}");
                            if dns_bytes {
                                assert_eq!(covers_dns_labels(&host, covered, true), want, "{host:?} {covered}");
                            }
                        }
                    }
                }
            }
        }
    }
}
