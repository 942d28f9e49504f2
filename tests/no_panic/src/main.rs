//! The no-panic link test. The panic handler calls `corsguard_reachable_panic`, a function that exists
//! nowhere, so this program links only if the optimiser proved that no panic can be reached from any
//! corsguard entry point used below, policy files included. Every input is opaque (command-line arguments,
//! or defaults passed through `black_box`), so nothing is folded away at compile time: the proof covers all
//! inputs.
#![no_std]
#![no_main]

use core::ffi::{c_char, CStr};
use core::hint::black_box;
use core::panic::PanicInfo;

use corsguard::{
    Decision, ExposedHeaders, FixedPolicy, Methods, Origin, OriginPattern, Policy, PolicyConfig, Request, Settings,
    RequestHeaders,
};

extern "C" {
    /// Deliberately undefined: any surviving call is a link error naming this symbol.
    fn corsguard_reachable_panic() -> !;
}

#[link(name = "c")]
extern "C" {
    fn write(fd: i32, buf: *const u8, count: usize) -> isize;
}

#[panic_handler]
fn panic(_: &PanicInfo<'_>) -> ! {
    // SAFETY: never executed when the program links; that is the point of the test.
    unsafe { corsguard_reachable_panic() }
}

fn print(bytes: &[u8]) {
    // SAFETY: the pointer and length describe one live byte slice; write(2) only reads it.
    unsafe {
        write(1, bytes.as_ptr(), bytes.len());
    }
}

fn print_number(mut n: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at = at.saturating_sub(1);
        if let Some(d) = digits.get_mut(at) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || at == 0 {
            break;
        }
    }
    print(digits.get(at..).unwrap_or(&[]));
}

/// Credentialed, any method and header with `Authorization` (echoed), private network, max-age, exposed headers, patterns.
static ECHO: PolicyConfig<'static> = PolicyConfig {
    credentials: true,
    methods: Methods::Any,
    request_headers: RequestHeaders::AnyWithAuthorization,
    exposed_headers: ExposedHeaders::List(&["x-total", "etag"]),
    max_age: Some(7200),
    private_network: true,
    ..PolicyConfig::new(&["https://app.example.com", "https://*.example.org", "http://localhost:*"])
};

/// Listed methods and headers (binary search), `Authorization` listed, any exposed header.
static LISTED: PolicyConfig<'static> = PolicyConfig {
    methods: Methods::List(&["GET", "POST", "PUT", "PATCH"]),
    request_headers: RequestHeaders::List(&["content-type", "x-request-id", "authorization"]),
    exposed_headers: ExposedHeaders::Any,
    max_age: Some(0),
    ..PolicyConfig::new(&["https://app.example.com", "https://*.example.org", "https://*.example.net:8443"])
};

/// `*`, any method, any header including `Authorization`.
static STAR: PolicyConfig<'static> = PolicyConfig {
    methods: Methods::Any,
    request_headers: RequestHeaders::AnyWithAuthorization,
    ..PolicyConfig::new(&["*"])
};

struct Args {
    argc: usize,
    argv: *const *const c_char,
}

