//! Every numbered code that crosses the ABI, and the static NUL-terminated text for each. The numbers are
//! the core's stable codes (0 meaning "none" where a code can be absent) and are never reused: a retired
//! value stays here as a comment.
//!
//! Functions and structs carry these codes as `uint32_t` rather than enum types: the layout then does not
//! depend on how a C compiler sizes enums, Rust never has to trust an enum value read from C memory, and a code
//! added by a newer core passes through unchanged. The enums give the codes their names.

use core::ffi::{c_char, CStr};

use corsguard::{DenyReason, OriginError, PolicyErrorKind, Setting, SyntaxError};

use crate::boundary::guard_or;

/// The outcome of a corsguard call: one of the `CORSGUARD_RESULT_*` values. `CORSGUARD_RESULT_OK` is 0, so
/// `if (result)` tests for failure. A 32-bit number, not an enum, so that its size never depends on the
/// compiler and a value added later passes through unchanged. Values are never reused;
/// `corsguard_result_str` describes each one.
pub type corsguard_result = u32;

/// Success: the output parameters were written.
pub const CORSGUARD_RESULT_OK: corsguard_result = 0;
/// A pointer that must not be NULL was NULL. Nothing was written.
pub const CORSGUARD_RESULT_NULL_ARGUMENT: corsguard_result = 1;
/// A (pointer, length) pair is invalid: NULL or misaligned with a non-zero length, a length above
/// `PTRDIFF_MAX`, or lengths that add up past what memory can hold. Nothing was written.
pub const CORSGUARD_RESULT_INVALID_SLICE: corsguard_result = 2;
/// `Access-Control-Request-Headers` was given on more than `CORSGUARD_MAX_HEADER_LINES` lines. Nothing was
/// written; answer such a request with 400 Bad Request.
pub const CORSGUARD_RESULT_TOO_MANY_LINES: corsguard_result = 3;
/// The policy was refused; the `corsguard_policy_error` says which setting, entry and rule.
pub const CORSGUARD_RESULT_POLICY_INVALID: corsguard_result = 4;
/// The caller's buffer or memory is too small; where the function says so, the size needed was written.
pub const CORSGUARD_RESULT_BUFFER_TOO_SMALL: corsguard_result = 5;
/// A `corsguard_decision` passed in is not one `corsguard_decide` wrote at that address (never written, a
/// failed call, or a copy). Nothing was written.
pub const CORSGUARD_RESULT_INVALID_DECISION: corsguard_result = 6;
/// corsguard panicked (a bug: please report it). The standard build catches the panic: nothing was written,
/// and the objects passed in are unchanged and may still be used and freed. A build without the standard
/// library has no panic boundary and stops instead of returning this.
pub const CORSGUARD_RESULT_PANIC: corsguard_result = 7;
/// A struct pointer is not aligned as its type needs (as a C compiler places that type), or a policy
/// pointer is not aligned as a policy is. Nothing was written.
pub const CORSGUARD_RESULT_MISALIGNED: corsguard_result = 8;
/// A policy pointer that `corsguard_policy_init` (or the builder) did not initialise at that address: never
/// initialised, a failed init, overwritten, or copied elsewhere. Nothing was written.
pub const CORSGUARD_RESULT_INVALID_POLICY: corsguard_result = 9;
/// An argument is outside what this library knows: a `*_mode` of a `corsguard_config` that is not one of
/// the `CORSGUARD_LIST_*` values, or a header index at or past the decision's header count. Nothing was
/// written.
pub const CORSGUARD_RESULT_OUT_OF_RANGE: corsguard_result = 10;
/// A policy file's text is not a policy file; the `corsguard_policy_file_error` says where (line and
/// column) and which `corsguard_syntax_error`. (A policy file that parses but describes a refused policy
/// gives `CORSGUARD_RESULT_POLICY_INVALID` instead.)
pub const CORSGUARD_RESULT_POLICY_FILE_SYNTAX: corsguard_result = 11;

/// What kind of request `corsguard_decide` saw (the `kind` field of `corsguard_decision`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum corsguard_kind {
    /// No `Origin`: same-origin or not from a browser; the application answers as usual.
    NotCors = 0,
    /// A CORS request the application answers, with these headers added.
    Actual = 1,
    /// `OPTIONS` with `Origin` and `Access-Control-Request-Method`: the host answers it itself.
    Preflight = 2,
}

/// Whether the cross-origin read is allowed (the `verdict` field of `corsguard_decision`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum corsguard_verdict {
    /// Allowed (for a request that is not CORS: nothing to decide, the application answers as usual).
    Allowed = 0,
    /// Denied: no CORS headers are sent (only `Vary`); the decision's reason says why.
    Denied = 1,
}

