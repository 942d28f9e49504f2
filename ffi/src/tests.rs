//! What the C suite in tests/c/ cannot reach: a panic forced inside the boundary of every exported function
//! (standard build only), which must come back as `CORSGUARD_RESULT_PANIC` or the documented fallback, with
//! nothing written and every object still usable. Everything else is tested from C, under sanitizers.

use core::ffi::CStr;
use core::mem::MaybeUninit;
use core::ptr::{null, null_mut};

use crate::boundary::testing::panic_next_call;
use crate::*;

fn s(bytes: &[u8]) -> corsguard_slice {
    corsguard_slice { ptr: bytes.as_ptr(), len: bytes.len() }
}

fn text(p: *const core::ffi::c_char) -> &'static str {
    assert!(!p.is_null());
    // SAFETY: every text the library returns is static and NUL-terminated.
    unsafe { CStr::from_ptr(p) }.to_str().expect("UTF-8 text")
}

fn config(origins: &[corsguard_slice]) -> corsguard_config {
    // SAFETY: all-zero is the documented default of every field (NULL arrays with count 0, false, 0).
    let mut config: corsguard_config = unsafe { MaybeUninit::zeroed().assume_init() };
    config.origins = origins.as_ptr();
    config.origin_count = origins.len();
    config
}

fn fresh_decision() -> Box<corsguard_decision> {
    Box::new(corsguard_decision { opaque: [0; CORSGUARD_DECISION_WORDS] })
}

