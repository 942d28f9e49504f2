//! Building a policy from C: a builder that copies every byte string it is given, and a built policy that
//! owns copies of its origins and its index, so that the core's borrowing `Policy<'a>` can live on the heap
//! behind one opaque pointer until `corsguard_policy_free`.

use std::borrow::Cow;

use corsguard::{
    index_len, ExposedHeaders, Methods, Policy, PolicyConfig, PolicyError, RequestHeaders, MAX_ORIGINS, MAX_ORIGIN_LEN,
};

use crate::boundary::{guard, guard_or};
use crate::codes::{corsguard_result, policy_error_text, setting_text};
use crate::slice::{array, bytes, corsguard_slice};

/// The `index` of a `corsguard_policy_error` that is not about one entry of a list: `SIZE_MAX`.
pub const CORSGUARD_NO_INDEX: usize = usize::MAX;

/// Collects the settings of a policy. Create it with `corsguard_policy_builder_new`, change settings (each
/// setter replaces that setting; origins accumulate), then `corsguard_policy_builder_build` as often as
/// needed, and finally `corsguard_policy_builder_free`.
///
/// Every setting starts at its secure default: no origins, no credentials, methods GET HEAD POST, no
/// request headers, no exposed headers, no max-age, statuses 204/403, private network off, insecure origins
/// with credentials refused, caps 512 / 2048 / 64. Setters only copy their input: every rule is checked by
/// `corsguard_policy_builder_build`, which reports the first broken one.
///
/// Thread safety: a builder may move between threads but must not be used by two threads at once.
pub struct corsguard_policy_builder {
    origins: Vec<Vec<u8>>,
    credentials: bool,
    methods: MethodSetting,
    request_headers: RequestHeaderSetting,
    exposed_headers: ExposedHeaderSetting,
    max_age: Option<u32>,
    success_status: u16,
    failure_status: u16,
    private_network: bool,
    allow_insecure_origins_with_credentials: bool,
    max_origin_len: usize,
    max_request_headers_len: usize,
    max_request_headers_count: usize,
}

enum MethodSetting {
    Default,
    List(Vec<Vec<u8>>),
    Any,
}

enum RequestHeaderSetting {
    List(Vec<Vec<u8>>),
    Any { authorization: bool },
}

enum ExposedHeaderSetting {
    List(Vec<Vec<u8>>),
    Any,
}

impl corsguard_policy_builder {
    fn new() -> Self {
        let defaults = PolicyConfig::new(&[]);
        corsguard_policy_builder {
            origins: Vec::new(),
            credentials: defaults.credentials,
            methods: MethodSetting::Default,
            request_headers: RequestHeaderSetting::List(Vec::new()),
            exposed_headers: ExposedHeaderSetting::List(Vec::new()),
            max_age: defaults.max_age,
            success_status: defaults.preflight_success_status,
            failure_status: defaults.preflight_failure_status,
            private_network: defaults.private_network,
            allow_insecure_origins_with_credentials: defaults.allow_insecure_origins_with_credentials,
            max_origin_len: defaults.max_origin_len,
            max_request_headers_len: defaults.max_request_headers_len,
            max_request_headers_count: defaults.max_request_headers_count,
        }
    }
}

/// A validated, immutable policy, ready for `corsguard_decide`. Created by `corsguard_policy_builder_build`;
/// the caller owns it and must eventually call `corsguard_policy_free`.
///
/// It owns copies of everything it was built from (the builder may be freed at once).
///
/// Thread safety: immutable, so any number of threads may call `corsguard_decide` on one policy at the
/// same time, with no locking. Free it only once no call that uses it is running and no decision that
/// borrows from it is still read.
pub struct corsguard_policy {
    // Declared (so dropped) before `storage`: the policy borrows from it.
    policy: Policy<'static>,
    #[allow(dead_code, reason = "never read, only kept alive (and freed) for the policy's borrows")]
    storage: Storage,
}

