//! Table-driven tests of every rule in docs/rules.md: origin parsing, origin-list patterns, policy refusals,
//! decisions and header rendering. One line per case through a small macro per table, so a failure names its
//! case. The shared JSON vectors cover decisions across languages; these reach what JSON cannot: the
//! `Origin`/`OriginPattern` API, storage sizes, `Display` of errors, a policy in a `static`.

use corsguard::names::{
    ALLOW_CREDENTIALS as ACAC, ALLOW_HEADERS as ACAH, ALLOW_METHODS as ACAM, ALLOW_ORIGIN as ACAO,
    ALLOW_PRIVATE_NETWORK as ACAPN, EXPOSE_HEADERS as ACEH, MAX_AGE as ACMA, VARY,
};
use corsguard::{
    storage_len, BufferTooSmall, DenyReason as R, ExposedHeaders, FixedPolicy, HostKind, Methods, Origin,
    OriginError as OE, OriginPattern, OwnedPolicy, Policy, PolicyConfig, PolicyError, PolicyErrorKind as K,
    PortPattern, Request, RequestHeaders, RequestKind, Setting as S, Settings, Verdict,
};

const VARY_ACTUAL: &[u8] = b"Origin";
const VARY_PRE: &[u8] = b"Origin, Access-Control-Request-Method, Access-Control-Request-Headers";
const VARY_PNA: &[u8] =
    b"Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network";

fn show(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A `&'static` list from strings made at run time (tests only: the leak ends with the process).
fn leak_list(items: Vec<String>) -> &'static [&'static str] {
    let strs: Vec<&'static str> = items.into_iter().map(|s| &*Box::leak(s.into_boxed_str())).collect();
    Box::leak(strs.into_boxed_slice())
}

fn leak_bytes(bytes: Vec<u8>) -> &'static [u8] {
    Box::leak(bytes.into_boxed_slice())
}

fn leak_str(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn cfg(origins: &'static [&'static str]) -> PolicyConfig<'static> {
    PolicyConfig::new(origins)
}

fn actual(method: &'static [u8], origin: &'static [u8]) -> Request<'static> {
    Request { method, origin: Box::leak(Box::new([origin])), ..Request::default() }
}

fn preflight(origin: &'static [u8], method: &'static [u8], headers: &'static [&'static [u8]]) -> Request<'static> {
    Request {
        method: b"OPTIONS",
        origin: Box::leak(Box::new([origin])),
        request_method: Box::leak(Box::new([method])),
        request_headers: headers,
        ..Request::default()
    }
}

// ---------------------------------------------------------------------------------------------------------
// Origin::parse
// ---------------------------------------------------------------------------------------------------------

/// A parsed origin's parts: scheme, host, port, host kind.
type Parts = (&'static str, &'static str, Option<u16>, HostKind);

fn check_origin(input: &[u8], expected: Result<Parts, OE>) {
    let got = Origin::parse(input);
    match expected {
        Ok((scheme, host, port, kind)) => {
            let origin = got.unwrap_or_else(|e| panic!("{:?} refused: {e:?}", show(input)));
            assert_eq!(show(origin.scheme()), scheme);
            assert_eq!(show(origin.host()), host);
            assert_eq!(origin.port(), port);
            assert_eq!(origin.host_kind(), Some(kind));
            assert!(!origin.is_null());
            assert_eq!(origin.as_bytes(), input, "as_bytes is the input");
            // The parts re-assemble to exactly the input: parse ∘ serialize is the identity.
            let mut again = format!("{scheme}://{host}");
            if let Some(p) = port {
                again.push_str(&format!(":{p}"));
                assert_eq!(origin.port_digits(), p.to_string().as_bytes());
            } else {
                assert_eq!(origin.port_digits(), b"");
            }
            assert_eq!(again.as_bytes(), input);
        }
        Err(error) => assert_eq!(got, Err(error), "{:?}", show(input)),
    }
}

macro_rules! origin_cases {
    ($($name:ident: $input:expr => $expected:expr;)*) => {
        $(#[test]
        fn $name() {
            check_origin(&$input[..], $expected);
        })*
    };
}

mod origin_parse {
    use super::*;
    use HostKind::{Domain, Ipv4, Ipv6};

    origin_cases! {
        https_domain: b"https://example.com" => Ok(("https", "example.com", None, Domain));
        subdomain_and_port: b"https://api.example.com:8443" => Ok(("https", "api.example.com", Some(8443), Domain));
        localhost_port: b"http://localhost:3000" => Ok(("http", "localhost", Some(3000), Domain));
        ipv4_loopback: b"http://127.0.0.1:8080" => Ok(("http", "127.0.0.1", Some(8080), Ipv4));
        ipv4_max: b"http://255.255.255.255" => Ok(("http", "255.255.255.255", None, Ipv4));
        ipv6_loopback: b"http://[::1]:8080" => Ok(("http", "[::1]", Some(8080), Ipv6));
        ipv6_doc: b"https://[2001:db8::1]" => Ok(("https", "[2001:db8::1]", None, Ipv6));
        punycode: b"https://xn--bcher-kva.example" => Ok(("https", "xn--bcher-kva.example", None, Domain));
        http_on_443: b"http://example.com:443" => Ok(("http", "example.com", Some(443), Domain));
        https_on_80: b"https://example.com:80" => Ok(("https", "example.com", Some(80), Domain));
        ws_on_443: b"ws://example.com:443" => Ok(("ws", "example.com", Some(443), Domain));
        port_one: b"http://example.com:1" => Ok(("http", "example.com", Some(1), Domain));
        port_max: b"http://example.com:65535" => Ok(("http", "example.com", Some(65535), Domain));
        extension_scheme: b"chrome-extension://abcdefghijklmnop" => Ok(("chrome-extension", "abcdefghijklmnop", None, Domain));
        scheme_plus_dot: b"git+ssh.v2://host" => Ok(("git+ssh.v2", "host", None, Domain));
        trailing_dot: b"https://example.com." => Ok(("https", "example.com.", None, Domain));
        underscore_label: b"https://a_b.example.com" => Ok(("https", "a_b.example.com", None, Domain));
        digits_then_name: b"https://1.2.3.example" => Ok(("https", "1.2.3.example", None, Domain));
        custom_scheme_port_21: b"ftp://example.com:2121" => Ok(("ftp", "example.com", Some(2121), Domain));

        empty: b"" => Err(OE::Empty);
        too_long: format!("https://{}.example", "a".repeat(4096)).as_bytes() => Err(OE::TooLong);
        non_ascii_host: "https://bücher.example".as_bytes() => Err(OE::NotAscii);
        raw_high_byte: b"https://ex\xffample.com" => Err(OE::NotAscii);
        leading_space: b" https://example.com" => Err(OE::Whitespace);
        trailing_tab: b"https://example.com\t" => Err(OE::Whitespace);
        inner_space: b"https://exa mple.com" => Err(OE::Whitespace);
        nul_byte: b"https://exa\0mple.com" => Err(OE::Control);
        crlf: b"https://example.com\r\nX-Injected: 1" => Err(OE::Control);
        bare_cr: b"https://example.com\r" => Err(OE::Control);
        del_byte: b"https://example.com\x7f" => Err(OE::Control);
        uppercase_scheme: b"HTTPS://example.com" => Err(OE::UppercaseScheme);
        mixed_case_scheme: b"Https://example.com" => Err(OE::UppercaseScheme);
        scheme_starts_with_digit: b"1http://example.com" => Err(OE::InvalidScheme);
        empty_scheme: b"://example.com" => Err(OE::InvalidScheme);
        scheme_underscore: b"ht_tp://example.com" => Err(OE::InvalidScheme);
        bare_host: b"example.com" => Err(OE::MissingSeparator);
        one_slash: b"https:/example.com" => Err(OE::MissingSeparator);
        no_slashes: b"https:example.com" => Err(OE::MissingSeparator);
        trailing_slash: b"https://example.com/" => Err(OE::HasPath);
        path: b"https://example.com/app" => Err(OE::HasPath);
        query: b"https://example.com?x=1" => Err(OE::HasPath);
        fragment: b"https://example.com#top" => Err(OE::HasPath);
        backslash: b"https://example.com\\" => Err(OE::HasPath);
        userinfo: b"https://user@example.com" => Err(OE::HasUserinfo);
        userinfo_password: b"https://user:secret@example.com" => Err(OE::HasUserinfo);
        userinfo_disguise: b"https://example.com@evil.net" => Err(OE::HasUserinfo);
        empty_host: b"https://" => Err(OE::EmptyHost);
        empty_host_with_port: b"https://:8080" => Err(OE::EmptyHost);
        angle_bracket_host: b"https://exa<mple.com" => Err(OE::InvalidHostByte);
        caret_host: b"https://a^b.example.com" => Err(OE::InvalidHostByte);
        pipe_host: b"https://a|b.example.com" => Err(OE::InvalidHostByte);
        percent_host: b"https://a%41.example.com" => Err(OE::InvalidHostByte);
        // django-cors-headers #701 crashed on this one.
        closing_bracket_host: b"https://example.com].evil.com" => Err(OE::InvalidHostByte);
        uppercase_host: b"https://Example.com" => Err(OE::UppercaseHost);
        short_ipv4: b"http://127.1" => Err(OE::InvalidIpv4);
        ipv4_out_of_range: b"http://256.0.0.1" => Err(OE::InvalidIpv4);
        ipv4_hex: b"http://0x7f.0.0.1" => Err(OE::InvalidIpv4);
        ipv4_leading_zero: b"http://127.0.0.01" => Err(OE::InvalidIpv4);
        ipv4_trailing_dot: b"http://1.2.3.4." => Err(OE::InvalidIpv4);
        numeric_tld: b"https://example.123" => Err(OE::InvalidIpv4);
        ipv6_not_compressed: b"http://[0:0:0:0:0:0:0:1]" => Err(OE::InvalidIpv6);
        ipv6_uppercase: b"http://[2001:DB8::1]" => Err(OE::InvalidIpv6);
        ipv6_unclosed: b"http://[::1" => Err(OE::InvalidIpv6);
        ipv6_junk_after: b"http://[::1]x" => Err(OE::InvalidIpv6);
        ipv6_embedded_ipv4: b"http://[::ffff:1.2.3.4]" => Err(OE::InvalidIpv6);
        empty_port: b"https://example.com:" => Err(OE::EmptyPort);
        ipv6_empty_port: b"http://[::1]:" => Err(OE::EmptyPort);
        port_zero: b"https://example.com:0" => Err(OE::InvalidPort);
        port_too_big: b"https://example.com:65536" => Err(OE::InvalidPort);
        port_six_digits: b"https://example.com:123456" => Err(OE::InvalidPort);
        port_letters: b"https://example.com:8a" => Err(OE::InvalidPort);
        port_signed: b"https://example.com:+80" => Err(OE::InvalidPort);
        two_ports: b"https://example.com:8080:9090" => Err(OE::InvalidPort);
        port_leading_zero: b"https://example.com:0443" => Err(OE::PortLeadingZero);
        https_default_port: b"https://example.com:443" => Err(OE::DefaultPort);
        http_default_port: b"http://example.com:80" => Err(OE::DefaultPort);
        wss_default_port: b"wss://example.com:443" => Err(OE::DefaultPort);
        ws_default_port: b"ws://example.com:80" => Err(OE::DefaultPort);
        ftp_default_port: b"ftp://example.com:21" => Err(OE::DefaultPort);
    }

    #[test]
    fn null_is_the_opaque_origin() {
        let null = Origin::parse(b"null").unwrap();
        assert!(null.is_null());
        assert_eq!(null.as_bytes(), b"null");
        assert_eq!(null.host_kind(), None);
        assert_eq!((null.scheme(), null.host(), null.port()), (&b""[..], &b""[..], None));
        assert!(!null.is_loopback());
        // `null` is case-sensitive.
        assert_eq!(Origin::parse(b"Null"), Err(OE::MissingSeparator));
        assert_eq!(Origin::parse(b"NULL"), Err(OE::MissingSeparator));
    }

    #[test]
    fn longest_origin_accepted() {
        let host = format!("{}.example", "a".repeat(4096 - "https://.example".len()));
        let input = format!("https://{host}");
        assert_eq!(input.len(), corsguard::MAX_ORIGIN_LEN);
        check_origin(input.as_bytes(), Ok(("https", leak_str(host), None, Domain)));
    }

