#!/usr/bin/env bash
# The nginx module (bindings/nginx, docs/nginx.md): builds libcorsguard and ngx_http_corsguard_module.so
# against Debian's nginx-dev, checks that Debian's nginx loads it, then runs the end-to-end suite's cases for
# nginx (tests/e2e: wire, server and browser cases through bindings/nginx/serve.sh) and the nginx-specific
# cases (tests/nginx: nginx -t errors, inheritance, upstreams, error pages, keep-alive, logs, reload).
#
#   scripts/test-nginx.sh [PYTEST-ARGS...]
#
# Installs what it lacks (idempotent): nginx, nginx-dev, wrk (used by the benchmark in BENCHMARKS.md, not
# here), curl (HTTP/2 cases), python3-pytest, chromium. Exits non-zero on any failure; the last line is
# "test-nginx: N passed, M failed".
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
export PYTHONDONTWRITEBYTECODE=1
NGINX="${NGINX:-/usr/sbin/nginx}"
start=$SECONDS

step() { printf '\n== %s\n' "$*"; }

# --- tools -------------------------------------------------------------------------------------------------
need=()
[ -x "$NGINX" ] || need+=(nginx)
[ -f /usr/share/nginx/src/conf_flags ] || need+=(nginx-dev)
command -v wrk >/dev/null || need+=(wrk)
command -v curl >/dev/null || need+=(curl)
command -v python3 >/dev/null || need+=(python3)
python3 -c 'import pytest' 2>/dev/null || need+=(python3-pytest)
[ -x /usr/lib/chromium/chromium ] || command -v chromium >/dev/null || need+=(chromium)
command -v gcc >/dev/null || need+=(gcc)
command -v make >/dev/null || need+=(make)
if [ "${#need[@]}" -gt 0 ]; then
    step "installing ${need[*]}"
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
command -v cargo >/dev/null || { echo "test-nginx: cargo is required" >&2; exit 1; }

# The module is compiled against nginx-dev's headers and configure flags: they must be the binary's.
binary_version="$(dpkg-query -W -f '${Version}' nginx 2>/dev/null || true)"
dev_version="$(dpkg-query -W -f '${Version}' nginx-dev 2>/dev/null || true)"
if [ "$binary_version" != "$dev_version" ]; then
    echo "test-nginx: nginx $binary_version and nginx-dev $dev_version differ: install the same version" >&2
    exit 1
fi

# --- build -------------------------------------------------------------------------------------------------
step "libcorsguard and ngx_http_corsguard_module.so (nginx $binary_version)"
make -s -C bindings/nginx >/dev/null
module="$(make -s -C bindings/nginx print-module)"
ls -l "$module"

step "Debian's nginx loads the module"
check="$(mktemp -d)"
trap 'rm -rf "$check"' EXIT
printf 'load_module %s;\nevents {}\nhttp {}\n' "$module" >"$check/nginx.conf"
"$NGINX" -t -q -p "$check" -c "$check/nginx.conf" -e stderr -g "pid $check/nginx.pid;"

# --- the cases ---------------------------------------------------------------------------------------------
step "tests/nginx and the e2e suite's nginx cases"
status=0
CORSGUARD_NGINX_MODULE="$module" CORSGUARD_E2E_SERVERS=nginx \
    python3 -m pytest -p no:cacheprovider -q --tb=short -rf tests/nginx tests/e2e "$@" | tee "$check/pytest.log" \
    || status=$?
summary="$(tail -n 1 "$check/pytest.log")"
passed="$(grep -o '[0-9]* passed' <<<"$summary" | cut -d' ' -f1 || true)"
failed="$(grep -o '[0-9]* failed' <<<"$summary" | cut -d' ' -f1 || true)"
echo "nginx took $((SECONDS - start)) s"
echo "test-nginx: ${passed:-0} passed, ${failed:-0} failed"
exit "$status"