/// Why a request was denied (`corsguard_decision_reason`); 0 when it was not. Stable codes, never reused.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum corsguard_reason {
    /// Not denied.
    None = 0,
    /// The `Origin` value is not a serialized origin; see the decision's `origin_error`.
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

/// Why bytes are not a serialized origin (`corsguard_decision_origin_error`, and the `origin_error` field
/// of `corsguard_policy_error`); 0 when there is no such error. Stable codes, never reused.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum corsguard_origin_error {
    /// No origin error.
    None = 0,
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

/// Why a policy was refused (the `kind` field of `corsguard_policy_error`). Stable codes, never reused.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum corsguard_policy_error_kind {
    /// No error.
    None = 0,
    /// The origin list is empty.
    NoOrigins = 1,
    /// An origin is not a serialized origin; the error's `origin_error` says what is wrong.
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
    /// The memory a policy is built into is smaller than its origin list needs (never from
    /// `corsguard_policy_init`, which checks the memory's size first: `CORSGUARD_RESULT_BUFFER_TOO_SMALL`).
    StorageTooSmall = 28,
    /// An origin longer than the `max_origin_len` cap, so it could never match.
    OriginLongerThanCap = 29,
}

/// The setting a policy error is about (the `setting` field of `corsguard_policy_error`). Stable codes,
/// never reused.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum corsguard_setting {
    /// No setting.
    None = 0,
    /// The origins (`origins` in `corsguard_config`).
    Origins = 1,
    /// Credentials (`credentials`).
    Credentials = 2,
    /// The methods (`methods_mode`, `methods`).
    Methods = 3,
    /// The request headers (`request_headers_mode`, `request_headers`).
    RequestHeaders = 4,
    /// The exposed headers (`exposed_headers_mode`, `exposed_headers`).
    ExposedHeaders = 5,
    /// Max-age (`max_age`).
    MaxAge = 6,
    /// The allowed-preflight status (`preflight_success_status`).
    PreflightSuccessStatus = 7,
    /// The denied-preflight status (`preflight_failure_status`).
    PreflightFailureStatus = 8,
    /// The `max_origin_len` cap.
    MaxOriginLen = 9,
    /// The `max_request_headers_len` cap.
    MaxRequestHeadersLen = 10,
    /// The `max_request_headers_count` cap.
    MaxRequestHeadersCount = 11,
    /// The memory the policy is built into.
    Storage = 12,
}

/// What is wrong with the text of a policy file (the `syntax` field of `corsguard_policy_file_error`); 0 when
/// the error is not a syntax error. Stable codes, never reused.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum corsguard_syntax_error {
    /// Not a syntax error.
    None = 0,
    /// A byte that is not printable ASCII: 0x80 or more, NUL, DEL, a CR that is not part of a CRLF line end,
    /// or a control byte other than TAB.
    InvalidByte = 1,
    /// A line that is not blank, not a comment and has no `=`.
    MissingEquals = 2,
    /// Nothing but blanks before the `=`.
    EmptyKey = 3,
    /// A key corsguard does not know (keys are lowercase and exact).
    UnknownKey = 4,
    /// A single-valued key set a second time (the error points at the second line).
    RepeatedKey = 5,
    /// Nothing but blanks after the `=`.
    EmptyValue = 6,
    /// An empty element in a comma-separated list.
    EmptyListElement = 7,
    /// A boolean other than `true` or `false`.
    BadBoolean = 8,
    /// A number that is not decimal digits alone or does not fit in 32 bits.
    BadNumber = 9,
    /// `*` together with names in a list that takes `*` alone.
    WildcardMixed = 10,
}

/// A `&'static CStr` holding the `&'static str` constant expression `$text` plus a NUL, built at compile time
/// (an interior NUL fails the build).
macro_rules! c_text {
    ($text:expr) => {{
        const TEXT: &str = $text;
        const BYTES: [u8; TEXT.len() + 1] = $crate::codes::with_nul(TEXT);
        const C: &::core::ffi::CStr = match ::core::ffi::CStr::from_bytes_with_nul(&BYTES) {
            Ok(c) => c,
            Err(_) => panic!("a message has an interior NUL"),
        };
        C
    }};
}

pub(crate) use c_text;

pub(crate) const fn with_nul<const N: usize>(text: &str) -> [u8; N] {
    let mut out = [0u8; N];
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        out[i] = bytes[i];
        i += 1;
    }
    out
}

