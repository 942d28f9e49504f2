//! Deciding from C: a request of borrowed byte slices in, the core's decision written in place into an
//! opaque `corsguard_decision` the caller provides, the accessors that read it, and the rendering of its
//! headers into a caller's buffer. Nothing is copied but the few line views the core reads.

use core::mem::{align_of, size_of, MaybeUninit};
use core::ptr;

use corsguard::{names, Decision, Header, Policy, Request, MAX_RESPONSE_HEADERS};

use crate::boundary::{guard, guard_or};
use crate::codes::{
    c_text, corsguard_result, CORSGUARD_RESULT_BUFFER_TOO_SMALL, CORSGUARD_RESULT_INVALID_DECISION,
    CORSGUARD_RESULT_INVALID_SLICE, CORSGUARD_RESULT_MISALIGNED, CORSGUARD_RESULT_NULL_ARGUMENT, CORSGUARD_RESULT_OK,
    CORSGUARD_RESULT_OUT_OF_RANGE, CORSGUARD_RESULT_TOO_MANY_LINES,
};
use crate::policy::{corsguard_policy, policy_at};
use crate::slice::corsguard_slice;

/// The most headers one decision carries.
pub const CORSGUARD_MAX_HEADERS: usize = 15;

/// The most lines `corsguard_decide` accepts for `Access-Control-Request-Headers`; a request with more
/// gets `CORSGUARD_RESULT_TOO_MANY_LINES`. The other headers may have any number of lines.
pub const CORSGUARD_MAX_HEADER_LINES: usize = 32;

/// The size of `corsguard_decision` in 64-bit words. It may grow only in a major version.
pub const CORSGUARD_DECISION_WORDS: usize = 112;

const _: () = assert!(CORSGUARD_MAX_HEADERS == MAX_RESPONSE_HEADERS);

/// The CORS-relevant parts of one HTTP request, as the byte slices the caller's HTTP parser produced: the
/// bytes are read during `corsguard_decide`, and header values in the decision may point into them (see
/// `corsguard_decision`). Bytes need not be UTF-8 or NUL-terminated. The struct itself and its array of lines
/// are only read during the call.
///
/// `Origin`, `Access-Control-Request-Method` and `Access-Control-Request-Private-Network` are each given as
/// their first line and how many lines the header arrived on (0: absent), since a second line already makes
/// the request malformed whatever it holds. `Access-Control-Request-Headers` is given as every line, in
/// order: an array of `count` slices (at most `CORSGUARD_MAX_HEADER_LINES`), NULL allowed when `count` is 0;
/// the array need not be aligned. Values may keep their surrounding spaces and tabs; corsguard trims them.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct corsguard_request {
    /// The request method, compared byte for byte with `OPTIONS`.
    pub method: corsguard_slice,
    /// The first `Origin` line (not read when `origin_count` is 0).
    pub origin: corsguard_slice,
    /// How many `Origin` lines the request has (0: not a CORS request; more than 1: denied as malformed).
    pub origin_count: usize,
    /// The first `Access-Control-Request-Method` line (not read when its count is 0).
    pub request_method: corsguard_slice,
    /// How many `Access-Control-Request-Method` lines the request has.
    pub request_method_count: usize,
    /// The first `Access-Control-Request-Private-Network` line (not read when its count is 0).
    pub request_private_network: corsguard_slice,
    /// How many `Access-Control-Request-Private-Network` lines the request has.
    pub request_private_network_count: usize,
    /// Every `Access-Control-Request-Headers` line.
    pub request_headers: *const corsguard_slice,
    /// The number of `Access-Control-Request-Headers` lines.
    pub request_headers_count: usize,
}

/// One response header to add.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct corsguard_header {
    /// The name, e.g. `Access-Control-Allow-Origin`: static, and also NUL-terminated one byte past `len`.
    pub name: corsguard_slice,
    /// The value: visible ASCII, spaces and tabs only (never CR, LF or NUL), not NUL-terminated. It points
    /// into the policy, into the request's bytes (an allowed origin is reflected byte for byte), into the
    /// decision, or into static memory.
    pub value: corsguard_slice,
}

