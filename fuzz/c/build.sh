#!/usr/bin/env bash
# Builds the C harness (fuzz/c/c_api.c) into the file named by $1: clang compiles it against
# include/corsguard.h, and it links the corsguard C library as a static library built for fuzzing.
#
# Under OSS-Fuzz's compile (fuzz/oss-fuzz/build.sh) $CC, $CXX, $CFLAGS, $LIB_FUZZING_ENGINE, $SANITIZER and
# $RUSTFLAGS come from the build image; anywhere else the defaults below give the local build: Debian's clang
# with -fsanitize=fuzzer,address,undefined. The Rust flags need a nightly toolchain or RUSTC_BOOTSTRAP=1.
#
# Why the library is built this way (docs/fuzzing.md, "The C harness"):
# - Instrumented like a cargo-fuzz target (SanitizerCoverage, and AddressSanitizer in ASan builds): libFuzzer
#   then sees the library's branches, not only the harness's, and ASan checks the library's own reads of the
#   caller's pointers, which is where a C ABI goes wrong.
# - Rust's default allocator (the system malloc), which AddressSanitizer replaces: the builder's and
#   policy_file_build's heap blocks get redzones and quarantine like the harness's own.
# - panic = "unwind" as shipped, so the panic boundary is what is fuzzed; the harness treats
#   CORSGUARD_RESULT_PANIC as a crash. Debug assertions and overflow checks on; no LTO (build time).
set -euo pipefail

out="${1:?usage: fuzz/c/build.sh OUTPUT}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

if [ -z "${LIB_FUZZING_ENGINE:-}" ]; then
    # Not under OSS-Fuzz: the local build.
    CC="${CC:-clang}"
    CXX="${CXX:-clang++}"
    CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined -fsanitize=fuzzer-no-link"
    LIB_FUZZING_ENGINE="-fsanitize=fuzzer"
    SANITIZER=address
    RUSTFLAGS="--cfg fuzzing -Zsanitizer=address -Cdebuginfo=1 -Cforce-frame-pointers"
fi

rustflags="${RUSTFLAGS:-}"
if [ "$SANITIZER" = "coverage" ]; then
    # Clang's profile runtime and rustc's need not share a format version: one binary with both crashes when
    # it writes its profile. The harness's report covers the C side; the Rust targets (c_abi) cover the
    # library's code.
    rustflags="${rustflags//-Cinstrument-coverage/}"
    rustflags="${rustflags//-Zinstrument-coverage/}"
else
    # The SanitizerCoverage flags cargo-fuzz gives its targets, so that libFuzzer sees the library's branches.
    rustflags="$rustflags -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4"
    rustflags="$rustflags -Cllvm-args=-sanitizer-coverage-inline-8bit-counters"
    rustflags="$rustflags -Cllvm-args=-sanitizer-coverage-pc-table -Cllvm-args=-sanitizer-coverage-trace-compares"
fi

# A profile of its own, defined through cargo's environment like ffi/Makefile's: no shared Cargo.toml change.
export CARGO_PROFILE_FUZZ_C_INHERITS=release
export CARGO_PROFILE_FUZZ_C_PANIC=unwind
export CARGO_PROFILE_FUZZ_C_LTO=false
export CARGO_PROFILE_FUZZ_C_CODEGEN_UNITS=16
export CARGO_PROFILE_FUZZ_C_DEBUG=line-tables-only
export CARGO_PROFILE_FUZZ_C_DEBUG_ASSERTIONS=true
export CARGO_PROFILE_FUZZ_C_OVERFLOW_CHECKS=true

triple="$(rustc -vV | sed -n 's/^host: //p')"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
# --target: the flags reach the library only, never build scripts. Only the staticlib: the cdylib would
# need the sanitizer runtime at link time.
(cd "$root" && RUSTFLAGS="$rustflags" CARGO_TARGET_DIR="$target_dir" \
    cargo rustc -p corsguard-ffi --profile fuzz-c --target "$triple" --crate-type staticlib)
lib="$target_dir/$triple/fuzz-c/libcorsguard_ffi.a"

obj="$(mktemp --suffix=.o)"
trap 'rm -f "$obj"' EXIT
# shellcheck disable=SC2086 # the flag variables hold several flags
$CC $CFLAGS -std=c11 -Wall -Wextra -Werror -I"$root/include" -c "$root/fuzz/c/c_api.c" -o "$obj"
# Linked by the C++ driver: libFuzzer is C++. The system libraries are what the staticlib needs
# (`rustc --print native-static-libs`; ffi/Makefile's LIBS_PRIVATE).
# shellcheck disable=SC2086
$CXX $CFLAGS "$obj" $LIB_FUZZING_ENGINE "$lib" -lgcc_s -lutil -lrt -lpthread -lm -ldl -o "$out"
echo "built $out"
