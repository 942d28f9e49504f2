#!/usr/bin/env bash
# nginx guarded by ngx_http_corsguard_module, serving the routes every server of the end-to-end suite serves
# (docs/e2e.md): the server command line of the suite for nginx.
#
#   bindings/nginx/serve.sh --policy FILE --port N
#
# Writes an nginx.conf into a temporary prefix directory (nothing outside it is written, no root needed),
# runs Debian's nginx on it in the foreground (daemon off; a master and one worker, as in production, so the
# policy built by the master is the one the worker decides with), logs to stderr at info (denials included),
# and on SIGTERM or SIGINT stops nginx and removes the directory. Environment: NGINX (the binary,
# default /usr/sbin/nginx), CORSGUARD_NGINX_MODULE (default build/nginx/ngx_http_corsguard_module.so, built by
# make -C bindings/nginx).
#
# The suite's application is a second server block on a unix socket in the prefix, and the guarded server
# proxies every request to it, as nginx usually sits in front of an application: the module answers
# preflights itself, and adds its headers to the application's responses (upstream Access-Control-* lines
# dropped, the application's Vary kept and appended to). The application's routes are plain nginx
# configuration (return, add_header):
#   /api/items     200 JSON, X-Request-Id, X-Total-Count, Vary: Accept-Encoding
#   /api/echo      200 {"method":"<METHOD>"} for any method nginx accepts, X-Request-Id
#   /api/error     500 {"error":"boom"}
#   /api/redirect  302 to the url-decoded `to` argument: nginx has no variable holding a decoded query argument,
#                  so the location proxies to /_decode/<to> on the same socket, where the request path (and so
#                  a regex capture of it) is decoded; merge_slashes off keeps the `//` of the URL
#   anything else  404 {"error":"not found"}
# (Were the routes in the guarded server itself, a location's add_header lines would also be on the module's
# preflight answers, as add_header is on every response of its location: docs/nginx.md.)
set -euo pipefail

usage() {
    echo "usage: $0 --policy FILE --port N" >&2
    exit 2
}

policy=""
port=""
while [ $# -gt 0 ]; do
    case "$1" in
        --policy) [ $# -ge 2 ] || usage; policy="$2"; shift 2 ;;
        --port) [ $# -ge 2 ] || usage; port="$2"; shift 2 ;;
        *) usage ;;
    esac
done
[ -n "$policy" ] && [ -n "$port" ] || usage
case "$port" in *[!0-9]* | "") usage ;; esac

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
nginx="${NGINX:-/usr/sbin/nginx}"
module="${CORSGUARD_NGINX_MODULE:-$here/../../build/nginx/ngx_http_corsguard_module.so}"
[ -f "$module" ] || { echo "$0: $module is not built (make -C bindings/nginx)" >&2; exit 1; }
module="$(cd "$(dirname "$module")" && pwd)/$(basename "$module")"
policy="$(cd "$(dirname "$policy")" && pwd)/$(basename "$policy")"

prefix="$(mktemp -d "${TMPDIR:-/tmp}/corsguard-nginx.XXXXXX")"
nginx_pid=""
stop() {
    if [ -n "$nginx_pid" ]; then
        kill -TERM "$nginx_pid" 2>/dev/null || true
        wait "$nginx_pid" 2>/dev/null || true
    fi
    rm -rf "$prefix"
}
trap 'stop; exit 0' TERM INT
trap 'stop' EXIT

# A master started as root hands requests to workers running as `user`; keep them as this user so that they
# may write the temporary files under the prefix.
user_line=""
[ "$(id -u)" = 0 ] && user_line="user root;"

cat > "$prefix/nginx.conf" <<EOF
# Written by bindings/nginx/serve.sh for the corsguard end-to-end suite.
load_module $module;
$user_line
daemon off;
master_process on;
worker_processes 1;
pid $prefix/nginx.pid;
error_log stderr info;
events {
    worker_connections 256;
}
http {
    access_log off;
    default_type application/json;
    client_body_temp_path $prefix/client_body;
    proxy_temp_path $prefix/proxy;
    fastcgi_temp_path $prefix/fastcgi;
    uwsgi_temp_path $prefix/uwsgi;
    scgi_temp_path $prefix/scgi;
    # The shared vectors' longest header line is 8200 bytes (nginx's default buffers take 8 KiB lines).
    large_client_header_buffers 4 32k;
    merge_slashes off;

    # The guarded server: corsguard and nothing else.
    server {
        listen 127.0.0.1:$port;
        server_name localhost;

        corsguard on;
        corsguard_policy_file $policy;

        location / {
            proxy_pass http://unix:$prefix/app.sock;
        }
    }

    # The application.
    server {
        listen unix:$prefix/app.sock;
        server_name localhost;

        location = /api/items {
            add_header X-Request-Id 42 always;
            add_header X-Total-Count 3 always;
            add_header Vary Accept-Encoding always;
            return 200 '{"items":[1,2,3]}';
        }
        location = /api/echo {
            add_header X-Request-Id 42 always;
            return 200 '{"method":"\$request_method"}';
        }
        location = /api/error {
            return 500 '{"error":"boom"}';
        }
        location = /api/redirect {
            proxy_redirect off;
            proxy_pass http://unix:$prefix/app.sock:/_decode/\$arg_to;
        }
        location ~ ^/_decode/(?<target>.*)\$ {
            return 302 \$target;
        }
        location / {
            return 404 '{"error":"not found"}';
        }
    }
}
EOF

"$nginx" -p "$prefix" -c "$prefix/nginx.conf" -e stderr &
nginx_pid=$!
wait "$nginx_pid"
