#!/usr/bin/env bash
# The Rust suites of the workspace: formatting, lints (including the core's no-panic lints), unit, integration,
# property and vector tests, doc tests, and the demo.
set -euo pipefail
cd "$(dirname "$0")/.."

for component in rustfmt clippy; do
  if ! rustup component list --installed 2>/dev/null | grep -q "^$component"; then
    rustup component add "$component"
  fi
done

echo "--- cargo fmt --check"
cargo fmt --all -- --check
echo "--- cargo clippy (workspace, all targets, -D warnings)"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "--- cargo clippy (core as a library without tests: the no-panic lints apply)"
cargo clippy -p corsguard --lib --locked -- -D warnings
echo "--- cargo build -p corsguard --lib (the core is #![no_std]: any use of std fails this build)"
cargo build -p corsguard --lib --locked
echo "--- cargo test (workspace default members, including doc tests)"
cargo test --locked
echo "--- the demos: decisions, and a real HTTP server answering real requests over loopback"
cargo run -q --locked -p corsguard --example demo > /dev/null
cargo run -q --locked -p corsguard --example server -- --demo > /dev/null
