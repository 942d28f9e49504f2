//! Byte slices and arrays of them crossing the ABI: the only place raw (pointer, length) pairs from C become
//! Rust slices, after the checks every such pair gets.

use crate::codes::{corsguard_result, CORSGUARD_RESULT_INVALID_SLICE};

/// A borrowed run of bytes: `len` bytes starting at `ptr`. The bytes may be anything (not UTF-8, NUL
/// included) and need no terminator.
///
/// `ptr` may be NULL only when `len` is 0. `len` may not exceed `PTRDIFF_MAX`. A slice passed to corsguard
/// is only read, and only during the call (except where a function says it keeps a borrow).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct corsguard_slice {
    /// The first byte; NULL allowed only when `len` is 0.
    pub ptr: *const u8,
    /// The number of bytes.
    pub len: usize,
}

impl corsguard_slice {
    pub(crate) fn of(bytes: &[u8]) -> corsguard_slice {
        corsguard_slice { ptr: bytes.as_ptr(), len: bytes.len() }
    }
}

/// Views a C slice as bytes.
///
/// # Safety
/// Unless this returns an error, `s.ptr` must point to `s.len` readable bytes that stay valid and unchanged
/// for `'a`.
#[inline(always)]
pub(crate) unsafe fn bytes<'a>(s: corsguard_slice) -> Result<&'a [u8], corsguard_result> {
    if s.len == 0 {
        return Ok(&[]);
    }
    if s.ptr.is_null() || s.len > isize::MAX as usize {
        return Err(CORSGUARD_RESULT_INVALID_SLICE);
    }
    // SAFETY: non-NULL, length bounded by isize::MAX; validity for `'a` is the caller's contract.
    Ok(unsafe { core::slice::from_raw_parts(s.ptr, s.len) })
}

/// Views a C array of slices (`count` elements at `ptr`); NULL is allowed only when `count` is 0, and a
/// misaligned array is refused rather than read.
///
/// # Safety
/// Unless this returns an error, `ptr` must point to `count` readable `corsguard_slice` values, valid for `'a`.
#[inline(always)]
pub(crate) unsafe fn array<'a>(
    ptr: *const corsguard_slice,
    count: usize,
) -> Result<&'a [corsguard_slice], corsguard_result> {
    if count == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() || !ptr.is_aligned() || count > isize::MAX as usize / core::mem::size_of::<corsguard_slice>() {
        return Err(CORSGUARD_RESULT_INVALID_SLICE);
    }
    // SAFETY: non-NULL, total size bounded by isize::MAX; validity is the caller's contract.
    Ok(unsafe { core::slice::from_raw_parts(ptr, count) })
}
