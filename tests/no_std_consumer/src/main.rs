//! A `#![no_std]` program with no allocator that uses corsguard the way firmware or a C server would: the
//! policy's configuration is `&'static`, its origin table lives inside it (`FixedPolicy`), headers are
//! rendered into a fixed buffer.
//! It links against the C library only for its entry point and `write`/`abort`, and checks every result:
//! the exit status is 0 only if every decision and every rendered byte is what the protocol requires.
#![no_std]
#![no_main]

use core::panic::PanicInfo;

use corsguard::{
    DenyReason, ExposedHeaders, FixedPolicy, Methods, Origin, OriginPattern, PolicyConfig, PolicyErrorKind,
    Request, RequestHeaders, RequestKind,
};

#[link(name = "c")]
extern "C" {
    fn write(fd: i32, buf: *const u8, count: usize) -> isize;
    fn abort() -> !;
}

#[panic_handler]
fn panic(_: &PanicInfo<'_>) -> ! {
    print(b"no_std consumer: panic\n");
    // SAFETY: abort(3) takes no arguments and never returns.
    unsafe { abort() }
}

/// The precompiled `core` of a hosted target carries unwind tables that name this symbol. With
/// `panic = "abort"` nothing ever unwinds, so it is never called; LTO drops the reference, a plain build
/// needs it defined.
#[no_mangle]
pub extern "C" fn rust_eh_personality() {}

fn print(bytes: &[u8]) {
    // SAFETY: the pointer and length describe one live byte slice; write(2) only reads it.
    unsafe {
        write(1, bytes.as_ptr(), bytes.len());
    }
}

static ORIGINS: [&str; 3] = ["https://app.example.com", "https://*.example.org", "http://localhost:*"];

static CONFIG: PolicyConfig<'static> = PolicyConfig {
    credentials: true,
    methods: Methods::List(&["GET", "POST", "PUT"]),
    request_headers: RequestHeaders::List(&["content-type", "x-request-id"]),
    exposed_headers: ExposedHeaders::List(&["x-total-count"]),
    max_age: Some(600),
    ..PolicyConfig::new(&ORIGINS)
};

const PREFLIGHT_HEADERS: &[u8] = b"Access-Control-Allow-Origin: https://admin.example.org\r\n\
Access-Control-Allow-Credentials: true\r\n\
Access-Control-Allow-Methods: GET, POST, PUT\r\n\
Access-Control-Allow-Headers: content-type, x-request-id\r\n\
Access-Control-Max-Age: 600\r\n\
Vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers\r\n";

const ACTUAL_HEADERS: &[u8] = b"Access-Control-Allow-Origin: http://localhost:5173\r\n\
Access-Control-Allow-Credentials: true\r\n\
Access-Control-Expose-Headers: x-total-count\r\n\
Vary: Origin\r\n";

/// Every check, numbered so a failure says which one; `Ok` carries the number of checks passed.
fn run() -> Result<u32, u32> {
    let policy = FixedPolicy::<256>::build(&CONFIG).map_err(|_| 1u32)?;
    let mut buf = [0u8; 512];

    let preflight = policy.decide(&Request {
        method: b"OPTIONS",
        origin: &[b"https://admin.example.org"],
        request_method: &[b"PUT"],
        request_headers: &[b"X-Request-Id, content-type"],
        ..Request::default()
    });
    if preflight.kind() != RequestKind::Preflight || !preflight.is_allowed() || preflight.status() != Some(204) {
        return Err(2);
    }
    let n = preflight.headers().write_to(&mut buf).map_err(|_| 3u32)?;
    if buf.get(..n) != Some(PREFLIGHT_HEADERS) {
        return Err(4);
    }
    print(b"-- allowed preflight --\n");
    print(buf.get(..n).unwrap_or(&[]));

    let actual = policy.decide(&Request { method: b"GET", origin: &[b"http://localhost:5173"], ..Request::default() });
    let n = actual.headers().write_to(&mut buf).map_err(|_| 5u32)?;
    if !actual.is_allowed() || buf.get(..n) != Some(ACTUAL_HEADERS) {
        return Err(6);
    }
    print(b"-- allowed actual --\n");
    print(buf.get(..n).unwrap_or(&[]));

    let evil = policy.decide(&Request { method: b"GET", origin: &[b"https://example.org.evil.net"], ..Request::default() });
    if evil.reason() != Some(DenyReason::OriginNotAllowed) || evil.headers().get("Vary") != Some(b"Origin") {
        return Err(7);
    }
    let mut small = [0u8; 4];
    if evil.headers().write_to(&mut small).map_err(|e| e.needed) != Err(14) {
        return Err(8);
    }
    print(b"-- denied: https://example.org.evil.net --\nVary: Origin\r\n");

    let origin = Origin::parse(b"https://admin.example.org").map_err(|_| 9u32)?;
    let pattern = OriginPattern::parse(b"https://*.example.org").map_err(|_| 10u32)?;
    if !pattern.matches(&origin) || OriginPattern::parse(b"https://*.co.uk").map_err(|e| e.kind).err()
        != Some(PolicyErrorKind::WildcardPublicSuffix)
    {
        return Err(11);
    }

    // A refused policy is a value, not a panic.
    let bad = PolicyConfig { credentials: true, ..PolicyConfig::new(&["*"]) };
    match FixedPolicy::<64>::build(&bad) {
        Err(e) if e.kind == PolicyErrorKind::AnyOriginWithCredentials => {}
        _ => return Err(12),
    }
    Ok(12)
}

#[no_mangle]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    match run() {
        Ok(_) => {
            print(b"no_std consumer: ok\n");
            0
        }
        Err(check) => {
            print(b"no_std consumer: FAILED check ");
            let digits = [b'0' + (check / 10 % 10) as u8, b'0' + (check % 10) as u8, b'\n'];
            print(&digits);
            1
        }
    }
}
