#!/usr/bin/env bash
# What ngx_http_corsguard_module costs nginx: requests per second of Debian's nginx serving a small static file
# on loopback, with the module (allowed actual requests, allowed preflights) and with the same CORS headers
# written by hand (map + add_header + `if ($request_method = OPTIONS) { return 204; }`, without the module
# loaded), measured with wrk. Figures in BENCHMARKS.md ("nginx module").
#
#   benches/nginx.sh [ROUNDS] [SECONDS]        default 5 rounds of 10 s per measurement
#   benches/nginx.sh instructions              instructions per request instead (valgrind's callgrind)
#
# One nginx worker pinned to CPU $NGINX_CPU (default 0), wrk with one thread pinned to CPU $WRK_CPU (default 1),
# $CONNECTIONS keep-alive connections (default 32). Each round starts each configuration in turn (the order
# alternates between rounds, so a drift of the machine's state falls on both), checks that both answer with the
# same CORS headers, warms up for 2 s, then runs wrk once per request kind. Two figures per run: requests per
# second (what wrk saw), and the nginx worker's CPU time per request (from /proc/PID/schedstat: time on CPU,
# whatever else the machine runs, so it holds on a shared machine where throughput swings). Prints every run,
# then per case the median, lowest and highest of each and the module/hand-written ratio of each round.
# Needs nginx, the module (make -C bindings/nginx), wrk, curl and python3; takes about ROUNDS * 4 * (SECONDS + 3) s.
#
# `instructions` runs nginx as a single process under callgrind, sends 500 and then 2,500 requests of each kind
# on one keep-alive connection (a small Python client), and divides the difference of the two totals by 2,000:
# start-up and shutdown cancel out, and the figure does not depend on what else the machine is doing.
set -euo pipefail

