//! Building a policy from C into memory the caller gives: the plain `corsguard_config`, the number of bytes
//! it needs (`corsguard_policy_size`), and `corsguard_policy_init`, which lays the core's unsized
//! `Policy<[u8]>` out in that memory behind a small header. The std builder goes through the same code.

use core::ffi::c_void;
use core::mem::{align_of, offset_of, size_of, MaybeUninit};
use core::ptr;

use corsguard::{
    storage_len_for, ExposedHeaders, Methods, Policy, PolicyConfig, PolicyError, RequestHeaders, Settings, MAX_ORIGINS,
};

use crate::boundary::guard;
use crate::codes::{
    corsguard_result, policy_error_text, setting_text, CORSGUARD_RESULT_BUFFER_TOO_SMALL,
    CORSGUARD_RESULT_INVALID_POLICY, CORSGUARD_RESULT_INVALID_SLICE, CORSGUARD_RESULT_MISALIGNED,
    CORSGUARD_RESULT_NULL_ARGUMENT, CORSGUARD_RESULT_OK, CORSGUARD_RESULT_OUT_OF_RANGE,
    CORSGUARD_RESULT_POLICY_INVALID,
};
use crate::slice::{array, bytes, corsguard_slice};

/// The `index` of a `corsguard_policy_error` that is not about one entry of a list: `SIZE_MAX`.
pub const CORSGUARD_NO_INDEX: usize = usize::MAX;

/// A list setting of `corsguard_config` left at its default: methods GET, HEAD and POST; no request
/// headers; no exposed headers. The list's array is not read.
pub const CORSGUARD_MODE_DEFAULT: u32 = 0;
/// A list setting of `corsguard_config` that is exactly the given array (which may be empty).
pub const CORSGUARD_MODE_LIST: u32 = 1;
/// Any method (but CONNECT, TRACE and TRACK), any request header but `Authorization`, or every response
/// header exposed (`*`, refused with credentials). The list's array is not read.
pub const CORSGUARD_MODE_ANY: u32 = 2;
/// Request headers only: any request header, `Authorization` included. The list's array is not read.
pub const CORSGUARD_MODE_ANY_WITH_AUTHORIZATION: u32 = 3;

/// What a policy allows, as plain data: build it with `corsguard_policy_size` and `corsguard_policy_init`.
///
/// Zero-initialise it (`corsguard_config config = {0};`, or designated initialisers, or a `static const`):
/// every field at zero is the secure default, so a config written for this version keeps its meaning when
/// later versions append fields (they only ever append, and zero always means the earlier behaviour).
///
/// Lists are arrays of `corsguard_slice` with a count; NULL is allowed when the count is 0. Entries are
/// byte strings; bytes that are not UTF-8 are refused like any other non-ASCII byte. The arrays and strings
/// are only read during the calls they are passed to: the policy keeps copies of what it needs.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct corsguard_config {
    /// Allowed origins: exact origins (`https://app.example.com`), subdomain patterns
    /// (`https://*.example.com`), loopback port patterns (`http://localhost:*`), or `*` alone.
    pub origins: *const corsguard_slice,
    /// The number of origins. At least one is required.
    pub origin_count: usize,
    /// Allow credentialed requests (`Access-Control-Allow-Credentials: true`). Default false.
    pub credentials: bool,
    /// `CORSGUARD_MODE_DEFAULT` (GET, HEAD, POST), `_LIST` (`methods`) or `_ANY`.
    pub methods_mode: u32,
    /// The methods, for `CORSGUARD_MODE_LIST` (case-sensitive; the six browsers normalize are uppercase).
    pub methods: *const corsguard_slice,
    /// The number of methods.
    pub method_count: usize,
    /// `CORSGUARD_MODE_DEFAULT` (none), `_LIST` (`request_headers`), `_ANY` or `_ANY_WITH_AUTHORIZATION`.
    pub request_headers_mode: u32,
    /// The request headers a preflight may ask for, for `CORSGUARD_MODE_LIST` (case-insensitive).
    pub request_headers: *const corsguard_slice,
    /// The number of request headers.
    pub request_header_count: usize,
    /// `CORSGUARD_MODE_DEFAULT` (none), `_LIST` (`exposed_headers`) or `_ANY`.
    pub exposed_headers_mode: u32,
    /// The response headers exposed to the page, for `CORSGUARD_MODE_LIST`.
    pub exposed_headers: *const corsguard_slice,
    /// The number of exposed headers.
    pub exposed_header_count: usize,
    /// Send `Access-Control-Max-Age: max_age` on allowed preflights. Default false (browsers then cache
    /// a preflight for 5 seconds).
    pub has_max_age: bool,
    /// Seconds, 0 to 86400; read only when `has_max_age` is true.
    pub max_age: u32,
    /// Status of an allowed preflight, 200 to 299; 0 means 204.
    pub preflight_success_status: u16,
    /// Status of a denied preflight, 200 to 299 or 400 to 599; 0 means 403.
    pub preflight_failure_status: u16,
    /// Answer `Access-Control-Request-Private-Network: true` with `Access-Control-Allow-Private-Network:
    /// true`. Default false.
    pub private_network: bool,
    /// Tolerate non-HTTPS origins other than loopback ones together with credentials. Default false.
    pub allow_insecure_origins_with_credentials: bool,
    /// The longest `Origin` value considered, 1 to 4096; 0 means 512.
    pub max_origin_len: usize,
    /// The most bytes of `Access-Control-Request-Headers` over all its lines, 1 to 65536; 0 means 2048.
    pub max_request_headers_len: usize,
    /// The most names in `Access-Control-Request-Headers`, 1 to 1024; 0 means 64.
    pub max_request_headers_count: usize,
}

