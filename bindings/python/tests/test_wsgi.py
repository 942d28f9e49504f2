"""corsguard.wsgi.CORSMiddleware: a Flask application behind waitress (a real WSGI server), over HTTP."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, Response, jsonify

import corsguard
from corsguard.wsgi import CORSMiddleware
from servers import fetch, waitress_server

ORIGIN = "https://app.example.com"
PREFLIGHT_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
calls: list[str] = []


def flask_app(policy: corsguard.Policy) -> Flask:
    app = Flask(__name__)

    @app.get("/api/items")
    def items() -> Response:
        calls.append("GET /api/items")
        response = jsonify(items=[1, 2, 3])
        response.headers["X-Request-Id"] = "42"
        response.headers["Vary"] = "Accept-Encoding"
        return response

    @app.route("/api/error")
    def error() -> tuple[str, int]:
        return "boom", 500

    @app.route("/api/crash")
    def crash() -> str:
        raise RuntimeError("crash")

    @app.route("/api/options", methods=["OPTIONS"])
    def options() -> str:
        calls.append("OPTIONS /api/options")
        return "app's OPTIONS"

    app.wsgi_app = CORSMiddleware(app.wsgi_app, policy=policy)  # type: ignore[method-assign]
    return app


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    policy = corsguard.Policy(
        [ORIGIN], credentials=True, methods=["GET", "PUT"], request_headers=["content-type"],
        exposed_headers=["x-request-id"], max_age=600,
    )
    with waitress_server(flask_app(policy)) as port:
        yield port


def test_allowed_actual_request(port: int) -> None:
    response = fetch(port, "GET", "/api/items", [("Origin", ORIGIN)])
    assert response.status == 200
    # (waitress sends the headers in an order of its own)
    assert sorted(response.cors()) == [
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Allow-Origin", ORIGIN),
        ("Access-Control-Expose-Headers", "x-request-id"),
        ("Vary", "Accept-Encoding"),
        ("Vary", "Origin"),
    ]
    assert response.get_all("vary") == ["Accept-Encoding", "Origin"]


def test_denied_and_not_cors_requests_get_vary_only(port: int) -> None:
    for headers in ([("Origin", "https://evilexample.com")], []):
        response = fetch(port, "GET", "/api/items", headers)
        assert response.status == 200
        assert sorted(response.cors()) == [("Vary", "Accept-Encoding"), ("Vary", "Origin")]


def test_preflights_are_answered_by_the_middleware(port: int) -> None:
    calls.clear()
    allowed = fetch(port, "OPTIONS", "/api/items", [("Origin", ORIGIN), ("Access-Control-Request-Method", "PUT")])
    assert (allowed.status, allowed.body) == (204, b"")
    assert allowed.get("access-control-allow-methods") == "GET, PUT"
    denied = fetch(port, "OPTIONS", "/api/items", [("Origin", ORIGIN), ("Access-Control-Request-Method", "PATCH")])
    assert (denied.status, denied.body) == (403, b"")
    assert denied.cors() == [("Vary", PREFLIGHT_VARY)]
    assert calls == []


def test_error_statuses_get_the_headers(port: int) -> None:
    for path in ("/api/error", "/api/crash", "/nowhere"):
        response = fetch(port, "GET", path, [("Origin", ORIGIN)])
        assert response.status in (404, 500)
        assert response.get("access-control-allow-origin") == ORIGIN, path


def test_options_without_request_method_goes_to_the_app(port: int) -> None:
    calls.clear()
    response = fetch(port, "OPTIONS", "/api/options", [("Origin", ORIGIN)])
    assert response.body == b"app's OPTIONS"
    assert response.get("access-control-allow-origin") == ORIGIN
    assert calls == ["OPTIONS /api/options"]


def test_repeated_origin_lines_joined_by_the_server_are_denied(port: int) -> None:
    response = fetch(port, "GET", "/api/items", [("Origin", ORIGIN), ("Origin", ORIGIN)])
    assert response.get("access-control-allow-origin") is None


def direct(app: Any, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]]]:
    started: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        started.append((status, headers))
        return lambda data: None

    b"".join(app(environ, start_response))
    return started[-1]


def plain_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


def test_environ_values_are_the_request_bytes_as_latin_1() -> None:
    # PEP 3333: a byte >= 0x80 arrives as one Latin-1 character and is decided on as that one byte. Fifteen
    # bytes, within the 20-byte cap, so the list is judged malformed; as UTF-8 it would be 23 bytes, too long.
    policy = corsguard.Policy.from_text(
        "origins = https://app.example.com\nmethods = PUT\nrequest-headers = x-a\nmax-request-headers-len = 20\n"
    )
    value = b"x-a, x-" + b"\xe9" * 8
    lines = [("Origin", ORIGIN), ("Access-Control-Request-Method", "PUT")]
    want = policy.decide("OPTIONS", [*lines, (b"Access-Control-Request-Headers", value)])
    assert want.reason is not None and want.reason.name == "headers_malformed"
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "OPTIONS",
        "HTTP_ORIGIN": ORIGIN,
        "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT",
        "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": value.decode("latin-1"),
    }
    status, headers, decision = policy._wsgi(environ, True)
    assert decision is not None and decision.reason == want.reason
    assert (status, [(n, v.encode()) for n, v in headers]) == (403, [(n, v.encode()) for n, v in want.headers])


def test_status_line_and_denial_log(policy: corsguard.Policy, caplog: pytest.LogCaptureFixture) -> None:
    environ = {"REQUEST_METHOD": "OPTIONS", "PATH_INFO": "/", "HTTP_ORIGIN": "https://evil.example\u00e9\n",
               "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "GET"}
    with caplog.at_level(logging.INFO, logger="corsguard"):
        status, headers = direct(CORSMiddleware(plain_app, policy=policy), environ)
    assert status == "403 Forbidden"
    assert ("Content-Length", "0") in headers
    message = caplog.records[0].getMessage()
    assert r"'https://evil.example\xe9\n'" in message and "\n" not in message


def test_two_middlewares_never_touch_a_response_twice(policy: corsguard.Policy) -> None:
    app = CORSMiddleware(CORSMiddleware(plain_app, policy=policy), policy=policy)
    _, headers = direct(app, {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "HTTP_ORIGIN": "https://app.example.com"})
    assert [n for n, _ in headers].count("Access-Control-Allow-Origin") == 1


def test_not_cors_answered_in_python_as_by_the_extension() -> None:
    # Without Origin the middleware adds `Vary: Origin` itself, without crossing into the extension; with
    # on_decision it crosses. Both must answer alike, under policies whose other headers differ.
    for policy in (
        corsguard.Policy(["https://a.example"]),
        corsguard.Policy(["https://a.example"], credentials=True, private_network=True, max_age=60),
        corsguard.Policy(["*"]),
    ):
        for environ in (
            {"REQUEST_METHOD": "GET", "PATH_INFO": "/"},
            {"REQUEST_METHOD": "OPTIONS", "PATH_INFO": "/", "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT"},
            {"REQUEST_METHOD": "POST", "PATH_INFO": "/x", "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "x-a"},
        ):
            seen: list[Any] = []
            shortcut = direct(CORSMiddleware(plain_app, policy), dict(environ))
            crossed = direct(CORSMiddleware(plain_app, policy, on_decision=seen.append), dict(environ))
            assert shortcut == crossed == ("200 OK", [("Content-Type", "text/plain"), ("Vary", "Origin")])
            assert len(seen) == 1 and seen[0].kind == "not_cors"