macro_rules! texts {
    ($core:ident, $ffi:ident, $method:ident, [$($variant:ident),* $(,)?]) => {
        &[$({
            // The C enum's value must be the core's stable code: checked when the library is compiled.
            const _: () = assert!($core::$variant.code() == $ffi::$variant as u32);
            ($core::$variant.code(), c_text!($core::$variant.$method()))
        }),*]
    };
}

pub(crate) static REASON_TEXTS: &[(u32, &CStr)] = texts!(
    DenyReason,
    corsguard_reason,
    message,
    [
        OriginMalformed,
        OriginTooLong,
        OriginMultiple,
        OriginNull,
        OriginNotAllowed,
        MethodMalformed,
        MethodForbidden,
        MethodNotAllowed,
        HeadersMalformed,
        HeadersTooLong,
        HeadersTooMany,
        HeaderNotAllowed,
        AuthorizationNotAllowed,
        PrivateNetworkMalformed,
        PrivateNetworkNotAllowed,
    ]
);

pub(crate) static ORIGIN_ERROR_TEXTS: &[(u32, &CStr)] = texts!(
    OriginError,
    corsguard_origin_error,
    message,
    [
        Empty,
        TooLong,
        NotAscii,
        Whitespace,
        Control,
        InvalidScheme,
        UppercaseScheme,
        MissingSeparator,
        HasPath,
        HasUserinfo,
        EmptyHost,
        InvalidHostByte,
        UppercaseHost,
        InvalidIpv4,
        InvalidIpv6,
        EmptyPort,
        InvalidPort,
        PortLeadingZero,
        DefaultPort,
    ]
);

pub(crate) static POLICY_ERROR_TEXTS: &[(u32, &CStr)] = texts!(
    PolicyErrorKind,
    corsguard_policy_error_kind,
    message,
    [
        NoOrigins,
        OriginMalformed,
        NullOrigin,
        FileOrigin,
        DuplicateOrigin,
        AnyOriginWithCredentials,
        AnyOriginMixed,
        InsecureOriginWithCredentials,
        WildcardPublicSuffix,
        WildcardNotLabelAware,
        WildcardMisplaced,
        WildcardOverIp,
        PortWildcardNotLoopback,
        MethodInvalid,
        MethodForbidden,
        MethodNotNormalized,
        DuplicateMethod,
        WildcardInList,
        HeaderInvalid,
        HeaderForbidden,
        DuplicateHeader,
        ExposeAnyWithCredentials,
        MaxAgeOutOfRange,
        StatusOutOfRange,
        CapOutOfRange,
        ListTooLong,
        TooManyEntries,
        StorageTooSmall,
        OriginLongerThanCap,
    ]
);

pub(crate) static SETTING_TEXTS: &[(u32, &CStr)] = texts!(
    Setting,
    corsguard_setting,
    name,
    [
        Origins,
        Credentials,
        Methods,
        RequestHeaders,
        ExposedHeaders,
        MaxAge,
        PreflightSuccessStatus,
        PreflightFailureStatus,
        MaxOriginLen,
        MaxRequestHeadersLen,
        MaxRequestHeadersCount,
        Storage,
    ]
);

pub(crate) static SYNTAX_ERROR_TEXTS: &[(u32, &CStr)] = texts!(
    SyntaxError,
    corsguard_syntax_error,
    message,
    [
        InvalidByte,
        MissingEquals,
        EmptyKey,
        UnknownKey,
        RepeatedKey,
        EmptyValue,
        EmptyListElement,
        BadBoolean,
        BadNumber,
        WildcardMixed,
    ]
);

pub(crate) static RESULT_TEXTS: &[(u32, &CStr)] = &[
    (CORSGUARD_RESULT_NULL_ARGUMENT, c"a required pointer argument was NULL"),
    (
        CORSGUARD_RESULT_INVALID_SLICE,
        c"a (pointer, length) argument is invalid: NULL or misaligned with a non-zero length, or longer than PTRDIFF_MAX",
    ),
    (
        CORSGUARD_RESULT_TOO_MANY_LINES,
        c"Access-Control-Request-Headers arrived on more lines than CORSGUARD_MAX_HEADER_LINES: answer 400 Bad Request",
    ),
    (CORSGUARD_RESULT_POLICY_INVALID, c"the policy was refused: see the corsguard_policy_error"),
    (CORSGUARD_RESULT_BUFFER_TOO_SMALL, c"the buffer or memory is too small"),
    (CORSGUARD_RESULT_INVALID_DECISION, c"the decision was not written by corsguard_decide at this address"),
    (CORSGUARD_RESULT_PANIC, c"corsguard panicked (a bug: please report it); the panic was caught"),
    (CORSGUARD_RESULT_MISALIGNED, c"a memory block or struct pointer is not aligned as its type needs"),
    (CORSGUARD_RESULT_INVALID_POLICY, c"the policy pointer is not a policy corsguard initialised at this address"),
    (CORSGUARD_RESULT_OUT_OF_RANGE, c"an argument is outside what this library knows (a config mode, a header index)"),
    (CORSGUARD_RESULT_POLICY_FILE_SYNTAX, c"the text is not a policy file: see the corsguard_policy_file_error"),
];

