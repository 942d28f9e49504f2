#!/usr/bin/env bash
# The embedded suite: firmware can link and use the C library built without the standard library.
#   1. `make -C ffi embedded` at opt-level "s" and 3; a link of the archive needs nothing but memcpy, memmove,
#      memset, memcmp and bcmp, and the archive defines nothing but corsguard_* names;
#   2. tests/embedded/freestanding.c (no libc, no start files, its own mem* functions and syscalls) runs every
#      shared vector, each policy built from a `static const corsguard_config` into static memory;
#   3. that program's size with each library, and corsguard's share of it (from the link map);
#   4. tests/embedded/responder.c, an HTTP/1.1 responder with static buffers and no allocator (malloc and
#      friends wrapped onto abort), driven by curl over 127.0.0.1.
#
# Installs what it lacks with apt-get (gcc, binutils, make, curl, python3). x86_64 Linux only (the freestanding
# program has its own _start). Exits non-zero on any failure; the last line is "test-embedded: N passed, M failed".
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
export PYTHONDONTWRITEBYTECODE=1 # gen_configs.py imports tests/c/gen_vectors.py: leave no cache beside it
BUILD="${EMBEDDED_BUILD_DIR:-${TMPDIR:-/tmp}/corsguard-embedded}"
CC="${CC:-gcc}"
TEXT_TARGET=49152 # bytes of text corsguard may take at opt-level "s" on x86_64
MEM_FUNCTIONS=(memcpy memmove memset memcmp bcmp)
WARN=(-Wall -Wextra -Werror -pedantic)
# -fno-tree-loop-distribute-patterns: GCC would turn the loops of our memset/memcpy into calls to themselves.
FREESTANDING=(-std=c11 -ffreestanding -nostdlib -nostartfiles -static -fno-pie -no-pie -fno-stack-protector
    -fno-tree-loop-distribute-patterns -ffunction-sections -fdata-sections -Wl,--gc-sections)
NO_ALLOCATOR=(-Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free)

