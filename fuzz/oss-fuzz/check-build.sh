#!/usr/bin/env bash
# Runs fuzz/oss-fuzz/build.sh outside Docker the way OSS-Fuzz's `compile` runs it, and fails unless every
# target reaches $OUT. Two builds:
#   address   what OSS-Fuzz and ClusterFuzzLite fuzz with: AddressSanitizer, libFuzzer.
#   coverage  what OSS-Fuzz's coverage reports are made from, with fuzz/oss-fuzz/coverage-cargo first on PATH,
#             a cargo wrapper that behaves like the base image's (`cargo fuzz list` prints nothing under it,
#             which this script checks, so that a build.sh relying on it fails here and not in production).
# Every target of fuzz/fuzz_targets/*.rs and the C harness c_api must be in $OUT, executable, with its
# <target>.options, <target>.dict and <target>_seed_corpus.zip, and must run one seed input.
#
# Usage: fuzz/oss-fuzz/check-build.sh SCRATCH [address|coverage ...]   (default: both)
# Leaves SCRATCH/out-<build>/; scripts/test-fuzz.sh smoke-runs SCRATCH/out-address. Needs clang, jq, zip,
# cargo-fuzz, and nightly Rust (else RUSTC_BOOTSTRAP=1 is set). Cargo output goes under
# ${CARGO_TARGET_DIR:-target}/oss-fuzz-<build>, so a second run is incremental and no other build is disturbed.
set -euo pipefail

scratch="${1:?usage: check-build.sh SCRATCH [address|coverage ...]}"
shift
builds=("$@")
[ "${#builds[@]}" -gt 0 ] || builds=(address coverage)
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
mkdir -p "$scratch"
scratch="$(cd "$scratch" && pwd)"
target_base="${CARGO_TARGET_DIR:-$root/target}"

if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    export RUSTUP_TOOLCHAIN=nightly
else
    export RUSTC_BOOTSTRAP=1
fi
export REAL_CARGO
REAL_CARGO="$(command -v cargo)"

# $SRC/corsguard is the checkout, as the Dockerfiles arrange it; $WORK is a scratch folder of its own.
work_dir="$scratch/oss-fuzz-work"
mkdir -p "$scratch/src" "$work_dir"
ln -sfn "$root" "$scratch/src/corsguard"

libfuzzer="$(clang -print-resource-dir)/lib/linux/libclang_rt.fuzzer-x86_64.a"
if [ ! -f "$libfuzzer" ]; then
    echo "oss-fuzz check: clang's libFuzzer is missing ($libfuzzer)" >&2
    exit 1
fi

expected=()
for source in "$root"/fuzz/fuzz_targets/*.rs; do
    expected+=("$(basename "$source" .rs)")
done
expected+=(c_api)

status=0
for build in "${builds[@]}"; do
    out="$scratch/out-$build"
    rm -rf "$out"
    mkdir -p "$out"
    # The environment `compile` gives build.sh (base-builder's compile and compile_libfuzzer), with Debian's
    # clang for the image's: libfuzzer-sys links the compiler's prebuilt libFuzzer (CUSTOM_LIBFUZZER_PATH,
    # as in the image; not instrumented, so coverage builds hold one profile format), which Debian builds
    # against libstdc++ where the image's uses libc++.
    common_cflags="-O1 -fno-omit-frame-pointer -gline-tables-only -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
    case "$build" in
        address)
            cflags="$common_cflags -fsanitize=address -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link"
            rustflags="--cfg fuzzing -Zsanitizer=address -Cdebuginfo=1 -Cforce-frame-pointers"
            path="$PATH"
            ;;
        coverage)
            cflags="$common_cflags -fprofile-instr-generate -fcoverage-mapping -pthread -Wl,--no-as-needed"
            cflags="$cflags -Wl,-ldl -Wl,-lm -Wno-unused-command-line-argument"
            rustflags="--cfg fuzzing -Cdebuginfo=1 -Cforce-frame-pointers -Cinstrument-coverage"
            mkdir -p "$scratch/bin"
            cp "$root/fuzz/oss-fuzz/coverage-cargo" "$scratch/bin/cargo"
            chmod +x "$scratch/bin/cargo"
            path="$scratch/bin:$PATH"
            ;;
        *)
            echo "unknown build $build (address, coverage)" >&2
            exit 2
            ;;
    esac
    env_vars=(
        SRC="$scratch/src" OUT="$out" WORK="$work_dir" CC=clang CXX=clang++
        CFLAGS="$cflags" CXXFLAGS="$cflags" LIB_FUZZING_ENGINE=-fsanitize=fuzzer
        SANITIZER="$build" FUZZING_ENGINE=libfuzzer FUZZING_LANGUAGE=rust ARCHITECTURE=x86_64
        RUSTFLAGS="$rustflags" PATH="$path" CARGO_TARGET_DIR="$target_base/oss-fuzz-$build"
        CUSTOM_LIBFUZZER_PATH="$libfuzzer" CUSTOM_LIBFUZZER_STD_CXX=stdc++
        # Coverage-instrumented build scripts write profiles where they run: keep them out of the checkout.
        LLVM_PROFILE_FILE="$work_dir/build-%p.profraw"
    )

    if [ "$build" = coverage ]; then
        listed="$(cd "$root" && env "${env_vars[@]}" cargo fuzz list 2>/dev/null)"
        if [ -n "$listed" ]; then
            echo "oss-fuzz check: the coverage cargo wrapper should make \`cargo fuzz list\` print nothing" >&2
            exit 1
        fi
        echo "oss-fuzz check: under the coverage cargo wrapper \`cargo fuzz list\` prints nothing (as in the image)"
    fi

    start=$SECONDS
    echo "oss-fuzz check: $build build (log: $scratch/build-$build.log)"
    if ! env "${env_vars[@]}" bash -eu "$root/fuzz/oss-fuzz/build.sh" >"$scratch/build-$build.log" 2>&1; then
        echo "oss-fuzz check: $build build FAILED; the end of its log:"
        tail -n 40 "$scratch/build-$build.log"
        status=1
        continue
    fi

    missing=()
    for target in "${expected[@]}"; do
        for file in "$target" "$target.options" "$target.dict" "${target}_seed_corpus.zip"; do
            [ -s "$out/$file" ] || missing+=("$file")
        done
        [ -x "$out/$target" ] || continue
        # One seed input, as ClusterFuzz's bad-build check does; a coverage binary must leave a profile.
        seed_dir="$scratch/seed-$build-$target"
        rm -rf "$seed_dir"
        mkdir -p "$seed_dir"
        unzip -q -o "$out/${target}_seed_corpus.zip" -d "$seed_dir"
        seed="$(find "$seed_dir" -type f -print -quit)"
        if ! (cd "$work_dir" && LLVM_PROFILE_FILE="$work_dir/$target.profraw" \
            "$out/$target" -runs=1 "$seed" >"$scratch/run-$build-$target.log" 2>&1); then
            missing+=("$target (does not run: $scratch/run-$build-$target.log)")
        elif [ "$build" = coverage ] && [ ! -s "$work_dir/$target.profraw" ]; then
            missing+=("$target (wrote no coverage profile)")
        fi
        rm -rf "$seed_dir" "$work_dir/$target.profraw"
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "oss-fuzz check: $build build is missing from \$OUT: ${missing[*]}"
        status=1
    else
        echo "oss-fuzz check: $build build ok in $((SECONDS - start)) s: ${#expected[@]} targets (${expected[*]})"
    fi
done
exit "$status"
