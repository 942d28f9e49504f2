//! The policy: what a server allows, validated once when it is built. Every security rule refuses a bad
//! policy with a typed [`PolicyError`] that names the setting, the entry and what to change; everything the
//! decision needs (joined header values, max-age digits, the origin index) is prepared here, once.

use heapless::Vec;

use crate::bytes::{cmp_ignore_case, eq_ignore_case, is_token, make_lowercase, short_key, token_starts_with_lower};
use crate::error::{PolicyError, PolicyErrorKind, Setting};
use crate::hash;
use crate::headers::{
    BIT_ALLOW_CREDENTIALS, BIT_ALLOW_METHODS, BIT_ALLOW_ORIGIN, BIT_EXPOSE_HEADERS, BIT_MAX_AGE, BIT_VARY,
};
use crate::index::{
    self, EntryKind, PatternSummary, PushError, TableLayout, TableWriter, KIND_HOST_ANY_PORT, KIND_SUBDOMAINS,
    MAX_ORIGINS, PORT_KEY_ANY, SEED_EXACT, SEED_SCHEME, SEED_SUFFIX,
};
use crate::origin;
use crate::pattern::{OriginPattern, PortPattern};

/// Capacity of the prepared `Access-Control-Allow-Methods` value, in bytes.
pub const MAX_METHODS_LEN: usize = 256;
/// Capacity of the prepared `Access-Control-Allow-Headers` and `Access-Control-Expose-Headers` values.
pub const MAX_HEADER_LIST_LEN: usize = 1024;
/// Most entries in the methods list.
pub const MAX_METHODS: usize = 32;
/// Most entries in the allowed or exposed header lists.
pub const MAX_HEADER_NAMES: usize = 64;
/// Longest method or header name a policy may list, and longest `Access-Control-Request-Method` accepted.
pub const MAX_TOKEN_LEN: usize = 64;
/// The largest `Access-Control-Max-Age` a policy may set (Firefox's cap; Chromium caps at 7200, WebKit at 600).
pub const MAX_MAX_AGE: u32 = 86_400;
/// The highest value the request caps may be raised to.
pub const MAX_REQUEST_HEADERS_LEN_CAP: usize = 65_536;
/// The highest value the requested-header count cap may be raised to.
pub const MAX_REQUEST_HEADERS_COUNT_CAP: usize = 1024;

/// Which methods a preflight may ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Methods<'a> {
    /// Exactly these methods (case-sensitive, as the Fetch standard compares them).
    List(&'a [&'a str]),
    /// Any method except the forbidden CONNECT, TRACE and TRACK.
    Any,
}

/// Which request headers a preflight may ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestHeaders<'a> {
    /// Exactly these header names (case-insensitive).
    List(&'a [&'a str]),
    /// Any header name except `Authorization`, which `*` never covers.
    Any,
    /// Any header name, `Authorization` included.
    AnyWithAuthorization,
}

/// Which response headers an actual response exposes to the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExposedHeaders<'a> {
    /// Exactly these header names.
    List(&'a [&'a str]),
    /// Every header (`*`); not expressible with credentials, so refused with them.
    Any,
}

/// The plain data a [`Policy`] is built from. Every field is public and `const`-constructible, so a
/// configuration can live in a `static`:
///
/// ```
/// use corsguard::{Methods, PolicyConfig, RequestHeaders};
/// static CONFIG: PolicyConfig<'static> = PolicyConfig {
///     credentials: true,
///     methods: Methods::List(&["GET", "POST", "DELETE"]),
///     request_headers: RequestHeaders::List(&["content-type", "authorization"]),
///     max_age: Some(600),
///     ..PolicyConfig::new(&["https://app.example.com", "https://*.example.com"])
/// };
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PolicyConfig<'a> {
    /// Allowed origins: exact origins, `scheme://*.domain` patterns, `http://localhost:*`, or `*` alone.
    pub origins: &'a [&'a str],
    /// Whether to allow credentialed requests (`Access-Control-Allow-Credentials: true`).
    pub credentials: bool,
    /// Methods a preflight may ask for. Default: `GET`, `HEAD`, `POST`.
    pub methods: Methods<'a>,
    /// Request headers a preflight may ask for. Default: none.
    pub request_headers: RequestHeaders<'a>,
    /// Response headers exposed to the page. Default: none (the CORS-safelisted ones always are).
    pub exposed_headers: ExposedHeaders<'a>,
    /// `Access-Control-Max-Age` in seconds, 0 to 86400; `None` leaves the browser's default (5 s).
    pub max_age: Option<u32>,
    /// Status of an allowed preflight, 200 to 299. Default 204.
    pub preflight_success_status: u16,
    /// Status of a denied preflight, 200 to 299 or 400 to 599. Default 403.
    pub preflight_failure_status: u16,
    /// Answer `Access-Control-Request-Private-Network: true` with `Access-Control-Allow-Private-Network: true`.
    /// Default off.
    pub private_network: bool,
    /// Allow non-HTTPS origins (other than loopback ones) together with credentials. Default off.
    pub allow_insecure_origins_with_credentials: bool,
    /// Longest `Origin` value considered, after trimming. Default 512, at most 4096.
    pub max_origin_len: usize,
    /// Most bytes of `Access-Control-Request-Headers`, all lines together. Default 2048.
    pub max_request_headers_len: usize,
    /// Most names in `Access-Control-Request-Headers`, all lines together. Default 64.
    pub max_request_headers_count: usize,
}

