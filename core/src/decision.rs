//! The decision: one pure function from (policy, request headers) to a verdict, a reason, a status and the
//! exact response headers. Values are borrowed from the policy or the request: nothing is copied, formatted
//! or allocated while deciding.

use crate::bytes::{eq, is_tchar, is_token, trim_ows};
use crate::hash;
use crate::index::EntryKind;
use crate::origin::{self, HostKind, Origin, OriginError};
use crate::policy::{
    is_forbidden_method, port_key, HeaderRule, MethodRule, Policy, Span, KIND_HOST_ANY_PORT, KIND_SUBDOMAINS,
    MAX_TOKEN_LEN, PORT_KEY_ANY, SEED_EXACT, SEED_SCHEME, SEED_SUFFIX,
};

/// Header names corsguard emits, spelled as the Fetch standard spells them.
pub mod names {
    /// `Access-Control-Allow-Origin`
    pub const ALLOW_ORIGIN: &str = "Access-Control-Allow-Origin";
    /// `Access-Control-Allow-Credentials`
    pub const ALLOW_CREDENTIALS: &str = "Access-Control-Allow-Credentials";
    /// `Access-Control-Allow-Methods`
    pub const ALLOW_METHODS: &str = "Access-Control-Allow-Methods";
    /// `Access-Control-Allow-Headers`
    pub const ALLOW_HEADERS: &str = "Access-Control-Allow-Headers";
    /// `Access-Control-Max-Age`
    pub const MAX_AGE: &str = "Access-Control-Max-Age";
    /// `Access-Control-Allow-Private-Network`
    pub const ALLOW_PRIVATE_NETWORK: &str = "Access-Control-Allow-Private-Network";
    /// `Access-Control-Expose-Headers`
    pub const EXPOSE_HEADERS: &str = "Access-Control-Expose-Headers";
    /// `Vary`
    pub const VARY: &str = "Vary";

    /// Every name above, in the order a decision emits them.
    pub const IN_ORDER: [&str; 8] = [
        ALLOW_ORIGIN,
        ALLOW_CREDENTIALS,
        ALLOW_METHODS,
        ALLOW_HEADERS,
        MAX_AGE,
        ALLOW_PRIVATE_NETWORK,
        EXPOSE_HEADERS,
        VARY,
    ];
}

/// The most `Access-Control-Request-Headers` lines echoed back (only under credentials with any header
/// allowed); a request with more non-empty lines is denied with [`DenyReason::HeadersTooMany`].
pub const MAX_ECHOED_HEADER_LINES: usize = 8;

/// The most headers one decision can carry.
pub const MAX_RESPONSE_HEADERS: usize = 7 + MAX_ECHOED_HEADER_LINES;

const VARY_ACTUAL: &[u8] = b"Origin";
const VARY_PREFLIGHT: &[u8] = b"Origin, Access-Control-Request-Method, Access-Control-Request-Headers";
const VARY_PREFLIGHT_PNA: &[u8] =
    b"Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network";

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

/// Whether the cross-origin read is allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// Allowed (for [`RequestKind::NotCors`]: nothing to decide, the application answers as usual).
    Allowed = 0,
    /// Denied: no CORS headers are sent (only `Vary`); see the [`DenyReason`].
    Denied = 1,
}

