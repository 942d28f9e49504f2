//! The decision: one pure function from (policy, request headers) to a verdict, a reason, a status and the
//! exact response headers. Values are borrowed from the policy or the request: nothing is copied, formatted
//! or allocated while deciding.

use crate::bytes::{is_tchar, is_token, trim_ows};
use crate::hash;
use crate::index::EntryKind;
use crate::origin::{HostKind, Origin, OriginError};
use crate::policy::{
    is_forbidden_method, port_key, HeaderRule, MethodRule, Policy, Span, KIND_HOST_ANY_PORT, KIND_SUBDOMAINS,
    MAX_TOKEN_LEN, PORT_KEY_ANY, SEED_EXACT, SEED_SCHEME,
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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResponseHeaders<'a> {
    allow_origin: Option<&'a [u8]>,
    allow_credentials: bool,
    allow_methods: Option<&'a [u8]>,
    allow_headers: AllowHeaders<'a>,
    max_age: Option<&'a [u8]>,
    allow_private_network: bool,
    expose_headers: Option<&'a [u8]>,
    vary: Option<&'static [u8]>,
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
        ResponseHeaders {
            allow_origin: None,
            allow_credentials: false,
            allow_methods: None,
            allow_headers: AllowHeaders::None,
            max_age: None,
            allow_private_network: false,
            expose_headers: None,
            vary: Some(vary),
        }
    }

    /// The headers in emission order.
    pub fn iter(&self) -> HeaderIter<'a> {
        HeaderIter { headers: *self, step: 0, echo_pos: 0 }
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

impl<'a> IntoIterator for &ResponseHeaders<'a> {
    type Item = Header<'a>;
    type IntoIter = HeaderIter<'a>;

    fn into_iter(self) -> HeaderIter<'a> {
        self.iter()
    }
}

/// Iterator over a decision's headers, in emission order.
#[derive(Clone, Debug)]
pub struct HeaderIter<'a> {
    headers: ResponseHeaders<'a>,
    step: u8,
    echo_pos: usize,
}

impl<'a> Iterator for HeaderIter<'a> {
    type Item = Header<'a>;

