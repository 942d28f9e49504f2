//! Zero heap allocations per decision, per rendering and per policy build, proven with a counting global
//! allocator. The count is per thread, so tests running in parallel do not disturb each other.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use corsguard::{
    ExposedHeaders, FixedPolicy, Methods, Origin, OriginPattern, OwnedPolicy, PolicyConfig, Request, RequestHeaders,
};

struct Counting;

thread_local! {
    // `const` and without Drop: reading it never allocates.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn bump() {
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

// SAFETY: every call is forwarded unchanged to the system allocator; the counter has no effect on memory.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        bump();
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which `System` shares.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        bump();
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        bump();
        // SAFETY: as above; `ptr` came from this allocator, which is `System`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f` and returns its result with the number of allocations it made on this thread.
fn count<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = ALLOCATIONS.with(Cell::get);
    let out = f();
    (out, ALLOCATIONS.with(Cell::get) - before)
}

static CREDENTIALED: PolicyConfig<'static> = PolicyConfig {
    credentials: true,
    methods: Methods::Any,
    request_headers: RequestHeaders::Any,
    exposed_headers: ExposedHeaders::List(&["x-total", "etag"]),
    max_age: Some(7200),
    private_network: true,
    ..PolicyConfig::new(&[
        "https://app.example.com",
        "https://admin.example.com:8443",
        "https://*.example.org",
        "https://*.tenant.example.net:9000",
        "http://localhost:*",
        "http://*.localhost:*",
        "http://127.0.0.1:*",
    ])
};

static LISTED: PolicyConfig<'static> = PolicyConfig {
    methods: Methods::List(&["GET", "POST", "PUT", "PATCH"]),
    request_headers: RequestHeaders::List(&["content-type", "x-request-id", "authorization"]),
    exposed_headers: ExposedHeaders::Any,
    max_age: Some(0),
    ..PolicyConfig::new(&["https://app.example.com", "https://*.example.org"])
};

static ANY: PolicyConfig<'static> = PolicyConfig {
    methods: Methods::Any,
    request_headers: RequestHeaders::AnyWithAuthorization,
    ..PolicyConfig::new(&["*"])
};

fn pre(
    origin: &'static [&'static [u8]],
    method: &'static [&'static [u8]],
    headers: &'static [&'static [u8]],
) -> Request<'static> {
    Request { method: b"OPTIONS", origin, request_method: method, request_headers: headers, ..Request::default() }
}

fn get(origin: &'static [&'static [u8]]) -> Request<'static> {
    Request { method: b"GET", origin, ..Request::default() }
}

fn leak_lines(lines: Vec<&[u8]>) -> &'static [&'static [u8]] {
    let owned: Vec<&'static [u8]> = lines.into_iter().map(|l| &*Box::leak(l.to_vec().into_boxed_slice())).collect();
    Box::leak(owned.into_boxed_slice())
}

/// Allowed, denied, preflight, patterns, echo under credentials, malformed and oversized requests.
fn requests(huge: &[u8], many_lines: &[&[u8]]) -> Vec<Request<'static>> {
    let huge = leak_lines(vec![huge]);
    let many_lines = leak_lines(many_lines.to_vec());
    vec![
        Request { method: b"GET", ..Request::default() },
        get(&[b"https://app.example.com"]),
        get(&[b"  https://app.example.com\t"]),
        get(&[b"https://admin.example.com:8443"]),
        get(&[b"https://a.b.example.org"]),
        get(&[b"https://x.tenant.example.net:9000"]),
        get(&[b"http://localhost:5173"]),
        get(&[b"http://app.localhost:5173"]),
        get(&[b"http://127.0.0.1:8080"]),
        get(&[b"https://evil.example"]),
        get(&[b"https://example.org"]),
        get(&[b"https://evilexample.org"]),
        get(&[b"https://app.example.com.evil.net"]),
        get(&[b"null"]),
        get(&[b"https://app.example.com/"]),
        get(&[b"https://\xff\xfe"]),
        get(&[b"HTTPS://APP.EXAMPLE.COM"]),
        get(&[b"http://[::1]:8080"]),
        get(&[b"https://a.example", b"https://b.example"]),
        get(huge),
        pre(&[b"https://app.example.com"], &[b"PUT"], &[b"content-type,x-request-id"]),
        pre(&[b"https://app.example.com"], &[b"PATCH"], &[b"Content-Type", b"", b" X-Request-Id ,,"]),
        pre(&[b"https://a.example.org"], &[b"DELETE"], &[b"authorization"]),
        pre(&[b"https://a.example.org"], &[b"PURGE"], &[b"x-a, x-b", b"x-c"]),
        pre(&[b"https://a.example.org"], &[b"TRACE"], &[]),
        pre(&[b"https://a.example.org"], &[b"GE T"], &[]),
        pre(&[b"https://a.example.org"], &[b"GET", b"GET"], &[]),
        pre(&[b"https://a.example.org"], &[b"GET"], &[b"x y"]),
        pre(&[b"https://a.example.org"], &[b"GET"], &[b"x-not-listed"]),
        pre(&[b"https://a.example.org"], &[b"GET"], huge),
        pre(&[b"https://a.example.org"], &[b"GET"], many_lines),
        pre(&[b"https://evil.example"], &[b"GET"], &[]),
        Request { request_private_network: &[b"true"], ..pre(&[b"http://localhost:3000"], &[b"GET"], &[]) },
        Request { request_private_network: &[b"TRUE"], ..pre(&[b"http://localhost:3000"], &[b"GET"], &[]) },
        Request { method: b"OPTIONS", origin: &[b"https://app.example.com"], ..Request::default() },
    ]
}

