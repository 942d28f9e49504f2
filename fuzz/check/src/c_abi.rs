//! The C ABI check: builds a policy and decides requests through the exported `corsguard_*` functions only,
//! with raw pointers and lengths as a C caller passes them, both ways a C caller can build a policy (a
//! `corsguard_config` into caller memory at any alignment, and the builder), and asserts that the C answers
//! are the Rust core's answers byte for byte, that header values borrow (never copy) the request's origin,
//! that every pointer and length check reports its documented code, and that nothing is ever written on an
//! error.

use std::mem::MaybeUninit;
use std::ptr;

use arbitrary::{Arbitrary, Unstructured};
use corsguard::{OwnedPolicy, PolicyConfig, PolicyError, Request};
use corsguard_ffi::{
    corsguard_config, corsguard_decide, corsguard_decision, corsguard_decision_answer_now, corsguard_decision_header,
    corsguard_decision_header_count, corsguard_decision_headers, corsguard_decision_kind,
    corsguard_decision_origin_error, corsguard_decision_reason, corsguard_decision_status, corsguard_decision_verdict,
    corsguard_decision_write_headers, corsguard_header, corsguard_origin_error_str, corsguard_policy,
    corsguard_policy_builder, corsguard_policy_builder_add_origin, corsguard_policy_builder_build,
    corsguard_policy_builder_free, corsguard_policy_builder_new,
    corsguard_policy_builder_set_allow_insecure_origins_with_credentials, corsguard_policy_builder_set_caps,
    corsguard_policy_builder_set_credentials, corsguard_policy_builder_set_exposed_headers,
    corsguard_policy_builder_set_exposed_headers_any, corsguard_policy_builder_set_max_age,
    corsguard_policy_builder_set_methods, corsguard_policy_builder_set_methods_any,
    corsguard_policy_builder_set_preflight_statuses, corsguard_policy_builder_set_private_network,
    corsguard_policy_builder_set_request_headers, corsguard_policy_builder_set_request_headers_any,
    corsguard_policy_error, corsguard_policy_free, corsguard_policy_init, corsguard_policy_size, corsguard_reason_str,
    corsguard_request, corsguard_result, corsguard_result_str, corsguard_slice, CORSGUARD_DECISION_WORDS,
    CORSGUARD_MAX_HEADERS, CORSGUARD_MAX_HEADER_LINES, CORSGUARD_MODE_ANY, CORSGUARD_MODE_ANY_WITH_AUTHORIZATION,
    CORSGUARD_MODE_LIST, CORSGUARD_NO_INDEX, CORSGUARD_RESULT_BUFFER_TOO_SMALL, CORSGUARD_RESULT_INVALID_DECISION,
    CORSGUARD_RESULT_INVALID_POLICY, CORSGUARD_RESULT_INVALID_SLICE, CORSGUARD_RESULT_MISALIGNED,
    CORSGUARD_RESULT_NULL_ARGUMENT, CORSGUARD_RESULT_OK, CORSGUARD_RESULT_OUT_OF_RANGE,
    CORSGUARD_RESULT_POLICY_INVALID, CORSGUARD_RESULT_TOO_MANY_LINES,
};

use crate::gen::{OwnedConfig, OwnedRequest, PolicyInput, RequestInput};

/// What the C-ABI target decodes from the fuzzer's bytes.
#[derive(Arbitrary, Debug)]
struct CAbiInput {
    policy: PolicyInput,
    /// An extra origin entry given as raw bytes (the C side takes any bytes, UTF-8 or not).
    raw_origin: Option<Vec<u8>>,
    /// How far from a word boundary the caller's memory for the policy starts (0 to 7 bytes).
    memory_offset: u8,
    requests: Vec<(RequestInput, LineAbuse)>,
}

/// Ways a C caller can get the line arrays wrong, or right in unusual ways.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum LineAbuse {
    /// Arrays as they are.
    None,
    /// Empty headers as a dangling (non-NULL) pointer with count 0, which must be accepted.
    DanglingEmpty,
    /// One header as NULL with a non-zero count.
    NullWithCount(u8),
    /// One header repeated past CORSGUARD_MAX_HEADER_LINES: refused for Access-Control-Request-Headers, decided
    /// (from its first line and its count) for the others.
    TooManyLines(u8),
    /// The method as NULL with a non-zero length.
    NullMethod,
}

