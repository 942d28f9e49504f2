//! # corsguard-ffi
//!
//! The C ABI of corsguard: `libcorsguard.a`, `libcorsguard.so` and `include/corsguard.h` (generated from this
//! crate by cbindgen). This crate owns memory on the C side of the line (policies are heap objects the caller
//! frees), checks every pointer and length it is given, and turns every panic into a result code.
//!
//! Every exported function is a plain `#[no_mangle] pub unsafe extern "C" fn` whose body runs inside
//! [`boundary`]'s panic guard, so cbindgen sees the signature and C never sees an unwind.
#![allow(non_camel_case_types)]
#![deny(unsafe_op_in_unsafe_fn, missing_docs)]
// Each exported function states its contract in C terms (NULL, lengths, ownership, lifetime) for the header.
#![allow(clippy::missing_safety_doc)]

// cbindgen lists functions module by module, in this (rustfmt-sorted) order: texts, deciding, building.
mod boundary;
mod codes;
mod decide;
mod policy;
mod slice;
#[cfg(test)]
mod tests;

pub use codes::*;
pub use decide::*;
pub use policy::*;
pub use slice::corsguard_slice;

/// The major version of the corsguard C library these declarations belong to.
pub const CORSGUARD_VERSION_MAJOR: u32 = 0;
/// The minor version of the corsguard C library these declarations belong to.
pub const CORSGUARD_VERSION_MINOR: u32 = 1;
/// The patch version of the corsguard C library these declarations belong to.
pub const CORSGUARD_VERSION_PATCH: u32 = 0;

/// The library's version as a static NUL-terminated string such as `"0.1.0"`: compare it with the
/// `CORSGUARD_VERSION_*` macros to detect a header and library from different releases.
///
/// Never NULL. The string is static: do not free it.
#[no_mangle]
pub extern "C" fn corsguard_version() -> *const core::ffi::c_char {
    const VERSION: &core::ffi::CStr = codes::c_text!(env!("CARGO_PKG_VERSION"));
    boundary::guard_or(VERSION.as_ptr(), || VERSION.as_ptr())
}
