"""What only nginx can get wrong around corsguard (docs/nginx.md): `nginx -t` on bad policies, inheritance and
override between http, server and location, an upstream that sets its own CORS headers, nginx's own error
pages (404, 502 from a dead upstream, error_page redirects, 401 from auth_basic), `return` in a location,
add_header beside the module, keep-alive, the denial log line, a reload with a changed policy file.

The e2e suite (tests/e2e, with CORSGUARD_E2E_SERVERS=nginx) judges the module on the shared vectors and in
Chromium; these cases use its raw-HTTP helpers. scripts/test-nginx.sh builds the module and runs both.
"""

import os
import re
import signal
import subprocess
import sys
import tempfile
import time

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))

from servers import free_port  # noqa: E402
from wire import Connection, exchange, request_bytes  # noqa: E402

NGINX = os.environ.get("NGINX", "/usr/sbin/nginx")
MODULE = os.environ.get("CORSGUARD_NGINX_MODULE") or os.path.join(ROOT, "build", "nginx",
                                                                   "ngx_http_corsguard_module.so")
APP = "https://app.example.com"
SUB = "https://eu.example.org"
EVIL = "https://evil.example.net"
PREFLIGHT_VARY = ["Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"]


def process_lines(prefix):
    """The main-context lines that keep nginx in the foreground and inside its prefix directory."""
    user = "user root;\n" if os.getuid() == 0 else ""  # workers then may write under the prefix
    return (f"{user}daemon off;\nmaster_process on;\nworker_processes 1;\npid {prefix}/nginx.pid;\n"
            f"error_log {prefix}/error.log info;\n")


def temp_lines(prefix):
    return "".join(f"    {kind}_temp_path {prefix}/{kind};\n"
                   for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))


