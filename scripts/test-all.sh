#!/usr/bin/env bash
# Every test suite of the project, in order. Each scripts/test-<part>.sh installs what it needs and exits
# non-zero on failure; this script runs them all, then prints one summary line.
set -uo pipefail
cd "$(dirname "$0")/.."

suites=(rust nostd vectors c embedded python go e2e nginx fuzz bench)
passed=0
failed=0
failures=()
for suite in "${suites[@]}"; do
  script="scripts/test-$suite.sh"
  [ -f "$script" ] || continue
  echo
  echo "=============== $suite ($script)"
  start=$SECONDS
  if bash "$script"; then
    passed=$((passed + 1))
    echo "=============== $suite: ok in $((SECONDS - start)) s"
  else
    failed=$((failed + 1))
    failures+=("$suite")
    echo "=============== $suite: FAILED in $((SECONDS - start)) s"
  fi
done
echo
[ "$failed" -eq 0 ] || echo "failed suites: ${failures[*]}"
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