impl<'a> PolicyConfig<'a> {
    /// A configuration allowing `origins` with every other setting at its secure default.
    pub const fn new(origins: &'a [&'a str]) -> Self {
        PolicyConfig {
            origins,
            credentials: false,
            methods: Methods::List(&["GET", "HEAD", "POST"]),
            request_headers: RequestHeaders::List(&[]),
            exposed_headers: ExposedHeaders::List(&[]),
            max_age: None,
            preflight_success_status: 204,
            preflight_failure_status: 403,
            private_network: false,
            allow_insecure_origins_with_credentials: false,
            max_origin_len: 512,
            max_request_headers_len: 2048,
            max_request_headers_count: 64,
        }
    }
}

/// How preflights' methods are checked and answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MethodRule {
    List,
    Any,
}

/// How preflights' requested headers are checked and answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HeaderRule {
    List,
    Any { authorization: bool },
}

/// Where the origin list of a policy being built comes from: the strings of a [`PolicyConfig`], or a policy
/// file's `origins` lines read straight from its text (`crate::file`), so that neither copies the origins nor
/// caps how many there are. Only building reads it; deciding never does.
pub(crate) trait OriginSource {
    /// How many entries there are, and their lengths added up (saturating).
    fn count_and_text_len(&self) -> (usize, usize);
    /// The entries in order, as bytes; as many as `count_and_text_len` says.
    fn entries(&self) -> impl Iterator<Item = &[u8]>;
}

impl OriginSource for [&str] {
    fn count_and_text_len(&self) -> (usize, usize) {
        (self.len(), self.iter().fold(0usize, |n, o| n.saturating_add(o.len())))
    }

    fn entries(&self) -> impl Iterator<Item = &[u8]> {
        self.iter().map(|o| o.as_bytes())
    }
}

/// A `(start, len)` span into one of the prepared buffers.
pub(crate) type Span = (u16, u16);

/// How many bytes of storage the origin table of `config` takes: the least `N` for which
/// [`FixedPolicy<N>`](FixedPolicy) can hold it. (A policy also holds its [`Settings`], a fixed size.)
///
/// ```
/// use corsguard::{storage_len, PolicyConfig};
/// let config = PolicyConfig::new(&["https://app.example.com", "https://*.example.org"]);
/// assert_eq!(storage_len(&config), 4 * 8 + 23 + 21);
/// ```
pub fn storage_len(config: &PolicyConfig<'_>) -> usize {
    let (count, text) = config.origins.count_and_text_len();
    storage_len_for(count, text)
}

/// [`storage_len`] for `origin_count` origins whose lengths add up to `origin_text_len` bytes: for callers
/// that hold the origins as bytes rather than as a [`PolicyConfig`] (the C library sizes caller memory so).
///
/// ```
/// use corsguard::{storage_len, storage_len_for, PolicyConfig};
/// let config = PolicyConfig::new(&["https://app.example.com", "https://*.example.org"]);
/// assert_eq!(storage_len_for(2, 23 + 21), storage_len(&config));
/// ```
pub const fn storage_len_for(origin_count: usize, origin_text_len: usize) -> usize {
    index::table_len(origin_count, origin_text_len)
}

/// A validated policy, ready to [`decide`](Policy::decide). Immutable, `Send` and `Sync`: build it once at
/// start-up and share it across threads.
///
/// A policy owns everything it needs: its validated [`Settings`] (the prepared header values, a fixed size)
/// and the storage `S` that holds its origin table. Three kinds of storage, one decision code:
///
/// - [`FixedPolicy<N>`](FixedPolicy) = `Policy<[u8; N]>`: capacity fixed at compile time, for firmware and
///   `static`s; no allocator, nothing to hand in. [`storage_len`] says the least `N` a configuration needs.
/// - `OwnedPolicy` = `Policy<Box<[u8]>>` (cargo feature `alloc`): sized at run time, `'static`, for servers,
///   bindings and policy files.
/// - `Policy<[u8]>`: the unsized form every other one coerces to (`&FixedPolicy<N>` is a `&Policy`); the C
///   library lays it out in memory the caller gives.
///
/// ```
/// use corsguard::{FixedPolicy, PolicyConfig, Request};
/// static ORIGINS: &[&str] = &["https://app.example.com", "https://*.example.org"];
/// let policy = FixedPolicy::<256>::build(&PolicyConfig::new(ORIGINS)).unwrap();
/// let decision = policy.decide(&Request { method: b"GET", origin: &[b"https://api.example.org"], ..Request::default() });
/// assert!(decision.is_allowed());
/// ```
#[repr(C)]
pub struct Policy<S: ?Sized = [u8]> {
    pub(crate) settings: Settings,
    pub(crate) storage: S,
}