def nginx_conf(prefix, http_body):
    return (f"load_module {MODULE};\n{process_lines(prefix)}events {{\n    worker_connections 64;\n}}\n"
            f"http {{\n    access_log off;\n    default_type text/plain;\n{temp_lines(prefix)}{http_body}}}\n")


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def line_of(text, marker):
    """The 1-based line of the first line of `text` that holds `marker`."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if marker in line)


class Nginx:
    """One nginx (master and worker) on a generated configuration, in its own prefix directory."""

    def __init__(self, prefix, conf_text, ports):
        self.prefix = prefix
        self.conf = write(os.path.join(prefix, "nginx.conf"), conf_text)
        self.process = subprocess.Popen([NGINX, "-p", prefix, "-c", self.conf, "-e", self.error_log],
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        for port in ports:
            while True:
                if self.process.poll() is not None:
                    raise RuntimeError(f"nginx exited: {self.log()}")
                try:
                    Connection(port).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        self.stop()
                        raise RuntimeError(f"nginx did not listen on {port}: {self.log()}")
                    time.sleep(0.02)

    @property
    def error_log(self):
        return os.path.join(self.prefix, "error.log")

    def log(self):
        try:
            with open(self.error_log, "rb") as f:
                return f.read().decode("latin-1")
        except OSError:
            return ""

    def reload(self):
        self.process.send_signal(signal.SIGHUP)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def nginx_t(conf_text, files=()):
    """`nginx -t` on a configuration (with extra files [(name, text)] beside it): (exit status, output)."""
    with tempfile.TemporaryDirectory(prefix="corsguard-nginx-t-") as prefix:
        for name, text in files:
            write(os.path.join(prefix, name), text)
        conf = write(os.path.join(prefix, "nginx.conf"), conf_text.replace("@PREFIX@", prefix))
        done = subprocess.run([NGINX, "-t", "-p", prefix, "-c", conf, "-e", "stderr"], capture_output=True,
                              timeout=30)
        return done.returncode, done.stderr.decode("latin-1").replace(prefix, "@PREFIX@")


# --- nginx -t ---------------------------------------------------------------------------------------------

GOOD_POLICY = "origins = https://app.example.com\ncredentials = true\n"


def server(body):
    return f"    server {{\n        listen 127.0.0.1:{free_port()};\n{body}    }}\n"


def test_a_valid_configuration_passes():
    conf = nginx_conf("@PREFIX@", server("        corsguard on;\n        corsguard_policy_file app.policy;\n"))
    status, out = nginx_t(conf, [("app.policy", GOOD_POLICY)])
    assert status == 0, out
    assert "test is successful" in out


@pytest.mark.parametrize("policy,where,message", [
    ("origins = https://app.example.com\ncredentials = yes\n", "line 2, column 15",
     "not a boolean"),
    ("origins = https://app.example.com\nmethods = GET,,POST\n", "line 2, column 15", "empty"),
    ("origins = *\ncredentials = true\n", "line 1, column 11", "credentials"),
    ("origins = https://app.example.com/\n", "line 1, column 11", "path"),
    ("# nothing\n", None, "no origins"),
], ids=["syntax-boolean", "syntax-empty-element", "any-origin-with-credentials", "origin-with-path",
        "no-origins"])
def test_an_invalid_policy_file_fails_with_its_line_and_the_directive_line(policy, where, message):
    conf = nginx_conf("@PREFIX@", server("        corsguard on;\n        corsguard_policy_file bad.policy;\n"))
    status, out = nginx_t(conf, [("bad.policy", policy)])
    assert status != 0, out
    first = out.splitlines()[0]
    assert "[emerg]" in first and 'corsguard_policy_file "@PREFIX@/bad.policy"' in first, out
    if where:
        assert where in first, out
    assert message in first.lower(), out
    assert first.endswith(f"in @PREFIX@/nginx.conf:{line_of(conf, 'corsguard_policy_file')}"), out
    assert "test failed" in out


def test_a_missing_policy_file_fails():
    conf = nginx_conf("@PREFIX@", server("        corsguard_policy_file missing.policy;\n"))
    status, out = nginx_t(conf)
    assert status != 0
    assert 'open() "@PREFIX@/missing.policy" failed (2: No such file or directory)' in out, out
    assert f"nginx.conf:{line_of(conf, 'missing.policy')}" in out, out


@pytest.mark.parametrize("directives,marker,expected", [
    ("        corsguard_origin https://app.example.com https://App.example.com;\n", "corsguard_origin",
     'corsguard_origin "https://App.example.com": '),
    ("        corsguard_origin *;\n        corsguard_credentials on;\n", "corsguard_origin",
     'corsguard_origin "*": '),
    ("        corsguard_origin https://app.example.com;\n        corsguard_methods GET TRACE;\n",
     "corsguard_methods", 'corsguard_methods "TRACE": '),
    ("        corsguard_origin https://app.example.com;\n        corsguard_max_age 90000;\n",
     "corsguard_max_age", "corsguard_max_age: "),
    ("        corsguard_origin https://app.example.com;\n        corsguard_request_headers cookie;\n",
     "corsguard_request_headers", 'corsguard_request_headers "cookie": '),
    ("        corsguard_origin https://app.example.com;\n        corsguard_preflight_status 302;\n",
     "corsguard_preflight_status", "corsguard_preflight_status: "),
], ids=["uppercase-host", "any-origin-with-credentials", "forbidden-method", "max-age-range",
        "forbidden-header", "preflight-status"])
def test_an_invalid_direct_policy_fails_at_the_directive_of_the_setting(directives, marker, expected):
    conf = nginx_conf("@PREFIX@", server(directives))
    status, out = nginx_t(conf)
    assert status != 0, out
    first = out.splitlines()[0]
    assert "[emerg]" in first and expected in first, out
    assert first.endswith(f"in @PREFIX@/nginx.conf:{line_of(conf, marker)}"), out


def test_an_invalid_policy_inherited_from_http_fails_at_the_http_directive():
    conf = nginx_conf("@PREFIX@", "    corsguard_origin https://app.example.com/path;\n"
                      + server("        corsguard on;\n"))
    status, out = nginx_t(conf)
    assert status != 0
    assert f'corsguard_origin "https://app.example.com/path"' in out, out
    assert f"nginx.conf:{line_of(conf, 'corsguard_origin')}" in out, out


def test_an_error_in_an_included_file_names_that_file():
    conf = nginx_conf("@PREFIX@", server("        include cors.conf;\n"))
    status, out = nginx_t(conf, [("cors.conf", "corsguard on;\n\ncorsguard_origin http://app.example.com;\n"
                                               "corsguard_credentials on;\n")])
    assert status != 0
    assert 'corsguard_origin "http://app.example.com"' in out and "in @PREFIX@/cors.conf:3" in out, out


@pytest.mark.parametrize("body,marker,expected", [
    ("        corsguard on;\n        location / {\n        }\n", "corsguard on",
     '"corsguard on" needs a policy'),
    ("        corsguard_policy_file app.policy;\n        corsguard_max_age 60;\n", "corsguard_max_age",
     "either corsguard_policy_file or the direct"),
    ("        corsguard_policy_file app.policy;\n        location / {\n            corsguard_max_age 60;\n"
     "        }\n", "corsguard_max_age", "cannot amend the policy file"),
    ("        corsguard_methods GET *;\n", "corsguard_methods", 'takes "*" alone'),
    ("        corsguard_max_age soon;\n", "corsguard_max_age", "takes seconds"),
    ("        corsguard_credentials on;\n        corsguard_credentials off;\n", "corsguard_credentials off",
     "is duplicate"),
], ids=["on-without-policy", "file-and-directives", "directive-amends-file", "star-in-list", "max-age-not-number",
        "duplicate"])
def test_configuration_mistakes_fail_at_their_line(body, marker, expected):
    conf = nginx_conf("@PREFIX@", server(body))
    status, out = nginx_t(conf, [("app.policy", GOOD_POLICY)])
    assert status != 0, out
    assert expected in out and f"nginx.conf:{line_of(conf, marker)}" in out, out


# --- a running nginx ----------------------------------------------------------------------------------------

FILE_POLICY = """# the /file location's own policy
origins = https://files.example.com
methods = GET, PATCH
exposed-headers = x-request-id
"""
UPSTREAM = """
    # The loopback upstream: it sets its own CORS headers, reflecting every origin.
    server {{
        listen 127.0.0.1:{up};
        location / {{
            add_header Access-Control-Allow-Origin $http_origin always;
            add_header Access-Control-Allow-Credentials true always;
            add_header Access-Control-Allow-Methods "GET, POST, DELETE" always;
            add_header Access-Control-Expose-Headers x-secret always;
            add_header Vary Accept-Encoding always;
            add_header X-Upstream yes always;
            return 200 "upstream\\n";
        }}
        location /proxy/missing {{
            return 404 "upstream 404\\n";
        }}
    }}
