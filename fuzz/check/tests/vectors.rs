//! The oracle against the project's shared vectors (tests/vectors/*.json, read by every language's suite):
//! the oracle must agree with every decision vector, and must see a broken rule in every policy-error vector
//! (or the error must be one of corsguard's stated capacity or strictness limits). corsguard's own decision on
//! each vector is also run through the fuzz targets' property checks.

use std::path::PathBuf;

use corsguard_fuzz_check::gen::OwnedRequest;
use corsguard_fuzz_check::oracle::{self, OraclePolicy, OracleRequest};
use serde_json::Value;

fn bytes(v: &Value) -> Vec<u8> {
    match v {
        Value::String(s) => s.as_bytes().to_vec(),
        Value::Object(o) => {
            let hex = o["hex"].as_str().expect("hex");
            (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex digit")).collect()
        }
        other => panic!("not a byte string: {other}"),
    }
}

fn lines(v: Option<&Value>) -> Vec<Vec<u8>> {
    v.and_then(Value::as_array).map(|a| a.iter().map(bytes).collect()).unwrap_or_default()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().expect("list").iter().map(|s| s.as_str().expect("string").to_string()).collect()
}

/// The policy as an oracle policy plus the owned strings for corsguard's `PolicyConfig`.
fn policy(p: &Value) -> OraclePolicy {
    let defaults = corsguard::PolicyConfig::new(&[]);
    let num = |k: &str, d: usize| p.get(k).and_then(Value::as_u64).map_or(d, |n| n as usize);
    let (request_headers, with_auth) = match p.get("request_headers") {
        None => (Some(vec![]), false),
        Some(Value::String(s)) if s == "*" => (None, false),
        Some(Value::String(s)) if s == "*+authorization" => (None, true),
        Some(v) => (Some(strings(v)), false),
    };
    OraclePolicy {
        origins: strings(&p["origins"]),
        credentials: p.get("credentials").and_then(Value::as_bool).unwrap_or(false),
        methods: match p.get("methods") {
            None => Some(vec!["GET".into(), "HEAD".into(), "POST".into()]),
            Some(Value::String(s)) if s == "*" => None,
            Some(v) => Some(strings(v)),
        },
        request_headers,
        any_header_covers_authorization: with_auth,
        exposed_headers: match p.get("exposed_headers") {
            None => Some(vec![]),
            Some(Value::String(s)) if s == "*" => None,
            Some(v) => Some(strings(v)),
        },
        max_age: p.get("max_age").and_then(Value::as_u64).map(|n| n as u32),
        success_status: num("preflight_success_status", 204) as u16,
        failure_status: num("preflight_failure_status", 403) as u16,
        private_network: p.get("private_network").and_then(Value::as_bool).unwrap_or(false),
        allow_insecure: p.get("allow_insecure_origins_with_credentials").and_then(Value::as_bool).unwrap_or(false),
        max_origin_len: num("max_origin_len", defaults.max_origin_len),
        max_request_headers_len: num("max_request_headers_len", defaults.max_request_headers_len),
        max_request_headers_count: num("max_request_headers_count", defaults.max_request_headers_count),
    }
}

fn with_config<R>(o: &OraclePolicy, f: impl FnOnce(&corsguard::PolicyConfig<'_>) -> R) -> R {
    fn refs(l: &Option<Vec<String>>) -> Vec<&str> {
        l.iter().flatten().map(String::as_str).collect()
    }
    let origins: Vec<&str> = o.origins.iter().map(String::as_str).collect();
    let (methods, headers, exposed) = (refs(&o.methods), refs(&o.request_headers), refs(&o.exposed_headers));
    let config = corsguard::PolicyConfig {
        origins: &origins,
        credentials: o.credentials,
        methods: if o.methods.is_some() { corsguard::Methods::List(&methods) } else { corsguard::Methods::Any },
        request_headers: match (&o.request_headers, o.any_header_covers_authorization) {
            (Some(_), _) => corsguard::RequestHeaders::List(&headers),
            (None, false) => corsguard::RequestHeaders::Any,
            (None, true) => corsguard::RequestHeaders::AnyWithAuthorization,
        },
        exposed_headers: if o.exposed_headers.is_some() {
            corsguard::ExposedHeaders::List(&exposed)
        } else {
            corsguard::ExposedHeaders::Any
        },
        max_age: o.max_age,
        preflight_success_status: o.success_status,
        preflight_failure_status: o.failure_status,
        private_network: o.private_network,
        allow_insecure_origins_with_credentials: o.allow_insecure,
        max_origin_len: o.max_origin_len,
        max_request_headers_len: o.max_request_headers_len,
        max_request_headers_count: o.max_request_headers_count,
    };
    f(&config)
}

#[test]
fn oracle_agrees_with_every_shared_vector() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors");
    let mut files: Vec<_> = std::fs::read_dir(&dir).expect("tests/vectors").map(|e| e.unwrap().path()).collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    let (mut decisions, mut errors) = (0, 0);
    for file in files {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        // policy_files.json holds policy files, not policies: core/tests/policy_file.rs runs it.
        if doc.get("policy_files").is_some() {
            continue;
        }
        for v in doc["vectors"].as_array().expect("vectors") {
            let name = v["name"].as_str().unwrap_or("?");
            let oracle_policy = policy(&v["policy"]);
            if let Some(expect) = v.get("expect_error") {
                errors += 1;
                let kind = expect["kind"].as_str().unwrap();
                let stricter = [
                    "list_too_long",
                    "too_many_entries",
                    "storage_too_small",
                    "wildcard_public_suffix",
                    "method_not_normalized",
                ];
                assert!(
                    oracle_policy.violation().is_some() || stricter.contains(&kind),
                    "{name}: corsguard refuses ({kind}) a policy the oracle finds no fault with"
                );
                continue;
            }
            decisions += 1;
            let r = &v["request"];
            let request = OracleRequest {
                method: r.get("method").map(bytes).unwrap_or_default(),
                origin: lines(r.get("origin")),
                request_method: lines(r.get("request_method")),
                request_headers: lines(r.get("request_headers")),
                request_private_network: lines(r.get("request_private_network")),
            };
            let e = &v["expect"];
            let kind = match e["kind"].as_str().unwrap() {
                "not_cors" => 0,
                "actual" => 1,
                _ => 2,
            };
            let headers: Vec<(String, Vec<u8>)> = e["headers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| (h[0].as_str().unwrap().to_string(), bytes(&h[1])))
                .collect();
            let header_refs: Vec<(&str, &[u8])> = headers.iter().map(|(n, v)| (n.as_str(), v.as_slice())).collect();
            let expected = oracle::observe_parts(
                kind,
                e["verdict"] == "allowed",
                e["reason_code"].as_u64().unwrap_or(0) as u32,
                e["status"].as_u64().map(|s| s as u16),
                &header_refs,
            );
            assert_eq!(oracle_policy.decide(&request), expected, "{name}: oracle disagrees with the vector");
            // corsguard's own decision on the vector holds every property the fuzz targets assert.
            with_config(&oracle_policy, |config| {
                let policy = corsguard::OwnedPolicy::build(config).unwrap_or_else(|e| panic!("{name}: {e}"));
                let owned = OwnedRequest { inner: request.clone() };
                owned.with_request(|req| {
                    corsguard_fuzz_check::assert_decision_properties(&oracle_policy, &request, &policy.decide(req))
                });
            });
        }
    }
    assert!(decisions > 100 && errors > 50, "{decisions} decision vectors, {errors} policy-error vectors");
    eprintln!("oracle: {decisions} decision vectors agreed, {errors} policy-error vectors seen as faulty");
}