/// Why a request was denied. Stable numeric codes, never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DenyReason {
    /// The `Origin` value is not a serialized origin; see [`Decision::origin_error`].
    OriginMalformed = 1,
    /// The `Origin` value is longer than the policy's cap.
    OriginTooLong = 2,
    /// More than one `Origin` line.
    OriginMultiple = 3,
    /// `Origin: null`, which the policy never trusts.
    OriginNull = 4,
    /// The origin is well formed but the policy does not allow it.
    OriginNotAllowed = 5,
    /// `Access-Control-Request-Method` is empty, too long, not a token, or on several lines.
    MethodMalformed = 6,
    /// The requested method is CONNECT, TRACE or TRACK.
    MethodForbidden = 7,
    /// The requested method is not allowed by the policy.
    MethodNotAllowed = 8,
    /// `Access-Control-Request-Headers` has an element that is not a token.
    HeadersMalformed = 9,
    /// `Access-Control-Request-Headers` is longer than the policy's byte cap.
    HeadersTooLong = 10,
    /// `Access-Control-Request-Headers` has more names (or echoed lines) than the cap.
    HeadersTooMany = 11,
    /// A requested header is not allowed by the policy.
    HeaderNotAllowed = 12,
    /// `Authorization` was requested; `*` never covers it and the policy does not list it.
    AuthorizationNotAllowed = 13,
    /// `Access-Control-Request-Private-Network` is not exactly one `true`.
    PrivateNetworkMalformed = 14,
    /// Private network access was requested and the policy does not allow it.
    PrivateNetworkNotAllowed = 15,
}

impl DenyReason {
    /// The stable numeric code.
    pub const fn code(self) -> u32 {
        self as u32
    }

    /// A one-line description, fit for a log.
    pub const fn message(self) -> &'static str {
        match self {
            Self::OriginMalformed => "the Origin header is not a serialized origin",
            Self::OriginTooLong => "the Origin header is longer than the policy's cap",
            Self::OriginMultiple => "the request has more than one Origin header",
            Self::OriginNull => "the origin \"null\" is never trusted",
            Self::OriginNotAllowed => "the origin is not allowed by the policy",
            Self::MethodMalformed => "Access-Control-Request-Method is empty, too long, not a token, or repeated",
            Self::MethodForbidden => "the requested method is CONNECT, TRACE or TRACK",
            Self::MethodNotAllowed => "the requested method is not allowed by the policy",
            Self::HeadersMalformed => "Access-Control-Request-Headers has an element that is not a header name",
            Self::HeadersTooLong => "Access-Control-Request-Headers is longer than the policy's cap",
            Self::HeadersTooMany => "Access-Control-Request-Headers names more headers than the policy's cap",
            Self::HeaderNotAllowed => "a requested header is not allowed by the policy",
            Self::AuthorizationNotAllowed => "Authorization was requested and the policy does not list it",
            Self::PrivateNetworkMalformed => "Access-Control-Request-Private-Network is not exactly \"true\"",
            Self::PrivateNetworkNotAllowed => "private network access was requested and the policy does not allow it",
        }
    }
}

impl core::fmt::Display for DenyReason {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.message())
    }
}

/// One response header: a static name and a value borrowed from the policy or the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header<'a> {
    /// The header name.
    pub name: &'static str,
    /// The header value: visible ASCII, spaces and tabs only.
    pub value: &'a [u8],
}

/// `Access-Control-Allow-Headers` is a prepared value, or the request's own lines echoed back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AllowHeaders<'a> {
    None,
    Value(&'a [u8]),
    Echo(&'a [&'a [u8]]),
}

/// The response headers of a decision, in a fixed order: ACAO, ACAC, ACAM, ACAH, ACMA, ACAPN, ACEH, Vary.
#[derive(Clone, Copy)]
pub struct ResponseHeaders<'a> {
    /// Each header's value by slot (its place in the order); a slot is sent only when its bit of `present`
    /// is set (an unsent slot may hold anything, so equality compares the headers sent).
    values: [&'a [u8]; SLOTS],
    present: u8,
    /// Under credentials with any header allowed: the request's own lines, echoed as one
    /// `Access-Control-Allow-Headers` per non-empty line (that slot's value is then unused).
    echo: &'a [&'a [u8]],
}

