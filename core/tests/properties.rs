//! The properties of docs/design.md "Properties the tests hold", checked with proptest over generated valid
//! policies and generated (often hostile) requests. The checks and the oracle are the fuzz targets' own
//! (`fuzz/check`: one property kit, one oracle written apart from the crate); this file contributes the
//! generators, which aim at valid policies and near-miss origins where random bytes rarely land.

use corsguard::names::ALLOW_HEADERS as ACAH;
use corsguard::{
    DenyReason, ExposedHeaders, HostKind, Methods, Origin, OriginPattern, OwnedPolicy, PolicyConfig, Request,
    RequestHeaders,
};
use corsguard_fuzz_check::oracle::{self, OraclePolicy, OracleRequest};
use corsguard_fuzz_check::{assert_decision_properties, assert_rendering};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};

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
// The check: the one property kit and oracle the fuzz targets use (fuzz/check)
// ---------------------------------------------------------------------------------------------------------

fn check(p: &GenPolicy, r: &Request<'_>) -> Result<(), TestCaseError> {
    let b = p.borrowed();
    let config = p.config(&b);
    let policy = match OwnedPolicy::build(&config) {
        Ok(policy) => policy,
        Err(e) => return Err(TestCaseError::fail(format!("generated policy refused: {e}"))),
    };
    let owned = |lines: &[&[u8]]| lines.iter().map(|l| l.to_vec()).collect::<Vec<_>>();
    let oracle_request = OracleRequest {
        method: r.method.to_vec(),
        origin: owned(r.origin),
        request_method: owned(r.request_method),
        request_headers: owned(r.request_headers),
        request_private_network: owned(r.request_private_network),
    };
    let oracle_policy = OraclePolicy::from_config(&config);
    let decision = policy.decide(r);
    // The in-place form (the C library's) makes the same decision.
    prop_assert_eq!(*policy.decide_into(r, &mut core::mem::MaybeUninit::uninit()), decision);
    // Every property of docs/design.md, by the same code every fuzz target runs (it panics on a violation,
    // which proptest reports and shrinks like a failed assertion).
    assert_decision_properties(&oracle_policy, &oracle_request, &decision);
    assert_rendering(decision.headers());
    // And the whole observable decision equals the oracle's, written apart from the crate.
    prop_assert_eq!(oracle::observe(&decision), oracle_policy.decide(&oracle_request));
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
                let oracle_origin = oracle::parse_origin(concrete.as_bytes()).expect("the oracle parses it too");
                prop_assert!(oracle::entry_matches(&pattern, concrete.as_bytes(), &oracle_origin));
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
