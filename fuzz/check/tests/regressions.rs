//! One test per bug the fuzzers or the oracle found, named after it, with the minimal input inline (the
//! fuzzer's own input is kept in fuzz/corpus/<target>/ as well). Plus the oracle's reading of the standards
//! on hand-picked cases, so a wrong oracle cannot silently agree with a wrong corsguard.

use corsguard_fuzz_check::oracle::{self, entry_matches, parse_origin, OracleOrigin};

fn origin_ok(s: &str) -> bool {
    parse_origin(s.as_bytes()).is_some()
}

/// Oracle bug (origin target, first minute): the URL Standard's IPv4 number parser has no size limit, so a
/// huge hex last label still "ends in a number" and the host is then an invalid IPv4 address. The oracle
/// treated the overflow as "not a number" and accepted the host as a domain; corsguard was right.
#[test]
fn oracle_huge_hex_label_ends_in_a_number() {
    let input = b"http://0xbbbbbbbbbbbbbb66bbbbbbbbbbbbbbbbbbbbb6666";
    assert!(parse_origin(input).is_none());
    assert!(corsguard::Origin::parse(input).is_err());
    corsguard_fuzz_check::check_origin(input);
}

/// Oracle bug (policy_build target): `file:` detection sliced a `str` at byte 5, inside a multi-byte char.
#[test]
fn oracle_file_prefix_on_multibyte_entry() {
    corsguard_fuzz_check::check_policy_build(
        &std::fs::read(corpus("policy_build/oracle-file-prefix-char-boundary")).unwrap(),
    );
}

/// Check bug (policy_build target): "every listed origin is allowed" probed with an origin longer than the
/// policy's own origin cap, which corsguard rightly denies as too long.
#[test]
fn check_probe_respects_origin_cap() {
    corsguard_fuzz_check::check_policy_build(
        &std::fs::read(corpus("policy_build/check-probe-longer-than-cap")).unwrap(),
    );
}

/// Oracle lag (policy_build target, found by the smoke run): the core started treating subdomain patterns
/// under `*.<name>.localhost` as loopback (commit 3d4514b), so `http://*.app.localhost` is allowed with
/// credentials and may take a port wildcard; the oracle still required the suffix to be exactly `localhost`.
#[test]
fn oracle_nested_localhost_patterns_are_loopback() {
    let config = corsguard::PolicyConfig {
        credentials: true,
        ..corsguard::PolicyConfig::new(&["ftp://localhost:39809", "ftp://*.app.localhost", "http://*.app.localhost:*"])
    };
    assert_eq!(oracle::OraclePolicy::from_config(&config).violation(), None);
    assert!(corsguard::FixedPolicy::<256>::build(&config).is_ok());
    corsguard_fuzz_check::check_policy_build(
        &std::fs::read(corpus("policy_build/oracle-nested-localhost-loopback")).unwrap(),
    );
}

/// Check bug (pattern target, after 183 s): for a 4094-byte `https://*.…` pattern the check probed with the
/// label `api`, giving an origin longer than corsguard's 4096-byte ceiling, which is rightly refused. The probe
/// now uses a one-byte label (and `:1` for `:*`), exactly as long as the pattern.
#[test]
fn check_pattern_probe_fits_the_length_ceiling() {
    corsguard_fuzz_check::check_pattern(&std::fs::read(corpus("pattern/check-probe-longer-than-ceiling")).unwrap());
    let long = format!("https://*.{}.example", "a".repeat(4096 - "https://*..example".len()));
    assert_eq!(long.len(), 4096);
    corsguard_fuzz_check::check_pattern(long.as_bytes());
}

fn corpus(rel: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../corpus").join(rel)
}

#[test]
fn oracle_reads_origins_as_browsers_serialize_them() {
    for ok in [
        "https://example.com",
        "http://[::1]:8080",
        "http://[2001:db8::1]",
        "http://127.0.0.1",
        "null",
        "https://a..b",
        "https://example.com.",
        "chrome-extension://abcdef",
        "https://xn--bcher-kva.example",
        "http://a_b.example:65535",
    ] {
        assert!(origin_ok(ok), "{ok}");
        assert!(corsguard::Origin::parse(ok.as_bytes()).is_ok(), "{ok}");
    }
    for bad in [
        "https://Example.com",
        "HTTPS://example.com",
        "https://example.com:443",
        "ws://example.com:80",
        "http://[::0:1]",
        "http://[0:0:0:0:0:0:0:1]",
        "http://[::ffff:1.2.3.4]",
        "http://127.1",
        "http://0x7f.0.0.1",
        "http://1.2.3.4.",
        "https://example.com/",
        "https://u@example.com",
        "http://a:0",
        "http://a:080",
        "http://a:",
        "http://a:65536",
        "https://ex%61mple.com",
        "https://b\u{fc}cher.example",
        " https://example.com",
        "https://example.com].evil.com",
        "Null",
    ] {
        assert!(!origin_ok(bad), "{bad}");
        assert!(corsguard::Origin::parse(bad.as_bytes()).is_err(), "{bad}");
    }
}

#[test]
fn oracle_matches_label_wise() {
    let m = |entry: &str, origin: &str| {
        let parsed = parse_origin(origin.as_bytes()).expect("valid origin");
        entry_matches(entry, origin.as_bytes(), &parsed)
    };
    assert!(m("https://*.example.com", "https://a.example.com"));
    assert!(m("https://*.example.com", "https://a.b.example.com"));
    assert!(!m("https://*.example.com", "https://example.com"));
    assert!(!m("https://*.example.com", "https://evilexample.com"));
    assert!(!m("https://*.example.com", "https://a..example.com"));
    assert!(!m("https://*.example.com", "http://a.example.com"));
    assert!(!m("https://*.example.com", "https://a.example.com:8443"));
    assert!(!m("https://*.foo.com", "https://barfoo.com"));
    assert!(!m("https://foo.com", "https://barfoo.com"));
    assert!(m("http://localhost:*", "http://localhost:3000"));
    assert!(m("http://localhost:*", "http://localhost"));
    assert!(!m("http://localhost:*", "http://localhost.evil.com:3000"));
    assert!(!m("https://*.0.0.1", "https://127.0.0.1"));
    assert!(matches!(parse_origin(b"null"), Some(OracleOrigin::Null)));
    assert!(!m("https://app.example.com", "null"));
}

#[test]
fn oracle_policy_rules() {
    let policy = |origins: &[&str], credentials: bool| {
        let config = corsguard::PolicyConfig { credentials, ..corsguard::PolicyConfig::new(origins) };
        oracle::OraclePolicy::from_config(&config).violation()
    };
    assert_eq!(policy(&["https://app.example.com", "https://*.example.com"], true), None);
    assert!(policy(&["*"], true).is_some());
    assert!(policy(&["null"], false).is_some());
    assert!(policy(&["http://app.example.com"], true).is_some());
    assert_eq!(policy(&["http://localhost:*"], true), None);
    assert!(policy(&["https://*.com"], false).is_some());
    assert!(policy(&["https://api-*.example.com"], false).is_some());
    assert!(policy(&["https://example.com:*"], false).is_some());
}
