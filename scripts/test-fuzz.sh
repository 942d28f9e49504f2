#!/usr/bin/env bash
# Fuzz suite. 1) Corpus replay on stable: every committed file in fuzz/corpus/<target>/ through the same check
# function its fuzz target calls (no nightly needed). 2) The OSS-Fuzz build checked outside Docker
# (fuzz/oss-fuzz/check-build.sh): an AddressSanitizer build and a coverage build, each with every target in
# $OUT. 3) A smoke run of what the AddressSanitizer build put in $OUT, with each target's shipped options and
# dictionary, two at a time: every cargo-fuzz target for FUZZ_SMOKE_SECS, the C harness for FUZZ_C_SECS.
# 4) Where bindings/python exists, its atheris fuzzer: corpus replay, then FUZZ_PYTHON_SECS (FUZZ_PYTHON=0
# skips it). 5) Where bindings/go exists, its FuzzParsePolicy: seeds, then FUZZ_GO_SECS (FUZZ_GO=0 skips it).
# Steps 2 and 3 need a fuzzing toolchain (cargo-fuzz, nightly or RUSTC_BOOTSTRAP, clang): what is missing is
# installed, and the steps are skipped with a message when cargo-fuzz cannot be. Exits non-zero on any
# failure or crash.
#
# Environment: FUZZ_SMOKE_SECS (default 20) seconds per cargo-fuzz target; FUZZ_C_SECS (default 60) for the C
# harness; FUZZ_SMOKE=0 runs the replay only; FUZZ_COVERAGE_BUILD=0 skips the coverage build.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
smoke_secs="${FUZZ_SMOKE_SECS:-20}"
c_secs="${FUZZ_C_SECS:-60}"
py_secs="${FUZZ_PYTHON_SECS:-30}"
# Go's budget is a count of executions (about 30 s), not a duration: see scripts/test-go.sh (golang/go#75804).
go_execs="${FUZZ_GO_EXECS:-120000}"
cargo_fuzz_version="0.13.2"
atheris_version="3.0.0"

echo "== fuzz: corpus replay (stable)"
# Not --locked: fuzz/Cargo.lock follows path dependencies (core, ffi) that other suites change.
cargo test --manifest-path fuzz/Cargo.toml -p corsguard-fuzz-check

if [ "${FUZZ_SMOKE:-1}" = "0" ]; then
    echo "== fuzz: OSS-Fuzz build check and smoke run skipped (FUZZ_SMOKE=0)"
    exit 0
fi

# A fuzzing toolchain: cargo-fuzz, clang (the C harness, and libFuzzer itself), jq and zip (build.sh and the
# coverage cargo wrapper).
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== fuzz: installing cargo-fuzz $cargo_fuzz_version"
    if ! cargo install cargo-fuzz --version "$cargo_fuzz_version" --locked; then
        echo "== fuzz: SKIPPED build check and smoke run: cargo-fuzz $cargo_fuzz_version could not be installed"
        exit 0
    fi
fi
missing=()
for tool in clang:clang jq:jq zip:zip unzip:unzip; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool#*:}")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "== fuzz: installing ${missing[*]}"
    apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

echo "== fuzz: OSS-Fuzz build check (fuzz/oss-fuzz/check-build.sh)"
builds=(address)
[ "${FUZZ_COVERAGE_BUILD:-1}" = "0" ] || builds+=(coverage)
bash fuzz/oss-fuzz/check-build.sh "$scratch" "${builds[@]}"

# The libFuzzer flags of a shipped <target>.options ([libfuzzer] `key = value` lines), its dictionary
# resolved beside the binary.
options_flags() {
    local options="$1" out_dir="$2"
    [ -f "$options" ] || return 0
    sed -n 's/^[[:space:]]*\([a-z_]*\)[[:space:]]*=[[:space:]]*\(.*[^[:space:]]\)[[:space:]]*$/\1 \2/p' "$options" |
        while read -r key value; do
            [ "$key" = dict ] && value="$out_dir/$value"
            printf -- '-%s=%s\n' "$key" "$value"
        done
}