/// A policy whose origin table lives in `N` bytes inside it: no allocator, no slice to hand in.
pub type FixedPolicy<const N: usize> = Policy<[u8; N]>;

/// A policy whose origin table is allocated at the size it needs (cargo feature `alloc`).
#[cfg(feature = "alloc")]
pub type OwnedPolicy = Policy<alloc::boxed::Box<[u8]>>;

impl<const N: usize> Policy<[u8; N]> {
    /// Validates `config` and prepares everything a decision needs. A configuration whose origin table does
    /// not fit in `N` bytes is refused with [`PolicyErrorKind::StorageTooSmall`]; see [`storage_len`].
    pub fn build(config: &PolicyConfig<'_>) -> Result<Self, PolicyError> {
        let mut storage = [0u8; N];
        let settings = Settings::build(config, &mut storage)?;
        Ok(Policy { settings, storage })
    }
}

#[cfg(feature = "alloc")]
impl Policy<alloc::boxed::Box<[u8]>> {
    /// Validates `config` and prepares everything a decision needs, allocating the origin table's storage at
    /// exactly the size it needs. The configuration's strings are copied: the policy borrows nothing.
    ///
    /// ```
    /// use corsguard::{OwnedPolicy, PolicyConfig};
    /// let origins: Vec<String> = vec!["https://app.example.com".into()];
    /// let borrowed: Vec<&str> = origins.iter().map(String::as_str).collect();
    /// let policy: OwnedPolicy = OwnedPolicy::build(&PolicyConfig::new(&borrowed)).unwrap();
    /// drop(origins);
    /// # let _ = policy;
    /// ```
    pub fn build(config: &PolicyConfig<'_>) -> Result<Self, PolicyError> {
        let mut storage = alloc::vec![0u8; storage_len(config)].into_boxed_slice();
        let settings = Settings::build(config, &mut storage)?;
        Ok(Policy { settings, storage })
    }
}

impl<S: ?Sized> Policy<S> {
    /// Whether credentials are allowed.
    pub const fn credentials(&self) -> bool {
        self.settings.credentials
    }

    /// Whether the policy allows any origin (`*`).
    pub const fn allows_any_origin(&self) -> bool {
        self.settings.any_origin
    }

    /// How many entries the origin list has.
    pub const fn origin_count(&self) -> usize {
        self.settings.origin_count
    }

    /// The validated settings (everything but the origin table's storage).
    pub const fn settings(&self) -> &Settings {
        &self.settings
    }
}

impl<S: Clone> Clone for Policy<S> {
    fn clone(&self) -> Self {
        Policy { settings: self.settings.clone(), storage: self.storage.clone() }
    }
}

impl<S: ?Sized + AsRef<[u8]>> core::fmt::Debug for Policy<S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Policy")
            .field("settings", &self.settings)
            .field("storage_len", &self.storage.as_ref().len())
            .finish()
    }
}

/// The validated settings of a policy: the prepared header values, the rules and caps, and where its origin
/// table is in the storage beside it. Plain data that holds no reference, so that it can be copied or placed
/// in memory the caller gives (the C library does that, in front of the storage) without pointing into
/// itself. Most users never name this type: [`Policy`] pairs it with its storage.
#[derive(Clone, Debug)]
pub struct Settings {
    pub(crate) table: TableLayout,
    pub(crate) origin_count: usize,
    pub(crate) any_origin: bool,
    /// Bit `len % 64` is set when some exact origin has that length: most origins that are not listed are
    /// ruled out by their length alone, before they are hashed.
    pub(crate) exact_lens: u64,
    pub(crate) patterns: PatternSummary,
    pub(crate) credentials: bool,
    pub(crate) method_rule: MethodRule,
    pub(crate) methods: Vec<u8, MAX_METHODS_LEN>,
    pub(crate) method_spans: Vec<Span, MAX_METHODS>,
    /// [`short_key`](crate::bytes::short_key) of each listed method of under 8 bytes (every standard one), so
    /// that a request's method is found by comparing one word per entry.
    pub(crate) method_keys: Vec<u64, MAX_METHODS>,
    pub(crate) header_rule: HeaderRule,
    /// Lowercase, sorted, joined with ", ".
    pub(crate) allow_headers: Vec<u8, MAX_HEADER_LIST_LEN>,
    pub(crate) header_spans: Vec<Span, MAX_HEADER_NAMES>,
    /// The same names joined with "," and no space: the form browsers send, compared with a request's line
    /// eight bytes at a time.
    pub(crate) request_form: Vec<u8, MAX_HEADER_LIST_LEN>,
    /// Which headers every allowed actual request gets (bits of `ResponseHeaders`'s slots).
    pub(crate) actual_headers: u8,
    /// Which headers every allowed preflight gets; ACAH and ACAPN are added per request.
    pub(crate) preflight_headers: u8,
    pub(crate) expose_any: bool,
    pub(crate) expose_headers: Vec<u8, MAX_HEADER_LIST_LEN>,
    pub(crate) max_age: Vec<u8, 5>,
    pub(crate) success_status: u16,
    pub(crate) failure_status: u16,
    pub(crate) private_network: bool,
    pub(crate) max_origin_len: usize,
    pub(crate) max_request_headers_len: usize,
    pub(crate) max_request_headers_count: usize,
}

