//! The policy file format (core/src/file.rs, docs/policy-file.md): every syntax error with its line and
//! column, every key, line ends, comments, lists and `*`, policy errors located in the text, the shared
//! file-error vectors (tests/vectors/policy_files.json), and a round trip: every policy of the shared
//! decision and policy-error vectors, written as a file, builds a policy that decides (or is refused)
//! exactly as the `PolicyConfig` does.

use std::fs;
use std::path::Path;

use corsguard::{
    storage_len_for_file, ExposedHeaders, FixedPolicy, Methods, OwnedPolicy, PolicyConfig, PolicyError,
    PolicyErrorKind, PolicyFile, PolicyFileError, PolicyFileErrorKind, Request, RequestHeaders, Setting, SyntaxError,
};
use serde_json::{Map, Value};

const GOOD: &str = "origins = https://app.example.com\n";

fn parse_error(text: &str) -> PolicyFileError {
    match OwnedPolicy::from_file(text.as_bytes()) {
        Ok(_) => panic!("accepted: {text:?}"),
        Err(e) => e,
    }
}

fn syntax(text: &str) -> (u32, u32, SyntaxError) {
    let e = parse_error(text);
    match e.kind {
        PolicyFileErrorKind::Syntax(kind) => (e.line, e.column, kind),
        PolicyFileErrorKind::Policy(p) => panic!("{text:?}: a policy error, not a syntax error: {p}"),
    }
}

fn policy(text: &str) -> (u32, u32, PolicyError) {
    let e = parse_error(text);
    match e.kind {
        PolicyFileErrorKind::Policy(p) => (e.line, e.column, p),
        PolicyFileErrorKind::Syntax(s) => panic!("{text:?}: a syntax error, not a policy error: {s}"),
    }
}

#[test]
fn every_syntax_error_with_line_and_column() {
    use SyntaxError::*;
    let cases: &[(&str, (u32, u32, SyntaxError))] = &[
        ("origins = https://a.example\n\u{7f}", (2, 1, InvalidByte)),
        ("origins = https://a.example\ncredentials = tr\u{e9}e\n", (2, 17, InvalidByte)),
        ("origins = https://a\u{0}.example\n", (1, 20, InvalidByte)),
        ("origins = https://a.example\rmethods = GET\n", (1, 28, InvalidByte)),
        ("origins = https://a.example\r", (1, 28, InvalidByte)),
        ("# caf\u{e9}\norigins = https://a.example\n", (1, 6, InvalidByte)),
        ("\u{feff}origins = https://a.example\n", (1, 1, InvalidByte)),
        ("origins = https://a.example\n  credentials true\n", (2, 3, MissingEquals)),
        ("origins = https://a.example\n\t = true\n", (2, 3, EmptyKey)),
        ("origins = https://a.example\nOrigins = https://b.example\n", (2, 1, UnknownKey)),
        ("origins = https://a.example\n max_age = 5\n", (2, 2, UnknownKey)),
        ("origins = https://a.example\ncredentials = true\n  credentials = true\n", (3, 3, RepeatedKey)),
        ("origins = https://a.example\nmax-age = 5\nmax-age = none\n", (3, 1, RepeatedKey)),
        ("origins = https://a.example\nmethods =   \n", (2, 13, EmptyValue)),
        ("origins =", (1, 10, EmptyValue)),
        ("origins = https://a.example,, https://b.example\n", (1, 29, EmptyListElement)),
        ("origins = https://a.example ,\n", (1, 30, EmptyListElement)),
        ("origins = , https://a.example\n", (1, 11, EmptyListElement)),
        ("origins = https://a.example\nmethods = GET, ,POST\n", (2, 16, EmptyListElement)),
        ("origins = https://a.example\ncredentials = True\n", (2, 15, BadBoolean)),
        ("origins = https://a.example\nprivate-network = 1\n", (2, 19, BadBoolean)),
        ("origins = https://a.example\nmax-age = -1\n", (2, 11, BadNumber)),
        ("origins = https://a.example\nmax-age = +5\n", (2, 11, BadNumber)),
        ("origins = https://a.example\nmax-age = 6 00\n", (2, 11, BadNumber)),
        ("origins = https://a.example\nmax-origin-len = 4294967296\n", (2, 18, BadNumber)),
        ("origins = https://a.example\nmax-age = None\n", (2, 11, BadNumber)),
        ("origins = https://a.example\nmethods = *, GET\n", (2, 14, WildcardMixed)),
        ("origins = https://a.example\nmethods = GET\nmethods = *\n", (3, 11, WildcardMixed)),
        ("origins = https://a.example\nmethods = *\nmethods = *\n", (3, 11, WildcardMixed)),
        ("origins = https://a.example\nexposed-headers = x-a, *\n", (2, 24, WildcardMixed)),
        ("origins = https://a.example\nrequest-headers = *, x-a\n", (2, 22, WildcardMixed)),
        ("origins = https://a.example\nrequest-headers = authorization, x-a, *\n", (2, 39, WildcardMixed)),
        ("origins = https://a.example\nrequest-headers = *, authorization, authorization\n", (2, 37, WildcardMixed)),
        ("origins = https://a.example\nexposed-headers = *, authorization\n", (2, 22, WildcardMixed)),
    ];
    let mut kinds = std::collections::BTreeSet::new();
    for (text, want) in cases {
        assert_eq!(syntax(text), *want, "{text:?}");
        kinds.insert(want.2.code());
        // Parsing alone finds every syntax error, and so does sizing.
        let e = PolicyFile::parse(text.as_bytes()).unwrap_err();
        assert_eq!(storage_len_for_file(text.as_bytes()), Err(e));
    }
    assert_eq!(kinds.into_iter().collect::<Vec<_>>(), (1..=10).collect::<Vec<_>>(), "every kind is covered");
}

