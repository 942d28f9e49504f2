//! Structure-aware inputs: policies and requests decoded from the fuzzer's bytes with `arbitrary`. Most
//! choices pick from small pools of realistic values (so the fuzzer reaches allowed decisions quickly) and
//! every choice has a raw-bytes escape hatch (so nothing is out of reach).

use arbitrary::{Arbitrary, Result, Unstructured};
use corsguard::{ExposedHeaders, Methods, PolicyConfig, Request, RequestHeaders};

use crate::oracle::{OraclePolicy, OracleRequest};

const SCHEMES: &[&str] = &["https", "http", "wss", "ws", "ftp", "chrome-extension", "HTTPS", "file", "h"];
const HOSTS: &[&str] = &[
    "example.com",
    "app.example.com",
    "localhost",
    "app.localhost",
    "127.0.0.1",
    "[::1]",
    "example.co.uk",
    "github.io",
    "a.b.example.org",
    "xn--bcher-kva.example",
    "com",
    "foo.com",
    "bar.com",
    "barfoo.com",
    "example.com.",
    "10.0.0.1",
    "[2001:db8::1]",
    "a_b.example.com",
    "EXAMPLE.com",
];
const LABELS: &[&str] = &["api", "a.b", "", "evil", "x-y", ".", "A", "*", "evil.example.com.", "-", "0x1", "1"];
const METHODS: &[&str] = &[
    "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "patch", "CONNECT", "TRACE", "get", "Delete",
    "PROPFIND", "*", "track", "M-SEARCH",
];
const HEADERS: &[&str] = &[
    "content-type",
    "x-request-id",
    "authorization",
    "Authorization",
    "X-Custom",
    "accept",
    "cookie",
    "sec-fetch-mode",
    "proxy-x",
    "*",
    "x_under",
    "set-cookie",
    "x-total-count",
    "X-REQUEST-ID",
];
const SEPARATORS: &[&[u8]] = &[b",", b", ", b" , ", b",,", b"\t,", b", \t", b",\t,  ,"];

fn pick<'a>(pool: &[&'a str], i: u8) -> &'a str {
    pool[usize::from(i) % pool.len()]
}

/// One entry of a policy's origin list.
#[derive(Arbitrary, Debug, Clone)]
pub enum OriginEntry {
    /// `*`.
    Star,
    /// `scheme://host[:port]`.
    Exact { scheme: u8, host: u8, port: Option<u16> },
    /// `scheme://*.host[:port]`.
    Subdomains { scheme: u8, host: u8, port: Option<u16> },
    /// `scheme://host:*`.
    AnyPort { scheme: u8, host: u8 },
    /// Anything.
    Text(String),
}

impl OriginEntry {
    fn render(&self) -> String {
        let port = |p: &Option<u16>| p.map_or(String::new(), |p| format!(":{p}"));
        match self {
            OriginEntry::Star => "*".into(),
            OriginEntry::Exact { scheme, host, port: p } => {
                format!("{}://{}{}", pick(SCHEMES, *scheme), pick(HOSTS, *host), port(p))
            }
            OriginEntry::Subdomains { scheme, host, port: p } => {
                format!("{}://*.{}{}", pick(SCHEMES, *scheme), pick(HOSTS, *host), port(p))
            }
            OriginEntry::AnyPort { scheme, host } => format!("{}://{}:*", pick(SCHEMES, *scheme), pick(HOSTS, *host)),
            OriginEntry::Text(t) => t.clone(),
        }
    }
}

/// A method or header name.
#[derive(Arbitrary, Debug, Clone)]
pub enum NameEntry {
    /// From the pool.
    Pool(u8),
    /// Anything.
    Text(String),
}

impl NameEntry {
    fn render(&self, pool: &[&str]) -> String {
        match self {
            NameEntry::Pool(i) => pick(pool, *i).to_string(),
            NameEntry::Text(t) => t.clone(),
        }
    }
}

/// A list setting.
#[derive(Arbitrary, Debug, Clone)]
pub enum ListInput {
    /// `PolicyConfig::new`'s default.
    Default,
    /// `Any`.
    Any,
    /// `AnyWithAuthorization` (request headers only; `Any` elsewhere).
    AnyWithAuthorization,
    /// A list.
    List(Vec<NameEntry>),
}

