//! Deciding from C: a request of borrowed byte slices in, a plain decision struct out whose header values
//! borrow from the policy and the request, and the rendering of those headers into a caller's buffer.

use corsguard::{names, Decision, Request, MAX_RESPONSE_HEADERS};

use crate::boundary::guard;
use crate::codes::{c_text, corsguard_result};
use crate::policy::corsguard_policy;
use crate::slice::{array, bytes, corsguard_slice};

/// The most headers one decision carries: the length of `corsguard_decision.headers`.
pub const CORSGUARD_MAX_HEADERS: usize = 15;

/// The most lines `corsguard_decide` accepts for any one request header (Origin, ACRM, ACRH, ACRPN); a
/// request with more gets `CORSGUARD_RESULT_TOO_MANY_LINES`.
pub const CORSGUARD_MAX_HEADER_LINES: usize = 64;

const _: () = assert!(CORSGUARD_MAX_HEADERS == MAX_RESPONSE_HEADERS);

/// The CORS-relevant parts of one HTTP request, as the byte slices the caller's HTTP parser produced: the
/// bytes are read only during `corsguard_decide`, except that header values in the decision may point into
/// them (see `corsguard_decision`). Bytes need not be UTF-8 or NUL-terminated.
///
/// Each header is given as every line it arrived on, in order: an array of `count` slices, NULL allowed
/// when `count` is 0 (the header is absent), at most `CORSGUARD_MAX_HEADER_LINES` lines. Values may keep
/// their surrounding spaces and tabs; corsguard trims them.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct corsguard_request {
    /// The request method, compared byte for byte with `OPTIONS`.
    pub method: corsguard_slice,
    /// Every `Origin` line (none: not a CORS request; more than one: denied as malformed).
    pub origin: *const corsguard_slice,
    /// The number of `Origin` lines.
    pub origin_count: usize,
    /// Every `Access-Control-Request-Method` line.
    pub request_method: *const corsguard_slice,
    /// The number of `Access-Control-Request-Method` lines.
    pub request_method_count: usize,
    /// Every `Access-Control-Request-Headers` line.
    pub request_headers: *const corsguard_slice,
    /// The number of `Access-Control-Request-Headers` lines.
    pub request_headers_count: usize,
    /// Every `Access-Control-Request-Private-Network` line.
    pub request_private_network: *const corsguard_slice,
    /// The number of `Access-Control-Request-Private-Network` lines.
    pub request_private_network_count: usize,
}

/// One response header to add.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct corsguard_header {
    /// The name, e.g. `Access-Control-Allow-Origin`: static, and also NUL-terminated one byte past `len`.
    pub name: corsguard_slice,
    /// The value: visible ASCII, spaces and tabs only, not NUL-terminated. It points into the policy, into
    /// the request's bytes (an allowed origin is reflected byte for byte), or into static memory.
    pub value: corsguard_slice,
}

/// The outcome of `corsguard_decide`, written whole on success.
///
/// Lifetime: header values borrow from the policy and from the request's bytes (not from the
/// `corsguard_request` struct itself, nor its line arrays). They stay valid while the policy is not freed
/// and those bytes are neither freed nor changed; copy them (`corsguard_decision_write_headers`) to keep
/// them longer. The struct itself owns nothing and needs no freeing.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct corsguard_decision {
    /// Not CORS, actual or preflight: a `corsguard_kind`.
    pub kind: u32,
    /// Allowed or denied: a `corsguard_verdict`. A request that is not CORS is allowed (nothing to decide).
    pub verdict: u32,
    /// Why it was denied: a `corsguard_reason`, 0 when allowed.
    pub reason: u32,
    /// For `CORSGUARD_REASON_ORIGIN_MALFORMED`, what is wrong with the `Origin`: a `corsguard_origin_error`;
    /// otherwise 0.
    pub origin_error: u32,
    /// The status to answer a preflight with (2xx when allowed, the policy's failure status when denied); 0
    /// for other requests, whose status the application chooses.
    pub status: u16,
    /// Whether the host must answer now with `status`, `headers` and an empty body instead of passing the
    /// request to the application: true exactly for preflights.
    pub answer_now: bool,
    /// How many entries of `headers` are set, in emission order: ACAO, ACAC, ACAM, ACAH (one or more), ACMA,
    /// ACAPN, ACEH, Vary. Append them to the response; append to the host's own `Vary`, never replace it.
    pub header_count: usize,
    /// The headers; entries from `header_count` on are zeroed.
    pub headers: [corsguard_header; CORSGUARD_MAX_HEADERS],
}

