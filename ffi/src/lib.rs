//! # corsguard-ffi
//!
//! The C ABI of corsguard: `libcorsguard.a`, `libcorsguard.so` and `include/corsguard.h` (generated from this
//! crate by cbindgen). A policy is built from a plain `corsguard_config` into memory the caller gives
//! ([`policy`]), decisions are written in place into caller memory ([`decide`]), and every pointer and length
//! from C is checked before it is read ([`slice`]).
//!
//! With the `std` feature (the default) every exported body runs inside [`boundary`]'s panic guard, and the
//! heap conveniences of [`builder`] exist. Without it the crate is `#![no_std]`: no allocator, no unwinding
//! (build with `panic = "abort"`), and a panic handler that never returns.
#![cfg_attr(not(feature = "std"), no_std)]
#![allow(non_camel_case_types)]
#![deny(unsafe_op_in_unsafe_fn, missing_docs)]
// Each exported function states its contract in C terms (NULL, lengths, ownership, lifetime) for the header.
#![allow(clippy::missing_safety_doc)]

// cbindgen lists functions module by module, in this (rustfmt-sorted) order.
mod boundary;
#[cfg(feature = "std")]
mod builder;
mod codes;
mod decide;
mod policy;
mod policy_file;
mod slice;
#[cfg(all(test, feature = "std"))]
mod tests;

#[cfg(feature = "std")]
pub use builder::*;
pub use codes::*;
pub use decide::*;
pub use policy::*;
pub use policy_file::*;
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

/// Without the standard library nothing can catch a panic. corsguard is written not to panic (the no-panic
/// link test proves the core has no panic path), so reaching this is a bug: stop here rather than return
/// into C with broken state. A watchdog or debugger sees a core spinning in this function.
#[cfg(all(not(feature = "std"), not(test)))]
#[panic_handler]
fn stop(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {
        core::hint::spin_loop();
    }
}