impl Settings {
    /// Settings that allow nothing: every list empty, no origin table. What [`build_into`](Self::build_into)
    /// starts from, and a valid value for memory that has not been built into yet. A function rather than a
    /// constant: built field by field, it writes the lengths of its lists and not their 4 KiB of unused
    /// capacity (a constant would be copied whole, from a 4 KiB image in the program).
    #[inline]
    pub fn empty() -> Settings {
        Settings {
            table: TableLayout::EMPTY,
            origin_count: 0,
            any_origin: false,
            exact_lens: 0,
            patterns: PatternSummary::EMPTY,
            credentials: false,
            method_rule: MethodRule::List,
            methods: Vec::new(),
            method_spans: Vec::new(),
            method_keys: Vec::new(),
            header_rule: HeaderRule::List,
            allow_headers: Vec::new(),
            header_spans: Vec::new(),
            request_form: Vec::new(),
            actual_headers: 0,
            preflight_headers: 0,
            expose_any: false,
            expose_headers: Vec::new(),
            max_age: Vec::new(),
            success_status: 204,
            failure_status: 403,
            private_network: false,
            max_origin_len: 0,
            max_request_headers_len: 0,
            max_request_headers_count: 0,
        }
    }

    /// Validates `config`, prepares every header value, and writes the origin table into `storage` (which
    /// must hold at least [`storage_len`]`(config)` bytes). The result is meaningful only together with that
    /// storage: [`Policy`]'s constructors keep the two together, and so does the C library.
    pub fn build(config: &PolicyConfig<'_>, storage: &mut [u8]) -> Result<Settings, PolicyError> {
        let mut settings = Settings::empty();
        settings.build_into(config, storage)?;
        Ok(settings)
    }

    /// [`build`](Self::build) in place: overwrites `self` (about 4 KiB, mostly the prepared lists) without
    /// a copy on the stack, for callers with little stack such as firmware. On an error `self` allows
    /// nothing: it is [`empty`](Self::empty).
    pub fn build_into(&mut self, config: &PolicyConfig<'_>, storage: &mut [u8]) -> Result<(), PolicyError> {
        self.build_with_origins(config, config.origins, storage)
    }

    /// [`build_into`](Self::build_into) with the origin list taken from `origins` instead of
    /// `config.origins` (which is not read): a policy file feeds its origins straight from its text.
    pub(crate) fn build_with_origins<O: OriginSource + ?Sized>(
        &mut self,
        config: &PolicyConfig<'_>,
        origins: &O,
        storage: &mut [u8],
    ) -> Result<(), PolicyError> {
        let built = self.fill(config, origins, storage);
        if built.is_err() {
            *self = Settings::empty();
        }
        built
    }

    fn fill<O: OriginSource + ?Sized>(
        &mut self,
        config: &PolicyConfig<'_>,
        origins: &O,
        storage: &mut [u8],
    ) -> Result<(), PolicyError> {
        check_caps(config)?;
        check_statuses(config)?;
        self.max_age = prepare_max_age(config.max_age)?;
        prepare_methods(config.methods, self)?;
        prepare_request_headers(config.request_headers, self)?;
        prepare_exposed_headers(config.exposed_headers, config.credentials, self)?;
        self.table = TableLayout::EMPTY;
        let (origin_count, origin_text_len) = origins.count_and_text_len();
        self.origin_count = origin_count;
        self.any_origin = false;
        self.exact_lens = 0;
        self.patterns = PatternSummary::EMPTY;
        self.credentials = config.credentials;
        self.actual_headers = BIT_ALLOW_ORIGIN
            | BIT_VARY
            | if config.credentials { BIT_ALLOW_CREDENTIALS } else { 0 }
            | if self.expose_any || !self.expose_headers.is_empty() { BIT_EXPOSE_HEADERS } else { 0 };
        self.preflight_headers = BIT_ALLOW_ORIGIN
            | BIT_ALLOW_METHODS
            | BIT_VARY
            | if config.credentials { BIT_ALLOW_CREDENTIALS } else { 0 }
            | if self.max_age.is_empty() { 0 } else { BIT_MAX_AGE };
        self.success_status = config.preflight_success_status;
        self.failure_status = config.preflight_failure_status;
        self.private_network = config.private_network;
        self.max_origin_len = config.max_origin_len;
        self.max_request_headers_len = config.max_request_headers_len;
        self.max_request_headers_count = config.max_request_headers_count;
        self.index_origins(config, origins, (origin_count, origin_text_len), storage)
    }

