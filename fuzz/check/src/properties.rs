//! The properties of docs/design.md, asserted on one decision. Shared by every decision target, so a property is
//! written once and holds for every input any target produces.

use std::collections::BTreeSet;

use corsguard::{names, Decision, RequestKind, ResponseHeaders, MAX_RESPONSE_HEADERS};

use crate::oracle::{self, OraclePolicy, OracleRequest};

const KNOWN_NAMES: &[&str] = &names::IN_ORDER;

fn values<'a>(headers: &ResponseHeaders<'a>, name: &str) -> Vec<&'a [u8]> {
    headers.iter().filter(|h| h.name == name).map(|h| h.value).collect()
}

fn token_set(values: &[&[u8]], lowercase: bool) -> BTreeSet<Vec<u8>> {
    let mut out = BTreeSet::new();
    for v in values {
        let items = oracle::parse_token_list(v).unwrap_or_else(|| panic!("not a token list: {:?}", crate::show(v)));
        for i in items {
            out.insert(if lowercase { i.to_ascii_lowercase() } else { i });
        }
    }
    out
}

/// Asserts every docs/design.md property of `decision`, made for `request` under `policy` (the oracle's copy of
/// the configuration, used here only for its plain settings and its origin matcher).
pub fn assert_decision_properties(policy: &OraclePolicy, request: &OracleRequest, decision: &Decision<'_>) {
    let headers = decision.headers();
    let all: Vec<_> = headers.iter().collect();
    let ctx = || format!("request {request:?}\npolicy {policy:?}\ndecision {decision:?}");

    // Structure: known names, field values only, bounded count, consistent accessors.
    assert!(all.len() <= MAX_RESPONSE_HEADERS, "{}", ctx());
    assert_eq!(headers.len(), all.len());
    assert_eq!(headers.is_empty(), all.is_empty());
    for h in &all {
        assert!(KNOWN_NAMES.contains(&h.name), "unknown header {}", h.name);
        assert!(corsguard::is_field_value(h.value), "{}: {:?} is not a field value\n{}", h.name, h.value, ctx());
        assert!(!h.value.iter().any(|&b| b == b'\r' || b == b'\n' || b == 0));
        assert_eq!(headers.get(h.name), values(headers, h.name).first().copied());
    }
    for single in [names::ALLOW_ORIGIN, names::ALLOW_CREDENTIALS, names::ALLOW_METHODS, names::MAX_AGE, names::VARY] {
        assert!(values(headers, single).len() <= 1, "{single} twice\n{}", ctx());
    }

    // Kind and status.
    let has_origin = !request.origin.is_empty();
    let preflight = has_origin && request.method == b"OPTIONS" && !request.request_method.is_empty();
    let expected_kind = match (has_origin, preflight) {
        (false, _) => RequestKind::NotCors,
        (true, false) => RequestKind::Actual,
        (true, true) => RequestKind::Preflight,
    };
    assert_eq!(decision.kind(), expected_kind, "{}", ctx());
    assert_eq!(decision.answer_now(), preflight);
    assert_eq!(decision.reason().is_some(), !decision.is_allowed());
    if decision.origin_error().is_some() {
        assert_eq!(decision.reason(), Some(corsguard::DenyReason::OriginMalformed));
    }
    match decision.status() {
        None => assert!(!preflight),
        Some(s) => {
            assert!(preflight);
            // An allowed preflight is 2xx, never a redirect; a denied one is the configured failure status.
            if decision.is_allowed() {
                assert!((200..=299).contains(&s) && s == policy.success_status);
            } else {
                assert_eq!(s, policy.failure_status);
            }
        }
    }

    // Vary: always present and always naming Origin (the answer depends on it); on preflights also the
    // request headers that shaped the answer.
    let vary = values(headers, names::VARY);
    let vary = token_set(&vary, false);
    assert!(vary.contains(b"Origin".as_slice()), "no Vary: Origin\n{}", ctx());
    if preflight {
        assert!(vary.contains(b"Access-Control-Request-Method".as_slice()));
        assert!(vary.contains(b"Access-Control-Request-Headers".as_slice()));
    }

    if !has_origin {
        assert!(decision.is_allowed());
        assert_eq!(all.len(), 1, "a request without Origin gets only Vary\n{}", ctx());
        return;
    }
    if !decision.is_allowed() {
        assert_eq!(all.len(), 1, "a denial carries no CORS header, only Vary\n{}", ctx());
        return;
    }

    // Allowed CORS request: the origin.
    let acao = headers.get(names::ALLOW_ORIGIN).unwrap_or_else(|| panic!("allowed without ACAO\n{}", ctx()));
    let acac = headers.get(names::ALLOW_CREDENTIALS);
    if let Some(v) = acac {
        assert_eq!(v, b"true");
        assert!(policy.credentials);
    }
    assert_eq!(acac.is_some(), policy.credentials);
    assert_eq!(request.origin.len(), 1, "allowed with several Origin lines\n{}", ctx());
    let sent = oracle::trim_ows(&request.origin[0]);
    if acao == b"*" {
        assert!(acac.is_none(), "ACAO * with ACAC true\n{}", ctx());
        assert_eq!(policy.origins, ["*"], "ACAO * from a policy without *\n{}", ctx());
        assert!(oracle::parse_origin(sent).is_some(), "a malformed origin allowed by *\n{}", ctx());
    } else {
        assert_eq!(acao, sent, "ACAO is not the request's origin\n{}", ctx());
        let parsed = oracle::parse_origin(sent).unwrap_or_else(|| panic!("malformed origin allowed\n{}", ctx()));
        assert_ne!(parsed, oracle::OracleOrigin::Null, "null allowed\n{}", ctx());
        assert!(
            policy.origins.iter().any(|e| oracle::entry_matches(e, sent, &parsed)),
            "origin allowed that no entry names or matches\n{}",
            ctx()
        );
    }

    let acam = values(headers, names::ALLOW_METHODS);
    let acah = values(headers, names::ALLOW_HEADERS);
    let acma = values(headers, names::MAX_AGE);
    let acapn = values(headers, names::ALLOW_PRIVATE_NETWORK);
    let aceh = values(headers, names::EXPOSE_HEADERS);
    if !preflight {
        assert!(acam.is_empty() && acah.is_empty() && acma.is_empty() && acapn.is_empty(), "{}", ctx());
        let exposed = token_set(&aceh, false);
        if policy.credentials {
            assert!(!exposed.contains(b"*".as_slice()), "ACEH * with credentials\n{}", ctx());
        }
        return;
    }
    assert!(aceh.is_empty());

    // Allowed preflight: what a browser reads must really allow the requested method and every header.
    let method = oracle::trim_ows(&request.request_method[0]);
    let methods = token_set(&acam, false);
    let method_ok = methods.contains(method) || (!policy.credentials && methods.contains(b"*".as_slice()));
    assert!(method_ok, "allowed preflight whose ACAM does not allow the method\n{}", ctx());
    if policy.credentials && method != b"*" {
        assert!(!methods.contains(b"*".as_slice()), "ACAM * with credentials\n{}", ctx());
    }
    let allowed_headers = token_set(&acah, true);
    for line in &request.request_headers {
        for name in line.split(|&b| b == b',').map(oracle::trim_ows).filter(|n| !n.is_empty()) {
            assert!(oracle::is_token(name), "allowed a preflight with a malformed ACRH\n{}", ctx());
            let lower = name.to_ascii_lowercase();
            let covered = allowed_headers.contains(&lower)
                || (!policy.credentials && lower != b"authorization" && allowed_headers.contains(b"*".as_slice()));
            assert!(covered, "allowed preflight whose ACAH does not cover {:?}\n{}", crate::show(name), ctx());
        }
    }
    for v in &acma {
        assert!(!v.is_empty() && v.iter().all(u8::is_ascii_digit), "max-age not digits\n{}", ctx());
        let n: u32 = std::str::from_utf8(v).unwrap().parse().unwrap();
        assert!(n <= corsguard::MAX_MAX_AGE);
    }
    assert_eq!(acma.len(), usize::from(policy.max_age.is_some()));
    if let Some(v) = acapn.first() {
        assert_eq!(*v, b"true");
        assert!(policy.private_network, "ACAPN from a policy without PNA\n{}", ctx());
        assert_eq!(request.request_private_network.len(), 1);
        assert_eq!(oracle::trim_ows(&request.request_private_network[0]), b"true");
    }
    if policy.private_network {
        assert!(vary.contains(b"Access-Control-Request-Private-Network".as_slice()));
    }
}

