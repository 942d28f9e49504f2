//! The checks behind corsguard's fuzz targets. Each target is `fuzz_target!(|data| check_xxx(data))`; the
//! corpus replay test calls the same functions on stable, so a corpus file means the same thing in both.
//! Every check asserts the properties of docs/design.md ("Properties the tests hold"), not only "no crash", and
//! the decision checks compare corsguard with the [`oracle`].

#[cfg(feature = "c-abi")]
pub mod c_abi;
pub mod gen;
pub mod oracle;
mod properties;

use std::sync::OnceLock;

use arbitrary::{Arbitrary, Unstructured};
use corsguard::{
    storage_len, Methods, Origin, OriginPattern, OwnedPolicy, PolicyConfig, PolicyErrorKind, PortPattern,
    RequestHeaders, MAX_ORIGIN_LEN,
};

#[cfg(feature = "c-abi")]
pub use crate::c_abi::check_c_abi;
use crate::gen::{OwnedConfig, OwnedRequest, PolicyInput, Scenario};
use crate::oracle::{OracleOrigin, OracleRequest};
pub use crate::properties::{assert_decision_properties, assert_rendering};

/// Origin parsing: agrees with the oracle's URL-Standard reading, and parse ∘ serialize is the identity.
pub fn check_origin(data: &[u8]) {
    let parsed = Origin::parse(data);
    if data.len() > MAX_ORIGIN_LEN {
        assert_eq!(parsed, Err(corsguard::OriginError::TooLong));
        return;
    }
    let expected = oracle::parse_origin(data);
    assert_eq!(parsed.is_ok(), expected.is_some(), "corsguard {parsed:?} vs oracle {expected:?} for {:?}", show(data));
    match (parsed, expected) {
        (Ok(origin), Some(OracleOrigin::Null)) => {
            assert!(origin.is_null());
            assert_eq!(origin.as_bytes(), b"null");
            assert!(!origin.is_loopback());
        }
        (Ok(origin), Some(OracleOrigin::Tuple(t))) => {
            assert!(!origin.is_null());
            assert_eq!(origin.as_bytes(), data);
            // Reassembling the parts gives the input back: nothing was skipped or normalized.
            let mut rebuilt = origin.scheme().to_vec();
            rebuilt.extend_from_slice(b"://");
            rebuilt.extend_from_slice(origin.host());
            if origin.port().is_some() {
                rebuilt.push(b':');
                rebuilt.extend_from_slice(origin.port_digits());
            }
            assert_eq!(rebuilt, data);
            assert_eq!(origin.scheme(), t.scheme.as_bytes());
            assert_eq!(origin.port(), t.port);
            assert_eq!(origin.port().map(|p| p.to_string().into_bytes()).unwrap_or_default(), origin.port_digits());
            let kind = match t.host {
                oracle::Host::Domain(_) => corsguard::HostKind::Domain,
                oracle::Host::Ipv4(_) => corsguard::HostKind::Ipv4,
                oracle::Host::Ipv6(_) => corsguard::HostKind::Ipv6,
            };
            assert_eq!(origin.host_kind(), Some(kind));
            assert_eq!(origin.is_loopback(), oracle::is_loopback(&t), "loopback of {:?}", show(data));
            assert!(corsguard::is_field_value(data));
            assert_eq!(Origin::parse(origin.as_bytes()), Ok(origin));
        }
        (Err(e), None) => {
            assert!(e.code() >= 1 && !e.message().is_empty());
        }
        _ => unreachable!(),
    }
}

