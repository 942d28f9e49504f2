#!/usr/bin/env bash
# Instruction counts per call under valgrind's callgrind, for every case and both implementations: stable
# figures whatever else the machine is doing. One call costs (Ir(N calls) - Ir(0 calls)) / N, with the same
# setup in both runs. Writes TSV (group, case, implementation, instructions per call) to stdout.
# Usage: bash benches/callgrind.sh [calls] [case-filter-regex]
set -euo pipefail
cd "$(dirname "$0")/.."
calls="${1:-1000}"
filter="${2:-.}"
command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind >/dev/null; }
target="${CARGO_TARGET_DIR:-target}"
# CALLGRIND_BIN: a driver built earlier (to count a previous version of the core).
bin="${CALLGRIND_BIN:-$target/release/examples/callgrind}"
# The C ABI runs in a driver of its own (see benches/examples/callgrind_c_abi.rs).
c_bin="${CALLGRIND_C_BIN:-$target/release/examples/callgrind_c_abi}"
[ -n "${CALLGRIND_BIN:-}" ] || cargo build -q --release -p corsguard-benches --example callgrind --example callgrind_c_abi
cases=$("$bin" --list)
collected() {
  local driver="$bin"
  case "$2" in c-abi | c-abi-headers) driver="$c_bin" ;; esac
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$driver" "$@" 2>&1 | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
printf 'group\tcase\timplementation\tinstructions\n'
for id in $cases; do
  [[ "$id" =~ $filter ]] || continue
  for impl in ${CALLGRIND_IMPLS:-corsguard corsguard-decide tower-http}; do
    base=$(collected "$id" "$impl" 0 "$calls")
    full=$(collected "$id" "$impl" "$calls" "$calls")
    printf '%s\t%s\t%s\t%s\n' "${id%%/*}" "${id#*/}" "$impl" "$(( (full - base) / calls ))"
  done
done