/// The outcome of `corsguard_decide`, written in place into memory the caller provides (usually the
/// stack): opaque, read it only through the `corsguard_decision_*` accessors.
///
/// It points into the policy, the request's bytes and itself, so it stays valid while the policy is
/// valid, those bytes are neither freed nor changed, and the decision itself is not moved: read it where
/// `corsguard_decide` wrote it, and never copy it (a copy reads as no decision). Copy header values out
/// (`corsguard_decision_headers`, `corsguard_decision_write_headers`) to keep them longer. It owns nothing
/// and needs no freeing.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct corsguard_decision {
    /// Not to be read or written: its layout is private and changes between versions.
    pub opaque: [u64; CORSGUARD_DECISION_WORDS],
}

/// The private layout of a `corsguard_decision`: the core's decision, and the line views of the request
/// it was made from, which the decision may point into (echoed `Access-Control-Request-Headers` lines).
#[repr(C)]
struct Cell<'a> {
    /// [`DECISION_MAGIC`] xor the cell's address: never written, a failed call, or a copy fails.
    magic: u64,
    decision: MaybeUninit<Decision<'a>>,
    origin: MaybeUninit<&'a [u8]>,
    request_method: MaybeUninit<&'a [u8]>,
    request_private_network: MaybeUninit<&'a [u8]>,
    request_headers: [MaybeUninit<&'a [u8]>; CORSGUARD_MAX_HEADER_LINES],
}

const DECISION_MAGIC: u64 = 0x6373_6764_6563_6964; // "csgdecid"
const _: () = assert!(size_of::<Cell<'static>>() <= size_of::<corsguard_decision>());
const _: () = assert!(align_of::<Cell<'static>>() <= align_of::<corsguard_decision>());
// Headroom, so the private layout can grow within a major version.
const HEADROOM_WORDS: usize = 8;
const _: () = assert!(size_of::<Cell<'static>>().div_ceil(8) + HEADROOM_WORDS <= CORSGUARD_DECISION_WORDS);

/// Whether a slice is not valid: NULL with a non-zero length, or longer than `PTRDIFF_MAX`.
#[inline(always)]
fn invalid_slice(s: corsguard_slice) -> bool {
    s.len > isize::MAX as usize || (s.ptr.is_null() && s.len != 0)
}

/// Views a slice that [`invalid_slice`] accepted.
///
/// # Safety
/// `s` passed [`invalid_slice`], and its bytes are readable for `'a`.
#[inline(always)]
unsafe fn view<'a>(s: corsguard_slice) -> &'a [u8] {
    let ptr = if s.ptr.is_null() { ptr::NonNull::<u8>::dangling().as_ptr().cast_const() } else { s.ptr };
    // SAFETY: non-NULL, and the caller's contract covers the rest (a dangling pointer only with length 0).
    unsafe { core::slice::from_raw_parts(ptr, s.len) }
}

/// Whether the `count` lines of `Access-Control-Request-Headers` at `lines` are not a readable array (NULL),
/// or one of them is not a valid slice. `count` is at most [`CORSGUARD_MAX_HEADER_LINES`]; the array need not
/// be aligned: the lines are read unaligned.
///
/// # Safety
/// Unless the array is refused, `count` slices are readable at `lines`.
#[inline(always)]
unsafe fn invalid_lines(lines: *const corsguard_slice, count: usize) -> bool {
    if count == 0 {
        return false;
    }
    if lines.is_null() {
        return true;
    }
    // SAFETY: `count` readable slices at `lines` (the caller's contract).
    unsafe {
        // One line, the usual case, without the loop.
        invalid_slice(lines.read_unaligned()) || (1..count).any(|i| invalid_slice(lines.add(i).read_unaligned()))
    }
}

/// The lines the core is to see of a header that arrived on `count` lines, the first `line`: none; that one,
/// its view written into the place at `dst`; or, for any number above one, two empty lines, since the core
/// denies such a header as malformed without reading its lines (nothing is written then).
///
/// # Safety
/// When `count` is 1, `line` passed [`invalid_slice`] and is readable for `'a`; `dst` is a writable place
/// that stays valid and unchanged for `'a`.
#[inline(always)]
unsafe fn place_first<'a>(line: corsguard_slice, count: usize, dst: *mut MaybeUninit<&'a [u8]>) -> &'a [&'a [u8]] {
    const SEVERAL: &[&[u8]] = &[&[], &[]];
    match count {
        0 => &[],
        1 => {
            let dst = dst.cast::<&'a [u8]>();
            // SAFETY: the caller's contract; the place written is the one returned.
            unsafe {
                dst.write(view(line));
                core::slice::from_raw_parts(dst, 1)
            }
        }
        _ => SEVERAL,
    }
}

/// Writes views of the `count` (at most `N`) lines of `Access-Control-Request-Headers` into the places at
/// `dst`, where the decision may point (it echoes them under some policies), and returns them as a slice.
///
/// # Safety
/// `count` is at most `N`; the lines passed [`invalid_lines`] and are readable for `'a`; `dst` has `N`
/// writable places that stay valid and unchanged for `'a`.
#[inline(always)]
unsafe fn place_lines<'a, const N: usize>(
    lines: *const corsguard_slice,
    count: usize,
    dst: *mut [MaybeUninit<&'a [u8]>; N],
) -> &'a [&'a [u8]] {
    let dst = dst.cast::<&'a [u8]>();
    // SAFETY: the caller's contract (`corsguard_decide` refuses more lines before this is reached).
    unsafe { core::hint::assert_unchecked(count <= N) };
    let n = count;
    // SAFETY: the caller's contract; the places written are the ones returned.
    unsafe {
        for i in 0..n {
            dst.add(i).write(view(lines.add(i).read_unaligned()));
        }
        core::slice::from_raw_parts(dst, n)
    }
}

