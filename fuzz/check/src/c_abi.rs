//! The C ABI check: builds a policy and decides requests through the exported `corsguard_*` functions only,
//! with raw pointers and lengths as a C caller passes them, and asserts that the C answers are the Rust core's
//! answers byte for byte, that header values borrow (never copy) the request's origin, that every pointer and
//! length check reports its documented code, and that nothing is ever written on an error.

use std::ptr;

use arbitrary::{Arbitrary, Unstructured};
use corsguard::{index_len, Policy};
use corsguard_ffi::{
    corsguard_decide, corsguard_decision, corsguard_decision_write_headers, corsguard_origin_error_str,
    corsguard_policy, corsguard_policy_builder, corsguard_policy_builder_add_origin, corsguard_policy_builder_build,
    corsguard_policy_builder_free, corsguard_policy_builder_new, corsguard_policy_builder_set_allow_insecure_origins_with_credentials,
    corsguard_policy_builder_set_caps, corsguard_policy_builder_set_credentials,
    corsguard_policy_builder_set_exposed_headers, corsguard_policy_builder_set_exposed_headers_any,
    corsguard_policy_builder_set_max_age, corsguard_policy_builder_set_methods,
    corsguard_policy_builder_set_methods_any, corsguard_policy_builder_set_preflight_statuses,
    corsguard_policy_builder_set_private_network, corsguard_policy_builder_set_request_headers,
    corsguard_policy_builder_set_request_headers_any, corsguard_policy_error, corsguard_policy_free,
    corsguard_reason_str, corsguard_request, corsguard_result, corsguard_result_str, corsguard_slice,
    CORSGUARD_MAX_HEADERS, CORSGUARD_MAX_HEADER_LINES, CORSGUARD_NO_INDEX,
};

use crate::gen::{OwnedConfig, OwnedRequest, PolicyInput, RequestInput};

/// What the C-ABI target decodes from the fuzzer's bytes.
#[derive(Arbitrary, Debug)]
struct CAbiInput {
    policy: PolicyInput,
    /// An extra origin entry given as raw bytes (the C side takes any bytes, UTF-8 or not).
    raw_origin: Option<Vec<u8>>,
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
    /// One header repeated past CORSGUARD_MAX_HEADER_LINES.
    TooManyLines(u8),
    /// The method as NULL with a non-zero length.
    NullMethod,
}

fn slice(bytes: &[u8]) -> corsguard_slice {
    corsguard_slice { ptr: bytes.as_ptr(), len: bytes.len() }
}

fn slices(lines: &[Vec<u8>]) -> Vec<corsguard_slice> {
    lines.iter().map(|l| slice(l)).collect()
}

