//! The decision: one pure function from (policy, request headers) to a verdict, a reason, a status and the
//! exact response headers. Values are borrowed from the policy or the request: nothing is copied, formatted
//! or allocated while deciding.

use core::mem::MaybeUninit;

use crate::bytes::{eq, trim_ows};
use crate::hash;
use crate::headers::{
    ResponseHeaders, BIT_ALLOW_HEADERS, BIT_ALLOW_PRIVATE_NETWORK, NONE, TRUE, VARY_ACTUAL, VARY_PREFLIGHT,
    VARY_PREFLIGHT_PNA,
};
use crate::index::{OriginTable, SEED_EXACT};
use crate::origin::{self, Origin, OriginError};
use crate::policy::{Policy, Settings};
use crate::reason::DenyReason;
use crate::request::{AllowHeaders, Request, RequestKind};

/// Whether the cross-origin read is allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// Allowed (for [`RequestKind::NotCors`]: nothing to decide, the application answers as usual).
    Allowed = 0,
    /// Denied: no CORS headers are sent (only `Vary`); see the [`DenyReason`].
    Denied = 1,
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

/// The decision on a request without `Origin`: nothing to decide but `Vary`.
#[inline(always)]
fn not_cors() -> Decision<'static> {
    Decision {
        kind: RequestKind::NotCors,
        verdict: Verdict::Allowed,
        reason: None,
        origin_error: None,
        status: None,
        headers: ResponseHeaders::vary_only(VARY_ACTUAL),
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

impl<S: ?Sized + AsRef<[u8]>> Policy<S> {
    /// Decides one request. Total: any bytes in, a decision out, in time linear in the input and bounded by
    /// the policy's caps, with no allocation.
    ///
    /// ```
    /// use corsguard::{FixedPolicy, PolicyConfig, Request, RequestKind, DenyReason};
    /// let policy = FixedPolicy::<64>::build(&PolicyConfig::new(&["https://app.example.com"])).unwrap();
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
    #[inline]
    pub fn decide<'d>(&'d self, request: &Request<'d>) -> Decision<'d> {
        self.settings.decide(self.storage.as_ref(), request)
    }

    /// [`decide`](Self::decide), writing the decision to `out` in place on the path that makes it (never
    /// building it elsewhere and copying it over), and returning it there: what the C library does, into
    /// memory its caller provides.
    ///
    /// ```
    /// use core::mem::MaybeUninit;
    /// use corsguard::{FixedPolicy, PolicyConfig, Request};
    /// let policy = FixedPolicy::<64>::build(&PolicyConfig::new(&["https://app.example.com"])).unwrap();
    /// let request = Request { method: b"GET", origin: &[b"https://app.example.com"], ..Request::default() };
    /// let mut slot = MaybeUninit::uninit();
    /// let decision = policy.decide_into(&request, &mut slot);
    /// assert!(decision.is_allowed());
    /// assert_eq!(*decision, policy.decide(&request));
    /// ```
    #[inline]
    pub fn decide_into<'d, 'o>(
        &'d self,
        request: &Request<'d>,
        out: &'o mut MaybeUninit<Decision<'d>>,
    ) -> &'o mut Decision<'d> {
        self.settings.decide_into(self.storage.as_ref(), request, out)
    }
}

/// What an allowed preflight's checks return, from which its decision is built.
struct Preflight<'d> {
    allow_origin: &'d [u8],
    allow_methods: &'d [u8],
    allow_headers: AllowHeaders<'d>,
    allow_private_network: bool,
}

