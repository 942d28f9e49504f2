//! Policy files from C: the text of a policy file in (docs/policy-file.md), the policy into memory the caller
//! gives or, in the standard build, into an allocation, and a `corsguard_policy_file_error` saying where and
//! why a file was refused. The core parses the text; the block is laid out by `corsguard_policy_init`'s code.

use core::ffi::{c_char, c_void};

use corsguard::{PolicyFile, PolicyFileError, PolicyFileErrorKind};

use crate::boundary::guard;
use crate::codes::{
    corsguard_result, policy_error_text, setting_text, syntax_error_text, CORSGUARD_RESULT_MISALIGNED,
    CORSGUARD_RESULT_NULL_ARGUMENT, CORSGUARD_RESULT_OK, CORSGUARD_RESULT_POLICY_FILE_SYNTAX,
    CORSGUARD_RESULT_POLICY_INVALID,
};
use crate::policy::{
    corsguard_policy, corsguard_policy_error, place, report_built, InitError, Layout, Refusal, CORSGUARD_NO_INDEX,
};
use crate::slice::{bytes, corsguard_slice};

/// Why a policy file was refused: where (line and byte column, both from 1), and either the syntax error or
/// the policy error the same settings give through `corsguard_policy_init`.
///
/// Every field is written together, and only when a call returns `CORSGUARD_RESULT_POLICY_FILE_SYNTAX` or
/// `CORSGUARD_RESULT_POLICY_INVALID`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct corsguard_policy_file_error {
    /// The line, from 1; 0 when the error is not about one line (no `origins` at all, or the memory).
    pub line: u32,
    /// The byte column in that line, from 1 (it may be one past the line's end, where a value was
    /// expected); 0 when `line` is 0.
    pub column: u32,
    /// A `corsguard_syntax_error`; 0 when the error is a policy error.
    pub syntax: u32,
    /// The policy error, when the text parsed but the policy was refused (`kind` 0 otherwise, `index`
    /// `CORSGUARD_NO_INDEX`). Its `index` counts the elements of that key over all its lines.
    pub policy: corsguard_policy_error,
    /// What is wrong and what to change (the syntax error's or the policy error's text): static,
    /// NUL-terminated, never NULL; do not free it.
    pub message: *const c_char,
}

impl Refusal for PolicyFileError {
    type Out = corsguard_policy_file_error;

    fn result(&self) -> corsguard_result {
        match self.kind {
            PolicyFileErrorKind::Syntax(_) => CORSGUARD_RESULT_POLICY_FILE_SYNTAX,
            PolicyFileErrorKind::Policy(_) => CORSGUARD_RESULT_POLICY_INVALID,
        }
    }

    fn to_c(&self) -> corsguard_policy_file_error {
        let (syntax, policy, message) = match &self.kind {
            PolicyFileErrorKind::Syntax(kind) => {
                let none = corsguard_policy_error {
                    kind: 0,
                    setting: 0,
                    index: CORSGUARD_NO_INDEX,
                    origin_error: 0,
                    message: policy_error_text(0).as_ptr(),
                    setting_name: setting_text(0).as_ptr(),
                };
                (kind.code(), none, syntax_error_text(kind.code()))
            }
            PolicyFileErrorKind::Policy(error) => {
                (0, corsguard_policy_error::from_core(error), policy_error_text(error.kind.code()))
            }
        };
        corsguard_policy_file_error { line: self.line, column: self.column, syntax, policy, message: message.as_ptr() }
    }
}

/// Reads the text and parses it; a syntax error is reported through `error_out` as the init calls report
/// every refusal.
///
/// # Safety
/// `text_len` readable bytes at `text` (or NULL with 0) for `'a`.
unsafe fn parse<'a>(text: *const u8, text_len: usize) -> Result<(PolicyFile<'a>, Layout), InitError<PolicyFileError>> {
    // SAFETY: the caller's contract.
    let text = unsafe { bytes(corsguard_slice { ptr: text, len: text_len }) }.map_err(InitError::Code)?;
    let file = PolicyFile::parse(text).map_err(InitError::Policy)?;
    // The file's names are borrowed from its text and its origins read from it: no scratch space.
    let layout = Layout::with(file.storage_len(), 0).map_err(InitError::Code)?;
    Ok((file, layout))
}