    #[test]
    fn loopback_hosts() {
        for (input, loopback) in [
            ("http://localhost", true),
            ("http://app.localhost:5173", true),
            ("http://127.0.0.1", true),
            ("http://127.255.0.9:8000", true),
            ("http://[::1]:3000", true),
            ("http://localhost.example.com", false),
            ("http://mylocalhost", false),
            ("http://128.0.0.1", false),
            ("http://[::2]", false),
        ] {
            assert_eq!(Origin::parse(input.as_bytes()).unwrap().is_loopback(), loopback, "{input}");
        }
    }

    #[test]
    fn error_codes_are_stable_and_displayed() {
        let all = [
            (OE::Empty, 1),
            (OE::TooLong, 2),
            (OE::NotAscii, 3),
            (OE::Whitespace, 4),
            (OE::Control, 5),
            (OE::InvalidScheme, 6),
            (OE::UppercaseScheme, 7),
            (OE::MissingSeparator, 8),
            (OE::HasPath, 9),
            (OE::HasUserinfo, 10),
            (OE::EmptyHost, 11),
            (OE::InvalidHostByte, 12),
            (OE::UppercaseHost, 13),
            (OE::InvalidIpv4, 14),
            (OE::InvalidIpv6, 15),
            (OE::EmptyPort, 16),
            (OE::InvalidPort, 17),
            (OE::PortLeadingZero, 18),
            (OE::DefaultPort, 19),
        ];
        let mut messages = std::collections::HashSet::new();
        for (error, code) in all {
            assert_eq!(error.code(), code, "{error:?}");
            assert_eq!(error.to_string(), error.message());
            assert!(messages.insert(error.message()), "{error:?} shares its message");
        }
        assert_eq!(OE::HasPath.to_string(), "the origin has a path, query or fragment after its host");
    }
}

// ---------------------------------------------------------------------------------------------------------
// OriginPattern::parse and matches
// ---------------------------------------------------------------------------------------------------------

/// The expected shape of a parsed origin-list entry.
enum Shape {
    Any,
    Exact,
    /// scheme, host (with its leading dot for subdomain patterns), subdomains, port
    Wild(&'static str, &'static str, bool, PortPattern),
    Refused(K, Option<OE>),
}

fn check_pattern(input: &str, expected: Shape) {
    let got = OriginPattern::parse(input.as_bytes());
    match (expected, got) {
        (Shape::Any, Ok(OriginPattern::Any)) => {}
        (Shape::Exact, Ok(OriginPattern::Exact(origin))) => assert_eq!(origin.as_bytes(), input.as_bytes()),
        (Shape::Wild(scheme, host, subdomains, port), Ok(OriginPattern::Wildcard(w))) => {
            assert_eq!(show(w.scheme()), scheme);
            assert_eq!(show(w.host()), host);
            assert_eq!(w.subdomains(), subdomains);
            assert_eq!(w.port(), port);
            // Pattern parse implies origin parse for the non-wildcard parts.
            let concrete = input.replacen("*.", "x.", 1).replace(":*", ":1234");
            assert!(Origin::parse(concrete.as_bytes()).is_ok(), "{concrete}");
        }
        (Shape::Refused(kind, origin_error), Err(e)) => {
            assert_eq!((e.kind, e.origin_error), (kind, origin_error), "{input}");
            assert_eq!(e.origin_error.is_some(), kind == K::OriginMalformed);
        }
        (_, got) => panic!("{input}: unexpected {got:?}"),
    }
}

macro_rules! pattern_cases {
    ($($name:ident: $input:expr => $expected:expr;)*) => {
        $(#[test]
        fn $name() {
            check_pattern($input, $expected);
        })*
    };
}

fn check_match(pattern: &str, origin: &str, expected: bool) {
    let pattern = OriginPattern::parse(pattern.as_bytes()).unwrap();
    let origin = Origin::parse(origin.as_bytes()).unwrap();
    assert_eq!(pattern.matches(&origin), expected, "{pattern:?} vs {origin:?}");
}

macro_rules! match_cases {
    ($($name:ident: $pattern:expr, $origin:expr => $expected:expr;)*) => {
        $(#[test]
        fn $name() {
            check_match($pattern, $origin, $expected);
        })*
    };
}

mod pattern_parse {
    use super::*;
    use PortPattern::{Any as AnyPort, Default as NoPort, Exact as Port};
    use Shape::{Exact, Refused, Wild};

    pattern_cases! {
        star_alone: "*" => Shape::Any;
        exact_origin: "https://app.example.com" => Exact;
        exact_ip_port: "http://127.0.0.1:8080" => Exact;
        subdomains: "https://*.example.com" => Wild("https", ".example.com", true, NoPort);
        subdomains_with_port: "https://*.example.com:8443" => Wild("https", ".example.com", true, Port(8443));
        subdomains_of_localhost: "http://*.localhost:*" => Wild("http", ".localhost", true, AnyPort);
        localhost_any_port: "http://localhost:*" => Wild("http", "localhost", false, AnyPort);
        ipv4_loopback_any_port: "http://127.0.0.1:*" => Wild("http", "127.0.0.1", false, AnyPort);
        ipv6_loopback_any_port: "http://[::1]:*" => Wild("http", "[::1]", false, AnyPort);
        trailing_dot_suffix: "https://*.example.com." => Wild("https", ".example.com.", true, NoPort);
        deep_suffix: "https://*.eu.api.example.com" => Wild("https", ".eu.api.example.com", true, NoPort);

        null: "null" => Refused(K::NullOrigin, None);
        file_scheme: "file://" => Refused(K::FileOrigin, None);
        file_uppercase: "FILE:///etc/passwd" => Refused(K::FileOrigin, None);
        no_dot_after_star: "https://*example.com" => Refused(K::WildcardNotLabelAware, None);
        partial_label: "https://api-*.example.com" => Refused(K::WildcardNotLabelAware, None);
        star_then_dash: "https://*-api.example.com" => Refused(K::WildcardNotLabelAware, None);
        empty_label_after_star: "https://*..example.com" => Refused(K::WildcardNotLabelAware, None);
        middle_label: "https://a.*.example.com" => Refused(K::WildcardMisplaced, None);
        last_label: "https://example.*" => Refused(K::WildcardMisplaced, None);
        two_stars: "https://*.*.example.com" => Refused(K::WildcardMisplaced, None);
        star_scheme: "*://example.com" => Refused(K::WildcardMisplaced, None);
        partial_star_scheme: "http*://example.com" => Refused(K::WildcardMisplaced, None);
        tld: "https://*.com" => Refused(K::WildcardPublicSuffix, None);
        tld_trailing_dot: "https://*.com." => Refused(K::WildcardPublicSuffix, None);
        second_level_registry: "https://*.co.uk" => Refused(K::WildcardPublicSuffix, None);
        shared_hosting: "https://*.github.io" => Refused(K::WildcardPublicSuffix, None);
        shared_hosting_heroku: "https://*.herokuapp.com" => Refused(K::WildcardPublicSuffix, None);
        star_host: "https://*" => Refused(K::WildcardPublicSuffix, None);
        star_dot_host: "https://*." => Refused(K::WildcardPublicSuffix, None);
        over_ipv4: "https://*.127.0.0.1" => Refused(K::WildcardOverIp, None);
        any_port_public_host: "https://example.com:*" => Refused(K::PortWildcardNotLoopback, None);
        any_port_subdomains: "https://*.example.com:*" => Refused(K::PortWildcardNotLoopback, None);
        any_port_private_ip: "http://10.0.0.1:*" => Refused(K::PortWildcardNotLoopback, None);
        any_port_localhost_lookalike: "http://localhost.example.com:*" => Refused(K::PortWildcardNotLoopback, None);
        pattern_with_path: "https://*.example.com/" => Refused(K::OriginMalformed, Some(OE::HasPath));
        pattern_uppercase: "https://*.Example.com" => Refused(K::OriginMalformed, Some(OE::UppercaseHost));
        pattern_default_port: "https://*.example.com:443" => Refused(K::OriginMalformed, Some(OE::DefaultPort));
        pattern_bad_port: "https://*.example.com:8*" => Refused(K::OriginMalformed, Some(OE::InvalidPort));
        pattern_userinfo: "https://user@*.example.com" => Refused(K::OriginMalformed, Some(OE::HasUserinfo));
        exact_with_path: "https://app.example.com/x" => Refused(K::OriginMalformed, Some(OE::HasPath));
    }
}

mod pattern_match {
    use super::*;

    match_cases! {
        one_label: "https://*.example.com", "https://api.example.com" => true;
        two_labels: "https://*.example.com", "https://a.b.example.com" => true;
        apex_not_matched: "https://*.example.com", "https://example.com" => false;
        glued_prefix: "https://*.example.com", "https://evilexample.com" => false;
        appended_suffix: "https://*.example.com", "https://api.example.com.evil.net" => false;
        apex_appended_suffix: "https://*.example.com", "https://example.com.evil.net" => false;
        empty_label: "https://*.example.com", "https://.example.com" => false;
        double_dot: "https://*.example.com", "https://a..example.com" => false;
        scheme_downgrade: "https://*.example.com", "http://api.example.com" => false;
        scheme_wss: "https://*.example.com", "wss://api.example.com" => false;
        port_not_in_pattern: "https://*.example.com", "https://api.example.com:8443" => false;
        port_in_pattern: "https://*.example.com:8443", "https://api.example.com:8443" => true;
        port_missing: "https://*.example.com:8443", "https://api.example.com" => false;
        other_port: "https://*.example.com:8443", "https://api.example.com:8444" => false;
        trailing_dot_host: "https://*.example.com", "https://api.example.com." => false;
        localhost_no_port: "http://localhost:*", "http://localhost" => true;
        localhost_some_port: "http://localhost:*", "http://localhost:5173" => true;
        localhost_https: "http://localhost:*", "https://localhost:5173" => false;
        localhost_subdomain: "http://localhost:*", "http://app.localhost:5173" => false;
        localhost_lookalike: "http://localhost:*", "http://localhost.evil.net:5173" => false;
        localhost_subdomains: "http://*.localhost:*", "http://app.localhost:5173" => true;
        localhost_subdomains_apex: "http://*.localhost:*", "http://localhost:5173" => false;
        loopback_ip_any_port: "http://127.0.0.1:*", "http://127.0.0.1:9000" => true;
        loopback_ip_other_ip: "http://127.0.0.1:*", "http://127.0.0.2:9000" => false;
        ipv6_any_port: "http://[::1]:*", "http://[::1]:9000" => true;
        exact_same: "https://app.example.com", "https://app.example.com" => true;
        exact_subdomain: "https://app.example.com", "https://x.app.example.com" => false;
        exact_prefix: "https://app.example.com", "https://app.example.co" => false;
        exact_port: "https://app.example.com", "https://app.example.com:8443" => false;
        star_matches_all: "*", "https://anything.example" => true;
        star_matches_null: "*", "null" => true;
        wildcard_never_null: "https://*.example.com", "null" => false;
    }
}

// ---------------------------------------------------------------------------------------------------------
// Policy::build refusals
// ---------------------------------------------------------------------------------------------------------

fn check_policy_error(config: PolicyConfig<'_>, kind: K, setting: S, index: Option<usize>, origin_error: Option<OE>) {
    let error = OwnedPolicy::build(&config).expect_err("the policy must be refused");
    assert_eq!(error, PolicyError { kind, setting, index, origin_error });
    assert_eq!(error.code(), kind.code());
    assert_eq!(error.message(), kind.message());
    // The Display names the code, the setting, the entry and what to change.
    let shown = error.to_string();
    let place = match index {
        Some(i) => format!("`{}`[{i}]", setting.name()),
        None => format!("`{}`:", setting.name()),
    };
    assert!(shown.starts_with(&format!("corsguard policy error {} in ", kind.code())), "{shown}");
    assert!(shown.contains(&place), "{shown}");
    assert!(shown.contains(kind.message()), "{shown}");
    if let Some(e) = origin_error {
        assert!(shown.ends_with(&format!(" ({})", e.message())), "{shown}");
    }
}

macro_rules! policy_errors {
    ($($name:ident: $config:expr => $kind:ident, $setting:ident, $index:expr $(, $origin_error:ident)?;)*) => {
        $(#[test]
        fn $name() {
            let origin_error: Option<OE> = None $(.or(Some(OE::$origin_error)))?;
            check_policy_error($config, K::$kind, S::$setting, $index, origin_error);
        })*
    };
}