"""
GUARDED = """
    # http level: the direct directives every server inherits.
    corsguard_origin https://app.example.com https://*.example.org;
    corsguard_credentials on;
    corsguard_methods GET POST PUT;
    corsguard_request_headers content-type;
    corsguard_max_age 600;

    server {{
        listen 127.0.0.1:{port};
        listen 127.0.0.1:{h2} http2;
        root {prefix}/html;
        corsguard on;

        location / {{
        }}
        location = /return {{
            return 200 "returned\\n";
        }}
        location /methods {{
            corsguard_methods GET DELETE;
            return 200 "methods\\n";
        }}
        location /file {{
            corsguard_policy_file {prefix}/file.policy;
            return 200 "file\\n";
            location /file/nested {{
                return 200 "nested\\n";
            }}
        }}
        location /star {{
            corsguard_origin *;
            corsguard_credentials off;
            add_header Vary Accept-Encoding;
            return 200 "star\\n";
        }}
        location /off {{
            corsguard off;
            add_header Access-Control-Allow-Origin "*";
            return 200 "off\\n";
        }}
        location /proxy {{
            proxy_pass http://127.0.0.1:{up};
        }}
        location /proxy-off {{
            corsguard off;
            proxy_pass http://127.0.0.1:{up};
        }}
        location /dead {{
            proxy_pass http://127.0.0.1:{dead};
        }}
        location /add-header {{
            add_header Access-Control-Allow-Origin "*" always;
            add_header Vary Accept-Encoding;
            return 200 "add_header\\n";
        }}
        location /auth/ {{
            # A static file: `return` would answer in the rewrite phase, before auth_basic runs.
            auth_basic "corsguard";
            auth_basic_user_file {prefix}/htpasswd;
        }}
        location /error-page {{
            error_page 404 = /fallback;
            return 404;
        }}
        location = /fallback {{
            return 200 "fallback\\n";
        }}
    }}

    # A second server with a policy of its own.
    server {{
        listen 127.0.0.1:{port2};
        corsguard on;
        corsguard_origin https://other.example.com;
        location / {{
            return 200 "server 2\\n";
        }}
    }}