start=$SECONDS
step() { printf '\n== %s\n' "$*"; }
passed=0
failed=0
pass() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }
finish() {
    echo
    echo "test-embedded took $((SECONDS - start)) s"
    echo "test-embedded: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

# --- tools -------------------------------------------------------------------------------------------------
if [ "$(uname -sm)" != "Linux x86_64" ]; then
    echo "test-embedded: x86_64 Linux only (the freestanding program's _start and syscalls); this is $(uname -sm)" >&2
    exit 1
fi
need=()
command -v "$CC" >/dev/null || need+=(gcc)
command -v nm >/dev/null && command -v size >/dev/null && command -v ar >/dev/null || need+=(binutils)
command -v make >/dev/null || need+=(make)
command -v curl >/dev/null || need+=(curl)
command -v python3 >/dev/null || need+=(python3)
if [ "${#need[@]}" -gt 0 ]; then
    step "installing ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
command -v cargo >/dev/null || { echo "test-embedded: cargo is required" >&2; exit 1; }

rm -rf "$BUILD"
mkdir -p "$BUILD"

# --- 0. the C in docs/embedded.md is the responder's ----------------------------------------------------------
# Every ```c block of the page is an excerpt of tests/embedded/responder.c: its lines in the file's order
# (compared without surrounding whitespace), a line `/* ... */` marking a cut, so the page cannot drift from
# code that is built and run below.
step "docs/embedded.md: every C block is taken from tests/embedded/responder.c"
if python3 - docs/embedded.md tests/embedded/responder.c <<'EXCERPT'; then
import re, sys
page, source = (open(p, encoding="utf-8").read() for p in sys.argv[1:3])
lines = [l.strip() for l in source.splitlines()]
blocks = re.findall(r"```c\n(.*?)```", page, re.S)
if not blocks:
    sys.exit("no ```c block")
for block in blocks:
    at = 0
    pieces = [[]]
    for line in block.splitlines():
        if line.strip() == "/* ... */":
            pieces.append([])
        else:
            pieces[-1].append(line.strip())
    for piece in (p for p in pieces if p):
        found = next((i for i in range(at, len(lines) - len(piece) + 1) if lines[i:i + len(piece)] == piece), None)
        if found is None:
            sys.exit("not in tests/embedded/responder.c (in this order):\n  " + "\n  ".join(piece))
        at = found + len(piece)
print(f"{len(blocks)} blocks")
EXCERPT
    pass "docs/embedded.md's C blocks are excerpts of tests/embedded/responder.c"
else
    fail "docs/embedded.md's C blocks are excerpts of tests/embedded/responder.c"
fi

# --- 1. the no_std archive ---------------------------------------------------------------------------------
declare -A LIB
for opt in s 3; do
    step "make -C ffi embedded OPT=$opt"
    if ! make -s -C ffi embedded OPT="$opt" >"$BUILD/make-$opt.log" 2>&1; then
        cat "$BUILD/make-$opt.log"
        fail "the no_std library builds at opt-level $opt"
        finish
    fi
    LIB[$opt]="$(make -s -C ffi print-embedded-lib OPT="$opt")"
    pass "the no_std library builds at opt-level $opt: ${LIB[$opt]} ($(wc -c <"${LIB[$opt]}") bytes)"
done

step "what a link of the no_std library needs (nm -u), and what it defines (nm -g --defined-only)"
for opt in s 3; do
    lib="${LIB[$opt]}"
    # An object nm cannot read (an LTO bitcode plugin in the way, say) lists no undefined symbols either: the
    # defined ones must be there before the empty list below means anything.
    defined="$(nm -g --defined-only "$lib" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u)"
    if ! grep -qx corsguard_decide <<<"$defined"; then
        fail "nm reads $lib (corsguard_decide not found among its symbols)"
        continue
    fi
    undefined="$(nm -u "$lib" 2>/dev/null | awk 'NF == 2 { print $2 }' | sort -u)"
    echo "opt-level $opt: nm -u: $(tr '\n' ' ' <<<"$undefined")"
    unexpected="$(grep -vxF -f <(printf '%s\n' "${MEM_FUNCTIONS[@]}") <<<"$undefined" || true)"
    if [ -z "$unexpected" ]; then
        pass "opt-level $opt: the library needs nothing but ${MEM_FUNCTIONS[*]}"
    else
        fail "opt-level $opt: the library also needs: $(tr '\n' ' ' <<<"$unexpected")"
    fi
    foreign="$(grep -v '^corsguard_' <<<"$defined" || true)"
    if [ -z "$foreign" ]; then
        pass "opt-level $opt: the library defines only corsguard_* symbols ($(wc -l <<<"$defined") of them)"
    else
        fail "opt-level $opt: the library defines symbols outside corsguard_*: $(tr '\n' ' ' <<<"$foreign")"
    fi
done

# --- 2. every vector in a freestanding program ---------------------------------------------------------------
step "generating the vector table (tests/c/gen_vectors.py) and the configs (tests/embedded/gen_configs.py)"
python3 tests/c/gen_vectors.py include/corsguard.h "$BUILD/vectors_data.c" tests/vectors/*.json
python3 tests/embedded/gen_configs.py include/corsguard.h "$BUILD/configs_data.c" tests/vectors/*.json

step "tests/embedded/freestanding.c: -ffreestanding -nostdlib -nostartfiles -static, every vector"
for opt in s 3; do
    exe="$BUILD/freestanding-$opt"
    if ! "$CC" "${FREESTANDING[@]}" "-O$opt" "${WARN[@]}" -Iinclude -Itests/c -Itests/embedded \
        -Wl,-Map="$exe.map" tests/embedded/freestanding.c "$BUILD/vectors_data.c" "$BUILD/configs_data.c" \
        "${LIB[$opt]}" -o "$exe"; then
        fail "freestanding program links at opt-level $opt"
        continue
    fi
    if readelf -d "$exe" 2>/dev/null | grep -q NEEDED || readelf -l "$exe" | grep -q INTERP; then
        fail "freestanding program at opt-level $opt is not static"
    fi
    status=0
    out="$("$exe" 2>&1)" || status=$?
    printf '%s\n' "$out" | grep -v '^FAIL' | sed 's/^/    /'
    printf '%s\n' "$out" | grep '^FAIL' | head -n 30 || true
    line="$(printf '%s\n' "$out" | grep -E '^freestanding: [0-9]+ passed, [0-9]+ failed, [0-9]+ not expressible$' |
        tail -n 1 || true)"
    if [ "$status" -eq 0 ] && [[ "$line" == *" 0 failed,"* ]]; then
        pass "freestanding program at opt-level $opt: ${line#freestanding: }"
    else
        fail "freestanding program at opt-level $opt (exit $status): ${line:-no summary line}"
    fi
done

# Negative control: the same runner over vectors with two planted mistakes (one expected header value, one
# expected error index) must report exactly those two, or its passes prove nothing.
mkdir -p "$BUILD/planted"
python3 - "$BUILD/planted" tests/vectors/*.json <<'PLANT'
import json, os, sys
out, files = sys.argv[1], sys.argv[2:]
planted = {"header": False, "error": False}
for path in files:
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    for v in doc.get("vectors", []):
        if not planted["header"] and v.get("expect", {}).get("headers"):
            v["expect"]["headers"][0][1] += "x"
            planted["header"] = True
        elif not planted["error"] and isinstance(v.get("expect_error", {}).get("index"), int):
            v["expect_error"]["index"] += 1
            planted["error"] = True
    with open(os.path.join(out, os.path.basename(path)), "w", encoding="utf-8") as f:
        json.dump(doc, f)
assert all(planted.values()), planted
PLANT
python3 tests/c/gen_vectors.py include/corsguard.h "$BUILD/planted/vectors_data.c" "$BUILD"/planted/*.json >/dev/null
python3 tests/embedded/gen_configs.py include/corsguard.h "$BUILD/planted/configs_data.c" "$BUILD"/planted/*.json \
    >/dev/null
"$CC" "${FREESTANDING[@]}" -Os "${WARN[@]}" -Iinclude -Itests/c -Itests/embedded tests/embedded/freestanding.c \
    "$BUILD/planted/vectors_data.c" "$BUILD/planted/configs_data.c" "${LIB[s]}" -o "$BUILD/planted/freestanding"
status=0
out="$("$BUILD/planted/freestanding" 2>&1)" || status=$?
if [ "$status" -eq 1 ] && grep -qE '^freestanding: [0-9]+ passed, 2 failed, ' <<<"$out"; then
    pass "negative control: two planted mistakes in the vectors make exactly two failures"
else
    printf '%s\n' "$out" | tail -n 5
    fail "negative control: two planted mistakes in the vectors (exit $status)"
fi

# --- 3. sizes ------------------------------------------------------------------------------------------------
# `size` counts .rodata as text, and the freestanding program's .rodata is mostly the vector tables: the link
# map says which bytes of each output section came from libcorsguard_ffi.a.
corsguard_share() { # corsguard_share MAP: prints "SECTION BYTES" per output section, for the library's input
    python3 - "$1" <<'EOF'
import re, sys
totals, section, live = {}, None, False
pending = None  # an input section name on its own line; its address and size follow on the next one
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    if line.startswith("Linker script and memory map"):
        live = True
        continue
    if not live:
        continue
    m = re.match(r"^(\.[\w.]+)\s", line)
    if m:
        section = m.group(1)
        continue
    m = re.match(r"^ (\.[\w.$]+)?\s*(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(\S.*)$", line)
    if m and (m.group(1) or pending) and section:
        if "libcorsguard_ffi.a(" in m.group(4):
            totals[section] = totals.get(section, 0) + int(m.group(3), 16)
        pending = None
        continue
    pending = re.match(r"^ \.[\w.$]+\s*$", line)
for name, size in sorted(totals.items()):
    print(name, size)
EOF
}

step "sizes"
declare -A SHARE_TEXT
for opt in s 3; do
    exe="$BUILD/freestanding-$opt"
    [ -x "$exe" ] || continue
    echo "freestanding program, library and program at opt-level $opt:"
    size "$exe" | sed 's/^/    /'
    echo "    its .text section (code only): $(size -A "$exe" | awk '$1 == ".text" { print $2 }') bytes"
    share="$(corsguard_share "$exe.map" | grep -E '^\.(text|rodata|eh_frame|data|data\.rel\.ro|bss) ' || true)"
    text=0
    data=0
    while read -r section bytes; do
        # As `size` counts them: read-only sections are text, writable ones (RELRO included) data.
        case "$section" in
        .text | .rodata | .eh_frame) text=$((text + bytes)) ;;
        .data | .data.rel.ro) data=$((data + bytes)) ;;
        esac
    done <<<"$share"
    SHARE_TEXT[$opt]=$text
    echo "    corsguard's part (link map): $(tr '\n' ' ' <<<"$share" | sed 's/ \([0-9]*\) /=\1  /g')"
    echo "    corsguard's part as size counts it: text $text bytes, data $data bytes"
done
if [ -n "${SHARE_TEXT[s]:-}" ]; then
    if [ "${SHARE_TEXT[s]}" -gt 0 ] && [ "${SHARE_TEXT[s]}" -le "$TEXT_TARGET" ]; then
        pass "corsguard takes ${SHARE_TEXT[s]} bytes of text at opt-level s (target: at most $TEXT_TARGET)"
    else
        fail "corsguard takes ${SHARE_TEXT[s]} bytes of text at opt-level s (target: at most $TEXT_TARGET)"
    fi
fi
for opt in s 3; do
    echo "the largest symbols of the opt-level $opt library (nm --size-sort):"
    nm --size-sort -S "${LIB[$opt]}" 2>/dev/null | tail -n 10 | sed 's/^/    /'
done

# --- 4. the responder ----------------------------------------------------------------------------------------
step "tests/embedded/responder.c: static buffers, malloc/calloc/realloc/free wrapped onto abort"
# Negative control: a program linked the same way that allocates must die, or the wrap proves nothing.
printf '#include <stdlib.h>\nvoid *__wrap_malloc(size_t n) { (void)n; abort(); }\nint main(void) { return malloc(1) == 0; }\n' \
    >"$BUILD/allocates.c"
"$CC" -std=c11 -Os "$BUILD/allocates.c" "${NO_ALLOCATOR[@]}" -o "$BUILD/allocates"
status=0
{ "$BUILD/allocates"; } 2>/dev/null || status=$? # the braces also silence bash's "Aborted" notice
if [ "$status" -eq 134 ]; then
    pass "negative control: an allocation in a program linked with --wrap=malloc aborts"
else
    fail "negative control: an allocation in a program linked with --wrap=malloc exits $status, not by abort (134)"
fi
"$CC" -std=c11 -D_DEFAULT_SOURCE -Os "${WARN[@]}" -Iinclude tests/embedded/responder.c "${LIB[s]}" \
    -Wl,--gc-sections "${NO_ALLOCATOR[@]}" -o "$BUILD/responder"
echo "responder (opt-level s, glibc dynamic): $(size "$BUILD/responder" | tail -n 1 | awk '{ print "text " $1 ", data " $2 ", bss " $3 }')"

server=""
stop_server() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
        server=""
    fi
}
trap stop_server EXIT

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Starts the responder on a free port (three tries: another process may take the port first) and waits, at
# most 5 s a try, until it answers.
port=""
for _ in 1 2 3; do
    candidate="$(free_port)"
    "$BUILD/responder" --port "$candidate" 2>"$BUILD/responder.log" &
    server=$!
    for _ in $(seq 50); do
        if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$candidate/"; then
            port="$candidate"
            break
        fi
        kill -0 "$server" 2>/dev/null || break
        sleep 0.1
    done
    [ -n "$port" ] && break
    stop_server
done
if [ -z "$port" ]; then
    cat "$BUILD/responder.log"
    fail "the responder starts and answers on 127.0.0.1"
    finish
fi
sed 's/^/    /' "$BUILD/responder.log"

CORS_HEADERS=(Access-Control-Allow-Origin Access-Control-Allow-Credentials Access-Control-Allow-Methods
    Access-Control-Allow-Headers Access-Control-Max-Age Access-Control-Allow-Private-Network
    Access-Control-Expose-Headers Vary X-Corsguard-Denied)
ACTUAL_VARY="Vary: Origin"
PREFLIGHT_VARY="Vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network"
ALLOWED_ACTUAL=("Access-Control-Allow-Credentials: true" "Access-Control-Expose-Headers: x-request-id" "$ACTUAL_VARY")
ALLOWED_PREFLIGHT=("Access-Control-Allow-Credentials: true"
    "Access-Control-Allow-Methods: GET, HEAD, POST, PUT, DELETE"
    "Access-Control-Allow-Headers: content-type, x-request-id" "Access-Control-Max-Age: 600")
# /api/echo answers {"method":"..."}; a denied request that is not a preflight says why in a header of its own.
echo_body() { printf '{"method":"%s"}' "$1"; }
denied() { printf 'X-Corsguard-Denied: %s %s' "$1" "$2"; }

# expect NAME STATUS BODY "Header: value"... -- CURL-ARGS... PATH
# One request; passes when the status and body are exactly these (body without its final newline, "" for
# none, "-" for not checked) and every CORS header and Vary is present exactly once with exactly this value
# when listed, absent when not.
expect() {
    local name=$1 status=$2 body=$3 got_status problems="" h value want count
    shift 3
    local -a want_headers=()
    while [ "$1" != "--" ]; do
        want_headers+=("$1")
        shift
    done
    shift
    local path="${*: -1}"
    got_status="$(curl -sS --max-time 5 -o "$BUILD/body" -D "$BUILD/head" -w '%{http_code}' \
        "${@:1:$#-1}" "http://127.0.0.1:$port$path" 2>"$BUILD/curl.err")" || problems+=" curl: $(cat "$BUILD/curl.err");"
    [ "$got_status" = "$status" ] || problems+=" status $got_status, want $status;"
    if [ "$body" != "-" ] && [ "$body" != "$(cat "$BUILD/body")" ]; then
        problems+=" body '$(head -c 200 "$BUILD/body")', want '$body';"
    fi
    tr -d '\r' <"$BUILD/head" >"$BUILD/head.lf"
    for h in "${CORS_HEADERS[@]}"; do
        count="$(grep -ci "^$h:" "$BUILD/head.lf" || true)"
        value="$(grep -i "^$h:" "$BUILD/head.lf" | head -n 1 | sed 's/^[^:]*: *//' || true)"
        want=""
        for w in "${want_headers[@]}"; do
            if [ "${w%%:*}" = "$h" ]; then want="${w#*: }"; fi
        done
        if [ -z "$want" ]; then
            [ "$count" -eq 0 ] || problems+=" $h present ('$value'), want absent;"
        elif [ "$count" -ne 1 ]; then
            problems+=" $h $count times, want once ('$want');"
        elif [ "$value" != "$want" ]; then
            problems+=" $h '$value', want '$want';"
        fi
    done
    grep -qx 'Connection: close' "$BUILD/head.lf" || problems+=" no 'Connection: close';"
    if [ -z "$problems" ]; then
        pass "responder: $name"
    else
        fail "responder: $name:$problems"
    fi
}