fn names(prefix: &str, n: usize, len: usize) -> &'static [&'static str] {
    leak_list((0..n).map(|i| format!("{prefix}{i:0>width$}", width = len - prefix.len())).collect())
}

mod policy_refusals {
    use super::*;

    fn creds(origins: &'static [&'static str]) -> PolicyConfig<'static> {
        PolicyConfig { credentials: true, ..cfg(origins) }
    }

    policy_errors! {
        no_origins: cfg(&[]) => NoOrigins, Origins, None;
        origin_trailing_slash: cfg(&["https://app.example.com/"]) => OriginMalformed, Origins, Some(0), HasPath;
        origin_uppercase_host: cfg(&["https://a.example", "https://App.example.com"]) => OriginMalformed, Origins, Some(1), UppercaseHost;
        origin_uppercase_scheme: cfg(&["HTTPS://app.example.com"]) => OriginMalformed, Origins, Some(0), UppercaseScheme;
        origin_https_default_port: cfg(&["https://app.example.com:443"]) => OriginMalformed, Origins, Some(0), DefaultPort;
        origin_http_default_port: cfg(&["http://app.example.com:80"]) => OriginMalformed, Origins, Some(0), DefaultPort;
        origin_userinfo: cfg(&["https://user@app.example.com"]) => OriginMalformed, Origins, Some(0), HasUserinfo;
        origin_leading_space: cfg(&[" https://app.example.com"]) => OriginMalformed, Origins, Some(0), Whitespace;
        origin_query: cfg(&["https://app.example.com?x=1"]) => OriginMalformed, Origins, Some(0), HasPath;
        origin_fragment: cfg(&["https://app.example.com#x"]) => OriginMalformed, Origins, Some(0), HasPath;
        origin_non_ascii: cfg(&["https://bücher.example"]) => OriginMalformed, Origins, Some(0), NotAscii;
        origin_port_range: cfg(&["https://app.example.com:99999"]) => OriginMalformed, Origins, Some(0), InvalidPort;
        origin_port_leading_zero: cfg(&["https://app.example.com:08080"]) => OriginMalformed, Origins, Some(0), PortLeadingZero;
        origin_empty_port: cfg(&["https://app.example.com:"]) => OriginMalformed, Origins, Some(0), EmptyPort;
        origin_bare_host: cfg(&["app.example.com"]) => OriginMalformed, Origins, Some(0), MissingSeparator;
        origin_empty: cfg(&[""]) => OriginMalformed, Origins, Some(0), Empty;
        origin_short_ipv4: cfg(&["http://127.1"]) => OriginMalformed, Origins, Some(0), InvalidIpv4;
        origin_long_ipv6: cfg(&["http://[0:0::1]"]) => OriginMalformed, Origins, Some(0), InvalidIpv6;
        origin_control: cfg(&["https://a\u{1}.example"]) => OriginMalformed, Origins, Some(0), Control;
        origin_over_hard_cap: cfg(leak_list(vec![format!("https://{}.example", "a".repeat(4096))])) => OriginMalformed, Origins, Some(0), TooLong;
        null_origin: cfg(&["https://a.example", "null"]) => NullOrigin, Origins, Some(1);
        file_origin: cfg(&["file://"]) => FileOrigin, Origins, Some(0);
        file_origin_path: cfg(&["https://a.example", "file:///home/me/index.html"]) => FileOrigin, Origins, Some(1);
        duplicate_exact: cfg(&["https://a.example", "https://b.example", "https://a.example"]) => DuplicateOrigin, Origins, Some(2);
        duplicate_pattern: cfg(&["https://*.example.com", "https://*.example.com"]) => DuplicateOrigin, Origins, Some(1);
        duplicate_port_wildcard: cfg(&["http://localhost:*", "https://a.example", "http://localhost:*"]) => DuplicateOrigin, Origins, Some(2);
        any_with_credentials: creds(&["*"]) => AnyOriginWithCredentials, Origins, Some(0);
        any_after_origin: cfg(&["https://a.example", "*"]) => AnyOriginMixed, Origins, Some(1);
        any_before_origin: cfg(&["*", "https://a.example"]) => AnyOriginMixed, Origins, Some(0);
        any_twice: cfg(&["*", "*"]) => AnyOriginMixed, Origins, Some(0);
        http_with_credentials: creds(&["https://a.example", "http://b.example"]) => InsecureOriginWithCredentials, Origins, Some(1);
        http_pattern_with_credentials: creds(&["http://*.example.com"]) => InsecureOriginWithCredentials, Origins, Some(0);
        ws_with_credentials: creds(&["ws://a.example"]) => InsecureOriginWithCredentials, Origins, Some(0);
        private_ip_with_credentials: creds(&["http://192.168.1.10:8080"]) => InsecureOriginWithCredentials, Origins, Some(0);
        wildcard_tld: cfg(&["https://*.com"]) => WildcardPublicSuffix, Origins, Some(0);
        wildcard_co_uk: cfg(&["https://a.example", "https://*.co.uk"]) => WildcardPublicSuffix, Origins, Some(1);
        wildcard_github_io: cfg(&["https://*.github.io"]) => WildcardPublicSuffix, Origins, Some(0);
        wildcard_glued: cfg(&["https://*example.com"]) => WildcardNotLabelAware, Origins, Some(0);
        wildcard_partial_label: cfg(&["https://api-*.example.com"]) => WildcardNotLabelAware, Origins, Some(0);
        wildcard_middle: cfg(&["https://a.*.example.com"]) => WildcardMisplaced, Origins, Some(0);
        wildcard_scheme: cfg(&["*://example.com"]) => WildcardMisplaced, Origins, Some(0);
        wildcard_over_ip: cfg(&["https://*.10.0.0.1"]) => WildcardOverIp, Origins, Some(0);
        port_wildcard_public: cfg(&["https://example.com:*"]) => PortWildcardNotLoopback, Origins, Some(0);
        method_space: PolicyConfig { methods: Methods::List(&["GET", "GE T"]), ..cfg(&["https://a.example"]) } => MethodInvalid, Methods, Some(1);
        method_empty: PolicyConfig { methods: Methods::List(&[""]), ..cfg(&["https://a.example"]) } => MethodInvalid, Methods, Some(0);
        method_crlf: PolicyConfig { methods: Methods::List(&["GET\r\n"]), ..cfg(&["https://a.example"]) } => MethodInvalid, Methods, Some(0);
        method_too_long: PolicyConfig { methods: Methods::List(leak_list(vec!["M".repeat(65)])), ..cfg(&["https://a.example"]) } => MethodInvalid, Methods, Some(0);
        method_connect: PolicyConfig { methods: Methods::List(&["GET", "CONNECT"]), ..cfg(&["https://a.example"]) } => MethodForbidden, Methods, Some(1);
        method_trace: PolicyConfig { methods: Methods::List(&["TRACE"]), ..cfg(&["https://a.example"]) } => MethodForbidden, Methods, Some(0);
        method_track_lowercase: PolicyConfig { methods: Methods::List(&["track"]), ..cfg(&["https://a.example"]) } => MethodForbidden, Methods, Some(0);
        method_get_lowercase: PolicyConfig { methods: Methods::List(&["get"]), ..cfg(&["https://a.example"]) } => MethodNotNormalized, Methods, Some(0);
        method_delete_titlecase: PolicyConfig { methods: Methods::List(&["PUT", "Delete"]), ..cfg(&["https://a.example"]) } => MethodNotNormalized, Methods, Some(1);
        method_options_lowercase: PolicyConfig { methods: Methods::List(&["options"]), ..cfg(&["https://a.example"]) } => MethodNotNormalized, Methods, Some(0);
        method_duplicate: PolicyConfig { methods: Methods::List(&["GET", "PUT", "GET"]), ..cfg(&["https://a.example"]) } => DuplicateMethod, Methods, Some(2);
        method_star_in_list: PolicyConfig { methods: Methods::List(&["GET", "*"]), ..cfg(&["https://a.example"]) } => WildcardInList, Methods, Some(1);
        method_too_many: PolicyConfig { methods: Methods::List(names("M", 33, 4)), ..cfg(&["https://a.example"]) } => TooManyEntries, Methods, None;
        method_list_too_long: PolicyConfig { methods: Methods::List(names("M", 5, 60)), ..cfg(&["https://a.example"]) } => ListTooLong, Methods, None;
        header_space: PolicyConfig { request_headers: RequestHeaders::List(&["x a"]), ..cfg(&["https://a.example"]) } => HeaderInvalid, RequestHeaders, Some(0);
        header_colon: PolicyConfig { request_headers: RequestHeaders::List(&["x-a", "x:b"]), ..cfg(&["https://a.example"]) } => HeaderInvalid, RequestHeaders, Some(1);
        header_empty: PolicyConfig { request_headers: RequestHeaders::List(&[""]), ..cfg(&["https://a.example"]) } => HeaderInvalid, RequestHeaders, Some(0);
        header_too_long: PolicyConfig { request_headers: RequestHeaders::List(leak_list(vec!["h".repeat(65)])), ..cfg(&["https://a.example"]) } => HeaderInvalid, RequestHeaders, Some(0);
        header_cookie: PolicyConfig { request_headers: RequestHeaders::List(&["Cookie"]), ..cfg(&["https://a.example"]) } => HeaderForbidden, RequestHeaders, Some(0);
        header_sec_prefix: PolicyConfig { request_headers: RequestHeaders::List(&["x-a", "Sec-Fetch-Mode"]), ..cfg(&["https://a.example"]) } => HeaderForbidden, RequestHeaders, Some(1);
        header_proxy_prefix: PolicyConfig { request_headers: RequestHeaders::List(&["proxy-authorization"]), ..cfg(&["https://a.example"]) } => HeaderForbidden, RequestHeaders, Some(0);
        header_origin: PolicyConfig { request_headers: RequestHeaders::List(&["origin"]), ..cfg(&["https://a.example"]) } => HeaderForbidden, RequestHeaders, Some(0);
        header_duplicate_case: PolicyConfig { request_headers: RequestHeaders::List(&["x-a", "X-A"]), ..cfg(&["https://a.example"]) } => DuplicateHeader, RequestHeaders, Some(1);
        header_star_in_list: PolicyConfig { request_headers: RequestHeaders::List(&["*"]), ..cfg(&["https://a.example"]) } => WildcardInList, RequestHeaders, Some(0);
        header_too_many: PolicyConfig { request_headers: RequestHeaders::List(names("x-", 65, 6)), ..cfg(&["https://a.example"]) } => TooManyEntries, RequestHeaders, None;
        header_list_too_long: PolicyConfig { request_headers: RequestHeaders::List(names("x-", 20, 60)), ..cfg(&["https://a.example"]) } => ListTooLong, RequestHeaders, None;
        expose_space: PolicyConfig { exposed_headers: ExposedHeaders::List(&["x total"]), ..cfg(&["https://a.example"]) } => HeaderInvalid, ExposedHeaders, Some(0);
        expose_set_cookie: PolicyConfig { exposed_headers: ExposedHeaders::List(&["x-total", "Set-Cookie"]), ..cfg(&["https://a.example"]) } => HeaderForbidden, ExposedHeaders, Some(1);
        expose_set_cookie2: PolicyConfig { exposed_headers: ExposedHeaders::List(&["set-cookie2"]), ..cfg(&["https://a.example"]) } => HeaderForbidden, ExposedHeaders, Some(0);
        expose_duplicate: PolicyConfig { exposed_headers: ExposedHeaders::List(&["X-Total", "x-total"]), ..cfg(&["https://a.example"]) } => DuplicateHeader, ExposedHeaders, Some(1);
        expose_star_in_list: PolicyConfig { exposed_headers: ExposedHeaders::List(&["x-total", "*"]), ..cfg(&["https://a.example"]) } => WildcardInList, ExposedHeaders, Some(1);
        expose_any_with_credentials: PolicyConfig { exposed_headers: ExposedHeaders::Any, ..creds(&["https://a.example"]) } => ExposeAnyWithCredentials, ExposedHeaders, None;
        expose_too_many: PolicyConfig { exposed_headers: ExposedHeaders::List(names("x-", 65, 6)), ..cfg(&["https://a.example"]) } => TooManyEntries, ExposedHeaders, None;
        expose_list_too_long: PolicyConfig { exposed_headers: ExposedHeaders::List(names("x-", 20, 60)), ..cfg(&["https://a.example"]) } => ListTooLong, ExposedHeaders, None;
        max_age_over_a_day: PolicyConfig { max_age: Some(86_401), ..cfg(&["https://a.example"]) } => MaxAgeOutOfRange, MaxAge, None;
        max_age_huge: PolicyConfig { max_age: Some(u32::MAX), ..cfg(&["https://a.example"]) } => MaxAgeOutOfRange, MaxAge, None;
        success_status_redirect: PolicyConfig { preflight_success_status: 302, ..cfg(&["https://a.example"]) } => StatusOutOfRange, PreflightSuccessStatus, None;
        success_status_forbidden: PolicyConfig { preflight_success_status: 403, ..cfg(&["https://a.example"]) } => StatusOutOfRange, PreflightSuccessStatus, None;
        success_status_199: PolicyConfig { preflight_success_status: 199, ..cfg(&["https://a.example"]) } => StatusOutOfRange, PreflightSuccessStatus, None;
        failure_status_redirect: PolicyConfig { preflight_failure_status: 301, ..cfg(&["https://a.example"]) } => StatusOutOfRange, PreflightFailureStatus, None;
        failure_status_informational: PolicyConfig { preflight_failure_status: 100, ..cfg(&["https://a.example"]) } => StatusOutOfRange, PreflightFailureStatus, None;
        failure_status_600: PolicyConfig { preflight_failure_status: 600, ..cfg(&["https://a.example"]) } => StatusOutOfRange, PreflightFailureStatus, None;
        origin_cap_zero: PolicyConfig { max_origin_len: 0, ..cfg(&["https://a.example"]) } => CapOutOfRange, MaxOriginLen, None;
        origin_cap_over_hard_cap: PolicyConfig { max_origin_len: 4097, ..cfg(&["https://a.example"]) } => CapOutOfRange, MaxOriginLen, None;
        headers_len_cap_zero: PolicyConfig { max_request_headers_len: 0, ..cfg(&["https://a.example"]) } => CapOutOfRange, MaxRequestHeadersLen, None;
        headers_len_cap_too_big: PolicyConfig { max_request_headers_len: 65_537, ..cfg(&["https://a.example"]) } => CapOutOfRange, MaxRequestHeadersLen, None;
        headers_count_cap_zero: PolicyConfig { max_request_headers_count: 0, ..cfg(&["https://a.example"]) } => CapOutOfRange, MaxRequestHeadersCount, None;
        headers_count_cap_too_big: PolicyConfig { max_request_headers_count: 1025, ..cfg(&["https://a.example"]) } => CapOutOfRange, MaxRequestHeadersCount, None;
        origin_longer_than_cap: PolicyConfig { max_origin_len: 20, ..cfg(&["https://app.example.com"]) } => OriginLongerThanCap, Origins, Some(0);
        pattern_longer_than_cap: PolicyConfig { max_origin_len: 20, ..cfg(&["https://a.example", "https://*.example.com"]) } => OriginLongerThanCap, Origins, Some(1);
        too_many_origins: cfg(leak_list(vec!["https://a.example".to_string(); corsguard::MAX_ORIGINS + 1])) => TooManyEntries, Origins, None;
    }

    fn build_with(config: &PolicyConfig<'static>, storage: usize) -> Result<(), PolicyError> {
        Settings::build(config, &mut vec![0u8; storage]).map(|_| ())
    }

    fn storage_too_small() -> PolicyError {
        PolicyError { kind: K::StorageTooSmall, setting: S::Storage, index: None, origin_error: None }
    }

    #[test]
    fn storage_sizes() {
        // Slots (a power of two, at most half full) of 8 bytes, then the entries' text.
        let len = |origins: &'static [&'static str]| storage_len(&cfg(origins));
        assert_eq!(len(&["https://a.example"]), 2 * 8 + 17);
        assert_eq!(len(&["https://a.example", "https://b.example"]), 4 * 8 + 34);
        assert_eq!(len(&["https://a.example", "https://b.example", "https://*.c"]), 8 * 8 + 45);
        let many = leak_list((0..1000).map(|i| format!("https://{i:04}.example")).collect());
        assert_eq!(len(many), 2048 * 8 + 1000 * 20);
        assert_eq!(len(&[]), 2 * 8);
    }

    #[test]
    fn storage_too_small_is_refused() {
        let three = cfg(&["https://a.example", "https://b.example", "https://*.c.example"]);
        let needed = storage_len(&three);
        assert_eq!(build_with(&three, 0), Err(storage_too_small()));
        assert_eq!(build_with(&three, needed - 1), Err(storage_too_small()));
        assert_eq!(build_with(&three, needed), Ok(()));
        assert_eq!(FixedPolicy::<116>::build(&three).map(|_| ()), Err(storage_too_small()));
        assert_eq!(needed, 117);
        assert!(FixedPolicy::<117>::build(&three).is_ok());
        assert_eq!(
            storage_too_small().to_string(),
            format!("corsguard policy error 28 in `storage`: {}", K::StorageTooSmall.message())
        );
    }

    #[test]
    fn larger_storage_with_stale_bytes_is_fine() {
        // More storage than needed, full of stale bytes: the table is written over the part it needs.
        let config = cfg(&["https://a.example", "https://b.example", "https://*.c.example"]);
        let mut storage = vec![0xffu8; storage_len(&config) + 13];
        let settings = Settings::build(&config, &mut storage).unwrap();
        assert!(format!("{settings:?}").contains("credentials: false"));
        let policy = FixedPolicy::<4096>::build(&config).unwrap();
        for (origin, allowed) in
            [("https://a.example", true), ("https://x.c.example", true), ("https://c.example", false)]
        {
            assert_eq!(policy.decide(&actual(b"GET", origin.as_bytes())).is_allowed(), allowed, "{origin}");
        }
    }

    #[test]
    fn accepted_edges() {
        let ok =
            |config: PolicyConfig<'static>| build_with(&config, storage_len(&config)).unwrap_or_else(|e| panic!("{e}"));
        ok(PolicyConfig { max_age: Some(86_400), ..cfg(&["https://a.example"]) });
        ok(PolicyConfig { max_age: Some(0), ..cfg(&["https://a.example"]) });
        ok(PolicyConfig {
            preflight_success_status: 200,
            preflight_failure_status: 200,
            ..cfg(&["https://a.example"])
        });
        ok(PolicyConfig {
            preflight_success_status: 299,
            preflight_failure_status: 599,
            ..cfg(&["https://a.example"])
        });
        ok(PolicyConfig {
            max_origin_len: 4096,
            max_request_headers_len: 65_536,
            max_request_headers_count: 1024,
            ..cfg(&["https://a.example"])
        });
        // Methods compare case-sensitively, so `PATCH` and `patch` are two methods.
        ok(PolicyConfig { methods: Methods::List(&["PATCH", "patch"]), ..cfg(&["https://a.example"]) });
        ok(PolicyConfig { methods: Methods::List(names("M", 32, 4)), ..cfg(&["https://a.example"]) });
        ok(PolicyConfig { request_headers: RequestHeaders::List(names("x-", 64, 6)), ..cfg(&["https://a.example"]) });
        // A subdomain pattern and its apex are different entries.
        ok(cfg(&["https://*.example.com", "https://example.com"]));
        // Loopback origins are fine with credentials over http; so is http when explicitly tolerated.
        ok(creds(&["http://localhost:3000", "http://127.0.0.1:8080", "http://[::1]:5000", "http://app.localhost"]));
        ok(creds(&["http://localhost:*", "http://*.localhost:*", "https://*.example.com", "wss://ws.example.com"]));
        ok(PolicyConfig { allow_insecure_origins_with_credentials: true, ..creds(&["http://intranet.example"]) });
        ok(PolicyConfig { exposed_headers: ExposedHeaders::Any, ..cfg(&["https://a.example"]) });
        ok(PolicyConfig { request_headers: RequestHeaders::AnyWithAuthorization, ..creds(&["https://a.example"]) });
        // `*` is not held to the origin length cap.
        ok(PolicyConfig { max_origin_len: 1, ..cfg(&["*"]) });
    }

    #[test]
    fn kind_and_setting_codes_are_stable() {
        let kinds = [
            K::NoOrigins,
            K::OriginMalformed,
            K::NullOrigin,
            K::FileOrigin,
            K::DuplicateOrigin,
            K::AnyOriginWithCredentials,
            K::AnyOriginMixed,
            K::InsecureOriginWithCredentials,
            K::WildcardPublicSuffix,
            K::WildcardNotLabelAware,
            K::WildcardMisplaced,
            K::WildcardOverIp,
            K::PortWildcardNotLoopback,
            K::MethodInvalid,
            K::MethodForbidden,
            K::MethodNotNormalized,
            K::DuplicateMethod,
            K::WildcardInList,
            K::HeaderInvalid,
            K::HeaderForbidden,
            K::DuplicateHeader,
            K::ExposeAnyWithCredentials,
            K::MaxAgeOutOfRange,
            K::StatusOutOfRange,
            K::CapOutOfRange,
            K::ListTooLong,
            K::TooManyEntries,
            K::StorageTooSmall,
            K::OriginLongerThanCap,
        ];
        let mut messages = std::collections::HashSet::new();
        for (i, kind) in kinds.iter().enumerate() {
            assert_eq!(kind.code() as usize, i + 1, "{kind:?}");
            assert!(messages.insert(kind.message()), "{kind:?} shares its message");
        }
        let settings = [
            (S::Origins, "origins"),
            (S::Credentials, "credentials"),
            (S::Methods, "methods"),
            (S::RequestHeaders, "request_headers"),
            (S::ExposedHeaders, "exposed_headers"),
            (S::MaxAge, "max_age"),
            (S::PreflightSuccessStatus, "preflight_success_status"),
            (S::PreflightFailureStatus, "preflight_failure_status"),
            (S::MaxOriginLen, "max_origin_len"),
            (S::MaxRequestHeadersLen, "max_request_headers_len"),
            (S::MaxRequestHeadersCount, "max_request_headers_count"),
            (S::Storage, "storage"),
        ];
        for (i, (setting, name)) in settings.iter().enumerate() {
            assert_eq!(setting.code() as usize, i + 1);
            assert_eq!(setting.name(), *name);
        }
    }

    #[test]
    fn request_header_list_is_sorted_whatever_the_input_order() {
        // Regression for the insertion sort that replaced `sort_unstable_by` (which kept a panic path):
        // the prepared ACAH is lowercase and sorted, and every name is found in any case.
        let mut names: Vec<String> = (0..64).map(|i| format!("X-H{:02}-{}", (i * 37) % 64, i % 3)).collect();
        names.dedup();
        let sorted = {
            let mut lower: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
            lower.sort();
            lower.join(", ")
        };
        let list = leak_list(names.clone());
        for order in [list.to_vec(), list.iter().rev().copied().collect::<Vec<_>>()] {
            let order: &'static [&'static str] = Box::leak(order.into_boxed_slice());
            let config = PolicyConfig { request_headers: RequestHeaders::List(order), ..app() };
            let policy = OwnedPolicy::build(&config).unwrap();
            for name in &names {
                let line = [name.to_uppercase().into_bytes(), name.to_lowercase().into_bytes()].join(&b","[..]);
                let lines = [line.as_slice()];
                let request = Request { request_headers: &lines, ..preflight(APP, b"GET", &[]) };
                let decision = policy.decide(&request);
                assert!(decision.is_allowed(), "{name}: {:?}", decision.reason());
                assert_eq!(decision.headers().get(ACAH).map(show), Some(sorted.clone()));
            }
            let missing = preflight(APP, b"GET", &[b"x-h64-0"]);
            assert_eq!(policy.decide(&missing).reason(), Some(R::HeaderNotAllowed));
        }
    }

    #[test]
    fn display_of_a_malformed_origin() {
        let error = OwnedPolicy::build(&cfg(&["https://a.example", "https://B.example"])).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "corsguard policy error 2 in `origins`[1]: {} (the origin's host has an uppercase letter)",
                K::OriginMalformed.message()
            )
        );
    }
}