/// The documented rule for an entry that is not UTF-8: refused as the core refuses a non-ASCII entry. The
/// Rust reference gets this non-ASCII entry in its place.
const NON_ASCII: &str = "\u{80}";

fn slice(bytes: &[u8]) -> corsguard_slice {
    corsguard_slice { ptr: bytes.as_ptr(), len: bytes.len() }
}

fn slices(lines: &[Vec<u8>]) -> Vec<corsguard_slice> {
    lines.iter().map(|l| slice(l)).collect()
}

fn zero_error() -> corsguard_policy_error {
    corsguard_policy_error {
        kind: 0,
        setting: 0,
        index: 0,
        origin_error: 0,
        message: ptr::null(),
        setting_name: ptr::null(),
    }
}

fn new_decision() -> Box<corsguard_decision> {
    Box::new(corsguard_decision { opaque: [0; CORSGUARD_DECISION_WORDS] })
}

/// The Rust reference: the owned config, with `raw` appended (its stand-in when it is not UTF-8), and with a
/// 0 status or cap read as its default when `zero_is_default` (as a `corsguard_config` reads it).
fn rust_build(owned: &OwnedConfig, raw: Option<&[u8]>, zero_is_default: bool) -> Result<OwnedPolicy, PolicyError> {
    let lists = owned.lists();
    let mut origins = lists.origins.clone();
    if let Some(raw) = raw {
        origins.push(std::str::from_utf8(raw).unwrap_or(NON_ASCII));
    }
    let mut config = PolicyConfig { origins: &origins, ..owned.config(&lists) };
    if zero_is_default {
        let defaults = PolicyConfig::new(&[]);
        let or = |v: usize, d: usize| if v == 0 { d } else { v };
        if config.preflight_success_status == 0 {
            config.preflight_success_status = defaults.preflight_success_status;
        }
        if config.preflight_failure_status == 0 {
            config.preflight_failure_status = defaults.preflight_failure_status;
        }
        config.max_origin_len = or(config.max_origin_len, defaults.max_origin_len);
        config.max_request_headers_len = or(config.max_request_headers_len, defaults.max_request_headers_len);
        config.max_request_headers_count = or(config.max_request_headers_count, defaults.max_request_headers_count);
    }
    OwnedPolicy::build(&config)
}