impl Args {
    /// Argument `i` as bytes, or `default` (made opaque) when absent.
    fn get(&self, i: usize, default: &'static [u8]) -> &'static [u8] {
        if i < self.argc {
            // SAFETY: the C runtime passes `argc` valid, NUL-terminated strings that live as long as the
            // process.
            unsafe { CStr::from_ptr(*self.argv.add(i)).to_bytes() }
        } else {
            black_box(default)
        }
    }
}

fn report(label: &[u8], decision: &Decision<'_>, buf: &mut [u8]) {
    print(label);
    print(if decision.is_allowed() { b" allowed" } else { b" denied reason=" });
    if let Some(reason) = decision.reason() {
        print_number(reason.code() as usize);
    }
    print(b"\n");
    match decision.headers().write_to(buf) {
        Ok(n) => print(buf.get(..n).unwrap_or(&[])),
        Err(e) => {
            print(b"buffer too small, needed ");
            print_number(e.needed);
            print(b"\n");
        }
    }
}

#[no_mangle]
pub extern "C" fn main(argc: i32, argv: *const *const c_char) -> i32 {
    let args = Args { argc: usize::try_from(argc).unwrap_or(0), argv };
    let origin = args.get(1, b"https://api.example.org");
    let method = args.get(2, b"OPTIONS");
    let request_method = args.get(3, b"PATCH");
    let headers_a = args.get(4, b"Content-Type, x-request-id");
    let headers_b = args.get(5, b" ,authorization");
    let private_network = args.get(6, b"true");
    let extra_origin = args.get(7, b"https://*.tenant.example.net");
    let pattern = args.get(8, b"http://[::1]:*");

    // Origin and pattern parsing on opaque bytes.
    let parsed = Origin::parse(origin).map(|o| o.host().len() + o.port_digits().len()).unwrap_or(0);
    let pattern_ok = match (OriginPattern::parse(pattern), Origin::parse(origin)) {
        (Ok(p), Ok(o)) => usize::from(p.matches(&o)) + 1,
        (Ok(_), Err(e)) => 10 + e.code() as usize,
        (Err(e), _) => 100 + e.kind.code() as usize,
    };

    // A policy built from opaque data: origins, flags, numbers and storage size all come from outside.
    let extra = core::str::from_utf8(extra_origin).unwrap_or("https://fallback.example");
    let origins = [extra, "https://app.example.com", "http://localhost:*"];
    let count = black_box(origins.len());
    let opaque = PolicyConfig {
        origins: origins.get(..count).unwrap_or(&[]),
        credentials: black_box(true),
        methods: black_box(Methods::List(&["GET", "PUT", "patch"])),
        request_headers: black_box(RequestHeaders::List(&["x-a", "Content-Type", "X-Request-Id"])),
        exposed_headers: black_box(ExposedHeaders::List(&["x-b"])),
        max_age: black_box(Some(86_400)),
        preflight_success_status: black_box(200),
        preflight_failure_status: black_box(404),
        private_network: black_box(false),
        allow_insecure_origins_with_credentials: black_box(false),
        max_origin_len: black_box(300),
        max_request_headers_len: black_box(4096),
        max_request_headers_count: black_box(100),
    };

    let origin_lines = [origin, origin];
    let origin_count = black_box(1usize);
    let header_lines = [headers_a, headers_b];
    let method_lines = [request_method];
    let pna_lines = [private_network];
    let request = Request {
        method,
        origin: origin_lines.get(..origin_count).unwrap_or(&[]),
        request_method: &method_lines,
        request_headers: &header_lines,
        request_private_network: &pna_lines,
    };
    let actual = Request { method: b"GET", request_private_network: &[], ..request };
    let twice = Request { origin: &origin_lines, ..request };

    let mut storage = [0u8; 512];
    let storage_len = black_box(storage.len());
    let mut out = [0u8; 2048];
    let out_len = black_box(out.len());
    let buf = out.get_mut(..out_len).unwrap_or(&mut []);
    let mut tiny = [0u8; 16];
    let tiny_len = black_box(tiny.len());
    let tiny = tiny.get_mut(..tiny_len).unwrap_or(&mut []);

    print(b"origin parts length ");
    print_number(parsed);
    print(b", pattern result ");
    print_number(pattern_ok);
    print(b"\n");

    let configs: [(&[u8], &PolicyConfig<'_>); 4] =
        [(b"echo", &ECHO), (b"listed", &LISTED), (b"star", &STAR), (b"opaque", &opaque)];
    for (name, config) in configs {
        // The storage-only build (what the C library runs on caller memory), then the fixed-capacity policy,
        // decided through the unsized `&Policy` it coerces to (the C library's instance of `decide`).
        let settings = Settings::build(black_box(config), storage.get_mut(..storage_len).unwrap_or(&mut []));
        print_number(usize::from(settings.is_ok()));
        match FixedPolicy::<512>::build(black_box(config)) {
            Ok(fixed) => {
                let policy: &Policy = &fixed;
                print(b"== ");
                print(name);
                print(b" ==\n");
                report(b"request", &policy.decide(&request), buf);
                report(b"actual", &policy.decide(&actual), buf);
                report(b"two origins", &policy.decide(&twice), buf);
                report(b"into 16 bytes", &policy.decide(&request), tiny);
            }
            Err(e) => {
                print(b"== ");
                print(name);
                print(b" refused, code ");
                print_number(e.code() as usize);
                print(b" ==\n");
            }
        }
    }
    // A policy file from opaque text: sized, parsed, built and decided with, or refused with a position.
    let file = args.get(
        9,
        b"# policy\norigins = https://app.example.com, https://*.example.org\r\nmethods = GET, PUT\n\
          request-headers = *, authorization\nmax-age = 600\ncredentials = true\n",
    );
    print_number(corsguard::storage_len_for_file(file).unwrap_or(0));
    print(b"\n");
    match FixedPolicy::<512>::from_file(file) {
        Ok(fixed) => {
            let policy: &Policy = &fixed;
            report(b"file", &policy.decide(&request), buf);
        }
        Err(e) => {
            print(b"file refused at line ");
            print_number(e.line as usize);
            print(b", column ");
            print_number(e.column as usize);
            print(b"\n");
        }
    }
    // The negative control: with this feature the program must fail to link.
    #[cfg(feature = "deliberate-panic")]
    print_number(usize::from([1u8, 2, 3][black_box(origin.len())]));
    print(b"no_panic: ok\n");
    0
}