// ---------------------------------------------------------------------------------------------------------
// Policy::decide
// ---------------------------------------------------------------------------------------------------------

/// What a decision should say beyond its kind.
enum Outcome {
    Allow,
    Deny(R),
    Malformed(OE),
}
use Outcome::{Allow, Deny, Malformed};

fn check_decision(
    config: &PolicyConfig<'_>,
    request: &Request<'_>,
    kind: RequestKind,
    outcome: Outcome,
    status: Option<u16>,
    headers: &[(&str, &[u8])],
) {
    let policy = OwnedPolicy::build(config).unwrap_or_else(|e| panic!("policy refused: {e}"));
    let decision = policy.decide(request);
    let (reason, origin_error) = match outcome {
        Allow => (None, None),
        Deny(reason) => (Some(reason), None),
        Malformed(error) => (Some(R::OriginMalformed), Some(error)),
    };
    assert_eq!(decision.kind(), kind);
    assert_eq!(decision.reason(), reason);
    assert_eq!(decision.origin_error(), origin_error);
    assert_eq!(decision.verdict(), if reason.is_none() { Verdict::Allowed } else { Verdict::Denied });
    assert_eq!(decision.is_allowed(), reason.is_none());
    assert_eq!(decision.status(), status);
    assert_eq!(decision.answer_now(), kind == RequestKind::Preflight);
    let got: Vec<(&str, String)> = decision.headers().iter().map(|h| (h.name, show(h.value))).collect();
    let want: Vec<(&str, String)> = headers.iter().map(|&(n, v)| (n, show(v))).collect();
    assert_eq!(got, want);
    let got_raw: Vec<(&str, &[u8])> = decision.headers().iter().map(|h| (h.name, h.value)).collect();
    assert_eq!(got_raw, headers, "raw bytes");
    assert_eq!(decision.headers().len(), headers.len());
    assert_eq!(decision.headers().is_empty(), headers.is_empty());
    // The rendering is exactly `Name: value\r\n` per header.
    let mut rendered = Vec::new();
    for (name, value) in headers {
        rendered.extend_from_slice(name.as_bytes());
        rendered.extend_from_slice(b": ");
        rendered.extend_from_slice(value);
        rendered.extend_from_slice(b"\r\n");
    }
    assert_eq!(decision.headers().rendered_len(), rendered.len());
    let mut buf = vec![0u8; rendered.len()];
    assert_eq!(decision.headers().write_to(&mut buf), Ok(rendered.len()));
    assert_eq!(buf, rendered);
}