/// The heap memory a built policy borrows: the text of every listed string, the lists of slices into it, and
/// the origin index. The core's `Policy<'a>` keeps borrowing the origins and the index (and its builder's
/// signature ties the other lists to the same lifetime), so they live here until the policy is freed.
/// Raw pointers from `Box::into_raw`, freed in `Drop`, so that no `Box` is moved while it is borrowed.
struct Storage {
    text: *mut str,
    lists: *mut [&'static str],
    index: *mut [u32],
}

// SAFETY: the memory behind the pointers is never written after `build` and is freed only by `Drop`.
unsafe impl Send for Storage {}
// SAFETY: as above; shared access only ever reads.
unsafe impl Sync for Storage {}

impl Drop for Storage {
    fn drop(&mut self) {
        // SAFETY: each pointer came from `Box::into_raw` in `Storage::new` and is freed exactly once, here;
        // the `Policy` borrowing from them has been dropped already (or never built).
        unsafe {
            drop(Box::from_raw(self.index));
            drop(Box::from_raw(self.lists));
            drop(Box::from_raw(self.text));
        }
    }
}

/// The borrowed views a [`Storage`] hands out, one list per setting.
struct Views {
    origins: &'static [&'static str],
    methods: &'static [&'static str],
    request_headers: &'static [&'static str],
    exposed_headers: &'static [&'static str],
    index: &'static mut [u32],
}

impl Storage {
    /// Copies the four lists (origins, methods, request headers, exposed headers) into one allocation.
    ///
    /// # Safety
    /// The returned views borrow from the returned `Storage`: every use of them must end before it is dropped.
    unsafe fn new(lists: [&[Cow<'_, str>]; 4]) -> (Storage, Views) {
        let text: String = lists.iter().flat_map(|list| list.iter()).map(|s| &**s).collect();
        let text = Box::into_raw(text.into_boxed_str());
        // SAFETY: a live allocation, freed only in `Drop` (the caller's contract covers the lifetime).
        let all: &'static str = unsafe { &*text };
        let mut at = 0;
        let pieces: Vec<&'static str> = lists
            .iter()
            .flat_map(|list| list.iter())
            .map(|s| {
                let piece = &all[at..at + s.len()];
                at += s.len();
                piece
            })
            .collect();
        // Beyond MAX_ORIGINS the core refuses the list before it looks at the index.
        let slots = index_len(lists[0].len().min(MAX_ORIGINS));
        let index = Box::into_raw(vec![0u32; slots].into_boxed_slice());
        let pieces = Box::into_raw(pieces.into_boxed_slice());
        let storage = Storage { text, lists: pieces, index };
        // SAFETY: live allocations, freed only in `Drop`; `index` is borrowed mutably nowhere else.
        let (all_lists, index): (&'static [&'static str], &'static mut [u32]) = unsafe { (&*pieces, &mut *index) };
        let (origins, rest) = all_lists.split_at(lists[0].len());
        let (methods, rest) = rest.split_at(lists[1].len());
        let (request_headers, exposed_headers) = rest.split_at(lists[2].len());
        (storage, Views { origins, methods, request_headers, exposed_headers, index })
    }
}

/// Why `corsguard_policy_builder_build` refused a policy: the rule, the setting, the entry, and text to log.
///
/// Every field is written together, and only when the build returns `CORSGUARD_RESULT_POLICY_INVALID`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct corsguard_policy_error {
    /// The rule that was broken: a `corsguard_policy_error_kind`.
    pub kind: u32,
    /// The setting that breaks it: a `corsguard_setting`.
    pub setting: u32,
    /// The position of the offending entry in its list (in the order `..._add_origin` was called, or in the
    /// array given to `..._set_methods` and the like), or `CORSGUARD_NO_INDEX` when the error is about the
    /// setting as a whole.
    pub index: usize,
    /// For `CORSGUARD_POLICY_ERROR_KIND_ORIGIN_MALFORMED`, what exactly is malformed: a
    /// `corsguard_origin_error`; otherwise 0.
    pub origin_error: u32,
    /// What is wrong and what to change (`corsguard_policy_error_kind_str(kind)`): static, NUL-terminated,
    /// never NULL; do not free it.
    pub message: *const core::ffi::c_char,
    /// The setting's name (`corsguard_setting_str(setting)`), e.g. `"origins"`: static, NUL-terminated,
    /// never NULL; do not free it.
    pub setting_name: *const core::ffi::c_char,
}

impl corsguard_policy_error {
    fn from_core(error: &PolicyError) -> Self {
        let kind = error.kind.code();
        let setting = error.setting.code();
        corsguard_policy_error {
            kind,
            setting,
            index: error.index.unwrap_or(CORSGUARD_NO_INDEX),
            origin_error: error.origin_error.map_or(0, |e| e.code()),
            message: policy_error_text(kind).as_ptr(),
            setting_name: setting_text(setting).as_ptr(),
        }
    }
}

/// Turns C bytes into the `&str` the core's configuration holds. Bytes that are not UTF-8 become U+FFFD,
/// which the core refuses exactly as it refuses any other non-ASCII byte.
fn text_of(bytes: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

/// Like [`text_of`], but keeps the core's verdict on an origin: U+FFFD is longer than the byte it replaces,
/// and must not turn a non-ASCII origin into one that is refused as too long instead.
fn origin_text_of(bytes: &[u8]) -> Cow<'_, str> {
    let text = text_of(bytes);
    if bytes.len() <= MAX_ORIGIN_LEN && text.len() > MAX_ORIGIN_LEN {
        // The core's first failing byte is at or before the first replacement: keep up to and including it.
        if let Some(at) = text.find('\u{FFFD}') {
            return Cow::Owned(text[..at + '\u{FFFD}'.len_utf8()].to_owned());
        }
    }
    text
}

/// The texts of a list setting; none when the setting is not a list.
fn list_of(list: Option<&Vec<Vec<u8>>>) -> Vec<Cow<'_, str>> {
    list.map_or(&[][..], |l| &l[..]).iter().map(|b| text_of(b)).collect()
}