/// Asserts that `write_to` renders exactly the iterator's headers, with honest lengths.
pub fn assert_rendering(headers: &ResponseHeaders<'_>) {
    let mut expected = Vec::new();
    for h in headers.iter() {
        expected.extend_from_slice(h.name.as_bytes());
        expected.extend_from_slice(b": ");
        expected.extend_from_slice(h.value);
        expected.extend_from_slice(b"\r\n");
    }
    let needed = headers.rendered_len();
    assert_eq!(needed, expected.len());

    // Exact size, and a larger buffer whose tail must stay untouched.
    for extra in [0usize, 7] {
        let mut buf = vec![0xA5u8; needed + extra];
        let n = headers.write_to(&mut buf).expect("a large enough buffer");
        assert_eq!(n, needed);
        assert_eq!(&buf[..n], expected.as_slice());
        assert!(buf[n..].iter().all(|&b| b == 0xA5), "wrote past the reported length");
    }
    // Every shorter buffer is refused with the size that would fit.
    for short in [0usize, needed / 2, needed.saturating_sub(1)] {
        if short < needed {
            let mut buf = vec![0u8; short];
            assert_eq!(headers.write_to(&mut buf), Err(corsguard::BufferTooSmall { needed }));
        }
    }
    // The rendered block parses back line by line: no header can smuggle a line break.
    let text = &expected[..];
    let mut lines = 0;
    let mut rest = text;
    while !rest.is_empty() {
        let end = rest.windows(2).position(|w| w == b"\r\n").expect("every line ends in CRLF");
        let line = &rest[..end];
        assert!(!line.contains(&b'\r') && !line.contains(&b'\n') && !line.contains(&0));
        let colon = line.iter().position(|&b| b == b':').expect("Name: value");
        assert!(KNOWN_NAMES.iter().any(|n| n.as_bytes() == &line[..colon]));
        assert_eq!(line.get(colon + 1), Some(&b' '));
        rest = &rest[end + 2..];
        lines += 1;
    }
    assert_eq!(lines, headers.len());
}
