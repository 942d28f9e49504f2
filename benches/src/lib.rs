//! The cases every benchmark measures, as plain data: which policy, which request. Each benchmark, the
//! allocation counter and the callgrind driver read the same list, so their figures describe the same work.
//! The tower-http side of each case lives in `benches/common/` because tower-http is a dev-dependency only.

use corsguard::{Methods, OwnedPolicy, Policy, PolicyConfig, Request, RequestHeaders};

/// Methods every benchmark policy allows.
pub const METHODS: &[&str] = &["GET", "POST", "PUT", "DELETE", "PATCH"];

/// The 20 request headers every benchmark policy allows, in the order browsers send them (sorted, lowercase).
pub const REQUEST_HEADERS: [&str; 20] = [
    "authorization",
    "content-type",
    "x-api-key",
    "x-b3-traceid",
    "x-client-version",
    "x-correlation-id",
    "x-csrf-token",
    "x-device-id",
    "x-feature-flags",
    "x-forwarded-for",
    "x-locale",
    "x-page",
    "x-request-id",
    "x-retry-count",
    "x-session-id",
    "x-span-id",
    "x-tenant-id",
    "x-timezone",
    "x-trace-id",
    "x-user-agent",
];

/// Response headers every benchmark policy exposes.
pub const EXPOSED_HEADERS: &[&str] = &["x-request-id"];

/// `Access-Control-Max-Age` of every benchmark policy.
pub const MAX_AGE: u32 = 600;

/// The scaling sizes the issue asks for.
pub const SCALING_SIZES: [usize; 5] = [1, 10, 100, 1_000, 10_000];

/// The `core` cases also measured end to end through http types, and as a bare request drop.
pub const HEADLINE: [&str; 3] = ["allowed_actual", "denied_actual", "preflight_5_headers"];

/// Which policy a case runs against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyShape {
    /// Two exact origins and one subdomain pattern: `https://app.example.com`, `https://admin.example.com`,
    /// `https://*.example.net`.
    Baseline,
    /// `n` exact origins `https://app{i}.example.com`.
    Exact(usize),
    /// `n` subdomain patterns `https://*.tenant{i}.com`.
    Patterns(usize),
}

impl PolicyShape {
    /// The origin list, as it would be written in a configuration.
    pub fn origins(self) -> Vec<String> {
        match self {
            PolicyShape::Baseline => {
                vec![
                    "https://app.example.com".into(),
                    "https://admin.example.com".into(),
                    "https://*.example.net".into(),
                ]
            }
            PolicyShape::Exact(n) => (0..n).map(|i| format!("https://app{i}.example.com")).collect(),
            PolicyShape::Patterns(n) => (0..n).map(|i| format!("https://*.tenant{i}.com")).collect(),
        }
    }

    /// A short label for tables.
    pub fn label(self) -> String {
        match self {
            PolicyShape::Baseline => "baseline".into(),
            PolicyShape::Exact(n) => format!("{n} exact"),
            PolicyShape::Patterns(n) => format!("{n} patterns"),
        }
    }
}

/// The corsguard configuration of a policy shape: credentials, the methods, the 20 request headers, one
/// exposed header and a max-age, the same settings the tower-http side is given. Leaked: benchmarks build a
/// handful of policies and keep them for the whole run.
pub fn config(shape: PolicyShape) -> &'static PolicyConfig<'static> {
    let origins: Vec<&'static str> = shape.origins().into_iter().map(|o| &*Box::leak(o.into_boxed_str())).collect();
    let origins: &'static [&'static str] = Box::leak(origins.into_boxed_slice());
    Box::leak(Box::new(PolicyConfig {
        credentials: true,
        methods: Methods::List(METHODS),
        request_headers: RequestHeaders::List(&REQUEST_HEADERS),
        exposed_headers: corsguard::ExposedHeaders::List(EXPOSED_HEADERS),
        max_age: Some(MAX_AGE),
        ..PolicyConfig::new(origins)
    }))
}

/// Builds a corsguard policy for `shape`.
pub fn policy(shape: PolicyShape) -> OwnedPolicy {
    match OwnedPolicy::build(config(shape)) {
        Ok(policy) => policy,
        Err(e) => panic!("benchmark policy {shape:?} refused: {e}"),
    }
}

/// One request, as the lines of each CORS header.
#[derive(Clone, Debug)]
pub struct RequestSpec {
    /// The request method.
    pub method: &'static str,
    /// `Origin` lines.
    pub origin: Vec<Vec<u8>>,
    /// `Access-Control-Request-Method` lines.
    pub request_method: Vec<Vec<u8>>,
    /// `Access-Control-Request-Headers` lines.
    pub request_headers: Vec<Vec<u8>>,
}

impl RequestSpec {
    fn actual(origin: &str) -> Self {
        RequestSpec {
            method: "GET",
            origin: vec![origin.as_bytes().to_vec()],
            request_method: vec![],
            request_headers: vec![],
        }
    }

    fn preflight(origin: &str, method: &str, header_lines: Vec<Vec<u8>>) -> Self {
        RequestSpec {
            method: "OPTIONS",
            origin: vec![origin.as_bytes().to_vec()],
            request_method: vec![method.as_bytes().to_vec()],
            request_headers: header_lines,
        }
    }

    /// The corsguard view of this request. Leaked, like the policies: prepared once, decided many times.
    pub fn corsguard(&self) -> Request<'static> {
        fn lines(lines: &[Vec<u8>]) -> &'static [&'static [u8]] {
            let borrowed: Vec<&'static [u8]> =
                lines.iter().map(|l| &*Box::leak(l.clone().into_boxed_slice())).collect();
            Box::leak(borrowed.into_boxed_slice())
        }
        Request {
            method: Box::leak(self.method.as_bytes().to_vec().into_boxed_slice()),
            origin: lines(&self.origin),
            request_method: lines(&self.request_method),
            request_headers: lines(&self.request_headers),
            request_private_network: &[],
        }
    }
}

