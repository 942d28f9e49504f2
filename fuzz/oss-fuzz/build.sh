#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build script for corsguard. Builds every target listed in fuzz/Cargo.toml (a new
# target needs no change here) and ships, per target, the binary, <target>_seed_corpus.zip from
# fuzz/corpus/<target>/, <target>.dict and <target>.options.
#
# Expects $SRC (the checkout is $SRC/corsguard unless CORSGUARD_SRC says otherwise) and $OUT, as the
# base-builder-rust image provides; its cargo wrapper adds the sanitizer and coverage flags.

project="${CORSGUARD_SRC:-$SRC/corsguard}"
cd "$project/fuzz"

# -O: fuzz optimized code, as it ships; --debug-assertions: keep overflow checks and debug_assert! on.
cargo fuzz build -O --debug-assertions

release_dir="target/x86_64-unknown-linux-gnu/release"
for target in $(cargo fuzz list); do
    cp "$release_dir/$target" "$OUT/"
    if [ -d "corpus/$target" ]; then
        rm -f "$OUT/${target}_seed_corpus.zip"
        (cd "corpus/$target" && zip -q -r "$OUT/${target}_seed_corpus.zip" .)
    fi
    cp corsguard.dict "$OUT/$target.dict"
    if [ -f "$target.options" ]; then
        # The options name the dictionary as shipped beside the binary.
        sed "s/^dict = .*/dict = $target.dict/" "$target.options" > "$OUT/$target.options"
    fi
done