macro_rules! decisions {
    ($($name:ident: $config:expr, $request:expr => $kind:ident, $outcome:expr, $status:expr,
        [$($header:expr => $value:expr),* $(,)?];)*) => {
        $(#[test]
        fn $name() {
            let config: PolicyConfig<'static> = $config;
            let request: Request<'static> = $request;
            let headers: &[(&str, &[u8])] = &[$(($header, &$value[..])),*];
            check_decision(&config, &request, RequestKind::$kind, $outcome, $status, headers);
        })*
    };
}

const APP: &[u8] = b"https://app.example.com";

fn app() -> PolicyConfig<'static> {
    cfg(&["https://app.example.com"])
}

fn app_creds() -> PolicyConfig<'static> {
    PolicyConfig { credentials: true, ..app() }
}

fn app_with(request_headers: RequestHeaders<'static>, credentials: bool) -> PolicyConfig<'static> {
    PolicyConfig { request_headers, credentials, methods: Methods::List(&["GET", "PUT", "PATCH"]), ..app() }
}

fn pna(on: bool, lines: &'static [&'static [u8]]) -> (PolicyConfig<'static>, Request<'static>) {
    let config = PolicyConfig { private_network: on, ..app() };
    let request = Request { request_private_network: lines, ..preflight(APP, b"GET", &[]) };
    (config, request)
}

mod protocol_rules {
    use super::*;

