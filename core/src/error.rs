//! The typed errors of policy building: which rule was broken ([`PolicyErrorKind`]), in which setting
//! ([`Setting`]) and at which entry, each with a stable code and a message that says what to change.

use crate::origin::OriginError;

/// The setting a [`PolicyError`] is about. Stable numeric codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Setting {
    /// [`PolicyConfig::origins`](crate::PolicyConfig::origins).
    Origins = 1,
    /// [`PolicyConfig::credentials`](crate::PolicyConfig::credentials).
    Credentials = 2,
    /// [`PolicyConfig::methods`](crate::PolicyConfig::methods).
    Methods = 3,
    /// [`PolicyConfig::request_headers`](crate::PolicyConfig::request_headers).
    RequestHeaders = 4,
    /// [`PolicyConfig::exposed_headers`](crate::PolicyConfig::exposed_headers).
    ExposedHeaders = 5,
    /// [`PolicyConfig::max_age`](crate::PolicyConfig::max_age).
    MaxAge = 6,
    /// [`PolicyConfig::preflight_success_status`](crate::PolicyConfig::preflight_success_status).
    PreflightSuccessStatus = 7,
    /// [`PolicyConfig::preflight_failure_status`](crate::PolicyConfig::preflight_failure_status).
    PreflightFailureStatus = 8,
    /// [`PolicyConfig::max_origin_len`](crate::PolicyConfig::max_origin_len).
    MaxOriginLen = 9,
    /// [`PolicyConfig::max_request_headers_len`](crate::PolicyConfig::max_request_headers_len).
    MaxRequestHeadersLen = 10,
    /// [`PolicyConfig::max_request_headers_count`](crate::PolicyConfig::max_request_headers_count).
    MaxRequestHeadersCount = 11,
    /// The storage a policy is built into (its fixed capacity, or the caller's memory).
    Storage = 12,
}

impl Setting {
    /// The stable numeric code.
    pub const fn code(self) -> u32 {
        self as u32
    }

    /// The setting's name as in [`PolicyConfig`].
    pub const fn name(self) -> &'static str {
        match self {
            Self::Origins => "origins",
            Self::Credentials => "credentials",
            Self::Methods => "methods",
            Self::RequestHeaders => "request_headers",
            Self::ExposedHeaders => "exposed_headers",
            Self::MaxAge => "max_age",
            Self::PreflightSuccessStatus => "preflight_success_status",
            Self::PreflightFailureStatus => "preflight_failure_status",
            Self::MaxOriginLen => "max_origin_len",
            Self::MaxRequestHeadersLen => "max_request_headers_len",
            Self::MaxRequestHeadersCount => "max_request_headers_count",
            Self::Storage => "storage",
        }
    }
}

/// Why a policy was refused. Stable numeric codes, never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PolicyErrorKind {
    /// The origin list is empty.
    NoOrigins = 1,
    /// An origin is not a serialized origin; see [`PolicyError::origin_error`].
    OriginMalformed = 2,
    /// `null` is listed.
    NullOrigin = 3,
    /// A `file:` origin is listed.
    FileOrigin = 4,
    /// The same origin or pattern is listed twice.
    DuplicateOrigin = 5,
    /// `*` together with credentials.
    AnyOriginWithCredentials = 6,
    /// `*` together with other origins.
    AnyOriginMixed = 7,
    /// A non-HTTPS, non-loopback origin together with credentials.
    InsecureOriginWithCredentials = 8,
    /// A `*.` wildcard over a public suffix or a single-label domain.
    WildcardPublicSuffix = 9,
    /// A wildcard that is not a whole leftmost label (`*example.com`, `api-*.example.com`).
    WildcardNotLabelAware = 10,
    /// A wildcard anywhere but the leftmost label or the port (`a.*.example.com`, `*://example.com`).
    WildcardMisplaced = 11,
    /// A `*.` wildcard over an IP address.
    WildcardOverIp = 12,
    /// A port wildcard on a host that is not loopback.
    PortWildcardNotLoopback = 13,
    /// A method that is not an HTTP token, or too long.
    MethodInvalid = 14,
    /// CONNECT, TRACE or TRACK.
    MethodForbidden = 15,
    /// A non-uppercase spelling of a method browsers uppercase (`get`, `Delete`).
    MethodNotNormalized = 16,
    /// The same method twice.
    DuplicateMethod = 17,
    /// `*` inside a list instead of the `Any` setting.
    WildcardInList = 18,
    /// A header name that is not an HTTP token, or too long.
    HeaderInvalid = 19,
    /// A header name browsers never send (request) or never expose (response), such as `Cookie`.
    HeaderForbidden = 20,
    /// The same header name twice (case-insensitively).
    DuplicateHeader = 21,
    /// Expose any header (`*`) together with credentials.
    ExposeAnyWithCredentials = 22,
    /// Max-age above 86400.
    MaxAgeOutOfRange = 23,
    /// A preflight status outside its allowed range.
    StatusOutOfRange = 24,
    /// A request cap outside its allowed range.
    CapOutOfRange = 25,
    /// A list whose joined value is longer than its capacity.
    ListTooLong = 26,
    /// More entries than a list can hold.
    TooManyEntries = 27,
    /// The policy's storage is smaller than [`crate::storage_len`] asks for.
    StorageTooSmall = 28,
    /// An origin longer than [`PolicyConfig::max_origin_len`](crate::PolicyConfig::max_origin_len), so it could never match.
    OriginLongerThanCap = 29,
}

