//! Runs the shared, language-neutral vectors in `tests/vectors/*.json` (schema: docs/vectors.md)
//! against the core. Every vector is checked and every failure is reported by name, so one run shows the
//! whole damage. The runner is strict about the files themselves (unknown keys, missing fields, duplicate
//! names), because the C, Python and Go suites read the same files and a typo must not pass silently.

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::fs;
use std::path::{Path, PathBuf};

use corsguard::{
    is_field_value, DenyReason, ExposedHeaders, Methods, OriginError, OwnedPolicy, PolicyConfig, PolicyErrorKind,
    Request, RequestHeaders, RequestKind, Verdict,
};
use serde_json::{Map, Value};

/// The fewest vectors the shared files must hold; fewer means files went missing.
const MIN_VECTORS: usize = 100;

// Snake-case names, one arm per variant. `DenyReason`, `OriginError` and `PolicyErrorKind` are
// `#[non_exhaustive]`, so an outside crate needs a `_` arm: a variant missing here makes every vector that
// meets it fail with a message saying so, and `check_name` compares each name with the variant's `Debug`
// spelling so a typo in this table fails too.

fn kind_name(kind: RequestKind) -> &'static str {
    match kind {
        RequestKind::NotCors => "not_cors",
        RequestKind::Actual => "actual",
        RequestKind::Preflight => "preflight",
    }
}

fn verdict_name(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Allowed => "allowed",
        Verdict::Denied => "denied",
    }
}

fn deny_reason_name(reason: DenyReason) -> Option<&'static str> {
    Some(match reason {
        DenyReason::OriginMalformed => "origin_malformed",
        DenyReason::OriginTooLong => "origin_too_long",
        DenyReason::OriginMultiple => "origin_multiple",
        DenyReason::OriginNull => "origin_null",
        DenyReason::OriginNotAllowed => "origin_not_allowed",
        DenyReason::MethodMalformed => "method_malformed",
        DenyReason::MethodForbidden => "method_forbidden",
        DenyReason::MethodNotAllowed => "method_not_allowed",
        DenyReason::HeadersMalformed => "headers_malformed",
        DenyReason::HeadersTooLong => "headers_too_long",
        DenyReason::HeadersTooMany => "headers_too_many",
        DenyReason::HeaderNotAllowed => "header_not_allowed",
        DenyReason::AuthorizationNotAllowed => "authorization_not_allowed",
        DenyReason::PrivateNetworkMalformed => "private_network_malformed",
        DenyReason::PrivateNetworkNotAllowed => "private_network_not_allowed",
        _ => return None,
    })
}

fn origin_error_name(error: OriginError) -> Option<&'static str> {
    Some(match error {
        OriginError::Empty => "empty",
        OriginError::TooLong => "too_long",
        OriginError::NotAscii => "not_ascii",
        OriginError::Whitespace => "whitespace",
        OriginError::Control => "control",
        OriginError::InvalidScheme => "invalid_scheme",
        OriginError::UppercaseScheme => "uppercase_scheme",
        OriginError::MissingSeparator => "missing_separator",
        OriginError::HasPath => "has_path",
        OriginError::HasUserinfo => "has_userinfo",
        OriginError::EmptyHost => "empty_host",
        OriginError::InvalidHostByte => "invalid_host_byte",
        OriginError::UppercaseHost => "uppercase_host",
        OriginError::InvalidIpv4 => "invalid_ipv4",
        OriginError::InvalidIpv6 => "invalid_ipv6",
        OriginError::EmptyPort => "empty_port",
        OriginError::InvalidPort => "invalid_port",
        OriginError::PortLeadingZero => "port_leading_zero",
        OriginError::DefaultPort => "default_port",
        _ => return None,
    })
}