step "driving the responder on 127.0.0.1:$port with curl"
APP="Origin: https://app.example.com"
expect "not CORS (no Origin): only Vary" 200 "$(echo_body GET)" "$ACTUAL_VARY" -- /api/echo
expect "allowed actual request, exact origin" 200 "$(echo_body GET)" \
    "Access-Control-Allow-Origin: https://app.example.com" "${ALLOWED_ACTUAL[@]}" -- -H "$APP" /api/echo
expect "allowed actual request, subdomain pattern" 200 "$(echo_body GET)" \
    "Access-Control-Allow-Origin: https://eu.api.example.com" "${ALLOWED_ACTUAL[@]}" -- \
    -H "Origin: https://eu.api.example.com" /api/echo
expect "allowed actual request, loopback port pattern (POST)" 200 "$(echo_body POST)" \
    "Access-Control-Allow-Origin: http://localhost:5173" "${ALLOWED_ACTUAL[@]}" -- \
    -X POST -H "Origin: http://localhost:5173" /api/echo
expect "header names are case-insensitive (oRiGiN)" 200 "$(echo_body GET)" \
    "Access-Control-Allow-Origin: https://app.example.com" "${ALLOWED_ACTUAL[@]}" -- \
    -H "oRiGiN: https://app.example.com" /api/echo