/// Says how many bytes of memory `corsguard_policy_file_init` needs for the policy file of `text_len` bytes
/// at `text`, and writes it to `*size_out`. As with `corsguard_policy_size`, memory of this size at any
/// address works.
///
/// Parses the text but does not validate the policy (`corsguard_policy_file_init` does): a text that is not
/// a policy file returns `CORSGUARD_RESULT_POLICY_FILE_SYNTAX` and, if `error_out` is not NULL, writes where
/// and why to `*error_out`. Other failures: `CORSGUARD_RESULT_NULL_ARGUMENT` (NULL `size_out`),
/// `CORSGUARD_RESULT_MISALIGNED` (`size_out` or `error_out` not aligned), `CORSGUARD_RESULT_INVALID_SLICE`
/// (NULL `text` with a non-zero `text_len`, or a size past what memory can hold). `*size_out` is written
/// only on success.
#[no_mangle]
pub unsafe extern "C" fn corsguard_policy_file_size(
    text: *const u8,
    text_len: usize,
    size_out: *mut usize,
    error_out: *mut corsguard_policy_file_error,
) -> corsguard_result {
    guard(|| {
        if size_out.is_null() {
            return CORSGUARD_RESULT_NULL_ARGUMENT;
        }
        if !size_out.is_aligned() || !error_out.is_aligned() {
            return CORSGUARD_RESULT_MISALIGNED;
        }
        // SAFETY: the caller provides `text_len` readable bytes at `text`.
        match unsafe { parse(text, text_len) } {
            Ok((_, layout)) => {
                // SAFETY: non-NULL and aligned; the caller provides a writable size_t.
                unsafe { size_out.write(layout.total) };
                CORSGUARD_RESULT_OK
            }
            Err(InitError::Code(code)) => code,
            Err(InitError::Policy(error)) => {
                if !error_out.is_null() {
                    // SAFETY: non-NULL and aligned; the caller provides it writable.
                    unsafe { error_out.write(error.to_c()) };
                }
                error.result()
            }
        }
    })
}

/// Parses the policy file of `text_len` bytes at `text`, validates its policy exactly as
/// `corsguard_policy_init` validates a `corsguard_config`, and builds it into the `len` bytes at `mem`, which
/// the caller owns: nothing is allocated and there is nothing to free. Get the size with
/// `corsguard_policy_file_size`; `mem` may have any alignment.
///
/// On success returns `CORSGUARD_RESULT_OK` and writes to `*policy_out` a pointer into `mem`, valid as for
/// `corsguard_policy_init`. The policy keeps nothing of the text: it may be freed or changed right after the
/// call. The text must not overlap `mem`.
///
/// A text that is not a policy file returns `CORSGUARD_RESULT_POLICY_FILE_SYNTAX`, a refused policy
/// `CORSGUARD_RESULT_POLICY_INVALID`; either way, if `error_out` is not NULL, `*error_out` says where and
/// why. Other failures: `CORSGUARD_RESULT_NULL_ARGUMENT` (NULL `mem` or `policy_out`),
/// `CORSGUARD_RESULT_MISALIGNED` (`policy_out` or `error_out` not aligned), `CORSGUARD_RESULT_INVALID_SLICE`
/// (NULL `text` with a non-zero `text_len`), `CORSGUARD_RESULT_BUFFER_TOO_SMALL` (`len` is less than the
/// policy needs at this address). `*policy_out` is written only on success; after a refused policy the
/// contents of `mem` are unspecified (and are not a policy).
#[no_mangle]
pub unsafe extern "C" fn corsguard_policy_file_init(
    text: *const u8,
    text_len: usize,
    mem: *mut c_void,
    len: usize,
    policy_out: *mut *const corsguard_policy,
    error_out: *mut corsguard_policy_file_error,
) -> corsguard_result {
    guard(|| {
        if mem.is_null() || policy_out.is_null() {
            return CORSGUARD_RESULT_NULL_ARGUMENT;
        }
        if !policy_out.is_aligned() || !error_out.is_aligned() {
            return CORSGUARD_RESULT_MISALIGNED;
        }
        // SAFETY: the caller provides `text_len` readable bytes at `text`, and `len` writable bytes at `mem`
        // apart from them; the build writes no scratch space (the layout has none).
        let built = unsafe { parse(text, text_len) }.and_then(|(file, layout)| unsafe {
            place(&layout, mem.cast::<u8>(), len, |settings, storage, _| file.build_into(settings, storage))
        });
        // SAFETY: both checked non-NULL (`error_out` may be NULL) and aligned; the caller provides them writable.
        unsafe { report_built(built.map(<*mut u8>::cast_const), policy_out, error_out) }
    })
}

/// Parses and validates the policy file of `text_len` bytes at `text`, as `corsguard_policy_file_init`
/// does, into memory the library allocates. The policy keeps nothing of the text.
///
/// On success returns `CORSGUARD_RESULT_OK` and writes a new policy to `*policy_out`; the caller owns it and
/// must eventually call `corsguard_policy_free`. Refusals and other failures as for
/// `corsguard_policy_file_init` (without `mem`). Not in builds without the standard library.
#[cfg(feature = "std")]
#[no_mangle]
pub unsafe extern "C" fn corsguard_policy_file_build(
    text: *const u8,
    text_len: usize,
    policy_out: *mut *mut corsguard_policy,
    error_out: *mut corsguard_policy_file_error,
) -> corsguard_result {
    guard(|| {
        if policy_out.is_null() {
            return CORSGUARD_RESULT_NULL_ARGUMENT;
        }
        if !policy_out.is_aligned() || !error_out.is_aligned() {
            return CORSGUARD_RESULT_MISALIGNED;
        }
        // SAFETY: the caller provides `text_len` readable bytes at `text`; the allocation is apart from them.
        let built = unsafe { parse(text, text_len) }.and_then(|(file, layout)| {
            crate::builder::allocate(&layout, |mem, len| unsafe {
                place(&layout, mem, len, |settings, storage, _| file.build_into(settings, storage))
            })
        });
        // SAFETY: as in `corsguard_policy_file_init`.
        unsafe {
            report_built(built.map(<*mut u8>::cast_const), policy_out.cast::<*const corsguard_policy>(), error_out)
        }
    })
}