/// A validated, immutable policy, ready for `corsguard_decide`. Opaque: it lives inside the memory given to
/// `corsguard_policy_init` (or the builder's allocation) and is only ever handled through a pointer.
///
/// It must not be moved or copied (a copy is refused with `CORSGUARD_RESULT_INVALID_POLICY`): to change
/// where it lives, initialise it again there.
///
/// Thread safety: immutable, so any number of threads may call `corsguard_decide` on one policy at the
/// same time, with no locking.
pub struct corsguard_policy {
    _opaque: [u8; 0],
}

/// Why a policy was refused: the rule, the setting, the entry, and text to log.
///
/// Every field is written together, and only when the call returns `CORSGUARD_RESULT_POLICY_INVALID`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct corsguard_policy_error {
    /// The rule that was broken: a `corsguard_policy_error_kind`.
    pub kind: u32,
    /// The setting that breaks it: a `corsguard_setting`.
    pub setting: u32,
    /// The position of the offending entry in its list (the array in the config, or the order
    /// `corsguard_policy_builder_add_origin` was called in), or `CORSGUARD_NO_INDEX` when the error is
    /// about the setting as a whole.
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
    pub(crate) fn from_core(error: &PolicyError) -> Self {
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

/// A policy in memory: a header corsguard checks, then the core's `Policy<S>` (its settings, then the
/// storage holding its origin table). `S` is `[u8]` for a built policy, `[u8; 0]` to measure the fixed part.
#[repr(C)]
pub(crate) struct Block<S: ?Sized> {
    /// [`POLICY_MAGIC`] xor the block's address: a block never initialised, or copied elsewhere, fails.
    magic: u64,
    /// 0 for caller memory; for the builder's allocation, its length in `u64` words (what freeing needs).
    pub(crate) owned_words: u64,
    /// The length of the storage: the metadata of the `Policy<[u8]>` pointer.
    storage_len: u64,
    policy: Policy<S>,
}

const POLICY_MAGIC: u64 = 0x6373_6770_6f6c_6963; // "csgpolic"
/// The fixed part's size: where the storage starts (the storage is bytes, so no padding comes before it).
const HEAD: usize = size_of::<Block<[u8; 0]>>();
/// The alignment of a policy in memory; caller memory gets `ALIGN - 1` bytes of slack to reach it.
pub(crate) const ALIGN: usize = align_of::<Block<[u8; 0]>>();
const SETTINGS_AT: usize = offset_of!(Block<[u8; 0]>, policy);
const _: () = assert!(SETTINGS_AT + size_of::<Settings>() == HEAD);
// The builder allocates `u64` words: a word-aligned block needs no slack there.
const _: () = assert!(ALIGN == align_of::<u64>());
const _: () = assert!(align_of::<&str>() <= ALIGN);

/// Stands in for a list entry that is not UTF-8: not ASCII, so the core refuses it with the error it gives
/// every non-ASCII entry (a malformed origin, an invalid method or header name), at the entry's index.
const NOT_UTF8: &str = "\u{80}";

fn text_of(bytes: &[u8]) -> &str {
    core::str::from_utf8(bytes).unwrap_or(NOT_UTF8)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Default,
    List,
    Any,
    AnyWithAuthorization,
}

/// A list setting, its array checked (every entry a valid slice) when the mode reads it.
#[derive(Clone, Copy)]
struct List<'a> {
    mode: Mode,
    entries: &'a [corsguard_slice],
}

