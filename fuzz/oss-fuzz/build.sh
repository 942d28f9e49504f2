#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build script for corsguard: every cargo-fuzz target and the C harness
# (fuzz/c/), each with <target>_seed_corpus.zip, <target>.dict and <target>.options, into $OUT.
#
# Runs inside the base-builder-rust image (or outside it under fuzz/oss-fuzz/check-build.sh), which sets $SRC,
# $OUT, $WORK, $CC, $CXX, $CFLAGS, $SANITIZER, $FUZZING_ENGINE, $LIB_FUZZING_ENGINE and $RUSTFLAGS. The checkout
# is $SRC/corsguard unless CORSGUARD_SRC says otherwise.
#
# Targets are the files fuzz/fuzz_targets/*.rs, not the output of `cargo fuzz list`: in coverage builds the
# image's cargo wrapper turns every `cargo fuzz` command into a plain build that prints nothing, and the
# script would ship no fuzzer at all. A new target needs no change here.

project="${CORSGUARD_SRC:-$SRC/corsguard}"
fuzz_dir="$project/fuzz"

# The copy of this file in the oss-fuzz repository (projects/corsguard/build.sh) hands over to the
# checkout's version, so that what is built always follows the checkout.
in_tree="$fuzz_dir/oss-fuzz/build.sh"
if [ -f "$in_tree" ] && [ "$(realpath "$0")" != "$(realpath "$in_tree")" ]; then
    exec bash -eu "$in_tree"
fi

if [ "$FUZZING_ENGINE" != "libfuzzer" ]; then
    echo "corsguard's targets are libFuzzer targets (cargo-fuzz); FUZZING_ENGINE=$FUZZING_ENGINE is not supported" >&2
    exit 1
fi

targets=()
for source in "$fuzz_dir"/fuzz_targets/*.rs; do
    targets+=("$(basename "$source" .rs)")
done
if [ "${#targets[@]}" -eq 0 ]; then
    echo "no fuzz targets in $fuzz_dir/fuzz_targets" >&2
    exit 1
fi

# Rust has no UndefinedBehaviorSanitizer: in that build the Rust targets run without a sanitizer, with debug
# assertions (overflow checks, the standard library's unsafe preconditions), and the C harness gets -fsanitize=
# undefined from $CFLAGS. Coverage builds ignore these flags: the image's cargo wrapper builds them itself.
case "$SANITIZER" in
    address | coverage) sanitizer_args=() ;;
    undefined) sanitizer_args=(--sanitizer none) ;;
    *)
        echo "SANITIZER=$SANITIZER is not supported (address, undefined, coverage)" >&2
        exit 1
        ;;
esac

# From the repository root, where the coverage wrapper expects to find fuzz/. -O: fuzz optimized code, as it
# ships; --debug-assertions: keep overflow checks and debug_assert! on.
cd "$project"
cargo fuzz build -O --debug-assertions "${sanitizer_args[@]}"

triple="$(rustc -vV | sed -n 's/^host: //p')"
bin_dir="${CARGO_TARGET_DIR:-$fuzz_dir/target}/$triple/release"

# Ships one target: its binary is already in $OUT; add the seed corpus, the dictionary and the options.
ship() {
    local target="$1" corpus="$2" dict="$3" options="$4"
    if [ -d "$corpus" ]; then
        rm -f "$OUT/${target}_seed_corpus.zip"
        (cd "$corpus" && zip -q -r "$OUT/${target}_seed_corpus.zip" .)
    fi
    cp "$dict" "$OUT/$target.dict"
    if [ -f "$options" ]; then
        # The options name the dictionary as shipped beside the binary.
        sed "s/^dict = .*/dict = $target.dict/" "$options" > "$OUT/$target.options"
    fi
}

for target in "${targets[@]}"; do
    if [ ! -f "$bin_dir/$target" ]; then
        echo "fuzz target $target was not built: is it a [[bin]] in fuzz/Cargo.toml?" >&2
        exit 1
    fi
    cp "$bin_dir/$target" "$OUT/"
    ship "$target" "$fuzz_dir/corpus/$target" "$fuzz_dir/corsguard.dict" "$fuzz_dir/$target.options"
done

# The C harness, built by this build's $CC and $CFLAGS against include/corsguard.h and the static library.
bash "$fuzz_dir/c/build.sh" "$OUT/c_api"
ship c_api "$fuzz_dir/c/corpus" "$fuzz_dir/c/c_api.dict" "$fuzz_dir/c/c_api.options"
