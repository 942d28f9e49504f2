//! Unit tests of the C ABI, calling the exported functions through raw pointers as C would. The C suite in
//! tests/c/ covers the same ground from C under sanitizers; these also reach what C cannot: a forced panic
//! inside the boundary, and comparisons with the core's own types.

use core::ffi::CStr;
use core::ptr::{null, null_mut};

use corsguard::{DenyReason, OriginError, PolicyErrorKind, Setting};

use crate::boundary::testing::panic_next_call;
use crate::codes::tables;
use crate::*;

fn s(bytes: &[u8]) -> corsguard_slice {
    corsguard_slice { ptr: bytes.as_ptr(), len: bytes.len() }
}

fn text(p: *const core::ffi::c_char) -> &'static str {
    assert!(!p.is_null());
    // SAFETY: every text the library returns is static and NUL-terminated.
    unsafe { CStr::from_ptr(p) }.to_str().expect("UTF-8 text")
}

struct Builder(*mut corsguard_policy_builder);

impl Builder {
    fn new() -> Builder {
        let mut b = null_mut();
        assert_eq!(unsafe { corsguard_policy_builder_new(&mut b) }, corsguard_result::Ok);
        assert!(!b.is_null());
        Builder(b)
    }

    fn origin(self, origin: &[u8]) -> Builder {
        assert_eq!(
            unsafe { corsguard_policy_builder_add_origin(self.0, origin.as_ptr(), origin.len()) },
            corsguard_result::Ok
        );
        self
    }

