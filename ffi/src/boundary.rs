//! The panic boundary every exported function body runs inside. With the standard library (feature `std`,
//! the default) a panic becomes `CORSGUARD_RESULT_PANIC` (or a documented fallback value) instead of
//! unwinding into C, which would be undefined behaviour. Without it there is no unwinding to catch: the
//! library must be built with `panic = "abort"`, and the crate's panic handler never returns.

use crate::codes::corsguard_result;

/// Runs `body`, mapping a panic to `CORSGUARD_RESULT_PANIC`.
#[cfg(feature = "std")]
#[inline(always)]
pub(crate) fn guard(body: impl FnOnce() -> corsguard_result) -> corsguard_result {
    guard_or(crate::codes::CORSGUARD_RESULT_PANIC, body)
}

/// Runs `body`, returning `fallback` on a panic; for functions whose return type cannot carry a result code.
#[cfg(feature = "std")]
#[inline(always)]
pub(crate) fn guard_or<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    // AssertUnwindSafe: after a panic nothing the body touched is observed again (outputs are written last).
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        #[cfg(test)]
        testing::maybe_panic();
        body()
    }))
    .unwrap_or(fallback)
}

/// Without the standard library: the body runs unguarded (a panic stops in the crate's panic handler).
#[cfg(not(feature = "std"))]
#[inline(always)]
pub(crate) fn guard(body: impl FnOnce() -> corsguard_result) -> corsguard_result {
    body()
}

/// Without the standard library: the body runs unguarded; `fallback` is never used.
#[cfg(not(feature = "std"))]
#[inline(always)]
pub(crate) fn guard_or<T>(_fallback: T, body: impl FnOnce() -> T) -> T {
    body()
}

/// Lets the unit tests force a panic inside the very guard an exported function uses.
#[cfg(all(test, feature = "std"))]
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