    /// Parses, checks and writes every origin-list entry into the origin table in `storage`.
    fn index_origins<O: OriginSource + ?Sized>(
        &mut self,
        config: &PolicyConfig<'_>,
        origins: &O,
        (count, text_len): (usize, usize),
        storage: &mut [u8],
    ) -> Result<(), PolicyError> {
        let at = |i: usize, kind: PolicyErrorKind| PolicyError::new(kind, Setting::Origins, Some(i));
        if count == 0 {
            return Err(PolicyError::new(PolicyErrorKind::NoOrigins, Setting::Origins, None));
        }
        if count > MAX_ORIGINS {
            return Err(PolicyError::new(PolicyErrorKind::TooManyEntries, Setting::Origins, None));
        }
        let too_small = PolicyError::new(PolicyErrorKind::StorageTooSmall, Setting::Storage, None);
        let mut table = TableWriter::new(storage, count, text_len).ok_or(too_small)?;
        self.table = table.layout();

        for (i, bytes) in origins.entries().enumerate() {
            let pattern = OriginPattern::parse(bytes).map_err(|e| PolicyError {
                kind: e.kind,
                setting: Setting::Origins,
                index: Some(i),
                origin_error: e.origin_error,
            })?;
            if bytes.len() > config.max_origin_len && pattern != OriginPattern::Any {
                return Err(at(i, PolicyErrorKind::OriginLongerThanCap));
            }
            let (hash, kind, wildcard) = match pattern {
                OriginPattern::Any => {
                    if config.credentials {
                        return Err(at(i, PolicyErrorKind::AnyOriginWithCredentials));
                    }
                    if count > 1 {
                        return Err(at(i, PolicyErrorKind::AnyOriginMixed));
                    }
                    self.any_origin = true;
                    table.push(bytes).ok_or(too_small)?;
                    continue;
                }
                OriginPattern::Exact(origin) => {
                    if config.credentials && !config.allow_insecure_origins_with_credentials {
                        check_secure(origin.scheme(), origin.is_loopback()).map_err(|k| at(i, k))?;
                    }
                    self.exact_lens |= 1u64 << (bytes.len() & 63);
                    (hash::hash_bytes(SEED_EXACT, bytes), EntryKind::Exact, None)
                }
                OriginPattern::Wildcard(w) => {
                    if config.credentials && !config.allow_insecure_origins_with_credentials {
                        let host = w.host();
                        // Every host under `*.app.localhost` is loopback too, as `Origin::is_loopback` says.
                        let loopback = if w.subdomains() {
                            host.ends_with(b".localhost")
                        } else {
                            origin::is_loopback_host(host, origin::check_host(host).ok())
                        };
                        check_secure(w.scheme(), loopback).map_err(|k| at(i, k))?;
                    }
                    let port = match w.port() {
                        PortPattern::Any => PORT_KEY_ANY,
                        PortPattern::Default => 0,
                        PortPattern::Exact(p) => u64::from(p),
                    };
                    let p = &mut self.patterns;
                    let kind = if w.subdomains() {
                        p.has_subdomain_patterns = true;
                        p.any_port_patterns |= port == PORT_KEY_ANY;
                        p.max_suffix_len = p.max_suffix_len.max(w.host().len());
                        let len = w.host().len() & 0xff;
                        if let Some(word) = p.suffix_lens.get_mut(len >> 6) {
                            *word |= 1u64 << (len & 63);
                        }
                        KIND_SUBDOMAINS
                    } else {
                        p.has_host_patterns = true;
                        KIND_HOST_ANY_PORT
                    };
                    let scheme_hash = hash::mix_bytes(SEED_SCHEME, w.scheme());
                    let h = hash::pattern_key(kind, scheme_hash, hash::mix_bytes(SEED_SUFFIX, w.host()), port);
                    (h, EntryKind::Pattern, Some((w, scheme_hash)))
                }
            };
            table.push_unique(bytes, hash, kind).map_err(|e| match e {
                PushError::Duplicate => at(i, PolicyErrorKind::DuplicateOrigin),
                PushError::Full => too_small,
            })?;
            if let Some((w, scheme_hash)) = wildcard {
                self.remember_scheme(w.scheme(), scheme_hash);
            }
        }
        Ok(())
    }

    /// Records a pattern's scheme (its one-word key and its hash) unless it is known already.
    fn remember_scheme(&mut self, scheme: &[u8], scheme_hash: u64) {
        let p = &mut self.patterns;
        // A scheme of 8 bytes or more has no one-word key: requests then hash their scheme to look it up.
        let Some(key) = short_key(scheme) else {
            p.more_schemes = true;
            return;
        };
        let known = p.schemes.get(..p.scheme_count).unwrap_or(&[]);
        if known.iter().any(|&(listed, _)| listed == key) {
            return;
        }
        match p.schemes.get_mut(p.scheme_count) {
            Some(slot) => {
                *slot = (key, scheme_hash);
                p.scheme_count = p.scheme_count.wrapping_add(1);
            }
            None => p.more_schemes = true,
        }
    }
}

fn check_secure(scheme: &[u8], loopback: bool) -> Result<(), PolicyErrorKind> {
    if scheme == b"https" || scheme == b"wss" || loopback {
        Ok(())
    } else {
        Err(PolicyErrorKind::InsecureOriginWithCredentials)
    }
}

