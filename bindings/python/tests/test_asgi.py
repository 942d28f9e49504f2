"""corsguard.asgi.CORSMiddleware: Starlette and FastAPI applications behind a real uvicorn, driven over HTTP;
plain ASGI details called directly."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

import corsguard
from corsguard.asgi import CORSMiddleware
from servers import fetch, uvicorn_server

ORIGIN = "https://app.example.com"
PREFLIGHT_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
calls: list[str] = []


async def items(request: Request) -> Response:
    calls.append(f"{request.method} {request.url.path}")
    return JSONResponse({"items": [1, 2, 3]}, headers={"X-Request-Id": "42", "Vary": "Accept-Encoding"})


async def error(request: Request) -> Response:
    calls.append(f"{request.method} {request.url.path}")
    return PlainTextResponse("boom", status_code=500)


async def options(request: Request) -> Response:
    calls.append(f"{request.method} {request.url.path}")
    return PlainTextResponse("app's OPTIONS", headers={"Allow": "GET, OPTIONS"})


def starlette_app(policy: corsguard.Policy) -> Starlette:
    app = Starlette(
        routes=[
            Route("/api/items", items, methods=["GET", "PUT"]),
            Route("/api/error", error),
            Route("/api/options", options, methods=["OPTIONS"]),
        ]
    )
    app.add_middleware(CORSMiddleware, policy=policy)
    return app


def fastapi_app(policy: corsguard.Policy) -> FastAPI:
    app = FastAPI()
    app.add_middleware(CORSMiddleware, policy=policy)

    @app.get("/api/items")
    def get_items() -> dict[str, list[int]]:
        calls.append("GET /api/items")
        return {"items": [1, 2, 3]}

    return app


@pytest.fixture(scope="module")
def server_policy() -> corsguard.Policy:
    return corsguard.Policy(
        [ORIGIN], credentials=True, methods=["GET", "PUT"], request_headers=["content-type"],
        exposed_headers=["x-request-id"], max_age=600,
    )


@pytest.fixture(scope="module", params=["starlette", "fastapi"])
def port(request: pytest.FixtureRequest, server_policy: corsguard.Policy) -> Iterator[int]:
    app = starlette_app(server_policy) if request.param == "starlette" else fastapi_app(server_policy)
    with uvicorn_server(app) as port:
        yield port


def test_allowed_actual_request_over_http(port: int) -> None:
    response = fetch(port, "GET", "/api/items", [("Origin", ORIGIN)])
    assert response.status == 200
    assert response.body == b'{"items":[1,2,3]}'
    cors = dict(response.cors())
    assert cors["access-control-allow-origin"] == ORIGIN
    assert cors["access-control-allow-credentials"] == "true"
    assert cors["access-control-expose-headers"] == "x-request-id"
    assert "Origin" in response.get_all("vary")


def test_denied_actual_request_still_reaches_the_app_without_cors_headers(port: int) -> None:
    response = fetch(port, "GET", "/api/items", [("Origin", "https://app.example.com.evil.net")])
    assert response.status == 200
    assert response.get("access-control-allow-origin") is None
    assert "Origin" in response.get_all("vary")


def test_preflight_is_answered_by_the_middleware(port: int) -> None:
    calls.clear()
    response = fetch(port, "OPTIONS", "/api/items", [
        ("Origin", ORIGIN), ("Access-Control-Request-Method", "PUT"), ("Access-Control-Request-Headers", "Content-Type"),
    ])
    assert (response.status, response.body) == (204, b"")
    assert response.cors() == [
        ("access-control-allow-origin", ORIGIN),
        ("access-control-allow-credentials", "true"),
        ("access-control-allow-methods", "GET, PUT"),
        ("access-control-allow-headers", "content-type"),
        ("access-control-max-age", "600"),
        ("vary", PREFLIGHT_VARY),
    ]
    assert calls == []


def test_denied_preflight_is_answered_403_with_vary_only(port: int) -> None:
    calls.clear()
    response = fetch(port, "OPTIONS", "/api/items", [("Origin", ORIGIN), ("Access-Control-Request-Method", "DELETE")])
    assert (response.status, response.body) == (403, b"")
    assert response.get("content-length") == "0"
    assert response.cors() == [("vary", PREFLIGHT_VARY)]
    assert calls == []


def test_not_cors_request_gets_vary_origin(port: int) -> None:
    response = fetch(port, "GET", "/api/items")
    assert response.status == 200
    assert response.get("access-control-allow-origin") is None
    assert "Origin" in response.get_all("vary")


def test_several_origin_lines_are_denied(port: int) -> None:
    response = fetch(port, "GET", "/api/items", [("Origin", ORIGIN), ("Origin", ORIGIN)])
    assert response.get("access-control-allow-origin") is None


@pytest.fixture(scope="module")
def starlette_port(server_policy: corsguard.Policy) -> Iterator[int]:
    with uvicorn_server(starlette_app(server_policy)) as port:
        yield port


def test_app_vary_is_kept_and_origin_appended(starlette_port: int) -> None:
    response = fetch(starlette_port, "GET", "/api/items", [("Origin", ORIGIN)])
    assert response.get_all("vary") == ["Accept-Encoding", "Origin"]


def test_error_responses_get_the_headers(starlette_port: int) -> None:
    response = fetch(starlette_port, "GET", "/api/error", [("Origin", ORIGIN)])
    assert response.status == 500
    assert response.get("access-control-allow-origin") == ORIGIN


def test_options_without_request_method_goes_to_the_app(starlette_port: int) -> None:
    calls.clear()
    response = fetch(starlette_port, "OPTIONS", "/api/options", [("Origin", ORIGIN)])
    assert (response.status, response.body) == (200, b"app's OPTIONS")
    assert response.get("access-control-allow-origin") == ORIGIN
    assert calls == ["OPTIONS /api/options"]


# Plain ASGI, called directly.

async def plain_app(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 404, "headers": [(b"vary", b"Cookie")]})
    await send({"type": "http.response.body", "body": b"nope"})


def call(app: Any, scope: dict[str, Any]) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent


def http_scope(method: str, headers: list[tuple[bytes, bytes]], path: str = "/") -> dict[str, Any]:
    return {"type": "http", "method": method, "path": path, "root_path": "", "headers": headers}


def test_every_status_gets_the_headers_once_and_vary_is_appended(policy: corsguard.Policy) -> None:
    sent = call(CORSMiddleware(plain_app, policy=policy), http_scope("GET", [(b"origin", b"https://app.example.com")]))
    assert sent[0]["status"] == 404
    assert sent[0]["headers"] == [
        (b"vary", b"Cookie"),
        (b"access-control-allow-origin", b"https://app.example.com"),
        (b"access-control-expose-headers", b"x-request-id"),
        (b"vary", b"Origin"),
    ]


def test_two_middlewares_never_touch_a_response_twice(policy: corsguard.Policy) -> None:
    app = CORSMiddleware(CORSMiddleware(plain_app, policy=policy), policy=policy)
    sent = call(app, http_scope("GET", [(b"origin", b"https://app.example.com")]))
    names = [name for name, _ in sent[0]["headers"]]
    assert names.count(b"access-control-allow-origin") == 1
    assert names.count(b"vary") == 2  # the application's and ours


def test_websocket_and_lifespan_scopes_pass_through(policy: corsguard.Policy) -> None:
    seen: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(scope["type"])

    for kind in ("websocket", "lifespan"):
        call(CORSMiddleware(app, policy=policy), {"type": kind, "headers": [(b"origin", b"https://evil.example")]})
    assert seen == ["websocket", "lifespan"]


def test_denials_are_logged_with_the_origin_escaped(policy: corsguard.Policy, caplog: pytest.LogCaptureFixture) -> None:
    forged = b"https://evil.example\r\nINFO corsguard: allowed"
    with caplog.at_level(logging.INFO, logger="corsguard"):
        call(CORSMiddleware(plain_app, policy=policy), http_scope("GET", [(b"origin", forged)], "/x\n"))
    [record] = caplog.records
    message = record.getMessage()
    assert "\n" not in message and "\r" not in message
    assert "[1 origin_malformed]" in message
    assert r"'https://evil.example\r\nINFO corsguard: allowed'" in message
    assert r"'/x\n'" in message


def test_on_decision_sees_every_decision(policy: corsguard.Policy) -> None:
    seen: list[corsguard.Decision] = []
    app = CORSMiddleware(plain_app, policy=policy, on_decision=seen.append)
    call(app, http_scope("GET", []))
    call(app, http_scope("GET", [(b"origin", b"https://app.example.com")]))
    call(app, http_scope("OPTIONS", [(b"origin", b"https://evil.example"), (b"access-control-request-method", b"GET")]))
    assert [(d.kind, d.verdict) for d in seen] == [("not_cors", "allowed"), ("actual", "allowed"), ("preflight", "denied")]


def test_a_failing_on_decision_does_not_fail_the_request(policy: corsguard.Policy, caplog: pytest.LogCaptureFixture) -> None:
    def broken(decision: corsguard.Decision) -> None:
        raise RuntimeError("metrics down")

    sent = call(CORSMiddleware(plain_app, policy=policy, on_decision=broken), http_scope("GET", []))
    assert sent[0]["status"] == 404
    assert "on_decision raised" in caplog.text


def test_the_middleware_needs_a_policy() -> None:
    with pytest.raises(TypeError):
        CORSMiddleware(plain_app)
    with pytest.raises(TypeError):
        CORSMiddleware(plain_app, policy="https://app.example.com")  # type: ignore[arg-type]
