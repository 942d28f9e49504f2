//! The properties of docs/design.md "Properties the tests hold", checked with proptest over generated valid
//! policies and generated (often hostile) requests. The oracle here is written independently of the
//! crate: a plain string matcher for origins and patterns and a plain re-statement of the preflight rules.

use corsguard::names::{
    ALLOW_CREDENTIALS as ACAC, ALLOW_HEADERS as ACAH, ALLOW_METHODS as ACAM, ALLOW_ORIGIN as ACAO,
    ALLOW_PRIVATE_NETWORK as ACAPN, EXPOSE_HEADERS as ACEH, VARY,
};
use corsguard::{
    is_field_value, is_token, DenyReason, ExposedHeaders, HostKind, Methods, Origin, OriginPattern, OwnedPolicy,
    PolicyConfig, Request, RequestHeaders, RequestKind, MAX_ECHOED_HEADER_LINES, MAX_TOKEN_LEN,
};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};

const VARY_ACTUAL: &[u8] = b"Origin";
const VARY_PRE: &[u8] = b"Origin, Access-Control-Request-Method, Access-Control-Request-Headers";
const VARY_PNA: &[u8] =
    b"Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network";

fn trim(mut b: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = b {
        b = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = b {
        b = rest;
    }
    b
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        "ftp" => Some(21),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------------------
// Generated policies
// ---------------------------------------------------------------------------------------------------------

const LABELS: &[&str] = &["a", "b", "ab", "foo", "bar", "barfoo", "example", "com", "net", "evil"];
const SCHEMES: &[&str] = &["https", "http", "wss", "app-x"];
const PORTS: &[Option<u16>] = &[None, None, Some(8080), Some(8443), Some(3000), Some(443), Some(80)];

fn domain(min_labels: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(select(LABELS), min_labels..=3).prop_map(|labels| labels.join("."))
}

fn port_suffix(scheme: &str, port: Option<u16>) -> String {
    match port {
        Some(p) if default_port(scheme) != Some(p) => format!(":{p}"),
        _ => String::new(),
    }
}

/// One valid origin-list entry.
fn entry() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (select(SCHEMES), domain(1), select(PORTS)).prop_map(|(s, d, p)| format!("{s}://{d}{}", port_suffix(s, p))),
        3 => (select(SCHEMES), domain(2), select(PORTS)).prop_map(|(s, d, p)| format!("{s}://*.{d}{}", port_suffix(s, p))),
        1 => (select(&["http", "https"][..]), select(&["localhost", "127.0.0.1", "[::1]", "*.localhost"][..]))
            .prop_map(|(s, h)| format!("{s}://{h}:*")),
        1 => (select(&["http", "https"][..]), select(&["127.0.0.1", "[::1]", "localhost"][..]), select(PORTS))
            .prop_map(|(s, h, p)| format!("{s}://{h}{}", port_suffix(s, p))),
    ]
}

const METHODS: &[&str] = &["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "patch", "PURGE", "X-CUSTOM"];
const REQUEST_HEADERS: &[&str] = &["content-type", "x-a", "X-B", "authorization", "x-request-id", "Accept"];
const EXPOSED: &[&str] = &["x-total", "ETag", "x-a"];

/// The owned data of a generated valid policy.
#[derive(Clone, Debug)]
struct GenPolicy {
    origins: Vec<String>,
    credentials: bool,
    methods: Option<Vec<&'static str>>,
    /// `None` = Any; `Some(list)`.
    request_headers: Option<Vec<&'static str>>,
    any_with_authorization: bool,
    exposed: Option<Vec<&'static str>>,
    max_age: Option<u32>,
    success: u16,
    failure: u16,
    private_network: bool,
    allow_insecure: bool,
    max_origin_len: usize,
    max_request_headers_len: usize,
    max_request_headers_count: usize,
}

fn is_secure_entry(entry: &str) -> bool {
    let (scheme, rest) = entry.split_once("://").unwrap();
    let host = host_of(rest);
    scheme == "https"
        || scheme == "wss"
        || host == "localhost"
        || host.ends_with(".localhost")
        || host.starts_with("127.")
        || host == "[::1]"
}

/// The host of `host[:port]` (brackets kept).
fn host_of(authority: &str) -> &str {
    if authority.starts_with('[') {
        &authority[..=authority.find(']').unwrap()]
    } else {
        authority.split(':').next().unwrap()
    }
}

fn policy() -> impl Strategy<Value = GenPolicy> {
    let origins = prop_oneof![
        1 => Just(vec!["*".to_string()]),
        8 => proptest::collection::vec(entry(), 1..8),
    ];
    let caps = (
        prop_oneof![Just(512usize), 1usize..=4096],
        prop_oneof![3 => Just(2048usize), 1 => 1usize..=200, 1 => 1usize..=65_536],
        prop_oneof![3 => Just(64usize), 1 => 1usize..=10, 1 => 1usize..=1024],
    );
    (
        origins,
        any::<bool>(),
        proptest::option::weighted(0.8, subsequence(METHODS, 0..=METHODS.len())),
        prop_oneof![
            Just(None),
            subsequence(REQUEST_HEADERS, 0..=REQUEST_HEADERS.len()).prop_map(Some),
            subsequence(REQUEST_HEADERS, 0..=REQUEST_HEADERS.len()).prop_map(Some),
        ],
        any::<bool>(),
        proptest::option::weighted(0.8, subsequence(EXPOSED, 0..=EXPOSED.len())),
        proptest::option::of(0u32..=86_400),
        (200u16..=299, prop_oneof![200u16..=299, 400u16..=599]),
        (any::<bool>(), any::<bool>()),
        caps,
    )
        .prop_map(
            |(
                mut origins,
                credentials,
                methods,
                request_headers,
                any_with_authorization,
                exposed,
                max_age,
                (success, failure),
                (private_network, insecure),
                (origin_cap, rh_len, rh_count),
            )| {
                let mut seen = std::collections::HashSet::new();
                origins.retain(|o| seen.insert(o.clone()));
                let any = origins == ["*"];
                let credentials = credentials && !any;
                let allow_insecure = credentials && (insecure || !origins.iter().all(|o| is_secure_entry(o)));
                let longest = origins.iter().map(|o| if o == "*" { 1 } else { o.len() }).max().unwrap_or(1);
                GenPolicy {
                    origins,
                    credentials,
                    methods,
                    request_headers,
                    any_with_authorization,
                    exposed: if credentials && exposed.is_none() { Some(vec![]) } else { exposed },
                    max_age,
                    success,
                    failure,
                    private_network,
                    allow_insecure,
                    max_origin_len: origin_cap.max(longest),
                    max_request_headers_len: rh_len,
                    max_request_headers_count: rh_count,
                }
            },
        )
}

struct Borrowed<'a> {
    origins: Vec<&'a str>,
    methods: Vec<&'static str>,
    request_headers: Vec<&'static str>,
    exposed: Vec<&'static str>,
}