    decisions! {
        // A request with no Origin is not CORS: only the Vary that caching needs.
        no_origin_get: app(), Request { method: b"GET", ..Request::default() }
            => NotCors, Allow, None, [VARY => VARY_ACTUAL];
        no_origin_options_with_acrm: app(), Request { method: b"OPTIONS", request_method: &[b"PUT"], ..Request::default() }
            => NotCors, Allow, None, [VARY => VARY_ACTUAL];
        // Origin on a POST does not make a preflight.
        origin_on_post: app(), actual(b"POST", APP)
            => Actual, Allow, None, [ACAO => APP, VARY => VARY_ACTUAL];
        actual_get_allowed: app(), actual(b"GET", APP)
            => Actual, Allow, None, [ACAO => APP, VARY => VARY_ACTUAL];
        actual_denied_keeps_vary: app(), actual(b"GET", b"https://evil.example")
            => Actual, Deny(R::OriginNotAllowed), None, [VARY => VARY_ACTUAL];
        // OPTIONS without ACRM is an actual request for the application.
        options_without_acrm: app(), actual(b"OPTIONS", APP)
            => Actual, Allow, None, [ACAO => APP, VARY => VARY_ACTUAL];
        options_lowercase_is_not_preflight: app(), Request { method: b"options", ..preflight(APP, b"PUT", &[]) }
            => Actual, Allow, None, [ACAO => APP, VARY => VARY_ACTUAL];
        preflight_allowed: app(), preflight(APP, b"POST", &[])
            => Preflight, Allow, Some(204), [ACAO => APP, ACAM => b"GET, HEAD, POST", VARY => VARY_PRE];
        preflight_custom_success: PolicyConfig { preflight_success_status: 200, ..app() }, preflight(APP, b"GET", &[])
            => Preflight, Allow, Some(200), [ACAO => APP, ACAM => b"GET, HEAD, POST", VARY => VARY_PRE];
        preflight_denied_no_cors_headers: app(), preflight(b"https://evil.example", b"GET", &[])
            => Preflight, Deny(R::OriginNotAllowed), Some(403), [VARY => VARY_PRE];
        preflight_custom_failure: PolicyConfig { preflight_failure_status: 200, ..app() }, preflight(APP, b"DELETE", &[])
            => Preflight, Deny(R::MethodNotAllowed), Some(200), [VARY => VARY_PRE];
        preflight_failure_404: PolicyConfig { preflight_failure_status: 404, ..app() }, preflight(b"https://evil.example", b"GET", &[])
            => Preflight, Deny(R::OriginNotAllowed), Some(404), [VARY => VARY_PRE];
        // The allowed origin is reflected as exactly the request's bytes, after trimming outer OWS.
        origin_with_ows: app(), actual(b"GET", b" \thttps://app.example.com\t ")
            => Actual, Allow, None, [ACAO => APP, VARY => VARY_ACTUAL];
        preflight_origin_with_ows: app(), preflight(b"  https://app.example.com", b"GET", &[])
            => Preflight, Allow, Some(204), [ACAO => APP, ACAM => b"GET, HEAD, POST", VARY => VARY_PRE];
        origin_not_byte_equal_case: app(), actual(b"GET", b"https://APP.example.com")
            => Actual, Malformed(OE::UppercaseHost), None, [VARY => VARY_ACTUAL];
        origin_default_port_spelled: app(), actual(b"GET", b"https://app.example.com:443")
            => Actual, Malformed(OE::DefaultPort), None, [VARY => VARY_ACTUAL];
        origin_too_long: PolicyConfig { max_origin_len: 30, ..app() }, actual(b"GET", b"https://app.example.com.very.long")
            => Actual, Deny(R::OriginTooLong), None, [VARY => VARY_ACTUAL];
        origin_at_cap_is_parsed: PolicyConfig { max_origin_len: 23, ..app() }, actual(b"GET", APP)
            => Actual, Allow, None, [ACAO => APP, VARY => VARY_ACTUAL];
        origin_empty_line: app(), actual(b"GET", b"")
            => Actual, Malformed(OE::Empty), None, [VARY => VARY_ACTUAL];
        origin_only_spaces: app(), actual(b"GET", b"   ")
            => Actual, Malformed(OE::Empty), None, [VARY => VARY_ACTUAL];
        // Several Origin lines are malformed, even when they agree.
        two_origin_lines: app(), Request { method: b"GET", origin: &[APP, APP], ..Request::default() }
            => Actual, Deny(R::OriginMultiple), None, [VARY => VARY_ACTUAL];
        two_origin_lines_preflight: app(), Request { origin: &[APP, b"https://evil.example"], ..preflight(APP, b"GET", &[]) }
            => Preflight, Deny(R::OriginMultiple), Some(403), [VARY => VARY_PRE];
        // Credentials: ACAC is exactly `true`, beside the exact origin.
        credentials_actual: app_creds(), actual(b"GET", APP)
            => Actual, Allow, None, [ACAO => APP, ACAC => b"true", VARY => VARY_ACTUAL];
        credentials_preflight: app_creds(), preflight(APP, b"HEAD", &[])
            => Preflight, Allow, Some(204), [ACAO => APP, ACAC => b"true", ACAM => b"GET, HEAD, POST", VARY => VARY_PRE];
        credentials_denied: app_creds(), actual(b"GET", b"https://evil.example")
            => Actual, Deny(R::OriginNotAllowed), None, [VARY => VARY_ACTUAL];
        // Any method: `*` without credentials, the validated request method with them.
        any_method: PolicyConfig { methods: Methods::Any, ..app() }, preflight(APP, b"PURGE", &[])
            => Preflight, Allow, Some(204), [ACAO => APP, ACAM => b"*", VARY => VARY_PRE];
        any_method_credentials_echo: PolicyConfig { methods: Methods::Any, ..app_creds() }, preflight(APP, b" PURGE\t", &[])
            => Preflight, Allow, Some(204), [ACAO => APP, ACAC => b"true", ACAM => b"PURGE", VARY => VARY_PRE];
        any_method_still_forbids_trace: PolicyConfig { methods: Methods::Any, ..app() }, preflight(APP, b"TRACE", &[])
            => Preflight, Deny(R::MethodForbidden), Some(403), [VARY => VARY_PRE];
        // Any header: `*` without credentials, the validated request lines with them (one ACAH per line).
        any_header: app_with(RequestHeaders::Any, false), preflight(APP, b"PUT", &[b"x-a,x-b"])
            => Preflight, Allow, Some(204), [ACAO => APP, ACAM => b"GET, PUT, PATCH", ACAH => b"*", VARY => VARY_PRE];
        any_header_credentials_echo: app_with(RequestHeaders::Any, true), preflight(APP, b"PUT", &[b" x-b, X-A ", b"", b"x-c"])
            => Preflight, Allow, Some(204),
            [ACAO => APP, ACAC => b"true", ACAM => b"GET, PUT, PATCH", ACAH => b"x-b, X-A", ACAH => b"x-c", VARY => VARY_PRE];
        any_header_credentials_nothing_requested: app_with(RequestHeaders::Any, true), preflight(APP, b"PUT", &[b" , ,"])
            => Preflight, Allow, Some(204), [ACAO => APP, ACAC => b"true", ACAM => b"GET, PUT, PATCH", VARY => VARY_PRE];
        any_header_credentials_nine_lines: app_with(RequestHeaders::Any, true),
            preflight(APP, b"PUT", &[b"a", b"b", b"c", b"d", b"e", b"f", b"g", b"h", b"i"])
            => Preflight, Deny(R::HeadersTooMany), Some(403), [VARY => VARY_PRE];
        any_header_credentials_eight_lines: app_with(RequestHeaders::Any, true),
            preflight(APP, b"PUT", &[b"a", b"b", b"c", b"d", b"e", b"f", b"g", b"h", b" "])
            => Preflight, Allow, Some(204), [ACAO => APP, ACAC => b"true", ACAM => b"GET, PUT, PATCH",
                ACAH => b"a", ACAH => b"b", ACAH => b"c", ACAH => b"d", ACAH => b"e", ACAH => b"f", ACAH => b"g",
                ACAH => b"h", VARY => VARY_PRE];
        // `*` never covers Authorization.
        any_header_no_authorization: app_with(RequestHeaders::Any, false), preflight(APP, b"GET", &[b"x-a,authorization"])
            => Preflight, Deny(R::AuthorizationNotAllowed), Some(403), [VARY => VARY_PRE];
        any_header_no_authorization_credentials: app_with(RequestHeaders::Any, true), preflight(APP, b"GET", &[b"Authorization"])
            => Preflight, Deny(R::AuthorizationNotAllowed), Some(403), [VARY => VARY_PRE];
        any_with_authorization: app_with(RequestHeaders::AnyWithAuthorization, false), preflight(APP, b"GET", &[b"authorization,x-a"])
            => Preflight, Allow, Some(204), [ACAO => APP, ACAM => b"GET, PUT, PATCH", ACAH => b"*, authorization", VARY => VARY_PRE];
        any_with_authorization_credentials: app_with(RequestHeaders::AnyWithAuthorization, true), preflight(APP, b"GET", &[b"authorization"])
            => Preflight, Allow, Some(204), [ACAO => APP, ACAC => b"true", ACAM => b"GET, PUT, PATCH", ACAH => b"authorization", VARY => VARY_PRE];
        listed_authorization: app_with(RequestHeaders::List(&["Authorization"]), true), preflight(APP, b"GET", &[b"authorization"])
            => Preflight, Allow, Some(204), [ACAO => APP, ACAC => b"true", ACAM => b"GET, PUT, PATCH", ACAH => b"authorization", VARY => VARY_PRE];
        unlisted_authorization: app_with(RequestHeaders::List(&["x-a"]), false), preflight(APP, b"GET", &[b"AUTHORIZATION"])
            => Preflight, Deny(R::AuthorizationNotAllowed), Some(403), [VARY => VARY_PRE];
        // ACAM/ACAH are prepared lists of tokens; ACAH is lowercased and sorted.
        header_list_answer: app_with(RequestHeaders::List(&["X-Request-Id", "Content-Type"]), false), preflight(APP, b"PATCH", &[b"content-type"])
            => Preflight, Allow, Some(204), [ACAO => APP, ACAM => b"GET, PUT, PATCH", ACAH => b"content-type, x-request-id", VARY => VARY_PRE];
        // ACRH in any order and case, on several lines, with OWS and empty elements.
        headers_any_case_order_lines: app_with(RequestHeaders::List(&["x-a", "x-b", "content-type"]), false),
            preflight(APP, b"PUT", &[b"X-B , ,x-a,", b"", b"\tContent-Type\t"])
            => Preflight, Allow, Some(204), [ACAO => APP, ACAM => b"GET, PUT, PATCH", ACAH => b"content-type, x-a, x-b", VARY => VARY_PRE];
        headers_repeated_name: app_with(RequestHeaders::List(&["x-a"]), false), preflight(APP, b"PUT", &[b"x-a,x-a", b"X-A"])
            => Preflight, Allow, Some(204), [ACAO => APP, ACAM => b"GET, PUT, PATCH", ACAH => b"x-a", VARY => VARY_PRE];
        headers_none_requested_list_still_sent: app_with(RequestHeaders::List(&["x-a"]), false), preflight(APP, b"PUT", &[])
            => Preflight, Allow, Some(204), [ACAO => APP, ACAM => b"GET, PUT, PATCH", ACAH => b"x-a", VARY => VARY_PRE];
        header_not_allowed: app_with(RequestHeaders::List(&["x-a"]), false), preflight(APP, b"PUT", &[b"x-a,x-b"])
            => Preflight, Deny(R::HeaderNotAllowed), Some(403), [VARY => VARY_PRE];
        header_prefix_not_allowed: app_with(RequestHeaders::List(&["x-abc"]), false), preflight(APP, b"PUT", &[b"x-ab"])
            => Preflight, Deny(R::HeaderNotAllowed), Some(403), [VARY => VARY_PRE];
        header_longer_not_allowed: app_with(RequestHeaders::List(&["x-a"]), false), preflight(APP, b"PUT", &[b"x-ab"])
            => Preflight, Deny(R::HeaderNotAllowed), Some(403), [VARY => VARY_PRE];
        no_headers_listed_but_requested: app(), preflight(APP, b"GET", &[b"x-a"])
            => Preflight, Deny(R::HeaderNotAllowed), Some(403), [VARY => VARY_PRE];
        header_with_space: app_with(RequestHeaders::Any, false), preflight(APP, b"PUT", &[b"x-a, x b"])
            => Preflight, Deny(R::HeadersMalformed), Some(403), [VARY => VARY_PRE];
        header_with_colon: app_with(RequestHeaders::Any, false), preflight(APP, b"PUT", &[b"x-a:1"])
            => Preflight, Deny(R::HeadersMalformed), Some(403), [VARY => VARY_PRE];
        header_with_crlf: app_with(RequestHeaders::Any, true), preflight(APP, b"PUT", &[b"x-a\r\nSet-Cookie: a=b"])
            => Preflight, Deny(R::HeadersMalformed), Some(403), [VARY => VARY_PRE];
        header_non_ascii: app_with(RequestHeaders::Any, true), preflight(APP, b"PUT", &[b"x-\xc3\xa9"])
            => Preflight, Deny(R::HeadersMalformed), Some(403), [VARY => VARY_PRE];
        headers_over_byte_cap: PolicyConfig { max_request_headers_len: 10, ..app_with(RequestHeaders::Any, false) },
            preflight(APP, b"PUT", &[b"x-a,x-b", b"x-c,"])
            => Preflight, Deny(R::HeadersTooLong), Some(403), [VARY => VARY_PRE];
        headers_at_byte_cap: PolicyConfig { max_request_headers_len: 11, ..app_with(RequestHeaders::Any, false) },
            preflight(APP, b"PUT", &[b"x-a,x-b", b"x-c,"])
            => Preflight, Allow, Some(204), [ACAO => APP, ACAM => b"GET, PUT, PATCH", ACAH => b"*", VARY => VARY_PRE];
        headers_over_count_cap: PolicyConfig { max_request_headers_count: 2, ..app_with(RequestHeaders::Any, false) },
            preflight(APP, b"PUT", &[b"x-a,,x-b", b"x-a"])
            => Preflight, Deny(R::HeadersTooMany), Some(403), [VARY => VARY_PRE];
        // The browser-form fast path (one sorted lowercase line of listed names) keeps the count cap.
        headers_browser_form_over_count_cap: PolicyConfig {
                max_request_headers_count: 2,
                ..app_with(RequestHeaders::List(&["x-a", "x-b", "x-c"]), false)
            },
            preflight(APP, b"PUT", &[b"x-a,x-b,x-c"])
            => Preflight, Deny(R::HeadersTooMany), Some(403), [VARY => VARY_PRE];
        headers_browser_form_at_count_cap: PolicyConfig {
                max_request_headers_count: 2,
                ..app_with(RequestHeaders::List(&["x-a", "x-b", "x-c"]), false)
            },
            preflight(APP, b"PUT", &[b"x-a,x-c"])
            => Preflight, Allow, Some(204), [ACAO => APP, ACAM => b"GET, PUT, PATCH", ACAH => b"x-a, x-b, x-c", VARY => VARY_PRE];
        headers_browser_form_unlisted_last: app_with(RequestHeaders::List(&["x-a", "x-b"]), false),
            preflight(APP, b"PUT", &[b"x-a,x-b,x-bb"])
            => Preflight, Deny(R::HeaderNotAllowed), Some(403), [VARY => VARY_PRE];
        headers_browser_form_prefix_of_listed: app_with(RequestHeaders::List(&["x-abc", "x-b"]), false),
            preflight(APP, b"PUT", &[b"x-ab"])
            => Preflight, Deny(R::HeaderNotAllowed), Some(403), [VARY => VARY_PRE];
        // Methods are case-sensitive: `put` is not `PUT`, `patch` is not `PATCH`.
        method_case_sensitive: app_with(RequestHeaders::List(&[]), false), preflight(APP, b"put", &[])
            => Preflight, Deny(R::MethodNotAllowed), Some(403), [VARY => VARY_PRE];
        method_patch_lowercase: app_with(RequestHeaders::List(&[]), false), preflight(APP, b"patch", &[])
            => Preflight, Deny(R::MethodNotAllowed), Some(403), [VARY => VARY_PRE];
        method_patch: app_with(RequestHeaders::List(&[]), false), preflight(APP, b"PATCH", &[])
            => Preflight, Allow, Some(204), [ACAO => APP, ACAM => b"GET, PUT, PATCH", VARY => VARY_PRE];
        method_trimmed: app_with(RequestHeaders::List(&[]), false), preflight(APP, b"\tPUT ", &[])
            => Preflight, Allow, Some(204), [ACAO => APP, ACAM => b"GET, PUT, PATCH", VARY => VARY_PRE];
        method_connect: app(), preflight(APP, b"CONNECT", &[])
            => Preflight, Deny(R::MethodForbidden), Some(403), [VARY => VARY_PRE];
        method_track_lowercase: PolicyConfig { methods: Methods::Any, ..app() }, preflight(APP, b"track", &[])
            => Preflight, Deny(R::MethodForbidden), Some(403), [VARY => VARY_PRE];
        method_empty: app(), preflight(APP, b"", &[])
            => Preflight, Deny(R::MethodMalformed), Some(403), [VARY => VARY_PRE];
        method_with_space: PolicyConfig { methods: Methods::Any, ..app() }, preflight(APP, b"GE T", &[])
            => Preflight, Deny(R::MethodMalformed), Some(403), [VARY => VARY_PRE];
        method_two_lines: app(), Request { request_method: &[b"GET", b"GET"], ..preflight(APP, b"GET", &[]) }
            => Preflight, Deny(R::MethodMalformed), Some(403), [VARY => VARY_PRE];
        method_too_long: PolicyConfig { methods: Methods::Any, ..app() }, preflight(APP, leak_bytes(vec![b'M'; 65]), &[])
            => Preflight, Deny(R::MethodMalformed), Some(403), [VARY => VARY_PRE];
        method_64_bytes_echoed: PolicyConfig { methods: Methods::Any, ..app_creds() }, preflight(APP, leak_bytes(vec![b'M'; 64]), &[])
            => Preflight, Allow, Some(204), [ACAO => APP, ACAC => b"true", ACAM => vec![b'M'; 64], VARY => VARY_PRE];
        // Max-age: prepared digits, preflights only.
        max_age_600: PolicyConfig { max_age: Some(600), ..app() }, preflight(APP, b"GET", &[])
            => Preflight, Allow, Some(204), [ACAO => APP, ACAM => b"GET, HEAD, POST", ACMA => b"600", VARY => VARY_PRE];
        max_age_zero: PolicyConfig { max_age: Some(0), ..app() }, preflight(APP, b"GET", &[])
            => Preflight, Allow, Some(204), [ACAO => APP, ACAM => b"GET, HEAD, POST", ACMA => b"0", VARY => VARY_PRE];
        max_age_a_day: PolicyConfig { max_age: Some(86_400), ..app() }, preflight(APP, b"GET", &[])
            => Preflight, Allow, Some(204), [ACAO => APP, ACAM => b"GET, HEAD, POST", ACMA => b"86400", VARY => VARY_PRE];
        max_age_not_on_actual: PolicyConfig { max_age: Some(600), ..app() }, actual(b"GET", APP)
            => Actual, Allow, None, [ACAO => APP, VARY => VARY_ACTUAL];
        // Expose headers: actual responses only.
        expose_on_actual: PolicyConfig { exposed_headers: ExposedHeaders::List(&["X-Total", "ETag"]), ..app_creds() }, actual(b"GET", APP)
            => Actual, Allow, None, [ACAO => APP, ACAC => b"true", ACEH => b"X-Total, ETag", VARY => VARY_ACTUAL];
        expose_not_on_preflight: PolicyConfig { exposed_headers: ExposedHeaders::List(&["X-Total"]), ..app() }, preflight(APP, b"GET", &[])
            => Preflight, Allow, Some(204), [ACAO => APP, ACAM => b"GET, HEAD, POST", VARY => VARY_PRE];
        expose_any: PolicyConfig { exposed_headers: ExposedHeaders::Any, ..app() }, actual(b"GET", APP)
            => Actual, Allow, None, [ACAO => APP, ACEH => b"*", VARY => VARY_ACTUAL];
        // Private Network Access: opt-in, exact `true`, never unconditional.
        pna_off_not_requested: pna(false, &[]).0, pna(false, &[]).1
            => Preflight, Allow, Some(204), [ACAO => APP, ACAM => b"GET, HEAD, POST", VARY => VARY_PRE];
        pna_off_requested: pna(false, &[b"true"]).0, pna(false, &[b"true"]).1
            => Preflight, Deny(R::PrivateNetworkNotAllowed), Some(403), [VARY => VARY_PRE];
        pna_on_not_requested: pna(true, &[]).0, pna(true, &[]).1
            => Preflight, Allow, Some(204), [ACAO => APP, ACAM => b"GET, HEAD, POST", VARY => VARY_PNA];
        pna_on_requested: pna(true, &[b" true "]).0, pna(true, &[b" true "]).1
            => Preflight, Allow, Some(204), [ACAO => APP, ACAM => b"GET, HEAD, POST", ACAPN => b"true", VARY => VARY_PNA];
        pna_uppercase_true: pna(true, &[b"TRUE"]).0, pna(true, &[b"TRUE"]).1
            => Preflight, Deny(R::PrivateNetworkMalformed), Some(403), [VARY => VARY_PNA];
        pna_false: pna(true, &[b"false"]).0, pna(true, &[b"false"]).1
            => Preflight, Deny(R::PrivateNetworkMalformed), Some(403), [VARY => VARY_PNA];
        pna_two_lines: pna(true, &[b"true", b"true"]).0, pna(true, &[b"true", b"true"]).1
            => Preflight, Deny(R::PrivateNetworkMalformed), Some(403), [VARY => VARY_PNA];
        pna_never_on_actual: PolicyConfig { private_network: true, ..app() },
            Request { request_private_network: &[b"true"], ..actual(b"GET", APP) }
            => Actual, Allow, None, [ACAO => APP, VARY => VARY_ACTUAL];
        // `*` policies answer `*`, even to `null`; a malformed origin is still denied.
        star_actual: cfg(&["*"]), actual(b"GET", b"https://anyone.example")
            => Actual, Allow, None, [ACAO => b"*", VARY => VARY_ACTUAL];
        star_null: cfg(&["*"]), actual(b"GET", b"null")
            => Actual, Allow, None, [ACAO => b"*", VARY => VARY_ACTUAL];
        star_preflight: PolicyConfig { methods: Methods::Any, request_headers: RequestHeaders::Any, ..cfg(&["*"]) },
            preflight(b"https://anyone.example", b"DELETE", &[b"x-a"])
            => Preflight, Allow, Some(204), [ACAO => b"*", ACAM => b"*", ACAH => b"*", VARY => VARY_PRE];
        star_malformed: cfg(&["*"]), actual(b"GET", b"https://anyone.example/")
            => Actual, Malformed(OE::HasPath), None, [VARY => VARY_ACTUAL];
        // The order of checks: origin, then method, then headers, then private network.
        origin_checked_before_method: app(), preflight(b"https://evil.example", b"TRACE", &[b"x y"])
            => Preflight, Deny(R::OriginNotAllowed), Some(403), [VARY => VARY_PRE];
        method_checked_before_headers: app(), preflight(APP, b"DELETE", &[b"x y"])
            => Preflight, Deny(R::MethodNotAllowed), Some(403), [VARY => VARY_PRE];
    }
}