MODE=throughput
if [ "${1:-}" = instructions ]; then
    MODE=instructions
    shift
    command -v valgrind >/dev/null || { echo "benches/nginx.sh instructions needs valgrind" >&2; exit 1; }
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${1:-5}"
SECONDS_PER_RUN="${2:-10}"
NGINX="${NGINX:-/usr/sbin/nginx}"
NGINX_CPU="${NGINX_CPU:-0}"
WRK_CPU="${WRK_CPU:-1}"
CONNECTIONS="${CONNECTIONS:-32}"
MODULE="${CORSGUARD_NGINX_MODULE:-$ROOT/build/nginx/ngx_http_corsguard_module.so}"
APP="https://app.example.com"
[ -f "$MODULE" ] || { echo "$MODULE is not built: make -C bindings/nginx" >&2; exit 1; }
for tool in wrk curl python3 taskset; do
    command -v "$tool" >/dev/null || { echo "benches/nginx.sh needs $tool" >&2; exit 1; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/corsguard-nginx-bench.XXXXXX")"
nginx_pid=""
stop_nginx() {
    if [ -n "$nginx_pid" ]; then
        kill -TERM "$nginx_pid" 2>/dev/null || true
        wait "$nginx_pid" 2>/dev/null || true
        nginx_pid=""
    fi
}
trap 'stop_nginx; rm -rf "$work"' EXIT
mkdir -p "$work/html"
head -c 100 /dev/zero | tr '\0' 'x' >"$work/html/small.txt"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
user_line=""
[ "$(id -u)" = 0 ] && user_line="user root;"
master_line="master_process on;"
[ "$MODE" = instructions ] && master_line="master_process off;" # the requests are served in the measured process

common() { # $1: load_module line or nothing; $2: the http-level lines; $3: the location's lines
    cat <<EOF
$1
$user_line
daemon off;
$master_line
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log warn;
events {
    worker_connections 1024;
}
http {
    access_log off;
    sendfile on;
    open_file_cache max=16;
    keepalive_requests 1000000;
    client_body_temp_path $work/tmp;
    proxy_temp_path $work/tmp;
    fastcgi_temp_path $work/tmp;
    uwsgi_temp_path $work/tmp;
    scgi_temp_path $work/tmp;
$2
    server {
        listen 127.0.0.1:$port;
        root $work/html;
        location / {
$3
        }
    }
}
EOF
}

common "load_module $MODULE;" "" "
            corsguard on;
            corsguard_origin $APP;
            corsguard_credentials on;
            corsguard_methods GET POST PUT;
            corsguard_request_headers content-type;
            corsguard_max_age 600;" >"$work/module.conf"

# The usual hand-written equivalent (docs/nginx.md, migration table): same headers for these requests.
common "" "
    map \$http_origin \$cors_origin {
        default \"\";
        \"$APP\" \$http_origin;
    }
    map \$cors_origin \$cors_credentials {
        default true;
        \"\" \"\";
    }" "
            if (\$request_method = OPTIONS) {
                add_header Access-Control-Allow-Origin \$cors_origin always;
                add_header Access-Control-Allow-Credentials \$cors_credentials always;
                add_header Access-Control-Allow-Methods \"GET, POST, PUT\" always;
                add_header Access-Control-Allow-Headers content-type always;
                add_header Access-Control-Max-Age 600 always;
                add_header Vary \"Origin, Access-Control-Request-Method, Access-Control-Request-Headers\" always;
                return 204;
            }
            add_header Access-Control-Allow-Origin \$cors_origin always;
            add_header Access-Control-Allow-Credentials \$cors_credentials always;
            add_header Vary Origin always;" >"$work/handwritten.conf"

cat >"$work/preflight.lua" <<EOF
wrk.method = "OPTIONS"
wrk.headers["Origin"] = "$APP"
wrk.headers["Access-Control-Request-Method"] = "PUT"
wrk.headers["Access-Control-Request-Headers"] = "content-type"
EOF
cat >"$work/actual.lua" <<EOF
wrk.method = "GET"
wrk.headers["Origin"] = "$APP"
EOF

start_nginx() { # $1: configuration name
    taskset -c "$NGINX_CPU" "$NGINX" -p "$work" -c "$work/$1.conf" -e "$work/error.log" &
    nginx_pid=$!
    for _ in $(seq 100); do
        curl -s -o /dev/null "http://127.0.0.1:$port/small.txt" && return 0
        sleep 0.05
    done
    echo "nginx ($1) did not start:" >&2
    cat "$work/error.log" >&2
    exit 1
}

cors_headers() { # the CORS headers of both request kinds, to check the two configurations answer alike
    {
        curl -s -D - -o /dev/null -H "Origin: $APP" "http://127.0.0.1:$port/small.txt"
        curl -s -D - -o /dev/null -X OPTIONS -H "Origin: $APP" -H "Access-Control-Request-Method: PUT" \
            -H "Access-Control-Request-Headers: content-type" "http://127.0.0.1:$port/small.txt"
    } | grep -i -E '^(HTTP/|access-control-|vary:)' | tr -d '\r' | sort
}

if [ "$MODE" = instructions ]; then
    cat >"$work/client.py" <<'EOF'
import socket
import sys
import time

port, kind, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
head = {"actual": "GET /small.txt HTTP/1.1\r\nHost: bench\r\nOrigin: https://app.example.com\r\n\r\n",
        "preflight": "OPTIONS /small.txt HTTP/1.1\r\nHost: bench\r\nOrigin: https://app.example.com\r\n"
                     "Access-Control-Request-Method: PUT\r\nAccess-Control-Request-Headers: content-type\r\n\r\n"}[kind]
deadline = time.monotonic() + 60
while True:
    try:
        sock = socket.create_connection(("127.0.0.1", port))
        break
    except OSError:
        if time.monotonic() > deadline:
            raise
        time.sleep(0.2)
buffer = b""
for _ in range(count):
    sock.sendall(head.encode())
    while b"\r\n\r\n" not in buffer:
        buffer += sock.recv(65536)
    response, buffer = buffer.split(b"\r\n\r\n", 1)
    length = 0
    for line in response.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    while len(buffer) < length:
        buffer += sock.recv(65536)
    buffer = buffer[length:]
sock.close()
EOF
    instructions() { # $1 configuration, $2 request kind, $3 requests: total instructions of the nginx process
        valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" "$NGINX" -p "$work" -c "$work/$1.conf" \
            -e "$work/error.log" 2>"$work/valgrind.log" &
        nginx_pid=$!
        python3 "$work/client.py" "$port" "$2" "$3"
        stop_nginx
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$work/valgrind.log"
    }
    echo "nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///'), $(valgrind --version); instructions per request (callgrind)"
    echo
    echo "| request | hand-written add_header | corsguard module | module - hand-written |"
    echo "|---|---:|---:|---:|"
    for kind in actual preflight; do
        for config in handwritten module; do
            low="$(instructions "$config" "$kind" 500)"
            high="$(instructions "$config" "$kind" 2500)"
            eval "per_$config=$(( (high - low) / 2000 ))"
        done
        echo "| $kind | $per_handwritten | $per_module | $((per_module - per_handwritten)) |"
    done
    exit 0
fi

echo "nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///'), wrk $(wrk -v 2>&1 | head -n 1 | awk '{print $2}'), $(nproc) CPUs;" \
    "nginx on CPU $NGINX_CPU, wrk on CPU $WRK_CPU, $CONNECTIONS connections, $ROUNDS rounds of ${SECONDS_PER_RUN} s"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
results="$work/results.txt"
: >"$results"
for round in $(seq "$ROUNDS"); do
    order="module handwritten"
    [ $((round % 2)) -eq 0 ] && order="handwritten module"
    for config in $order; do
        start_nginx "$config"
        cors_headers >"$work/$config.headers"
        taskset -c "$WRK_CPU" wrk -t1 -c"$CONNECTIONS" -d2s -s "$work/actual.lua" "http://127.0.0.1:$port/small.txt" \
            >/dev/null
        worker="$(pgrep -P "$nginx_pid" | head -n 1)"
        for kind in actual preflight; do
            cpu_before="$(cut -d' ' -f1 "/proc/$worker/schedstat")"
            out="$(taskset -c "$WRK_CPU" wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" -s "$work/$kind.lua" \
                "http://127.0.0.1:$port/small.txt")"
            cpu_after="$(cut -d' ' -f1 "/proc/$worker/schedstat")"
            if grep -q 'Non-2xx' <<<"$out"; then
                echo "$config $kind: wrong statuses:" >&2
                echo "$out" >&2
                exit 1
            fi
            rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
            requests="$(awk '/requests in/ {print $1}' <<<"$out")"
            ns="$(( (cpu_after - cpu_before) / requests ))"
            echo "round $round $config $kind $rps $ns" | tee -a "$results"
        done
        stop_nginx
    done
    if ! diff -u "$work/handwritten.headers" "$work/module.headers" >&2; then
        echo "the two configurations answer with different headers" >&2
        exit 1
    fi
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "headers of both (status lines, CORS headers, Vary):"
sed 's/^/  /' "$work/module.headers"

python3 - "$results" <<'EOF'
import statistics
import sys

runs = {}
for line in open(sys.argv[1]):
    _, round_, config, kind, rps, ns = line.split()
    runs.setdefault((kind, config), {})[int(round_)] = (float(rps), int(ns) / 1000)


def table(title, index, unit, fmt):
    print()
    print(f"| {title} | hand-written add_header ({unit}) | corsguard module ({unit}) | module / hand-written |")
    print("|---|---|---|---|")
    for kind in ("actual", "preflight"):
        hand = {r: v[index] for r, v in runs[(kind, "handwritten")].items()}
        mod = {r: v[index] for r, v in runs[(kind, "module")].items()}
        ratios = sorted(mod[r] / hand[r] for r in hand)
        cell = lambda v: f"{fmt(statistics.median(v))} ({fmt(min(v))} to {fmt(max(v))})"
        print(f"| {kind} | {cell(list(hand.values()))} | {cell(list(mod.values()))} | "
              f"median {statistics.median(ratios):.3f} (rounds: {', '.join(f'{r:.3f}' for r in ratios)}) |")


table("throughput", 0, "req/s", lambda v: f"{v:,.0f}")
table("worker CPU per request", 1, "µs", lambda v: f"{v:.2f}")
EOF