#[test]
fn a_panic_inside_any_boundary_becomes_a_result_and_writes_nothing() {
    let origins = [s(b"https://a.example")];
    let config = config(&origins);
    let mut size = 0usize;
    // SAFETY (whole test): pointers to live locals and boxes, lengths of live buffers.
    assert_eq!(unsafe { corsguard_policy_size(&config, &mut size) }, CORSGUARD_RESULT_OK);
    let mut memory = vec![0u8; size];
    let mut policy: *const corsguard_policy = null();
    let init = unsafe { corsguard_policy_init(&config, memory.as_mut_ptr().cast(), size, &mut policy, null_mut()) };
    assert_eq!(init, CORSGUARD_RESULT_OK);

    let mut builder: *mut corsguard_policy_builder = null_mut();
    assert_eq!(unsafe { corsguard_policy_builder_new(&mut builder) }, CORSGUARD_RESULT_OK);
    assert_eq!(unsafe { corsguard_policy_builder_add_origin(builder, b"https://a.example".as_ptr(), 17) }, 0);
    let mut built: *mut corsguard_policy = null_mut();
    assert_eq!(unsafe { corsguard_policy_builder_build(builder, &mut built, null_mut()) }, CORSGUARD_RESULT_OK);

    let request = corsguard_request {
        method: s(b"GET"),
        origin: s(b"https://a.example"),
        origin_count: 1,
        request_method: s(b""),
        request_method_count: 0,
        request_headers: null(),
        request_headers_count: 0,
        request_private_network: s(b""),
        request_private_network_count: 0,
    };
    let mut decision = fresh_decision();
    assert_eq!(unsafe { corsguard_decide(policy, &request, &mut *decision) }, CORSGUARD_RESULT_OK);
    let decision: &corsguard_decision = &decision;

    let one = [s(b"GET")];
    type Call<'a> = Box<dyn Fn() -> corsguard_result + 'a>;
    let mut out_builder: *mut corsguard_policy_builder = null_mut();
    let mut out_policy: *mut corsguard_policy = null_mut();
    let mut out_init: *const corsguard_policy = null();
    let mut out_size = 0usize;
    let (builder_out, policy_out, init_out, size_out) =
        (&mut out_builder as *mut _, &mut out_policy as *mut _, &mut out_init as *mut _, &mut out_size as *mut _);
    let mut other_memory = vec![0u8; size];
    let other = other_memory.as_mut_ptr();
    let b = builder;
    let calls: Vec<(&str, Call<'_>)> = vec![
        ("policy_size", Box::new(|| unsafe { corsguard_policy_size(&config, size_out) })),
        (
            "policy_init",
            Box::new(|| unsafe { corsguard_policy_init(&config, other.cast(), size, init_out, null_mut()) }),
        ),
        ("builder_new", Box::new(|| unsafe { corsguard_policy_builder_new(builder_out) })),
        ("add_origin", Box::new(|| unsafe { corsguard_policy_builder_add_origin(b, b"x".as_ptr(), 1) })),
        ("set_credentials", Box::new(|| unsafe { corsguard_policy_builder_set_credentials(b, true) })),
        ("set_methods", Box::new(|| unsafe { corsguard_policy_builder_set_methods(b, one.as_ptr(), 1) })),
        ("set_methods_any", Box::new(|| unsafe { corsguard_policy_builder_set_methods_any(b) })),
        (
            "set_request_headers",
            Box::new(|| unsafe { corsguard_policy_builder_set_request_headers(b, one.as_ptr(), 1) }),
        ),
        ("set_request_headers_any", Box::new(|| unsafe { corsguard_policy_builder_set_request_headers_any(b, true) })),
        (
            "set_exposed_headers",
            Box::new(|| unsafe { corsguard_policy_builder_set_exposed_headers(b, one.as_ptr(), 1) }),
        ),
        ("set_exposed_headers_any", Box::new(|| unsafe { corsguard_policy_builder_set_exposed_headers_any(b) })),
        ("set_max_age", Box::new(|| unsafe { corsguard_policy_builder_set_max_age(b, 1) })),
        ("clear_max_age", Box::new(|| unsafe { corsguard_policy_builder_clear_max_age(b) })),
        ("set_statuses", Box::new(|| unsafe { corsguard_policy_builder_set_preflight_statuses(b, 200, 400) })),
        ("set_private_network", Box::new(|| unsafe { corsguard_policy_builder_set_private_network(b, true) })),
        (
            "set_insecure",
            Box::new(|| unsafe { corsguard_policy_builder_set_allow_insecure_origins_with_credentials(b, true) }),
        ),
        ("set_caps", Box::new(|| unsafe { corsguard_policy_builder_set_caps(b, 1, 1, 1) })),
        ("build", Box::new(|| unsafe { corsguard_policy_builder_build(b, policy_out, null_mut()) })),
        (
            "decide",
            Box::new(|| {
                let mut d = fresh_decision();
                let r = unsafe { corsguard_decide(policy, &request, &mut *d) };
                assert!(d.opaque.iter().all(|&w| w == 0), "decide wrote after a panic");
                r
            }),
        ),
        (
            "decision_headers",
            Box::new(|| {
                let mut n = 0usize;
                let mut out = [corsguard_header { name: s(b""), value: s(b"") }; CORSGUARD_MAX_HEADERS];
                let r = unsafe { corsguard_decision_headers(decision, out.as_mut_ptr(), out.len(), &mut n) };
                assert_eq!(n, 0, "decision_headers wrote after a panic");
                r
            }),
        ),
        (
            "decision_header",
            Box::new(|| {
                let mut out = corsguard_header { name: s(b""), value: s(b"") };
                let r = unsafe { corsguard_decision_header(decision, 0, &mut out) };
                assert_eq!(out.name.len, 0, "decision_header wrote after a panic");
                r
            }),
        ),
        (
            "write_headers",
            Box::new(|| {
                let mut n = 0usize;
                let mut buf = [0u8; 256];
                let r = unsafe { corsguard_decision_write_headers(decision, buf.as_mut_ptr(), buf.len(), &mut n) };
                assert_eq!(n, 0, "write_headers wrote after a panic");
                r
            }),
        ),
    ];
    for (name, call) in &calls {
        panic_next_call();
        assert_eq!(call(), CORSGUARD_RESULT_PANIC, "{name}");
    }
    drop(calls);
    assert!(out_builder.is_null() && out_policy.is_null() && out_init.is_null() && out_size == 0);
    // The panicking init wrote nothing into its memory.
    assert!(other_memory.iter().all(|&byte| byte == 0));

    // Functions that cannot return a code fall back to a documented value.
    type Read<'a> = Box<dyn Fn() -> u64 + 'a>;
    let fallbacks: [(&str, Read<'_>, u64); 7] = [
        ("kind", Box::new(|| u64::from(unsafe { corsguard_decision_kind(decision) })), 0),
        ("verdict", Box::new(|| u64::from(unsafe { corsguard_decision_verdict(decision) })), 1),
        ("reason", Box::new(|| u64::from(unsafe { corsguard_decision_reason(decision) })), 0),
        ("origin_error", Box::new(|| u64::from(unsafe { corsguard_decision_origin_error(decision) })), 0),
        ("status", Box::new(|| u64::from(unsafe { corsguard_decision_status(decision) })), 0),
        ("answer_now", Box::new(|| u64::from(unsafe { corsguard_decision_answer_now(decision) })), 0),
        ("header_count", Box::new(|| unsafe { corsguard_decision_header_count(decision) } as u64), 0),
    ];
    for (name, call, fallback) in &fallbacks {
        panic_next_call();
        assert_eq!(call(), *fallback, "{name}");
    }
    panic_next_call();
    assert_eq!(text(corsguard_result_str(0)), "unknown code");
    panic_next_call();
    assert_eq!(text(corsguard_reason_str(1)), "unknown code");
    panic_next_call();
    assert_eq!(text(corsguard_origin_error_str(1)), "unknown code");
    panic_next_call();
    assert_eq!(text(corsguard_policy_error_kind_str(1)), "unknown code");
    panic_next_call();
    assert_eq!(text(corsguard_setting_str(1)), "unknown code");
    panic_next_call();
    assert_eq!(text(corsguard_version()), env!("CARGO_PKG_VERSION"), "its fallback is the version itself");

    // Everything is still usable after the panics: the decision reads as it did, the policies decide.
    // SAFETY: as above.
    unsafe {
        assert_eq!(corsguard_decision_verdict(decision), corsguard_verdict::Allowed as u32);
        assert_eq!(corsguard_decision_header_count(decision), 2);
        let mut again = fresh_decision();
        assert_eq!(corsguard_decide(policy, &request, &mut *again), CORSGUARD_RESULT_OK);
        assert_eq!(corsguard_decide(built, &request, &mut *again), CORSGUARD_RESULT_OK);
        assert_eq!(corsguard_decision_verdict(&*again), corsguard_verdict::Allowed as u32);
    }

    // The free functions return nothing: a panic before the free leaves the object live, to be freed after.
    panic_next_call();
    unsafe { corsguard_policy_builder_free(builder) };
    panic_next_call();
    unsafe { corsguard_policy_free(built) };
    // SAFETY: both still live (the panics came first), freed once now.
    unsafe {
        corsguard_policy_builder_free(builder);
        corsguard_policy_free(built);
    }
    drop(memory);
}