expect "allowed origin on a 404 keeps its CORS headers" 404 '{"error":"not found"}' \
    "Access-Control-Allow-Origin: https://app.example.com" "${ALLOWED_ACTUAL[@]}" -- -H "$APP" /nowhere
expect "denied origin on a 404: only Vary" 404 '{"error":"not found"}' "$ACTUAL_VARY" "$(denied 5 0)" -- \
    -H "Origin: https://evil.example.net" /nowhere
expect "denied actual request, unlisted origin" 200 "$(echo_body GET)" "$ACTUAL_VARY" "$(denied 5 0)" -- \
    -H "Origin: https://evil.example.net" /api/echo
expect "denied: the pattern does not cover the bare domain" 200 "$(echo_body GET)" "$ACTUAL_VARY" "$(denied 5 0)" -- \
    -H "Origin: https://example.com" /api/echo
expect "denied: suffix lookalike evilexample.com" 200 "$(echo_body GET)" "$ACTUAL_VARY" "$(denied 5 0)" -- \
    -H "Origin: https://evilexample.com" /api/echo
expect "denied: http is not https" 200 "$(echo_body GET)" "$ACTUAL_VARY" "$(denied 5 0)" -- \
    -H "Origin: http://app.example.com" /api/echo
expect "malformed: uppercase host https://EXAMPLE.com" 200 "$(echo_body GET)" "$ACTUAL_VARY" "$(denied 1 13)" -- \
    -H "Origin: https://EXAMPLE.com" /api/echo