const SLOTS: usize = 8;
const SLOT_NAMES: [&str; SLOTS] = names::IN_ORDER;
pub(crate) const BIT_ALLOW_ORIGIN: u8 = 1 << 0;
pub(crate) const BIT_ALLOW_CREDENTIALS: u8 = 1 << 1;
pub(crate) const BIT_ALLOW_METHODS: u8 = 1 << 2;
pub(crate) const BIT_ALLOW_HEADERS: u8 = 1 << 3;
pub(crate) const BIT_MAX_AGE: u8 = 1 << 4;
pub(crate) const BIT_ALLOW_PRIVATE_NETWORK: u8 = 1 << 5;
pub(crate) const BIT_EXPOSE_HEADERS: u8 = 1 << 6;
pub(crate) const BIT_VARY: u8 = 1 << 7;
const SLOT_ALLOW_HEADERS: usize = 3;
const TRUE: &[u8] = b"true";
const NONE: &[u8] = b"";

impl PartialEq for ResponseHeaders<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for ResponseHeaders<'_> {}

impl core::fmt::Debug for ResponseHeaders<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// The buffer given to [`ResponseHeaders::write_to`] is too small; `needed` bytes would fit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BufferTooSmall {
    /// The number of bytes the rendered headers need.
    pub needed: usize,
}

impl core::fmt::Display for BufferTooSmall {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "the header buffer is too small: {} bytes are needed", self.needed)
    }
}

impl<'a> ResponseHeaders<'a> {
    const fn vary_only(vary: &'static [u8]) -> Self {
        ResponseHeaders { values: [NONE, NONE, NONE, NONE, NONE, NONE, NONE, vary], present: BIT_VARY, echo: &[] }
    }

    /// The headers in emission order.
    pub fn iter(&self) -> HeaderIter<'_, 'a> {
        HeaderIter { headers: self, remaining: self.present, echo_pos: 0 }
    }

    /// How many headers there are.
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }

    /// The first value of the header called `name` (ASCII case-insensitive), if present.
    pub fn get(&self, name: &str) -> Option<&'a [u8]> {
        self.iter().find(|h| h.name.eq_ignore_ascii_case(name)).map(|h| h.value)
    }

    /// The number of bytes [`write_to`](Self::write_to) writes.
    pub fn rendered_len(&self) -> usize {
        self.iter().fold(0usize, |n, h| n.saturating_add(h.name.len()).saturating_add(h.value.len()).saturating_add(4))
    }

    /// Renders every header as `Name: value\r\n` into `out` and returns the number of bytes written.
    /// On [`BufferTooSmall`] nothing useful is in `out`; retry with `needed` bytes.
    ///
    /// ```
    /// # use corsguard::{Policy, PolicyConfig, Request};
    /// # let mut index = [0u32; 2];
    /// # let policy = Policy::build(&PolicyConfig::new(&["https://a.example"]), &mut index).unwrap();
    /// let decision = policy.decide(&Request { method: b"GET", origin: &[b"https://a.example"], ..Request::default() });
    /// let mut buf = [0u8; 256];
    /// let n = decision.headers().write_to(&mut buf).unwrap();
    /// assert_eq!(&buf[..n], b"Access-Control-Allow-Origin: https://a.example\r\nVary: Origin\r\n");
    /// ```
    pub fn write_to(&self, out: &mut [u8]) -> Result<usize, BufferTooSmall> {
        let needed = self.rendered_len();
        if needed > out.len() {
            return Err(BufferTooSmall { needed });
        }
        let mut at = 0usize;
        for h in self.iter() {
            for part in [h.name.as_bytes(), b": ", h.value, b"\r\n"] {
                let end = at.saturating_add(part.len());
                let Some(dst) = out.get_mut(at..end) else {
                    return Err(BufferTooSmall { needed });
                };
                // A zip, not `copy_from_slice`: the optimiser cannot prove the lengths equal (saturating
                // `end`), and the no-panic link test refuses the length-mismatch panic that would remain.
                for (d, s) in dst.iter_mut().zip(part) {
                    *d = *s;
                }
                at = end;
            }
        }
        Ok(at)
    }
}

impl<'h, 'a> IntoIterator for &'h ResponseHeaders<'a> {
    type Item = Header<'a>;
    type IntoIter = HeaderIter<'h, 'a>;

