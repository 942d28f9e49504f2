#!/usr/bin/env bash
# The end-to-end suite (tests/e2e, docs/e2e.md): every example server guarded by corsguard, started on a
# loopback port with a policy file, holds to the shared vectors over raw HTTP/1.1 and to headless Chromium.
#
#   scripts/test-e2e.sh [PYTEST-ARGS...]      e.g. scripts/test-e2e.sh -k civetweb
#
# Installs what it lacks (chromium, python3-pytest, nginx and nginx-dev, and through scripts/build-servers.sh the
# C servers' Debian packages), builds the servers (the Rust example with cargo, civetweb and libmicrohttpd with
# scripts/build-servers.sh, the embedded responder against the no_std library, the nginx module with
# make -C bindings/nginx, the Python package into the venv of scripts/test-python.sh when it is missing or older
# than its sources), runs the suite, and prints one line per server, `e2e <server>: N passed, M failed`, and the
# time taken. Exits non-zero on any difference.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# The Python package builds in test-python.sh's own target directory unless one is given, so that a venv built
# here or there is the same build.
python_target="${CARGO_TARGET_DIR:-}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
export CORSGUARD_PYTHON_VENV="${CORSGUARD_PYTHON_VENV:-$ROOT/target/python/venv}" # read by tests/e2e/servers.py
export BUILD_DIR="${BUILD_DIR:-$ROOT/build/servers}" # where scripts/build-servers.sh puts the C servers
export CORSGUARD_E2E_BIN="$BUILD_DIR"
export PYTHONDONTWRITEBYTECODE=1
start=$SECONDS
CC="${CC:-gcc}"

# --- tools -------------------------------------------------------------------------------------------------
need=()
[ -x /usr/lib/chromium/chromium ] || command -v chromium >/dev/null || need+=(chromium)
command -v python3 >/dev/null || need+=(python3)
python3 -c 'import pytest' 2>/dev/null || need+=(python3-pytest)
command -v "$CC" >/dev/null || need+=(gcc)
command -v make >/dev/null || need+=(make)
[ -x /usr/sbin/nginx ] || need+=(nginx)
[ -f /usr/share/nginx/src/conf_flags ] || need+=(nginx-dev)
if [ "${#need[@]}" -gt 0 ]; then
    echo "test-e2e: installing ${need[*]}"
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
command -v cargo >/dev/null || { echo "test-e2e: cargo is required" >&2; exit 1; }

# --- servers -----------------------------------------------------------------------------------------------
echo "test-e2e: building the servers"
cargo build -q -p corsguard --example server
bash scripts/build-servers.sh >/dev/null
# The responder as scripts/test-embedded.sh builds it: the no_std library, malloc and friends wrapped onto abort.
make -s -C ffi embedded >/dev/null
"$CC" -std=c11 -D_DEFAULT_SOURCE -Os -Wall -Wextra -Werror -pedantic -Iinclude tests/embedded/responder.c \
    "$(make -s -C ffi print-embedded-lib)" -Wl,--gc-sections -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free \
    -o "$BUILD_DIR/responder"
# nginx with ngx_http_corsguard_module (bindings/nginx/serve.sh runs it; docs/nginx.md).
make -s -C bindings/nginx >/dev/null
# python-asgi and python-wsgi: bindings/python/examples/server.py in the venv. Under `make test` the python suite
# has just built it, and this finds it up to date.
CARGO_TARGET_DIR="$python_target" bash scripts/test-python.sh --install-only
# The Go example server, against the C library test-go.sh installs into bindings/go/build/prefix (docs/go.md).
bash scripts/test-go.sh --build-only >/dev/null
echo "test-e2e: built in $((SECONDS - start)) s; $("${CHROMIUM:-/usr/lib/chromium/chromium}" --version 2>/dev/null || chromium --version)"

# --- the suite ---------------------------------------------------------------------------------------------
status=0
python3 -m pytest -p no:cacheprovider -q --tb=short -rf tests/e2e "$@" || status=$?
echo "e2e took $((SECONDS - start)) s"
exit "$status"