#[test]
fn syntax_error_codes_messages_and_display() {
    use SyntaxError::*;
    let all = [
        InvalidByte,
        MissingEquals,
        EmptyKey,
        UnknownKey,
        RepeatedKey,
        EmptyValue,
        EmptyListElement,
        BadBoolean,
        BadNumber,
        WildcardMixed,
    ];
    for (i, kind) in all.into_iter().enumerate() {
        assert_eq!(kind.code() as usize, i + 1);
        assert!(!kind.message().is_empty() && kind.message().is_ascii());
        assert_eq!(kind.to_string(), format!("corsguard policy file syntax error {}: {}", kind.code(), kind.message()));
    }
    let e = parse_error("origins = https://a.example\nfoo = 1\n");
    assert_eq!(e.to_string(), format!("line 2, column 1: {}", UnknownKey));
    assert_eq!(e.message(), UnknownKey.message());
    assert_eq!(e.syntax_error(), Some(UnknownKey));
    assert!(e.policy_error().is_none());
    let source = std::error::Error::source(&e).expect("a source");
    assert_eq!(source.to_string(), UnknownKey.to_string());

    // The sample messages of docs/policy-file.md.
    let e = parse_error("origins = https://a.example\nmax-age = 1h\n");
    assert_eq!(
        e.to_string(),
        "line 2, column 11: corsguard policy file syntax error 9: not a number: write decimal digits only, at most \
         4294967295 (max-age also takes none)"
    );
    let e = parse_error("origins = https://a.example, http://b.example\ncredentials = true\n");
    assert_eq!(
        e.to_string(),
        "line 1, column 30: corsguard policy error 8 in `origins`[1]: a non-https origin with credentials lets any \
         network attacker read credentialed responses: use https, or set allow_insecure_origins_with_credentials"
    );

    let e = parse_error("credentials = true\n");
    assert_eq!((e.line, e.column), (0, 0));
    let p = *e.policy_error().unwrap();
    assert_eq!(p.kind, PolicyErrorKind::NoOrigins);
    assert_eq!(e.to_string(), p.to_string(), "no position when there is no line");
    assert_eq!(std::error::Error::source(&e).unwrap().to_string(), p.to_string());
}