/// Origin-list entries: a pattern's non-wildcard parts parse as an origin, matching is label-aware, and
/// corsguard's matcher agrees with the oracle's reading of the entry's text. Input: `entry [\n origin]`.
pub fn check_pattern(data: &[u8]) {
    let (entry, candidate) = match data.iter().position(|&b| b == b'\n') {
        Some(at) => (&data[..at], Some(&data[at + 1..])),
        None => (data, None),
    };
    let parsed = OriginPattern::parse(entry);
    let text = std::str::from_utf8(entry).ok();
    match parsed {
        Ok(OriginPattern::Any) => assert_eq!(entry, b"*"),
        Ok(OriginPattern::Exact(origin)) => {
            assert!(!entry.contains(&b'*'));
            assert_eq!(origin.as_bytes(), entry);
            assert!(!origin.is_null(), "null must never be a policy entry");
            assert!(oracle::parse_origin(entry).is_some());
        }
        Ok(OriginPattern::Wildcard(w)) => {
            let text = text.expect("an accepted pattern is ASCII");
            assert!(entry.contains(&b'*'));
            assert!(oracle::entry_shape(text).is_some(), "oracle refuses accepted pattern {text:?}");
            let port = match w.port() {
                PortPattern::Default => String::new(),
                PortPattern::Exact(p) => format!(":{p}"),
                // Same length as `:*`, and no scheme's default port, so the probe is as long as the pattern.
                PortPattern::Any => ":1".into(),
            };
            let scheme = std::str::from_utf8(w.scheme()).expect("ASCII scheme");
            let host = std::str::from_utf8(w.host()).expect("ASCII host");
            if w.subdomains() {
                assert!(host.starts_with('.') && host.len() > 1);
                let bare = &host[1..];
                // Pattern parse implies origin parse for the non-wildcard parts.
                // A one-byte label keeps the probe exactly as long as the pattern, so it fits the length cap.
                let sub = format!("{scheme}://a{host}{port}");
                let sub_origin = Origin::parse(sub.as_bytes()).expect("a subdomain of an accepted pattern parses");
                assert!(w.matches(&sub_origin), "{text:?} must match {sub:?}");
                // Label-aware: never the bare suffix, never a longer label ending in it.
                for probe in [format!("{scheme}://{bare}{port}"), format!("{scheme}://evil{bare}{port}")] {
                    if let Ok(o) = Origin::parse(probe.as_bytes()) {
                        assert!(!w.matches(&o), "{text:?} must not match {probe:?}");
                    }
                }
                // Never over a single label other than localhost.
                let domain = bare.strip_suffix('.').unwrap_or(bare);
                assert!(domain.contains('.') || domain == "localhost", "wildcard over a TLD: {text:?}");
            } else {
                assert_eq!(w.port(), PortPattern::Any, "a host pattern is a port wildcard");
                let plain = format!("{scheme}://{host}");
                let origin = Origin::parse(plain.as_bytes()).expect("the host of a port wildcard parses");
                assert!(origin.is_loopback(), "port wildcard on a non-loopback host: {text:?}");
                assert!(w.matches(&origin));
            }
        }
        Err(e) => {
            assert!(e.kind.code() >= 1 && !e.kind.message().is_empty());
            assert_eq!(e.origin_error.is_some(), e.kind == PolicyErrorKind::OriginMalformed);
            let file = entry.len() >= 5 && entry[..5].eq_ignore_ascii_case(b"file:");
            if !entry.contains(&b'*') && entry != b"null" && !file {
                // Without a wildcard an entry is an origin: refused exactly when the origin parser refuses it.
                assert_eq!(Err(e.origin_error.expect("origin error")), Origin::parse(entry).map(|_| ()));
            }
        }
    }
    // The matcher against a candidate origin, compared with the oracle's reading of the entry text.
    if let (Ok(pattern), Some(candidate), Some(text)) = (parsed, candidate, text) {
        if let (Ok(origin), Some(expected)) = (Origin::parse(candidate), oracle::parse_origin(candidate)) {
            assert_eq!(
                pattern.matches(&origin),
                oracle::entry_matches(text, candidate, &expected),
                "entry {text:?} vs origin {:?}",
                show(candidate)
            );
        }
    }
}