/// Builds the policy through the C builder; returns the C result, the policy (on success) and the error.
fn build_c(owned: &OwnedConfig, raw_origin: Option<&[u8]>) -> (corsguard_result, *mut corsguard_policy, corsguard_policy_error) {
    let mut builder: *mut corsguard_policy_builder = ptr::null_mut();
    // SAFETY (every call below): pointers to live locals, and (pointer, length) pairs from live slices.
    unsafe {
        assert_eq!(corsguard_policy_builder_new(&mut builder), corsguard_result::Ok);
        assert!(!builder.is_null());
        for origin in &owned.origins {
            assert_eq!(corsguard_policy_builder_add_origin(builder, origin.as_ptr(), origin.len()), corsguard_result::Ok);
        }
        if let Some(raw) = raw_origin {
            assert_eq!(corsguard_policy_builder_add_origin(builder, raw.as_ptr(), raw.len()), corsguard_result::Ok);
        }
        assert_eq!(corsguard_policy_builder_set_credentials(builder, owned.base.credentials), corsguard_result::Ok);
        let list = |l: &[String]| l.iter().map(|s| slice(s.as_bytes())).collect::<Vec<_>>();
        match &owned.methods {
            Some(m) => {
                let m = list(m);
                assert_eq!(corsguard_policy_builder_set_methods(builder, m.as_ptr(), m.len()), corsguard_result::Ok);
            }
            None => assert_eq!(corsguard_policy_builder_set_methods_any(builder), corsguard_result::Ok),
        }
        match &owned.request_headers {
            Some(h) => {
                let h = list(h);
                assert_eq!(corsguard_policy_builder_set_request_headers(builder, h.as_ptr(), h.len()), corsguard_result::Ok);
            }
            None => assert_eq!(
                corsguard_policy_builder_set_request_headers_any(builder, owned.headers_any_with_authorization),
                corsguard_result::Ok
            ),
        }
        match &owned.exposed_headers {
            Some(h) => {
                let h = list(h);
                assert_eq!(corsguard_policy_builder_set_exposed_headers(builder, h.as_ptr(), h.len()), corsguard_result::Ok);
            }
            None => assert_eq!(corsguard_policy_builder_set_exposed_headers_any(builder), corsguard_result::Ok),
        }
        if let Some(age) = owned.base.max_age {
            assert_eq!(corsguard_policy_builder_set_max_age(builder, age), corsguard_result::Ok);
        }
        let statuses = corsguard_policy_builder_set_preflight_statuses(
            builder,
            u32::from(owned.base.preflight_success_status),
            u32::from(owned.base.preflight_failure_status),
        );
        assert_eq!(statuses, corsguard_result::Ok);
        assert_eq!(corsguard_policy_builder_set_private_network(builder, owned.base.private_network), corsguard_result::Ok);
        let insecure = owned.base.allow_insecure_origins_with_credentials;
        assert_eq!(corsguard_policy_builder_set_allow_insecure_origins_with_credentials(builder, insecure), corsguard_result::Ok);
        let caps = corsguard_policy_builder_set_caps(
            builder,
            owned.base.max_origin_len,
            owned.base.max_request_headers_len,
            owned.base.max_request_headers_count,
        );
        assert_eq!(caps, corsguard_result::Ok);

        // NULL arguments are refused and write nothing.
        let mut sentinel = 0x5a5a_usize as *mut corsguard_policy;
        assert_eq!(corsguard_policy_builder_build(ptr::null(), &mut sentinel, ptr::null_mut()), corsguard_result::NullArgument);
        assert_eq!(corsguard_policy_builder_build(builder, ptr::null_mut(), ptr::null_mut()), corsguard_result::NullArgument);
        assert_eq!(sentinel as usize, 0x5a5a);

        let mut policy: *mut corsguard_policy = ptr::null_mut();
        let mut error = corsguard_policy_error {
            kind: 0,
            setting: 0,
            index: 0,
            origin_error: 0,
            message: ptr::null(),
            setting_name: ptr::null(),
        };
        let result = corsguard_policy_builder_build(builder, &mut policy, &mut error);
        // The builder may be freed at once: the policy owns copies of everything.
        corsguard_policy_builder_free(builder);
        corsguard_policy_builder_free(ptr::null_mut());
        (result, policy, error)
    }
}

/// Drives the C ABI with a structured policy and requests, comparing every answer with the Rust core's.
pub fn check_c_abi(data: &[u8]) {
    let Ok(input) = CAbiInput::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let mut owned = input.policy.render();
    // The C side sizes its own index.
    let raw_utf8 = input.raw_origin.as_deref().map(|r| std::str::from_utf8(r).ok().map(str::to_owned));
    let raw_for_c = input.raw_origin.as_deref();
    if let Some(Some(text)) = &raw_utf8 {
        owned.origins.push(text.clone());
    }
    let lists = owned.lists();
    let config = owned.config(&lists);
    let mut index = vec![0u32; index_len(config.origins.len())];
    let rust = Policy::build(&config, &mut index);

    let (result, c_policy, error) = build_c(&owned, if matches!(raw_utf8, Some(Some(_))) { None } else { raw_for_c });
    // SAFETY: static NUL-terminated strings, never NULL.
    assert!(!unsafe { std::ffi::CStr::from_ptr(corsguard_result_str(result as u32)) }.to_bytes().is_empty());
    let non_utf8_entry = matches!(raw_utf8, Some(None));
    let policy = match (&rust, result) {
        (Ok(_), corsguard_result::Ok) if !non_utf8_entry => {
            assert!(!c_policy.is_null());
            c_policy
        }
        (_, corsguard_result::Ok) => panic!("C accepted a policy Rust refuses (or with a non-UTF-8 origin entry)"),
        (Err(e), corsguard_result::PolicyInvalid) => {
            assert!(c_policy.is_null());
            if !non_utf8_entry {
                assert_eq!(error.kind, e.kind.code());
                assert_eq!(error.setting, e.setting.code());
                assert_eq!(error.index, e.index.unwrap_or(CORSGUARD_NO_INDEX));
                assert_eq!(error.origin_error, e.origin_error.map_or(0, |o| o.code()));
            }
            // SAFETY: static NUL-terminated strings, documented never NULL.
            unsafe {
                assert!(!error.message.is_null() && !error.setting_name.is_null());
                assert!(!std::ffi::CStr::from_ptr(error.message).to_bytes().is_empty());
                assert!(!std::ffi::CStr::from_ptr(corsguard_origin_error_str(error.origin_error)).to_bytes().is_empty());
            }
            return;
        }
        (Ok(_), corsguard_result::PolicyInvalid) if non_utf8_entry => return,
        (r, c) => panic!("Rust {r:?} vs C {c:?}"),
    };
    let rust_policy = rust.expect("checked above");

    for (request, abuse) in input.requests.iter().take(4) {
        let request = request.render(&owned);
        decide_both(policy, &rust_policy, &request, *abuse);
    }
    // SAFETY: from a successful build, freed once; NULL is a no-op.
    unsafe {
        corsguard_policy_free(policy);
        corsguard_policy_free(ptr::null_mut());
    }
}