/// Decides one request against a policy and writes the decision in place to `*decision_out`.
///
/// `policy` must be a policy from `corsguard_policy_init` or `corsguard_policy_builder_build`
/// (`CORSGUARD_RESULT_INVALID_POLICY` otherwise, as far as that can be told); `policy`, `request` and
/// `decision_out` must not be NULL (`CORSGUARD_RESULT_NULL_ARGUMENT`) and must be aligned
/// (`CORSGUARD_RESULT_MISALIGNED`). Every slice read is checked (`CORSGUARD_RESULT_INVALID_SLICE`), and
/// `Access-Control-Request-Headers` may have at most `CORSGUARD_MAX_HEADER_LINES` lines
/// (`CORSGUARD_RESULT_TOO_MANY_LINES`, answer 400). On any error nothing is written. Any bytes are a valid
/// request: malformed headers give a denied decision, not an error.
///
/// The decision points into the policy, the request's bytes and itself: see `corsguard_decision`. The
/// request, its line arrays and its bytes must not overlap `*decision_out`. No memory is allocated; the cost
/// is linear in the request's size and bounded by the policy's caps.
///
/// Thread safety: any number of threads may decide with one policy at the same time, each into its own
/// decision.
#[no_mangle]
pub unsafe extern "C" fn corsguard_decide(
    policy: *const corsguard_policy,
    request: *const corsguard_request,
    decision_out: *mut corsguard_decision,
) -> corsguard_result {
    // SAFETY: the caller's contract, as documented above.
    guard(|| unsafe { decide_into(policy, request, decision_out) })
}