impl corsguard_policy_builder {
    fn build(&self) -> Result<Box<corsguard_policy>, PolicyError> {
        let origins: Vec<Cow<'_, str>> = self.origins.iter().map(|b| origin_text_of(b)).collect();
        let methods = list_of(match &self.methods {
            MethodSetting::List(list) => Some(list),
            _ => None,
        });
        let request_headers = list_of(match &self.request_headers {
            RequestHeaderSetting::List(list) => Some(list),
            RequestHeaderSetting::Any { .. } => None,
        });
        let exposed_headers = list_of(match &self.exposed_headers {
            ExposedHeaderSetting::List(list) => Some(list),
            ExposedHeaderSetting::Any => None,
        });

        // SAFETY: `views` is used only to build the policy, which goes into the same `corsguard_policy` as
        // `storage` and is dropped before it (field order); on error both are dropped here, views first.
        let (storage, views) = unsafe { Storage::new([&origins, &methods, &request_headers, &exposed_headers]) };
        let config = PolicyConfig {
            origins: views.origins,
            credentials: self.credentials,
            methods: match self.methods {
                MethodSetting::Default => PolicyConfig::new(&[]).methods,
                MethodSetting::Any => Methods::Any,
                MethodSetting::List(_) => Methods::List(views.methods),
            },
            request_headers: match self.request_headers {
                RequestHeaderSetting::Any { authorization: false } => RequestHeaders::Any,
                RequestHeaderSetting::Any { authorization: true } => RequestHeaders::AnyWithAuthorization,
                RequestHeaderSetting::List(_) => RequestHeaders::List(views.request_headers),
            },
            exposed_headers: match self.exposed_headers {
                ExposedHeaderSetting::Any => ExposedHeaders::Any,
                ExposedHeaderSetting::List(_) => ExposedHeaders::List(views.exposed_headers),
            },
            max_age: self.max_age,
            preflight_success_status: self.success_status,
            preflight_failure_status: self.failure_status,
            private_network: self.private_network,
            allow_insecure_origins_with_credentials: self.allow_insecure_origins_with_credentials,
            max_origin_len: self.max_origin_len,
            max_request_headers_len: self.max_request_headers_len,
            max_request_headers_count: self.max_request_headers_count,
        };
        let policy = Policy::build(&config, views.index)?;
        Ok(Box::new(corsguard_policy { policy, storage }))
    }
}