    fn next(&mut self) -> Option<Header<'a>> {
        let h = &self.headers;
        loop {
            let found = match self.step {
                0 => h.allow_origin.map(|v| Header { name: names::ALLOW_ORIGIN, value: v }),
                1 => h.allow_credentials.then_some(Header { name: names::ALLOW_CREDENTIALS, value: b"true" }),
                2 => h.allow_methods.map(|v| Header { name: names::ALLOW_METHODS, value: v }),
                3 => match h.allow_headers {
                    AllowHeaders::None => None,
                    AllowHeaders::Value(v) => Some(Header { name: names::ALLOW_HEADERS, value: v }),
                    AllowHeaders::Echo(lines) => {
                        // One header per non-empty line, so echoed values stay borrowed.
                        let rest = lines.get(self.echo_pos..).unwrap_or(&[]);
                        match rest.iter().position(|l| !trim_ows(l).is_empty()) {
                            Some(offset) => {
                                let at = self.echo_pos.wrapping_add(offset);
                                self.echo_pos = at.wrapping_add(1);
                                let line = lines.get(at).copied().unwrap_or(&[]);
                                return Some(Header { name: names::ALLOW_HEADERS, value: trim_ows(line) });
                            }
                            None => None,
                        }
                    }
                },
                4 => h.max_age.map(|v| Header { name: names::MAX_AGE, value: v }),
                5 => h.allow_private_network.then_some(Header { name: names::ALLOW_PRIVATE_NETWORK, value: b"true" }),
                6 => h.expose_headers.map(|v| Header { name: names::EXPOSE_HEADERS, value: v }),
                7 => h.vary.map(|v| Header { name: names::VARY, value: v }),
                _ => return None,
            };
            self.step = self.step.wrapping_add(1);
            if found.is_some() {
                return found;
            }
        }
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
        let preflight = request.method == b"OPTIONS" && !request.request_method.is_empty();
        let result = if preflight {
            self.decide_preflight(first_origin, more_origins.is_empty(), request)
        } else {
            self.decide_actual(first_origin, more_origins.is_empty())
        };
        let kind = if preflight { RequestKind::Preflight } else { RequestKind::Actual };
        match result {
            Ok(headers) => Decision {
                kind,
                verdict: Verdict::Allowed,
                reason: None,
                origin_error: None,
                status: preflight.then_some(self.success_status),
                headers,
            },
            Err(denial) => Decision {
                kind,
                verdict: Verdict::Denied,
                reason: Some(denial.reason),
                origin_error: denial.origin_error,
                status: preflight.then_some(self.failure_status),
                headers: ResponseHeaders::vary_only(if preflight { self.preflight_vary() } else { VARY_ACTUAL }),
            },
        }
    }

    fn preflight_vary(&self) -> &'static [u8] {
        if self.private_network {
            VARY_PREFLIGHT_PNA
        } else {
            VARY_PREFLIGHT
        }
    }

    fn decide_actual<'d>(&'d self, origin: &'d [u8], single: bool) -> Result<ResponseHeaders<'d>, Denial> {
        let allow_origin = self.check_origin(origin, single)?;
        let expose_headers = if self.expose_any {
            Some(&b"*"[..])
        } else if self.expose_headers.is_empty() {
            None
        } else {
            Some(self.expose_headers.as_slice())
        };
        Ok(ResponseHeaders {
            allow_origin: Some(allow_origin),
            allow_credentials: self.credentials,
            allow_methods: None,
            allow_headers: AllowHeaders::None,
            max_age: None,
            allow_private_network: false,
            expose_headers,
            vary: Some(VARY_ACTUAL),
        })
    }

    fn decide_preflight<'d>(
        &'d self,
        origin: &'d [u8],
        single: bool,
        request: &Request<'d>,
    ) -> Result<ResponseHeaders<'d>, Denial> {
        let allow_origin = self.check_origin(origin, single)?;
        let allow_methods = self.check_method(request.request_method)?;
        let allow_headers = self.check_request_headers(request.request_headers)?;
        let allow_private_network = self.check_private_network(request.request_private_network)?;
        Ok(ResponseHeaders {
            allow_origin: Some(allow_origin),
            allow_credentials: self.credentials,
            allow_methods,
            allow_headers,
            max_age: if self.max_age.is_empty() { None } else { Some(self.max_age.as_slice()) },
            allow_private_network,
            expose_headers: None,
            vary: Some(self.preflight_vary()),
        })
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
        if self.has_exact {
            let h = hash::hash_bytes(SEED_EXACT, raw);
            let hit = self
                .index
                .candidates(h, EntryKind::Exact)
                .any(|i| self.origins.get(i).is_some_and(|o| o.as_bytes() == raw));
            if hit {
                return Ok(raw);
            }
        }
        let origin =
            Origin::parse(raw).map_err(|e| Denial { reason: DenyReason::OriginMalformed, origin_error: Some(e) })?;
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

    fn matches_pattern(&self, origin: &Origin<'_>) -> bool {
        if !self.has_subdomain_patterns && !self.has_host_patterns {
            return false;
        }
        let scheme_hash = hash::hash_bytes(SEED_SCHEME, origin.scheme());
        let port = port_key(origin.port());
        let host = origin.host();
        let verify = |kind: u64, suffix_hash: u64, suffix: &[u8]| {
            [port, PORT_KEY_ANY].iter().any(|&p| {
                let key = hash::pattern_key(kind, scheme_hash, suffix_hash, p);
                self.index.candidates(key, EntryKind::Pattern).any(|i| {
                    self.origins
                        .get(i)
                        .is_some_and(|pattern| pattern_text_matches(pattern.as_bytes(), kind, origin, suffix))
                })
            })
        };
        if self.has_host_patterns && verify(KIND_HOST_ANY_PORT, hash::hash_suffix(host), host) {
            return true;
        }
        if !self.has_subdomain_patterns || origin.host_kind() != Some(HostKind::Domain) {
            return false;
        }
        // Walk the host right to left; every dot with a non-empty label before it starts a candidate suffix.
        // Suffixes longer than the longest pattern's cannot match, so the walk stops there.
        let mut h = hash::suffix_start();
        let skip = host.len().saturating_sub(self.max_suffix_len);
        for (i, &b) in host.iter().enumerate().skip(skip).rev() {
            h = hash::suffix_step(h, b);
            if b != b'.' || i == 0 || host.get(i.wrapping_sub(1)) == Some(&b'.') {
                continue;
            }
            let len = host.len().wrapping_sub(i) & 0xff;
            let known = self.suffix_lens.get(len >> 6).is_some_and(|w| w & (1u64 << (len & 63)) != 0);
            if known && verify(KIND_SUBDOMAINS, h, host.get(i..).unwrap_or(&[])) {
                return true;
            }
        }
        false
    }

    /// Returns the `Access-Control-Allow-Methods` value.
    fn check_method<'d>(&'d self, lines: &'d [&'d [u8]]) -> Result<Option<&'d [u8]>, Denial> {
        let [line] = lines else {
            return Err(DenyReason::MethodMalformed.into());
        };
        let method = trim_ows(line);
        if method.len() > MAX_TOKEN_LEN || !is_token(method) {
            return Err(DenyReason::MethodMalformed.into());
        }
        if is_forbidden_method(method) {
            return Err(DenyReason::MethodForbidden.into());
        }
        match self.method_rule {
            // Under credentials `*` is a literal method name to browsers, so echo the request's method.
            // A method literally named `*` is never echoed under credentials: DESIGN.md never emits `*` then.
            MethodRule::Any if self.credentials && method == b"*" => Err(DenyReason::MethodNotAllowed.into()),
            MethodRule::Any => Ok(Some(if self.credentials { method } else { b"*" })),
            MethodRule::List => {
                let allowed = self.method_spans.iter().any(|&span| span_of(&self.methods, span) == method);
                if !allowed {
                    return Err(DenyReason::MethodNotAllowed.into());
                }
                Ok(Some(self.methods.as_slice()))
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
                allowed == name || (!exact && allowed.eq_ignore_ascii_case(name))
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

fn span_of(buf: &[u8], (start, len): (u16, u16)) -> &[u8] {
    let start = usize::from(start);
    buf.get(start..start.saturating_add(usize::from(len))).unwrap_or(&[])
}

/// Checks that the pattern entry `pattern` really is the pattern of `kind` for this origin and suffix.
fn pattern_text_matches(pattern: &[u8], kind: u64, origin: &Origin<'_>, suffix: &[u8]) -> bool {
    let Some(rest) = pattern.strip_prefix(origin.scheme()).and_then(|r| r.strip_prefix(b"://")) else {
        return false;
    };
    let rest = if kind == KIND_SUBDOMAINS {
        match rest.strip_prefix(b"*").and_then(|r| r.strip_prefix(suffix)) {
            Some(r) => r,
            None => return false,
        }
    } else {
        match rest.strip_prefix(suffix) {
            Some(r) => r,
            None => return false,
        }
    };
    match rest {
        b":*" => true,
        b"" => origin.port().is_none(),
        _ => rest.strip_prefix(b":") == Some(origin.port_digits()) && origin.port().is_some(),
    }
}

#[cfg(test)]
mod tests {
    use super::Elements;

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