fn policy_error_kind_name(kind: PolicyErrorKind) -> Option<&'static str> {
    Some(match kind {
        PolicyErrorKind::NoOrigins => "no_origins",
        PolicyErrorKind::OriginMalformed => "origin_malformed",
        PolicyErrorKind::NullOrigin => "null_origin",
        PolicyErrorKind::FileOrigin => "file_origin",
        PolicyErrorKind::DuplicateOrigin => "duplicate_origin",
        PolicyErrorKind::AnyOriginWithCredentials => "any_origin_with_credentials",
        PolicyErrorKind::AnyOriginMixed => "any_origin_mixed",
        PolicyErrorKind::InsecureOriginWithCredentials => "insecure_origin_with_credentials",
        PolicyErrorKind::WildcardPublicSuffix => "wildcard_public_suffix",
        PolicyErrorKind::WildcardNotLabelAware => "wildcard_not_label_aware",
        PolicyErrorKind::WildcardMisplaced => "wildcard_misplaced",
        PolicyErrorKind::WildcardOverIp => "wildcard_over_ip",
        PolicyErrorKind::PortWildcardNotLoopback => "port_wildcard_not_loopback",
        PolicyErrorKind::MethodInvalid => "method_invalid",
        PolicyErrorKind::MethodForbidden => "method_forbidden",
        PolicyErrorKind::MethodNotNormalized => "method_not_normalized",
        PolicyErrorKind::DuplicateMethod => "duplicate_method",
        PolicyErrorKind::WildcardInList => "wildcard_in_list",
        PolicyErrorKind::HeaderInvalid => "header_invalid",
        PolicyErrorKind::HeaderForbidden => "header_forbidden",
        PolicyErrorKind::DuplicateHeader => "duplicate_header",
        PolicyErrorKind::ExposeAnyWithCredentials => "expose_any_with_credentials",
        PolicyErrorKind::MaxAgeOutOfRange => "max_age_out_of_range",
        PolicyErrorKind::StatusOutOfRange => "status_out_of_range",
        PolicyErrorKind::CapOutOfRange => "cap_out_of_range",
        PolicyErrorKind::ListTooLong => "list_too_long",
        PolicyErrorKind::TooManyEntries => "too_many_entries",
        PolicyErrorKind::StorageTooSmall => "storage_too_small",
        PolicyErrorKind::OriginLongerThanCap => "origin_longer_than_cap",
        _ => return None,
    })
}

/// `CamelCase` `Debug` spelling to `snake_case`.
fn debug_snake(value: impl Debug) -> String {
    let mut out = String::new();
    for (i, c) in format!("{value:?}").chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The snake-case name of `value` from the mapping, checked against its `Debug` spelling.
fn check_name<T: Debug + Copy>(value: T, mapped: Option<&'static str>) -> Result<&'static str, String> {
    let derived = debug_snake(value);
    match mapped {
        None => Err(format!("{value:?} has no snake_case name in core/tests/vectors.rs: add an arm for it")),
        Some(name) if name != derived => Err(format!("runner maps {value:?} to {name:?}, expected {derived:?}")),
        Some(name) => Ok(name),
    }
}

fn leak_str(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

fn leak_bytes(bytes: Vec<u8>) -> &'static [u8] {
    Box::leak(bytes.into_boxed_slice())
}

fn show(bytes: &[u8]) -> String {
    format!("\"{}\"", bytes.escape_ascii())
}

fn decode_hex(hex: &str) -> Result<Vec<u8>, String> {
    let pairs = hex.as_bytes().chunks_exact(2);
    if !pairs.remainder().is_empty() {
        return Err(format!("hex string of odd length: {hex:?}"));
    }
    let nibble = |d: u8| match d {
        b'0'..=b'9' => Ok(d - b'0'),
        b'a'..=b'f' => Ok(d - b'a' + 10),
        b'A'..=b'F' => Ok(d - b'A' + 10),
        _ => Err(format!("not a hex digit in {hex:?}")),
    };
    pairs.map(|pair| Ok(nibble(pair[0])? << 4 | nibble(pair[1])?)).collect()
}

/// A byte string: a JSON string (its UTF-8 bytes) or `{"hex": "..."}`.
fn byte_string(value: &Value) -> Result<Vec<u8>, String> {
    match value {
        Value::String(s) => Ok(s.as_bytes().to_vec()),
        Value::Object(map) => {
            check_keys(map, &["hex"], &["hex"], "byte string")?;
            match map.get("hex") {
                Some(Value::String(hex)) => decode_hex(hex),
                _ => Err("\"hex\" must be a string".into()),
            }
        }
        other => Err(format!("not a byte string: {other}")),
    }
}

fn check_keys(map: &Map<String, Value>, allowed: &[&str], required: &[&str], what: &str) -> Result<(), String> {
    if let Some(key) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(format!("unknown key {key:?} in {what}"));
    }
    if let Some(key) = required.iter().find(|k| !map.contains_key(**k)) {
        return Err(format!("missing key {key:?} in {what}"));
    }
    Ok(())
}

fn object<'v>(value: &'v Value, what: &str) -> Result<&'v Map<String, Value>, String> {
    value.as_object().ok_or_else(|| format!("{what} must be an object"))
}