impl GenPolicy {
    fn borrowed(&self) -> Borrowed<'_> {
        Borrowed {
            origins: self.origins.iter().map(String::as_str).collect(),
            methods: self.methods.clone().unwrap_or_default(),
            request_headers: self.request_headers.clone().unwrap_or_default(),
            exposed: self.exposed.clone().unwrap_or_default(),
        }
    }

    fn config<'a>(&self, b: &'a Borrowed<'a>) -> PolicyConfig<'a> {
        PolicyConfig {
            origins: &b.origins,
            credentials: self.credentials,
            methods: if self.methods.is_some() { Methods::List(&b.methods) } else { Methods::Any },
            request_headers: match (&self.request_headers, self.any_with_authorization) {
                (Some(_), _) => RequestHeaders::List(&b.request_headers),
                (None, false) => RequestHeaders::Any,
                (None, true) => RequestHeaders::AnyWithAuthorization,
            },
            exposed_headers: if self.exposed.is_some() {
                ExposedHeaders::List(&b.exposed)
            } else {
                ExposedHeaders::Any
            },
            max_age: self.max_age,
            preflight_success_status: self.success,
            preflight_failure_status: self.failure,
            private_network: self.private_network,
            allow_insecure_origins_with_credentials: self.allow_insecure,
            max_origin_len: self.max_origin_len,
            max_request_headers_len: self.max_request_headers_len,
            max_request_headers_count: self.max_request_headers_count,
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Generated requests
// ---------------------------------------------------------------------------------------------------------

/// How to derive an `Origin` line.
#[derive(Clone, Debug)]
enum OriginSpec {
    /// Instantiate policy entry `n % len`, then apply a mutation.
    FromPolicy(usize, Mutation, String),
    Built(&'static str, String, Option<u16>),
    Literal(&'static str),
    Bytes(Vec<u8>),
}

#[derive(Clone, Copy, Debug)]
enum Mutation {
    None,
    Ows,
    Uppercase,
    AppendDomain,
    GluePrefix,
    SwapScheme,
    AddPort,
    DropLastByte,
    TrailingSlash,
    ApexOnly,
}

fn origin_spec() -> impl Strategy<Value = OriginSpec> {
    let mutation = select(vec![
        Mutation::None,
        Mutation::None,
        Mutation::None,
        Mutation::Ows,
        Mutation::Uppercase,
        Mutation::AppendDomain,
        Mutation::GluePrefix,
        Mutation::SwapScheme,
        Mutation::AddPort,
        Mutation::DropLastByte,
        Mutation::TrailingSlash,
        Mutation::ApexOnly,
    ]);
    prop_oneof![
        6 => (any::<usize>(), mutation, select(LABELS)).prop_map(|(n, m, l)| OriginSpec::FromPolicy(n, m, l.to_string())),
        2 => (select(SCHEMES), domain(1), select(PORTS)).prop_map(|(s, d, p)| OriginSpec::Built(s, d, p)),
        1 => select(&["null", "", " ", "http://localhost", "https://[::1]:3000", "https://example.com.", "https://*.example.com"][..])
            .prop_map(OriginSpec::Literal),
        1 => proptest::collection::vec(any::<u8>(), 0..48).prop_map(OriginSpec::Bytes),
    ]
}

fn instantiate(spec: &OriginSpec, entries: &[String]) -> Vec<u8> {
    match spec {
        OriginSpec::Built(s, d, p) => format!("{s}://{d}{}", port_suffix(s, *p)).into_bytes(),
        OriginSpec::Literal(s) => s.as_bytes().to_vec(),
        OriginSpec::Bytes(b) => b.clone(),
        OriginSpec::FromPolicy(n, mutation, label) => {
            let entry = &entries[n % entries.len()];
            let base = if entry == "*" {
                format!("https://{label}.example")
            } else {
                let port = if n % 3 == 0 { ":5173" } else { "" };
                entry.replacen("*.", &format!("{label}."), 1).replace(":*", port)
            };
            mutate(base, *mutation, label).into_bytes()
        }
    }
}

fn mutate(base: String, mutation: Mutation, label: &str) -> String {
    match mutation {
        Mutation::None => base,
        Mutation::Ows => format!(" \t{base} "),
        Mutation::Uppercase => base.to_uppercase(),
        Mutation::AppendDomain => match base.rsplit_once(':') {
            Some((head, port)) if port.bytes().all(|b| b.is_ascii_digit()) => format!("{head}.{label}.net:{port}"),
            _ => format!("{base}.{label}.net"),
        },
        Mutation::GluePrefix => base.replacen("://", &format!("://{label}"), 1),
        Mutation::SwapScheme => match base.split_once("://") {
            Some(("https", rest)) => format!("http://{rest}"),
            Some((_, rest)) => format!("https://{rest}"),
            None => base,
        },
        Mutation::AddPort => format!("{base}:8081"),
        Mutation::DropLastByte => {
            let mut b = base;
            b.pop();
            b
        }
        Mutation::TrailingSlash => format!("{base}/"),
        Mutation::ApexOnly => match base.split_once("://") {
            Some((scheme, rest)) => match rest.split_once('.') {
                Some((_, apex)) => format!("{scheme}://{apex}"),
                None => base,
            },
            None => base,
        },
    }
}

const ACRM: &[&str] = &[
    "GET", "HEAD", "POST", "PUT", "put", "PATCH", "patch", "DELETE", "PURGE", "X-CUSTOM", "TRACE", "connect", "Track",
    "*", "", " PUT ", "GE T", "OPTIONS",
];
const ACRH_NAMES: &[&str] = &[
    "content-type",
    "Content-Type",
    "x-a",
    "X-A",
    "x-b",
    "X-B",
    "authorization",
    "Authorization",
    "x-request-id",
    "accept",
    "x-c",
    "*",
    "",
    " ",
    "x y",
    "x:y",
    "\u{e9}",
    "\t",
];

fn lines(item: impl Strategy<Value = Vec<u8>>, max: usize) -> impl Strategy<Value = Vec<Vec<u8>>> {
    proptest::collection::vec(item, 0..=max)
}

fn acrh_line() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        6 => (proptest::collection::vec(select(ACRH_NAMES), 0..6), select(&[",", ", ", " ,", ",,", ",\t"][..]))
            .prop_map(|(names, sep)| names.join(sep).into_bytes()),
        1 => proptest::collection::vec(any::<u8>(), 0..24),
    ]
}

/// The owned lines of a generated request.
#[derive(Clone, Debug)]
struct GenRequest {
    method: Vec<u8>,
    origin: Vec<OriginSpec>,
    request_method: Vec<Vec<u8>>,
    request_headers: Vec<Vec<u8>>,
    request_private_network: Vec<Vec<u8>>,
    /// When set, replace the method and header lines with ones the policy lists, so that many preflights
    /// get past their method and header checks: (method choice, header choices and case flips).
    from_policy: Option<(usize, Vec<(usize, bool)>)>,
}

impl GenRequest {
    fn resolve(&mut self, p: &GenPolicy) {
        let Some((m, headers)) = self.from_policy.take() else { return };
        let methods = p.methods.as_deref().unwrap_or(&["PUT", "X-CUSTOM", "patch"]);
        if !methods.is_empty() {
            self.request_method = vec![methods[m % methods.len()].as_bytes().to_vec()];
        }
        let names = p.request_headers.as_deref().unwrap_or(&["x-a", "Content-Type", "x-custom"]);
        if !names.is_empty() {
            let chosen: Vec<String> = headers
                .iter()
                .map(|&(i, upper)| {
                    let n = names[i % names.len()];
                    if upper {
                        n.to_uppercase()
                    } else {
                        n.to_lowercase()
                    }
                })
                .collect();
            self.request_headers = vec![chosen.join(",").into_bytes()];
        }
    }
}

fn request() -> impl Strategy<Value = GenRequest> {
    (
        prop_oneof![
            8 => select(&["OPTIONS", "OPTIONS", "OPTIONS", "OPTIONS", "GET", "POST", "options", "PUT"][..])
                .prop_map(|m| m.as_bytes().to_vec()),
            1 => proptest::collection::vec(any::<u8>(), 0..10),
        ],
        prop_oneof![1 => Just(vec![]), 12 => proptest::collection::vec(origin_spec(), 1..=1), 1 => proptest::collection::vec(origin_spec(), 2..=3)],
        prop_oneof![
            1 => Just(vec![]),
            8 => select(ACRM).prop_map(|m| vec![m.as_bytes().to_vec()]),
            1 => lines(prop_oneof![select(ACRM).prop_map(|m| m.as_bytes().to_vec()), proptest::collection::vec(any::<u8>(), 0..12)], 3),
        ],
        prop_oneof![2 => Just(vec![]), 6 => lines(acrh_line(), 3), 1 => lines(acrh_line(), 12)],
        prop_oneof![
            6 => Just(vec![]),
            2 => lines(select(&["true", " true\t", "TRUE", "false", ""][..]).prop_map(|m| m.as_bytes().to_vec()), 2),
            1 => lines(proptest::collection::vec(any::<u8>(), 0..8), 2),
        ],
        proptest::option::of((any::<usize>(), proptest::collection::vec((any::<usize>(), any::<bool>()), 0..4))),
    )
        .prop_map(|(method, origin, request_method, request_headers, request_private_network, from_policy)| {
            GenRequest { method, origin, request_method, request_headers, request_private_network, from_policy }
        })
}

// ---------------------------------------------------------------------------------------------------------
// The independent oracle
// ---------------------------------------------------------------------------------------------------------

/// `scheme`, `host` (brackets kept) and the port text (empty when none) of a valid origin.
fn split_origin(origin: &str) -> (&str, &str, &str) {
    let (scheme, authority) = origin.split_once("://").unwrap();
    let host = host_of(authority);
    let port = authority[host.len()..].strip_prefix(':').unwrap_or("");
    (scheme, host, port)
}

/// Whether one origin-list entry allows a valid, non-null origin: a plain label-wise string matcher.
fn entry_allows(entry: &str, origin: &str) -> bool {
    if entry == "*" {
        return true;
    }
    if !entry.contains('*') {
        return entry == origin;
    }
    let (scheme, host, port) = split_origin(origin);
    let (p_scheme, p_rest) = entry.split_once("://").unwrap();
    let (p_host, p_port) = match p_rest.strip_prefix('[') {
        Some(_) => (host_of(p_rest), p_rest[host_of(p_rest).len()..].strip_prefix(':').unwrap_or("")),
        None => match p_rest.rsplit_once(':') {
            Some((h, p)) => (h, p),
            None => (p_rest, ""),
        },
    };
    if scheme != p_scheme || !(p_port == "*" || p_port == port) {
        return false;
    }
    match p_host.strip_prefix("*.") {
        Some(domain) => {
            // At least one whole label in front of `.domain`.
            let Some(front) = host.strip_suffix(domain).and_then(|f| f.strip_suffix('.')) else {
                return false;
            };
            !front.is_empty() && !front.ends_with('.') && !host.starts_with('[')
        }
        None => p_host == host,
    }
}

fn is_forbidden_method(m: &[u8]) -> bool {
    ["CONNECT", "TRACE", "TRACK"].iter().any(|f| f.as_bytes().eq_ignore_ascii_case(m))
}

fn elements(lines: &[&[u8]]) -> Vec<Vec<u8>> {
    lines.iter().flat_map(|l| l.split(|&b| b == b',')).map(|e| trim(e).to_vec()).filter(|e| !e.is_empty()).collect()
}

/// Every non-empty element of a list value is a token.
fn is_token_list(value: &[u8]) -> bool {
    value.split(|&b| b == b',').map(trim).filter(|e| !e.is_empty()).all(is_token)
}

struct Expected {
    allowed: bool,
    allow_origin: Option<Vec<u8>>,
}

fn expected(p: &GenPolicy, r: &Request<'_>) -> Expected {
    let deny = Expected { allowed: false, allow_origin: None };
    let [line] = r.origin else { return deny };
    let origin = trim(line);
    if origin.len() > p.max_origin_len {
        return deny;
    }
    let Ok(parsed) = Origin::parse(origin) else { return deny };
    let any = p.origins == ["*"];
    let text = std::str::from_utf8(origin).unwrap();
    let allowed_origin = if any {
        Some(b"*".to_vec())
    } else if !parsed.is_null() && p.origins.iter().any(|e| entry_allows(e, text)) {
        Some(origin.to_vec())
    } else {
        None
    };
    let Some(allow_origin) = allowed_origin else { return deny };
    let preflight = r.method == b"OPTIONS" && !r.request_method.is_empty();
    if !preflight {
        return Expected { allowed: true, allow_origin: Some(allow_origin) };
    }
    // Method: one line, a token of at most 64 bytes, not forbidden, allowed.
    let method_ok = match r.request_method {
        [m] => {
            let m = trim(m);
            is_token(m)
                && m.len() <= MAX_TOKEN_LEN
                && !is_forbidden_method(m)
                && p.methods.as_ref().is_none_or(|list| list.iter().any(|x| x.as_bytes() == m))
                // Under credentials `*` is never emitted, so a method named `*` cannot be echoed.
                && !(p.credentials && p.methods.is_none() && m == b"*")
        }
        _ => false,
    };
    // Headers: within the caps, every element a token and allowed.
    let total: usize = r.request_headers.iter().map(|l| l.len()).sum();
    let names = elements(r.request_headers);
    let echo = p.credentials && p.request_headers.is_none();
    let non_empty_lines = r.request_headers.iter().filter(|l| !trim(l).is_empty()).count();
    let headers_ok = total <= p.max_request_headers_len
        && names.len() <= p.max_request_headers_count
        && names.iter().all(|n| is_token(n))
        && names.iter().all(|n| match &p.request_headers {
            Some(list) => list.iter().any(|x| x.as_bytes().eq_ignore_ascii_case(n)),
            None => {
                (p.any_with_authorization || !n.eq_ignore_ascii_case(b"authorization")) && !(p.credentials && n == b"*")
            }
        })
        && (!echo || non_empty_lines <= MAX_ECHOED_HEADER_LINES);
    let pna_ok = match r.request_private_network {
        [] => true,
        [l] => trim(l) == b"true" && p.private_network,
        _ => false,
    };
    if method_ok && headers_ok && pna_ok {
        Expected { allowed: true, allow_origin: Some(allow_origin) }
    } else {
        deny
    }
}

fn check(p: &GenPolicy, r: &Request<'_>) -> Result<(), TestCaseError> {
    let b = p.borrowed();
    let config = p.config(&b);
    let policy = match OwnedPolicy::build(&config) {
        Ok(policy) => policy,
        Err(e) => return Err(TestCaseError::fail(format!("generated policy refused: {e}"))),
    };
    let decision = policy.decide(r);
    let headers = decision.headers();
    let get_all = |name: &str| headers.iter().filter(|h| h.name == name).map(|h| h.value).collect::<Vec<_>>();
    let acao = get_all(ACAO);
    let acac = get_all(ACAC);

    // Vary is on every decision, and it is the right one.
    let vary = get_all(VARY);
    let want_vary = match decision.kind() {
        RequestKind::Preflight if p.private_network => VARY_PNA,
        RequestKind::Preflight => VARY_PRE,
        _ => VARY_ACTUAL,
    };
    prop_assert_eq!(vary, vec![want_vary]);

    // Every emitted value is a field value; every list is tokens.
    for h in headers.iter() {
        prop_assert!(is_field_value(h.value), "{} = {:?}", h.name, h.value);
        if [ACAM, ACAH, ACEH].contains(&h.name) {
            prop_assert!(is_token_list(h.value), "{} = {:?}", h.name, h.value);
        }
    }
    // Never `*` with credentials; ACAC is exactly `true`; ACAO is `*` or the trimmed request origin.
    prop_assert!(acao.len() <= 1 && acac.len() <= 1);
    if let Some(&v) = acac.first() {
        prop_assert_eq!(v, b"true");
        prop_assert!(acao.first() != Some(&&b"*"[..]));
    }
    if let Some(&v) = acao.first() {
        prop_assert!(v == b"*" || (r.origin.len() == 1 && v == trim(r.origin[0])));
    }
    // Under credentials, `*` in a list is only ever the request's own literal value, echoed.
    if p.credentials {
        for v in get_all(ACAM) {
            if v.split(|&b| b == b',').any(|e| trim(e) == b"*") {
                prop_assert_eq!(r.request_method.first().map(|m| trim(m)), Some(&b"*"[..]));
            }
        }
        let requested = elements(r.request_headers);
        for v in get_all(ACAH) {
            if v.split(|&b| b == b',').any(|e| trim(e) == b"*") {
                prop_assert!(requested.iter().any(|n| n == b"*"));
            }
        }
        prop_assert!(get_all(ACEH).iter().all(|v| *v != b"*"));
    }

    // The verdict and ACAO agree with the independent oracle.
    let kind = match (r.origin.is_empty(), r.method == b"OPTIONS" && !r.request_method.is_empty()) {
        (true, _) => RequestKind::NotCors,
        (false, true) => RequestKind::Preflight,
        (false, false) => RequestKind::Actual,
    };
    prop_assert_eq!(decision.kind(), kind);
    if kind == RequestKind::NotCors {
        prop_assert!(decision.is_allowed());
        prop_assert_eq!(headers.len(), 1);
        return Ok(());
    }
    let want = expected(p, r);
    prop_assert_eq!(decision.is_allowed(), want.allowed, "reason {:?}", decision.reason());
    prop_assert_eq!(acao.first().map(|v| v.to_vec()), want.allow_origin);
    prop_assert_eq!(decision.reason().is_none(), decision.is_allowed());
    if !decision.is_allowed() {
        prop_assert_eq!(headers.len(), 1, "a denial carries only Vary");
    } else {
        prop_assert_eq!(acac.len(), usize::from(p.credentials));
    }
    // ACAPN only when the policy allows it and the request asked for it.
    let acapn = get_all(ACAPN);
    if !acapn.is_empty() {
        prop_assert!(p.private_network && kind == RequestKind::Preflight);
        prop_assert_eq!(r.request_private_network.len(), 1);
        prop_assert_eq!(acapn, vec![&b"true"[..]]);
    }
    prop_assert_eq!(
        decision.status(),
        (kind == RequestKind::Preflight).then_some(if decision.is_allowed() { p.success } else { p.failure })
    );
    // Rendering agrees with the iterator.
    let mut rendered = Vec::new();
    for h in headers.iter() {
        rendered.extend_from_slice(format!("{}: ", h.name).as_bytes());
        rendered.extend_from_slice(h.value);
        rendered.extend_from_slice(b"\r\n");
    }
    let mut buf = vec![0u8; headers.rendered_len()];
    prop_assert_eq!(headers.write_to(&mut buf), Ok(rendered.len()));
    prop_assert_eq!(buf, rendered);
    Ok(())
}

fn run(p: &GenPolicy, g: &GenRequest) -> Result<(), TestCaseError> {
    let mut g = g.clone();
    g.resolve(p);
    let origins: Vec<Vec<u8>> = g.origin.iter().map(|s| instantiate(s, &p.origins)).collect();
    let origin_lines: Vec<&[u8]> = origins.iter().map(Vec::as_slice).collect();
    let method_lines: Vec<&[u8]> = g.request_method.iter().map(Vec::as_slice).collect();
    let header_lines: Vec<&[u8]> = g.request_headers.iter().map(Vec::as_slice).collect();
    let pna_lines: Vec<&[u8]> = g.request_private_network.iter().map(Vec::as_slice).collect();
    let request = Request {
        method: &g.method,
        origin: &origin_lines,
        request_method: &method_lines,
        request_headers: &header_lines,
        request_private_network: &pna_lines,
    };
    check(p, &request)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    /// Generated valid policies against generated, often hostile, requests: every property at once.
    #[test]
    fn decisions_hold_every_property(p in policy(), g in request()) {
        run(&p, &g)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    /// decide is total: arbitrary bytes on every line, arbitrary line counts.
    #[test]
    fn decide_is_total_on_arbitrary_bytes(
        p in policy(),
        method in proptest::collection::vec(any::<u8>(), 0..12),
        origin in lines(proptest::collection::vec(any::<u8>(), 0..64), 3),
        acrm in lines(proptest::collection::vec(any::<u8>(), 0..16), 3),
        acrh in lines(proptest::collection::vec(any::<u8>(), 0..64), 6),
        acrpn in lines(proptest::collection::vec(any::<u8>(), 0..8), 3),
    ) {
        let specs = origin.into_iter().map(OriginSpec::Bytes).collect();
        let g = GenRequest {
            method,
            origin: specs,
            request_method: acrm,
            request_headers: acrh,
            request_private_network: acrpn,
            from_policy: None,
        };
        run(&p, &g)?;
        // The same lines as a preflight.
        let g = GenRequest {
            method: b"OPTIONS".to_vec(),
            origin: vec![OriginSpec::FromPolicy(0, Mutation::None, "a".into())],
            request_method: vec![b"PUT".to_vec()],
            request_headers: vec![],
            request_private_network: vec![],
            from_policy: Some((0, vec![(0, false), (1, true)])),
        };
        run(&p, &g)?;
    }

    /// parse ∘ serialize of a canonical origin is the identity, and its parts re-assemble to the input.
    #[test]
    fn canonical_origins_round_trip(origin in canonical_origin()) {
        let (text, scheme, host, port, kind) = origin;
        let parsed = Origin::parse(text.as_bytes());
        prop_assert!(parsed.is_ok(), "{} refused: {:?}", text, parsed);
        let parsed = parsed.unwrap();
        prop_assert_eq!(parsed.as_bytes(), text.as_bytes());
        prop_assert_eq!(parsed.scheme(), scheme.as_bytes());
        prop_assert_eq!(parsed.host(), host.as_bytes());
        prop_assert_eq!(parsed.port(), port);
        prop_assert_eq!(parsed.host_kind(), Some(kind));
        let mut again = format!("{}://{}", std::str::from_utf8(parsed.scheme()).unwrap(), std::str::from_utf8(parsed.host()).unwrap());
        if !parsed.port_digits().is_empty() {
            again.push(':');
            again.push_str(std::str::from_utf8(parsed.port_digits()).unwrap());
        }
        prop_assert_eq!(again, text.clone());
        // Any uppercase letter makes it non-canonical.
        if let Some(at) = text.find(|c: char| c.is_ascii_lowercase()) {
            let mut upper = text.clone();
            upper.replace_range(at..=at, &text[at..=at].to_uppercase());
            prop_assert!(Origin::parse(upper.as_bytes()).is_err(), "{}", upper);
        }
        // A path makes it not an origin.
        let with_path = format!("{text}/");
        prop_assert!(Origin::parse(with_path.as_bytes()).is_err(), "{}", with_path);
    }

    /// A pattern that parses has non-wildcard parts that parse as an origin, and matches that origin.
    #[test]
    fn pattern_parse_implies_origin_parse(pattern in pattern_like()) {
        if let Ok(parsed) = OriginPattern::parse(pattern.as_bytes()) {
            if parsed != OriginPattern::Any {
                let concrete = pattern.replacen("*.", "x.", 1).replacen(":*", ":1234", 1);
                let origin = Origin::parse(concrete.as_bytes());
                prop_assert!(origin.is_ok(), "{} parses but {} does not: {:?}", pattern, concrete, origin);
                prop_assert!(parsed.matches(&origin.unwrap()), "{} does not match {}", pattern, concrete);
                prop_assert!(entry_allows(&pattern, &concrete));
                // The apex of a subdomain pattern is never matched.
                if let Some(apex) = pattern.split_once("*.").map(|(a, b)| format!("{a}{b}")) {
                    if let Ok(apex_origin) = Origin::parse(apex.replacen(":*", ":1234", 1).as_bytes()) {
                        prop_assert!(!parsed.matches(&apex_origin), "{} matches its apex", pattern);
                    }
                }
            }
        }
    }
}

/// A canonical origin: the text and the parts it was built from.
fn canonical_origin() -> impl Strategy<Value = (String, String, String, Option<u16>, HostKind)> {
    let scheme = prop_oneof![
        select(&["http", "https", "ws", "wss", "ftp"][..]).prop_map(String::from),
        "[a-z][a-z0-9+.-]{0,8}",
    ];
    let label = "[a-z0-9_~!$&'()*+,;=-]{1,12}";
    let domain = (proptest::collection::vec(label, 0..4), "[a-z_-][a-z0-9_-]{0,8}").prop_map(|(mut labels, last)| {
        labels.push(last);
        (labels.join("."), HostKind::Domain)
    });
    let ipv4 = any::<[u8; 4]>().prop_map(|o| (format!("{}.{}.{}.{}", o[0], o[1], o[2], o[3]), HostKind::Ipv4));
    let ipv6 = prop_oneof![
        any::<[u16; 8]>(),
        (any::<u16>(), 0usize..8, 1usize..8).prop_map(|(v, at, zeros)| {
            let mut pieces = [0u16; 8];
            pieces[at] = v;
            pieces[(at + zeros) % 8] = v.wrapping_add(1);
            pieces
        }),
    ]
    .prop_filter_map("no embedded IPv4 form", |pieces| {
        let text = std::net::Ipv6Addr::from(pieces).to_string();
        (!text.contains('.')).then(|| (format!("[{text}]"), HostKind::Ipv6))
    });
    let host = prop_oneof![3 => domain, 1 => ipv4, 1 => ipv6];
    (scheme, host, proptest::option::of(1u16..=65535)).prop_map(|(scheme, (host, kind), port)| {
        let port = port.filter(|p| default_port(&scheme) != Some(*p));
        let mut text = format!("{scheme}://{host}");
        if let Some(p) = port {
            text.push_str(&format!(":{p}"));
        }
        (text, scheme, host, port, kind)
    })
}

/// Strings shaped like origin-list entries, with wildcards in many places.
fn pattern_like() -> impl Strategy<Value = String> {
    let piece =
        select(&["*", "*.", ".", "a", "b-c", "example", "com", "localhost", "127", "0", "1", "[::1]", "x_y", ".."][..]);
    (
        select(&["https", "http", "wss", "*", "HTTP", "a+b"][..]),
        proptest::collection::vec(piece, 1..6),
        select(&["", "", ":*", ":8080", ":443", ":80", ":", ":0", ":*1"][..]),
    )
        .prop_map(|(scheme, pieces, port)| format!("{scheme}://{}{port}", pieces.concat()))
}

// ---------------------------------------------------------------------------------------------------------
// Adversarial sizes: denied by their caps (the reason is asserted, never the time)
// ---------------------------------------------------------------------------------------------------------

fn decide_headers(config: &PolicyConfig<'_>, lines: &[&[u8]]) -> Option<DenyReason> {
    let policy = OwnedPolicy::build(config).unwrap();
    let request = Request {
        method: b"OPTIONS",
        origin: &[b"https://app.example.com"],
        request_method: &[b"GET"],
        request_headers: lines,
        ..Request::default()
    };
    let decision = policy.decide(&request);
    assert_eq!(decision.headers().len(), 1, "only Vary");
    decision.reason()
}

fn any_headers(credentials: bool, max_caps: bool) -> PolicyConfig<'static> {
    let base = PolicyConfig {
        credentials,
        request_headers: RequestHeaders::Any,
        ..PolicyConfig::new(&["https://app.example.com"])
    };
    if max_caps {
        PolicyConfig { max_request_headers_len: 65_536, max_request_headers_count: 1024, ..base }
    } else {
        base
    }
}

#[test]
fn one_mebibyte_of_commas_is_too_long() {
    let commas = vec![b','; 1 << 20];
    for (credentials, max_caps) in [(false, false), (true, false), (false, true), (true, true)] {
        let reason = decide_headers(&any_headers(credentials, max_caps), &[&commas]);
        assert_eq!(reason, Some(DenyReason::HeadersTooLong));
    }
}

#[test]
fn one_mebibyte_of_one_name_is_too_long() {
    let repeated = b"x-a,".repeat((1 << 20) / 4);
    let spaced = b"x-a , ".repeat((1 << 20) / 6);
    for value in [&repeated, &spaced] {
        for max_caps in [false, true] {
            let reason = decide_headers(&any_headers(true, max_caps), &[value]);
            assert_eq!(reason, Some(DenyReason::HeadersTooLong));
        }
    }
    // Spread over 1024 lines of 1 KiB each: the byte cap covers all lines together.
    let line = b"x-a,".repeat(256);
    let many: Vec<&[u8]> = vec![&line; 1024];
    assert_eq!(decide_headers(&any_headers(false, true), &many), Some(DenyReason::HeadersTooLong));
}

#[test]
fn a_thousand_lines_are_too_many() {
    let one: &[u8] = b"a";
    let name: &[u8] = b"x-a";
    // Under the default caps: 1024 names of one byte fit the 2048 bytes but not the 64 names.
    assert_eq!(decide_headers(&any_headers(false, false), &vec![one; 1024]), Some(DenyReason::HeadersTooMany));
    // Raised caps: 1025 names are one too many.
    assert_eq!(decide_headers(&any_headers(false, true), &vec![one; 1025]), Some(DenyReason::HeadersTooMany));
    // Raised caps, 1024 names fit, but echoing 1024 lines under credentials is refused.
    assert_eq!(decide_headers(&any_headers(true, true), &vec![name; 1024]), Some(DenyReason::HeadersTooMany));
    // 1024 empty lines are nothing at all.
    let config = any_headers(true, true);
    let policy = OwnedPolicy::build(&config).unwrap();
    let empty: Vec<&[u8]> = vec![b" "; 1024];
    let request = Request {
        method: b"OPTIONS",
        origin: &[b"https://app.example.com"],
        request_method: &[b"GET"],
        request_headers: &empty,
        ..Request::default()
    };
    let decision = policy.decide(&request);
    assert!(decision.is_allowed());
    assert_eq!(decision.headers().get(ACAH), None);
}

#[test]
fn a_thousand_origin_lines_are_multiple() {
    let config = PolicyConfig::new(&["https://app.example.com"]);
    let policy = OwnedPolicy::build(&config).unwrap();
    let lines: Vec<&[u8]> = vec![b"https://app.example.com"; 1024];
    let decision = policy.decide(&Request { method: b"GET", origin: &lines, ..Request::default() });
    assert_eq!(decision.reason(), Some(DenyReason::OriginMultiple));
    let long = vec![b'a'; 1 << 20];
    let long_lines: [&[u8]; 1] = [&long];
    let decision = policy.decide(&Request { method: b"GET", origin: &long_lines, ..Request::default() });
    assert_eq!(decision.reason(), Some(DenyReason::OriginTooLong));
}

#[test]
fn oracle_matcher_sanity() {
    // The oracle itself must be right for the cases the properties lean on.
    assert!(entry_allows("https://*.example.com", "https://a.example.com"));
    assert!(entry_allows("https://*.example.com", "https://a.b.example.com"));
    assert!(!entry_allows("https://*.example.com", "https://example.com"));
    assert!(!entry_allows("https://*.example.com", "https://evilexample.com"));
    assert!(!entry_allows("https://*.example.com", "https://a..example.com"));
    assert!(!entry_allows("https://*.example.com", "https://a.example.com:8080"));
    assert!(!entry_allows("https://*.example.com", "http://a.example.com"));
    assert!(entry_allows("https://*.example.com:8080", "https://a.example.com:8080"));
    assert!(entry_allows("http://localhost:*", "http://localhost"));
    assert!(entry_allows("http://[::1]:*", "http://[::1]:99"));
    assert!(!entry_allows("http://[::1]:*", "http://[::2]:99"));
    assert!(entry_allows("http://*.localhost:*", "http://a.localhost:1"));
    assert!(!entry_allows("https://foo.com", "https://barfoo.com"));
    assert_eq!(trim(b" \t a \t"), b"a");
    assert!(is_token_list(b"a, b,,c"));
    assert!(!is_token_list(b"a b"));
}
