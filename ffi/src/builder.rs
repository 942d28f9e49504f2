//! The heap conveniences of the standard build: a policy builder that copies every byte string it is given,
//! and `corsguard_policy_free`. Building makes a `corsguard_config` of the builder's own copies and goes
//! through the very code `corsguard_policy_init` runs, into an allocation the policy owns.

use core::mem::size_of;
use core::ptr;

use crate::boundary::{guard, guard_or};
use crate::codes::{corsguard_result, CORSGUARD_RESULT_NULL_ARGUMENT, CORSGUARD_RESULT_OK};
use crate::policy::{
    block_at, corsguard_config, corsguard_policy, corsguard_policy_error, init, report_built, Block, ConfigView,
    InitError, Layout, CORSGUARD_MODE_ANY, CORSGUARD_MODE_ANY_WITH_AUTHORIZATION, CORSGUARD_MODE_DEFAULT,
    CORSGUARD_MODE_LIST,
};
use crate::slice::{array, bytes, corsguard_slice};

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
        let defaults = corsguard::PolicyConfig::new(&[]);
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

/// The slices of a list the builder owns, for a `corsguard_config`.
fn slices(list: &[Vec<u8>]) -> Vec<corsguard_slice> {
    list.iter().map(|entry| corsguard_slice::of(entry)).collect()
}

/// A setting the builder keeps as 0 to mean "out of range" where a `corsguard_config` reads 0 as the default:
/// the build then refuses it as it always did, for the same setting.
fn status(value: u16) -> u16 {
    if value == 0 {
        u16::MAX
    } else {
        value
    }
}

fn cap(value: usize) -> usize {
    if value == 0 {
        usize::MAX
    } else {
        value
    }
}

impl corsguard_policy_builder {
    /// Builds the policy into a new allocation through `corsguard_policy_init`'s code; returns its block.
    fn build(&self) -> Result<*mut u8, InitError> {
        let origins = slices(&self.origins);
        let (methods_mode, methods) = match &self.methods {
            MethodSetting::Default => (CORSGUARD_MODE_DEFAULT, Vec::new()),
            MethodSetting::List(list) => (CORSGUARD_MODE_LIST, slices(list)),
            MethodSetting::Any => (CORSGUARD_MODE_ANY, Vec::new()),
        };
        let (request_headers_mode, request_headers) = match &self.request_headers {
            RequestHeaderSetting::List(list) => (CORSGUARD_MODE_LIST, slices(list)),
            RequestHeaderSetting::Any { authorization: false } => (CORSGUARD_MODE_ANY, Vec::new()),
            RequestHeaderSetting::Any { authorization: true } => (CORSGUARD_MODE_ANY_WITH_AUTHORIZATION, Vec::new()),
        };
        let (exposed_headers_mode, exposed_headers) = match &self.exposed_headers {
            ExposedHeaderSetting::List(list) => (CORSGUARD_MODE_LIST, slices(list)),
            ExposedHeaderSetting::Any => (CORSGUARD_MODE_ANY, Vec::new()),
        };
        let config = corsguard_config {
            origins: origins.as_ptr(),
            origin_count: origins.len(),
            credentials: self.credentials,
            methods_mode,
            methods: methods.as_ptr(),
            method_count: methods.len(),
            request_headers_mode,
            request_headers: request_headers.as_ptr(),
            request_header_count: request_headers.len(),
            exposed_headers_mode,
            exposed_headers: exposed_headers.as_ptr(),
            exposed_header_count: exposed_headers.len(),
            has_max_age: self.max_age.is_some(),
            max_age: self.max_age.unwrap_or(0),
            preflight_success_status: status(self.success_status),
            preflight_failure_status: status(self.failure_status),
            private_network: self.private_network,
            allow_insecure_origins_with_credentials: self.allow_insecure_origins_with_credentials,
            max_origin_len: cap(self.max_origin_len),
            max_request_headers_len: cap(self.max_request_headers_len),
            max_request_headers_count: cap(self.max_request_headers_count),
        };
        // SAFETY: a config of live local arrays of slices into the builder's own bytes.
        let view = unsafe { ConfigView::read(&config) }.map_err(InitError::Code)?;
        let layout = Layout::of(&view).map_err(InitError::Code)?;
        // SAFETY: the allocation is apart from the config's memory.
        allocate(&layout, |mem, len| unsafe { init(&view, &layout, mem, len) })
    }
}