/// The body of [`corsguard_decide`].
///
/// # Safety
/// As documented on [`corsguard_decide`].
#[inline(always)]
unsafe fn decide_into(
    policy: *const corsguard_policy,
    request: *const corsguard_request,
    decision_out: *mut corsguard_decision,
) -> corsguard_result {
    if policy.is_null() || request.is_null() || decision_out.is_null() {
        return CORSGUARD_RESULT_NULL_ARGUMENT;
    }
    // The three alignments at once: each of the three is aligned to 8 bytes (a policy's block starts with its
    // `u64` magic number).
    const _: () = assert!(align_of::<corsguard_request>() == 8 && align_of::<corsguard_decision>() == 8);
    if (policy.addr() | request.addr() | decision_out.addr()) & 7 != 0 {
        return CORSGUARD_RESULT_MISALIGNED;
    }
    // SAFETY: the caller gives a policy that stays valid while the decision is read.
    let policy = match unsafe { policy_at(policy) } {
        Ok(policy) => policy,
        Err(code) => return code,
    };
    // SAFETY: non-NULL, aligned; the caller provides a readable request, whose every slice and array is
    // checked before it is read.
    unsafe {
        let r = &*request;
        if r.request_headers_count > CORSGUARD_MAX_HEADER_LINES {
            return CORSGUARD_RESULT_TOO_MANY_LINES;
        }
        if invalid_slice(r.method)
            || (r.origin_count != 0 && invalid_slice(r.origin))
            || (r.request_method_count != 0 && invalid_slice(r.request_method))
            || (r.request_private_network_count != 0 && invalid_slice(r.request_private_network))
            || invalid_lines(r.request_headers, r.request_headers_count)
        {
            return CORSGUARD_RESULT_INVALID_SLICE;
        }
        // Every check passed: from here on the decision is written.
        decide_in_place(policy, r, decision_out.cast::<Cell<'_>>())
    }
}

/// Writes the line views into the cell, decides straight into the cell (`Policy::decide_into`: each path
/// writes its decision there, none is built on the stack and copied, which saved 30 to 40 instructions per
/// call), and writes the magic. Out of line, so that the core's decision is compiled much as it is when Rust
/// calls it directly: inlined after the checks, it shares their registers and inlining budget and comes out
/// slower (callgrind: about 100 instructions more per call).
///
/// # Safety
/// Every slice and array of `r` passed the checks of [`decide_into`]; `cell` is a writable, aligned
/// decision; the policy, the request's bytes and the cell stay valid while the decision is read.
#[inline(never)]
unsafe fn decide_in_place<'a>(
    policy: &'a Policy<[u8]>,
    r: &corsguard_request,
    cell: *mut Cell<'a>,
) -> corsguard_result {
    // SAFETY: the caller's contract.
    unsafe {
        let request = Request {
            method: view(r.method),
            origin: place_first(r.origin, r.origin_count, ptr::addr_of_mut!((*cell).origin)),
            request_method: place_first(
                r.request_method,
                r.request_method_count,
                ptr::addr_of_mut!((*cell).request_method),
            ),
            request_headers: place_lines(
                r.request_headers,
                r.request_headers_count,
                ptr::addr_of_mut!((*cell).request_headers),
            ),
            request_private_network: place_first(
                r.request_private_network,
                r.request_private_network_count,
                ptr::addr_of_mut!((*cell).request_private_network),
            ),
        };
        policy.decide_into(&request, &mut *ptr::addr_of_mut!((*cell).decision));
        ptr::addr_of_mut!((*cell).magic).write(DECISION_MAGIC ^ cell.addr() as u64);
    }
    CORSGUARD_RESULT_OK
}

/// The core's decision in the cell at `decision`, if `corsguard_decide` wrote one there.
///
/// # Safety
/// `decision` is NULL or points to a readable `corsguard_decision` whose policy and request bytes, if it
/// holds a decision, are still valid.
#[inline(always)]
unsafe fn decision_at<'a>(decision: *const corsguard_decision) -> Option<&'a Decision<'a>> {
    if decision.is_null() || !decision.is_aligned() {
        return None;
    }
    let cell = decision.cast::<Cell<'a>>();
    // SAFETY: non-NULL, aligned and readable (the caller's contract); the decision is initialised when
    // the magic for this address is there, since `corsguard_decide` writes the magic last.
    unsafe {
        if ptr::addr_of!((*cell).magic).read() != DECISION_MAGIC ^ cell.addr() as u64 {
            return None;
        }
        Some((*ptr::addr_of!((*cell).decision)).assume_init_ref())
    }
}