# Runs one target from $OUT for the given seconds; new inputs go to the scratch directory, so the committed
# corpus is only read.
smoke() {
    local target="$1" secs="$2" out="$scratch/out-address" corpus
    if [ "$target" = c_api ]; then corpus="$root/fuzz/c/corpus"; else corpus="$root/fuzz/corpus/$target"; fi
    mkdir -p "$scratch/new/$target" "$scratch/artifacts/$target"
    local flags
    mapfile -t flags < <(options_flags "$out/$target.options" "$out")
    if (cd "$scratch" && "$out/$target" "$scratch/new/$target" "$corpus" "${flags[@]}" \
        -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$scratch/artifacts/$target/" \
        >"$scratch/smoke-$target.log" 2>&1); then
        runs=$(grep -m1 'stat::number_of_executed_units' "$scratch/smoke-$target.log" | awk '{print $2}')
        echo "fuzz smoke $target: ok, ${secs}s, ${runs:-?} executions"
    else
        echo "fuzz smoke $target: FAILED; the end of its log:"
        tail -n 60 "$scratch/smoke-$target.log"
        for artifact in "$scratch/artifacts/$target"/*; do
            [ -f "$artifact" ] || continue
            mkdir -p "$root/fuzz/artifacts/$target"
            cp "$artifact" "$root/fuzz/artifacts/$target/"
            echo "  artifact: fuzz/artifacts/$target/$(basename "$artifact")"
        done
        return 1
    fi
}
export -f smoke options_flags
export scratch root

targets=(c_api)
for source in fuzz/fuzz_targets/*.rs; do
    targets+=("$(basename "$source" .rs)")
done
echo "== fuzz: smoke run of ${#targets[@]} targets from the AddressSanitizer build, two at a time" \
    "(C harness ${c_secs}s, others ${smoke_secs}s)"
# The C harness first: the longest run, beside the others.
failed=0
for target in "${targets[@]}"; do
    if [ "$target" = c_api ]; then echo "$target $c_secs"; else echo "$target $smoke_secs"; fi
done | xargs -P 2 -L 1 bash -c 'smoke "$0" "$1"' || failed=1
[ "$failed" -eq 0 ] && echo "fuzz smoke: every target passed"

# 4) The Python binding's fuzzer (fuzz/python/), where the binding exists: in scripts/test-python.sh's venv
# (built here with the pinned maturin when that suite has not run), with atheris from PyPI.
if [ -d bindings/python ] && [ "${FUZZ_PYTHON:-1}" != "0" ]; then
    venv="${CORSGUARD_PYTHON_VENV:-$root/target/python/venv}"
    if ! "$venv/bin/python" -c 'import corsguard' >/dev/null 2>&1; then
        echo "== fuzz: building the Python package into $venv"
        [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
        "$venv/bin/python" -m pip install -q --disable-pip-version-check \
            "$(grep -m1 '^maturin==' bindings/python/requirements-test.txt)"
        PATH="$venv/bin:$PATH" CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target/python/cargo}" \
            "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-build-isolation --no-deps \
            ./bindings/python
    fi
    "$venv/bin/python" -m pip install -q --disable-pip-version-check "atheris==$atheris_version"
    mkdir -p "$scratch/new/python" "$scratch/artifacts/python"
    echo "== fuzz: Python binding, corpus replay and ${py_secs}s of atheris (fuzz/python/fuzz_decide.py)"
    if (cd "$scratch" && "$venv/bin/python" "$root/fuzz/python/fuzz_decide.py" -runs=0 "$root/fuzz/python/corpus" \
        >"$scratch/python-replay.log" 2>&1 &&
        "$venv/bin/python" "$root/fuzz/python/fuzz_decide.py" "$scratch/new/python" "$root/fuzz/python/corpus" \
            -dict="$root/fuzz/c/c_api.dict" -max_len=4096 -max_total_time="$py_secs" -print_final_stats=1 \
            -artifact_prefix="$scratch/artifacts/python/" >"$scratch/python-smoke.log" 2>&1); then
        runs=$(grep -m1 'stat::number_of_executed_units' "$scratch/python-smoke.log" | awk '{print $2}')
        echo "fuzz smoke python: ok, ${py_secs}s, ${runs:-?} executions"
    else
        echo "fuzz smoke python: FAILED; the end of its logs:"
        tail -n 30 "$scratch/python-replay.log" "$scratch/python-smoke.log" 2>/dev/null
        mkdir -p fuzz/artifacts/python
        cp "$scratch"/artifacts/python/* fuzz/artifacts/python/ 2>/dev/null || true
        failed=1
    fi
fi

# 5) The Go binding's policy-file fuzz test (bindings/go/fuzz_file_test.go), where the binding exists, against
# the C library scripts/test-go.sh installs into bindings/go/build/prefix (installed here when missing).
# test-go.sh fuzzes the binding's own FuzzDecide.
if [ -d bindings/go ] && [ -f bindings/go/go.mod ] && [ "${FUZZ_GO:-1}" != "0" ] && command -v go >/dev/null; then
    prefix="$root/bindings/go/build/prefix"
    [ -f "$prefix/lib/pkgconfig/corsguard.pc" ] || make -s -C ffi install PREFIX="$prefix" >/dev/null
    echo "== fuzz: Go binding, FuzzParsePolicy's seeds and ${go_execs} executions of go test -fuzz"
    if (cd bindings/go && export PKG_CONFIG_PATH="$prefix/lib/pkgconfig" LD_LIBRARY_PATH="$prefix/lib" &&
        go test -count=1 -run '^FuzzParsePolicy$' . >"$scratch/go-replay.log" 2>&1 &&
        go test -run '^$' -fuzz '^FuzzParsePolicy$' -fuzztime "${go_execs}x" . >"$scratch/go-fuzz.log" 2>&1); then
        echo "fuzz smoke go: ok, $(grep -o 'execs: [0-9]*' "$scratch/go-fuzz.log" | tail -n 1)"
    else
        echo "fuzz smoke go: FAILED; the end of its logs (a failing input is kept in bindings/go/testdata/fuzz/):"
        tail -n 30 "$scratch/go-replay.log" "$scratch/go-fuzz.log" 2>/dev/null
        failed=1
    fi
fi
[ "$failed" -eq 0 ]