/// The header name as a static slice whose byte after the end is NUL.
fn c_name(name: &'static str) -> corsguard_slice {
    let c = match name {
        names::ALLOW_ORIGIN => c_text!(names::ALLOW_ORIGIN),
        names::ALLOW_CREDENTIALS => c_text!(names::ALLOW_CREDENTIALS),
        names::ALLOW_METHODS => c_text!(names::ALLOW_METHODS),
        names::ALLOW_HEADERS => c_text!(names::ALLOW_HEADERS),
        names::MAX_AGE => c_text!(names::MAX_AGE),
        names::ALLOW_PRIVATE_NETWORK => c_text!(names::ALLOW_PRIVATE_NETWORK),
        names::EXPOSE_HEADERS => c_text!(names::EXPOSE_HEADERS),
        names::VARY => c_text!(names::VARY),
        // A name added to the core but not here: still correct bytes, only without the NUL after them.
        other => return corsguard_slice::of(other.as_bytes()),
    };
    corsguard_slice::of(c.to_bytes())
}

impl corsguard_decision {
    fn from_core(decision: &Decision<'_>) -> Self {
        let empty = corsguard_header { name: corsguard_slice::EMPTY, value: corsguard_slice::EMPTY };
        let mut headers = [empty; CORSGUARD_MAX_HEADERS];
        let mut header_count = 0;
        for (slot, header) in headers.iter_mut().zip(decision.headers().iter()) {
            *slot = corsguard_header { name: c_name(header.name), value: corsguard_slice::of(header.value) };
            header_count += 1;
        }
        corsguard_decision {
            kind: decision.kind() as u32,
            verdict: decision.verdict() as u32,
            reason: decision.reason().map_or(0, |r| r.code()),
            origin_error: decision.origin_error().map_or(0, |e| e.code()),
            status: decision.status().unwrap_or(0),
            answer_now: decision.answer_now(),
            header_count,
            headers,
        }
    }
}

/// Views the lines of one request header.
///
/// # Safety
/// As for [`array`] and [`bytes`]: `count` readable slices at `lines`, each readable for `'a`.
unsafe fn lines<'a, 'b>(
    lines: *const corsguard_slice,
    count: usize,
    out: &'b mut [&'a [u8]; CORSGUARD_MAX_HEADER_LINES],
) -> Result<&'b [&'a [u8]], corsguard_result> {
    if count > CORSGUARD_MAX_HEADER_LINES {
        return Err(corsguard_result::TooManyLines);
    }
    // SAFETY: forwarded to the caller.
    let slices = unsafe { array(lines, count) }?;
    for (slot, &line) in out.iter_mut().zip(slices) {
        // SAFETY: forwarded to the caller.
        *slot = unsafe { bytes(line) }?;
    }
    Ok(&out[..count])
}

/// Views a C request as the core's request, with the line arrays in `line_views`.
///
/// # Safety
/// Every slice and line array in `request` is readable for `'a`.
unsafe fn request_view<'a>(
    request: &corsguard_request,
    line_views: &'a mut [[&'a [u8]; CORSGUARD_MAX_HEADER_LINES]; 4],
) -> Result<Request<'a>, corsguard_result> {
    let [origin, request_method, request_headers, request_private_network] = line_views;
    // SAFETY: forwarded to the caller.
    unsafe {
        Ok(Request {
            method: bytes(request.method)?,
            origin: lines(request.origin, request.origin_count, origin)?,
            request_method: lines(request.request_method, request.request_method_count, request_method)?,
            request_headers: lines(request.request_headers, request.request_headers_count, request_headers)?,
            request_private_network: lines(
                request.request_private_network,
                request.request_private_network_count,
                request_private_network,
            )?,
        })
    }
}