/// A `corsguard_config` read field by field and checked: every array and slice valid, every mode known.
pub(crate) struct ConfigView<'a> {
    origins: &'a [corsguard_slice],
    credentials: bool,
    methods: List<'a>,
    request_headers: List<'a>,
    exposed_headers: List<'a>,
    max_age: Option<u32>,
    success_status: u16,
    failure_status: u16,
    private_network: bool,
    allow_insecure_origins_with_credentials: bool,
    max_origin_len: usize,
    max_request_headers_len: usize,
    max_request_headers_count: usize,
}

/// Checks every slice of a C array of byte strings.
///
/// # Safety
/// As for [`array`] and [`bytes`].
unsafe fn checked_list<'a>(
    entries: *const corsguard_slice,
    count: usize,
) -> Result<&'a [corsguard_slice], corsguard_result> {
    // SAFETY: forwarded to the caller.
    let entries = unsafe { array(entries, count) }?;
    for &entry in entries {
        // SAFETY: forwarded to the caller.
        unsafe { bytes(entry) }?;
    }
    Ok(entries)
}

impl<'a> ConfigView<'a> {
    /// Reads a config through its pointer, each field on its own (a `bool` as its byte, so that no value
    /// in C memory can be an invalid Rust `bool`), and checks it.
    ///
    /// # Safety
    /// `config` is non-NULL, aligned and points to a readable `corsguard_config` whose arrays and strings
    /// are readable for `'a` (or are refused as invalid slices).
    pub(crate) unsafe fn read(config: *const corsguard_config) -> Result<Self, corsguard_result> {
        macro_rules! field {
            ($name:ident) => {
                // SAFETY: the caller's contract; integers and pointers have no invalid values.
                unsafe { ptr::addr_of!((*config).$name).read() }
            };
        }
        macro_rules! flag {
            ($name:ident) => {
                // SAFETY: as above, reading the bool's byte.
                unsafe { ptr::addr_of!((*config).$name).cast::<u8>().read() != 0 }
            };
        }
        let list = |mode: u32, entries: *const corsguard_slice, count: usize, with_authorization: bool| {
            let mode = match mode {
                0 => Mode::Default,
                1 => Mode::List,
                2 => Mode::Any,
                3 if with_authorization => Mode::AnyWithAuthorization,
                _ => return Err(CORSGUARD_RESULT_OUT_OF_RANGE),
            };
            let entries = match mode {
                // SAFETY: the caller's contract.
                Mode::List => unsafe { checked_list(entries, count) }?,
                _ => &[],
            };
            Ok(List { mode, entries })
        };
        let (origins, origin_count) = (field!(origins), field!(origin_count));
        Ok(ConfigView {
            // SAFETY: the caller's contract.
            origins: unsafe { checked_list(origins, origin_count) }?,
            credentials: flag!(credentials),
            methods: list(field!(methods_mode), field!(methods), field!(method_count), false)?,
            request_headers: list(
                field!(request_headers_mode),
                field!(request_headers),
                field!(request_header_count),
                true,
            )?,
            exposed_headers: list(
                field!(exposed_headers_mode),
                field!(exposed_headers),
                field!(exposed_header_count),
                false,
            )?,
            max_age: if flag!(has_max_age) { Some(field!(max_age)) } else { None },
            success_status: field!(preflight_success_status),
            failure_status: field!(preflight_failure_status),
            private_network: flag!(private_network),
            allow_insecure_origins_with_credentials: flag!(allow_insecure_origins_with_credentials),
            max_origin_len: field!(max_origin_len),
            max_request_headers_len: field!(max_request_headers_len),
            max_request_headers_count: field!(max_request_headers_count),
        })
    }