fn check_caps(config: &PolicyConfig<'_>) -> Result<(), PolicyError> {
    let err = |setting| PolicyError::new(PolicyErrorKind::CapOutOfRange, setting, None);
    if !(1..=origin::MAX_ORIGIN_LEN).contains(&config.max_origin_len) {
        return Err(err(Setting::MaxOriginLen));
    }
    if !(1..=MAX_REQUEST_HEADERS_LEN_CAP).contains(&config.max_request_headers_len) {
        return Err(err(Setting::MaxRequestHeadersLen));
    }
    if !(1..=MAX_REQUEST_HEADERS_COUNT_CAP).contains(&config.max_request_headers_count) {
        return Err(err(Setting::MaxRequestHeadersCount));
    }
    Ok(())
}

fn check_statuses(config: &PolicyConfig<'_>) -> Result<(), PolicyError> {
    if !(200..=299).contains(&config.preflight_success_status) {
        return Err(PolicyError::new(PolicyErrorKind::StatusOutOfRange, Setting::PreflightSuccessStatus, None));
    }
    let failure = config.preflight_failure_status;
    if !((200..=299).contains(&failure) || (400..=599).contains(&failure)) {
        return Err(PolicyError::new(PolicyErrorKind::StatusOutOfRange, Setting::PreflightFailureStatus, None));
    }
    Ok(())
}

fn prepare_max_age(max_age: Option<u32>) -> Result<Vec<u8, 5>, PolicyError> {
    let mut digits = Vec::new();
    let Some(mut value) = max_age else {
        return Ok(digits);
    };
    if value > MAX_MAX_AGE {
        return Err(PolicyError::new(PolicyErrorKind::MaxAgeOutOfRange, Setting::MaxAge, None));
    }
    let mut reversed = [0u8; 5];
    let mut n = 0usize;
    loop {
        if let Some(slot) = reversed.get_mut(n) {
            *slot = b'0'.wrapping_add((value % 10) as u8);
        }
        n = n.wrapping_add(1);
        value /= 10;
        if value == 0 || n >= reversed.len() {
            break;
        }
    }
    for &d in reversed.iter().take(n).rev() {
        let _ = digits.push(d);
    }
    Ok(digits)
}

/// The six methods the Fetch standard normalizes to uppercase.
const NORMALIZED_METHODS: [&[u8]; 6] = [b"DELETE", b"GET", b"HEAD", b"OPTIONS", b"POST", b"PUT"];

pub(crate) fn is_forbidden_method(method: &[u8]) -> bool {
    // Only lengths 5 and 7 can match, so most methods are ruled out without reading them.
    match method.len() {
        5 => method.eq_ignore_ascii_case(b"TRACE") || method.eq_ignore_ascii_case(b"TRACK"),
        7 => method.eq_ignore_ascii_case(b"CONNECT"),
        _ => false,
    }
}

fn prepare_methods(methods: Methods<'_>, settings: &mut Settings) -> Result<(), PolicyError> {
    settings.methods.clear();
    settings.method_spans.clear();
    settings.method_keys.clear();
    let list = match methods {
        Methods::Any => {
            settings.method_rule = MethodRule::Any;
            return Ok(());
        }
        Methods::List(list) => list,
    };
    let err = |kind, i| PolicyError::new(kind, Setting::Methods, Some(i));
    if list.len() > MAX_METHODS {
        return Err(PolicyError::new(PolicyErrorKind::TooManyEntries, Setting::Methods, None));
    }
    for (i, m) in list.iter().enumerate() {
        let m = m.as_bytes();
        if m == b"*" {
            return Err(err(PolicyErrorKind::WildcardInList, i));
        }
        if !is_token(m) || m.len() > MAX_TOKEN_LEN {
            return Err(err(PolicyErrorKind::MethodInvalid, i));
        }
        if is_forbidden_method(m) {
            return Err(err(PolicyErrorKind::MethodForbidden, i));
        }
        if NORMALIZED_METHODS.iter().any(|n| n.eq_ignore_ascii_case(m) && *n != m) {
            return Err(err(PolicyErrorKind::MethodNotNormalized, i));
        }
        if list.iter().take(i).any(|other| other.as_bytes() == m) {
            return Err(err(PolicyErrorKind::DuplicateMethod, i));
        }
    }
    settings.method_rule = MethodRule::List;
    for key in list.iter().filter_map(|m| short_key(m.as_bytes())) {
        // At most MAX_METHODS methods, checked above: each key fits.
        let _ = settings.method_keys.push(key);
    }
    join(list.iter().map(|m| m.as_bytes()), false, &mut settings.methods, Some(&mut settings.method_spans))
        .ok_or(PolicyError::new(PolicyErrorKind::ListTooLong, Setting::Methods, None))
}

/// Fetch's forbidden request-header names, besides the `proxy-` and `sec-` prefixes. The length table in
/// [`is_forbidden_request_header`] refers to them by position.
const FORBIDDEN_REQUEST_HEADERS: [&[u8]; 22] = [
    b"accept-charset",
    b"accept-encoding",
    b"access-control-request-headers",
    b"access-control-request-method",
    b"access-control-request-private-network",
    b"connection",
    b"content-length",
    b"cookie",
    b"cookie2",
    b"date",
    b"dnt",
    b"expect",
    b"host",
    b"keep-alive",
    b"origin",
    b"referer",
    b"set-cookie",
    b"te",
    b"trailer",
    b"transfer-encoding",
    b"upgrade",
    b"via",
];

