#!/usr/bin/env bash
# Builds the C example servers: bindings/civetweb and bindings/microhttpd, each linked statically against the
# repository's libcorsguard. Installs what they need from Debian (libcivetweb-dev, libmicrohttpd-dev,
# pkg-config) when it is missing, and builds the library with `make -C ffi` (cargo rebuilds only what changed).
#
#   scripts/build-servers.sh [--smoke]
#
# The servers land in $BUILD_DIR (default build/servers/, git-ignored): civetweb_example_server and
# mhd_example_server, both run as `SERVER --policy FILE --port N`; the last two lines of output are their
# paths. --smoke then starts each on a free loopback port with a small policy file and checks a few answers
# with curl (the real suite is tests/e2e/).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build/servers}
SMOKE=0
for arg in "$@"; do
    case "$arg" in
        --smoke) SMOKE=1 ;;
        *) echo "usage: $0 [--smoke]" >&2; exit 2 ;;
    esac
done

packages=(libcivetweb-dev libmicrohttpd-dev pkg-config make gcc)
[ "$SMOKE" = 1 ] && packages+=(curl python3)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "build-servers: installing ${missing[*]}"
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

make -s -C ffi build
make -s -C bindings/civetweb BUILD_DIR="$BUILD_DIR"
make -s -C bindings/microhttpd BUILD_DIR="$BUILD_DIR"

if [ "$SMOKE" = 1 ]; then
    work=$(mktemp -d)
    server_pid=""
    cleanup() {
        if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
        rm -rf "$work"
    }
    trap cleanup EXIT
    cat >"$work/policy" <<'EOF'
# build-servers.sh --smoke
origins = https://app.example.com
credentials = true
methods = GET, HEAD, POST, PUT, DELETE
request-headers = content-type
exposed-headers = x-request-id
max-age = 600
EOF
    failures=0
    # check / refute NAME REGEX RESPONSE: the response must (must not) have a line matching REGEX.
    report() {
        if [ "$1" = ok ]; then echo "  ok   $2"; return; fi
        echo "  FAIL $2: $3"
        printf '%s\n' "$4" | sed 's/^/         /'
        failures=$((failures + 1))
    }
    check() {
        if printf '%s' "$3" | grep -Eq -- "$2"; then report ok "$1"; else report fail "$1" "no /$2/ in" "$3"; fi
    }
    refute() {
        if printf '%s' "$3" | grep -Eq -- "$2"; then report fail "$1" "/$2/ present in" "$3"; else report ok "$1"; fi
    }
    for server in civetweb_example_server mhd_example_server; do
        port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        "$BUILD_DIR/$server" --policy "$work/policy" --port "$port" 2>"$work/$server.log" &
        server_pid=$!
        base="http://127.0.0.1:$port"
        for _ in $(seq 50); do curl -s -o /dev/null "$base/api/items" && break; sleep 0.1; done
        echo "$server on port $port:"
        ok='Origin: https://app.example.com'
        r=$(curl -si -H "$ok" "$base/api/items" | tr -d '\r')
        check "allowed GET: ACAO" '^Access-Control-Allow-Origin: https://app.example.com$' "$r"
        check "allowed GET: Vary appended" '^Vary: Accept-Encoding, Origin$' "$r"
        r=$(curl -si -H 'Origin: https://evil.example' "$base/api/items" | tr -d '\r')
        refute "denied GET: no ACAO" '^Access-Control-' "$r"
        check "denied GET: Vary appended" '^Vary: Accept-Encoding, Origin$' "$r"
        r=$(curl -si -X OPTIONS -H "$ok" -H 'Access-Control-Request-Method: PUT' "$base/api/items" | tr -d '\r')
        check "allowed preflight: 204" '^HTTP/1.1 204' "$r"
        check "allowed preflight: ACAM" '^Access-Control-Allow-Methods: ' "$r"
        r=$(curl -si -X OPTIONS -H "$ok" -H 'Access-Control-Request-Method: PATCH' "$base/api/items" | tr -d '\r')
        check "denied preflight: 403" '^HTTP/1.1 403' "$r"
        refute "denied preflight: no ACAO" '^Access-Control-Allow-Origin' "$r"
        r=$(curl -si -H "$ok" -H "$ok" "$base/api/echo" | tr -d '\r')
        refute "two Origin lines: no ACAO" '^Access-Control-Allow-Origin' "$r"
        r=$(curl -si -H "$ok" "$base/nowhere" | tr -d '\r')
        check "404 carries ACAO" '^Access-Control-Allow-Origin: https://app.example.com$' "$r"
        r=$(curl -si -H "$ok" "$base/api/error" | tr -d '\r')
        check "500 carries ACAO" '^Access-Control-Allow-Origin: https://app.example.com$' "$r"
        kill -TERM "$server_pid"
        if wait "$server_pid"; then echo "  ok   stops on SIGTERM"; else
            echo "  FAIL stops on SIGTERM (exit $?)"; failures=$((failures + 1)); fi
        server_pid=""
    done
    [ "$failures" = 0 ] || { echo "build-servers: $failures smoke check(s) failed" >&2; exit 1; }
fi

echo "$BUILD_DIR/civetweb_example_server"
echo "$BUILD_DIR/mhd_example_server"