    fn into_iter(self) -> HeaderIter<'h, 'a> {
        self.iter()
    }
}

/// Iterator over a decision's headers, in emission order.
#[derive(Clone, Debug)]
pub struct HeaderIter<'h, 'a> {
    headers: &'h ResponseHeaders<'a>,
    /// The slots not yet visited that have a header: the next one is the lowest set bit.
    remaining: u8,
    echo_pos: usize,
}

impl<'a> Iterator for HeaderIter<'_, 'a> {
    type Item = Header<'a>;

    fn next(&mut self) -> Option<Header<'a>> {
        let slot = self.remaining.trailing_zeros() as usize;
        let name = *SLOT_NAMES.get(slot)?;
        let lines = self.headers.echo;
        if slot == SLOT_ALLOW_HEADERS && !lines.is_empty() {
            // One header per non-empty line, so echoed values stay borrowed.
            let rest = lines.get(self.echo_pos..).unwrap_or(&[]);
            if let Some(offset) = rest.iter().position(|l| !trim_ows(l).is_empty()) {
                let at = self.echo_pos.wrapping_add(offset);
                self.echo_pos = at.wrapping_add(1);
                return Some(Header { name, value: trim_ows(lines.get(at).copied().unwrap_or(&[])) });
            }
            self.remaining &= !BIT_ALLOW_HEADERS;
            return self.next_plain();
        }
        self.remaining &= self.remaining.wrapping_sub(1);
        Some(Header { name, value: self.headers.values.get(slot).copied().unwrap_or(&[]) })
    }
}

impl<'a> HeaderIter<'_, 'a> {
    /// The next header past the echoed lines (which come from the one slot that can hold several).
    fn next_plain(&mut self) -> Option<Header<'a>> {
        let slot = self.remaining.trailing_zeros() as usize;
        let name = *SLOT_NAMES.get(slot)?;
        self.remaining &= self.remaining.wrapping_sub(1);
        Some(Header { name, value: self.headers.values.get(slot).copied().unwrap_or(&[]) })
    }
}

/// The outcome of [`Policy::decide`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decision<'a> {
    kind: RequestKind,
    verdict: Verdict,
    reason: Option<DenyReason>,
    origin_error: Option<OriginError>,
    status: Option<u16>,
    headers: ResponseHeaders<'a>,
}

impl<'a> Decision<'a> {
    /// Not CORS, actual or preflight.
    pub const fn kind(&self) -> RequestKind {
        self.kind
    }

    /// Allowed or denied.
    pub const fn verdict(&self) -> Verdict {
        self.verdict
    }

    /// Whether the verdict is [`Verdict::Allowed`].
    pub const fn is_allowed(&self) -> bool {
        matches!(self.verdict, Verdict::Allowed)
    }

    /// Why the request was denied (`None` when allowed).
    pub const fn reason(&self) -> Option<DenyReason> {
        self.reason
    }

    /// For [`DenyReason::OriginMalformed`], what exactly is wrong with the `Origin` value.
    pub const fn origin_error(&self) -> Option<OriginError> {
        self.origin_error
    }

    /// The status to answer a preflight with; `None` for other requests (the application chooses).
    pub const fn status(&self) -> Option<u16> {
        self.status
    }

    /// Whether the host must answer now, with [`status`](Self::status) and [`headers`](Self::headers) and an
    /// empty body, instead of passing the request to the application. True for every preflight.
    pub const fn answer_now(&self) -> bool {
        matches!(self.kind, RequestKind::Preflight)
    }

    /// The headers to add to the response. The host must append its own `Vary` values, never replace them.
    pub const fn headers(&self) -> &ResponseHeaders<'a> {
        &self.headers
    }
}

struct Denial {
    reason: DenyReason,
    origin_error: Option<OriginError>,
}

impl From<DenyReason> for Denial {
    fn from(reason: DenyReason) -> Self {
        Denial { reason, origin_error: None }
    }
}