expect "malformed: a path after the host" 200 "$(echo_body GET)" "$ACTUAL_VARY" "$(denied 1 9)" -- \
    -H "Origin: https://app.example.com/" /api/echo
expect "denied: Origin null" 200 "$(echo_body GET)" "$ACTUAL_VARY" "$(denied 4 0)" -- -H "Origin: null" /api/echo
expect "denied: two Origin lines, both allowed" 200 "$(echo_body GET)" "$ACTUAL_VARY" "$(denied 3 0)" -- \
    -H "$APP" -H "Origin: https://eu.api.example.com" /api/echo
expect "denied: two Origin lines, one evil" 200 "$(echo_body GET)" "$ACTUAL_VARY" "$(denied 3 0)" -- \
    -H "$APP" -H "Origin: https://evil.example.net" /api/echo
expect "malformed: non-ASCII bytes (UTF-8) in Origin" 200 "$(echo_body GET)" "$ACTUAL_VARY" "$(denied 1 3)" -- \
    -H $'Origin: https://\xc3\xa9t\xc3\xa9.example.com' /api/echo
expect "malformed: bytes that are not UTF-8 in Origin" 200 "$(echo_body GET)" "$ACTUAL_VARY" "$(denied 1 3)" -- \
    -H $'Origin: https://app\xff\xfe.example.com' /api/echo
