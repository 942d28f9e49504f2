//! The C ABI check: drives the exported `corsguard_*` functions through raw pointers and lengths.
//! (Filled in once the ffi crate lands.)

/// Placeholder until the C ABI exists.
pub fn check_c_abi(_data: &[u8]) {}