fn str_list(value: &Value, what: &str) -> Result<&'static [&'static str], String> {
    let items = value.as_array().ok_or_else(|| format!("{what} must be an array of strings"))?;
    let mut out = Vec::new();
    for item in items {
        out.push(leak_str(item.as_str().ok_or_else(|| format!("{what} must hold strings only"))?));
    }
    Ok(Box::leak(out.into_boxed_slice()))
}

fn number<T: TryFrom<u64>>(value: &Value, what: &str) -> Result<T, String> {
    value.as_u64().and_then(|n| T::try_from(n).ok()).ok_or_else(|| format!("{what} is not a number in range"))
}

fn flag(value: &Value, what: &str) -> Result<bool, String> {
    value.as_bool().ok_or_else(|| format!("{what} must be true or false"))
}

const POLICY_KEYS: &[&str] = &[
    "origins",
    "credentials",
    "methods",
    "request_headers",
    "exposed_headers",
    "max_age",
    "preflight_success_status",
    "preflight_failure_status",
    "private_network",
    "allow_insecure_origins_with_credentials",
    "max_origin_len",
    "max_request_headers_len",
    "max_request_headers_count",
];

fn parse_policy(value: &Value) -> Result<PolicyConfig<'static>, String> {
    let map = object(value, "policy")?;
    check_keys(map, POLICY_KEYS, &["origins"], "policy")?;
    let mut config = PolicyConfig::new(str_list(&map["origins"], "origins")?);
    for (key, v) in map {
        match key.as_str() {
            "origins" => {}
            "credentials" => config.credentials = flag(v, key)?,
            "methods" => {
                config.methods = match v {
                    Value::String(s) if s == "*" => Methods::Any,
                    _ => Methods::List(str_list(v, key)?),
                }
            }
            "request_headers" => {
                config.request_headers = match v {
                    Value::String(s) if s == "*" => RequestHeaders::Any,
                    Value::String(s) if s == "*+authorization" => RequestHeaders::AnyWithAuthorization,
                    _ => RequestHeaders::List(str_list(v, key)?),
                }
            }
            "exposed_headers" => {
                config.exposed_headers = match v {
                    Value::String(s) if s == "*" => ExposedHeaders::Any,
                    _ => ExposedHeaders::List(str_list(v, key)?),
                }
            }
            "max_age" => config.max_age = if v.is_null() { None } else { Some(number(v, key)?) },
            "preflight_success_status" => config.preflight_success_status = number(v, key)?,
            "preflight_failure_status" => config.preflight_failure_status = number(v, key)?,
            "private_network" => config.private_network = flag(v, key)?,
            "allow_insecure_origins_with_credentials" => {
                config.allow_insecure_origins_with_credentials = flag(v, key)?;
            }
            "max_origin_len" => config.max_origin_len = number(v, key)?,
            "max_request_headers_len" => config.max_request_headers_len = number(v, key)?,
            "max_request_headers_count" => config.max_request_headers_count = number(v, key)?,
            _ => unreachable!("keys were checked"),
        }
    }
    Ok(config)
}

fn header_lines(map: &Map<String, Value>, key: &str) -> Result<&'static [&'static [u8]], String> {
    let Some(value) = map.get(key) else {
        return Ok(&[]);
    };
    let items = value.as_array().ok_or_else(|| format!("request.{key} must be an array of lines"))?;
    let mut lines = Vec::new();
    for item in items {
        lines.push(leak_bytes(byte_string(item).map_err(|e| format!("request.{key}: {e}"))?));
    }
    Ok(Box::leak(lines.into_boxed_slice()))
}

fn parse_request(value: &Value) -> Result<Request<'static>, String> {
    let map = object(value, "request")?;
    let keys = ["method", "origin", "request_method", "request_headers", "request_private_network"];
    check_keys(map, &keys, &["method"], "request")?;
    Ok(Request {
        method: leak_bytes(byte_string(&map["method"]).map_err(|e| format!("request.method: {e}"))?),
        origin: header_lines(map, "origin")?,
        request_method: header_lines(map, "request_method")?,
        request_headers: header_lines(map, "request_headers")?,
        request_private_network: header_lines(map, "request_private_network")?,
    })
}

/// A nullable string field of an expectation.
fn opt_str<'v>(map: &'v Map<String, Value>, key: &str) -> Result<Option<&'v str>, String> {
    match &map[key] {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s)),
        other => Err(format!("{key} must be a string or null, not {other}")),
    }
}