expect "OPTIONS without Access-Control-Request-Method is an actual request" 200 "$(echo_body OPTIONS)" \
    "Access-Control-Allow-Origin: https://app.example.com" "${ALLOWED_ACTUAL[@]}" -- -X OPTIONS -H "$APP" /api/echo
expect "HEAD request: the CORS headers of a GET (curl -I stores the head as the body)" 200 - \
    "Access-Control-Allow-Origin: https://app.example.com" "${ALLOWED_ACTUAL[@]}" -- -I -H "$APP" /api/echo

expect "allowed preflight (PUT, content-type)" 204 "" "Access-Control-Allow-Origin: https://app.example.com" \
    "${ALLOWED_PREFLIGHT[@]}" "$PREFLIGHT_VARY" -- -X OPTIONS -H "$APP" \
    -H "Access-Control-Request-Method: PUT" -H "Access-Control-Request-Headers: content-type" /api/echo
expect "allowed preflight, request headers on two lines and in any case" 204 "" \
    "Access-Control-Allow-Origin: https://eu.api.example.com" "${ALLOWED_PREFLIGHT[@]}" "$PREFLIGHT_VARY" -- \
    -X OPTIONS -H "Origin: https://eu.api.example.com" -H "Access-Control-Request-Method: DELETE" \
    -H "Access-Control-Request-Headers: X-Request-ID" -H "access-control-request-headers: Content-Type" /api/echo