/// A number that is usually in range, sometimes anything.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Number {
    /// The default.
    Default,
    /// Usually valid.
    Near(u16),
    /// Anything.
    Raw(u32),
}

/// A whole policy configuration.
#[derive(Arbitrary, Debug, Clone)]
pub struct PolicyInput {
    /// Origins.
    pub origins: Vec<OriginEntry>,
    /// Credentials.
    pub credentials: bool,
    /// Methods.
    pub methods: ListInput,
    /// Request headers.
    pub request_headers: ListInput,
    /// Exposed headers.
    pub exposed_headers: ListInput,
    /// Max-age.
    pub max_age: Option<Number>,
    /// Success status.
    pub success_status: Number,
    /// Failure status.
    pub failure_status: Number,
    /// PNA.
    pub private_network: bool,
    /// Insecure origins with credentials.
    pub allow_insecure: bool,
    /// Caps.
    pub max_origin_len: Number,
    /// Caps.
    pub max_request_headers_len: Number,
    /// Caps.
    pub max_request_headers_count: Number,
    /// Extra storage bytes beyond `storage_len` (or fewer, when negative).
    pub storage_slack: i8,
}

/// A policy configuration that owns its strings; [`OwnedConfig::config`] lends a `PolicyConfig`.
#[derive(Clone, Debug)]
pub struct OwnedConfig {
    /// Origin entries.
    pub origins: Vec<String>,
    /// Methods (`None` = any).
    pub methods: Option<Vec<String>>,
    /// Request headers (`None` = any).
    pub request_headers: Option<Vec<String>>,
    /// `AnyWithAuthorization`.
    pub headers_any_with_authorization: bool,
    /// Exposed (`None` = any).
    pub exposed_headers: Option<Vec<String>>,
    /// Everything else, with the lists empty.
    pub base: PolicyConfig<'static>,
    /// Storage bytes to build into (around `storage_len`, sometimes fewer).
    pub storage_bytes: usize,
}

/// The borrowed string lists behind a `PolicyConfig`.
pub struct Lists<'a> {
    /// Origins.
    pub origins: Vec<&'a str>,
    /// Methods.
    pub methods: Vec<&'a str>,
    /// Request headers.
    pub request_headers: Vec<&'a str>,
    /// Exposed headers.
    pub exposed_headers: Vec<&'a str>,
}

impl OwnedConfig {
    /// Borrowed views of the lists, to build a `PolicyConfig` from.
    pub fn lists(&self) -> Lists<'_> {
        fn refs(l: &Option<Vec<String>>) -> Vec<&str> {
            l.iter().flatten().map(String::as_str).collect()
        }
        Lists {
            origins: self.origins.iter().map(String::as_str).collect(),
            methods: refs(&self.methods),
            request_headers: refs(&self.request_headers),
            exposed_headers: refs(&self.exposed_headers),
        }
    }

    /// The `PolicyConfig`, borrowing `lists`.
    pub fn config<'a>(&self, lists: &'a Lists<'a>) -> PolicyConfig<'a> {
        PolicyConfig {
            origins: &lists.origins,
            methods: if self.methods.is_some() { Methods::List(&lists.methods) } else { Methods::Any },
            request_headers: match (&self.request_headers, self.headers_any_with_authorization) {
                (Some(_), _) => RequestHeaders::List(&lists.request_headers),
                (None, false) => RequestHeaders::Any,
                (None, true) => RequestHeaders::AnyWithAuthorization,
            },
            exposed_headers: if self.exposed_headers.is_some() {
                ExposedHeaders::List(&lists.exposed_headers)
            } else {
                ExposedHeaders::Any
            },
            ..self.base
        }
    }

    /// The oracle's copy.
    pub fn oracle(&self) -> OraclePolicy {
        let lists = self.lists();
        OraclePolicy::from_config(&self.config(&lists))
    }
}