    /// The entries the scratch area holds as `&str` while the policy is built.
    fn scratch_entries(&self) -> Option<usize> {
        [self.methods, self.request_headers, self.exposed_headers]
            .iter()
            .try_fold(self.origins.len(), |n, list| n.checked_add(list.entries.len()))
    }
}

/// Where the parts of a policy go in memory, from its (aligned) start: the header and settings, the
/// storage, then the scratch array of `&str` used only while building.
pub(crate) struct Layout {
    storage_len: usize,
    block_len: usize,
    /// What `corsguard_policy_size` reports: the parts plus `ALIGN - 1` bytes of slack.
    pub(crate) total: usize,
}

impl Layout {
    pub(crate) fn of(config: &ConfigView<'_>) -> Result<Layout, corsguard_result> {
        let text = config.origins.iter().try_fold(0usize, |n, &origin| {
            // SAFETY: checked by `ConfigView::read`.
            let origin = unsafe { bytes(origin) }.unwrap_or(&[]);
            n.checked_add(text_of(origin).len())
        });
        // The core refuses more than MAX_ORIGINS origins before it looks at the storage.
        let table = text.map(|text| storage_len_for(config.origins.len().min(MAX_ORIGINS), text));
        let too_big = CORSGUARD_RESULT_INVALID_SLICE;
        let scratch = config.scratch_entries().and_then(|n| n.checked_mul(size_of::<&str>())).ok_or(too_big)?;
        Layout::with(table.ok_or(too_big)?, scratch)
    }

    /// The layout of a policy whose origin table takes `table_len` bytes, with `scratch` bytes used while it
    /// is built.
    pub(crate) fn with(table_len: usize, scratch: usize) -> Result<Layout, corsguard_result> {
        let too_big = CORSGUARD_RESULT_INVALID_SLICE;
        let storage_len = table_len.checked_next_multiple_of(ALIGN).ok_or(too_big)?;
        let block_len = HEAD.checked_add(storage_len).ok_or(too_big)?;
        let total = block_len.checked_add(scratch).and_then(|n| n.checked_add(ALIGN - 1)).ok_or(too_big)?;
        if total > isize::MAX as usize {
            return Err(too_big);
        }
        Ok(Layout { storage_len, block_len, total })
    }
}

/// Why [`init`] (or another use of [`place`]) did not build a policy.
pub(crate) enum InitError<E = PolicyError> {
    /// A result code the refusal does not set; nothing was written.
    Code(corsguard_result),
    /// The policy (or policy file) was refused; the block's memory was zeroed.
    Policy(E),
}

/// A refusal the C caller gets as a struct beside its result code: a policy error, or a policy file error.
pub(crate) trait Refusal {
    /// The C struct describing it.
    type Out;
    /// The result code it is returned with.
    fn result(&self) -> corsguard_result;
    /// The C struct describing it.
    fn to_c(&self) -> Self::Out;
}

impl Refusal for PolicyError {
    type Out = corsguard_policy_error;

    fn result(&self) -> corsguard_result {
        CORSGUARD_RESULT_POLICY_INVALID
    }

    fn to_c(&self) -> corsguard_policy_error {
        corsguard_policy_error::from_core(self)
    }
}

/// Writes the texts of `entries` as `&str` at `scratch` and returns them as a slice, and where the next
/// list's texts go.
///
/// # Safety
/// `entries.len()` writable, aligned `&str` places at `scratch`, apart from everything else in use; every
/// entry a checked slice whose bytes stay valid for `'t`.
unsafe fn fill_texts<'t>(
    scratch: *mut MaybeUninit<&'t str>,
    entries: &[corsguard_slice],
) -> (&'t [&'t str], *mut MaybeUninit<&'t str>) {
    for (i, &entry) in entries.iter().enumerate() {
        // SAFETY: the caller's contract.
        unsafe {
            let text = text_of(bytes(entry).unwrap_or(&[]));
            scratch.add(i).write(MaybeUninit::new(text));
        }
    }
    // SAFETY: the places were just initialised; the caller's contract covers the rest.
    unsafe { (core::slice::from_raw_parts(scratch.cast::<&str>(), entries.len()), scratch.add(entries.len())) }
}