/// Builds a policy with `init` into a new allocation of `layout.total` bytes that the policy owns (freed
/// by `corsguard_policy_free`, or here when `init` fails); returns its block. Shared by the builder and
/// `corsguard_policy_file_build`.
pub(crate) fn allocate<E>(
    layout: &Layout,
    init: impl FnOnce(*mut u8, usize) -> Result<*mut u8, InitError<E>>,
) -> Result<*mut u8, InitError<E>> {
    let words = layout.total.div_ceil(size_of::<u64>());
    let memory: *mut [u64] = Box::into_raw(vec![0u64; words].into_boxed_slice());
    let mem = memory.cast::<u8>();
    match init(mem, words * size_of::<u64>()) {
        Ok(block) => {
            // A word-aligned allocation needs no slack: the block starts where the allocation does,
            // which `corsguard_policy_free` relies on.
            debug_assert_eq!(block, mem);
            // SAFETY: an initialised block, not yet shared.
            unsafe { ptr::addr_of_mut!((*block.cast::<Block<[u8; 0]>>()).owned_words).write(words as u64) };
            Ok(block)
        }
        Err(error) => {
            // SAFETY: from `Box::into_raw` above, freed once.
            drop(unsafe { Box::from_raw(memory) });
            Err(error)
        }
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
    unsafe { builder.as_mut() }.ok_or(CORSGUARD_RESULT_NULL_ARGUMENT)
}

fn done(result: Result<(), corsguard_result>) -> corsguard_result {
    result.err().unwrap_or(CORSGUARD_RESULT_OK)
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
            return CORSGUARD_RESULT_NULL_ARGUMENT;
        }
        let builder = Box::into_raw(Box::new(corsguard_policy_builder::new()));
        // SAFETY: checked non-NULL; the caller provides a writable pointer.
        unsafe { builder_out.write(builder) };
        CORSGUARD_RESULT_OK
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

/// Validates the builder's settings and builds a policy from them, exactly as `corsguard_policy_init` would
/// from the same `corsguard_config`, into memory the library allocates. The builder is not changed: it may
/// be built again, changed, or freed, and the policy does not depend on it.
///
/// On success returns `CORSGUARD_RESULT_OK` and writes a new policy to `*policy_out`; the caller owns it and
/// must eventually call `corsguard_policy_free`. When a rule is broken returns
/// `CORSGUARD_RESULT_POLICY_INVALID` and, if `error_out` is not NULL, writes the first broken rule to
/// `*error_out`; `*policy_out` is not written. `error_out` may be NULL; `builder` and `policy_out` may not
/// (`CORSGUARD_RESULT_NULL_ARGUMENT`, nothing written). Pointers must be aligned
/// (`CORSGUARD_RESULT_MISALIGNED`). Not in builds without the standard library.
#[no_mangle]
pub unsafe extern "C" fn corsguard_policy_builder_build(
    builder: *const corsguard_policy_builder,
    policy_out: *mut *mut corsguard_policy,
    error_out: *mut corsguard_policy_error,
) -> corsguard_result {
    guard(|| {
        // SAFETY: the caller gives NULL or a live builder that no other thread is changing.
        let Some(builder) = (unsafe { builder.as_ref() }) else {
            return CORSGUARD_RESULT_NULL_ARGUMENT;
        };
        if policy_out.is_null() {
            return CORSGUARD_RESULT_NULL_ARGUMENT;
        }
        if !policy_out.is_aligned() || !error_out.is_aligned() {
            return crate::codes::CORSGUARD_RESULT_MISALIGNED;
        }
        // SAFETY: both checked non-NULL (`error_out` may be NULL) and aligned; the caller provides them writable.
        unsafe {
            report_built(
                builder.build().map(<*mut u8>::cast_const),
                policy_out.cast::<*const corsguard_policy>(),
                error_out,
            )
        }
    })
}

/// Frees a policy from `corsguard_policy_builder_build`. NULL is allowed and does nothing, and so does a
/// policy `corsguard_policy_init` built into caller memory (the caller owns that memory), or a pointer that
/// is not a policy. Not in builds without the standard library.
///
/// The policy must not be used or freed again. Every decision made with it becomes invalid: free it only
/// when no thread is deciding with it and no decision made with it is still read.
#[no_mangle]
pub unsafe extern "C" fn corsguard_policy_free(policy: *mut corsguard_policy) {
    guard_or((), || {
        // SAFETY: the caller gives NULL or a policy pointer (whose first bytes are readable).
        let Ok(head) = (unsafe { block_at(policy) }) else {
            return;
        };
        let head = head.cast_mut();
        // SAFETY: an initialised block; `owned_words` is 0 for caller memory.
        let words = unsafe { ptr::addr_of!((*head).owned_words).read() } as usize;
        if words == 0 {
            return;
        }
        // SAFETY: a builder's block: the start of a `Box<[u64]>` of `words` words, given back once. The
        // magic is cleared first, so a stale copy of the pointer that still reads this memory is refused.
        unsafe {
            ptr::write_bytes(head.cast::<u64>(), 0, 1);
            drop(Box::from_raw(ptr::slice_from_raw_parts_mut(head.cast::<u64>(), words)));
        }
    })
}