/// A nullable number field of an expectation.
fn opt_u64(map: &Map<String, Value>, key: &str) -> Result<Option<u64>, String> {
    match &map[key] {
        Value::Null => Ok(None),
        v => v.as_u64().map(Some).ok_or_else(|| format!("{key} must be a number or null, not {v}")),
    }
}

fn compare<T: PartialEq + Debug>(problems: &mut Vec<String>, field: &str, expected: T, actual: T) {
    if expected != actual {
        problems.push(format!("{field}: expected {expected:?}, got {actual:?}"));
    }
}

fn name_of<T: Debug + Copy>(
    problems: &mut Vec<String>,
    value: Option<T>,
    mapping: fn(T) -> Option<&'static str>,
) -> Option<&'static str> {
    let value = value?;
    match check_name(value, mapping(value)) {
        Ok(name) => Some(name),
        Err(e) => {
            problems.push(e);
            Some("<unmapped>")
        }
    }
}

fn build(config: &PolicyConfig<'_>) -> Result<OwnedPolicy, corsguard::PolicyError> {
    OwnedPolicy::build(config)
}

fn run_decision(vector: &Map<String, Value>) -> Result<Vec<String>, String> {
    let config = parse_policy(&vector["policy"])?;
    let request = parse_request(&vector["request"])?;
    let expect = object(&vector["expect"], "expect")?;
    let fields = ["kind", "verdict", "reason", "reason_code", "origin_error", "status", "headers"];
    check_keys(expect, &fields, &fields, "expect")?;
    let mut expected_headers = Vec::new();
    for pair in expect["headers"].as_array().ok_or("expect.headers must be an array")? {
        match pair.as_array().map(Vec::as_slice) {
            Some([Value::String(name), value]) => expected_headers.push((name.clone(), byte_string(value)?)),
            _ => return Err(format!("a header must be [name, value], not {pair}")),
        }
    }

    let policy = match build(&config) {
        Ok(policy) => policy,
        Err(e) => return Ok(vec![format!("the policy was refused: {e} ({:?})", e.kind)]),
    };
    let decision = policy.decide(&request);
    if *policy.decide_into(&request, &mut std::mem::MaybeUninit::uninit()) != decision {
        return Err("decide_into made another decision than decide".into());
    }
    let mut problems = Vec::new();

    compare(&mut problems, "kind", opt_str(expect, "kind")?, Some(kind_name(decision.kind())));
    compare(&mut problems, "verdict", opt_str(expect, "verdict")?, Some(verdict_name(decision.verdict())));
    let reason = name_of(&mut problems, decision.reason(), deny_reason_name);
    compare(&mut problems, "reason", opt_str(expect, "reason")?, reason);
    compare(&mut problems, "reason_code", opt_u64(expect, "reason_code")?, decision.reason().map(|r| r.code().into()));
    let origin_error = name_of(&mut problems, decision.origin_error(), origin_error_name);
    compare(&mut problems, "origin_error", opt_str(expect, "origin_error")?, origin_error);
    compare(&mut problems, "status", opt_u64(expect, "status")?, decision.status().map(u64::from));

    let headers = decision.headers();
    let actual_headers: Vec<(String, Vec<u8>)> =
        headers.iter().map(|h| (h.name.to_owned(), h.value.to_vec())).collect();
    if actual_headers != expected_headers {
        let render = |list: &[(String, Vec<u8>)]| {
            list.iter().map(|(n, v)| format!("{n}: {}", show(v))).collect::<Vec<_>>().join(" | ")
        };
        problems.push(format!(
            "headers:\n        expected [{}]\n        got      [{}]",
            render(&expected_headers),
            render(&actual_headers)
        ));
    }

    // Rendering must be exactly the ordered list as `Name: value\r\n` lines.
    let mut rendered = Vec::new();
    for (name, value) in &expected_headers {
        rendered.extend_from_slice(name.as_bytes());
        rendered.extend_from_slice(b": ");
        rendered.extend_from_slice(value);
        rendered.extend_from_slice(b"\r\n");
    }
    compare(&mut problems, "rendered_len", rendered.len(), headers.rendered_len());
    let mut buf = vec![0u8; headers.rendered_len()];
    match headers.write_to(&mut buf) {
        Ok(n) if buf.get(..n) == Some(rendered.as_slice()) && n == buf.len() => {}
        Ok(n) => problems.push(format!("write_to wrote {}, expected {}", show(&buf[..n]), show(&rendered))),
        Err(e) => problems.push(format!("write_to into a buffer of rendered_len bytes failed: {e}")),
    }
    if let Some(short) = buf.len().checked_sub(1) {
        match headers.write_to(&mut buf[..short]) {
            Err(e) if e.needed == buf.len() => {}
            other => problems.push(format!("write_to into a buffer one byte short: {other:?}")),
        }
    }
    compare(&mut problems, "headers().len()", expected_headers.len(), headers.len());

    // Properties that must hold for every vector, whatever it expects.
    for h in headers {
        if !is_field_value(h.value) {
            problems.push(format!("{} has a value that is not a field value: {}", h.name, show(h.value)));
        }
    }
    if headers.get("Access-Control-Allow-Origin") == Some(b"*")
        && headers.get("Access-Control-Allow-Credentials").is_some()
    {
        problems.push("ACAO: * beside ACAC".into());
    }
    compare(&mut problems, "answer_now", decision.kind() == RequestKind::Preflight, decision.answer_now());
    compare(&mut problems, "is_allowed", decision.verdict() == Verdict::Allowed, decision.is_allowed());
    if headers.get("Vary").is_none() {
        problems.push("no Vary header".into());
    }
    Ok(problems)
}