/// What corsguard should answer, so that every harness can check it measures the intended path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// Allowed, with `Access-Control-Allow-Origin`.
    Allowed,
    /// Denied, with only `Vary`.
    Denied,
}

/// One benchmark case: a name, a policy, a request and the expected verdict.
#[derive(Clone, Debug)]
pub struct Case {
    /// Group the case is reported under (`core`, `scaling_exact_allowed`, ...).
    pub group: &'static str,
    /// Name inside the group (for scaling groups: the policy size).
    pub name: String,
    /// The policy the request is decided against.
    pub shape: PolicyShape,
    /// The request.
    pub request: RequestSpec,
    /// The expected verdict.
    pub expect: Expect,
}

/// The requested-header names of a browser preflight asking for the first `n` of the allowed 20.
pub fn header_list(n: usize) -> Vec<u8> {
    REQUEST_HEADERS[..n].join(",").into_bytes()
}

/// A 253-byte host (the DNS maximum) made of one-letter labels, each a candidate for the subdomain walk.
pub fn pathological_origin() -> String {
    let tail = "example.org";
    let labels = "a.".repeat((253 - tail.len()) / 2);
    let host = format!("{labels}{tail}");
    assert_eq!(host.len(), 253);
    format!("https://{host}")
}

const MIB: usize = 1 << 20;

/// The cases of the `core` group: the single-request cases the issue lists.
pub fn core_cases() -> Vec<Case> {
    let app = "https://app.example.com";
    let case = |name: &str, request: RequestSpec, expect| Case {
        group: "core",
        name: name.into(),
        shape: PolicyShape::Baseline,
        request,
        expect,
    };
    let repeated_name: Vec<u8> = b"x-request-id,".iter().copied().cycle().take(MIB).collect();
    vec![
        case("allowed_actual", RequestSpec::actual(app), Expect::Allowed),
        case("denied_actual", RequestSpec::actual("https://app.example.com.evil.net"), Expect::Denied),
        case("pattern_actual", RequestSpec::actual("https://eu.api.example.net"), Expect::Allowed),
        case("preflight_1_header", RequestSpec::preflight(app, "PUT", vec![header_list(1)]), Expect::Allowed),
        case("preflight_5_headers", RequestSpec::preflight(app, "PUT", vec![header_list(5)]), Expect::Allowed),
        case("preflight_20_headers", RequestSpec::preflight(app, "PUT", vec![header_list(20)]), Expect::Allowed),
        case("origin_253_bytes", RequestSpec::actual(&pathological_origin()), Expect::Denied),
        case("acrh_1mib_commas", RequestSpec::preflight(app, "PUT", vec![vec![b','; MIB]]), Expect::Denied),
        case("acrh_1mib_one_name", RequestSpec::preflight(app, "PUT", vec![repeated_name]), Expect::Denied),
        case(
            "acrh_1024_lines",
            RequestSpec::preflight(app, "PUT", vec![b"x-request-id".to_vec(); 1024]),
            Expect::Denied,
        ),
    ]
}

/// The scaling groups: allowed and denied actual requests against 1 to 10,000 exact origins or patterns.
/// The allowed origin is the last one listed, the worst place for a list scanned in order.
pub fn scaling_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for &n in &SCALING_SIZES {
        let last = n - 1;
        let entries: [(&'static str, PolicyShape, String, Expect); 4] = [
            ("scaling_exact_allowed", PolicyShape::Exact(n), format!("https://app{last}.example.com"), Expect::Allowed),
            ("scaling_exact_denied", PolicyShape::Exact(n), "https://app.example.com".into(), Expect::Denied),
            (
                "scaling_patterns_allowed",
                PolicyShape::Patterns(n),
                format!("https://www.tenant{last}.com"),
                Expect::Allowed,
            ),
            ("scaling_patterns_denied", PolicyShape::Patterns(n), "https://www.tenantx.com".into(), Expect::Denied),
        ];
        for (group, shape, origin, expect) in entries {
            cases.push(Case { group, name: n.to_string(), shape, request: RequestSpec::actual(&origin), expect });
        }
    }
    cases
}

/// Every decision case.
pub fn all_cases() -> Vec<Case> {
    let mut cases = core_cases();
    cases.extend(scaling_cases());
    cases
}

/// Panics unless corsguard answers `request` as `expect` says: a benchmark of the wrong path is worthless.
pub fn check_corsguard<S: ?Sized + AsRef<[u8]>>(case: &Case, policy: &Policy<S>, request: &Request<'_>) {
    let decision = policy.decide(request);
    let allowed = decision.is_allowed() && decision.headers().get("Access-Control-Allow-Origin").is_some();
    match case.expect {
        Expect::Allowed => {
            assert!(allowed, "{}/{}: expected allowed, got {:?}", case.group, case.name, decision.reason())
        }
        Expect::Denied => assert!(!decision.is_allowed(), "{}/{}: expected denied", case.group, case.name),
    }
}

/// The measured corsguard work: decide, then walk every response header as a host would to append it.
#[inline]
pub fn corsguard_decide<S: ?Sized + AsRef<[u8]>>(policy: &Policy<S>, request: &Request<'_>) -> usize {
    let decision = policy.decide(request);
    let mut bytes = 0usize;
    for header in decision.headers() {
        bytes = bytes.wrapping_add(header.name.len()).wrapping_add(header.value.len());
    }
    bytes
}
