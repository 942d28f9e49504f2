#!/usr/bin/env bash
# The Go suite: the module in bindings/go over the C library.
#   1. `make -C ffi install` into bindings/go/build/prefix (git-ignored), found through PKG_CONFIG_PATH, as a
#      user's `pkg-config corsguard` would find /usr/local;
#   2. gofmt and go vet (the library, the example server, the benchmark module when its peers download);
#   3. go test: every shared vector and policy file, the handler behind httptest and a real http.Server,
#      allocation counts, FuzzDecide's seeds, with GODEBUG=cgocheck=1;
#   4. the same under -race (32 goroutines deciding at once among them), and built with GOEXPERIMENT=cgocheck2;
#   5. FuzzDecide for $GO_FUZZTIME executions (default 200000x, about 20 s);
#   6. the example server on 127.0.0.1, driven by curl.
#
# Installs what it lacks with apt-get (pkg-config, curl). Needs Go 1.22 or later. Exits non-zero on any
# failure; the last line is "test-go: N passed, M failed" (steps, and Go tests of the main run).
#
#   scripts/test-go.sh --build-only   step 1 and the example server only, into bindings/go/build/corsguard-example
#                                     (run path to the prefix's library built in); scripts/test-e2e.sh runs this
set -euo pipefail
build_only=0
case "${1:-}" in
--build-only) build_only=1 ;;
"") ;;
*) echo "usage: scripts/test-go.sh [--build-only]" >&2; exit 2 ;;
esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
GO_DIR="$ROOT/bindings/go"
PREFIX="$GO_DIR/build/prefix"
# A count, not a duration: with a duration, Go 1.26's fuzz coordinator can report "context deadline exceeded"
# at the deadline with no failing input (golang/go#75804, fixed in Go 1.27); a count never races a deadline.
FUZZTIME="${GO_FUZZTIME:-200000x}"

start=$SECONDS
step() { printf '\n== %s\n' "$*"; }
passed=0
failed=0
pass() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }
run() { # run NAME COMMAND...: one step, counted
    local name=$1
    shift
    if "$@"; then pass "$name"; else fail "$name"; fi
}
finish() {
    echo
    echo "test-go took $((SECONDS - start)) s"
    echo "test-go: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

apt_install() {
    if [ -z "${APT_UPDATED:-}" ]; then
        apt-get update -qq
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
command -v pkg-config >/dev/null || apt_install pkg-config
[ "$build_only" = 1 ] || command -v curl >/dev/null || apt_install curl
if ! command -v go >/dev/null; then
    echo "test-go: Go 1.22 or later is needed (https://go.dev/dl/)" >&2
    exit 1
fi
go_minor=$(go env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*/\1/p')
if [ "${go_minor:-0}" -lt 22 ]; then
    echo "test-go: Go 1.22 or later is needed, found $(go env GOVERSION)" >&2
    exit 1
fi

step "make -C ffi install PREFIX=bindings/go/build/prefix"
make -s -C ffi install PREFIX="$PREFIX" >/dev/null
export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export LD_LIBRARY_PATH="$PREFIX/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
pkg-config --exists corsguard
cd "$GO_DIR"
# The example server, linked with a run path to the prefix so that it runs without LD_LIBRARY_PATH.
build_example() {
    CGO_LDFLAGS="-Wl,-rpath,$PREFIX/lib${CGO_LDFLAGS:+ $CGO_LDFLAGS}" go build -o "$GO_DIR/build/corsguard-example" \
        ./cmd/corsguard-example
}
if [ "$build_only" = 1 ]; then
    build_example
    echo "test-go: built $GO_DIR/build/corsguard-example"
    exit 0
fi

step "gofmt and go vet"
unformatted=$(gofmt -l .)
[ -z "$unformatted" ] || echo "not gofmt-formatted: $unformatted"
run "gofmt" test -z "$unformatted"
run "go vet ./..." go vet ./...
if (cd bench && go mod download 2>/dev/null); then
    run "go vet (bench module)" bash -c 'cd bench && go vet ./...'
else
    echo "skip go vet of bench/: jub0bs/cors and rs/cors did not download"
fi

step "go test with GODEBUG=cgocheck=1"
log="$GO_DIR/build/go-test.log"
if GODEBUG=cgocheck=1 go test -count=1 -v ./... >"$log" 2>&1; then
    pass "go test ./..."
else
    grep -E '^(---|FAIL|panic|\s+\S+_test\.go)' "$log" | head -40
    fail "go test ./..."
fi
tests_passed=$(grep -c '^--- PASS' "$log" || true)
tests_failed=$(grep -c '^--- FAIL' "$log" || true)
grep -E '^\s+vectors_test.go:[0-9]+: [0-9]+ vectors' "$log" | sed 's/^ *//' || true
echo "Go tests: $tests_passed passed, $tests_failed failed"
passed=$((passed + tests_passed))
failed=$((failed + tests_failed))

step "go test -race (32 goroutines deciding at once among the tests)"
run "go test -race" go test -count=1 -race ./...

step "go test built with GOEXPERIMENT=cgocheck2 (every pointer C writes into Go memory checked)"
run "GOEXPERIMENT=cgocheck2 go test" env GOEXPERIMENT=cgocheck2 go test -count=1 .

step "FuzzDecide for $FUZZTIME (its seeds and testdata/fuzz ran with go test above)"
run "go test -fuzz FuzzDecide" go test -run '^$' -fuzz '^FuzzDecide$' -fuzztime "$FUZZTIME" .

step "the example server on 127.0.0.1, driven by curl"
example() {
    local bin="$GO_DIR/build/corsguard-example" policy="$GO_DIR/build/example.policy" port pid out ok=0
    build_example
    printf 'origins = https://app.example.com\ncredentials = true\nmethods = GET, POST, PURGE\n' >"$policy"
    port=$((20000 + RANDOM % 20000))
    "$bin" --policy "$policy" --port "$port" 2>"$GO_DIR/build/example.log" &
    pid=$!
    for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
    out=$(curl -si -X OPTIONS -H 'Origin: https://app.example.com' -H 'Access-Control-Request-Method: PURGE' \
        "http://127.0.0.1:$port/api/echo")
    grep -q '^HTTP/1.1 204' <<<"$out" && grep -qi '^Access-Control-Allow-Methods: GET, POST, PURGE' <<<"$out" || ok=1
    out=$(curl -si -H 'Origin: https://app.example.com' "http://127.0.0.1:$port/api/items")
    grep -q '^HTTP/1.1 200' <<<"$out" && grep -q '^Vary: Accept-Encoding' <<<"$out" &&
        grep -q '^Access-Control-Allow-Origin: https://app.example.com' <<<"$out" || ok=1
    out=$(curl -si -H 'Origin: https://evil.example' "http://127.0.0.1:$port/api/error")
    grep -q '^HTTP/1.1 500' <<<"$out" && ! grep -qi '^Access-Control-Allow-Origin' <<<"$out" || ok=1
    kill -TERM "$pid"
    wait "$pid" || ok=1
    grep -q 'reason=origin_not_allowed code=5' "$GO_DIR/build/example.log" || ok=1
    printf 'origins = *\ncredentials = true\n' >"$policy"
    "$bin" --policy "$policy" --port "$port" 2>"$GO_DIR/build/example.log" && ok=1
    grep -q 'example.policy.*any_origin_with_credentials' "$GO_DIR/build/example.log" || ok=1
    return $ok
}
run "corsguard-example over HTTP" example

finish