/// Request headers browsers never list in `Access-Control-Request-Headers` (Fetch "forbidden request-header").
/// `name` is a token (checked before).
fn is_forbidden_request_header(name: &[u8]) -> bool {
    const N: [&[u8]; 22] = FORBIDDEN_REQUEST_HEADERS;
    let starts_with = |prefix: &[u8]| token_starts_with_lower(name, prefix);
    // Only the names of the same length are compared (every listed header is checked against this list).
    let same_length: &[&[u8]] = match name.len() {
        2 => &[N[17]],
        3 => &[N[10], N[21]],
        4 => &[N[9], N[12]],
        6 => &[N[7], N[11], N[14]],
        7 => &[N[8], N[15], N[18], N[20]],
        10 => &[N[5], N[13], N[16]],
        14 => &[N[0], N[6]],
        15 => &[N[1]],
        17 => &[N[19]],
        29..=38 => &[N[2], N[3], N[4]],
        _ => &[],
    };
    same_length.iter().any(|n| eq_ignore_case(n, name)) || starts_with(b"proxy-") || starts_with(b"sec-")
}

/// Response headers browsers never expose (Fetch "forbidden response-header name").
fn is_forbidden_response_header(name: &[u8]) -> bool {
    name.eq_ignore_ascii_case(b"set-cookie") || name.eq_ignore_ascii_case(b"set-cookie2")
}

fn check_header_list(list: &[&str], setting: Setting, forbidden: fn(&[u8]) -> bool) -> Result<(), PolicyError> {
    let err = |kind, i| PolicyError::new(kind, setting, Some(i));
    if list.len() > MAX_HEADER_NAMES {
        return Err(PolicyError::new(PolicyErrorKind::TooManyEntries, setting, None));
    }
    let mut seen = [0u64; 4];
    for (i, h) in list.iter().enumerate() {
        let h = h.as_bytes();
        if h == b"*" {
            return Err(err(PolicyErrorKind::WildcardInList, i));
        }
        if !is_token(h) || h.len() > MAX_TOKEN_LEN {
            return Err(err(PolicyErrorKind::HeaderInvalid, i));
        }
        if forbidden(h) {
            return Err(err(PolicyErrorKind::HeaderForbidden, i));
        }
        // A name is compared with the earlier ones only when one of them has the same length and the same
        // first and last bytes up to case (a bit each in `seen`): most lists never compare at all.
        let fold = |b: Option<&u8>| usize::from(b.copied().unwrap_or(0) | 0x20);
        let key = (h.len() ^ fold(h.first()).wrapping_mul(5) ^ fold(h.last()).wrapping_mul(17)) & 0xff;
        let bit = 1u64 << (key & 63);
        let word = seen.get_mut(key >> 6);
        let maybe_seen = word.as_ref().is_none_or(|w| **w & bit != 0);
        if let Some(word) = word {
            *word |= bit;
        }
        if maybe_seen && list.iter().take(i).any(|other| other.len() == h.len() && eq_ignore_case(other.as_bytes(), h))
        {
            return Err(err(PolicyErrorKind::DuplicateHeader, i));
        }
    }
    Ok(())
}

fn prepare_request_headers(headers: RequestHeaders<'_>, settings: &mut Settings) -> Result<(), PolicyError> {
    settings.allow_headers.clear();
    settings.header_spans.clear();
    settings.request_form.clear();
    let list = match headers {
        RequestHeaders::Any => {
            settings.header_rule = HeaderRule::Any { authorization: false };
            return Ok(());
        }
        RequestHeaders::AnyWithAuthorization => {
            settings.header_rule = HeaderRule::Any { authorization: true };
            return Ok(());
        }
        RequestHeaders::List(list) => list,
    };
    check_header_list(list, Setting::RequestHeaders, is_forbidden_request_header)?;
    // Sorted lowercase, so sorted requests (what browsers send) are matched in one resuming scan, whatever the case.
    let mut order: Vec<&[u8], MAX_HEADER_NAMES> = Vec::new();
    for h in list {
        let _ = order.push(h.as_bytes());
    }
    let greater = |a: &[u8], b: &[u8]| cmp_ignore_case(a, b) == core::cmp::Ordering::Greater;
    // Insertion sort of at most 64 names, once per build: core's `sort_unstable_by` keeps a panic for
    // comparators it cannot prove to be total orders, which the no-panic link test refuses.
    for i in 1..order.len() {
        let mut j = i;
        while let (Some(&a), Some(&b)) = (order.get(j.wrapping_sub(1)), order.get(j)) {
            if j == 0 || !greater(a, b) {
                break;
            }
            if let Some(slot) = order.get_mut(j.wrapping_sub(1)) {
                *slot = b;
            }
            if let Some(slot) = order.get_mut(j) {
                *slot = a;
            }
            j = j.wrapping_sub(1);
        }
    }
    settings.header_rule = HeaderRule::List;
    join(order.iter().copied(), true, &mut settings.allow_headers, Some(&mut settings.header_spans))
        .ok_or(PolicyError::new(PolicyErrorKind::ListTooLong, Setting::RequestHeaders, None))?;
    // The same names with "," alone between them: never longer than the list joined with ", ".
    for (i, &(start, len)) in settings.header_spans.iter().enumerate() {
        let start = usize::from(start);
        let name = settings.allow_headers.get(start..start.saturating_add(usize::from(len))).unwrap_or(&[]);
        if i > 0 {
            let _ = settings.request_form.push(b',');
        }
        let _ = settings.request_form.extend_from_slice(name);
    }
    Ok(())
}