mod known_bugs {
    use super::*;

    fn two_sites() -> PolicyConfig<'static> {
        cfg(&["https://foo.com", "https://bar.com"])
    }

    fn two_patterns() -> PolicyConfig<'static> {
        cfg(&["https://*.foo.com", "https://*.bar.com"])
    }

    fn subdomains() -> PolicyConfig<'static> {
        PolicyConfig { credentials: true, ..cfg(&["https://*.example.com", "http://localhost:*"]) }
    }

    decisions! {
        // Origin reflection: an unknown origin is never echoed.
        no_reflection: app_creds(), actual(b"GET", b"https://attacker.example")
            => Actual, Deny(R::OriginNotAllowed), None, [VARY => VARY_ACTUAL];
        no_reflection_preflight: app_creds(), preflight(b"https://attacker.example", b"GET", &[])
            => Preflight, Deny(R::OriginNotAllowed), Some(403), [VARY => VARY_PRE];
        // `null` is never trusted.
        null_denied: app_creds(), actual(b"GET", b"null")
            => Actual, Deny(R::OriginNull), None, [VARY => VARY_ACTUAL];
        null_denied_with_patterns: subdomains(), preflight(b"null", b"GET", &[])
            => Preflight, Deny(R::OriginNull), Some(403), [VARY => VARY_PRE];
        // Prefix, suffix and substring matching.
        appended_domain: app(), actual(b"GET", b"https://app.example.com.evil.net")
            => Actual, Deny(R::OriginNotAllowed), None, [VARY => VARY_ACTUAL];
        glued_prefix: app(), actual(b"GET", b"https://evilapp.example.com")
            => Actual, Deny(R::OriginNotAllowed), None, [VARY => VARY_ACTUAL];
        truncated: app(), actual(b"GET", b"https://app.example.co")
            => Actual, Deny(R::OriginNotAllowed), None, [VARY => VARY_ACTUAL];
        substring: app(), actual(b"GET", b"https://pp.example.com")
            => Actual, Deny(R::OriginNotAllowed), None, [VARY => VARY_ACTUAL];
        extra_port: app(), actual(b"GET", b"https://app.example.com:8443")
            => Actual, Deny(R::OriginNotAllowed), None, [VARY => VARY_ACTUAL];
        pattern_appended_domain: subdomains(), actual(b"GET", b"https://api.example.com.evil.net")
            => Actual, Deny(R::OriginNotAllowed), None, [VARY => VARY_ACTUAL];
        pattern_glued_prefix: subdomains(), actual(b"GET", b"https://evilexample.com")
            => Actual, Deny(R::OriginNotAllowed), None, [VARY => VARY_ACTUAL];
        pattern_apex: subdomains(), actual(b"GET", b"https://example.com")
            => Actual, Deny(R::OriginNotAllowed), None, [VARY => VARY_ACTUAL];
        pattern_allows_subdomain: subdomains(), actual(b"GET", b"https://a.b.example.com")
            => Actual, Allow, None, [ACAO => b"https://a.b.example.com", ACAC => b"true", VARY => VARY_ACTUAL];
        // Unanchored patterns: the pattern must cover the whole origin.
        unanchored_in_path: subdomains(), actual(b"GET", b"https://evil.net/https://api.example.com")
            => Actual, Malformed(OE::HasPath), None, [VARY => VARY_ACTUAL];
        unanchored_in_userinfo: subdomains(), actual(b"GET", b"https://api.example.com@evil.net")
            => Actual, Malformed(OE::HasUserinfo), None, [VARY => VARY_ACTUAL];
        unanchored_regex_dot: cfg(&["https://api.example.com"]), actual(b"GET", b"https://apixexample.com")
            => Actual, Deny(R::OriginNotAllowed), None, [VARY => VARY_ACTUAL];
        // https never trusts http (or ws).
        https_not_http: app(), actual(b"GET", b"http://app.example.com")
            => Actual, Deny(R::OriginNotAllowed), None, [VARY => VARY_ACTUAL];
        pattern_https_not_http: subdomains(), actual(b"GET", b"http://api.example.com")
            => Actual, Deny(R::OriginNotAllowed), None, [VARY => VARY_ACTUAL];
        localhost_http_not_https: subdomains(), actual(b"GET", b"https://localhost:3000")
            => Actual, Deny(R::OriginNotAllowed), None, [VARY => VARY_ACTUAL];
        localhost_any_port: subdomains(), actual(b"GET", b"http://localhost:3000")
            => Actual, Allow, None, [ACAO => b"http://localhost:3000", ACAC => b"true", VARY => VARY_ACTUAL];
        // Suffix sharing between exact origins and between patterns (GHSA-vhxv-fg4m-p2w8).
        shared_suffix_exact: two_sites(), actual(b"GET", b"https://barfoo.com")
            => Actual, Deny(R::OriginNotAllowed), None, [VARY => VARY_ACTUAL];
        shared_suffix_exact_reversed: two_sites(), actual(b"GET", b"https://foobar.com")
            => Actual, Deny(R::OriginNotAllowed), None, [VARY => VARY_ACTUAL];
        shared_suffix_patterns: two_patterns(), actual(b"GET", b"https://barfoo.com")
            => Actual, Deny(R::OriginNotAllowed), None, [VARY => VARY_ACTUAL];
        shared_suffix_patterns_subdomain: two_patterns(), actual(b"GET", b"https://x.barfoo.com")
            => Actual, Deny(R::OriginNotAllowed), None, [VARY => VARY_ACTUAL];
        shared_suffix_patterns_allowed: two_patterns(), actual(b"GET", b"https://x.bar.com")
            => Actual, Allow, None, [ACAO => b"https://x.bar.com", VARY => VARY_ACTUAL];
        // Every OPTIONS is not a preflight.
        options_is_not_always_preflight: app(), actual(b"OPTIONS", b"https://evil.example")
            => Actual, Deny(R::OriginNotAllowed), None, [VARY => VARY_ACTUAL];
        // Non-ASCII Origin bytes are a denial, not a panic.
        non_ascii_origin: app(), actual(b"GET", "https://äpp.example.com".as_bytes())
            => Actual, Malformed(OE::NotAscii), None, [VARY => VARY_ACTUAL];
        invalid_utf8_origin: app(), preflight(b"https://\xff\xfe.example", b"GET", &[])
            => Preflight, Malformed(OE::NotAscii), Some(403), [VARY => VARY_PRE];
        django_701: subdomains(), actual(b"GET", b"https://example.com].evil.com")
            => Actual, Malformed(OE::InvalidHostByte), None, [VARY => VARY_ACTUAL];
        // Never echo every Origin line.
        origin_lines_not_echoed: app(), Request { method: b"GET", origin: &[APP, b"https://evil.example"], ..Request::default() }
            => Actual, Deny(R::OriginMultiple), None, [VARY => VARY_ACTUAL];
        // Header injection through the Origin value.
        origin_crlf_injection: app(), actual(b"GET", b"https://app.example.com\r\nSet-Cookie: a=b")
            => Actual, Malformed(OE::Control), None, [VARY => VARY_ACTUAL];
        // Quadratic ACRH parsing: a huge value is refused by its size.
        huge_acrh: app_with(RequestHeaders::Any, false), preflight(APP, b"PUT", Box::leak(Box::new([leak_bytes(vec![b','; 1 << 20])])))
            => Preflight, Deny(R::HeadersTooLong), Some(403), [VARY => VARY_PRE];
        // ACAPN is never sent unconditionally.
        no_unconditional_acapn: PolicyConfig { private_network: true, ..app() }, preflight(APP, b"GET", &[])
            => Preflight, Allow, Some(204), [ACAO => APP, ACAM => b"GET, HEAD, POST", VARY => VARY_PNA];
    }

    #[test]
    fn many_origins_neighbours_denied() {
        // The hash index must not confuse neighbours, whatever the number of origins.
        let origins: Vec<String> = (0..2000).map(|i| format!("https://site{i}.example")).collect();
        let patterns: Vec<String> = (0..500).map(|i| format!("https://*.tenant{i}.example")).collect();
        let all = leak_list(origins.iter().chain(patterns.iter()).cloned().collect());
        let config = PolicyConfig { credentials: true, ..cfg(all) };
        let policy = OwnedPolicy::build(&config).unwrap();
        let decide = |origin: &str| {
            let lines = [origin.as_bytes()];
            policy.decide(&Request { method: b"GET", origin: &lines, ..Request::default() }).reason()
        };
        for i in 0..2000 {
            assert_eq!(decide(&format!("https://site{i}.example")), None);
            assert_eq!(decide(&format!("https://site{i}.example:444")), Some(R::OriginNotAllowed));
            assert_eq!(decide(&format!("https://x.site{i}.example")), Some(R::OriginNotAllowed));
            assert_eq!(decide(&format!("http://site{i}.example")), Some(R::OriginNotAllowed));
        }
        for i in 2000..2100 {
            assert_eq!(decide(&format!("https://site{i}.example")), Some(R::OriginNotAllowed));
        }
        for i in 0..500 {
            assert_eq!(decide(&format!("https://a.tenant{i}.example")), None);
            assert_eq!(decide(&format!("https://a.b.tenant{i}.example")), None);
            assert_eq!(decide(&format!("https://tenant{i}.example")), Some(R::OriginNotAllowed));
            assert_eq!(decide(&format!("https://a.xtenant{i}.example")), Some(R::OriginNotAllowed));
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Rendering, names and reasons, a policy in a static
// ---------------------------------------------------------------------------------------------------------

fn render_preflight() -> Vec<u8> {
    b"Access-Control-Allow-Origin: https://app.example.com\r\n\
Access-Control-Allow-Credentials: true\r\n\
Access-Control-Allow-Methods: GET, PUT\r\n\
Access-Control-Allow-Headers: content-type, x-request-id\r\n\
Access-Control-Max-Age: 7200\r\n\
Access-Control-Allow-Private-Network: true\r\n\
Vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network\r\n"
        .to_vec()
}

mod rendering {
    use super::*;

    fn full_policy_config() -> PolicyConfig<'static> {
        PolicyConfig {
            credentials: true,
            methods: Methods::List(&["GET", "PUT"]),
            request_headers: RequestHeaders::List(&["X-Request-Id", "content-type"]),
            exposed_headers: ExposedHeaders::List(&["x-total"]),
            max_age: Some(7200),
            private_network: true,
            ..app()
        }
    }

    fn full_request() -> Request<'static> {
        Request { request_private_network: &[b"true"], ..preflight(APP, b"PUT", &[b"x-request-id,content-type"]) }
    }

    #[test]
    fn write_to_exact_bytes() {
        let config = full_policy_config();
        let policy = OwnedPolicy::build(&config).unwrap();
        let decision = policy.decide(&full_request());
        let expected = render_preflight();
        assert_eq!(decision.headers().rendered_len(), expected.len());
        let mut buf = [0xaau8; 1024];
        let n = decision.headers().write_to(&mut buf).unwrap();
        assert_eq!(show(&buf[..n]), show(&expected));
        assert!(buf[n..].iter().all(|&b| b == 0xaa), "nothing written past the end");
    }

    #[test]
    fn buffer_too_small_says_how_much() {
        let config = full_policy_config();
        let policy = OwnedPolicy::build(&config).unwrap();
        let decision = policy.decide(&full_request());
        let needed = render_preflight().len();
        for size in [0, 1, 30, needed - 1] {
            let mut buf = vec![0u8; size];
            assert_eq!(decision.headers().write_to(&mut buf), Err(BufferTooSmall { needed }), "size {size}");
        }
        let mut exact = vec![0u8; needed];
        assert_eq!(decision.headers().write_to(&mut exact), Ok(needed));
        assert_eq!(
            BufferTooSmall { needed }.to_string(),
            format!("the header buffer is too small: {needed} bytes are needed")
        );
    }

    #[test]
    fn vary_only_rendering() {
        let config = app();
        let policy = OwnedPolicy::build(&config).unwrap();
        let not_cors = policy.decide(&Request { method: b"GET", ..Request::default() });
        assert_eq!(not_cors.headers().rendered_len(), 14);
        let mut small = [0u8; 13];
        assert_eq!(not_cors.headers().write_to(&mut small), Err(BufferTooSmall { needed: 14 }));
        let mut buf = [0u8; 14];
        assert_eq!(not_cors.headers().write_to(&mut buf), Ok(14));
        assert_eq!(&buf, b"Vary: Origin\r\n");
    }

    #[test]
    fn echoed_lines_render_one_header_each() {
        let config = app_with(RequestHeaders::Any, true);
        let policy = OwnedPolicy::build(&config).unwrap();
        let request = preflight(APP, b"PUT", &[b"  x-a,x-b ", b"\t", b"x-c"]);
        let decision = policy.decide(&request);
        let mut buf = [0u8; 512];
        let n = decision.headers().write_to(&mut buf).unwrap();
        assert_eq!(
            show(&buf[..n]),
            "Access-Control-Allow-Origin: https://app.example.com\r\n\
Access-Control-Allow-Credentials: true\r\n\
Access-Control-Allow-Methods: GET, PUT, PATCH\r\n\
Access-Control-Allow-Headers: x-a,x-b\r\n\
Access-Control-Allow-Headers: x-c\r\n\
Vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers\r\n"
        );
        assert_eq!(decision.headers().len(), 6);
        // `get` finds the first one, case-insensitively.
        assert_eq!(decision.headers().get("access-control-allow-headers"), Some(&b"x-a,x-b"[..]));
        assert_eq!(decision.headers().get("Access-Control-Expose-Headers"), None);
        let names: Vec<&str> = decision.headers().into_iter().map(|h| h.name).collect();
        assert_eq!(names, [ACAO, ACAC, ACAM, ACAH, ACAH, VARY]);
    }

    #[test]
    fn header_names_are_spelled_as_fetch_spells_them() {
        assert_eq!(
            [ACAO, ACAC, ACAM, ACAH, ACMA, ACAPN, ACEH, VARY],
            [
                "Access-Control-Allow-Origin",
                "Access-Control-Allow-Credentials",
                "Access-Control-Allow-Methods",
                "Access-Control-Allow-Headers",
                "Access-Control-Max-Age",
                "Access-Control-Allow-Private-Network",
                "Access-Control-Expose-Headers",
                "Vary",
            ]
        );
    }

    #[test]
    fn deny_reason_codes_are_stable_and_displayed() {
        let all = [
            R::OriginMalformed,
            R::OriginTooLong,
            R::OriginMultiple,
            R::OriginNull,
            R::OriginNotAllowed,
            R::MethodMalformed,
            R::MethodForbidden,
            R::MethodNotAllowed,
            R::HeadersMalformed,
            R::HeadersTooLong,
            R::HeadersTooMany,
            R::HeaderNotAllowed,
            R::AuthorizationNotAllowed,
            R::PrivateNetworkMalformed,
            R::PrivateNetworkNotAllowed,
        ];
        let mut messages = std::collections::HashSet::new();
        for (i, reason) in all.iter().enumerate() {
            assert_eq!(reason.code() as usize, i + 1, "{reason:?}");
            assert_eq!(reason.to_string(), reason.message());
            assert!(messages.insert(reason.message()));
        }
    }
}

