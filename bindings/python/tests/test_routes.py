"""Per-route policies: longest prefix, segment by segment, on the path the application routes on. Behind a real
uvicorn, every encoding, case and dot trick gets the policy of the route the application actually serves."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Callable

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

import corsguard
from corsguard._common import RouteTable
from corsguard.asgi import CORSMiddleware, route_path
from corsguard.wsgi import CORSMiddleware as WSGIMiddleware
from servers import fetch, uvicorn_server


def tagged(tag: str) -> corsguard.Policy:
    """A policy that says which one it is in Access-Control-Expose-Headers."""
    return corsguard.Policy(["*"], exposed_headers=[f"x-policy-{tag}"])


API, PUBLIC, DEFAULT = tagged("api"), tagged("public"), tagged("default")


def test_longest_prefix_segment_by_segment() -> None:
    nested = tagged("nested")
    table = RouteTable(DEFAULT, {"/api": API, "/api/public/": nested, "/public": PUBLIC})
    assert table.policy_for("/api") is API
    assert table.policy_for("/api/") is API
    assert table.policy_for("/api/items") is API
    assert table.policy_for("/api/public") is nested
    assert table.policy_for("/api/public/x") is nested
    assert table.policy_for("/api/publicx") is API
    for path in ("/apix", "/ap", "/API", "/api.", "/api+", "//api", "/", "", "/x/api"):
        assert table.policy_for(path) is DEFAULT, path
    assert RouteTable(None, [("/api", API)]).policy_for("/other") is None
    assert RouteTable(DEFAULT, {"/": API}).policy_for("/anything") is API


def test_route_table_refuses_bad_entries() -> None:
    with pytest.raises(ValueError):
        RouteTable(None, {"api": API})
    with pytest.raises(ValueError):
        RouteTable(None, [("/api", API), ("/api/", PUBLIC)])
    with pytest.raises(TypeError):
        RouteTable(None, {"/api": {"origins": ["*"]}})  # type: ignore[arg-type]


def test_wsgi_paths_are_latin1_decoded_bytes() -> None:
    table = RouteTable(DEFAULT, {"/café": API}, wsgi=True)
    assert table.policy_for("/café".encode().decode("latin-1")) is API
    assert table.policy_for("/café") is DEFAULT


def test_route_path_drops_the_root_path() -> None:
    assert route_path({"path": "/mount/api/x", "root_path": "/mount"}) == "/api/x"
    assert route_path({"path": "/mountx/api", "root_path": "/mount"}) == "/mountx/api"
    assert route_path({"path": "/mount", "root_path": "/mount"}) == "/"
    assert route_path({"path": ""}) == "/"


async def route(request: Request) -> Response:
    # The application says which route it served, so the test can compare it with the policy that applied.
    return PlainTextResponse(request.scope["route"].path.split("/")[1] or "root", headers={"X-Route": request.scope["route"].name})


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    app = Starlette(routes=[
        Route("/api", route, name="api"),
        Route("/api/{rest:path}", route, name="api"),
        Route("/public/{rest:path}", route, name="public"),
    ])
    app.add_middleware(CORSMiddleware, policy=DEFAULT, routes={"/api": API, "/public": PUBLIC})
    with uvicorn_server(app) as port:
        yield port


TRICKS = [
    "/api", "/api/items", "/apix", "/API/items", "/api./items", "/api+/items", "/api%2Fitems", "/api%2fitems",
    "/%61pi/items", "/public/items", "/public%2F..%2Fapi/items", "/public/../api/items", "/public/%2e%2e/api",
    "/Public/items", "/public%20/items", "//api/items", "/api;x/items", "/api%00/items",
]


@pytest.mark.parametrize("path", TRICKS)
def test_the_policy_is_the_one_of_the_route_served(port: int, path: str) -> None:
    response = fetch(port, "GET", path, [("Origin", "https://anyone.example")])
    served = response.get("x-route") or "default"  # 404: no route, the default policy
    assert response.get("access-control-expose-headers") == f"x-policy-{served}", (path, response.status)


def test_wsgi_routes(policy: corsguard.Policy) -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [])
        return []

    middleware = WSGIMiddleware(app, routes={"/api": API})
    seen: list[list[tuple[str, str]]] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], object]:
        seen.append(headers)
        return lambda data: None

    for path in ("/api/x", "/apix"):
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "HTTP_ORIGIN": "https://a.example"}
        middleware(environ, start_response)
    assert seen == [
        [("Access-Control-Allow-Origin", "*"), ("Access-Control-Expose-Headers", "x-policy-api"), ("Vary", "Origin")],
        [],  # no default policy: left alone
    ]
