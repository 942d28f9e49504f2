#!/usr/bin/env bash
# Benchmark smoke run (not a timed test): builds the corsguard-benches crate and runs every benchmark once
# in criterion's test mode, the allocation counter (which fails if corsguard allocates while deciding, on every
# benchmark case), and the callgrind driver once. The allocation proof itself is core/tests/no_alloc.rs. The
# real measurement is described in BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "--- cargo test -p corsguard-benches (benches run once each in test mode; the allocation counter fails on any allocation)"
cargo test --locked -p corsguard-benches --all-targets
echo "--- the callgrind driver, without valgrind, on one case of each implementation"
cargo run -q --locked -p corsguard-benches --example callgrind -- core/preflight_5_headers corsguard 10 10
cargo run -q --locked -p corsguard-benches --example callgrind -- core/preflight_5_headers tower-http 10 10
cargo run -q --locked -p corsguard-benches --example callgrind_c_abi -- core/preflight_5_headers c-abi 10 10
cargo run -q --locked -p corsguard-benches --example callgrind -- build_policy/baseline corsguard 2 2
cargo run -q --locked -p corsguard-benches --example callgrind -- build_policy/baseline tower-http 2 2
if command -v python3 >/dev/null; then
  echo "--- benches/report.py compiles"
  python3 -m py_compile benches/report.py
fi
echo "bench smoke: ok"