/// Every key, against the `PolicyConfig` it must equal.
#[test]
fn every_key() {
    let text = "\
# every key
origins = https://app.example.com
origins = https://*.staging.example.com, http://localhost:*
credentials = true
methods = GET, HEAD, POST, PUT, DELETE
request-headers = content-type, authorization
exposed-headers = x-request-id
max-age = 600
preflight-success-status = 200
preflight-failure-status = 404
private-network = true
allow-insecure-origins-with-credentials = false
max-origin-len = 300
max-request-headers-len = 1000
max-request-headers-count = 20
";
    let config = PolicyConfig {
        credentials: true,
        methods: Methods::List(&["GET", "HEAD", "POST", "PUT", "DELETE"]),
        request_headers: RequestHeaders::List(&["content-type", "authorization"]),
        exposed_headers: ExposedHeaders::List(&["x-request-id"]),
        max_age: Some(600),
        preflight_success_status: 200,
        preflight_failure_status: 404,
        private_network: true,
        allow_insecure_origins_with_credentials: false,
        max_origin_len: 300,
        max_request_headers_len: 1000,
        max_request_headers_count: 20,
        ..PolicyConfig::new(&["https://app.example.com", "https://*.staging.example.com", "http://localhost:*"])
    };
    assert_same(text, &config);
    let file = PolicyFile::parse(text.as_bytes()).unwrap();
    assert_eq!(file.origin_count(), 3);
    assert_eq!(file.storage_len(), corsguard::storage_len(&config));

    // Each key alone, with the defaults for the rest.
    let origins: &[&str] = &["https://app.example.com"];
    let base = PolicyConfig::new(origins);
    let one = |line: &str| format!("{GOOD}{line}\n");
    assert_same(GOOD, &base);
    assert_same(&one("credentials = false"), &base);
    assert_same(&one("credentials = true"), &PolicyConfig { credentials: true, ..base });
    assert_same(&one("methods = PATCH"), &PolicyConfig { methods: Methods::List(&["PATCH"]), ..base });
    assert_same(&one("methods = *"), &PolicyConfig { methods: Methods::Any, ..base });
    assert_same(
        &one("request-headers = x-a"),
        &PolicyConfig { request_headers: RequestHeaders::List(&["x-a"]), ..base },
    );
    assert_same(&one("request-headers = *"), &PolicyConfig { request_headers: RequestHeaders::Any, ..base });
    let with_auth = PolicyConfig { request_headers: RequestHeaders::AnyWithAuthorization, ..base };
    assert_same(&one("request-headers = *, authorization"), &with_auth);
    assert_same(&one("request-headers = Authorization ,*"), &with_auth);
    assert_same(&one("request-headers = *\nrequest-headers = AUTHORIZATION"), &with_auth);
    assert_same(
        &one("exposed-headers = x-b"),
        &PolicyConfig { exposed_headers: ExposedHeaders::List(&["x-b"]), ..base },
    );
    assert_same(&one("exposed-headers = *"), &PolicyConfig { exposed_headers: ExposedHeaders::Any, ..base });
    assert_same(&one("max-age = 0"), &PolicyConfig { max_age: Some(0), ..base });
    assert_same(&one("max-age = none"), &base);
    assert_same(&one("preflight-success-status = 200"), &PolicyConfig { preflight_success_status: 200, ..base });
    assert_same(&one("preflight-failure-status = 200"), &PolicyConfig { preflight_failure_status: 200, ..base });
    assert_same(&one("private-network = true"), &PolicyConfig { private_network: true, ..base });
    let insecure = PolicyConfig { allow_insecure_origins_with_credentials: true, ..base };
    assert_same(&one("allow-insecure-origins-with-credentials = true"), &insecure);
    assert_same(&one("max-origin-len = 4096"), &PolicyConfig { max_origin_len: 4096, ..base });
    assert_same(&one("max-request-headers-len = 1"), &PolicyConfig { max_request_headers_len: 1, ..base });
    assert_same(&one("max-request-headers-count = 1024"), &PolicyConfig { max_request_headers_count: 1024, ..base });
    assert_same("origins = *\n", &PolicyConfig::new(&["*"]));
}