/// Builds the policy `config` describes into `len` bytes at `mem`; returns the block's (aligned) start.
///
/// # Safety
/// `len` bytes at `mem` are writable and overlap nothing `config` points to; `layout` is `Layout::of(config)`.
pub(crate) unsafe fn init(
    config: &ConfigView<'_>,
    layout: &Layout,
    mem: *mut u8,
    len: usize,
) -> Result<*mut u8, InitError> {
    // SAFETY: the caller's contract; the closure writes only the scratch space `layout` counts.
    unsafe {
        place(layout, mem, len, |settings, storage, scratch| {
            let mut scratch = scratch.cast::<MaybeUninit<&str>>();
            let mut texts = |entries| {
                let (list, rest) = fill_texts(scratch, entries);
                scratch = rest;
                list
            };
            let defaults = PolicyConfig::new(&[]);
            let origins = texts(config.origins);
            let methods = match config.methods.mode {
                Mode::List => Methods::List(texts(config.methods.entries)),
                Mode::Any => Methods::Any,
                _ => defaults.methods,
            };
            let request_headers = match config.request_headers.mode {
                Mode::List => RequestHeaders::List(texts(config.request_headers.entries)),
                Mode::Any => RequestHeaders::Any,
                Mode::AnyWithAuthorization => RequestHeaders::AnyWithAuthorization,
                Mode::Default => defaults.request_headers,
            };
            let exposed_headers = match config.exposed_headers.mode {
                Mode::List => ExposedHeaders::List(texts(config.exposed_headers.entries)),
                Mode::Any => ExposedHeaders::Any,
                _ => defaults.exposed_headers,
            };
            let or = |value: usize, default: usize| if value == 0 { default } else { value };
            let core_config = PolicyConfig {
                origins,
                credentials: config.credentials,
                methods,
                request_headers,
                exposed_headers,
                max_age: config.max_age,
                preflight_success_status: if config.success_status == 0 {
                    defaults.preflight_success_status
                } else {
                    config.success_status
                },
                preflight_failure_status: if config.failure_status == 0 {
                    defaults.preflight_failure_status
                } else {
                    config.failure_status
                },
                private_network: config.private_network,
                allow_insecure_origins_with_credentials: config.allow_insecure_origins_with_credentials,
                max_origin_len: or(config.max_origin_len, defaults.max_origin_len),
                max_request_headers_len: or(config.max_request_headers_len, defaults.max_request_headers_len),
                max_request_headers_count: or(config.max_request_headers_count, defaults.max_request_headers_count),
            };
            settings.build_into(&core_config, storage)
        })
    }
}

/// Lays a policy block out in `len` bytes at `mem` (aligned within it, zeroed) and has `build` fill it: the
/// settings in place, the storage for its origin table, and a pointer to the `layout`'s scratch space
/// after them. Only a policy `build` completed gets the magic. Returns the block's (aligned) start.
///
/// # Safety
/// `len` bytes at `mem` are writable and overlap nothing `build` reads; `build` writes no more than the
/// layout's scratch bytes at its pointer (aligned for `ALIGN`).
pub(crate) unsafe fn place<E>(
    layout: &Layout,
    mem: *mut u8,
    len: usize,
    build: impl FnOnce(&mut Settings, &mut [u8], *mut u8) -> Result<(), E>,
) -> Result<*mut u8, InitError<E>> {
    let offset = mem.align_offset(ALIGN);
    let needed = offset.checked_add(layout.total - (ALIGN - 1));
    if offset >= ALIGN || needed.is_none_or(|needed| needed > len) {
        return Err(InitError::Code(CORSGUARD_RESULT_BUFFER_TOO_SMALL));
    }
    // SAFETY: `offset + block_len + scratch <= len` bytes at `mem` are writable (the caller's contract).
    unsafe {
        let block = mem.add(offset);
        ptr::write_bytes(block, 0, layout.block_len);
        let storage = core::slice::from_raw_parts_mut(block.add(HEAD), layout.storage_len);
        // `Policy` is #[repr(C)] with its settings first: they go where the policy starts, built in place (a
        // settings value is about 4 KiB: no copy of it goes through the stack, which firmware has little of).
        let place = block.add(SETTINGS_AT).cast::<Settings>();
        place.write(Settings::empty());
        build(&mut *place, storage, block.add(layout.block_len)).map_err(InitError::Policy)?;
        let head = block.cast::<Block<[u8; 0]>>();
        ptr::addr_of_mut!((*head).storage_len).write(layout.storage_len as u64);
        // Last: only a complete policy carries the magic.
        ptr::addr_of_mut!((*head).magic).write(POLICY_MAGIC ^ block.addr() as u64);
        Ok(block)
    }
}