/// The fixed policies of the method and acrh targets, built once per process: building per input would
/// spend most of each run on `Policy::build` instead of on the request path being fuzzed.
fn fixed_policy(key: usize, config: PolicyConfig<'static>) -> &'static (OwnedPolicy, oracle::OraclePolicy) {
    static CACHE: [OnceLock<(OwnedPolicy, oracle::OraclePolicy)>; 24] = [const { OnceLock::new() }; 24];
    CACHE[key].get_or_init(|| {
        let policy = OwnedPolicy::build(&config).expect("the fixed policies build");
        (policy, oracle::OraclePolicy::from_config(&config))
    })
}

/// Decides `request` with corsguard and the oracle, asserts every property and the agreement of the two.
fn decide_and_compare(key: usize, config: PolicyConfig<'static>, request: &OwnedRequest) {
    let (policy, oracle_policy) = fixed_policy(key, config);
    request.with_request(|r| {
        let decision = policy.decide(r);
        assert_decision_properties(oracle_policy, &request.inner, &decision);
        let expected = oracle_policy.decide(&request.inner);
        assert_eq!(oracle::observe(&decision), expected, "corsguard vs oracle for {:?}", request.inner);
    });
}

fn split_lines(data: &[u8], max: usize) -> Vec<Vec<u8>> {
    data.split(|&b| b == b'\n').take(max).map(<[u8]>::to_vec).collect()
}

const APP: &[&str] = &["https://app.example.com", "https://*.example.org", "http://localhost:*"];

/// `Access-Control-Request-Method` through `decide`, under four method settings. Input: one selector byte,
/// then the ACRM lines separated by `\n`.
pub fn check_method(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let base = PolicyConfig::new(APP);
    let key = usize::from(selector % 4);
    let config = match key {
        0 => base,
        1 => PolicyConfig {
            credentials: true,
            methods: Methods::List(&["PUT", "PATCH", "patch", "PROPFIND", "DELETE"]),
            ..base
        },
        2 => PolicyConfig { methods: Methods::Any, max_age: Some(0), ..base },
        _ => PolicyConfig { credentials: true, methods: Methods::Any, ..base },
    };
    let origin: &[u8] = if selector & 0x10 == 0 { b"https://app.example.com" } else { b"https://a.example.org" };
    let request = OwnedRequest {
        inner: OracleRequest {
            method: b"OPTIONS".to_vec(),
            origin: vec![origin.to_vec()],
            request_method: split_lines(rest, 4),
            ..OracleRequest::default()
        },
    };
    decide_and_compare(key, config, &request);
}

/// `Access-Control-Request-Headers` through `decide`, under five header settings and several caps. Input:
/// one selector byte, then the ACRH lines separated by `\n`.
pub fn check_acrh(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let base = PolicyConfig {
        request_headers: RequestHeaders::List(&["content-type", "X-Request-ID", "authorization", "x-b", "x-a"]),
        ..PolicyConfig::new(APP)
    };
    let mut key = 4 + usize::from(selector % 5);
    let mut config = match selector % 5 {
        0 => base,
        1 => PolicyConfig { request_headers: RequestHeaders::Any, ..base },
        2 => PolicyConfig { request_headers: RequestHeaders::AnyWithAuthorization, ..base },
        3 => PolicyConfig { credentials: true, request_headers: RequestHeaders::Any, ..base },
        _ => PolicyConfig { request_headers: RequestHeaders::List(&[]), ..base },
    };
    if selector & 0x80 != 0 {
        config.max_request_headers_len = 64;
        config.max_request_headers_count = 4;
        key += 5;
    }
    let request = OwnedRequest {
        inner: OracleRequest {
            method: b"OPTIONS".to_vec(),
            origin: vec![b"https://app.example.com".to_vec()],
            request_method: vec![b"GET".to_vec()],
            request_headers: split_lines(rest, 64),
            ..OracleRequest::default()
        },
    };
    decide_and_compare(key, config, &request);
    // Whatever the lines, a preflight allowed under a header list asked only for listed names.
    let expected = fixed_policy(key, config).1.decide(&request.inner);
    if expected.allowed {
        for line in &request.inner.request_headers {
            for name in line.split(|&b| b == b',').map(oracle::trim_ows).filter(|n| !n.is_empty()) {
                assert!(oracle::is_token(name));
            }
        }
    }
}

/// Policy building: never accepts a policy that breaks a security rule, refuses only for a stated reason, and
/// an accepted policy allows what it lists, whatever the storage size; the owned and the fixed-storage forms
/// agree.
pub fn check_policy_build(data: &[u8]) {
    let Ok(input) = PolicyInput::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let owned = input.render();
    let lists = owned.lists();
    let config = owned.config(&lists);
    let oracle_policy = owned.oracle();
    let mut storage = vec![0xa5u8; owned.storage_bytes];
    let given = storage.len();
    match corsguard::Settings::build(&config, &mut storage) {
        Ok(_) => {
            assert_eq!(oracle_policy.violation(), None, "accepted a policy that breaks a rule: {config:?}");
            assert!(given >= storage_len(&config));
            let policy = OwnedPolicy::build(&config).expect("the owned policy builds what the storage did");
            assert_eq!(policy.credentials(), config.credentials);
            assert_eq!(policy.allows_any_origin(), config.origins == ["*"]);
            check_listed_origins_allowed(&owned, &policy);
        }
        Err(e) => {
            assert!(!e.message().is_empty() && (1..=29).contains(&e.code()));
            assert!(e.index.is_none_or(|i| match e.setting {
                corsguard::Setting::Origins => i < config.origins.len(),
                corsguard::Setting::Methods => i < lists.methods.len(),
                _ => i < 1024,
            }));
            assert_eq!(e.origin_error.is_some(), e.kind == PolicyErrorKind::OriginMalformed);
            if e.kind == PolicyErrorKind::StorageTooSmall {
                assert!(given < storage_len(&config), "storage refused although large enough");
            } else {
                assert_eq!(OwnedPolicy::build(&config).err(), Some(e), "the owned policy refuses alike");
            }
            if oracle_policy.violation().is_none() {
                // corsguard may be stricter than the oracle only for these stated reasons.
                let allowed = [
                    PolicyErrorKind::ListTooLong,
                    PolicyErrorKind::TooManyEntries,
                    PolicyErrorKind::StorageTooSmall,
                    PolicyErrorKind::WildcardPublicSuffix,
                    PolicyErrorKind::MethodNotNormalized,
                ];
                assert!(allowed.contains(&e.kind), "refused a policy the oracle accepts: {e:?} for {config:?}");
            }
        }
    }
}

/// Policy files: the parser never panics; a text that parses builds a policy or is refused with a policy
/// error (never a syntax error), sized alike by `storage_len_for_file`; an error points inside the text; and
/// layout that means nothing (a comment line in front, LF line ends made CRLF) changes nothing but the line.
pub fn check_policy_file(data: &[u8]) {
    let outcome = OwnedPolicy::from_file(data);
    match corsguard::PolicyFile::parse(data) {
        Ok(file) => {
            assert_eq!(corsguard::storage_len_for_file(data), Ok(file.storage_len()));
            if let Err(e) = &outcome {
                assert!(e.syntax_error().is_none(), "a parsed file refused with a syntax error: {e}");
            }
        }
        Err(e) => {
            assert_eq!(outcome.as_ref().err(), Some(&e), "parse and build disagree");
            assert!(e.syntax_error().is_some());
        }
    }
    if let Err(e) = &outcome {
        assert!(!e.message().is_empty() && !e.to_string().is_empty());
        if e.line == 0 {
            assert_eq!(e.column, 0);
        } else {
            // The line exists, and the column is in it or just past its end.
            let line = data.split(|&b| b == b'\n').nth(e.line as usize - 1).expect("the error's line exists");
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            assert!(
                e.column >= 1 && e.column as usize <= line.len() + 1,
                "column {} of a line of {}",
                e.column,
                line.len()
            );
        }
    }

    let summary = |o: &Result<OwnedPolicy, corsguard::PolicyFileError>| match o {
        Ok(p) => Ok(format!("{:?}", p.settings())),
        Err(e) => Err((e.line, e.column, e.kind)),
    };
    let expected = summary(&outcome);
    let commented = [b"# a comment changes nothing\n".as_slice(), data].concat();
    let shifted = expected.clone().map_err(|(line, column, kind)| (if line == 0 { 0 } else { line + 1 }, column, kind));
    assert_eq!(summary(&OwnedPolicy::from_file(&commented)), shifted, "a comment line changed the outcome");
    if !data.contains(&b'\r') {
        let mut crlf = Vec::with_capacity(data.len() * 2);
        for &b in data {
            if b == b'\n' {
                crlf.push(b'\r');
            }
            crlf.push(b);
        }
        assert_eq!(summary(&OwnedPolicy::from_file(&crlf)), expected, "CRLF line ends changed the outcome");
    }
}

/// Every exact origin and a subdomain of every pattern in an accepted policy is allowed (when the probe fits
/// the policy's origin-length cap).
fn check_listed_origins_allowed(owned: &OwnedConfig, policy: &OwnedPolicy) {
    for entry in &owned.origins {
        let probe = if entry == "*" {
            "https://anything.example".to_string()
        } else {
            entry.replacen("*.", "api.", 1).replace(":*", ":4321")
        };
        if probe.len() > owned.base.max_origin_len {
            continue;
        }
        let request = corsguard::Request { method: b"GET", origin: &[probe.as_bytes()], ..Default::default() };
        let decision = policy.decide(&request);
        assert!(decision.is_allowed(), "listed entry {entry:?} does not allow {probe:?}: {:?}", decision.reason());
    }
}

fn scenario(data: &[u8]) -> Option<(OwnedConfig, Vec<OwnedRequest>)> {
    let s = Scenario::arbitrary_take_rest(Unstructured::new(data)).ok()?;
    let owned = s.policy.render();
    let requests = s.requests.iter().map(|r| r.render(&owned)).collect();
    Some((owned, requests))
}

/// The whole decision on structured policies and requests: every docs/design.md property on every decision.
pub fn check_decide(data: &[u8]) {
    let Some((owned, requests)) = scenario(data) else {
        return;
    };
    let lists = owned.lists();
    let config = owned.config(&lists);
    let oracle_policy = owned.oracle();
    let Ok(policy) = OwnedPolicy::build(&config) else {
        return;
    };
    for request in &requests {
        request.with_request(|r| {
            let decision = policy.decide(r);
            assert_decision_properties(&oracle_policy, &request.inner, &decision);
        });
    }
}

/// Header rendering: `write_to` writes exactly `rendered_len` bytes of `Name: value\r\n` lines matching the
/// iterator, refuses a short buffer with the right `needed`, and never writes past what it reports.
pub fn check_render(data: &[u8]) {
    let Some((owned, requests)) = scenario(data) else {
        return;
    };
    let lists = owned.lists();
    let config = owned.config(&lists);
    let Ok(policy) = OwnedPolicy::build(&config) else {
        return;
    };
    for request in &requests {
        request.with_request(|r| properties::assert_rendering(policy.decide(r).headers()));
    }
}

/// corsguard against the oracle on structured policies and requests: the same verdict, reason, status and
/// the same headers as a browser would read them.
pub fn check_differential(data: &[u8]) {
    let Some((owned, requests)) = scenario(data) else {
        return;
    };
    let lists = owned.lists();
    let config = owned.config(&lists);
    let oracle_policy = owned.oracle();
    let Ok(policy) = OwnedPolicy::build(&config) else {
        return;
    };
    for request in &requests {
        request.with_request(|r| {
            let decision = policy.decide(r);
            let expected = oracle_policy.decide(&request.inner);
            assert_eq!(oracle::observe(&decision), expected, "policy {config:?}\nrequest {:?}", request.inner);
        });
    }
}

/// Printable form of arbitrary bytes for assertion messages.
pub fn show(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}