/// Layout that changes nothing: CRLF, blanks, comments, blank lines, no final newline, `=` in a value.
#[test]
fn layout_changes_nothing() {
    let config = PolicyConfig {
        methods: Methods::List(&["GET", "PUT"]),
        max_age: Some(60),
        ..PolicyConfig::new(&["https://a.example", "https://b.example"])
    };
    for text in [
        "origins = https://a.example, https://b.example\nmethods = GET, PUT\nmax-age = 60\n",
        "origins = https://a.example, https://b.example\r\nmethods = GET, PUT\r\nmax-age = 60\r\n",
        "origins = https://a.example, https://b.example\r\nmethods = GET, PUT\nmax-age = 60",
        "# comment\n\n   # indented comment = with equals\n\t\norigins=https://a.example,https://b.example\nmethods=GET,PUT\nmax-age=60",
        " \torigins \t= \thttps://a.example \t, \thttps://b.example \t\nmethods = GET\nmethods = PUT\n\n\nmax-age = 60\n\n",
        "origins = https://a.example\nmax-age = 60\norigins = https://b.example\nmethods = GET , PUT\n",
    ] {
        assert_same(text, &config);
    }
    // `#` is a token byte: a trailing comment is part of the value (here an invalid method name).
    let (line, column, e) = policy("origins = https://a.example\nmethods = GET # the default\n");
    assert_eq!((line, column, e.kind, e.index), (2, 11, PolicyErrorKind::MethodInvalid, Some(0)));
    // An `=` inside a value belongs to the value.
    let (line, column, e) = policy("origins = https://a.example?x=1\n");
    assert_eq!((line, column, e.kind), (1, 11, PolicyErrorKind::OriginMalformed));
}

#[test]
fn repeated_list_keys_accumulate_and_policy_errors_point_at_the_element() {
    let text = "origins = https://a.example\nmethods = GET\norigins = https://b.example, https://a.example\n";
    let (line, column, e) = policy(text);
    assert_eq!((line, column), (3, 30));
    assert_eq!((e.kind, e.setting, e.index), (PolicyErrorKind::DuplicateOrigin, Setting::Origins, Some(2)));

    let (line, column, e) = policy("origins = https://a.example\nmethods = GET\nmethods = PUT, GET\n");
    assert_eq!((line, column, e.kind, e.index), (3, 16, PolicyErrorKind::DuplicateMethod, Some(2)));

    let (line, column, e) = policy("origins = https://a.example\n\nrequest-headers = x-a\nrequest-headers = cookie\n");
    assert_eq!((line, column, e.kind, e.index), (4, 19, PolicyErrorKind::HeaderForbidden, Some(1)));

    // A setting-wide error points at the key (a list key's first line).
    let (line, column, e) = policy("origins = https://a.example\n  max-age = 86401\n");
    assert_eq!((line, column, e.kind, e.setting), (2, 3, PolicyErrorKind::MaxAgeOutOfRange, Setting::MaxAge));
    let (line, column, e) = policy("origins = https://a.example\npreflight-success-status = 70000\n");
    assert_eq!((line, column, e.kind), (2, 1, PolicyErrorKind::StatusOutOfRange));
    let (line, column, e) = policy("origins = https://a.example\nmax-request-headers-count = 0\n");
    assert_eq!((line, column, e.kind), (2, 1, PolicyErrorKind::CapOutOfRange));
    let (line, column, e) = policy("origins = https://a.example\ncredentials = true\nexposed-headers = *\n");
    assert_eq!((line, column, e.kind), (3, 1, PolicyErrorKind::ExposeAnyWithCredentials));
    let (line, column, e) = policy("origins = *\ncredentials = true\n");
    assert_eq!((line, column, e.kind, e.index), (1, 11, PolicyErrorKind::AnyOriginWithCredentials, Some(0)));
    let (line, column, e) = policy("origins = https://a.example\norigins = *\n");
    assert_eq!((line, column, e.kind, e.index), (2, 11, PolicyErrorKind::AnyOriginMixed, Some(1)));

    // Too many entries: the first one past the core's capacity.
    let mut text = String::from(GOOD);
    for i in 0..40 {
        text.push_str(&format!("methods = M{i}\n"));
    }
    let (line, column, e) = policy(&text);
    assert_eq!((line, column, e.kind, e.index), (2 + 32, 11, PolicyErrorKind::TooManyEntries, None));
    let names: Vec<String> = (0..70).map(|i| format!("x-h{i}")).collect();
    let (line, column, e) = policy(&format!("{GOOD}exposed-headers = {}\n", names.join(",")));
    let at = 19 + names[..64].iter().map(|n| n.len() + 1).sum::<usize>();
    assert_eq!(
        (line, column as usize, e.kind, e.setting),
        (2, at, PolicyErrorKind::TooManyEntries, Setting::ExposedHeaders)
    );

    // Storage: no line.
    let e = FixedPolicy::<8>::from_file(GOOD.as_bytes()).unwrap_err();
    assert_eq!((e.line, e.column), (0, 0));
    assert_eq!(e.policy_error().map(|p| p.kind), Some(PolicyErrorKind::StorageTooSmall));
}