expect "private network preflight" 204 "" "Access-Control-Allow-Origin: https://app.example.com" \
    "${ALLOWED_PREFLIGHT[@]}" "Access-Control-Allow-Private-Network: true" "$PREFLIGHT_VARY" -- -X OPTIONS \
    -H "$APP" -H "Access-Control-Request-Method: GET" -H "Access-Control-Request-Private-Network: true" /api/echo
expect "private network preflight with a value other than true: denied" 403 "" "$PREFLIGHT_VARY" -- -X OPTIONS \
    -H "$APP" -H "Access-Control-Request-Method: GET" -H "Access-Control-Request-Private-Network: yes" /api/echo
expect "denied preflight, unlisted origin" 403 "" "$PREFLIGHT_VARY" -- -X OPTIONS \
    -H "Origin: https://evil.example.net" -H "Access-Control-Request-Method: PUT" /api/echo
expect "denied preflight, unlisted method PATCH" 403 "" "$PREFLIGHT_VARY" -- -X OPTIONS -H "$APP" \
    -H "Access-Control-Request-Method: PATCH" /api/echo
expect "denied preflight, forbidden method TRACE" 403 "" "$PREFLIGHT_VARY" -- -X OPTIONS -H "$APP" \
    -H "Access-Control-Request-Method: TRACE" /api/echo
expect "denied preflight, unlisted request header" 403 "" "$PREFLIGHT_VARY" -- -X OPTIONS -H "$APP" \
    -H "Access-Control-Request-Method: PUT" -H "Access-Control-Request-Headers: content-type,x-evil" /api/echo
expect "denied preflight, Authorization not listed" 403 "" "$PREFLIGHT_VARY" -- -X OPTIONS -H "$APP" \
    -H "Access-Control-Request-Method: GET" -H "Access-Control-Request-Headers: authorization" /api/echo
long_acrh="$(printf 'x-header-%04d,' $(seq 1 250))" # 3500 bytes: above the 2048-byte cap, within the buffer
expect "denied preflight, oversized Access-Control-Request-Headers (${#long_acrh} bytes)" 403 "" "$PREFLIGHT_VARY" \
    -- -X OPTIONS -H "$APP" -H "Access-Control-Request-Method: GET" \
    -H "Access-Control-Request-Headers: ${long_acrh%,}" /api/echo
expect "denied preflight, malformed origin" 403 "" "$PREFLIGHT_VARY" -- -X OPTIONS \
    -H "Origin: https://EXAMPLE.com" -H "Access-Control-Request-Method: GET" /api/echo

huge="$(head -c 9000 /dev/zero | tr '\0' a)"
expect "a request head over the 8 KiB buffer: 431, no CORS headers" 431 \
    '{"error":"request header fields too large"}' -- -H "$APP" -H "X-Padding: $huge" /api/echo
many_origins=()
for i in $(seq 33); do many_origins+=(-H "Origin: https://o$i.example.com"); done
expect "33 Origin lines (more than the responder keeps): 400, no CORS headers" 400 \
    '{"error":"too many header lines"}' -- "${many_origins[@]}" /api/echo
expect "a request line with an extra word: 400" 400 '{"error":"bad request"}' -- -X 'GET /elsewhere' /api/echo

if kill -0 "$server" 2>/dev/null && ! grep -q 'allocation' "$BUILD/responder.log"; then
    pass "the responder is alive after every request and never allocated"
else
    cat "$BUILD/responder.log"
    fail "the responder died or allocated"
fi
stop_server

finish