/// What kind of request was decided: a `corsguard_kind`. NULL, or memory that holds no decision, gives
/// `CORSGUARD_KIND_NOT_CORS`.
#[no_mangle]
pub unsafe extern "C" fn corsguard_decision_kind(decision: *const corsguard_decision) -> u32 {
    // SAFETY (every accessor): the caller gives NULL or a readable decision, as `decision_at` needs.
    guard_or(0, || unsafe { decision_at(decision) }.map_or(0, |d| d.kind() as u32))
}

/// Whether the request is allowed: a `corsguard_verdict`. NULL, or memory that holds no decision, gives
/// `CORSGUARD_VERDICT_DENIED`.
#[no_mangle]
pub unsafe extern "C" fn corsguard_decision_verdict(decision: *const corsguard_decision) -> u32 {
    guard_or(1, || unsafe { decision_at(decision) }.map_or(1, |d| d.verdict() as u32))
}

/// Why the request was denied: a `corsguard_reason`, 0 when it was allowed. NULL, or memory that holds no
/// decision, gives 0.
#[no_mangle]
pub unsafe extern "C" fn corsguard_decision_reason(decision: *const corsguard_decision) -> u32 {
    guard_or(0, || unsafe { decision_at(decision) }.and_then(|d| d.reason()).map_or(0, |r| r.code()))
}

/// For `CORSGUARD_REASON_ORIGIN_MALFORMED`, what is wrong with the `Origin`: a `corsguard_origin_error`;
/// otherwise 0. NULL, or memory that holds no decision, gives 0.
#[no_mangle]
pub unsafe extern "C" fn corsguard_decision_origin_error(decision: *const corsguard_decision) -> u32 {
    guard_or(0, || unsafe { decision_at(decision) }.and_then(|d| d.origin_error()).map_or(0, |e| e.code()))
}

/// The status to answer a preflight with (2xx when allowed, the policy's failure status when denied); 0
/// for other requests, whose status the application chooses. NULL, or memory that holds no decision,
/// gives 0.
#[no_mangle]
pub unsafe extern "C" fn corsguard_decision_status(decision: *const corsguard_decision) -> u16 {
    guard_or(0, || unsafe { decision_at(decision) }.and_then(|d| d.status()).unwrap_or(0))
}

/// Whether the host must answer now, with the status, the headers and an empty body, instead of passing
/// the request to the application: true exactly for preflights. NULL, or memory that holds no decision,
/// gives false.
#[no_mangle]
pub unsafe extern "C" fn corsguard_decision_answer_now(decision: *const corsguard_decision) -> bool {
    guard_or(false, || unsafe { decision_at(decision) }.is_some_and(|d| d.answer_now()))
}

/// How many headers to add to the response, at most `CORSGUARD_MAX_HEADERS`. NULL, or memory that holds
/// no decision, gives 0.
#[no_mangle]
pub unsafe extern "C" fn corsguard_decision_header_count(decision: *const corsguard_decision) -> usize {
    guard_or(0, || unsafe { decision_at(decision) }.map_or(0, |d| d.headers().len()))
}

/// The header name as a static slice whose byte after the end is NUL. The core's names are told apart by
/// their length and, for the two of 28 bytes, by their 22nd byte (`Methods` / `Headers`), rather than compared
/// whole: this runs once per header of every response. The assertions below hold it to the core's names.
#[inline]
fn c_name(name: &'static str) -> corsguard_slice {
    let c = match (name.len(), name.as_bytes().get(21)) {
        (27, _) => c_text!(names::ALLOW_ORIGIN),
        (32, _) => c_text!(names::ALLOW_CREDENTIALS),
        (28, Some(b'M')) => c_text!(names::ALLOW_METHODS),
        (28, Some(b'H')) => c_text!(names::ALLOW_HEADERS),
        (22, _) => c_text!(names::MAX_AGE),
        (36, _) => c_text!(names::ALLOW_PRIVATE_NETWORK),
        (29, _) => c_text!(names::EXPOSE_HEADERS),
        (4, _) => c_text!(names::VARY),
        // A name added to the core but not here: still correct bytes, only without the NUL after them.
        _ => return corsguard_slice::of(name.as_bytes()),
    };
    corsguard_slice::of(c.to_bytes())
}