fn decide_both(policy: *const corsguard_policy, rust_policy: &Policy<'_>, request: &OwnedRequest, abuse: LineAbuse) {
    let r = &request.inner;
    let mut arrays = [slices(&r.origin), slices(&r.request_method), slices(&r.request_headers), slices(&r.request_private_network)];
    let mut expected_error = None;
    let mut method = slice(&r.method);
    let mut null_header = None;
    match abuse {
        LineAbuse::None | LineAbuse::DanglingEmpty => {}
        LineAbuse::NullWithCount(which) => {
            null_header = Some(usize::from(which % 4));
            expected_error = Some(corsguard_result::InvalidSlice);
        }
        LineAbuse::TooManyLines(which) => {
            let a = &mut arrays[usize::from(which % 4)];
            let line = a.first().copied().unwrap_or(corsguard_slice { ptr: ptr::null(), len: 0 });
            a.resize(CORSGUARD_MAX_HEADER_LINES + 1, line);
            expected_error = Some(corsguard_result::TooManyLines);
        }
        LineAbuse::NullMethod => {
            method = corsguard_slice { ptr: ptr::null(), len: 1 };
            expected_error = Some(corsguard_result::InvalidSlice);
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
    let (origin, origin_count) = array_ptr(0, &arrays[0]);
    let (request_method, request_method_count) = array_ptr(1, &arrays[1]);
    let (request_headers, request_headers_count) = array_ptr(2, &arrays[2]);
    let (request_private_network, request_private_network_count) = array_ptr(3, &arrays[3]);
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

    // SAFETY: every pointer is NULL (where the check above expects an error) or into a live local.
    let mut out = std::mem::MaybeUninit::<corsguard_decision>::zeroed();
    let result = unsafe { corsguard_decide(policy, &c_request, out.as_mut_ptr()) };
    if let Some(expected) = expected_error {
        assert_eq!(result, expected, "abuse {abuse:?}");
        // Nothing written on an error: the zeroed struct is still zero.
        // SAFETY: zero is a valid bit pattern for every field (integers, bool, NULL pointers).
        let untouched = unsafe { out.assume_init() };
        assert_eq!(untouched.header_count, 0);
        assert_eq!(untouched.kind, 0);
        return;
    }
    assert_eq!(result, corsguard_result::Ok);
    // SAFETY: written on success.
    let c = unsafe { out.assume_init() };
    // SAFETY: NULL arguments are refused without writing.
    unsafe {
        assert_eq!(corsguard_decide(ptr::null(), &c_request, out.as_mut_ptr()), corsguard_result::NullArgument);
        assert_eq!(corsguard_decide(policy, ptr::null(), out.as_mut_ptr()), corsguard_result::NullArgument);
        assert_eq!(corsguard_decide(policy, &c_request, ptr::null_mut()), corsguard_result::NullArgument);
    }

    request.with_request(|req| {
        let d = rust_policy.decide(req);
        assert_eq!(c.kind, d.kind() as u32);
        assert_eq!(c.verdict, d.verdict() as u32);
        assert_eq!(c.reason, d.reason().map_or(0, |x| x.code()));
        assert_eq!(c.origin_error, d.origin_error().map_or(0, |x| x.code()));
        assert_eq!(c.status, d.status().unwrap_or(0));
        assert_eq!(c.answer_now, d.answer_now());
        // SAFETY: static NUL-terminated text.
        assert!(!unsafe { std::ffi::CStr::from_ptr(corsguard_reason_str(c.reason)) }.to_bytes().is_empty());
        let rust_headers: Vec<_> = d.headers().iter().collect();
        assert_eq!(c.header_count, rust_headers.len());
        assert!(c.header_count <= CORSGUARD_MAX_HEADERS);
        for (i, h) in c.headers.iter().enumerate() {
            if i >= c.header_count {
                assert!(h.name.ptr.is_null() && h.name.len == 0 && h.value.len == 0, "entries past the count are zeroed");
                continue;
            }
            // SAFETY: slices the decision points at: static names, and values in the policy or request.
            let (name, value) = unsafe {
                (std::slice::from_raw_parts(h.name.ptr, h.name.len), std::slice::from_raw_parts(h.value.ptr, h.value.len))
            };
            assert_eq!(name, rust_headers[i].name.as_bytes());
            assert_eq!(value, rust_headers[i].value);
            // SAFETY: names are documented NUL-terminated one byte past `len`.
            assert_eq!(unsafe { *h.name.ptr.add(h.name.len) }, 0);
            if name == b"Access-Control-Allow-Origin" && value != b"*" {
                // Zero-copy: the reflected origin points into the caller's own Origin bytes.
                let line = &r.origin[0];
                let range = line.as_ptr_range();
                assert!(range.contains(&h.value.ptr) || (h.value.len == 0), "ACAO is not borrowed from the request");
            }
        }
        check_write_headers(&c, d.headers());
    });
}

fn check_write_headers(c: &corsguard_decision, rust: &corsguard::ResponseHeaders<'_>) {
    let needed = rust.rendered_len();
    let mut expected = vec![0u8; needed];
    assert_eq!(rust.write_to(&mut expected), Ok(needed));
    // SAFETY (block): every pointer is NULL where the contract allows it, or into a live local.
    unsafe {
        // Size query: NULL buffer, cap 0.
        let mut n = usize::MAX;
        let r = corsguard_decision_write_headers(c, ptr::null_mut(), 0, &mut n);
        if needed == 0 {
            assert_eq!((r, n), (corsguard_result::Ok, 0));
        } else {
            assert_eq!((r, n), (corsguard_result::BufferTooSmall, needed));
        }
        // Exact buffer, with a sentinel tail that must survive.
        let mut buf = vec![0xA5u8; needed + 3];
        let mut written = 0usize;
        assert_eq!(corsguard_decision_write_headers(c, buf.as_mut_ptr(), needed, &mut written), corsguard_result::Ok);
        assert_eq!(written, needed);
        assert_eq!(&buf[..needed], expected.as_slice());
        assert!(buf[needed..].iter().all(|&b| b == 0xA5));
        // One byte short: refused, buffer untouched.
        if needed > 0 {
            let mut short = vec![0xA5u8; needed - 1];
            let mut n = 0usize;
            let r = corsguard_decision_write_headers(c, short.as_mut_ptr(), short.len(), &mut n);
            assert_eq!((r, n), (corsguard_result::BufferTooSmall, needed));
            assert!(short.iter().all(|&b| b == 0xA5), "a refused write touched the buffer");
        }
        // Bad arguments.
        let mut n = 7usize;
        assert_eq!(corsguard_decision_write_headers(ptr::null(), buf.as_mut_ptr(), buf.len(), &mut n), corsguard_result::NullArgument);
        assert_eq!(corsguard_decision_write_headers(c, buf.as_mut_ptr(), buf.len(), ptr::null_mut()), corsguard_result::NullArgument);
        assert_eq!(corsguard_decision_write_headers(c, ptr::null_mut(), 5, &mut n), corsguard_result::InvalidSlice);
        assert_eq!(n, 7, "nothing written on an error");
        let mut forged = *c;
        forged.header_count = CORSGUARD_MAX_HEADERS + 1;
        assert_eq!(corsguard_decision_write_headers(&forged, buf.as_mut_ptr(), buf.len(), &mut n), corsguard_result::InvalidDecision);
        assert_eq!(n, 7);
    }
}