#[test]
fn many_origins_are_not_capped() {
    let mut text = String::from("# many origins\n");
    for i in 0..5000 {
        text.push_str(&format!("origins = https://host{i}.example.com, https://*.zone{i}.example.org\n"));
    }
    let policy = OwnedPolicy::from_file(text.as_bytes()).unwrap();
    assert_eq!(policy.origin_count(), 10_000);
    for origin in ["https://host4999.example.com", "https://a.b.zone17.example.org"] {
        let request = Request { method: b"GET", origin: &[origin.as_bytes()], ..Request::default() };
        assert!(policy.decide(&request).is_allowed(), "{origin}");
    }
    let request = Request { method: b"GET", origin: &[b"https://host5000.example.com"], ..Request::default() };
    assert!(!policy.decide(&request).is_allowed());
}

// --- helpers -------------------------------------------------------------------------------------------------

/// The decision's observable parts, for comparing two policies.
fn summary<S: AsRef<[u8]>>(policy: &corsguard::Policy<S>, request: &Request<'_>) -> String {
    let d = policy.decide(request);
    let headers: Vec<String> = d.headers().iter().map(|h| format!("{}: {}", h.name, h.value.escape_ascii())).collect();
    format!("{:?} {:?} {:?} {:?} {:?} {headers:?}", d.kind(), d.verdict(), d.reason(), d.origin_error(), d.status())
}

/// Requests that tell the settings of two policies apart.
fn probes() -> Vec<Request<'static>> {
    let origins: &[&[&[u8]]] = &[
        &[b"https://app.example.com"],
        &[b"https://x.staging.example.com"],
        &[b"http://localhost:8080"],
        &[b"https://a.example"],
        &[b"https://b.example"],
        &[b"https://evil.example"],
    ];
    let mut out = Vec::new();
    for &origin in origins {
        out.push(Request { method: b"GET", origin, ..Request::default() });
        for (method, headers) in [("GET", ""), ("PUT", "content-type"), ("PATCH", "x-a,authorization"), ("DELETE", "")]
        {
            let headers: &'static [u8] = Box::leak(headers.as_bytes().to_vec().into_boxed_slice());
            let method: &'static [u8] = Box::leak(method.as_bytes().to_vec().into_boxed_slice());
            let request_headers: &'static [&'static [u8]] =
                if headers.is_empty() { &[] } else { Box::leak(vec![headers].into_boxed_slice()) };
            let method_lines: &'static [&'static [u8]] = Box::leak(vec![method].into_boxed_slice());
            out.push(Request {
                method: b"OPTIONS",
                origin,
                request_method: method_lines,
                request_headers,
                request_private_network: &[b"true"],
            });
        }
    }
    out
}

