"""What every server does around the decision: keep-alive, the application's error pages, HEAD, redirects,
Vary appended to the application's own, preflights answered before the routes."""

import json

import pytest

from checks import cors_problems
from servers import refused_without_cors, selected
from wire import Connection, exchange, request_bytes

APP = "https://app.example.com"
EVIL = "https://evil.example.net"
POLICY = """# tests/e2e/test_app.py
origins = https://app.example.com
origins = http://localhost:*
credentials = true
methods = GET, HEAD, POST, PUT, DELETE, PURGE
request-headers = content-type, x-custom
exposed-headers = x-request-id, x-total-count
max-age = 600
"""
ALLOWED = [("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Credentials", "true"),
           ("Access-Control-Expose-Headers", "x-request-id, x-total-count"), ("Vary", "Origin")]
DENIED = [("Vary", "Origin")]
PREFLIGHT_VARY = ("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
ALLOWED_PREFLIGHT = [("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Credentials", "true"),
                     ("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, DELETE, PURGE"),
                     ("Access-Control-Allow-Headers", "content-type, x-custom"), ("Access-Control-Max-Age", "600"),
                     PREFLIGHT_VARY]
SERVERS = [pytest.param(s, id=s.name) for s in selected()]


def send(running, method, path, origin=None, extra=(), close=True):
    headers = ([("Origin", origin)] if origin else []) + list(extra)
    return request_bytes(method, path, running.port, headers, close=close)


def check(response, status, cors, app_vary=(), server=None):
    problems = cors_problems(cors, response, app_vary, app_vary_last=server is not None and server.app_vary_last)
    if response.status != status:
        problems.insert(0, f"status {response.status}, want {status}")
    assert not problems, "\n".join(problems) + f"\n{response}"


@pytest.fixture
def running(server, pool):
    return pool.get(server, POLICY)


@pytest.mark.parametrize("server", SERVERS)
def test_keep_alive_two_requests_on_one_connection(server, running):
    connection = Connection(running.port)
    try:
        connection.send(send(running, "GET", "/api/items", APP, close=False))
        first = connection.read_response()
        check(first, 200, ALLOWED, ["Accept-Encoding"], server)
        if not server.keep_alive:
            # Documented: every response ends the connection, and says so.
            assert not first.keeps_alive(), f"{server.name} documents Connection: close\n{first}"
            assert connection.closed_by_peer(), f"{server.name} says Connection: close but keeps the connection"
            return
        assert first.keeps_alive(), f"the first response closes the connection\n{first}"
        connection.send(send(running, "OPTIONS", "/api/echo", APP, [("Access-Control-Request-Method", "PUT")],
                             close=False))
        second = connection.read_response()
        check(second, 204, ALLOWED_PREFLIGHT)
        assert second.body == b""
    finally:
        connection.close()


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("origin,cors", [(APP, ALLOWED), (EVIL, DENIED)], ids=["allowed", "denied"])
@pytest.mark.parametrize("path,status", [("/nowhere", 404), ("/api/error", 500)], ids=["404", "500"])
def test_error_pages_carry_the_decision(server, running, origin, cors, path, status):
    response = exchange(running.port, send(running, "GET", path, origin))
    check(response, status, cors)
    assert json.loads(response.body)["error"]


@pytest.mark.parametrize("server", SERVERS)
def test_head_has_the_headers_of_get(server, running):
    get = exchange(running.port, send(running, "GET", "/api/items", APP))
    head = exchange(running.port, send(running, "HEAD", "/api/items", APP), head_request=True)
    check(head, 200, ALLOWED, ["Accept-Encoding"], server)
    assert head.get("X-Total-Count") == "3" and head.get("X-Request-Id") == "42", head
    assert head.get("Content-Length") in (None, get.get("Content-Length")), (head, get)


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("origin,cors", [(APP, ALLOWED), (EVIL, DENIED), (None, DENIED)],
                         ids=["allowed", "denied", "no-origin"])
def test_vary_is_appended_to_the_application_vary(server, running, origin, cors):
    response = exchange(running.port, send(running, "GET", "/api/items", origin))
    check(response, 200, cors, ["Accept-Encoding"], server)
    assert json.loads(response.body) == {"items": [1, 2, 3]}
    assert response.get("X-Request-Id") == "42" and response.get("X-Total-Count") == "3", response


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("path", ["/api/items", "/nowhere", "/api/error"])
def test_preflight_is_answered_before_the_routes(server, running, path):
    allowed = exchange(running.port, send(running, "OPTIONS", path, APP,
                                          [("Access-Control-Request-Method", "PURGE"),
                                           ("Access-Control-Request-Headers", "x-custom")]))
    check(allowed, 204, ALLOWED_PREFLIGHT)
    assert allowed.body == b""
    denied = exchange(running.port, send(running, "OPTIONS", path, APP, [("Access-Control-Request-Method", "PATCH")]))
    check(denied, 403, [PREFLIGHT_VARY])
    assert denied.body == b""


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE", "PURGE"])
def test_echo_answers_every_method(server, running, method):
    response = exchange(running.port, send(running, method, "/api/echo", APP))
    if method in server.refused_methods:
        problem = refused_without_cors(400)(response)
        assert problem is None, f"{server.name} documents that it refuses {method} ({server.doc}): {problem}"
        return
    check(response, 200, ALLOWED)
    assert json.loads(response.body) == {"method": method}


@pytest.mark.parametrize("server", SERVERS)
def test_redirect_carries_the_decision(server, running):
    response = exchange(running.port, send(running, "GET", "/api/redirect?to=http%3A%2F%2Flocalhost%3A1%2Fapi%2Fecho%3Fa%3Db",
                                           APP))
    check(response, 302, ALLOWED)
    assert response.get("Location") == "http://localhost:1/api/echo?a=b", response