const UNKNOWN: &CStr = c"unknown code";
const NO_REASON: &CStr = c"not denied";
const NO_ORIGIN_ERROR: &CStr = c"no origin error";
const NO_POLICY_ERROR: &CStr = c"no policy error";
const NO_SETTING: &CStr = c"none";
const NO_SYNTAX_ERROR: &CStr = c"no syntax error";

fn lookup(table: &[(u32, &'static CStr)], code: u32, zero: &'static CStr) -> &'static CStr {
    if code == 0 {
        return zero;
    }
    table.iter().find(|(c, _)| *c == code).map_or(UNKNOWN, |(_, text)| text)
}

pub(crate) fn policy_error_text(code: u32) -> &'static CStr {
    lookup(POLICY_ERROR_TEXTS, code, NO_POLICY_ERROR)
}

pub(crate) fn setting_text(code: u32) -> &'static CStr {
    lookup(SETTING_TEXTS, code, NO_SETTING)
}

pub(crate) fn syntax_error_text(code: u32) -> &'static CStr {
    lookup(SYNTAX_ERROR_TEXTS, code, NO_SYNTAX_ERROR)
}

/// Describes a `corsguard_result` in one line, e.g. for a log.
///
/// Takes any number: a code this library does not know gives `"unknown code"`. Never NULL; the string is
/// static and NUL-terminated: do not free it.
#[no_mangle]
pub extern "C" fn corsguard_result_str(result: corsguard_result) -> *const c_char {
    guard_or(UNKNOWN.as_ptr(), || lookup(RESULT_TEXTS, result, c"success").as_ptr())
}

/// Describes a `corsguard_reason` (why a request was denied) in one line, fit for a log.
///
/// 0 gives `"not denied"`, an unknown code `"unknown code"`. Never NULL; static and NUL-terminated: do not
/// free it.
#[no_mangle]
pub extern "C" fn corsguard_reason_str(reason: u32) -> *const c_char {
    guard_or(UNKNOWN.as_ptr(), || lookup(REASON_TEXTS, reason, NO_REASON).as_ptr())
}

/// Describes a `corsguard_origin_error` (what is wrong with an origin) in one line.
///
/// 0 gives `"no origin error"`, an unknown code `"unknown code"`. Never NULL; static and NUL-terminated:
/// do not free it.
#[no_mangle]
pub extern "C" fn corsguard_origin_error_str(origin_error: u32) -> *const c_char {
    guard_or(UNKNOWN.as_ptr(), || lookup(ORIGIN_ERROR_TEXTS, origin_error, NO_ORIGIN_ERROR).as_ptr())
}

/// Says what is wrong with a policy and what to change, for a `corsguard_policy_error_kind`, in one line.
///
/// 0 gives `"no policy error"`, an unknown code `"unknown code"`. Never NULL; static and NUL-terminated:
/// do not free it.
#[no_mangle]
pub extern "C" fn corsguard_policy_error_kind_str(kind: u32) -> *const c_char {
    guard_or(UNKNOWN.as_ptr(), || policy_error_text(kind).as_ptr())
}

/// The name of a `corsguard_setting` as the vectors and docs spell it (`"origins"`, `"max_age"`, ...).
///
/// 0 gives `"none"`, an unknown code `"unknown code"`. Never NULL; static and NUL-terminated: do not free it.
#[no_mangle]
pub extern "C" fn corsguard_setting_str(setting: u32) -> *const c_char {
    guard_or(UNKNOWN.as_ptr(), || setting_text(setting).as_ptr())
}

/// Says what is wrong with a policy file's text and what to change, for a `corsguard_syntax_error`, in one
/// line.
///
/// 0 gives `"no syntax error"`, an unknown code `"unknown code"`. Never NULL; static and NUL-terminated: do
/// not free it.
#[no_mangle]
pub extern "C" fn corsguard_syntax_error_str(syntax_error: u32) -> *const c_char {
    guard_or(UNKNOWN.as_ptr(), || syntax_error_text(syntax_error).as_ptr())
}