/// `text` builds the policy `config` builds: same settings, same storage size, same decisions.
fn assert_same(text: &str, config: &PolicyConfig<'_>) {
    let from_file = OwnedPolicy::from_file(text.as_bytes()).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    let from_config = OwnedPolicy::build(config).unwrap_or_else(|e| panic!("{config:?}: {e}"));
    assert_eq!(format!("{:?}", from_file.settings()), format!("{:?}", from_config.settings()), "{text:?}");
    assert_eq!(storage_len_for_file(text.as_bytes()), Ok(corsguard::storage_len(config)), "{text:?}");
    for request in probes() {
        assert_eq!(summary(&from_file, &request), summary(&from_config, &request), "{text:?}");
    }
    // The fixed-size and caller-storage forms build the same policy.
    let fixed = FixedPolicy::<1024>::from_file(text.as_bytes()).unwrap();
    let file = PolicyFile::parse(text.as_bytes()).unwrap();
    let mut storage = vec![0u8; file.storage_len()];
    let mut settings = corsguard::Settings::empty();
    file.build_into(&mut settings, &mut storage).unwrap();
    assert_eq!(format!("{settings:?}"), format!("{:?}", from_config.settings()));
    for request in probes() {
        assert_eq!(summary(&fixed, &request), summary(&from_config, &request), "{text:?}");
    }
}

// --- the round trip over the shared vectors ------------------------------------------------------------------

fn vector_files() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("tests/vectors")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

/// A list element the file can carry as itself: printable ASCII, no comma, no outer blanks, and `*` only as
/// an origin (in the other lists it stands for the whole list, where the JSON's list holds a literal `*`).
fn writable(key: &str, item: &str) -> bool {
    !item.is_empty()
        && (item != "*" || key == "origins")
        && item.bytes().all(|b| (0x20..0x7f).contains(&b) && b != b',')
        && !item.starts_with(' ')
        && !item.ends_with(' ')
}

/// The policy file equivalent to a vector's JSON policy (schema: docs/vectors.md), or why there is none.
fn file_of(policy: &Map<String, Value>) -> Result<String, String> {
    let mut text = String::from("# converted from a shared vector's policy\n");
    for (key, value) in policy {
        let file_key = key.replace('_', "-");
        match value {
            Value::Array(items) => {
                let items: Vec<&str> = items.iter().map(|i| i.as_str().unwrap_or("\u{0}")).collect();
                if let Some(bad) = items.iter().find(|i| !writable(key, i)) {
                    return Err(format!("{key} has {bad:?}"));
                }
                if items.is_empty() {
                    match key.as_str() {
                        "origins" => continue,                             // absent: the same NoOrigins
                        "request_headers" | "exposed_headers" => continue, // the default
                        _ => return Err(format!("{key} is an empty list")),
                    }
                }
                // Two lines when there are several, to exercise accumulation.
                let (first, rest) = items.split_at(items.len() / 2);
                for part in [first, rest] {
                    if !part.is_empty() {
                        text.push_str(&format!("{file_key} = {}\r\n", part.join(", ")));
                    }
                }
            }
            Value::String(s) if s == "*" => text.push_str(&format!("{file_key} = *\n")),
            Value::String(s) if s == "*+authorization" => text.push_str(&format!("{file_key} = *, authorization\n")),
            Value::Bool(b) => text.push_str(&format!("{file_key} =\t{b}\n")),
            Value::Number(n) => text.push_str(&format!("  {file_key} = {n}\n")),
            Value::Null if key == "max_age" => text.push_str("max-age = none\n"),
            other => return Err(format!("{key} = {other}")),
        }
    }
    Ok(text)
}