    fn build(&self) -> Result<Policy, corsguard_policy_error> {
        let mut policy = null_mut();
        let mut error = corsguard_policy_error {
            kind: 99,
            setting: 99,
            index: 99,
            origin_error: 99,
            message: null(),
            setting_name: null(),
        };
        match unsafe { corsguard_policy_builder_build(self.0, &mut policy, &mut error) } {
            corsguard_result::Ok => {
                assert!(!policy.is_null());
                assert_eq!(error.kind, 99, "the error is written only on failure");
                Ok(Policy(policy))
            }
            corsguard_result::PolicyInvalid => {
                assert!(policy.is_null(), "the policy is written only on success");
                Err(error)
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}

impl Drop for Builder {
    fn drop(&mut self) {
        unsafe { corsguard_policy_builder_free(self.0) }
    }
}

#[derive(Debug)]
struct Policy(*mut corsguard_policy);

impl Drop for Policy {
    fn drop(&mut self) {
        unsafe { corsguard_policy_free(self.0) }
    }
}

#[derive(Default)]
struct Req<'a> {
    method: &'a [u8],
    origin: Vec<corsguard_slice>,
    acrm: Vec<corsguard_slice>,
    acrh: Vec<corsguard_slice>,
    acrpn: Vec<corsguard_slice>,
}

impl Req<'_> {
    fn c(&self) -> corsguard_request {
        corsguard_request {
            method: s(self.method),
            origin: self.origin.as_ptr(),
            origin_count: self.origin.len(),
            request_method: self.acrm.as_ptr(),
            request_method_count: self.acrm.len(),
            request_headers: self.acrh.as_ptr(),
            request_headers_count: self.acrh.len(),
            request_private_network: self.acrpn.as_ptr(),
            request_private_network_count: self.acrpn.len(),
        }
    }
}

fn decide(policy: &Policy, req: &corsguard_request) -> Result<corsguard_decision, corsguard_result> {
    let mut out = core::mem::MaybeUninit::<corsguard_decision>::uninit();
    match unsafe { corsguard_decide(policy.0, req, out.as_mut_ptr()) } {
        corsguard_result::Ok => Ok(unsafe { out.assume_init() }),
        other => Err(other),
    }
}

fn headers(d: &corsguard_decision) -> Vec<(String, Vec<u8>)> {
    d.headers[..d.header_count]
        .iter()
        .map(|h| unsafe {
            let name = core::slice::from_raw_parts(h.name.ptr, h.name.len);
            // Names are NUL-terminated one byte past their length.
            assert_eq!(*h.name.ptr.add(h.name.len), 0);
            let value = if h.value.len == 0 { &[][..] } else { core::slice::from_raw_parts(h.value.ptr, h.value.len) };
            (String::from_utf8(name.to_vec()).unwrap(), value.to_vec())
        })
        .collect()
}

fn rendered(d: &corsguard_decision) -> Vec<u8> {
    let mut needed = 0usize;
    assert_eq!(
        unsafe { corsguard_decision_write_headers(d, null_mut(), 0, &mut needed) },
        if d.header_count == 0 { corsguard_result::Ok } else { corsguard_result::BufferTooSmall }
    );
    let mut buf = vec![0xAAu8; needed];
    let mut written = 0usize;
    assert_eq!(
        unsafe { corsguard_decision_write_headers(d, buf.as_mut_ptr(), buf.len(), &mut written) },
        corsguard_result::Ok
    );
    assert_eq!(written, needed);
    buf
}

#[test]
fn default_policy_allows_its_origin_and_renders_headers() {
    let policy = Builder::new().origin(b"https://app.example.com").build().unwrap();
    let req = Req { method: b"GET", origin: vec![s(b"https://app.example.com")], ..Req::default() };
    let d = decide(&policy, &req.c()).unwrap();
    assert_eq!(d.kind, corsguard_kind::Actual as u32);
    assert_eq!(d.verdict, corsguard_verdict::Allowed as u32);
    assert_eq!((d.reason, d.origin_error, d.status, d.answer_now), (0, 0, 0, false));
    assert_eq!(
        headers(&d),
        vec![
            ("Access-Control-Allow-Origin".to_owned(), b"https://app.example.com".to_vec()),
            ("Vary".to_owned(), b"Origin".to_vec()),
        ]
    );
    // The allowed origin is reflected by pointing into the request's own bytes.
    assert_eq!(d.headers[0].value.ptr, req.origin[0].ptr);
    assert_eq!(rendered(&d), b"Access-Control-Allow-Origin: https://app.example.com\r\nVary: Origin\r\n");
    assert!(d.headers[d.header_count..].iter().all(|h| h.name.len == 0 && h.value.len == 0));
}

#[test]
fn every_setting_reaches_the_policy() {
    let b = Builder::new().origin(b"https://app.example.com").origin(b"https://*.example.org");
    let methods = [s(b"GET"), s(b"PUT")];
    let request_headers = [s(b"Content-Type"), s(b"x-request-id")];
    let exposed = [s(b"x-total-count")];
    unsafe {
        assert_eq!(corsguard_policy_builder_set_credentials(b.0, true), corsguard_result::Ok);
        assert_eq!(corsguard_policy_builder_set_methods(b.0, methods.as_ptr(), 2), corsguard_result::Ok);
        assert_eq!(
            corsguard_policy_builder_set_request_headers(b.0, request_headers.as_ptr(), 2),
            corsguard_result::Ok
        );
        assert_eq!(corsguard_policy_builder_set_exposed_headers(b.0, exposed.as_ptr(), 1), corsguard_result::Ok);
        assert_eq!(corsguard_policy_builder_set_max_age(b.0, 600), corsguard_result::Ok);
        assert_eq!(corsguard_policy_builder_set_preflight_statuses(b.0, 200, 404), corsguard_result::Ok);
        assert_eq!(corsguard_policy_builder_set_private_network(b.0, true), corsguard_result::Ok);
        assert_eq!(corsguard_policy_builder_set_caps(b.0, 100, 200, 3), corsguard_result::Ok);
    }
    let policy = b.build().unwrap();
    let preflight = Req {
        method: b"OPTIONS",
        origin: vec![s(b" https://api.example.org\t")],
        acrm: vec![s(b"PUT")],
        acrh: vec![s(b"x-request-id, content-type")],
        acrpn: vec![s(b"true")],
    };
    let d = decide(&policy, &preflight.c()).unwrap();
    assert_eq!((d.kind, d.verdict, d.status, d.answer_now), (corsguard_kind::Preflight as u32, 0, 200, true));
    assert_eq!(
        headers(&d),
        vec![
            ("Access-Control-Allow-Origin".to_owned(), b"https://api.example.org".to_vec()),
            ("Access-Control-Allow-Credentials".to_owned(), b"true".to_vec()),
            ("Access-Control-Allow-Methods".to_owned(), b"GET, PUT".to_vec()),
            ("Access-Control-Allow-Headers".to_owned(), b"content-type, x-request-id".to_vec()),
            ("Access-Control-Max-Age".to_owned(), b"600".to_vec()),
            ("Access-Control-Allow-Private-Network".to_owned(), b"true".to_vec()),
            (
                "Vary".to_owned(),
                b"Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network"
                    .to_vec()
            ),
        ]
    );
    // Four (allowed) names exceed the cap of 3; a denied preflight gets the failure status and only Vary.
    let too_many = Req { acrh: vec![s(b"content-type,x-request-id"), s(b"content-type,x-request-id")], ..preflight };
    let d = decide(&policy, &too_many.c()).unwrap();
    assert_eq!((d.verdict, d.reason, d.status), (1, corsguard_reason::HeadersTooMany as u32, 404));
    assert_eq!(headers(&d).len(), 1);
    // Actual requests expose the listed headers.
    let actual = Req { method: b"GET", origin: vec![s(b"https://app.example.com")], ..Req::default() };
    let d = decide(&policy, &actual.c()).unwrap();
    assert!(headers(&d).contains(&("Access-Control-Expose-Headers".to_owned(), b"x-total-count".to_vec())));
}

#[test]
fn any_settings_and_clearing_max_age() {
    let b = Builder::new().origin(b"*");
    unsafe {
        assert_eq!(corsguard_policy_builder_set_methods_any(b.0), corsguard_result::Ok);
        assert_eq!(corsguard_policy_builder_set_request_headers_any(b.0, true), corsguard_result::Ok);
        assert_eq!(corsguard_policy_builder_set_exposed_headers_any(b.0), corsguard_result::Ok);
        assert_eq!(corsguard_policy_builder_set_max_age(b.0, 5), corsguard_result::Ok);
        assert_eq!(corsguard_policy_builder_clear_max_age(b.0), corsguard_result::Ok);
    }
    let policy = b.build().unwrap();
    let req = Req {
        method: b"OPTIONS",
        origin: vec![s(b"https://anyone.example")],
        acrm: vec![s(b"PATCH")],
        acrh: vec![s(b"authorization")],
        ..Req::default()
    };
    let h = headers(&decide(&policy, &req.c()).unwrap());
    assert_eq!(h[0], ("Access-Control-Allow-Origin".to_owned(), b"*".to_vec()));
    assert_eq!(h[1], ("Access-Control-Allow-Methods".to_owned(), b"*".to_vec()));
    assert_eq!(h[2], ("Access-Control-Allow-Headers".to_owned(), b"*, authorization".to_vec()));
    assert!(!h.iter().any(|(n, _)| n == "Access-Control-Max-Age"));
}

#[test]
fn credentials_echo_requested_header_lines_from_the_request() {
    let b = Builder::new().origin(b"https://app.example.com");
    unsafe {
        corsguard_policy_builder_set_credentials(b.0, true);
        corsguard_policy_builder_set_request_headers_any(b.0, false);
    }
    let policy = b.build().unwrap();
    let req = Req {
        method: b"OPTIONS",
        origin: vec![s(b"https://app.example.com")],
        acrm: vec![s(b"POST")],
        acrh: vec![s(b" x-a "), s(b""), s(b"x-b,x-c")],
        ..Req::default()
    };
    let d = decide(&policy, &req.c()).unwrap();
    let echoed: Vec<_> = headers(&d).into_iter().filter(|(n, _)| n == "Access-Control-Allow-Headers").collect();
    assert_eq!(echoed.len(), 2);
    assert_eq!(echoed[0].1, b"x-a");
    assert_eq!(echoed[1].1, b"x-b,x-c");
    assert_eq!(d.headers[3].value.ptr, unsafe { req.acrh[0].ptr.add(1) }, "echoed values point into the request");
}

#[test]
fn policy_errors_name_rule_setting_entry_and_text() {
    let b = Builder::new().origin(b"https://a.example").origin(b"*");
    let e = b.build().unwrap_err();
    assert_eq!(e.kind, PolicyErrorKind::AnyOriginMixed.code());
    assert_eq!(e.setting, Setting::Origins.code());
    assert_eq!(e.index, 1);
    assert_eq!(e.origin_error, 0);
    assert_eq!(text(e.message), PolicyErrorKind::AnyOriginMixed.message());
    assert_eq!(text(e.setting_name), "origins");

    let e = Builder::new().origin(b"https://a.example/path").build().unwrap_err();
    assert_eq!(
        (e.kind, e.index, e.origin_error),
        (PolicyErrorKind::OriginMalformed.code(), 0, OriginError::HasPath.code())
    );

    let e = Builder::new().build().unwrap_err();
    assert_eq!((e.kind, e.index), (PolicyErrorKind::NoOrigins.code(), CORSGUARD_NO_INDEX));

    let b = Builder::new().origin(b"https://a.example");
    unsafe { corsguard_policy_builder_set_preflight_statuses(b.0, 204, 70_000) };
    let e = b.build().unwrap_err();
    assert_eq!((e.kind, e.setting), (PolicyErrorKind::StatusOutOfRange.code(), Setting::PreflightFailureStatus.code()));

    let b = Builder::new().origin(b"https://a.example");
    unsafe { corsguard_policy_builder_set_max_age(b.0, 86_401) };
    assert_eq!(b.build().unwrap_err().kind, PolicyErrorKind::MaxAgeOutOfRange.code());

    let b = Builder::new().origin(b"https://a.example");
    unsafe { corsguard_policy_builder_set_caps(b.0, 0, 1, 1) };
    let e = b.build().unwrap_err();
    assert_eq!((e.kind, e.setting), (PolicyErrorKind::CapOutOfRange.code(), Setting::MaxOriginLen.code()));

    let b = Builder::new().origin(b"https://a.example");
    unsafe {
        corsguard_policy_builder_set_credentials(b.0, true);
        corsguard_policy_builder_set_exposed_headers_any(b.0);
    }
    assert_eq!(b.build().unwrap_err().kind, PolicyErrorKind::ExposeAnyWithCredentials.code());

    let b = Builder::new().origin(b"http://intranet.example");
    unsafe { corsguard_policy_builder_set_credentials(b.0, true) };
    assert_eq!(b.build().unwrap_err().kind, PolicyErrorKind::InsecureOriginWithCredentials.code());
    unsafe { corsguard_policy_builder_set_allow_insecure_origins_with_credentials(b.0, true) };
    assert!(b.build().is_ok());

    // A NULL error_out is allowed: only the result code is returned.
    let b = Builder::new();
    let mut policy = null_mut();
    assert_eq!(
        unsafe { corsguard_policy_builder_build(b.0, &mut policy, null_mut()) },
        corsguard_result::PolicyInvalid
    );
    assert!(policy.is_null());
}

#[test]
fn bytes_that_are_not_utf8_are_refused_like_other_non_ascii() {
    let e = Builder::new().origin(b"https://ok.example").origin(b"https://\xffbad.example").build().unwrap_err();
    assert_eq!(
        (e.kind, e.index, e.origin_error),
        (PolicyErrorKind::OriginMalformed.code(), 1, OriginError::NotAscii.code())
    );
    // U+FFFD is three bytes: 2000 invalid bytes must still be "not ASCII", not "too long".
    let mut long = b"https://".to_vec();
    long.extend(std::iter::repeat_n(0xfe, 2000));
    let e = Builder::new().origin(&long).build().unwrap_err();
    assert_eq!(e.origin_error, OriginError::NotAscii.code());
    // Whitespace before the first invalid byte is still what the core reports first.
    let e = Builder::new().origin(b"https://a b\xff").build().unwrap_err();
    assert_eq!(e.origin_error, OriginError::Whitespace.code());
    // Over the ceiling to begin with: too long, as the core says.
    let mut longer = b"https://".to_vec();
    longer.extend(std::iter::repeat_n(b'a', 5000));
    longer.push(0xff);
    let e = Builder::new().origin(&longer).build().unwrap_err();
    assert_eq!(e.origin_error, OriginError::TooLong.code());

    let b = Builder::new().origin(b"https://a.example");
    let methods = [s(b"GET"), s(b"P\xc3\x28")];
    unsafe { corsguard_policy_builder_set_methods(b.0, methods.as_ptr(), 2) };
    let e = b.build().unwrap_err();
    assert_eq!((e.kind, e.setting, e.index), (PolicyErrorKind::MethodInvalid.code(), Setting::Methods.code(), 1));

    let b = Builder::new().origin(b"https://a.example");
    let names = [s(b"\x80")];
    unsafe { corsguard_policy_builder_set_exposed_headers(b.0, names.as_ptr(), 1) };
    let e = b.build().unwrap_err();
    assert_eq!(
        (e.kind, e.setting, e.index),
        (PolicyErrorKind::HeaderInvalid.code(), Setting::ExposedHeaders.code(), 0)
    );

    // In a request, any bytes are fine: a denial, not an error.
    let policy = Builder::new().origin(b"https://a.example").build().unwrap();
    let req = Req { method: b"\xff", origin: vec![s(b"https://\xff")], ..Req::default() };
    let d = decide(&policy, &req.c()).unwrap();
    assert_eq!((d.reason, d.origin_error), (DenyReason::OriginMalformed.code(), OriginError::NotAscii.code()));
}

#[test]
fn a_builder_builds_again_and_policies_outlive_it() {
    let b = Builder::new().origin(b"https://a.example");
    let first = b.build().unwrap();
    let b = b.origin(b"https://b.example");
    let second = b.build().unwrap();
    drop(b);
    let req = Req { method: b"GET", origin: vec![s(b"https://b.example")], ..Req::default() };
    assert_eq!(decide(&first, &req.c()).unwrap().reason, DenyReason::OriginNotAllowed.code());
    assert_eq!(decide(&second, &req.c()).unwrap().reason, 0);
}

#[test]
fn null_arguments_are_refused_and_nothing_is_written() {
    let policy = Builder::new().origin(b"https://a.example").build().unwrap();
    let req = Req::default();
    let creq = req.c();
    let mut d = core::mem::MaybeUninit::<corsguard_decision>::zeroed();
    unsafe {
        assert_eq!(corsguard_policy_builder_new(null_mut()), corsguard_result::NullArgument);
        let nb = null_mut();
        assert_eq!(corsguard_policy_builder_add_origin(nb, b"x".as_ptr(), 1), corsguard_result::NullArgument);
        assert_eq!(corsguard_policy_builder_set_credentials(nb, true), corsguard_result::NullArgument);
        assert_eq!(corsguard_policy_builder_set_methods(nb, null(), 0), corsguard_result::NullArgument);
        assert_eq!(corsguard_policy_builder_set_methods_any(nb), corsguard_result::NullArgument);
        assert_eq!(corsguard_policy_builder_set_request_headers(nb, null(), 0), corsguard_result::NullArgument);
        assert_eq!(corsguard_policy_builder_set_request_headers_any(nb, false), corsguard_result::NullArgument);
        assert_eq!(corsguard_policy_builder_set_exposed_headers(nb, null(), 0), corsguard_result::NullArgument);
        assert_eq!(corsguard_policy_builder_set_exposed_headers_any(nb), corsguard_result::NullArgument);
        assert_eq!(corsguard_policy_builder_set_max_age(nb, 1), corsguard_result::NullArgument);
        assert_eq!(corsguard_policy_builder_clear_max_age(nb), corsguard_result::NullArgument);
        assert_eq!(corsguard_policy_builder_set_preflight_statuses(nb, 204, 403), corsguard_result::NullArgument);
        assert_eq!(corsguard_policy_builder_set_private_network(nb, true), corsguard_result::NullArgument);
        assert_eq!(
            corsguard_policy_builder_set_allow_insecure_origins_with_credentials(nb, true),
            corsguard_result::NullArgument
        );
        assert_eq!(corsguard_policy_builder_set_caps(nb, 1, 1, 1), corsguard_result::NullArgument);
        let mut out = null_mut();
        assert_eq!(corsguard_policy_builder_build(null(), &mut out, null_mut()), corsguard_result::NullArgument);
        let b = Builder::new().origin(b"https://a.example");
        assert_eq!(corsguard_policy_builder_build(b.0, null_mut(), null_mut()), corsguard_result::NullArgument);
        assert_eq!(corsguard_decide(null(), &creq, d.as_mut_ptr()), corsguard_result::NullArgument);
        assert_eq!(corsguard_decide(policy.0, null(), d.as_mut_ptr()), corsguard_result::NullArgument);
        assert_eq!(corsguard_decide(policy.0, &creq, null_mut()), corsguard_result::NullArgument);
        let mut n = 7usize;
        assert_eq!(corsguard_decision_write_headers(null(), null_mut(), 0, &mut n), corsguard_result::NullArgument);
        assert_eq!(
            corsguard_decision_write_headers(d.as_ptr(), null_mut(), 0, null_mut()),
            corsguard_result::NullArgument
        );
        assert_eq!(n, 7);
        corsguard_policy_builder_free(null_mut());
        corsguard_policy_free(null_mut());
        assert_eq!(d.assume_init().header_count, 0, "a failed decide writes nothing");
    }
}

#[test]
fn invalid_slices_and_line_counts_are_refused() {
    let policy = Builder::new().origin(b"https://a.example").build().unwrap();
    let b = Builder::new();
    let huge = isize::MAX as usize + 1;
    unsafe {
        assert_eq!(corsguard_policy_builder_add_origin(b.0, null(), 3), corsguard_result::InvalidSlice);
        assert_eq!(corsguard_policy_builder_add_origin(b.0, b"x".as_ptr(), huge), corsguard_result::InvalidSlice);
        assert_eq!(corsguard_policy_builder_set_methods(b.0, null(), 1), corsguard_result::InvalidSlice);
        let bad = [s(b"GET"), corsguard_slice { ptr: null(), len: 1 }];
        assert_eq!(corsguard_policy_builder_set_methods(b.0, bad.as_ptr(), 2), corsguard_result::InvalidSlice);
        assert_eq!(corsguard_policy_builder_set_request_headers(b.0, bad.as_ptr(), 2), corsguard_result::InvalidSlice);
        assert_eq!(corsguard_policy_builder_set_exposed_headers(b.0, bad.as_ptr(), 2), corsguard_result::InvalidSlice);
        let misaligned = (bad.as_ptr() as *const u8).add(1) as *const corsguard_slice;
        assert_eq!(corsguard_policy_builder_set_methods(b.0, misaligned, 1), corsguard_result::InvalidSlice);
        assert_eq!(corsguard_policy_builder_set_methods(b.0, bad.as_ptr(), usize::MAX), corsguard_result::InvalidSlice);
        // NULL with a zero length is an empty string or list.
        assert_eq!(corsguard_policy_builder_set_methods(b.0, null(), 0), corsguard_result::Ok);
    }
    // Failed setters left the builder as it was: still no origins.
    assert_eq!(b.build().unwrap_err().kind, PolicyErrorKind::NoOrigins.code());

    let origin = [s(b"https://a.example")];
    let lines = vec![s(b"x"); CORSGUARD_MAX_HEADER_LINES + 1];
    let mut req = Req { method: b"OPTIONS", origin: origin.to_vec(), acrm: vec![s(b"GET")], ..Req::default() };
    let mut c = req.c();
    c.request_headers = lines.as_ptr();
    c.request_headers_count = lines.len();
    assert_eq!(decide(&policy, &c).unwrap_err(), corsguard_result::TooManyLines);
    c.request_headers_count = CORSGUARD_MAX_HEADER_LINES;
    assert_eq!(decide(&policy, &c).unwrap().reason, DenyReason::HeaderNotAllowed.code());
    c.request_headers = null();
    assert_eq!(decide(&policy, &c).unwrap_err(), corsguard_result::InvalidSlice);
    c.request_headers_count = 0;
    assert_eq!(decide(&policy, &c).unwrap().reason, 0, "NULL lines with count 0: the header is absent");
    c.method = corsguard_slice { ptr: null(), len: 7 };
    assert_eq!(decide(&policy, &c).unwrap_err(), corsguard_result::InvalidSlice);
    req.acrpn = vec![corsguard_slice { ptr: null(), len: 1 }];
    assert_eq!(decide(&policy, &req.c()).unwrap_err(), corsguard_result::InvalidSlice);
    req.acrpn = vec![];
    req.origin = vec![corsguard_slice { ptr: b"x".as_ptr(), len: huge }];
    assert_eq!(decide(&policy, &req.c()).unwrap_err(), corsguard_result::InvalidSlice);
}

#[test]
fn write_headers_checks_its_buffer_and_the_decision() {
    let policy = Builder::new().origin(b"https://a.example").build().unwrap();
    let req = Req { method: b"GET", origin: vec![s(b"https://a.example")], ..Req::default() };
    let mut d = decide(&policy, &req.c()).unwrap();
    let expected = b"Access-Control-Allow-Origin: https://a.example\r\nVary: Origin\r\n";
    let mut buf = [0x55u8; 128];
    let mut n = 0usize;
    unsafe {
        assert_eq!(
            corsguard_decision_write_headers(&d, buf.as_mut_ptr(), expected.len() - 1, &mut n),
            corsguard_result::BufferTooSmall
        );
        assert_eq!(n, expected.len());
        assert!(buf.iter().all(|&b| b == 0x55), "a too-small buffer is left untouched");
        assert_eq!(corsguard_decision_write_headers(&d, null_mut(), 5, &mut n), corsguard_result::InvalidSlice);
        assert_eq!(
            corsguard_decision_write_headers(&d, buf.as_mut_ptr(), expected.len(), &mut n),
            corsguard_result::Ok
        );
        assert_eq!(&buf[..n], expected);
        d.header_count = CORSGUARD_MAX_HEADERS + 1;
        assert_eq!(
            corsguard_decision_write_headers(&d, buf.as_mut_ptr(), buf.len(), &mut n),
            corsguard_result::InvalidDecision
        );
        d.header_count = 2;
        d.headers[1].value = corsguard_slice { ptr: null(), len: 4 };
        assert_eq!(
            corsguard_decision_write_headers(&d, buf.as_mut_ptr(), buf.len(), &mut n),
            corsguard_result::InvalidSlice
        );
        d.header_count = 0;
        assert_eq!(corsguard_decision_write_headers(&d, null_mut(), 0, &mut n), corsguard_result::Ok);
        assert_eq!(n, 0);
    }
}

#[test]
fn a_panic_inside_any_boundary_becomes_a_result_and_writes_nothing() {
    let b = Builder::new().origin(b"https://a.example");
    let policy = b.build().unwrap();
    let req = Req { method: b"GET", origin: vec![s(b"https://a.example")], ..Req::default() };
    let creq = req.c();
    let decision = decide(&policy, &creq).unwrap();
    let one = [s(b"GET")];
    type Call<'a> = Box<dyn Fn() -> corsguard_result + 'a>;
    let mut out_builder: *mut corsguard_policy_builder = null_mut();
    let mut out_policy: *mut corsguard_policy = null_mut();
    let (builder_out, policy_out) = (&mut out_builder as *mut _, &mut out_policy as *mut _);
    let calls: Vec<(&str, Call<'_>)> = vec![
        ("builder_new", Box::new(|| unsafe { corsguard_policy_builder_new(builder_out) })),
        ("add_origin", Box::new(|| unsafe { corsguard_policy_builder_add_origin(b.0, b"x".as_ptr(), 1) })),
        ("set_credentials", Box::new(|| unsafe { corsguard_policy_builder_set_credentials(b.0, true) })),
        ("set_methods", Box::new(|| unsafe { corsguard_policy_builder_set_methods(b.0, one.as_ptr(), 1) })),
        ("set_methods_any", Box::new(|| unsafe { corsguard_policy_builder_set_methods_any(b.0) })),
        (
            "set_request_headers",
            Box::new(|| unsafe { corsguard_policy_builder_set_request_headers(b.0, one.as_ptr(), 1) }),
        ),
        (
            "set_request_headers_any",
            Box::new(|| unsafe { corsguard_policy_builder_set_request_headers_any(b.0, true) }),
        ),
        (
            "set_exposed_headers",
            Box::new(|| unsafe { corsguard_policy_builder_set_exposed_headers(b.0, one.as_ptr(), 1) }),
        ),
        ("set_exposed_headers_any", Box::new(|| unsafe { corsguard_policy_builder_set_exposed_headers_any(b.0) })),
        ("set_max_age", Box::new(|| unsafe { corsguard_policy_builder_set_max_age(b.0, 1) })),
        ("clear_max_age", Box::new(|| unsafe { corsguard_policy_builder_clear_max_age(b.0) })),
        ("set_statuses", Box::new(|| unsafe { corsguard_policy_builder_set_preflight_statuses(b.0, 200, 400) })),
        ("set_private_network", Box::new(|| unsafe { corsguard_policy_builder_set_private_network(b.0, true) })),
        (
            "set_insecure",
            Box::new(|| unsafe { corsguard_policy_builder_set_allow_insecure_origins_with_credentials(b.0, true) }),
        ),
        ("set_caps", Box::new(|| unsafe { corsguard_policy_builder_set_caps(b.0, 1, 1, 1) })),
        ("build", Box::new(|| unsafe { corsguard_policy_builder_build(b.0, policy_out, null_mut()) })),
        (
            "decide",
            Box::new(|| {
                let mut d = core::mem::MaybeUninit::<corsguard_decision>::zeroed();
                let r = unsafe { corsguard_decide(policy.0, &creq, d.as_mut_ptr()) };
                assert_eq!(unsafe { d.assume_init() }.header_count, 0, "decide wrote after a panic");
                r
            }),
        ),
        (
            "write_headers",
            Box::new(|| {
                let mut n = 0usize;
                let mut buf = [0u8; 256];
                let r = unsafe { corsguard_decision_write_headers(&decision, buf.as_mut_ptr(), buf.len(), &mut n) };
                assert_eq!(n, 0, "write_headers wrote after a panic");
                r
            }),
        ),
    ];
    for (name, call) in &calls {
        panic_next_call();
        assert_eq!(call(), corsguard_result::Panic, "{name}");
    }
    drop(calls);
    assert!(out_builder.is_null() && out_policy.is_null());
    // The builder and policy are still usable, and the panic did not change the builder.
    assert_eq!(decide(&policy, &creq).unwrap().reason, 0);
    assert!(b.build().is_ok());

    // Functions that cannot return a code fall back to a documented value.
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
    let doomed = Builder::new();
    panic_next_call();
    unsafe { corsguard_policy_builder_free(doomed.0) };
    // The panic came before the free: the builder is still live, and its Drop frees it now.
    drop(doomed);
}

#[test]
fn texts_match_the_core_and_codes_are_dense() {
    fn check(table: &[(u32, &CStr)], describe: extern "C" fn(u32) -> *const core::ffi::c_char, zero: &str) {
        for (i, (code, c)) in table.iter().enumerate() {
            assert_eq!(*code as usize, i + 1, "codes run 1..=N with no gap");
            assert_eq!(text(describe(*code)), c.to_str().unwrap());
        }
        assert_eq!(text(describe(0)), zero);
        assert_eq!(text(describe(table.len() as u32 + 1)), "unknown code");
        assert_eq!(text(describe(u32::MAX)), "unknown code");
    }
    check(tables::REASON_TEXTS, corsguard_reason_str, "not denied");
    check(tables::ORIGIN_ERROR_TEXTS, corsguard_origin_error_str, "no origin error");
    check(tables::POLICY_ERROR_TEXTS, corsguard_policy_error_kind_str, "no policy error");
    check(tables::SETTING_TEXTS, corsguard_setting_str, "none");
    check(tables::RESULT_TEXTS, corsguard_result_str, "success");
    assert_eq!(text(corsguard_reason_str(5)), DenyReason::OriginNotAllowed.message());
    assert_eq!(text(corsguard_origin_error_str(9)), OriginError::HasPath.message());
    assert_eq!(text(corsguard_policy_error_kind_str(6)), PolicyErrorKind::AnyOriginWithCredentials.message());
    assert_eq!(text(corsguard_setting_str(6)), Setting::MaxAge.name());
    // The last variant of each C enum is the last code of its table.
    assert_eq!(corsguard_reason::PrivateNetworkNotAllowed as usize, tables::REASON_TEXTS.len());
    assert_eq!(corsguard_origin_error::DefaultPort as usize, tables::ORIGIN_ERROR_TEXTS.len());
    assert_eq!(corsguard_policy_error_kind::OriginLongerThanCap as usize, tables::POLICY_ERROR_TEXTS.len());
    assert_eq!(corsguard_setting::Index as usize, tables::SETTING_TEXTS.len());
    assert_eq!(corsguard_result::Panic as usize, tables::RESULT_TEXTS.len());
}

#[test]
fn version_matches_the_package() {
    assert_eq!(text(corsguard_version()), env!("CARGO_PKG_VERSION"));
    assert_eq!(CORSGUARD_VERSION_MAJOR.to_string(), env!("CARGO_PKG_VERSION_MAJOR"));
    assert_eq!(CORSGUARD_VERSION_MINOR.to_string(), env!("CARGO_PKG_VERSION_MINOR"));
    assert_eq!(CORSGUARD_VERSION_PATCH.to_string(), env!("CARGO_PKG_VERSION_PATCH"));
}

#[test]
fn policies_are_shared_across_threads() {
    let b = Builder::new().origin(b"https://a.example").origin(b"https://*.b.example");
    let policy = b.build().unwrap();
    let shared = policy.0 as usize;
    std::thread::scope(|scope| {
        for t in 0..4 {
            scope.spawn(move || {
                let policy = Policy(shared as *mut corsguard_policy);
                for i in 0..200 {
                    let origin = format!("https://x{}.b.example", t * 1000 + i);
                    let req = Req { method: b"GET", origin: vec![s(origin.as_bytes())], ..Req::default() };
                    let d = decide(&policy, &req.c()).unwrap();
                    assert_eq!(headers(&d)[0].1, origin.as_bytes());
                }
                core::mem::forget(policy);
            });
        }
    });
}

/// Counts this thread's allocations, so that tests running in parallel do not disturb the count.
mod counting {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::cell::Cell;