impl PolicyInput {
    /// Renders the input into a configuration (which may well be refused by `Policy::build`).
    pub fn render(&self) -> OwnedConfig {
        let defaults = PolicyConfig::new(&[]);
        let origins: Vec<String> = self.origins.iter().take(12).map(OriginEntry::render).collect();
        let list = |l: &ListInput, pool: &[&str], default: &[&str]| -> (Option<Vec<String>>, bool) {
            match l {
                ListInput::Default => (Some(default.iter().map(|s| s.to_string()).collect()), false),
                ListInput::Any => (None, false),
                ListInput::AnyWithAuthorization => (None, true),
                ListInput::List(items) => (Some(items.iter().take(80).map(|n| n.render(pool)).collect()), false),
            }
        };
        let (methods, _) = list(&self.methods, METHODS, &["GET", "HEAD", "POST"]);
        let (request_headers, with_auth) = list(&self.request_headers, HEADERS, &[]);
        let (exposed_headers, _) = list(&self.exposed_headers, HEADERS, &[]);
        let number = |n: Number, default: usize, near: fn(u16) -> usize| match n {
            Number::Default => default,
            Number::Near(v) => near(v),
            Number::Raw(v) => v as usize,
        };
        let base = PolicyConfig {
            credentials: self.credentials,
            max_age: self.max_age.map(|n| number(n, 600, |v| usize::from(v) % 86_401) as u32),
            preflight_success_status: number(self.success_status, 204, |v| 200 + usize::from(v) % 100) as u16,
            preflight_failure_status: number(self.failure_status, 403, |v| {
                if v % 2 == 0 {
                    200 + usize::from(v) % 100
                } else {
                    400 + usize::from(v) % 200
                }
            }) as u16,
            private_network: self.private_network,
            allow_insecure_origins_with_credentials: self.allow_insecure,
            max_origin_len: number(self.max_origin_len, defaults.max_origin_len, |v| 1 + usize::from(v) % 4096),
            max_request_headers_len: number(self.max_request_headers_len, defaults.max_request_headers_len, |v| {
                1 + usize::from(v) % 4096
            }),
            max_request_headers_count: number(
                self.max_request_headers_count,
                defaults.max_request_headers_count,
                |v| 1 + usize::from(v) % 1024,
            ),
            ..defaults
        };
        let refs: Vec<&str> = origins.iter().map(String::as_str).collect();
        let needed = corsguard::storage_len(&corsguard::PolicyConfig::new(&refs));
        let storage_bytes = needed.saturating_add_signed(isize::from(self.storage_slack) % 24);
        OwnedConfig {
            origins,
            methods,
            request_headers,
            headers_any_with_authorization: with_auth,
            exposed_headers,
            base,
            storage_bytes,
        }
    }
}

/// How a request's origin line relates to the policy.
#[derive(Arbitrary, Debug, Clone)]
pub enum OriginLine {
    /// Derived from a policy entry: `*.` becomes a label, `:*` a port, then decorated.
    FromPolicy { entry: u8, label: u8, port: u16, decoration: Decoration },
    /// From the pools.
    Pool { scheme: u8, host: u8, port: Option<u16>, decoration: Decoration },
    /// `null`.
    Null,
    /// Anything.
    Raw(Vec<u8>),
}

/// A small change to an otherwise valid value.
#[derive(Arbitrary, Debug, Clone)]
pub enum Decoration {
    /// None.
    None,
    /// Surrounding OWS.
    Ows { before: u8, after: u8, tab: bool },
    /// Uppercase the byte at this position.
    Upper(u8),
    /// Append bytes.
    Append(Vec<u8>),
    /// Prepend bytes.
    Prepend(Vec<u8>),
    /// Drop the last bytes.
    Truncate(u8),
}

impl Decoration {
    fn apply(&self, mut v: Vec<u8>) -> Vec<u8> {
        match self {
            Decoration::None => v,
            Decoration::Ows { before, after, tab } => {
                let ws = if *tab { b'\t' } else { b' ' };
                let mut out = vec![ws; usize::from(*before % 4)];
                out.extend_from_slice(&v);
                out.extend(std::iter::repeat_n(ws, usize::from(*after % 4)));
                out
            }
            Decoration::Upper(i) => {
                if !v.is_empty() {
                    let at = usize::from(*i) % v.len();
                    v[at] = v[at].to_ascii_uppercase();
                }
                v
            }
            Decoration::Append(extra) => {
                v.extend_from_slice(extra);
                v
            }
            Decoration::Prepend(extra) => {
                let mut out = extra.clone();
                out.extend_from_slice(&v);
                out
            }
            Decoration::Truncate(n) => {
                let keep = v.len().saturating_sub(usize::from(*n % 8));
                v.truncate(keep);
                v
            }
        }
    }
}