/// The header of the block at `policy`, once it is known to be one corsguard initialised there.
///
/// # Safety
/// `policy` is NULL or points to at least `HEAD` readable bytes.
#[inline(always)]
pub(crate) unsafe fn block_at(policy: *const corsguard_policy) -> Result<*const Block<[u8; 0]>, corsguard_result> {
    if policy.is_null() {
        return Err(CORSGUARD_RESULT_NULL_ARGUMENT);
    }
    let head = policy.cast::<Block<[u8; 0]>>();
    if !head.is_aligned() {
        return Err(CORSGUARD_RESULT_MISALIGNED);
    }
    // SAFETY: non-NULL, aligned, readable (the caller's contract).
    if unsafe { ptr::addr_of!((*head).magic).read() } != POLICY_MAGIC ^ head.addr() as u64 {
        return Err(CORSGUARD_RESULT_INVALID_POLICY);
    }
    Ok(head)
}

/// The core's policy inside the block at `policy`.
///
/// # Safety
/// `policy` is NULL or points to at least `HEAD` readable bytes; if it holds the magic, it is a policy
/// corsguard initialised there that stays valid for `'a`.
#[inline(always)]
pub(crate) unsafe fn policy_at<'a>(policy: *const corsguard_policy) -> Result<&'a Policy<[u8]>, corsguard_result> {
    // SAFETY: forwarded to the caller.
    let head = unsafe { block_at(policy) }?;
    // SAFETY: an initialised block: its storage length is the one it was built with.
    let storage_len = unsafe { ptr::addr_of!((*head).storage_len).read() } as usize;
    let block = ptr::slice_from_raw_parts(head.cast::<u8>(), storage_len) as *const Block<[u8]>;
    // SAFETY: the settings were written and the storage initialised by `init`; nothing writes them since.
    Ok(unsafe { &(*block).policy })
}

/// Reports the outcome of building a policy, as `corsguard_policy_init` and the builder's `..._build` both
/// do: the policy to `*policy_out` on success, the broken rule to `*error_out` (when not NULL) on a refused
/// policy, nothing on any other failure.
///
/// # Safety
/// `policy_out` is writable and aligned; `error_out` is NULL or writable and aligned.
pub(crate) unsafe fn report_built<P, E: Refusal>(
    built: Result<*const u8, InitError<E>>,
    policy_out: *mut *const P,
    error_out: *mut E::Out,
) -> corsguard_result {
    match built {
        Ok(block) => {
            // SAFETY: the caller's contract.
            unsafe { policy_out.write(block.cast::<P>()) };
            CORSGUARD_RESULT_OK
        }
        Err(InitError::Code(code)) => code,
        Err(InitError::Policy(error)) => {
            if !error_out.is_null() {
                // SAFETY: the caller's contract.
                unsafe { error_out.write(error.to_c()) };
            }
            error.result()
        }
    }
}

/// Checks the arguments every init-like call shares and reads the config.
///
/// # Safety
/// `config` is NULL or points to a readable `corsguard_config` (see [`ConfigView::read`]).
unsafe fn read_config<'a>(config: *const corsguard_config) -> Result<ConfigView<'a>, corsguard_result> {
    if config.is_null() {
        return Err(CORSGUARD_RESULT_NULL_ARGUMENT);
    }
    if !config.is_aligned() {
        return Err(CORSGUARD_RESULT_MISALIGNED);
    }
    // SAFETY: non-NULL and aligned; readability is the caller's contract.
    unsafe { ConfigView::read(config) }
}