// The lengths and bytes `c_name` tells the names apart by; a name added to the core fails the build here.
const _: () = {
    assert!(names::IN_ORDER.len() == 8);
    assert!(names::ALLOW_ORIGIN.len() == 27 && names::ALLOW_CREDENTIALS.len() == 32);
    assert!(names::ALLOW_METHODS.len() == 28 && names::ALLOW_METHODS.as_bytes()[21] == b'M');
    assert!(names::ALLOW_HEADERS.len() == 28 && names::ALLOW_HEADERS.as_bytes()[21] == b'H');
    assert!(names::MAX_AGE.len() == 22 && names::ALLOW_PRIVATE_NETWORK.len() == 36);
    assert!(names::EXPOSE_HEADERS.len() == 29 && names::VARY.len() == 4);
};

fn c_header(header: Header<'_>) -> corsguard_header {
    corsguard_header { name: c_name(header.name), value: corsguard_slice::of(header.value) }
}

/// Copies every header of a decision, in emission order (ACAO, ACAC, ACAM, ACAH (one or more), ACMA,
/// ACAPN, ACEH, Vary), into `out`, an array of `capacity` entries, and writes their number to
/// `*count_out`. Add them to the response; append to the host's own `Vary`, never replace it.
///
/// The values still point where the decision's do (see `corsguard_header`). Fails with
/// `CORSGUARD_RESULT_NULL_ARGUMENT` (NULL `decision` or `count_out`), `CORSGUARD_RESULT_INVALID_DECISION`
/// (memory that holds no decision), `CORSGUARD_RESULT_MISALIGNED` (`out` or `count_out` not aligned),
/// `CORSGUARD_RESULT_INVALID_SLICE` (NULL `out` with a non-zero `capacity`), or
/// `CORSGUARD_RESULT_BUFFER_TOO_SMALL`, which writes the number needed to `*count_out` and leaves `out`
/// untouched (`CORSGUARD_MAX_HEADERS` entries always suffice).
#[no_mangle]
pub unsafe extern "C" fn corsguard_decision_headers(
    decision: *const corsguard_decision,
    out: *mut corsguard_header,
    capacity: usize,
    count_out: *mut usize,
) -> corsguard_result {
    guard(|| {
        if decision.is_null() || count_out.is_null() {
            return CORSGUARD_RESULT_NULL_ARGUMENT;
        }
        if !out.is_aligned() || !count_out.is_aligned() {
            return CORSGUARD_RESULT_MISALIGNED;
        }
        if out.is_null() && capacity > 0 {
            return CORSGUARD_RESULT_INVALID_SLICE;
        }
        // SAFETY: the caller gives a readable decision.
        let Some(d) = (unsafe { decision_at(decision) }) else {
            return CORSGUARD_RESULT_INVALID_DECISION;
        };
        let count = d.headers().len();
        if count > capacity {
            // SAFETY: non-NULL and aligned; the caller provides a writable size_t.
            unsafe { count_out.write(count) };
            return CORSGUARD_RESULT_BUFFER_TOO_SMALL;
        }
        for (i, header) in d.headers().iter().enumerate() {
            // SAFETY: `i < count <= capacity` entries of `out` are writable (the caller's contract).
            unsafe { out.add(i).write(c_header(header)) };
        }
        // SAFETY: as above.
        unsafe { count_out.write(count) };
        CORSGUARD_RESULT_OK
    })
}