/// Decides one request against a policy and writes the decision to `*decision_out`.
///
/// `policy`, `request` and `decision_out` must not be NULL (`CORSGUARD_RESULT_NULL_ARGUMENT`). Every slice
/// in the request is checked (`CORSGUARD_RESULT_INVALID_SLICE`) and every header may have at most
/// `CORSGUARD_MAX_HEADER_LINES` lines (`CORSGUARD_RESULT_TOO_MANY_LINES`); on any error nothing is written.
/// Any bytes are a valid request: malformed headers give a denied decision, not an error.
///
/// The decision's header values borrow from the policy and the request's bytes: see `corsguard_decision`.
/// No memory is allocated; the cost is linear in the request's size and bounded by the policy's caps.
///
/// Thread safety: any number of threads may decide with one policy at the same time.
#[no_mangle]
pub unsafe extern "C" fn corsguard_decide(
    policy: *const corsguard_policy,
    request: *const corsguard_request,
    decision_out: *mut corsguard_decision,
) -> corsguard_result {
    guard(|| {
        // SAFETY: the caller gives NULL or pointers to a live policy and a readable request.
        let (Some(policy), Some(request)) = (unsafe { policy.as_ref() }, unsafe { request.as_ref() }) else {
            return corsguard_result::NullArgument;
        };
        if decision_out.is_null() {
            return corsguard_result::NullArgument;
        }
        let mut line_views = [[&[][..]; CORSGUARD_MAX_HEADER_LINES]; 4];
        // SAFETY: the caller's contract: every slice and line array in the request is readable.
        let request = match unsafe { request_view(request, &mut line_views) } {
            Ok(request) => request,
            Err(error) => return error,
        };
        let decision = corsguard_decision::from_core(&policy.policy().decide(&request));
        // SAFETY: checked non-NULL; the caller provides a writable `corsguard_decision`.
        unsafe { decision_out.write(decision) };
        corsguard_result::Ok
    })
}

/// Renders a decision's headers as `Name: value\r\n` lines, in order, into `buf` (not NUL-terminated).
///
/// On success returns `CORSGUARD_RESULT_OK` and writes the number of bytes written to
/// `*written_or_needed`. When `cap` is too small returns `CORSGUARD_RESULT_BUFFER_TOO_SMALL`, writes the
/// number of bytes needed to `*written_or_needed` and leaves `buf` untouched: call with `buf` NULL and `cap`
/// 0 to learn the size first.
///
/// `decision` must be one `corsguard_decide` wrote, whose policy and request bytes are still valid (see
/// `corsguard_decision`); it is only read. NULL `decision` or `written_or_needed` gives
/// `CORSGUARD_RESULT_NULL_ARGUMENT`; NULL `buf` with a non-zero `cap`, or an invalid slice in the decision,
/// `CORSGUARD_RESULT_INVALID_SLICE`; a header count above `CORSGUARD_MAX_HEADERS`,
/// `CORSGUARD_RESULT_INVALID_DECISION`. Nothing is written on those errors.
#[no_mangle]
pub unsafe extern "C" fn corsguard_decision_write_headers(
    decision: *const corsguard_decision,
    buf: *mut u8,
    cap: usize,
    written_or_needed: *mut usize,
) -> corsguard_result {
    guard(|| {
        if decision.is_null() || written_or_needed.is_null() {
            return corsguard_result::NullArgument;
        }
        if buf.is_null() && cap > 0 {
            return corsguard_result::InvalidSlice;
        }
        // Read field by field through the raw pointer: a struct from C memory is never trusted as a whole.
        // SAFETY: checked non-NULL; the caller gives a readable decision.
        let count = unsafe { (*decision).header_count };
        if count > CORSGUARD_MAX_HEADERS {
            return corsguard_result::InvalidDecision;
        }
        let mut parts: [(&[u8], &[u8]); CORSGUARD_MAX_HEADERS] = [(&[], &[]); CORSGUARD_MAX_HEADERS];
        let mut needed = 0usize;
        for (i, part) in parts.iter_mut().enumerate().take(count) {
            // SAFETY: `i < count <= CORSGUARD_MAX_HEADERS`, and the slices are the caller's contract.
            let header = unsafe { (*decision).headers[i] };
            let (name, value) = match unsafe { (bytes(header.name), bytes(header.value)) } {
                (Ok(name), Ok(value)) => (name, value),
                (Err(e), _) | (_, Err(e)) => return e,
            };
            let Some(total) = needed.checked_add(name.len()).and_then(|n| n.checked_add(value.len() + 4)) else {
                return corsguard_result::InvalidDecision;
            };
            needed = total;
            *part = (name, value);
        }
        if needed > cap {
            // SAFETY: checked non-NULL; the caller provides a writable size_t.
            unsafe { written_or_needed.write(needed) };
            return corsguard_result::BufferTooSmall;
        }
        let mut at = 0usize;
        for &(name, value) in &parts[..count] {
            for piece in [name, b": ", value, b"\r\n"] {
                // SAFETY: `at + piece.len() <= needed <= cap` bytes of `buf` are writable (caller's contract);
                // `copy` tolerates a buffer overlapping the sources.
                unsafe { core::ptr::copy(piece.as_ptr(), buf.add(at), piece.len()) };
                at += piece.len();
            }
        }
        // SAFETY: as above.
        unsafe { written_or_needed.write(at) };
        corsguard_result::Ok
    })
}
