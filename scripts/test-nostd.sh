#!/usr/bin/env bash
# no_std suite: builds and runs
#   tests/no_std_consumer  a #![no_std] program with no allocator that builds a policy from static data,
#                          decides requests and checks every rendered byte (dev and release builds);
#   tests/no_panic         the no-panic link test: release + LTO, the panic handler calls an undefined
#                          symbol, so it links only if no panic path in corsguard survives optimisation;
#                          plus a negative control that plants one panic and must fail to link.
# Both crates are their own workspaces (empty [workspace] table), so the main workspace never builds them.
# Exits non-zero on any failure. Takes about 15 s on a fresh 2-core machine once crates are fetched.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${NOSTD_TARGET_DIR:-/tmp/corsguard-nostd-target}"

need_apt=()
command -v cc >/dev/null 2>&1 || need_apt+=(gcc libc6-dev)
command -v nm >/dev/null 2>&1 || need_apt+=(binutils)
if ((${#need_apt[@]})); then
    echo "test-nostd: installing ${need_apt[*]}"
    apt-get update -qq && apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
command -v cargo >/dev/null 2>&1 || { echo "test-nostd: cargo is required" >&2; exit 1; }

passed=0
failed=0
pass() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1" >&2; failed=$((failed + 1)); }

# Runs a built program, expecting exit status 0 and `want` as its last line of output.
run_expect() {
    local name="$1" want="$2"
    shift 2
    local out status=0
    out="$("$@" 2>&1)" || status=$?
    if [[ $status -eq 0 && "$(tail -n 1 <<<"$out")" == "$want" ]]; then
        pass "$name"
    else
        echo "$out" >&2
        fail "$name (exit $status)"
    fi
}

# A program that has no allocator must not import one.
no_allocator() {
    local name="$1" binary="$2"
    local imports
    imports="$(nm -D --undefined-only "$binary" | awk '{print $NF}' | sed 's/@.*//')"
    if grep -qxE 'malloc|calloc|realloc|free|posix_memalign|aligned_alloc|__rust_alloc' <<<"$imports"; then
        echo "$imports" >&2
        fail "$name imports an allocator"
    else
        pass "$name imports no allocator"
    fi
}

consumer="$root/tests/no_std_consumer/Cargo.toml"
for profile in dev release; do
    flag=()
    dir=debug
    if [[ $profile == release ]]; then
        flag=(--release)
        dir=release
    fi
    if cargo build --quiet --locked --manifest-path "$consumer" "${flag[@]}"; then
        pass "no_std consumer builds ($profile)"
        run_expect "no_std consumer runs and checks its decisions ($profile)" "no_std consumer: ok" \
            "$CARGO_TARGET_DIR/$dir/no_std_consumer"
        no_allocator "no_std consumer ($profile)" "$CARGO_TARGET_DIR/$dir/no_std_consumer"
    else
        fail "no_std consumer builds ($profile)"
    fi
done

no_panic="$root/tests/no_panic/Cargo.toml"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if cargo build --quiet --locked --release --manifest-path "$no_panic" 2>"$log"; then
    pass "no-panic link test links (no reachable panic in corsguard)"
    bin="$CARGO_TARGET_DIR/release/no_panic"
    run_expect "no-panic program runs (default inputs)" "no_panic: ok" "$bin"
    run_expect "no-panic program runs (hostile inputs)" "no_panic: ok" "$bin" \
        $'https://\xff\xfe.example' OPTIONS $'TR\tACE' "$(printf 'x,%.0s' {1..3000})" $'a\r\nb' TRUE \
        'https://*.co.uk' '*://[::1' $'origins = https://a.example,,\r\nmax-age = 99999999999\n\xff'
    run_expect "no-panic program runs (allowed preflight)" "no_panic: ok" "$bin" \
        'http://localhost:5173' OPTIONS PUT 'content-type' 'x-request-id' true 'http://*.localhost:*' 'http://localhost:*'
    no_allocator "no-panic program" "$bin"
else
    cat "$log" >&2
    fail "no-panic link test links: a panic path in corsguard survived optimisation; rebuild with
      CARGO_PROFILE_RELEASE_DEBUG=line-tables-only RUSTFLAGS='-C link-arg=-Wl,--defsym=corsguard_reachable_panic=0'
      then objdump -d the binary and addr2line -i the calls to core::panicking / *_fail to find it"
fi
# Negative control: a planted panic must make the link fail, or the test above proves nothing.
if cargo build --quiet --locked --release --manifest-path "$no_panic" --features deliberate-panic 2>"$log"; then
    fail "negative control: a planted panic linked, so the no-panic link test cannot detect panics"
elif grep -q "corsguard_reachable_panic" "$log"; then
    pass "negative control: a planted panic fails to link"
else
    cat "$log" >&2
    fail "negative control failed to build for another reason"
fi

echo "test-nostd: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
