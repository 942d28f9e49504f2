//! The panic boundary every exported function body runs inside: a panic becomes `CORSGUARD_RESULT_PANIC` (or
//! a documented fallback value) instead of unwinding into C, which would be undefined behaviour.
//!
//! The library is built with `panic = "unwind"` (ffi/Makefile sets it) so that the guard can catch; built with
//! `panic = "abort"` a panic aborts the process instead, which is still never an unwind into C.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::codes::corsguard_result;

/// Runs `body`, mapping a panic to [`corsguard_result::Panic`].
pub(crate) fn guard(body: impl FnOnce() -> corsguard_result) -> corsguard_result {
    // AssertUnwindSafe: after a panic nothing the body touched is observed again (outputs are written last).
    catch_unwind(AssertUnwindSafe(|| {
        #[cfg(test)]
        testing::maybe_panic();
        body()
    }))
    .unwrap_or(corsguard_result::Panic)
}

/// Runs `body`, returning `fallback` on a panic; for functions whose return type cannot carry a result code.
pub(crate) fn guard_or<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(|| {
        #[cfg(test)]
        testing::maybe_panic();
        body()
    }))
    .unwrap_or(fallback)
}

/// Lets the unit tests force a panic inside the very guard an exported function uses.
#[cfg(test)]
pub(crate) mod testing {
    use std::cell::Cell;

    thread_local! {
        static PANIC_NEXT: Cell<bool> = const { Cell::new(false) };
    }

    /// The next guarded call on this thread panics inside its guard.
    pub(crate) fn panic_next_call() {
        PANIC_NEXT.with(|p| p.set(true));
    }

    pub(super) fn maybe_panic() {
        if PANIC_NEXT.with(|p| p.replace(false)) {
            panic!("forced by corsguard-ffi's tests");
        }
    }
}