/// A token line (method or PNA).
#[derive(Arbitrary, Debug, Clone)]
pub enum TokenLine {
    /// From a pool.
    Pool(u8, Decoration),
    /// `true`, for the PNA header.
    True(Decoration),
    /// One of the policy's listed methods (so allowed preflights are common).
    FromPolicy(u8, Decoration),
    /// Anything.
    Raw(Vec<u8>),
}

/// A header-name element of an ACRH line.
#[derive(Arbitrary, Debug, Clone)]
pub enum HeaderElement {
    /// From the pool.
    Pool(u8),
    /// One of the policy's listed names, re-cased.
    FromPolicy(u8, bool),
    /// Anything.
    Raw(Vec<u8>),
}

/// One ACRH line.
#[derive(Arbitrary, Debug, Clone)]
pub enum HeaderLine {
    /// Names joined with a separator from the pool.
    Names(Vec<HeaderElement>, u8, Decoration),
    /// Anything.
    Raw(Vec<u8>),
}

/// The request method.
#[derive(Arbitrary, Debug, Clone)]
pub enum MethodChoice {
    /// OPTIONS.
    Options,
    /// GET.
    Get,
    /// POST.
    Post,
    /// Anything.
    Raw(Vec<u8>),
}

/// The lines of one request header: absent, one line (the common case), or several.
#[derive(Arbitrary, Debug, Clone)]
pub enum Lines<T> {
    /// The header is absent.
    Absent,
    /// One line.
    One(T),
    /// Several lines (or none).
    Many(Vec<T>),
}

impl<T> Lines<T> {
    fn items(&self, max: usize) -> Vec<&T> {
        match self {
            Lines::Absent => Vec::new(),
            Lines::One(t) => vec![t],
            Lines::Many(v) => v.iter().take(max).collect(),
        }
    }
}

/// A whole request.
#[derive(Arbitrary, Debug, Clone)]
pub struct RequestInput {
    /// Method is OPTIONS (half of the requests), else `method`.
    pub options: bool,
    /// Method.
    pub method: MethodChoice,
    /// Origin lines.
    pub origin: Lines<OriginLine>,
    /// ACRM lines.
    pub request_method: Lines<TokenLine>,
    /// ACRH lines.
    pub request_headers: Lines<HeaderLine>,
    /// ACRPN lines.
    pub private_network: Lines<TokenLine>,
}

/// A request that owns its bytes; [`OwnedRequest::with_request`] lends a `corsguard::Request`.
#[derive(Clone, Debug, Default)]
pub struct OwnedRequest {
    /// The oracle's form, which owns everything.
    pub inner: OracleRequest,
}