fn run_policy_error(vector: &Map<String, Value>) -> Result<Vec<String>, String> {
    let config = parse_policy(&vector["policy"])?;
    let expect = object(&vector["expect_error"], "expect_error")?;
    let fields = ["kind", "code", "setting", "index", "origin_error"];
    check_keys(expect, &fields, &fields, "expect_error")?;
    let mut problems = Vec::new();
    match build(&config) {
        Ok(_) => problems.push("the policy was accepted".into()),
        Err(e) => {
            let kind = name_of(&mut problems, Some(e.kind), policy_error_kind_name);
            compare(&mut problems, "kind", opt_str(expect, "kind")?, kind);
            compare(&mut problems, "code", opt_u64(expect, "code")?, Some(e.code().into()));
            compare(&mut problems, "setting", opt_str(expect, "setting")?, Some(e.setting.name()));
            compare(&mut problems, "index", opt_u64(expect, "index")?, e.index.map(|i| i as u64));
            let origin_error = name_of(&mut problems, e.origin_error, origin_error_name);
            compare(&mut problems, "origin_error", opt_str(expect, "origin_error")?, origin_error);
        }
    }
    Ok(problems)
}

fn vector_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
    let entries = fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn shared_vectors() {
    let mut names = BTreeSet::new();
    let mut failures = Vec::new();
    let mut seen = 0usize;
    for path in vector_files() {
        let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {file}: {e}"));
        let root: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file} is not JSON: {e}"));
        let map = root.as_object().unwrap_or_else(|| panic!("{file}: the top level must be an object"));
        if map.contains_key("policy_files") {
            // Policy files, not policies (schema in docs/vectors.md): core/tests/policy_file.rs runs them.
            continue;
        }
        if let Err(e) = check_keys(map, &["description", "vectors"], &["description", "vectors"], "file") {
            failures.push(format!("{file}: {e}"));
            continue;
        }
        let vectors = map["vectors"].as_array().unwrap_or_else(|| panic!("{file}: \"vectors\" must be an array"));
        for (i, vector) in vectors.iter().enumerate() {
            seen += 1;
            let outcome = (|| {
                let v = object(vector, "vector")?;
                let name = v.get("name").and_then(Value::as_str).ok_or("a vector needs a string \"name\"")?;
                if !names.insert(name.to_owned()) {
                    return Err(format!("{name}: the name is used twice"));
                }
                let result = if v.contains_key("expect_error") {
                    check_keys(v, &["name", "policy", "expect_error"], &["name", "policy", "expect_error"], name)
                        .and_then(|()| run_policy_error(v))
                } else {
                    let keys = ["name", "policy", "request", "expect"];
                    check_keys(v, &keys, &keys, name).and_then(|()| run_decision(v))
                };
                match result {
                    Ok(problems) if problems.is_empty() => Ok(()),
                    Ok(problems) => Err(format!("{name}:\n    {}", problems.join("\n    "))),
                    Err(e) => Err(format!("{name}: bad vector: {e}")),
                }
            })();
            if let Err(e) = outcome {
                failures.push(format!("{file}[{i}] {e}"));
            }
        }
    }
    assert!(seen >= MIN_VECTORS, "only {seen} vectors found in tests/vectors; expected at least {MIN_VECTORS}");
    assert!(failures.is_empty(), "{} of {seen} vectors failed:\n\n{}\n", failures.len(), failures.join("\n\n"));
}