fn config_of(policy: &Map<String, Value>) -> PolicyConfig<'static> {
    let list = |v: &Value| -> &'static [&'static str] {
        let items: Vec<&'static str> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|i| &*Box::leak(i.as_str().unwrap().to_owned().into_boxed_str()))
            .collect();
        Box::leak(items.into_boxed_slice())
    };
    let mut c = PolicyConfig::new(list(&policy["origins"]));
    for (key, v) in policy {
        let star = v.as_str();
        let n = || v.as_u64().unwrap();
        match key.as_str() {
            "origins" => {}
            "credentials" => c.credentials = v.as_bool().unwrap(),
            "methods" => c.methods = if star == Some("*") { Methods::Any } else { Methods::List(list(v)) },
            "request_headers" => {
                c.request_headers = match star {
                    Some("*") => RequestHeaders::Any,
                    Some(_) => RequestHeaders::AnyWithAuthorization,
                    None => RequestHeaders::List(list(v)),
                }
            }
            "exposed_headers" => {
                c.exposed_headers = if star == Some("*") { ExposedHeaders::Any } else { ExposedHeaders::List(list(v)) }
            }
            "max_age" => c.max_age = v.as_u64().map(|n| n as u32),
            "preflight_success_status" => c.preflight_success_status = n() as u16,
            "preflight_failure_status" => c.preflight_failure_status = n() as u16,
            "private_network" => c.private_network = v.as_bool().unwrap(),
            "allow_insecure_origins_with_credentials" => {
                c.allow_insecure_origins_with_credentials = v.as_bool().unwrap()
            }
            "max_origin_len" => c.max_origin_len = n() as usize,
            "max_request_headers_len" => c.max_request_headers_len = n() as usize,
            "max_request_headers_count" => c.max_request_headers_count = n() as usize,
            other => panic!("unknown policy key {other} (core/tests/vectors.rs checks the schema)"),
        }
    }
    c
}

fn bytes_of(value: &Value) -> Vec<u8> {
    match value {
        Value::String(s) => s.as_bytes().to_vec(),
        Value::Object(m) => {
            let hex = m["hex"].as_str().unwrap().as_bytes();
            hex.chunks(2).map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap()).collect()
        }
        other => panic!("not a byte string: {other}"),
    }
}

fn lines_of(request: &Map<String, Value>, key: &str) -> &'static [&'static [u8]] {
    let Some(Value::Array(items)) = request.get(key) else { return &[] };
    let lines: Vec<&'static [u8]> = items.iter().map(|i| &*Box::leak(bytes_of(i).into_boxed_slice())).collect();
    Box::leak(lines.into_boxed_slice())
}

#[test]
fn every_shared_vector_policy_round_trips_through_a_file() {
    let (mut decisions, mut refusals, mut skipped) = (0, 0, Vec::new());
    for path in vector_files() {
        let root: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        let Some(vectors) = root.get("vectors").and_then(Value::as_array) else { continue };
        for v in vectors {
            let name = v["name"].as_str().unwrap();
            let policy = v["policy"].as_object().unwrap();
            let text = match file_of(policy) {
                Ok(text) => text,
                Err(why) => {
                    skipped.push(format!("{name}: {why}"));
                    continue;
                }
            };
            let config = config_of(policy);
            let from_file = OwnedPolicy::from_file(text.as_bytes());
            match (OwnedPolicy::build(&config), from_file) {
                (Ok(expected), Ok(got)) => {
                    let r = v["request"].as_object().expect("a decision vector has a request");
                    let request = Request {
                        method: Box::leak(bytes_of(&r["method"]).into_boxed_slice()),
                        origin: lines_of(r, "origin"),
                        request_method: lines_of(r, "request_method"),
                        request_headers: lines_of(r, "request_headers"),
                        request_private_network: lines_of(r, "request_private_network"),
                    };
                    assert_eq!(summary(&got, &request), summary(&expected, &request), "{name}\n{text}");
                    decisions += 1;
                }
                (Err(expected), Err(got)) => {
                    assert_eq!(got.policy_error(), Some(&expected), "{name}\n{text}");
                    refusals += 1;
                }
                (expected, got) => {
                    panic!("{name}: the config gives {:?}, the file {:?}\n{text}", expected.err(), got.err())
                }
            }
        }
    }
    println!("round trip: {decisions} decisions and {refusals} refusals identical; {} not expressible:", skipped.len());
    for s in &skipped {
        println!("    {s}");
    }
    assert!(decisions >= 150 && refusals >= 40, "too few vectors ran: {decisions} decisions, {refusals} refusals");
    assert!(skipped.len() <= 10, "too many vectors skipped: {skipped:#?}");
}