impl<'p> Policy<'p> {
    /// Decides one request. Total: any bytes in, a decision out, in time linear in the input and bounded by
    /// the policy's caps, with no allocation.
    ///
    /// ```
    /// use corsguard::{Policy, PolicyConfig, Request, RequestKind, DenyReason};
    /// let mut index = [0u32; 2];
    /// let policy = Policy::build(&PolicyConfig::new(&["https://app.example.com"]), &mut index).unwrap();
    ///
    /// let ok = policy.decide(&Request { method: b"GET", origin: &[b"https://app.example.com"], ..Request::default() });
    /// assert!(ok.is_allowed());
    /// assert_eq!(ok.headers().get("Access-Control-Allow-Origin"), Some(&b"https://app.example.com"[..]));
    ///
    /// let evil = policy.decide(&Request { method: b"GET", origin: &[b"https://app.example.com.evil.net"], ..Request::default() });
    /// assert_eq!(evil.reason(), Some(DenyReason::OriginNotAllowed));
    /// assert_eq!(evil.headers().get("Vary"), Some(&b"Origin"[..]));
    ///
    /// let preflight = policy.decide(&Request {
    ///     method: b"OPTIONS",
    ///     origin: &[b"https://app.example.com"],
    ///     request_method: &[b"POST"],
    ///     ..Request::default()
    /// });
    /// assert_eq!(preflight.kind(), RequestKind::Preflight);
    /// assert_eq!(preflight.status(), Some(204));
    /// ```
    pub fn decide<'d>(&'d self, request: &Request<'d>) -> Decision<'d> {
        let Some((&first_origin, more_origins)) = request.origin.split_first() else {
            return Decision {
                kind: RequestKind::NotCors,
                verdict: Verdict::Allowed,
                reason: None,
                origin_error: None,
                status: None,
                headers: ResponseHeaders::vary_only(VARY_ACTUAL),
            };
        };
        if eq(request.method, b"OPTIONS") && !request.request_method.is_empty() {
            self.decide_preflight(first_origin, more_origins.is_empty(), request)
        } else {
            // Built in place: the actual request's headers are a function of the allowed origin alone.
            match self.check_origin(first_origin, more_origins.is_empty()) {
                Ok(allow_origin) => Decision {
                    kind: RequestKind::Actual,
                    verdict: Verdict::Allowed,
                    reason: None,
                    origin_error: None,
                    status: None,
                    headers: ResponseHeaders {
                        values: [
                            allow_origin,
                            TRUE,
                            NONE,
                            NONE,
                            NONE,
                            NONE,
                            if self.expose_any { b"*" } else { self.expose_headers.as_slice() },
                            VARY_ACTUAL,
                        ],
                        present: self.actual_headers,
                        echo: &[],
                    },
                },
                Err(denial) => self.denied(RequestKind::Actual, denial),
            }
        }
    }

