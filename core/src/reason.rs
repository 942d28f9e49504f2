//! Why a request was denied: [`DenyReason`], with stable codes, shared by the request checks and the decision.

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

impl core::error::Error for DenyReason {}