mod static_policy {
    use super::*;
    use std::sync::OnceLock;

    static CONFIG: PolicyConfig<'static> = PolicyConfig {
        credentials: true,
        methods: Methods::List(&["GET", "POST", "PUT"]),
        request_headers: RequestHeaders::List(&["content-type", "authorization"]),
        max_age: Some(600),
        ..PolicyConfig::new(&["https://app.example.com", "https://*.example.org", "http://localhost:*"])
    };
    static POLICY: OnceLock<FixedPolicy<256>> = OnceLock::new();

    fn policy() -> &'static Policy {
        POLICY.get_or_init(|| FixedPolicy::build(&CONFIG).unwrap())
    }

    #[test]
    fn a_static_policy_is_shared_across_threads() {
        let threads: Vec<_> = (0..4)
            .map(|i| {
                std::thread::spawn(move || {
                    let origin = leak_str(format!("https://t{i}.example.org"));
                    let decision =
                        policy().decide(&preflight(origin.as_bytes(), b"PUT", &[b"Authorization, Content-Type"]));
                    assert!(decision.is_allowed(), "{:?}", decision.reason());
                    assert_eq!(decision.headers().get(ACAO), Some(origin.as_bytes()));
                    assert_eq!(decision.headers().get(ACAH), Some(&b"authorization, content-type"[..]));
                    assert_eq!(decision.headers().get(ACMA), Some(&b"600"[..]));
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert!(policy().credentials());
        assert!(!policy().allows_any_origin());
    }
}

/// Pattern suffixes are filtered by length modulo 256: suffixes 44 and 300 bytes long share a class, and
/// both must still match (and only their own subdomains).
#[test]
fn pattern_suffix_lengths_that_share_a_class() {
    let long_domain = format!("{}.example", "a".repeat(291)); // ".{291 a}.example" is 300 bytes
    let short_domain = format!("{}.example", "b".repeat(35)); // 44 bytes with its dot
    assert_eq!(long_domain.len() + 1, 300);
    assert_eq!(short_domain.len() + 1, 44);
    let origins = leak_list(vec![format!("https://*.{long_domain}"), format!("https://*.{short_domain}")]);
    let config = PolicyConfig { max_origin_len: 1024, ..cfg(origins) };
    let policy = OwnedPolicy::build(&config).unwrap();
    for (host, allowed) in [
        (format!("x.{long_domain}"), true),
        (format!("x.y.{short_domain}"), true),
        (format!("x.{short_domain}"), true),
        (format!("x.c{short_domain}"), false),
        (long_domain.clone(), false),
        (format!("x..{short_domain}"), false),
        (format!("x.{}", &long_domain[1..]), false),
    ] {
        let origin = leak_bytes(format!("https://{host}").into_bytes());
        let decision = policy.decide(&actual(b"GET", origin));
        assert_eq!(decision.is_allowed(), allowed, "{host}");
    }
}

/// A policy keeps the hashes of up to four pattern schemes; past that a request hashes its own. Both ways
/// must find every pattern, and a scheme no pattern has must find none.
#[test]
fn patterns_with_many_schemes() {
    let schemes = ["https", "http", "wss", "ws", "app1", "app2", "app3"];
    for count in [1, 4, 5, 7] {
        let origins = leak_list(schemes[..count].iter().map(|s| format!("{s}://*.example.com")).collect());
        let config = PolicyConfig { credentials: false, ..cfg(origins) };
        let policy = OwnedPolicy::build(&config).unwrap();
        for (i, scheme) in schemes.iter().enumerate() {
            let origin = leak_bytes(format!("{scheme}://a.example.com").into_bytes());
            assert_eq!(policy.decide(&actual(b"GET", origin)).is_allowed(), i < count, "{count} schemes, {scheme}");
        }
    }
}

/// A policy borrowed from locals of the same scope, its `Result` matched in tail position: compiles only
/// while `Policy` has no destructor that could see its borrows (a `heapless::Vec` of references once broke
/// this in the fuzz harness).
#[test]
fn policy_borrows_locals_of_its_own_scope() {
    let origins = [String::from("https://*.example.com")];
    let list: Vec<&str> = origins.iter().map(String::as_str).collect();
    let config = PolicyConfig::new(&list);
    match OwnedPolicy::build(&config) {
        Ok(policy) => assert!(policy.decide(&actual(b"GET", b"https://a.example.com")).is_allowed()),
        Err(e) => panic!("{e}"),
    }
}

/// Every form of a policy can be shared across threads and owns what it reads: an owned one is `'static`.
#[test]
fn policies_are_send_sync_and_own_their_data() {
    fn shared<T: ?Sized + Send + Sync>() {}
    fn owned<T: Send + Sync + 'static>() {}
    shared::<Policy>();
    owned::<FixedPolicy<64>>();
    owned::<OwnedPolicy>();
    // Built from strings that are dropped right after: nothing is borrowed from the configuration.
    let policy = {
        let origins = [String::from("https://app.example.com"), String::from("https://*.example.org")];
        let list: Vec<&str> = origins.iter().map(String::as_str).collect();
        OwnedPolicy::build(&PolicyConfig::new(&list)).unwrap()
    };
    assert!(policy.decide(&actual(b"GET", b"https://a.example.org")).is_allowed());
    assert_eq!(policy.origin_count(), 2);
    // A fixed policy moved after it is built still decides: it holds offsets, not pointers into itself.
    let fixed = FixedPolicy::<128>::build(&cfg(&["https://app.example.com"])).unwrap();
    let moved = Box::new(fixed);
    assert!(moved.decide(&actual(b"GET", b"https://app.example.com")).is_allowed());
}

/// Building in place gives the settings `build` gives, and a refusal leaves settings that allow nothing.
#[test]
fn settings_build_into_is_build_in_place() {
    let config = PolicyConfig {
        credentials: true,
        methods: Methods::List(&["GET", "PUT"]),
        request_headers: RequestHeaders::List(&["X-B", "x-a"]),
        exposed_headers: ExposedHeaders::List(&["etag"]),
        max_age: Some(600),
        ..cfg(&["https://app.example.com", "https://*.example.org"])
    };
    let mut storage = vec![0u8; storage_len(&config)];
    let built = Settings::build(&config, &mut storage).unwrap();
    let mut in_place = Settings::empty();
    let mut storage_in_place = vec![0xffu8; storage_len(&config)];
    in_place.build_into(&config, &mut storage_in_place).unwrap();
    assert_eq!(format!("{built:?}"), format!("{in_place:?}"));
    assert_eq!(storage, storage_in_place);
    // A refusal after a success: nothing of the earlier policy is left.
    let bad = PolicyConfig { credentials: true, ..cfg(&["*"]) };
    assert_eq!(in_place.build_into(&bad, &mut storage_in_place).map_err(|e| e.kind), Err(K::AnyOriginWithCredentials));
    assert_eq!(format!("{in_place:?}"), format!("{:?}", Settings::empty()));
}