impl PolicyErrorKind {
    /// The stable numeric code.
    pub const fn code(self) -> u32 {
        self as u32
    }

    /// What is wrong and what to change, in one line.
    pub const fn message(self) -> &'static str {
        match self {
            Self::NoOrigins => "no origins are listed: list the exact origins to allow (or \"*\" for a public resource)",
            Self::OriginMalformed => "not a serialized origin: write scheme://host[:port] exactly as a browser sends it (lowercase, no path, no default port)",
            Self::NullOrigin => "\"null\" is sent by sandboxed pages, data: URLs and redirects and can be forged by anyone: remove it",
            Self::FileOrigin => "file: pages send the origin \"null\", which anyone can forge: remove it",
            Self::DuplicateOrigin => "this origin or pattern is listed twice: remove one",
            Self::AnyOriginWithCredentials => "\"*\" cannot be combined with credentials: list the exact origins, or turn credentials off",
            Self::AnyOriginMixed => "\"*\" already allows every origin: remove either \"*\" or the other origins",
            Self::InsecureOriginWithCredentials => "a non-https origin with credentials lets any network attacker read credentialed responses: use https, or set allow_insecure_origins_with_credentials",
            Self::WildcardPublicSuffix => "a wildcard over a public suffix lets anyone register a matching origin: put your own registrable domain after \"*.\"",
            Self::WildcardNotLabelAware => "a wildcard must be a whole leftmost label: write scheme://*.example.com",
            Self::WildcardMisplaced => "a wildcard may only be the leftmost label (scheme://*.example.com) or the port of a loopback host (http://localhost:*)",
            Self::WildcardOverIp => "IP addresses have no subdomains: list the exact origin",
            Self::PortWildcardNotLoopback => "a port wildcard is only for development hosts (localhost, *.localhost, 127.0.0.1, [::1]): list the exact ports",
            Self::MethodInvalid => "a method must be an HTTP token of at most 64 bytes",
            Self::MethodForbidden => "CONNECT, TRACE and TRACK are forbidden methods: remove it",
            Self::MethodNotNormalized => "browsers uppercase DELETE, GET, HEAD, OPTIONS, POST and PUT: write the method in uppercase",
            Self::DuplicateMethod => "this method is listed twice: remove one",
            Self::WildcardInList => "\"*\" inside a list is a literal name to browsers: use the Any setting instead",
            Self::HeaderInvalid => "a header name must be an HTTP token of at most 64 bytes",
            Self::HeaderForbidden => "browsers never send (or never expose) this header through CORS: remove it",
            Self::DuplicateHeader => "this header name is listed twice (names are case-insensitive): remove one",
            Self::ExposeAnyWithCredentials => "\"*\" in Access-Control-Expose-Headers is a literal name under credentials: list the headers to expose",
            Self::MaxAgeOutOfRange => "max-age must be 0 to 86400 seconds (browsers cap it lower: Chromium 7200, WebKit 600)",
            Self::StatusOutOfRange => "an allowed preflight needs a 2xx status; a denied one a 2xx, 4xx or 5xx (never a redirect)",
            Self::CapOutOfRange => "the cap is outside its range: origins 1..=4096 bytes, request headers 1..=65536 bytes and 1..=1024 names",
            Self::ListTooLong => "the joined list is longer than corsguard's fixed capacity: shorten the list",
            Self::TooManyEntries => "the list has more entries than corsguard's fixed capacity: shorten the list",
            Self::StorageTooSmall => "the policy's storage is too small for its origin list: give it at least corsguard::storage_len(&config) bytes",
            Self::OriginLongerThanCap => "this origin is longer than max_origin_len, so it could never match: raise the cap",
        }
    }
}

/// A refused policy: which rule, which setting, which entry, and what to change.
///
/// ```
/// use corsguard::{FixedPolicy, PolicyConfig, PolicyErrorKind, Setting};
/// let config = PolicyConfig { credentials: true, ..PolicyConfig::new(&["*"]) };
/// let error = FixedPolicy::<256>::build(&config).unwrap_err();
/// assert_eq!(error.kind, PolicyErrorKind::AnyOriginWithCredentials);
/// assert_eq!(error.setting, Setting::Origins);
/// assert_eq!(error.index, Some(0));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PolicyError {
    /// The rule that was broken.
    pub kind: PolicyErrorKind,
    /// The setting that breaks it.
    pub setting: Setting,
    /// The position of the offending entry in its list, when the setting is a list.
    pub index: Option<usize>,
    /// For [`PolicyErrorKind::OriginMalformed`], what exactly is malformed.
    pub origin_error: Option<OriginError>,
}

impl PolicyError {
    pub(crate) const fn new(kind: PolicyErrorKind, setting: Setting, index: Option<usize>) -> Self {
        PolicyError { kind, setting, index, origin_error: None }
    }

    /// The stable numeric code of [`kind`](Self::kind).
    pub const fn code(&self) -> u32 {
        self.kind.code()
    }

    /// What is wrong and what to change.
    pub const fn message(&self) -> &'static str {
        self.kind.message()
    }
}

impl core::fmt::Display for PolicyError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "corsguard policy error {} in `{}`", self.kind.code(), self.setting.name())?;
        if let Some(i) = self.index {
            write!(f, "[{i}]")?;
        }
        write!(f, ": {}", self.kind.message())?;
        if let Some(e) = self.origin_error {
            write!(f, " ({e})")?;
        }
        Ok(())
    }
}

impl core::error::Error for PolicyError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        self.origin_error.as_ref().map(|e| e as &(dyn core::error::Error + 'static))
    }
}
