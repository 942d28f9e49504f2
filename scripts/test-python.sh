#!/usr/bin/env bash
# The Python package (bindings/python): builds and installs it into a venv of its own, then runs its pytest
# suite (every shared vector, Hypothesis properties, the ASGI, WSGI and Django middleware behind real uvicorn
# and waitress servers over loopback, threads), mypy --strict over the package, its tests, examples and
# benchmarks, and rustfmt and clippy over the extension crate. Installs what it lacks from PyPI, once: the
# venv is kept in target/python/ (git-ignored) and only refreshed when bindings/python/requirements-test.txt
# changes. Needs python3 (>= 3.9) and cargo.
#
#   scripts/test-python.sh                  build and install the package (always), then test it
#   scripts/test-python.sh --install-only   only make sure the venv holds the package built from the current
#                                           sources: build and install it when it is missing or stale, else
#                                           nothing (scripts/test-e2e.sh calls this; the venv is in
#                                           CORSGUARD_PYTHON_VENV, default target/python/venv)
set -euo pipefail
cd "$(dirname "$0")/.."
install_only=0
case "${1:-}" in
  "") ;;
  --install-only) install_only=1 ;;
  *) echo "usage: scripts/test-python.sh [--install-only]" >&2; exit 2 ;;
esac
start=$SECONDS
root=$PWD
venv="${CORSGUARD_PYTHON_VENV:-$root/target/python/venv}"
requirements=bindings/python/requirements-test.txt
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target/python/cargo}"

command -v cargo >/dev/null || { echo "cargo is needed: https://rustup.rs"; exit 1; }
command -v python3 >/dev/null || { apt-get update -qq && apt-get install -y -qq python3 >/dev/null; }
if [ ! -x "$venv/bin/python" ]; then
  echo "--- creating the venv $venv"
  if ! python3 -m venv "$venv" 2>/dev/null; then
    rm -rf "$venv"
    apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv "$venv"
  fi
fi
export PATH="$venv/bin:$PATH"
wanted=$(sha256sum "$requirements" | cut -d' ' -f1)
if [ "$(cat "$venv/.requirements.sha256" 2>/dev/null)" != "$wanted" ]; then
  echo "--- installing the test requirements ($requirements)"
  python -m pip install -q --disable-pip-version-check -r "$requirements"
  echo "$wanted" > "$venv/.requirements.sha256"
fi

# What the installed package is built from: the extension crate, the pure-Python package and the core. The
# hash is written into the venv after each install, so --install-only can tell a stale install from a fresh one.
sources_hash() {
  find bindings/python/Cargo.toml bindings/python/Cargo.lock bindings/python/pyproject.toml bindings/python/README.md \
       bindings/python/src bindings/python/python core/Cargo.toml core/src \
       -name __pycache__ -prune -o -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1
}
built=$(sources_hash)
if [ "$install_only" -eq 1 ] && [ "$(cat "$venv/.package.sha256" 2>/dev/null)" = "$built" ] \
    && python -c 'import corsguard' 2>/dev/null; then
  echo "--- the package in $venv is up to date"
  exit 0
fi
echo "--- building and installing the package (maturin, release, abi3)"
rm -f "$venv/.package.sha256"
python -m pip install -q --disable-pip-version-check --no-build-isolation --no-deps --force-reinstall ./bindings/python
site=$(python -c 'import corsguard, os; print(os.path.dirname(corsguard.__file__))')
ls "$site"/_corsguard.abi3.so >/dev/null || { echo "the extension is not an abi3 build"; exit 1; }
echo "$built" > "$venv/.package.sha256"
if [ "$install_only" -eq 1 ]; then
  echo "python: package installed in $((SECONDS - start)) s"
  exit 0
fi

status=0
echo "--- cargo fmt --check and clippy -D warnings (the extension crate, its own workspace)"
(cd bindings/python && cargo fmt --check && PYO3_PYTHON="$venv/bin/python" cargo clippy -q --release --locked -- -D warnings) || status=1
echo "--- pytest"
(cd bindings/python && python -m pytest -q -p no:cacheprovider) || status=1
echo "--- mypy --strict (package, tests, examples, benchmarks)"
(cd bindings/python && python -m mypy --cache-dir "$root/target/python/mypy-cache") || status=1

if [ "$status" -eq 0 ]; then
  echo "python: ok in $((SECONDS - start)) s"
else
  echo "python: FAILED in $((SECONDS - start)) s"
fi
exit "$status"
