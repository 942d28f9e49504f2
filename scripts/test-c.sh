#!/usr/bin/env bash
# The C ABI suite: header freshness, Rust-side FFI tests, install + pkg-config, and the C tests in tests/c
# linked statically and dynamically, under ASan+UBSan, valgrind memcheck and helgrind.
#
# Installs what it lacks (idempotent): valgrind and pkg-config with apt-get, cbindgen 0.29.4 with cargo.
# Exits non-zero on any failure; the last line is "test-c: N passed, M failed" (C test cases over all runs).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CBINDGEN_VERSION=0.29.4
BUILD="$ROOT/tests/c/build"
PREFIX="$BUILD/prefix"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
CC="${CC:-gcc}"
CXX="${CXX:-g++}"
WARN=(-Wall -Wextra -Werror -pedantic)
SAN=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
VALGRIND=(valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible)

step() { printf '\n== %s\n' "$*"; }
start=$(date +%s)

# --- tools -------------------------------------------------------------------------------------------------
apt_install() {
    if [ -z "${APT_UPDATED:-}" ]; then
        apt-get update -qq
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
command -v "$CC" >/dev/null || apt_install gcc
command -v "$CXX" >/dev/null || apt_install g++
command -v make >/dev/null || apt_install make
command -v readelf >/dev/null || apt_install binutils
command -v python3 >/dev/null || apt_install python3
command -v valgrind >/dev/null || apt_install valgrind
command -v pkg-config >/dev/null || apt_install pkg-config
if [ "$(cbindgen --version 2>/dev/null)" != "cbindgen $CBINDGEN_VERSION" ]; then
    step "installing cbindgen $CBINDGEN_VERSION"
    cargo install cbindgen --version "$CBINDGEN_VERSION" --locked
fi

rm -rf "$BUILD"
mkdir -p "$BUILD"

# --- the header is what cbindgen makes of ffi/src, and compiles as C and C++ --------------------------------
step "include/corsguard.h is fresh"
cbindgen --quiet --config ffi/cbindgen.toml --crate corsguard-ffi --output "$BUILD/corsguard.h"
if ! diff -u include/corsguard.h "$BUILD/corsguard.h"; then
    echo "include/corsguard.h is stale: regenerate it with" >&2
    echo "  cbindgen --config ffi/cbindgen.toml --crate corsguard-ffi --output include/corsguard.h" >&2
    exit 1
fi
step "the header compiles as C99, C11, C++11 and C++17 with ${WARN[*]}"
printf '#include "corsguard.h"\nint main(void) { return corsguard_version() == 0; }\n' >"$BUILD/header.c"
cp "$BUILD/header.c" "$BUILD/header.cpp"
for std in c99 c11; do "$CC" -std=$std "${WARN[@]}" -Iinclude -c "$BUILD/header.c" -o /dev/null; done
for std in c++11 c++17; do "$CXX" -std=$std "${WARN[@]}" -Iinclude -c "$BUILD/header.cpp" -o /dev/null; done

# The ffi crate's own Rust tests (panic injection, which C cannot do) run once, in scripts/test-rust.sh.

# --- install into a temporary prefix; everything below links against the installed files -----------------
step "make -C ffi install (and DESTDIR staging)"
make -s -C ffi install PREFIX="$PREFIX" >/dev/null
make -s -C ffi install PREFIX=/usr/local DESTDIR="$BUILD/stage" >/dev/null
for f in lib/libcorsguard.a lib/libcorsguard.so "lib/$(make -s -C ffi print-soname)" include/corsguard.h \
    lib/pkgconfig/corsguard.pc; do
    test -e "$PREFIX/$f" || { echo "not installed: $f" >&2; exit 1; }
    test -e "$BUILD/stage/usr/local/$f" || { echo "not staged under DESTDIR: $f" >&2; exit 1; }
done
grep -q '^prefix=/usr/local$' "$BUILD/stage/usr/local/lib/pkgconfig/corsguard.pc"
cmp include/corsguard.h "$PREFIX/include/corsguard.h"
export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig"
PC_CFLAGS=$(pkg-config --cflags corsguard)
PC_LIBS=$(pkg-config --libs corsguard)
PC_STATIC=$(pkg-config --static --libs-only-other --libs-only-l corsguard | sed 's/-lcorsguard//')
STATIC_LIB="$PREFIX/lib/libcorsguard.a"
export LD_LIBRARY_PATH="$PREFIX/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# --- the documented examples: tests/c/readme_example.c is docs/c-api.md's example verbatim, and each C block of
# README.md is an excerpt of one of the programs built and run by the suites (its lines in order, indentation
# aside; a line `/* ... */` marks a cut), so no document can drift from the code ------------------------------
step "documented examples: docs/c-api.md has tests/c/readme_example.c verbatim, README.md's C blocks are excerpts; build, run"
python3 - "$ROOT/tests/c/readme_example.c" "$ROOT/docs/c-api.md" "$ROOT/README.md" \
    "$ROOT/bindings/civetweb/example_server.c" <<'EOF'
import re, sys
example = open(sys.argv[1]).read()
def c_blocks(path):
    return re.findall(r"```c\n(.*?)```", open(path).read(), re.S)
if example not in c_blocks(sys.argv[2]):
    sys.exit("docs/c-api.md does not contain tests/c/readme_example.c verbatim as a ```c block")
sources = {path: [line.strip() for line in open(path).read().splitlines()] for path in [sys.argv[1]] + sys.argv[4:]}
def excerpt_of(block, lines):
    at = 0
    chunks = [[]]
    for line in block.splitlines():
        if line.strip() == "/* ... */":
            chunks.append([])
        else:
            chunks[-1].append(line.strip())
    for chunk in filter(None, chunks):
        end = len(lines) - len(chunk) + 1
        found = next((i for i in range(at, end) if lines[i:i + len(chunk)] == chunk), None)
        if found is None:
            return False
        at = found + len(chunk)
    return True
readme_blocks = c_blocks(sys.argv[3])
if not readme_blocks:
    sys.exit("README.md has no ```c block")
if not excerpt_of(readme_blocks[0], sources[sys.argv[1]]):
    sys.exit("README.md's first C block is not an excerpt of tests/c/readme_example.c")
for block in readme_blocks:
    if not any(excerpt_of(block, lines) for lines in sources.values()):
        sys.exit("README.md has a C block that is not an excerpt, in order, of any of " + ", ".join(sources)
                 + ":\n  " + "\n  ".join(block.splitlines()))
EOF
# shellcheck disable=SC2086 # pkg-config output is a list of flags
cc -std=c99 "${WARN[@]}" tests/c/readme_example.c $PC_CFLAGS $PC_LIBS -o "$BUILD/readme_example"
"$BUILD/readme_example" >/dev/null 2>&1
# shellcheck disable=SC2086
cc -std=c99 "${WARN[@]}" tests/c/readme_example.c $PC_CFLAGS "$STATIC_LIB" $PC_STATIC -o "$BUILD/readme_example_static"
"$BUILD/readme_example_static" >/dev/null 2>&1
if readelf -d "$BUILD/readme_example_static" | grep -q 'libcorsguard'; then
    echo "the static build still needs libcorsguard.so" >&2
    exit 1
fi

# --- the C tests: build each statically and dynamically, with and without sanitizers -----------------------
step "generating the vector data from tests/vectors"
python3 tests/c/gen_vectors.py include/corsguard.h "$BUILD/vectors_data.c" tests/vectors/*.json

declare -A SOURCES=(
    [api]="tests/c/test_api.c"
    [vectors]="tests/c/test_vectors.c $BUILD/vectors_data.c"
    [threads]="tests/c/test_threads.c"
)
# shellcheck disable=SC2086
for t in api vectors threads; do
    "$CC" -std=c99 "${WARN[@]}" -g -O1 "${SAN[@]}" -Itests/c $PC_CFLAGS ${SOURCES[$t]} "$STATIC_LIB" $PC_STATIC \
        -o "$BUILD/$t-asan-static"
    "$CC" -std=c99 "${WARN[@]}" -g -O1 "${SAN[@]}" -Itests/c $PC_CFLAGS ${SOURCES[$t]} $PC_LIBS -lpthread \
        -o "$BUILD/$t-asan-dynamic"
    "$CC" -std=c99 "${WARN[@]}" -g -O1 -Itests/c $PC_CFLAGS ${SOURCES[$t]} "$STATIC_LIB" $PC_STATIC \
        -o "$BUILD/$t-static"
    "$CC" -std=c99 "${WARN[@]}" -g -O1 -Itests/c $PC_CFLAGS ${SOURCES[$t]} $PC_LIBS -lpthread -o "$BUILD/$t-dynamic"
done
# shellcheck disable=SC2086
"$CXX" -std=c++11 "${WARN[@]}" -g "${SAN[@]}" $PC_CFLAGS tests/c/header_cxx.cpp "$STATIC_LIB" $PC_STATIC \
    -o "$BUILD/cxx-asan-static"

passed=0
failed=0
run() { # run LABEL COMMAND...: runs one C test binary and adds its "N passed, M failed" line to the totals
    local label=$1 out status=0 line n_passed=0 n_failed=1
    shift
    out=$("$@" 2>"$BUILD/stderr") || status=$?
    line=$(printf '%s\n' "$out" | grep -E '^[a-z+]+: [0-9]+ passed, [0-9]+ failed$' | tail -n 1 || true)
    if [ -n "$line" ]; then
        n_passed=$(sed -E 's/^[^:]+: ([0-9]+) passed.*/\1/' <<<"$line")
        n_failed=$(sed -E 's/.* ([0-9]+) failed$/\1/' <<<"$line")
    fi
    # A clean count with a bad exit is a sanitizer, leak or valgrind report: one more failure.
    if [ $status -ne 0 ] && [ "$n_failed" -eq 0 ]; then n_failed=1; fi
    passed=$((passed + n_passed))
    failed=$((failed + n_failed))
    if [ "$n_failed" -ne 0 ]; then
        echo "FAIL $label (exit $status)"
        printf '%s\n' "$out" | tail -n 20
        tail -n 40 "$BUILD/stderr"
    else
        echo "ok   $label: ${line#*: }"
    fi
}

step "C tests under AddressSanitizer + UndefinedBehaviorSanitizer"
for t in api vectors threads; do
    run "$t (asan+ubsan, static)" "$BUILD/$t-asan-static"
    run "$t (asan+ubsan, shared)" "$BUILD/$t-asan-dynamic"
done
run "c++ header (asan+ubsan, static)" "$BUILD/cxx-asan-static"

step "C tests under valgrind memcheck"
for t in api vectors; do
    run "$t (memcheck, static)" "${VALGRIND[@]}" "$BUILD/$t-static"
    run "$t (memcheck, shared)" "${VALGRIND[@]}" "$BUILD/$t-dynamic"
done
run "threads (memcheck, static)" "${VALGRIND[@]}" "$BUILD/threads-static" 20
run "threads (memcheck, shared)" "${VALGRIND[@]}" "$BUILD/threads-dynamic" 20
step "threads under valgrind helgrind (data races on the shared policy)"
run "threads (helgrind, shared)" valgrind -q --tool=helgrind --error-exitcode=1 "$BUILD/threads-dynamic" 5

echo
echo "test-c took $(($(date +%s) - start))s"
echo "test-c: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