    pub(super) struct Counting;

    thread_local! {
        static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
    }

    // SAFETY: forwards to the system allocator unchanged; only counts.
    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
            unsafe { System.alloc(layout) }
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            unsafe { System.dealloc(ptr, layout) }
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
            unsafe { System.realloc(ptr, layout, new_size) }
        }
    }

    pub(super) fn allocations() -> usize {
        ALLOCATIONS.with(Cell::get)
    }
}

#[global_allocator]
static COUNTING: counting::Counting = counting::Counting;

#[test]
fn deciding_and_rendering_allocate_nothing() {
    let b = Builder::new().origin(b"https://app.example.com").origin(b"https://*.example.org");
    unsafe {
        corsguard_policy_builder_set_credentials(b.0, true);
        corsguard_policy_builder_set_request_headers_any(b.0, false);
    }
    let policy = b.build().unwrap();
    let requests = [
        Req { method: b"GET", origin: vec![s(b"https://app.example.com")], ..Req::default() },
        Req { method: b"GET", origin: vec![s(b"https://evil.example")], ..Req::default() },
        Req {
            method: b"OPTIONS",
            origin: vec![s(b"https://a.b.example.org")],
            acrm: vec![s(b"POST")],
            acrh: vec![s(b"x-a, x-b"), s(b"x-c")],
            ..Req::default()
        },
    ];
    let c: Vec<corsguard_request> = requests.iter().map(Req::c).collect();
    let mut out = core::mem::MaybeUninit::<corsguard_decision>::uninit();
    let mut buf = [0u8; 1024];
    let mut n = 0usize;
    let before = counting::allocations();
    for request in &c {
        assert_eq!(unsafe { corsguard_decide(policy.0, request, out.as_mut_ptr()) }, corsguard_result::Ok);
        let result = unsafe { corsguard_decision_write_headers(out.as_ptr(), buf.as_mut_ptr(), buf.len(), &mut n) };
        assert_eq!(result, corsguard_result::Ok);
    }
    assert_eq!(counting::allocations() - before, 0);
    assert!(n > 0);
}
