# The two commands of the README, and install.
PREFIX ?= /usr/local

.PHONY: demo test install

# The library deciding realistic requests under a built-in default policy, then a real HTTP server guarded by
# it answering real requests over loopback TCP.
demo:
	@command -v cargo >/dev/null || { echo "cargo is needed: https://rustup.rs"; exit 1; }
	cargo run -q -p corsguard --example demo
	cargo run -q -p corsguard --example server -- --demo

# Every test suite: Rust, no_std proofs, C ABI under sanitizers and valgrind, fuzz corpus replay and smoke runs,
# benchmark smoke runs. Installs what it needs.
test:
	bash scripts/test-all.sh

install:
	$(MAKE) -C ffi install PREFIX=$(PREFIX)
