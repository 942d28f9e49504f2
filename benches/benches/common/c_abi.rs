//! The C-ABI side of every case: the same policy built through `corsguard_policy_init` from a
//! `corsguard_config` into memory the benchmark owns, and the same request as a `corsguard_request`, so that
//! `corsguard_decide` (called through the library's Rust-visible `extern "C"` functions, as C calls them) is
//! measured beside `Policy::decide` on identical work. Everything is prepared (and leaked) once per case.
#![allow(dead_code)]

use std::ptr;

use corsguard_benches::{Case, Expect, PolicyShape, RequestSpec, EXPOSED_HEADERS, MAX_AGE, METHODS, REQUEST_HEADERS};
use corsguard_ffi::{
    corsguard_config, corsguard_decide, corsguard_decision, corsguard_decision_header_count,
    corsguard_decision_headers, corsguard_decision_verdict, corsguard_header, corsguard_policy, corsguard_policy_init,
    corsguard_policy_size, corsguard_request, corsguard_slice, corsguard_verdict, CORSGUARD_DECISION_WORDS,
    CORSGUARD_MAX_HEADERS, CORSGUARD_MODE_LIST, CORSGUARD_RESULT_OK, CORSGUARD_RESULT_TOO_MANY_LINES,
};

fn slice(bytes: &'static [u8]) -> corsguard_slice {
    corsguard_slice { ptr: bytes.as_ptr(), len: bytes.len() }
}

fn leak<T>(items: Vec<T>) -> &'static [T] {
    Box::leak(items.into_boxed_slice())
}

fn slices(texts: &[&'static str]) -> &'static [corsguard_slice] {
    leak(texts.iter().map(|t| slice(t.as_bytes())).collect())
}

/// The benchmark policy of `shape`, as `corsguard_policy_init` builds it in caller memory (leaked).
pub fn policy(shape: PolicyShape) -> &'static corsguard_policy {
    let origins: Vec<&'static str> = shape.origins().into_iter().map(|o| &*Box::leak(o.into_boxed_str())).collect();
    let origins = slices(&origins);
    let methods = slices(METHODS);
    let request_headers = slices(&REQUEST_HEADERS);
    let exposed_headers = slices(EXPOSED_HEADERS);
    let config = corsguard_config {
        origins: origins.as_ptr(),
        origin_count: origins.len(),
        credentials: true,
        methods_mode: CORSGUARD_MODE_LIST,
        methods: methods.as_ptr(),
        method_count: methods.len(),
        request_headers_mode: CORSGUARD_MODE_LIST,
        request_headers: request_headers.as_ptr(),
        request_header_count: request_headers.len(),
        exposed_headers_mode: CORSGUARD_MODE_LIST,
        exposed_headers: exposed_headers.as_ptr(),
        exposed_header_count: exposed_headers.len(),
        has_max_age: true,
        max_age: MAX_AGE,
        preflight_success_status: 0,
        preflight_failure_status: 0,
        private_network: false,
        allow_insecure_origins_with_credentials: false,
        max_origin_len: 0,
        max_request_headers_len: 0,
        max_request_headers_count: 0,
    };
    let mut size = 0usize;
    // SAFETY: a config of leaked arrays of leaked strings; the memory is leaked, so the policy lives forever.
    unsafe {
        assert_eq!(corsguard_policy_size(&config, &mut size), CORSGUARD_RESULT_OK);
        let memory: &'static mut [u64] = Box::leak(vec![0u64; size.div_ceil(8)].into_boxed_slice());
        let mut policy: *const corsguard_policy = ptr::null();
        let result = corsguard_policy_init(&config, memory.as_mut_ptr().cast(), size, &mut policy, ptr::null_mut());
        assert_eq!(result, CORSGUARD_RESULT_OK, "benchmark policy {shape:?} refused through the C ABI");
        &*policy
    }
}

/// The request of a case as a C caller passes it (leaked).
pub fn request(spec: &RequestSpec) -> &'static corsguard_request {
    fn lines(lines: &[Vec<u8>]) -> &'static [corsguard_slice] {
        leak(lines.iter().map(|l| slice(Box::leak(l.clone().into_boxed_slice()))).collect())
    }
    let origin = lines(&spec.origin);
    let request_method = lines(&spec.request_method);
    let request_headers = lines(&spec.request_headers);
    let none = corsguard_slice { ptr: ptr::null(), len: 0 };
    Box::leak(Box::new(corsguard_request {
        method: slice(spec.method.as_bytes()),
        origin: origin.first().copied().unwrap_or(none),
        origin_count: origin.len(),
        request_method: request_method.first().copied().unwrap_or(none),
        request_method_count: request_method.len(),
        request_headers: request_headers.as_ptr(),
        request_headers_count: request_headers.len(),
        request_private_network: none,
        request_private_network_count: 0,
    }))
}

/// A decision for `corsguard_decide` to write into, as a C caller keeps one on its stack.
pub fn decision() -> Box<corsguard_decision> {
    Box::new(corsguard_decision { opaque: [0; CORSGUARD_DECISION_WORDS] })
}

/// One call of `corsguard_decide`, the C ABI's whole per-request cost; returns its result code.
#[inline(always)]
pub fn decide(policy: &corsguard_policy, request: &corsguard_request, decision: &mut corsguard_decision) -> u32 {
    // SAFETY: a policy from `policy`, a request from `request`, a writable decision.
    unsafe { corsguard_decide(policy, request, decision) }
}

/// `corsguard_decide` and then `corsguard_decision_headers`, what a server does per request: the decision and
/// its headers copied out to be added to the response. Returns the total length of names and values.
#[inline(always)]
pub fn decide_with_headers(
    policy: &corsguard_policy,
    request: &corsguard_request,
    decision: &mut corsguard_decision,
) -> usize {
    let empty = corsguard_header { name: slice(b""), value: slice(b"") };
    let mut headers = [empty; CORSGUARD_MAX_HEADERS];
    let mut count = 0usize;
    // SAFETY: as in `decide`; `headers` holds CORSGUARD_MAX_HEADERS entries, `count` is writable.
    unsafe {
        if corsguard_decide(policy, request, decision) != CORSGUARD_RESULT_OK
            || corsguard_decision_headers(decision, headers.as_mut_ptr(), headers.len(), &mut count)
                != CORSGUARD_RESULT_OK
        {
            return 0;
        }
    }
    headers.iter().take(count).map(|h| h.name.len + h.value.len).sum()
}

/// Panics unless the C ABI answers the case as expected.
pub fn check(case: &Case, policy: &corsguard_policy, request: &corsguard_request) {
    let mut d = decision();
    let result = decide(policy, request, &mut d);
    if result == CORSGUARD_RESULT_TOO_MANY_LINES {
        // More Access-Control-Request-Headers lines than the C ABI takes: the host answers 400, a denial.
        assert_eq!(case.expect, Expect::Denied, "{}/{}: refused through the C ABI", case.group, case.name);
        return;
    }
    assert_eq!(result, CORSGUARD_RESULT_OK);
    // SAFETY: a decision `corsguard_decide` just wrote, read in place.
    let (verdict, count) = unsafe { (corsguard_decision_verdict(&*d), corsguard_decision_header_count(&*d)) };
    let allowed = verdict == corsguard_verdict::Allowed as u32 && count > 1;
    match case.expect {
        Expect::Allowed => assert!(allowed, "{}/{}: expected allowed through the C ABI", case.group, case.name),
        Expect::Denied => assert!(!allowed, "{}/{}: expected denied through the C ABI", case.group, case.name),
    }
}