impl corsguard_policy {
    pub(crate) fn policy(&self) -> &Policy<'_> {
        &self.policy
    }
}

/// Borrows the builder a setter was given, or says why not.
///
/// # Safety
/// `builder` must be NULL or a live builder from `corsguard_policy_builder_new` that no other thread uses.
unsafe fn builder_mut<'a>(
    builder: *mut corsguard_policy_builder,
) -> Result<&'a mut corsguard_policy_builder, corsguard_result> {
    // SAFETY: the caller's contract above.
    unsafe { builder.as_mut() }.ok_or(corsguard_result::NullArgument)
}

fn done(result: Result<(), corsguard_result>) -> corsguard_result {
    result.err().unwrap_or(corsguard_result::Ok)
}

/// Copies a C array of byte strings.
///
/// # Safety
/// As for [`array`] and [`bytes`].
unsafe fn copy_list(list: *const corsguard_slice, count: usize) -> Result<Vec<Vec<u8>>, corsguard_result> {
    // SAFETY: forwarded to the caller.
    let slices = unsafe { array(list, count) }?;
    slices.iter().map(|&s| unsafe { bytes(s) }.map(<[u8]>::to_vec)).collect()
}

/// Creates a policy builder with every setting at its secure default and writes it to `*builder_out`.
///
/// The caller owns the builder and must eventually call `corsguard_policy_builder_free`.
/// Fails with `CORSGUARD_RESULT_NULL_ARGUMENT` when `builder_out` is NULL (nothing is written then).
#[no_mangle]
pub unsafe extern "C" fn corsguard_policy_builder_new(
    builder_out: *mut *mut corsguard_policy_builder,
) -> corsguard_result {
    guard(|| {
        if builder_out.is_null() {
            return corsguard_result::NullArgument;
        }
        let builder = Box::into_raw(Box::new(corsguard_policy_builder::new()));
        // SAFETY: checked non-NULL; the caller provides a writable pointer.
        unsafe { builder_out.write(builder) };
        corsguard_result::Ok
    })
}

/// Frees a builder. NULL is allowed and does nothing. Policies built from it stay valid.
///
/// The builder must come from `corsguard_policy_builder_new` and must not be used or freed again.
#[no_mangle]
pub unsafe extern "C" fn corsguard_policy_builder_free(builder: *mut corsguard_policy_builder) {
    guard_or((), || {
        if !builder.is_null() {
            // SAFETY: the caller gives back a pointer from `Box::into_raw` in `..._builder_new`, once.
            drop(unsafe { Box::from_raw(builder) });
        }
    })
}

/// Appends one allowed origin: an exact serialized origin (`https://app.example.com`), a subdomain pattern
/// (`https://*.example.com`), a loopback port pattern (`http://localhost:*`), or `*` alone for a public
/// resource. `len` bytes at `origin` are copied; the caller keeps ownership of its buffer.
///
/// The origin is checked when the policy is built; its index in the error is the number of origins added
/// before it. Fails with `CORSGUARD_RESULT_NULL_ARGUMENT` (NULL builder) or `CORSGUARD_RESULT_INVALID_SLICE`
/// (NULL `origin` with a non-zero `len`, or `len` above `PTRDIFF_MAX`), leaving the builder unchanged.
#[no_mangle]
pub unsafe extern "C" fn corsguard_policy_builder_add_origin(
    builder: *mut corsguard_policy_builder,
    origin: *const u8,
    len: usize,
) -> corsguard_result {
    guard(|| {
        done((|| {
            // SAFETY: the caller's contract: a live builder, and `len` readable bytes at `origin`.
            let builder = unsafe { builder_mut(builder) }?;
            let text = unsafe { bytes(corsguard_slice { ptr: origin, len }) }?;
            builder.origins.push(text.to_vec());
            Ok(())
        })())
    })
}