/// Copies header number `index` (from 0, in the order of `corsguard_decision_headers`) to `*out`.
///
/// Fails with `CORSGUARD_RESULT_NULL_ARGUMENT` (NULL `decision` or `out`),
/// `CORSGUARD_RESULT_INVALID_DECISION` (memory that holds no decision), `CORSGUARD_RESULT_MISALIGNED` (`out`
/// not aligned) or `CORSGUARD_RESULT_OUT_OF_RANGE` (`index` at or past `corsguard_decision_header_count`);
/// nothing is written then.
#[no_mangle]
pub unsafe extern "C" fn corsguard_decision_header(
    decision: *const corsguard_decision,
    index: usize,
    out: *mut corsguard_header,
) -> corsguard_result {
    guard(|| {
        if decision.is_null() || out.is_null() {
            return CORSGUARD_RESULT_NULL_ARGUMENT;
        }
        if !out.is_aligned() {
            return CORSGUARD_RESULT_MISALIGNED;
        }
        // SAFETY: the caller gives a readable decision.
        let Some(d) = (unsafe { decision_at(decision) }) else {
            return CORSGUARD_RESULT_INVALID_DECISION;
        };
        match d.headers().iter().nth(index) {
            Some(header) => {
                // SAFETY: non-NULL and aligned; the caller provides a writable `corsguard_header`.
                unsafe { out.write(c_header(header)) };
                CORSGUARD_RESULT_OK
            }
            None => CORSGUARD_RESULT_OUT_OF_RANGE,
        }
    })
}

/// Renders a decision's headers as `Name: value\r\n` lines, in order, into `buf` (not NUL-terminated).
///
/// `buf` must not overlap the decision, nor the request's bytes its values point into. On success returns `CORSGUARD_RESULT_OK` and writes the number of bytes written to
/// `*written_out`.
/// When `len` is too small returns `CORSGUARD_RESULT_BUFFER_TOO_SMALL`, writes the number of bytes needed
/// to `*written_out` and leaves `buf` untouched: call with `buf` NULL and `len` 0 to learn the size first.
///
/// Other failures, which write nothing: `CORSGUARD_RESULT_NULL_ARGUMENT` (NULL `decision` or
/// `written_out`), `CORSGUARD_RESULT_MISALIGNED` (`written_out` not aligned),
/// `CORSGUARD_RESULT_INVALID_SLICE` (NULL `buf` with a non-zero `len`), `CORSGUARD_RESULT_INVALID_DECISION`
/// (memory that holds no decision).
#[no_mangle]
pub unsafe extern "C" fn corsguard_decision_write_headers(
    decision: *const corsguard_decision,
    buf: *mut u8,
    len: usize,
    written_out: *mut usize,
) -> corsguard_result {
    guard(|| {
        if decision.is_null() || written_out.is_null() {
            return CORSGUARD_RESULT_NULL_ARGUMENT;
        }
        if !written_out.is_aligned() {
            return CORSGUARD_RESULT_MISALIGNED;
        }
        if buf.is_null() && len > 0 {
            return CORSGUARD_RESULT_INVALID_SLICE;
        }
        // SAFETY: the caller gives a readable decision.
        let Some(d) = (unsafe { decision_at(decision) }) else {
            return CORSGUARD_RESULT_INVALID_DECISION;
        };
        let needed = d.headers().rendered_len();
        if needed > len {
            // SAFETY: non-NULL and aligned; the caller provides a writable size_t.
            unsafe { written_out.write(needed) };
            return CORSGUARD_RESULT_BUFFER_TOO_SMALL;
        }
        let mut at = 0usize;
        for header in d.headers() {
            for piece in [header.name.as_bytes(), b": ", header.value, b"\r\n"] {
                // SAFETY: `at + piece.len() <= needed <= len` bytes of `buf` are writable (the caller's
                // contract); `copy` tolerates a buffer that overlaps the request's bytes.
                unsafe { ptr::copy(piece.as_ptr(), buf.add(at), piece.len()) };
                at += piece.len();
            }
        }
        // SAFETY: as above.
        unsafe { written_out.write(at) };
        CORSGUARD_RESULT_OK
    })
}