    /// The decision denying a request of `kind`: no CORS headers but its `Vary`.
    fn denied(&self, kind: RequestKind, denial: Denial) -> Decision<'static> {
        let preflight = kind == RequestKind::Preflight;
        Decision {
            kind,
            verdict: Verdict::Denied,
            reason: Some(denial.reason),
            origin_error: denial.origin_error,
            status: if preflight { Some(self.failure_status) } else { None },
            headers: ResponseHeaders::vary_only(if preflight { self.preflight_vary() } else { VARY_ACTUAL }),
        }
    }

    fn preflight_vary(&self) -> &'static [u8] {
        if self.private_network {
            VARY_PREFLIGHT_PNA
        } else {
            VARY_PREFLIGHT
        }
    }

    /// The decision on a preflight, built in place from what its checks return.
    fn decide_preflight<'d>(&'d self, origin: &'d [u8], single: bool, request: &Request<'d>) -> Decision<'d> {
        macro_rules! check {
            ($e:expr) => {
                match $e {
                    Ok(v) => v,
                    Err(denial) => return self.denied(RequestKind::Preflight, denial),
                }
            };
        }
        let allow_origin = check!(self.check_origin(origin, single));
        let allow_methods = check!(self.check_method(request.request_method));
        let allow_headers = check!(self.check_request_headers(request.request_headers));
        let allow_private_network = check!(self.check_private_network(request.request_private_network));
        let mut present = self.preflight_headers;
        if allow_private_network {
            present |= BIT_ALLOW_PRIVATE_NETWORK;
        }
        let (allow_headers, echo) = match allow_headers {
            AllowHeaders::None => (NONE, &[][..]),
            AllowHeaders::Value(v) => {
                present |= BIT_ALLOW_HEADERS;
                (v, &[][..])
            }
            AllowHeaders::Echo(lines) => {
                present |= BIT_ALLOW_HEADERS;
                (NONE, lines)
            }
        };
        Decision {
            kind: RequestKind::Preflight,
            verdict: Verdict::Allowed,
            reason: None,
            origin_error: None,
            status: Some(self.success_status),
            headers: ResponseHeaders {
                values: [
                    allow_origin,
                    TRUE,
                    allow_methods,
                    allow_headers,
                    self.max_age.as_slice(),
                    TRUE,
                    NONE,
                    self.preflight_vary(),
                ],
                present,
                echo,
            },
        }
    }

    /// Returns the `Access-Control-Allow-Origin` value: `*`, or exactly the request's (trimmed) bytes.
    fn check_origin<'d>(&'d self, raw: &'d [u8], single: bool) -> Result<&'d [u8], Denial> {
        if !single {
            return Err(DenyReason::OriginMultiple.into());
        }
        let raw = trim_ows(raw);
        if raw.len() > self.max_origin_len {
            return Err(DenyReason::OriginTooLong.into());
        }
        // Fast path: an exact entry was validated when the policy was built, so a byte-equal hit is valid.
        if self.exact_lens & (1u64 << (raw.len() & 63)) != 0 {
            let h = hash::hash_bytes(SEED_EXACT, raw);
            let hit = self
                .index
                .candidates(h, EntryKind::Exact)
                .any(|i| self.origins.get(i).is_some_and(|o| eq(o.as_bytes(), raw)));
            if hit {
                return Ok(raw);
            }
        }
        // The common form inline, the full parser for the rest (same results, see `origin::parse_common`).
        let origin = match origin::parse_common(raw) {
            Some(origin) => origin,
            None => Origin::parse_full(raw)
                .map_err(|e| Denial { reason: DenyReason::OriginMalformed, origin_error: Some(e) })?,
        };
        if self.any_origin {
            return Ok(b"*");
        }
        if origin.is_null() {
            return Err(DenyReason::OriginNull.into());
        }
        if self.matches_pattern(&origin) {
            return Ok(raw);
        }
        Err(DenyReason::OriginNotAllowed.into())
    }

    #[inline(always)]
    fn matches_pattern(&self, origin: &Origin<'_>) -> bool {
        if !self.has_subdomain_patterns && !self.has_host_patterns {
            return false;
        }
        let scheme = origin.scheme();
        let schemes = self.pattern_schemes.get(..self.pattern_scheme_count).unwrap_or(&[]);
        let mut known = None;
        for &(s, h) in schemes {
            if eq(s, scheme) {
                known = Some(h);
                break;
            }
        }
        let scheme_hash = match known {
            Some(h) => h,
            None if self.more_pattern_schemes => hash::mix_bytes(SEED_SCHEME, scheme),
            None => return false,
        };
        let host = origin.host();
        let probe = |kind: u64, suffix_hash: u64, port: u64, suffix: &[u8]| {
            self.probe_pattern(hash::pattern_key(kind, scheme_hash, suffix_hash, port), kind, origin, suffix)
        };
        // Host patterns (`http://localhost:*`) always take any port.
        if self.has_host_patterns && probe(KIND_HOST_ANY_PORT, hash::mix_bytes(SEED_SUFFIX, host), PORT_KEY_ANY, host) {
            return true;
        }
        if !self.has_subdomain_patterns || origin.host_kind() != Some(HostKind::Domain) {
            return false;
        }
        // Only a suffix as long as some pattern's can match, so the host is tested at those lengths alone (a
        // policy has few distinct ones) rather than at each of its dots: a candidate is a dot with a
        // non-empty label before it. `suffix_lens` keeps lengths modulo 256, so each bit stands for every
        // length of its class up to the longest pattern's.
        let port = port_key(origin.port());
        let longest = self.max_suffix_len.min(host.len().saturating_sub(1));
        for (w, &word) in self.suffix_lens.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                let mut len = w.wrapping_mul(64).wrapping_add(bits.trailing_zeros() as usize);
                bits &= bits.wrapping_sub(1);
                while len <= longest {
                    let at = host.len().wrapping_sub(len);
                    let starts_suffix =
                        host.get(at) == Some(&b'.') && host.get(at.wrapping_sub(1)).is_some_and(|&b| b != b'.');
                    if starts_suffix {
                        let suffix = host.get(at..).unwrap_or(&[]);
                        let suffix_hash = hash::mix_bytes(SEED_SUFFIX, suffix);
                        if probe(KIND_SUBDOMAINS, suffix_hash, port, suffix)
                            || (self.any_port_patterns && probe(KIND_SUBDOMAINS, suffix_hash, PORT_KEY_ANY, suffix))
                        {
                            return true;
                        }
                    }
                    len = len.wrapping_add(256);
                }
            }
        }
        false
    }

    /// Whether a pattern entry under `key` is of `kind` and names `suffix` of this origin.
    #[inline(always)]
    fn probe_pattern(&self, key: u64, kind: u64, origin: &Origin<'_>, suffix: &[u8]) -> bool {
        self.index.candidates(key, EntryKind::Pattern).any(|i| {
            self.origins.get(i).is_some_and(|pattern| pattern_text_matches(pattern.as_bytes(), kind, origin, suffix))
        })
    }

    /// Returns the `Access-Control-Allow-Methods` value.
    fn check_method<'d>(&'d self, lines: &'d [&'d [u8]]) -> Result<&'d [u8], Denial> {
        let [line] = lines else {
            return Err(DenyReason::MethodMalformed.into());
        };
        let method = trim_ows(line);
        // Fast path: a method spelled exactly as listed is a valid, allowed token (the list was checked when
        // the policy was built, and holds no forbidden method).
        if self.method_rule == MethodRule::List
            && self.method_spans.iter().any(|&span| eq(span_of(&self.methods, span), method))
        {
            return Ok(self.methods.as_slice());
        }
        if method.len() > MAX_TOKEN_LEN || !is_token(method) {
            return Err(DenyReason::MethodMalformed.into());
        }
        if is_forbidden_method(method) {
            return Err(DenyReason::MethodForbidden.into());
        }
        match self.method_rule {
            // Under credentials `*` is a literal method name to browsers, so echo the request's method.
            // A method literally named `*` is never echoed: under credentials `*` is never emitted (docs/rules.md).
            MethodRule::Any if self.credentials && method == b"*" => Err(DenyReason::MethodNotAllowed.into()),
            MethodRule::Any => Ok(if self.credentials { method } else { b"*" }),
            MethodRule::List => {
                let allowed = self.method_spans.iter().any(|&span| eq(span_of(&self.methods, span), method));
                if !allowed {
                    return Err(DenyReason::MethodNotAllowed.into());
                }
                Ok(self.methods.as_slice())
            }
        }
    }

    /// Checks every requested header name and returns the `Access-Control-Allow-Headers` answer.
    fn check_request_headers<'d>(&'d self, lines: &'d [&'d [u8]]) -> Result<AllowHeaders<'d>, Denial> {
        // Cap the bytes first, stopping as soon as the cap is passed, so a huge value costs almost nothing.
        let mut total = 0usize;
        for line in lines {
            total = total.saturating_add(line.len());
            if total > self.max_request_headers_len {
                return Err(DenyReason::HeadersTooLong.into());
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
                        return Err(DenyReason::HeadersTooMany.into());
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
                    return Err(DenyReason::HeadersTooMany.into());
                }
                if !name.iter().all(|&b| is_tchar(b)) {
                    return Err(DenyReason::HeadersMalformed.into());
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
                    return Err(DenyReason::HeadersTooMany.into());
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

    fn check_header_name(&self, name: &[u8], cursor: &mut usize) -> Result<(), Denial> {
        match self.header_rule {
            HeaderRule::List => {
                if self.find_allowed_header(name, cursor, false) {
                    Ok(())
                } else if name.eq_ignore_ascii_case(b"authorization") {
                    Err(DenyReason::AuthorizationNotAllowed.into())
                } else {
                    Err(DenyReason::HeaderNotAllowed.into())
                }
            }
            HeaderRule::Any { authorization } => {
                if self.credentials && name == b"*" {
                    // Echoed under credentials, a name `*` would put a `*` in ACAH: never emitted then.
                    Err(DenyReason::HeaderNotAllowed.into())
                } else if !authorization && name.eq_ignore_ascii_case(b"authorization") {
                    Err(DenyReason::AuthorizationNotAllowed.into())
                } else {
                    Ok(())
                }
            }
        }
    }

    /// Returns whether to send `Access-Control-Allow-Private-Network: true`.
    fn check_private_network(&self, lines: &[&[u8]]) -> Result<bool, Denial> {
        match lines {
            [] => Ok(false),
            [line] if trim_ows(line) == b"true" => {
                if self.private_network {
                    Ok(true)
                } else {
                    Err(DenyReason::PrivateNetworkNotAllowed.into())
                }
            }
            _ => Err(DenyReason::PrivateNetworkMalformed.into()),
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

/// Checks that the pattern entry `pattern` really is the pattern of `kind` for this origin and suffix.
/// The origin's bytes from `suffix` on are the suffix and then its `:port`, if any, so after the shared
/// `scheme://` (and the `*` of a subdomain pattern) the pattern's text is exactly those bytes, or the
/// suffix and `:*`.
fn pattern_text_matches(pattern: &[u8], kind: u64, origin: &Origin<'_>, suffix: &[u8]) -> bool {
    let raw = origin.as_bytes();
    let head = origin.scheme().len().wrapping_add(3);
    let (Some(pattern_head), Some(origin_head)) = (pattern.get(..head), raw.get(..head)) else {
        return false;
    };
    if !eq(pattern_head, origin_head) {
        return false;
    }
    let rest = pattern.get(head..).unwrap_or(&[]);
    let rest = if kind == KIND_SUBDOMAINS {
        match rest.split_first() {
            Some((b'*', rest)) => rest,
            _ => return false,
        }
    } else {
        rest
    };
    let port_part = if origin.port().is_some() { origin.port_digits().len().wrapping_add(1) } else { 0 };
    let from = raw.len().wrapping_sub(port_part).wrapping_sub(suffix.len());
    let origin_rest = raw.get(from..).unwrap_or(&[]);
    eq(rest, origin_rest) || rest.strip_suffix(b":*").is_some_and(|named| eq(named, suffix))
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
    fn headers_compare_by_what_is_sent() {
        use crate::{Policy, PolicyConfig, Request};
        let mut index = [0u32; 2];
        let config = PolicyConfig { credentials: false, ..PolicyConfig::new(&["https://a.example"]) };
        let policy = Policy::build(&config, &mut index).unwrap();
        let request = Request { method: b"GET", origin: &[b"https://a.example"], ..Request::default() };
        let decided = policy.decide(&request);
        let mut other = *decided.headers();
        // An unsent slot (credentials are off) holding something else does not make the headers differ.
        other.values[1] = b"something else";
        assert_eq!(decided.headers(), &other);
        other.values[0] = b"https://b.example";
        assert_ne!(decided.headers(), &other);
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