/// Allows credentialed requests (`Access-Control-Allow-Credentials: true`) when `credentials` is true.
/// Default: false. Fails only with `CORSGUARD_RESULT_NULL_ARGUMENT` for a NULL builder.
#[no_mangle]
pub unsafe extern "C" fn corsguard_policy_builder_set_credentials(
    builder: *mut corsguard_policy_builder,
    credentials: bool,
) -> corsguard_result {
    // SAFETY (every setter below): the caller gives a live builder that no other thread uses.
    guard(|| done(unsafe { builder_mut(builder) }.map(|b| b.credentials = credentials)))
}

/// Sets the methods a preflight may ask for to exactly these `count` methods (case-sensitive; the six that
/// browsers normalize must be uppercase), replacing the previous methods setting. `count` 0 allows no method
/// (`methods` may then be NULL). Every byte string is copied. Default: GET, HEAD, POST.
///
/// Fails with `CORSGUARD_RESULT_NULL_ARGUMENT` (NULL builder) or `CORSGUARD_RESULT_INVALID_SLICE` (a NULL
/// or misaligned array with a non-zero count, or an invalid slice in it), leaving the builder unchanged.
#[no_mangle]
pub unsafe extern "C" fn corsguard_policy_builder_set_methods(
    builder: *mut corsguard_policy_builder,
    methods: *const corsguard_slice,
    count: usize,
) -> corsguard_result {
    guard(|| {
        done((|| {
            let builder = unsafe { builder_mut(builder) }?;
            // SAFETY: the caller provides `count` readable slices at `methods`, each readable.
            builder.methods = MethodSetting::List(unsafe { copy_list(methods, count) }?);
            Ok(())
        })())
    })
}

/// Allows any method except the forbidden CONNECT, TRACE and TRACK, replacing the previous methods
/// setting. Answered with `*`, or under credentials with the requested method echoed.
/// Fails only with `CORSGUARD_RESULT_NULL_ARGUMENT` for a NULL builder.
#[no_mangle]
pub unsafe extern "C" fn corsguard_policy_builder_set_methods_any(
    builder: *mut corsguard_policy_builder,
) -> corsguard_result {
    guard(|| done(unsafe { builder_mut(builder) }.map(|b| b.methods = MethodSetting::Any)))
}

/// Sets the request headers a preflight may ask for to exactly these `count` names (compared
/// case-insensitively), replacing the previous request-headers setting. `count` 0 allows none (`names` may
/// then be NULL). Every byte string is copied. Default: none.
///
/// Fails with `CORSGUARD_RESULT_NULL_ARGUMENT` or `CORSGUARD_RESULT_INVALID_SLICE` as
/// `corsguard_policy_builder_set_methods` does, leaving the builder unchanged.
#[no_mangle]
pub unsafe extern "C" fn corsguard_policy_builder_set_request_headers(
    builder: *mut corsguard_policy_builder,
    names: *const corsguard_slice,
    count: usize,
) -> corsguard_result {
    guard(|| {
        done((|| {
            let builder = unsafe { builder_mut(builder) }?;
            // SAFETY: as in `..._set_methods`.
            builder.request_headers = RequestHeaderSetting::List(unsafe { copy_list(names, count) }?);
            Ok(())
        })())
    })
}