"""


@pytest.fixture(scope="module")
def ngx():
    with tempfile.TemporaryDirectory(prefix="corsguard-nginx-") as prefix:
        ports = {"port": free_port(), "port2": free_port(), "up": free_port(), "dead": free_port(),
                 "h2": free_port()}
        os.mkdir(os.path.join(prefix, "html"))
        write(os.path.join(prefix, "html", "small.txt"), "a small static file\n")
        os.mkdir(os.path.join(prefix, "html", "auth"))
        write(os.path.join(prefix, "html", "auth", "secret.txt"), "secret\n")
        write(os.path.join(prefix, "file.policy"), FILE_POLICY)
        write(os.path.join(prefix, "htpasswd"), "user:{PLAIN}secret\n")
        body = (UPSTREAM + GUARDED).format(prefix=prefix, **ports)
        server_ = Nginx(prefix, nginx_conf(prefix, body), [ports["port"], ports["port2"], ports["up"]])
        server_.ports = ports
        yield server_
        server_.stop()


def get(ngx, path, origin=None, method="GET", extra=(), port="port"):
    headers = ([("Origin", origin)] if origin else []) + list(extra)
    return exchange(ngx.ports[port], request_bytes(method, path, ngx.ports[port], headers),
                    head_request=method == "HEAD")


def preflight(ngx, path, origin, method, request_headers=None, port="port"):
    extra = [("Access-Control-Request-Method", method)]
    if request_headers:
        extra.append(("Access-Control-Request-Headers", request_headers))
    return get(ngx, path, origin, "OPTIONS", extra, port)


def allowed(response, origin, vary=("Origin",)):
    assert response.cors().get("access-control-allow-origin") == [origin], response
    assert response.vary()[-len(vary):] == list(vary), response


def denied(response, vary=("Origin",)):
    assert response.cors() == {}, response
    assert response.vary()[-len(vary):] == list(vary), response


def test_static_file_allowed_denied_and_not_cors(ngx):
    ok = get(ngx, "/small.txt", APP)
    assert ok.status == 200 and ok.body == b"a small static file\n"
    allowed(ok, APP)
    assert ok.cors()["access-control-allow-credentials"] == ["true"], ok
    denied(get(ngx, "/small.txt", EVIL))
    plain = get(ngx, "/small.txt")
    assert plain.cors() == {} and plain.vary() == ["Origin"], plain
    allowed(get(ngx, "/small.txt", SUB), SUB)  # the http-level pattern


def test_preflights_from_the_http_level_policy(ngx):
    ok = preflight(ngx, "/small.txt", APP, "PUT", "content-type")
    assert ok.status == 204 and ok.body == b"", ok
    allowed(ok, APP, PREFLIGHT_VARY)
    assert ok.cors()["access-control-allow-methods"] == ["GET, POST, PUT"], ok
    assert ok.cors()["access-control-max-age"] == ["600"], ok
    no = preflight(ngx, "/small.txt", APP, "DELETE")
    assert no.status == 403 and no.body == b"", no
    denied(no, PREFLIGHT_VARY)


def test_a_location_overrides_one_setting_and_inherits_the_others(ngx):
    ok = preflight(ngx, "/methods", APP, "DELETE")
    assert ok.status == 204, ok
    assert ok.cors()["access-control-allow-methods"] == ["GET, DELETE"], ok
    assert ok.cors()["access-control-max-age"] == ["600"] and ok.cors()["access-control-allow-credentials"] == [
        "true"], ok
    assert preflight(ngx, "/methods", APP, "PUT").status == 403  # allowed at the server, not here


def test_a_location_with_its_own_policy_file_and_a_nested_location_inheriting_it(ngx):
    for path in ("/file", "/file/nested"):
        denied(get(ngx, path, APP))  # the http-level origins do not apply here
        ok = get(ngx, path, "https://files.example.com")
        allowed(ok, "https://files.example.com")
        assert ok.cors()["access-control-expose-headers"] == ["x-request-id"], ok
        assert "access-control-allow-credentials" not in ok.cors(), ok
        assert preflight(ngx, path, "https://files.example.com", "PATCH").status == 204


def test_a_second_server_with_its_own_policy(ngx):
    denied(get(ngx, "/", APP, port="port2"))
    ok = get(ngx, "/", "https://other.example.com", port="port2")
    allowed(ok, "https://other.example.com")
    assert "access-control-allow-credentials" in ok.cors(), ok  # inherited from http
    assert preflight(ngx, "/", "https://other.example.com", "PUT", port="port2").status == 204


def test_any_origin_in_a_location_under_a_credentialed_server(ngx):
    plain = get(ngx, "/star")
    assert plain.status == 200 and plain.cors() == {}, plain
    assert plain.values("Vary") == ["Accept-Encoding, Origin"], plain
    cors = get(ngx, "/star", EVIL)
    assert cors.cors() == {"access-control-allow-origin": ["*"]}, cors
    assert cors.values("Vary") == ["Accept-Encoding, Origin"], cors


def test_corsguard_off_leaves_the_location_untouched(ngx):
    response = get(ngx, "/off", EVIL)
    assert response.status == 200 and response.body == b"off\n"
    assert response.cors() == {"access-control-allow-origin": ["*"]} and response.vary() == [], response
    options = preflight(ngx, "/off", APP, "PUT")
    assert options.status == 200 and options.body == b"off\n", options  # the location's return answers


def test_return_in_a_location(ngx):
    ok = get(ngx, "/return", APP)
    assert ok.status == 200 and ok.body == b"returned\n"
    allowed(ok, APP)
    # The preflight is answered before the location's return runs.
    answered = preflight(ngx, "/return", APP, "POST")
    assert answered.status == 204 and answered.body == b"", answered
    refused = preflight(ngx, "/return", EVIL, "POST")
    assert refused.status == 403 and refused.body == b"", refused
    # An OPTIONS without Access-Control-Request-Method is not a preflight: the location answers it.
    options = get(ngx, "/return", APP, "OPTIONS")
    assert options.status == 200 and options.body == b"returned\n", options
    allowed(options, APP)


def test_an_upstream_with_its_own_cors_headers_loses_to_corsguard(ngx):
    ok = get(ngx, "/proxy", APP)
    assert ok.status == 200 and ok.body == b"upstream\n" and ok.get("X-Upstream") == "yes", ok
    assert ok.cors() == {"access-control-allow-origin": [APP], "access-control-allow-credentials": ["true"]}, ok
    assert ok.values("Vary") == ["Accept-Encoding, Origin"], ok  # appended to the upstream's line
    # The upstream reflects every origin; corsguard's denial removes what it sent.
    no = get(ngx, "/proxy", EVIL)
    assert no.status == 200 and no.get("X-Upstream") == "yes", no
    denied(no)
    assert no.vary() == ["Accept-Encoding", "Origin"], no
    # The preflight never reaches the upstream.
    answered = preflight(ngx, "/proxy", APP, "PUT")
    assert answered.status == 204 and answered.get("X-Upstream") is None, answered
    assert answered.cors()["access-control-allow-methods"] == ["GET, POST, PUT"], answered
    # Upstream error responses carry the decision too.
    missing = get(ngx, "/proxy/missing", APP)
    assert missing.status == 404 and missing.body == b"upstream 404\n", missing
    allowed(missing, APP)


def test_corsguard_off_passes_the_upstream_headers_through(ngx):
    response = get(ngx, "/proxy-off", EVIL)
    assert response.cors()["access-control-allow-origin"] == [EVIL], response
    assert response.vary() == ["Accept-Encoding"], response


def test_add_header_cors_lines_beside_the_module_are_dropped(ngx):
    ok = get(ngx, "/add-header", APP)
    assert ok.cors()["access-control-allow-origin"] == [APP], ok
    assert ok.values("Vary") == ["Accept-Encoding, Origin"], ok
    denied(get(ngx, "/add-header", EVIL))


@pytest.mark.parametrize("origin", [APP, EVIL], ids=["allowed", "denied"])
def test_nginx_error_pages_carry_the_decision(ngx, origin):
    check = (lambda r: allowed(r, APP)) if origin == APP else denied
    not_found = get(ngx, "/missing.txt", origin)  # the static module's 404
    assert not_found.status == 404 and b"404 Not Found" in not_found.body, not_found
    check(not_found)
    bad_gateway = get(ngx, "/dead", origin)  # nothing listens on the upstream's port
    assert bad_gateway.status == 502 and b"502 Bad Gateway" in bad_gateway.body, bad_gateway
    check(bad_gateway)
    not_allowed = get(ngx, "/small.txt", origin, "POST")  # the static module's 405
    assert not_allowed.status == 405, not_allowed
    check(not_allowed)
    redirected = get(ngx, "/error-page", origin)  # error_page: an internal redirect, which clears module state
    assert redirected.status == 200 and redirected.body == b"fallback\n", redirected
    check(redirected)


def test_auth_basic_does_not_refuse_preflights(ngx):
    # Browsers never send credentials on a preflight: answered before the access phase.
    answered = preflight(ngx, "/auth/secret.txt", APP, "PUT")
    assert answered.status == 204, answered
    unauthorized = get(ngx, "/auth/secret.txt", APP)
    assert unauthorized.status == 401, unauthorized
    allowed(unauthorized, APP)  # so the page can read the 401
    authorized = get(ngx, "/auth/secret.txt", APP, extra=[("Authorization", "Basic dXNlcjpzZWNyZXQ=")])
    assert authorized.status == 200 and authorized.body == b"secret\n", authorized


def test_keep_alive_across_decisions(ngx):
    port = ngx.ports["port"]
    connection = Connection(port)
    try:
        sequence = [
            (request_bytes("GET", "/small.txt", port, [("Origin", APP)], close=False), 200, APP),
            (request_bytes("OPTIONS", "/proxy", port, [("Origin", APP), ("Access-Control-Request-Method", "PUT")],
                           close=False), 204, APP),
            (request_bytes("OPTIONS", "/proxy", port, [("Origin", EVIL), ("Access-Control-Request-Method", "PUT")],
                           close=False), 403, None),
            (request_bytes("GET", "/missing.txt", port, [("Origin", APP)], close=False), 404, APP),
            (request_bytes("POST", "/proxy", port, [("Origin", APP), ("Content-Length", "5")], close=False)
             + b"hello", 200, APP),
            (request_bytes("OPTIONS", "/return", port, [("Origin", APP), ("Access-Control-Request-Method", "POST"),
                                                         ("Content-Length", "4")], close=False) + b"body", 204, APP),
            (request_bytes("GET", "/return", port, [("Origin", APP)], close=False), 200, APP),
        ]
        for data, status, origin in sequence:
            connection.send(data)
            response = connection.read_response()
            assert response.status == status, response
            assert response.keeps_alive(), response
            assert response.cors().get("access-control-allow-origin") == ([origin] if origin else None), response
    finally:
        connection.close()


def test_http2_gets_the_same_answers(ngx):
    def curl(*args):
        out = subprocess.run(["curl", "-s", "--http2-prior-knowledge", "-D", "-", "-o", "/dev/null", *args,
                              f"http://127.0.0.1:{ngx.ports['h2']}/return"], capture_output=True, timeout=10)
        return out.stdout.decode("latin-1").lower()

    actual = curl("-H", f"Origin: {APP}")
    assert actual.startswith("http/2 200") and f"access-control-allow-origin: {APP}" in actual, actual
    answered = curl("-X", "OPTIONS", "-H", f"Origin: {APP}", "-H", "Access-Control-Request-Method: PUT")
    assert answered.startswith("http/2 204") and "access-control-allow-methods: get, post, put" in answered, answered


def test_too_many_request_headers_lines_are_refused_without_cors(ngx):
    lines = [("Access-Control-Request-Headers", "content-type")] * 33
    response = get(ngx, "/small.txt", APP, "OPTIONS", [("Access-Control-Request-Method", "PUT")] + lines)
    assert response.status == 400, response
    assert response.cors() == {} and response.vary() == [], response


def test_two_origin_lines_are_denied(ngx):
    response = get(ngx, "/small.txt", APP, extra=[("Origin", SUB)])
    assert response.status == 200
    denied(response)


def test_denials_are_logged_at_info_with_the_origin_escaped(ngx):
    origin = b'https://evil.example.net"\x01\xff'
    get(ngx, "/small.txt", origin)
    preflight(ngx, "/return", APP, "DELETE")
    deadline = time.monotonic() + 5
    want_request = r'corsguard: request denied: .* \(reason 1: .*\), origin "https://evil.example.net\\x22\\x01\\xff"'
    want_preflight = r'corsguard: preflight denied: .*method.* \(reason 8\), origin "https://app.example.com"'
    while time.monotonic() < deadline:
        log = ngx.log()
        if re.search(want_request, log) and re.search(want_preflight, log):
            break
        time.sleep(0.05)
    assert re.search(r"\[info\] .*" + want_request, log), log[-3000:]
    assert re.search(r"\[info\] .*" + want_preflight, log), log[-3000:]
    assert b"\x01" not in log.encode("latin-1")


def test_a_reload_takes_a_changed_policy_file(ngx):
    path = os.path.join(ngx.prefix, "file.policy")
    write(path, FILE_POLICY.replace("https://files.example.com", "https://files2.example.com"))
    try:
        ngx.reload()
        # Old workers may accept a connection or two while they wind down: wait until only new ones answer.
        deadline = time.monotonic() + 10
        while (get(ngx, "/file", "https://files2.example.com").cors() == {}
               or get(ngx, "/file", "https://files.example.com").cors() != {}):
            assert time.monotonic() < deadline, ngx.log()[-2000:]
            time.sleep(0.05)
        # A reload with an invalid policy keeps the running configuration and says why.
        write(path, "origins = https://files3.example.com/\n")
        ngx.reload()
        deadline = time.monotonic() + 10
        while 'corsguard_policy_file "' + path not in ngx.log():
            assert time.monotonic() < deadline, ngx.log()[-2000:]
            time.sleep(0.05)
        allowed(get(ngx, "/file", "https://files2.example.com"), "https://files2.example.com")
    finally:
        write(path, FILE_POLICY)
        ngx.reload()
        deadline = time.monotonic() + 10
        while get(ngx, "/file", "https://files.example.com").cors() == {} and time.monotonic() < deadline:
            time.sleep(0.05)


def test_the_example_configuration(tmp_path):
    """bindings/nginx/example/nginx.conf as written, but for its paths and ports."""
    example = os.path.join(ROOT, "bindings", "nginx", "example")
    port, dead = free_port(), free_port()
    prefix = str(tmp_path)
    with open(os.path.join(example, "nginx.conf")) as f:
        text = f.read()
    text = (text.replace("load_module modules/ngx_http_corsguard_module.so;\n",
                         f"load_module {MODULE};\n{process_lines(prefix)}")
            .replace("http {\n", f"http {{\n    access_log off;\n{temp_lines(prefix)}", 1)
            .replace("listen 80;", f"listen 127.0.0.1:{port};")
            .replace("/srv/www", os.path.join(prefix, "html"))
            .replace("127.0.0.1:8000", f"127.0.0.1:{dead}"))
    with open(os.path.join(example, "public.policy")) as f:
        write(os.path.join(prefix, "public.policy"), f.read())
    os.makedirs(os.path.join(prefix, "html", "public"))
    write(os.path.join(prefix, "html", "public", "data.json"), "{}\n")
    server_ = Nginx(prefix, text, [port])
    try:
        server_.ports = {"port": port}

        public = get(server_, "/public/data.json", "https://anyone.example")
        assert public.status == 200 and public.cors() == {
            "access-control-allow-origin": ["*"], "access-control-expose-headers": ["etag"]}, public
        api = preflight(server_, "/api/orders", "https://pr-7.staging.example.com", "DELETE", "authorization")
        assert api.status == 204, api
        assert api.cors()["access-control-allow-methods"] == ["GET, POST, PUT, DELETE"], api
        assert api.cors()["access-control-allow-credentials"] == ["true"], api
        assert api.cors()["access-control-max-age"] == ["600"], api
        down = get(server_, "/api/orders", APP)  # the example's upstream is not running: 502, with the headers
        assert down.status == 502, down
        allowed(down, APP)
        assert down.cors()["access-control-expose-headers"] == ["x-request-id"], down
        hooks = get(server_, "/hooks/github", APP)
        assert hooks.status == 502 and hooks.cors() == {} and hooks.vary() == [], hooks
    finally:
        server_.stop()