/// A policy built through the C ABI, and what it owns.
enum CPolicy {
    /// In caller memory: the block (kept alive) and the policy pointer into it.
    InMemory(#[allow(dead_code, reason = "kept alive for the policy")] Vec<u64>, *const corsguard_policy),
    /// From the builder: freed with `corsguard_policy_free`.
    Built(*mut corsguard_policy),
}

impl CPolicy {
    fn ptr(&self) -> *const corsguard_policy {
        match self {
            CPolicy::InMemory(_, p) => *p,
            CPolicy::Built(p) => *p,
        }
    }
}

impl Drop for CPolicy {
    fn drop(&mut self) {
        if let CPolicy::Built(p) = self {
            // SAFETY: from a successful build, freed once; NULL is a no-op.
            unsafe {
                corsguard_policy_free(*p);
                corsguard_policy_free(ptr::null_mut());
            }
        }
    }
}

/// Builds the policy from a `corsguard_config` into caller memory `offset` bytes past a word boundary.
fn build_with_config(
    owned: &OwnedConfig,
    raw: Option<&[u8]>,
    offset: usize,
) -> (corsguard_result, Option<CPolicy>, corsguard_policy_error) {
    let mut origins: Vec<corsguard_slice> = owned.origins.iter().map(|o| slice(o.as_bytes())).collect();
    if let Some(raw) = raw {
        origins.push(slice(raw));
    }
    let list = |l: &Option<Vec<String>>| l.iter().flatten().map(|s| slice(s.as_bytes())).collect::<Vec<_>>();
    let (methods, request_headers, exposed_headers) =
        (list(&owned.methods), list(&owned.request_headers), list(&owned.exposed_headers));
    let mode = |listed: bool, any: u32| if listed { CORSGUARD_MODE_LIST } else { any };
    let base = &owned.base;
    let config = corsguard_config {
        origins: origins.as_ptr(),
        origin_count: origins.len(),
        credentials: base.credentials,
        methods_mode: mode(owned.methods.is_some(), CORSGUARD_MODE_ANY),
        methods: methods.as_ptr(),
        method_count: methods.len(),
        request_headers_mode: mode(
            owned.request_headers.is_some(),
            if owned.headers_any_with_authorization {
                CORSGUARD_MODE_ANY_WITH_AUTHORIZATION
            } else {
                CORSGUARD_MODE_ANY
            },
        ),
        request_headers: request_headers.as_ptr(),
        request_header_count: request_headers.len(),
        exposed_headers_mode: mode(owned.exposed_headers.is_some(), CORSGUARD_MODE_ANY),
        exposed_headers: exposed_headers.as_ptr(),
        exposed_header_count: exposed_headers.len(),
        has_max_age: base.max_age.is_some(),
        max_age: base.max_age.unwrap_or(0),
        preflight_success_status: base.preflight_success_status,
        preflight_failure_status: base.preflight_failure_status,
        private_network: base.private_network,
        allow_insecure_origins_with_credentials: base.allow_insecure_origins_with_credentials,
        max_origin_len: base.max_origin_len,
        max_request_headers_len: base.max_request_headers_len,
        max_request_headers_count: base.max_request_headers_count,
    };
    // SAFETY (block): pointers to live locals, and (pointer, length) pairs from live slices.
    unsafe {
        let mut size = 0usize;
        assert_eq!(corsguard_policy_size(&config, &mut size), CORSGUARD_RESULT_OK);
        // NULL and misaligned arguments are refused and write nothing.
        let mut untouched = 77usize;
        assert_eq!(corsguard_policy_size(ptr::null(), &mut untouched), CORSGUARD_RESULT_NULL_ARGUMENT);
        assert_eq!(corsguard_policy_size(&config, ptr::null_mut()), CORSGUARD_RESULT_NULL_ARGUMENT);
        let misaligned = (&mut untouched as *mut usize).cast::<u8>().wrapping_add(1).cast::<usize>();
        assert_eq!(corsguard_policy_size(&config, misaligned), CORSGUARD_RESULT_MISALIGNED);
        assert_eq!(untouched, 77);

        let words = (size + offset).div_ceil(8) + 1;
        let mut block = vec![0u64; words];
        let mem = block.as_mut_ptr().cast::<u8>().add(offset);
        let mut sentinel = 0x5a5a_usize as *const corsguard_policy;
        assert_eq!(
            corsguard_policy_init(ptr::null(), mem.cast(), size, &mut sentinel, ptr::null_mut()),
            CORSGUARD_RESULT_NULL_ARGUMENT
        );
        assert_eq!(
            corsguard_policy_init(&config, ptr::null_mut(), size, &mut sentinel, ptr::null_mut()),
            CORSGUARD_RESULT_NULL_ARGUMENT
        );
        assert_eq!(
            corsguard_policy_init(&config, mem.cast(), size, ptr::null_mut(), ptr::null_mut()),
            CORSGUARD_RESULT_NULL_ARGUMENT
        );
        // Memory too small for the policy at this address is refused before anything is written.
        assert_eq!(
            corsguard_policy_init(&config, mem.cast(), size.saturating_sub(8), &mut sentinel, ptr::null_mut()),
            CORSGUARD_RESULT_BUFFER_TOO_SMALL
        );
        assert_eq!(sentinel as usize, 0x5a5a);
        assert!(block.iter().all(|&w| w == 0), "a refused init wrote into the memory");

        let mut policy: *const corsguard_policy = ptr::null();
        let mut error = zero_error();
        let result = corsguard_policy_init(&config, mem.cast(), size, &mut policy, &mut error);
        if result == CORSGUARD_RESULT_OK {
            assert!(!policy.is_null() && policy.is_aligned());
            let at = policy.cast::<u8>() as usize - mem as usize;
            assert!(at < 8, "the policy starts at the first aligned byte");
            (result, Some(CPolicy::InMemory(block, policy)), error)
        } else {
            assert!(policy.is_null(), "policy_out written on a failure");
            (result, None, error)
        }
    }
}

/// Builds the policy through the C builder; returns the C result, the policy (on success) and the error.
fn build_with_builder(
    owned: &OwnedConfig,
    raw: Option<&[u8]>,
) -> (corsguard_result, Option<CPolicy>, corsguard_policy_error) {
    let mut builder: *mut corsguard_policy_builder = ptr::null_mut();
    // SAFETY (every call below): pointers to live locals, and (pointer, length) pairs from live slices.
    unsafe {
        assert_eq!(corsguard_policy_builder_new(&mut builder), CORSGUARD_RESULT_OK);
        assert!(!builder.is_null());
        for origin in &owned.origins {
            assert_eq!(
                corsguard_policy_builder_add_origin(builder, origin.as_ptr(), origin.len()),
                CORSGUARD_RESULT_OK
            );
        }
        if let Some(raw) = raw {
            assert_eq!(corsguard_policy_builder_add_origin(builder, raw.as_ptr(), raw.len()), CORSGUARD_RESULT_OK);
        }
        assert_eq!(corsguard_policy_builder_set_credentials(builder, owned.base.credentials), CORSGUARD_RESULT_OK);
        let list = |l: &[String]| l.iter().map(|s| slice(s.as_bytes())).collect::<Vec<_>>();
        match &owned.methods {
            Some(m) => {
                let m = list(m);
                assert_eq!(corsguard_policy_builder_set_methods(builder, m.as_ptr(), m.len()), CORSGUARD_RESULT_OK);
            }
            None => assert_eq!(corsguard_policy_builder_set_methods_any(builder), CORSGUARD_RESULT_OK),
        }
        match &owned.request_headers {
            Some(h) => {
                let h = list(h);
                assert_eq!(
                    corsguard_policy_builder_set_request_headers(builder, h.as_ptr(), h.len()),
                    CORSGUARD_RESULT_OK
                );
            }
            None => assert_eq!(
                corsguard_policy_builder_set_request_headers_any(builder, owned.headers_any_with_authorization),
                CORSGUARD_RESULT_OK
            ),
        }
        match &owned.exposed_headers {
            Some(h) => {
                let h = list(h);
                assert_eq!(
                    corsguard_policy_builder_set_exposed_headers(builder, h.as_ptr(), h.len()),
                    CORSGUARD_RESULT_OK
                );
            }
            None => assert_eq!(corsguard_policy_builder_set_exposed_headers_any(builder), CORSGUARD_RESULT_OK),
        }
        if let Some(age) = owned.base.max_age {
            assert_eq!(corsguard_policy_builder_set_max_age(builder, age), CORSGUARD_RESULT_OK);
        }
        let statuses = corsguard_policy_builder_set_preflight_statuses(
            builder,
            u32::from(owned.base.preflight_success_status),
            u32::from(owned.base.preflight_failure_status),
        );
        assert_eq!(statuses, CORSGUARD_RESULT_OK);
        assert_eq!(
            corsguard_policy_builder_set_private_network(builder, owned.base.private_network),
            CORSGUARD_RESULT_OK
        );
        let insecure = owned.base.allow_insecure_origins_with_credentials;
        assert_eq!(
            corsguard_policy_builder_set_allow_insecure_origins_with_credentials(builder, insecure),
            CORSGUARD_RESULT_OK
        );
        let caps = corsguard_policy_builder_set_caps(
            builder,
            owned.base.max_origin_len,
            owned.base.max_request_headers_len,
            owned.base.max_request_headers_count,
        );
        assert_eq!(caps, CORSGUARD_RESULT_OK);

        // NULL arguments are refused and write nothing.
        let mut sentinel = 0x5a5a_usize as *mut corsguard_policy;
        assert_eq!(
            corsguard_policy_builder_build(ptr::null(), &mut sentinel, ptr::null_mut()),
            CORSGUARD_RESULT_NULL_ARGUMENT
        );
        assert_eq!(
            corsguard_policy_builder_build(builder, ptr::null_mut(), ptr::null_mut()),
            CORSGUARD_RESULT_NULL_ARGUMENT
        );
        assert_eq!(sentinel as usize, 0x5a5a);

        let mut policy: *mut corsguard_policy = ptr::null_mut();
        let mut error = zero_error();
        let result = corsguard_policy_builder_build(builder, &mut policy, &mut error);
        // The builder may be freed at once: the policy owns copies of everything.
        corsguard_policy_builder_free(builder);
        corsguard_policy_builder_free(ptr::null_mut());
        if result == CORSGUARD_RESULT_OK {
            assert!(!policy.is_null());
            (result, Some(CPolicy::Built(policy)), error)
        } else {
            assert!(policy.is_null(), "policy_out written on a failure");
            (result, None, error)
        }
    }
}

/// Compares a C build with the Rust reference's; returns the C policy when both accepted.
fn same_build(
    how: &str,
    c: (corsguard_result, Option<CPolicy>, corsguard_policy_error),
    rust: &Result<OwnedPolicy, PolicyError>,
) -> Option<CPolicy> {
    let (result, policy, error) = c;
    // SAFETY: static NUL-terminated strings, never NULL.
    assert!(!unsafe { std::ffi::CStr::from_ptr(corsguard_result_str(result)) }.to_bytes().is_empty());
    match (rust, result) {
        (Ok(_), CORSGUARD_RESULT_OK) => policy,
        (Err(e), CORSGUARD_RESULT_POLICY_INVALID) => {
            assert_eq!(error.kind, e.kind.code(), "{how}");
            assert_eq!(error.setting, e.setting.code(), "{how}");
            assert_eq!(error.index, e.index.unwrap_or(CORSGUARD_NO_INDEX), "{how}");
            assert_eq!(error.origin_error, e.origin_error.map_or(0, |o| o.code()), "{how}");
            // SAFETY: static NUL-terminated strings, documented never NULL.
            unsafe {
                assert!(!error.message.is_null() && !error.setting_name.is_null());
                assert!(!std::ffi::CStr::from_ptr(error.message).to_bytes().is_empty());
                assert!(!std::ffi::CStr::from_ptr(corsguard_origin_error_str(error.origin_error))
                    .to_bytes()
                    .is_empty());
            }
            None
        }
        (r, c) => panic!("{how}: Rust {:?} vs C {c}", r.as_ref().err()),
    }
}

/// Drives the C ABI with a structured policy and requests, comparing every answer with the Rust core's.
pub fn check_c_abi(data: &[u8]) {
    let Ok(input) = CAbiInput::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let owned = input.policy.render();
    let raw = input.raw_origin.as_deref();
    let offset = usize::from(input.memory_offset % 8);

    // A config reads a 0 status or cap as its default; the builder keeps it, to be refused as always.
    let rust_config = rust_build(&owned, raw, true);
    let rust_builder = rust_build(&owned, raw, false);
    let in_memory = same_build("config", build_with_config(&owned, raw, offset), &rust_config);
    let built = same_build("builder", build_with_builder(&owned, raw), &rust_builder);

    for (c_policy, rust_policy) in [(in_memory, rust_config), (built, rust_builder)] {
        let (Some(c_policy), Ok(rust_policy)) = (c_policy, rust_policy) else {
            continue;
        };
        for (request, abuse) in input.requests.iter().take(4) {
            let request = request.render(&owned);
            decide_both(c_policy.ptr(), &rust_policy, &request, *abuse);
        }
        // A copy of the policy's bytes elsewhere is not a policy.
        if let CPolicy::InMemory(block, _) = &c_policy {
            let copy = block.clone();
            let moved = copy.as_ptr().cast::<u8>().wrapping_add(c_policy.ptr() as usize - block.as_ptr() as usize);
            let request = corsguard_request {
                method: slice(b"GET"),
                origin: slice(b""),
                origin_count: 0,
                request_method: slice(b""),
                request_method_count: 0,
                request_headers: ptr::null(),
                request_headers_count: 0,
                request_private_network: slice(b""),
                request_private_network_count: 0,
            };
            let mut d = new_decision();
            // SAFETY: a readable copy, a live request and decision.
            let r = unsafe { corsguard_decide(moved.cast::<corsguard_policy>(), &request, &mut *d) };
            assert_eq!(r, CORSGUARD_RESULT_INVALID_POLICY);
        }
    }
}

/// The request's lines as the Rust core sees them, with one header repeated past the line cap.
fn rust_lines(lines: &[Vec<u8>], repeat: bool) -> Vec<&[u8]> {
    let mut out: Vec<&[u8]> = lines.iter().map(Vec::as_slice).collect();
    if repeat {
        let first = out.first().copied().unwrap_or(&[]);
        out.resize(CORSGUARD_MAX_HEADER_LINES + 1, first);
    }
    out
}

fn decide_both(policy: *const corsguard_policy, rust_policy: &OwnedPolicy, request: &OwnedRequest, abuse: LineAbuse) {
    let r = &request.inner;
    let mut arrays =
        [slices(&r.origin), slices(&r.request_method), slices(&r.request_headers), slices(&r.request_private_network)];
    let mut expected_error = None;
    let mut method = slice(&r.method);
    let mut null_header = None;
    let mut repeated = None;
    match abuse {
        LineAbuse::None | LineAbuse::DanglingEmpty => {}
        LineAbuse::NullWithCount(which) => {
            null_header = Some(usize::from(which % 4));
            expected_error = Some(CORSGUARD_RESULT_INVALID_SLICE);
        }
        LineAbuse::TooManyLines(which) => {
            let which = usize::from(which % 4);
            let a = &mut arrays[which];
            let line = a.first().copied().unwrap_or(corsguard_slice { ptr: ptr::null(), len: 0 });
            a.resize(CORSGUARD_MAX_HEADER_LINES + 1, line);
            repeated = Some(which);
            if which == 2 {
                expected_error = Some(CORSGUARD_RESULT_TOO_MANY_LINES);
            }
        }
        LineAbuse::NullMethod => {
            method = corsguard_slice { ptr: ptr::null(), len: 1 };
            expected_error = Some(CORSGUARD_RESULT_INVALID_SLICE);
        }
    }
    let dangling = ptr::NonNull::<corsguard_slice>::dangling().as_ptr() as *const corsguard_slice;
    let array_ptr = |i: usize, a: &Vec<corsguard_slice>| -> (*const corsguard_slice, usize) {
        if null_header == Some(i) {
            (ptr::null(), a.len().max(1))
        } else if a.is_empty() {
            (if matches!(abuse, LineAbuse::DanglingEmpty) { dangling } else { ptr::null() }, 0)
        } else {
            (a.as_ptr(), a.len())
        }
    };
    // Origin, ACRM and ACRPN go as their first line and their count; the abuse of a NULL array is, for
    // them, a first line of NULL with a length.
    let first_line = |i: usize, a: &Vec<corsguard_slice>| -> (corsguard_slice, usize) {
        if null_header == Some(i) {
            (corsguard_slice { ptr: ptr::null(), len: 1 }, a.len().max(1))
        } else if let Some(&first) = a.first() {
            (first, a.len())
        } else if matches!(abuse, LineAbuse::DanglingEmpty) {
            (corsguard_slice { ptr: ptr::NonNull::<u8>::dangling().as_ptr(), len: 0 }, 0)
        } else {
            (corsguard_slice { ptr: ptr::null(), len: 0 }, 0)
        }
    };
    let (origin, origin_count) = first_line(0, &arrays[0]);
    let (request_method, request_method_count) = first_line(1, &arrays[1]);
    let (request_headers, request_headers_count) = array_ptr(2, &arrays[2]);
    let (request_private_network, request_private_network_count) = first_line(3, &arrays[3]);
    let c_request = corsguard_request {
        method,
        origin,
        origin_count,
        request_method,
        request_method_count,
        request_headers,
        request_headers_count,
        request_private_network,
        request_private_network_count,
    };

    let mut out = new_decision();
    // SAFETY: every pointer is NULL (where the check above expects an error) or into a live local.
    let result = unsafe { corsguard_decide(policy, &c_request, &mut *out) };
    if let Some(expected) = expected_error {
        assert_eq!(result, expected, "abuse {abuse:?}");
        assert!(out.opaque.iter().all(|&w| w == 0), "decide wrote on an error");
        // SAFETY: a zeroed decision holds no decision: every accessor gives its neutral value.
        unsafe {
            assert_eq!(corsguard_decision_verdict(&*out), 1);
            assert_eq!(corsguard_decision_header_count(&*out), 0);
        }
        return;
    }
    assert_eq!(result, CORSGUARD_RESULT_OK);
    // SAFETY: NULL arguments are refused without writing; a zeroed decision is not a decision.
    unsafe {
        let mut other = new_decision();
        assert_eq!(corsguard_decide(ptr::null(), &c_request, &mut *other), CORSGUARD_RESULT_NULL_ARGUMENT);
        assert_eq!(corsguard_decide(policy, ptr::null(), &mut *other), CORSGUARD_RESULT_NULL_ARGUMENT);
        assert_eq!(corsguard_decide(policy, &c_request, ptr::null_mut()), CORSGUARD_RESULT_NULL_ARGUMENT);
        assert!(other.opaque.iter().all(|&w| w == 0));
        let mut n = 5usize;
        assert_eq!(
            corsguard_decision_write_headers(&*other, ptr::null_mut(), 0, &mut n),
            CORSGUARD_RESULT_INVALID_DECISION
        );
        assert_eq!(n, 5);
    }
    let c: &corsguard_decision = &out;

    let origin = rust_lines(&r.origin, repeated == Some(0));
    let request_method = rust_lines(&r.request_method, repeated == Some(1));
    let request_headers = rust_lines(&r.request_headers, repeated == Some(2));
    let request_private_network = rust_lines(&r.request_private_network, repeated == Some(3));
    let req = Request {
        method: &r.method,
        origin: &origin,
        request_method: &request_method,
        request_headers: &request_headers,
        request_private_network: &request_private_network,
    };
    let d = rust_policy.decide(&req);
    // SAFETY (block): a decision corsguard_decide wrote, read in place; static NUL-terminated texts; slices the
    // decision points at (static names, values in the policy or request).
    unsafe {
        assert_eq!(corsguard_decision_kind(c), d.kind() as u32);
        assert_eq!(corsguard_decision_verdict(c), d.verdict() as u32);
        assert_eq!(corsguard_decision_reason(c), d.reason().map_or(0, |x| x.code()));
        assert_eq!(corsguard_decision_origin_error(c), d.origin_error().map_or(0, |x| x.code()));
        assert_eq!(corsguard_decision_status(c), d.status().unwrap_or(0));
        assert_eq!(corsguard_decision_answer_now(c), d.answer_now());
        assert!(!std::ffi::CStr::from_ptr(corsguard_reason_str(corsguard_decision_reason(c))).to_bytes().is_empty());
        let rust_headers: Vec<_> = d.headers().iter().collect();
        let count = corsguard_decision_header_count(c);
        assert_eq!(count, rust_headers.len());
        assert!(count <= CORSGUARD_MAX_HEADERS);
        let mut all = [MaybeUninit::<corsguard_header>::uninit(); CORSGUARD_MAX_HEADERS];
        let mut n = usize::MAX;
        if count > 0 {
            let r = corsguard_decision_headers(c, all[0].as_mut_ptr(), count - 1, &mut n);
            assert_eq!((r, n), (CORSGUARD_RESULT_BUFFER_TOO_SMALL, count));
        }
        assert_eq!(corsguard_decision_headers(c, all[0].as_mut_ptr(), all.len(), &mut n), CORSGUARD_RESULT_OK);
        assert_eq!(n, count);
        for (i, want) in rust_headers.iter().enumerate() {
            let h = all[i].assume_init();
            let mut one = MaybeUninit::<corsguard_header>::uninit();
            assert_eq!(corsguard_decision_header(c, i, one.as_mut_ptr()), CORSGUARD_RESULT_OK);
            let one = one.assume_init();
            assert!(one.name.ptr == h.name.ptr && one.value.ptr == h.value.ptr && one.value.len == h.value.len);
            let (name, value) = (
                std::slice::from_raw_parts(h.name.ptr, h.name.len),
                std::slice::from_raw_parts(h.value.ptr, h.value.len),
            );
            assert_eq!(name, want.name.as_bytes());
            assert_eq!(value, want.value);
            // Names are documented NUL-terminated one byte past `len`.
            assert_eq!(*h.name.ptr.add(h.name.len), 0);
            if name == b"Access-Control-Allow-Origin" && value != b"*" {
                // Zero-copy: the reflected origin points into the caller's own Origin bytes.
                let range = r.origin[0].as_ptr_range();
                assert!(range.contains(&h.value.ptr) || (h.value.len == 0), "ACAO is not borrowed from the request");
            }
        }
        let mut past = MaybeUninit::<corsguard_header>::zeroed();
        assert_eq!(corsguard_decision_header(c, count, past.as_mut_ptr()), CORSGUARD_RESULT_OUT_OF_RANGE);
        assert!(past.assume_init().name.ptr.is_null(), "written on an error");
    }
    check_write_headers(c, d.headers());
}

fn check_write_headers(c: &corsguard_decision, rust: &corsguard::ResponseHeaders<'_>) {
    let needed = rust.rendered_len();
    let mut expected = vec![0u8; needed];
    assert_eq!(rust.write_to(&mut expected), Ok(needed));
    // SAFETY (block): every pointer is NULL where the contract allows it, or into a live local.
    unsafe {
        // Size query: NULL buffer, length 0.
        let mut n = usize::MAX;
        let r = corsguard_decision_write_headers(c, ptr::null_mut(), 0, &mut n);
        if needed == 0 {
            assert_eq!((r, n), (CORSGUARD_RESULT_OK, 0));
        } else {
            assert_eq!((r, n), (CORSGUARD_RESULT_BUFFER_TOO_SMALL, needed));
        }
        // Exact buffer, with a sentinel tail that must survive.
        let mut buf = vec![0xA5u8; needed + 3];
        let mut written = 0usize;
        assert_eq!(corsguard_decision_write_headers(c, buf.as_mut_ptr(), needed, &mut written), CORSGUARD_RESULT_OK);
        assert_eq!(written, needed);
        assert_eq!(&buf[..needed], expected.as_slice());
        assert!(buf[needed..].iter().all(|&b| b == 0xA5));
        // One byte short: refused, buffer untouched.
        if needed > 0 {
            let mut short = vec![0xA5u8; needed - 1];
            let mut n = 0usize;
            let r = corsguard_decision_write_headers(c, short.as_mut_ptr(), short.len(), &mut n);
            assert_eq!((r, n), (CORSGUARD_RESULT_BUFFER_TOO_SMALL, needed));
            assert!(short.iter().all(|&b| b == 0xA5), "a refused write touched the buffer");
        }
        // Bad arguments.
        let mut n = 7usize;
        assert_eq!(
            corsguard_decision_write_headers(ptr::null(), buf.as_mut_ptr(), buf.len(), &mut n),
            CORSGUARD_RESULT_NULL_ARGUMENT
        );
        assert_eq!(
            corsguard_decision_write_headers(c, buf.as_mut_ptr(), buf.len(), ptr::null_mut()),
            CORSGUARD_RESULT_NULL_ARGUMENT
        );
        assert_eq!(corsguard_decision_write_headers(c, ptr::null_mut(), 5, &mut n), CORSGUARD_RESULT_INVALID_SLICE);
        assert_eq!(n, 7, "nothing written on an error");
        // A copy of the decision is not a decision (it may point into the original).
        let copy = Box::new(*c);
        assert_eq!(
            corsguard_decision_write_headers(&*copy, buf.as_mut_ptr(), buf.len(), &mut n),
            CORSGUARD_RESULT_INVALID_DECISION
        );
        assert_eq!(corsguard_decision_verdict(&*copy), 1);
        assert_eq!(n, 7);
    }
}