/// Allows any request header, replacing the previous request-headers setting. `Authorization` is allowed
/// too only when `include_authorization` is true, because `*` never covers it. Answered with `*`, or under
/// credentials with the requested names echoed. Fails only with `CORSGUARD_RESULT_NULL_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn corsguard_policy_builder_set_request_headers_any(
    builder: *mut corsguard_policy_builder,
    include_authorization: bool,
) -> corsguard_result {
    guard(|| {
        done(
            unsafe { builder_mut(builder) }
                .map(|b| b.request_headers = RequestHeaderSetting::Any { authorization: include_authorization }),
        )
    })
}

/// Sets the response headers exposed to the page to exactly these `count` names, replacing the previous
/// exposed-headers setting. `count` 0 exposes none beyond the CORS-safelisted ones (`names` may then be
/// NULL). Every byte string is copied. Default: none.
///
/// Fails with `CORSGUARD_RESULT_NULL_ARGUMENT` or `CORSGUARD_RESULT_INVALID_SLICE` as
/// `corsguard_policy_builder_set_methods` does, leaving the builder unchanged.
#[no_mangle]
pub unsafe extern "C" fn corsguard_policy_builder_set_exposed_headers(
    builder: *mut corsguard_policy_builder,
    names: *const corsguard_slice,
    count: usize,
) -> corsguard_result {
    guard(|| {
        done((|| {
            let builder = unsafe { builder_mut(builder) }?;
            // SAFETY: as in `..._set_methods`.
            builder.exposed_headers = ExposedHeaderSetting::List(unsafe { copy_list(names, count) }?);
            Ok(())
        })())
    })
}

/// Exposes every response header (`*`), replacing the previous exposed-headers setting. Not expressible
/// with credentials: such a policy is refused when built. Fails only with `CORSGUARD_RESULT_NULL_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn corsguard_policy_builder_set_exposed_headers_any(
    builder: *mut corsguard_policy_builder,
) -> corsguard_result {
    guard(|| done(unsafe { builder_mut(builder) }.map(|b| b.exposed_headers = ExposedHeaderSetting::Any)))
}

/// Sends `Access-Control-Max-Age: seconds` on allowed preflights; 0 to 86400, checked when built.
/// Default: not sent (browsers then cache a preflight for 5 seconds). Fails only with
/// `CORSGUARD_RESULT_NULL_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn corsguard_policy_builder_set_max_age(
    builder: *mut corsguard_policy_builder,
    seconds: u32,
) -> corsguard_result {
    guard(|| done(unsafe { builder_mut(builder) }.map(|b| b.max_age = Some(seconds))))
}

/// Stops sending `Access-Control-Max-Age` (the default). Fails only with `CORSGUARD_RESULT_NULL_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn corsguard_policy_builder_clear_max_age(
    builder: *mut corsguard_policy_builder,
) -> corsguard_result {
    guard(|| done(unsafe { builder_mut(builder) }.map(|b| b.max_age = None)))
}

/// Sets the statuses of preflight answers: `success` for allowed ones (200 to 299, default 204), `failure`
/// for denied ones (200 to 299 or 400 to 599, default 403). Checked when built. Fails only with
/// `CORSGUARD_RESULT_NULL_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn corsguard_policy_builder_set_preflight_statuses(
    builder: *mut corsguard_policy_builder,
    success: u32,
    failure: u32,
) -> corsguard_result {
    // Above 65535 is out of range either way; u16::MAX keeps it so for the build to report.
    let narrow = |status: u32| u16::try_from(status).unwrap_or(u16::MAX);
    guard(|| {
        done(unsafe { builder_mut(builder) }.map(|b| {
            b.success_status = narrow(success);
            b.failure_status = narrow(failure);
        }))
    })
}

/// Answers `Access-Control-Request-Private-Network: true` with `Access-Control-Allow-Private-Network: true`
/// when `allow` is true. Default: false. Fails only with `CORSGUARD_RESULT_NULL_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn corsguard_policy_builder_set_private_network(
    builder: *mut corsguard_policy_builder,
    allow: bool,
) -> corsguard_result {
    guard(|| done(unsafe { builder_mut(builder) }.map(|b| b.private_network = allow)))
}

