//! The demo: a built-in default policy deciding a set of realistic requests, printing each decision, its
//! headers and its reason. Run it with `make demo` (or `cargo run -p corsguard --example demo`).

use corsguard::{ExposedHeaders, FixedPolicy, Methods, PolicyConfig, Request, RequestHeaders};

/// The built-in default policy: a credentialed API for one app, its subdomains and local development.
static DEFAULT_POLICY: PolicyConfig<'static> = PolicyConfig {
    credentials: true,
    methods: Methods::List(&["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]),
    request_headers: RequestHeaders::List(&["content-type", "authorization", "x-request-id"]),
    exposed_headers: ExposedHeaders::List(&["x-request-id", "x-total-count"]),
    max_age: Some(600),
    ..PolicyConfig::new(&["https://app.example.com", "https://*.staging.example.com", "http://localhost:*"])
};

struct Case {
    title: &'static str,
    request: Request<'static>,
}

const fn case(title: &'static str, request: Request<'static>) -> Case {
    Case { title, request }
}

const EMPTY: Request<'static> =
    Request { method: b"GET", origin: &[], request_method: &[], request_headers: &[], request_private_network: &[] };

static CASES: &[Case] = &[
    case("same-origin GET (no Origin header)", EMPTY),
    case("GET from the app", Request { origin: &[b"https://app.example.com"], ..EMPTY }),
    case("GET from a staging subdomain", Request { origin: &[b"https://pr-42.staging.example.com"], ..EMPTY }),
    case("GET from local development", Request { origin: &[b"http://localhost:5173"], ..EMPTY }),
    case(
        "preflight: PUT with JSON and a bearer token",
        Request {
            method: b"OPTIONS",
            origin: &[b"https://app.example.com"],
            request_method: &[b"PUT"],
            request_headers: &[b"authorization,content-type"],
            ..EMPTY
        },
    ),
    case("attack: suffix trick", Request { origin: &[b"https://app.example.com.evil.net"], ..EMPTY }),
    case("attack: lookalike prefix", Request { origin: &[b"https://evilapp.example.com"], ..EMPTY }),
    case("attack: http downgrade", Request { origin: &[b"http://app.example.com"], ..EMPTY }),
    case("attack: null origin from a sandboxed iframe", Request { origin: &[b"null"], ..EMPTY }),
    case("attack: two Origin lines", Request { origin: &[b"https://app.example.com", b"https://evil.net"], ..EMPTY }),
    case("malformed: trailing slash", Request { origin: &[b"https://app.example.com/"], ..EMPTY }),
    case(
        "malformed: header injection attempt",
        Request { origin: &[b"https://app.example.com\r\nSet-Cookie: x=1"], ..EMPTY },
    ),
    case(
        "preflight: forbidden method",
        Request { method: b"OPTIONS", origin: &[b"https://app.example.com"], request_method: &[b"TRACE"], ..EMPTY },
    ),
    case(
        "preflight: header not in the policy",
        Request {
            method: b"OPTIONS",
            origin: &[b"https://app.example.com"],
            request_method: &[b"POST"],
            request_headers: &[b"x-debug"],
            ..EMPTY
        },
    ),
    case(
        "preflight: private network access (not enabled)",
        Request {
            method: b"OPTIONS",
            origin: &[b"http://localhost:3000"],
            request_method: &[b"GET"],
            request_private_network: &[b"true"],
            ..EMPTY
        },
    ),
    case(
        "OPTIONS without Access-Control-Request-Method is not a preflight",
        Request { method: b"OPTIONS", origin: &[b"https://app.example.com"], ..EMPTY },
    ),
];

fn show(bytes: &[u8]) -> String {
    bytes.escape_ascii().to_string()
}

fn main() {
    // A fixed-capacity policy: its origin table lives inside it (512 bytes; `storage_len` says the least).
    let policy = match FixedPolicy::<512>::build(&DEFAULT_POLICY) {
        Ok(policy) => policy,
        Err(error) => {
            eprintln!("{error}");
            std::process::exit(1);
        }
    };
    println!("corsguard demo — built-in policy: {:?}\n", DEFAULT_POLICY.origins);
    let (mut allowed, mut denied) = (0, 0);
    for Case { title, request } in CASES {
        let decision = policy.decide(request);
        let origin = request.origin.iter().map(|o| show(o)).collect::<Vec<_>>().join(" | ");
        println!("== {title}");
        println!("   {} Origin: {}", show(request.method), if origin.is_empty() { "-".into() } else { origin });
        let verdict = match decision.reason() {
            None => {
                allowed += 1;
                "ALLOWED".to_string()
            }
            Some(reason) => {
                denied += 1;
                let detail = decision.origin_error().map(|e| format!(" ({e})")).unwrap_or_default();
                format!("DENIED [{}] {reason}{detail}", reason.code())
            }
        };
        let status = decision.status().map(|s| format!(", answer now with {s}")).unwrap_or_default();
        println!("   -> {:?}: {verdict}{status}", decision.kind());
        for header in decision.headers() {
            println!("      {}: {}", header.name, show(header.value));
        }
        println!();
    }
    println!("{allowed} allowed, {denied} denied");
}