fn prepare_exposed_headers(
    headers: ExposedHeaders<'_>,
    credentials: bool,
    settings: &mut Settings,
) -> Result<(), PolicyError> {
    settings.expose_headers.clear();
    settings.expose_any = false;
    let list = match headers {
        ExposedHeaders::Any if credentials => {
            return Err(PolicyError::new(PolicyErrorKind::ExposeAnyWithCredentials, Setting::ExposedHeaders, None))
        }
        ExposedHeaders::Any => {
            settings.expose_any = true;
            return Ok(());
        }
        ExposedHeaders::List(list) => list,
    };
    check_header_list(list, Setting::ExposedHeaders, is_forbidden_response_header)?;
    join::<MAX_HEADER_LIST_LEN, 0>(list.iter().map(|h| h.as_bytes()), false, &mut settings.expose_headers, None)
        .ok_or(PolicyError::new(PolicyErrorKind::ListTooLong, Setting::ExposedHeaders, None))
}

/// Joins tokens with ", " into `joined` (emptied first), recording each token's span in `spans` when given;
/// `None` when they do not fit. Written in place: the buffers are the policy's own.
fn join<'t, const N: usize, const S: usize>(
    items: impl Iterator<Item = &'t [u8]>,
    lowercase: bool,
    joined: &mut Vec<u8, N>,
    mut spans: Option<&mut Vec<Span, S>>,
) -> Option<()> {
    joined.clear();
    if let Some(spans) = spans.as_deref_mut() {
        spans.clear();
    }
    for item in items {
        if !joined.is_empty() {
            joined.extend_from_slice(b", ").ok()?;
        }
        let start = u16::try_from(joined.len()).ok()?;
        joined.extend_from_slice(item).ok()?;
        if lowercase {
            make_lowercase(joined.get_mut(usize::from(start)..).unwrap_or(&mut []));
        }
        if let Some(spans) = spans.as_deref_mut() {
            spans.push((start, u16::try_from(item.len()).ok()?)).ok()?;
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_names_are_found_whatever_the_filter_says() {
        // Lists of 1 to 64 names where the filter's keys collide often (few lengths, few first and last
        // bytes), each checked against the plain rule: the first name equal, up to case, to an earlier one.
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for round in 0..20_000 {
            let count = 1 + (next() % 64) as usize;
            let names: std::vec::Vec<std::string::String> = (0..count)
                .map(|_| {
                    let len = 1 + (next() % 6) as usize;
                    (0..len).map(|_| ["a", "B", "b", "-", "z", "Z"][(next() % 6) as usize]).collect()
                })
                .collect();
            let list: std::vec::Vec<&str> = names.iter().map(|n| n.as_str()).collect();
            let want = (0..list.len()).find(|&i| list[..i].iter().any(|o| o.eq_ignore_ascii_case(list[i])));
            let got = check_header_list(&list, Setting::ExposedHeaders, |_| false).err().map(|e| {
                assert_eq!(e.kind, PolicyErrorKind::DuplicateHeader, "round {round}");
                e.index.unwrap_or(usize::MAX)
            });
            assert_eq!(got, want, "round {round}: {list:?}");
        }
    }

    #[test]
    fn forbidden_request_header_table_is_the_list() {
        let rule = |name: &[u8]| {
            FORBIDDEN_REQUEST_HEADERS.iter().any(|n| n.eq_ignore_ascii_case(name))
                || name.len() >= 6 && name[..6].eq_ignore_ascii_case(b"proxy-")
                || name.len() >= 4 && name[..4].eq_ignore_ascii_case(b"sec-")
        };
        let mut names: std::vec::Vec<std::vec::Vec<u8>> = std::vec::Vec::new();
        for n in FORBIDDEN_REQUEST_HEADERS {
            names.push(n.to_vec());
            names.push(n.to_ascii_uppercase());
            for at in 0..n.len() {
                let mut changed = n.to_vec();
                changed[at] = b'x';
                names.push(changed);
            }
            names.push([n, b"x"].concat());
            names.push(n[1..].to_vec());
        }
        names.extend([b"proxy-authorization".to_vec(), b"Sec-Fetch-Mode".to_vec(), b"x-te".to_vec(), b"".to_vec()]);
        for name in names {
            assert_eq!(is_forbidden_request_header(&name), rule(&name), "{}", String::from_utf8_lossy(&name));
        }
        assert!(is_forbidden_request_header(b"Access-Control-Request-Private-Network"));
        assert!(!is_forbidden_request_header(b"content-type"));
    }
}