// `decide` returns the decision (what Rust callers get); `decide_into` writes it where the caller says, on each
// path, so that no path builds it in a temporary to be copied (what the C library needs). Both dispatch the
// same way and build every decision with the same functions; they are two functions, not one generic over
// where the decision goes, because the generic one changed how the preflight path was inlined and made
// `Policy::decide` slower (callgrind: 29 instructions more per preflight).
impl Settings {
    #[inline(always)]
    fn decide<'d>(&'d self, storage: &'d [u8], request: &Request<'d>) -> Decision<'d> {
        let Some((&first_origin, more_origins)) = request.origin.split_first() else {
            return not_cors();
        };
        if eq(request.method, b"OPTIONS") && !request.request_method.is_empty() {
            self.decide_preflight(storage, request)
        } else {
            match self.check_origin(storage, first_origin, more_origins.is_empty()) {
                Ok(allow_origin) => self.allowed_actual(allow_origin),
                Err(denial) => self.denied(RequestKind::Actual, denial),
            }
        }
    }

    #[inline(always)]
    fn decide_into<'d, 'o>(
        &'d self,
        storage: &'d [u8],
        request: &Request<'d>,
        out: &'o mut MaybeUninit<Decision<'d>>,
    ) -> &'o mut Decision<'d> {
        let Some((&first_origin, more_origins)) = request.origin.split_first() else {
            return out.write(not_cors());
        };
        if eq(request.method, b"OPTIONS") && !request.request_method.is_empty() {
            self.decide_preflight_into(storage, request, out)
        } else {
            match self.check_origin(storage, first_origin, more_origins.is_empty()) {
                Ok(allow_origin) => out.write(self.allowed_actual(allow_origin)),
                Err(denial) => self.denied_into(RequestKind::Actual, denial, out),
            }
        }
    }

    /// An allowed actual request's decision: its headers are a function of the allowed origin alone.
    #[inline(always)]
    fn allowed_actual<'d>(&'d self, allow_origin: &'d [u8]) -> Decision<'d> {
        Decision {
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
        }
    }

    /// The decision denying a request of `kind`, returned.
    #[inline(never)]
    fn denied(&self, kind: RequestKind, denial: Denial) -> Decision<'static> {
        self.denial(kind, denial)
    }

    /// The decision denying a request of `kind`, written to `out`.
    #[inline(never)]
    fn denied_into<'d, 'o>(
        &self,
        kind: RequestKind,
        denial: Denial,
        out: &'o mut MaybeUninit<Decision<'d>>,
    ) -> &'o mut Decision<'d> {
        out.write(self.denial(kind, denial))
    }

    /// The decision denying a request of `kind`: no CORS headers but its `Vary`.
    #[inline(always)]
    fn denial(&self, kind: RequestKind, denial: Denial) -> Decision<'static> {
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

    /// The decision on a preflight, returned.
    fn decide_preflight<'d>(&'d self, storage: &'d [u8], request: &Request<'d>) -> Decision<'d> {
        match self.check_preflight(storage, request) {
            Ok(preflight) => self.allowed_preflight(preflight),
            Err(denial) => self.denied(RequestKind::Preflight, denial),
        }
    }

    /// The decision on a preflight, written to `out`.
    fn decide_preflight_into<'d, 'o>(
        &'d self,
        storage: &'d [u8],
        request: &Request<'d>,
        out: &'o mut MaybeUninit<Decision<'d>>,
    ) -> &'o mut Decision<'d> {
        match self.check_preflight(storage, request) {
            Ok(preflight) => out.write(self.allowed_preflight(preflight)),
            Err(denial) => self.denied_into(RequestKind::Preflight, denial, out),
        }
    }

    /// A preflight's checks, in order; the first that fails denies it.
    #[inline(always)]
    fn check_preflight<'d>(&'d self, storage: &'d [u8], request: &Request<'d>) -> Result<Preflight<'d>, Denial> {
        // Read here rather than passed in, so that the call takes its arguments in registers.
        let (origin, single) = match request.origin {
            [origin] => (*origin, true),
            [origin, ..] => (*origin, false),
            [] => (&[][..], false),
        };
        Ok(Preflight {
            allow_origin: self.check_origin(storage, origin, single)?,
            allow_methods: self.check_method(request.request_method)?,
            allow_headers: self.check_request_headers(request.request_headers)?,
            allow_private_network: self.check_private_network(request.request_private_network)?,
        })
    }

    /// An allowed preflight's decision, from what its checks returned.
    #[inline(always)]
    fn allowed_preflight<'d>(&'d self, preflight: Preflight<'d>) -> Decision<'d> {
        let mut present = self.preflight_headers;
        if preflight.allow_private_network {
            present |= BIT_ALLOW_PRIVATE_NETWORK;
        }
        let (allow_headers, echo) = match preflight.allow_headers {
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
                    preflight.allow_origin,
                    TRUE,
                    preflight.allow_methods,
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
    #[inline(always)]
    fn check_origin<'d>(&self, storage: &'d [u8], raw: &'d [u8], single: bool) -> Result<&'d [u8], Denial> {
        let table = OriginTable::new(self.table, storage);
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
            if table.has_exact(h, raw) {
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
        if table.matches_pattern(&self.patterns, &origin) {
            return Ok(raw);
        }
        Err(DenyReason::OriginNotAllowed.into())
    }
}