#[test]
fn deciding_allocates_nothing() {
    let huge = vec![b','; 1 << 20];
    let many: Vec<&[u8]> = vec![b"x-a"; 1024];
    let requests = requests(&huge, &many);
    let mut checked = 0usize;
    for config in [&CREDENTIALED, &LISTED, &ANY] {
        let policy = OwnedPolicy::build(config).unwrap();
        for request in &requests {
            let ((allowed, headers), n) = count(|| {
                let decision = policy.decide(request);
                let mut headers = 0usize;
                for h in decision.headers() {
                    headers += h.name.len() + h.value.len();
                }
                (decision.is_allowed(), headers)
            });
            assert_eq!(n, 0, "{request:?} allocated {n} times");
            assert!(headers > 0, "every decision carries at least Vary");
            checked += usize::from(allowed);
        }
    }
    // The set really exercises allowed decisions, not just denials.
    assert!(checked >= 20, "only {checked} allowed");
}

#[test]
fn rendering_allocates_nothing() {
    let huge = vec![b'a'; 10];
    let requests = requests(&huge, &[b"x-a"]);
    let policy = OwnedPolicy::build(&CREDENTIALED).unwrap();
    let mut buf = [0u8; 4096];
    let mut small = [0u8; 8];
    for request in &requests {
        let decision = policy.decide(request);
        let ((written, too_small, len), n) = count(|| {
            let headers = decision.headers();
            let written = headers.write_to(&mut buf);
            let too_small = headers.write_to(&mut small);
            (written, too_small, headers.rendered_len() + headers.len() + usize::from(headers.get("vary").is_some()))
        });
        assert_eq!(n, 0, "rendering {request:?} allocated");
        assert!(written.is_ok() && too_small.is_err() && len > 0);
    }
}

#[test]
fn building_and_parsing_allocate_nothing() {
    for config in [&CREDENTIALED, &LISTED, &ANY] {
        // A fixed-capacity policy: building it allocates nothing (an owned one allocates its storage, once).
        let (built, n) = count(|| FixedPolicy::<1024>::build(config).is_ok());
        assert!(built);
        assert_eq!(n, 0, "building {config:?} allocated");
        let (built, n) = count(|| OwnedPolicy::build(config).is_ok());
        assert!(built);
        assert_eq!(n, 1, "an owned policy allocates its storage once");
    }
    // A refused policy allocates nothing either.
    let bad = PolicyConfig { credentials: true, ..PolicyConfig::new(&["*"]) };
    let (refused, n) = count(|| FixedPolicy::<1024>::build(&bad).is_err());
    assert!(refused);
    assert_eq!(n, 0);
    let (ok, n) = count(|| {
        Origin::parse(b"https://[2001:db8::1]:8443").is_ok()
            && Origin::parse(b"https://a.example/").is_err()
            && OriginPattern::parse(b"https://*.example.com").is_ok()
            && OriginPattern::parse(b"https://*.co.uk").is_err()
    });
    assert!(ok);
    assert_eq!(n, 0);
}

#[test]
fn the_counter_counts() {
    // Guards against a counter that never moves, which would make every test above pass vacuously.
    let (v, n) = count(|| vec![1u8; 100]);
    assert_eq!(v.len(), 100);
    assert!(n >= 1);
}