/// Tolerates non-HTTPS origins other than loopback ones together with credentials when `allow` is true.
/// Default: false, because any network attacker could then read credentialed responses. Fails only with
/// `CORSGUARD_RESULT_NULL_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn corsguard_policy_builder_set_allow_insecure_origins_with_credentials(
    builder: *mut corsguard_policy_builder,
    allow: bool,
) -> corsguard_result {
    guard(|| done(unsafe { builder_mut(builder) }.map(|b| b.allow_insecure_origins_with_credentials = allow)))
}

/// Sets the request caps: the longest `Origin` value considered (1 to 4096, default 512), the most bytes of
/// `Access-Control-Request-Headers` over all its lines (1 to 65536, default 2048), and the most names in it
/// (1 to 1024, default 64). Checked when built. Fails only with `CORSGUARD_RESULT_NULL_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn corsguard_policy_builder_set_caps(
    builder: *mut corsguard_policy_builder,
    max_origin_len: usize,
    max_request_headers_len: usize,
    max_request_headers_count: usize,
) -> corsguard_result {
    guard(|| {
        done(unsafe { builder_mut(builder) }.map(|b| {
            b.max_origin_len = max_origin_len;
            b.max_request_headers_len = max_request_headers_len;
            b.max_request_headers_count = max_request_headers_count;
        }))
    })
}

/// Validates the builder's settings and builds a policy from them. The builder is not changed: it may be
/// built again, changed, or freed, and the policy does not depend on it.
///
/// On success returns `CORSGUARD_RESULT_OK` and writes a new policy to `*policy_out`; the caller owns it and
/// must eventually call `corsguard_policy_free`. When a rule is broken returns
/// `CORSGUARD_RESULT_POLICY_INVALID` and, if `error_out` is not NULL, writes the first broken rule to
/// `*error_out`; `*policy_out` is not written. `error_out` may be NULL; `builder` and `policy_out` may not
/// (`CORSGUARD_RESULT_NULL_ARGUMENT`, nothing written).
#[no_mangle]
pub unsafe extern "C" fn corsguard_policy_builder_build(
    builder: *const corsguard_policy_builder,
    policy_out: *mut *mut corsguard_policy,
    error_out: *mut corsguard_policy_error,
) -> corsguard_result {
    guard(|| {
        // SAFETY: the caller gives NULL or a live builder that no other thread is changing.
        let Some(builder) = (unsafe { builder.as_ref() }) else {
            return corsguard_result::NullArgument;
        };
        if policy_out.is_null() {
            return corsguard_result::NullArgument;
        }
        match builder.build() {
            Ok(policy) => {
                // SAFETY: checked non-NULL; the caller provides a writable pointer.
                unsafe { policy_out.write(Box::into_raw(policy)) };
                corsguard_result::Ok
            }
            Err(error) => {
                if !error_out.is_null() {
                    // SAFETY: non-NULL; the caller provides a writable `corsguard_policy_error`.
                    unsafe { error_out.write(corsguard_policy_error::from_core(&error)) };
                }
                corsguard_result::PolicyInvalid
            }
        }
    })
}

/// Frees a policy and everything it owns. NULL is allowed and does nothing.
///
/// The policy must come from `corsguard_policy_builder_build` and must not be used or freed again. Every
/// `corsguard_decision` that borrows from it becomes invalid: free it only when no thread is deciding with
/// it and no decision made with it is still read.
#[no_mangle]
pub unsafe extern "C" fn corsguard_policy_free(policy: *mut corsguard_policy) {
    guard_or((), || {
        if !policy.is_null() {
            // SAFETY: the caller gives back a pointer from `Box::into_raw` in `..._build`, once.
            drop(unsafe { Box::from_raw(policy) });
        }
    })
}