impl OwnedRequest {
    /// Calls `f` with a borrowed `corsguard::Request`.
    pub fn with_request<R>(&self, f: impl FnOnce(&Request<'_>) -> R) -> R {
        fn lines(l: &[Vec<u8>]) -> Vec<&[u8]> {
            l.iter().map(Vec::as_slice).collect()
        }
        let origin = lines(&self.inner.origin);
        let request_method = lines(&self.inner.request_method);
        let request_headers = lines(&self.inner.request_headers);
        let request_private_network = lines(&self.inner.request_private_network);
        f(&Request {
            method: &self.inner.method,
            origin: &origin,
            request_method: &request_method,
            request_headers: &request_headers,
            request_private_network: &request_private_network,
        })
    }
}

impl RequestInput {
    /// Renders the request against a policy, so derived origins and names can be valid ones.
    pub fn render(&self, config: &OwnedConfig) -> OwnedRequest {
        let method = match &self.method {
            _ if self.options => b"OPTIONS".to_vec(),
            MethodChoice::Options => b"OPTIONS".to_vec(),
            MethodChoice::Get => b"GET".to_vec(),
            MethodChoice::Post => b"POST".to_vec(),
            MethodChoice::Raw(r) => r.clone(),
        };
        let origin = self.origin.items(4).into_iter().map(|o| render_origin(o, &config.origins)).collect();
        let policy_methods: Vec<&str> = config.methods.iter().flatten().map(String::as_str).collect();
        let token = |t: &TokenLine, pool: &[&str]| match t {
            TokenLine::Pool(i, d) => d.apply(pick(pool, *i).as_bytes().to_vec()),
            TokenLine::True(d) => d.apply(b"true".to_vec()),
            TokenLine::FromPolicy(i, d) => {
                let method = if policy_methods.is_empty() { "PATCH" } else { pick(&policy_methods, *i) };
                d.apply(method.as_bytes().to_vec())
            }
            TokenLine::Raw(r) => r.clone(),
        };
        let request_method = self.request_method.items(3).into_iter().map(|t| token(t, METHODS)).collect();
        let private_network =
            self.private_network.items(3).into_iter().map(|t| token(t, &["true", "TRUE", "false"])).collect();
        let policy_names: Vec<&str> = config.request_headers.iter().flatten().map(String::as_str).collect();
        let request_headers = self
            .request_headers
            .items(12)
            .into_iter()
            .map(|line| match line {
                HeaderLine::Raw(r) => r.clone(),
                HeaderLine::Names(names, sep, decoration) => {
                    let sep = SEPARATORS[usize::from(*sep) % SEPARATORS.len()];
                    let mut out = Vec::new();
                    for (i, n) in names.iter().take(80).enumerate() {
                        if i > 0 {
                            out.extend_from_slice(sep);
                        }
                        match n {
                            HeaderElement::Pool(p) => out.extend_from_slice(pick(HEADERS, *p).as_bytes()),
                            HeaderElement::FromPolicy(p, upper) => {
                                let name = if policy_names.is_empty() { "x" } else { pick(&policy_names, *p) };
                                let name = if *upper { name.to_ascii_uppercase() } else { name.to_ascii_lowercase() };
                                out.extend_from_slice(name.as_bytes());
                            }
                            HeaderElement::Raw(r) => out.extend_from_slice(r),
                        }
                    }
                    decoration.apply(out)
                }
            })
            .collect();
        OwnedRequest {
            inner: OracleRequest {
                method,
                origin,
                request_method,
                request_headers,
                request_private_network: private_network,
            },
        }
    }
}

fn render_origin(line: &OriginLine, entries: &[String]) -> Vec<u8> {
    match line {
        OriginLine::FromPolicy { entry, label, port, decoration } => {
            let Some(text) = (!entries.is_empty()).then(|| &entries[usize::from(*entry) % entries.len()]) else {
                return b"https://example.com".to_vec();
            };
            let mut s = text.replacen("*.", &format!("{}.", pick(LABELS, *label)), 1);
            if s.ends_with(":*") {
                s.truncate(s.len() - 2);
                if *port != 0 {
                    s.push_str(&format!(":{port}"));
                }
            }
            decoration.apply(s.into_bytes())
        }
        OriginLine::Pool { scheme, host, port, decoration } => {
            let p = port.map_or(String::new(), |p| format!(":{p}"));
            decoration.apply(format!("{}://{}{}", pick(SCHEMES, *scheme), pick(HOSTS, *host), p).into_bytes())
        }
        OriginLine::Null => b"null".to_vec(),
        OriginLine::Raw(r) => r.clone(),
    }
}

/// A policy and a few requests to decide against it.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The policy.
    pub policy: PolicyInput,
    /// The requests.
    pub requests: Vec<RequestInput>,
}

impl<'a> Arbitrary<'a> for Scenario {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let policy = PolicyInput::arbitrary(u)?;
        let mut requests = Vec::new();
        for _ in 0..4 {
            if u.is_empty() {
                break;
            }
            requests.push(RequestInput::arbitrary(u)?);
        }
        Ok(Scenario { policy, requests })
    }
}
