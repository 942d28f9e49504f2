#!/usr/bin/env bash
# Fuzz suite. 1) Corpus replay on stable: every committed file in fuzz/corpus/<target>/ through the same check
# function its fuzz target calls (no nightly needed). 2) A bounded smoke run of every fuzz target with
# cargo-fuzz, where a fuzzing toolchain is available (`cargo +nightly fuzz`, else `RUSTC_BOOTSTRAP=1`);
# skipped with a message when cargo-fuzz cannot be installed. Exits non-zero on any failure or crash.
#
# Environment: FUZZ_SMOKE_SECS (default 20) seconds per target; FUZZ_SMOKE=0 skips the smoke run.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
smoke_secs="${FUZZ_SMOKE_SECS:-20}"
cargo_fuzz_version="0.13.2"

echo "== fuzz: corpus replay (stable)"
# Not --locked: fuzz/Cargo.lock follows path dependencies (core, ffi) that other suites change.
cargo test --manifest-path fuzz/Cargo.toml -p corsguard-fuzz-check

if [ "${FUZZ_SMOKE:-1}" = "0" ]; then
    echo "== fuzz: smoke run skipped (FUZZ_SMOKE=0)"
    exit 0
fi

# A fuzzing toolchain: cargo-fuzz, and nightly or RUSTC_BOOTSTRAP for its -Z flags.
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== fuzz: installing cargo-fuzz $cargo_fuzz_version"
    if ! cargo install cargo-fuzz --version "$cargo_fuzz_version" --locked; then
        echo "== fuzz: SKIPPED smoke run: cargo-fuzz $cargo_fuzz_version could not be installed"
        exit 0
    fi
fi
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    fuzz=(cargo +nightly fuzz)
    echo "== fuzz: smoke run with the nightly toolchain"
else
    export RUSTC_BOOTSTRAP=1
    fuzz=(cargo fuzz)
    echo "== fuzz: smoke run with the stable toolchain and RUSTC_BOOTSTRAP=1 (no nightly installed)"
fi
if ! command -v c++ >/dev/null 2>&1 && ! command -v g++ >/dev/null 2>&1; then
    echo "== fuzz: installing a C++ compiler (libfuzzer-sys builds libFuzzer)"
    apt-get update -qq && apt-get install -y -qq g++
fi

cd fuzz
targets=$("${fuzz[@]}" list)
echo "== fuzz: building $(echo "$targets" | wc -l) targets (-O --debug-assertions, AddressSanitizer)"
"${fuzz[@]}" build -O --debug-assertions

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
passed=0
failed=0
for t in $targets; do
    mkdir -p "$scratch/$t"
    # New inputs go to the scratch directory first, so the committed corpus is only read.
    if "${fuzz[@]}" run -O --debug-assertions "$t" "$scratch/$t" "corpus/$t" -- \
        -max_total_time="$smoke_secs" -dict="$PWD/corsguard.dict" -timeout=10 -print_final_stats=1 \
        >"$scratch/$t.log" 2>&1; then
        runs=$(grep -m1 'stat::number_of_executed_units' "$scratch/$t.log" | awk '{print $2}')
        echo "fuzz smoke $t: ok, ${smoke_secs}s, ${runs:-?} executions"
        passed=$((passed + 1))
    else
        echo "fuzz smoke $t: FAILED; the end of its log:"
        tail -n 60 "$scratch/$t.log"
        ls artifacts/"$t" 2>/dev/null | sed 's/^/  artifact: fuzz\/artifacts\/'"$t"'\//' || true
        failed=$((failed + 1))
    fi
done
echo "fuzz smoke: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