// --- the shared file-error vectors ---------------------------------------------------------------------------

/// `CamelCase` `Debug` spelling to `snake_case`, as the vectors name kinds.
fn snake(value: impl std::fmt::Debug) -> String {
    let debug = format!("{value:?}");
    let mut out = String::new();
    for (i, c) in debug.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

#[test]
fn shared_policy_file_vectors() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/policy_files.json");
    let root: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    let root = root.as_object().unwrap();
    assert_eq!(root.keys().collect::<Vec<_>>(), ["description", "policy_files"]);
    let mut names = std::collections::BTreeSet::new();
    let mut failures = Vec::new();
    let (mut syntax_kinds, mut count) = (std::collections::BTreeSet::new(), 0);
    for v in root["policy_files"].as_array().unwrap() {
        let v = v.as_object().unwrap();
        let mut keys: Vec<&str> = v.keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(keys, ["expect_file_error", "name", "text"], "{v:?}");
        let name = v["name"].as_str().unwrap();
        assert!(names.insert(name.to_owned()), "{name} twice");
        count += 1;
        let text = bytes_of(&v["text"]);
        let got = OwnedPolicy::from_file(&text).err();
        let expect = &v["expect_file_error"];
        let want = if expect.is_null() {
            None
        } else {
            let e = expect.as_object().unwrap();
            let mut k: Vec<&str> = e.keys().map(String::as_str).collect();
            k.sort();
            assert_eq!(k, ["column", "line", "policy", "syntax", "syntax_code"], "{name}");
            Some(e)
        };
        let problem = match (got, want) {
            (None, None) => None,
            (Some(got), None) => Some(format!("refused: {got}")),
            (None, Some(_)) => Some("accepted".to_owned()),
            (Some(got), Some(e)) => {
                let (syntax, syntax_code, policy) = match got.kind {
                    PolicyFileErrorKind::Syntax(s) => {
                        syntax_kinds.insert(s.code());
                        (Value::from(snake(s)), Value::from(s.code()), Value::Null)
                    }
                    PolicyFileErrorKind::Policy(p) => {
                        let mut m = Map::new();
                        m.insert("kind".into(), snake(p.kind).into());
                        m.insert("code".into(), p.code().into());
                        m.insert("setting".into(), p.setting.name().into());
                        m.insert("index".into(), p.index.map_or(Value::Null, Value::from));
                        m.insert("origin_error".into(), p.origin_error.map_or(Value::Null, |o| snake(o).into()));
                        (Value::Null, Value::Null, Value::Object(m))
                    }
                };
                let actual = serde_json::json!({
                    "line": got.line, "column": got.column, "syntax": syntax, "syntax_code": syntax_code,
                });
                let mut expected_plain = e.clone();
                let expected_policy = expected_plain.remove("policy").unwrap();
                let mut problems = Vec::new();
                if Value::Object(expected_plain) != actual {
                    problems.push(format!("expected {e:?}, got {actual} ({got})"));
                }
                if expected_policy != policy {
                    problems.push(format!("policy: expected {expected_policy}, got {policy} ({got})"));
                }
                (!problems.is_empty()).then(|| problems.join("; "))
            }
        };
        if let Some(p) = problem {
            failures.push(format!("{name}: {p}"));
        }
    }
    assert!(failures.is_empty(), "{} of {count} file vectors failed:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(syntax_kinds.len(), 10, "every syntax error kind has a vector");
    assert!(count >= 25);
}