/// Says how many bytes of memory `corsguard_policy_init` needs for this config, and writes it to
/// `*size_out`. The size includes room to align any address and the scratch space used while building,
/// so memory of this size at any address works.
///
/// Checks the arguments, not the policy: `corsguard_policy_init` reports a refused policy. Fails with
/// `CORSGUARD_RESULT_NULL_ARGUMENT` (NULL `config` or `size_out`), `CORSGUARD_RESULT_MISALIGNED` (`config`
/// or `size_out` not aligned), `CORSGUARD_RESULT_INVALID_SLICE` (an invalid array or string in the config)
/// or `CORSGUARD_RESULT_OUT_OF_RANGE` (an unknown mode); nothing is written then.
#[no_mangle]
pub unsafe extern "C" fn corsguard_policy_size(
    config: *const corsguard_config,
    size_out: *mut usize,
) -> corsguard_result {
    guard(|| {
        if size_out.is_null() {
            return CORSGUARD_RESULT_NULL_ARGUMENT;
        }
        if !size_out.is_aligned() {
            return CORSGUARD_RESULT_MISALIGNED;
        }
        // SAFETY: the caller gives NULL or a readable config.
        let layout = unsafe { read_config(config) }.and_then(|config| Layout::of(&config));
        match layout {
            Ok(layout) => {
                // SAFETY: non-NULL and aligned; the caller provides a writable size_t.
                unsafe { size_out.write(layout.total) };
                CORSGUARD_RESULT_OK
            }
            Err(code) => code,
        }
    })
}

/// Validates `config` and builds the policy into the `len` bytes at `mem`, which the caller owns: nothing
/// is allocated, and there is nothing to free. Get the size with `corsguard_policy_size`; `mem` may have
/// any alignment.
///
/// On success returns `CORSGUARD_RESULT_OK` and writes to `*policy_out` a pointer into `mem`. The policy
/// is valid while `mem` is neither freed nor written (by anything but another `corsguard_policy_init`
/// into it, once no thread uses the policy any more). It must not be moved or copied. The config, its
/// arrays and its strings may be freed right after the call; they must not overlap `mem`.
///
/// When a rule is broken returns `CORSGUARD_RESULT_POLICY_INVALID` and, if `error_out` is not NULL,
/// writes the first broken rule to `*error_out`. Other failures: `CORSGUARD_RESULT_NULL_ARGUMENT` (NULL
/// `config`, `mem` or `policy_out`), `CORSGUARD_RESULT_MISALIGNED` (`config`, `policy_out` or `error_out`
/// not aligned), `CORSGUARD_RESULT_INVALID_SLICE` (an invalid array or string in the config),
/// `CORSGUARD_RESULT_OUT_OF_RANGE` (an unknown mode), `CORSGUARD_RESULT_BUFFER_TOO_SMALL` (`len` is less
/// than the policy needs at this address). `*policy_out` is written only on success; on
/// `CORSGUARD_RESULT_POLICY_INVALID` the contents of `mem` are unspecified (and are not a policy).
#[no_mangle]
pub unsafe extern "C" fn corsguard_policy_init(
    config: *const corsguard_config,
    mem: *mut c_void,
    len: usize,
    policy_out: *mut *const corsguard_policy,
    error_out: *mut corsguard_policy_error,
) -> corsguard_result {
    guard(|| {
        if mem.is_null() || policy_out.is_null() {
            return CORSGUARD_RESULT_NULL_ARGUMENT;
        }
        if !policy_out.is_aligned() || !error_out.is_aligned() {
            return CORSGUARD_RESULT_MISALIGNED;
        }
        // SAFETY: the caller gives NULL or a readable config.
        let config = match unsafe { read_config(config) } {
            Ok(config) => config,
            Err(code) => return code,
        };
        let layout = match Layout::of(&config) {
            Ok(layout) => layout,
            Err(code) => return code,
        };
        // SAFETY: the caller provides `len` writable bytes at `mem`, apart from the config's memory.
        let built = unsafe { init(&config, &layout, mem.cast::<u8>(), len) };
        // SAFETY: both checked non-NULL (`error_out` may be NULL) and aligned; the caller provides them writable.
        unsafe { report_built(built.map(<*mut u8>::cast_const), policy_out, error_out) }
    })
}
