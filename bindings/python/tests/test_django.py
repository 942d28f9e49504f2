"""corsguard.django.CorsMiddleware: a Django project served by waitress through Django's WSGI handler, and by
uvicorn through its ASGI handler (the async middleware path), over HTTP; policies from settings."""

from __future__ import annotations

from collections.abc import Iterator

import django
import pytest
from django.conf import settings

from servers import fetch, uvicorn_server, waitress_server

ORIGIN = "https://app.example.com"
decisions: list[str] = []


def record(decision: object) -> None:
    decisions.append(getattr(decision, "kind"))


def items(request: object) -> object:
    from django.http import JsonResponse

    response = JsonResponse({"items": [1, 2, 3]})
    response["X-Request-Id"] = "42"
    response["Vary"] = "Accept-Encoding"
    return response


def boom(request: object) -> object:
    from django.http import JsonResponse

    return JsonResponse({"error": "boom"}, status=500)


def urls() -> list[object]:
    from django.urls import path

    return [path("api/items", items), path("api/error", boom), path("public/items", items)]


urlpatterns = None  # set in configure(), once Django is set up


def configure() -> None:
    global urlpatterns
    if settings.configured:
        return
    settings.configure(
        DEBUG=False,
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=["corsguard.django.CorsMiddleware", "django.middleware.common.CommonMiddleware"],
        CORSGUARD_POLICY={"origins": [ORIGIN], "credentials": True, "methods": ["GET", "PUT"],
                          "request_headers": ["content-type"], "max_age": 600},
        CORSGUARD_ROUTES={"/public": {"origins": ["*"]}},
        CORSGUARD_ON_DECISION=f"{__name__}.record",
        SECRET_KEY="test only",
    )
    django.setup()
    urlpatterns = urls()


@pytest.fixture(scope="module", params=["wsgi", "asgi"])
def port(request: pytest.FixtureRequest) -> Iterator[int]:
    configure()
    if request.param == "wsgi":
        from django.core.wsgi import get_wsgi_application

        with waitress_server(get_wsgi_application()) as port:
            yield port
    else:
        from django.core.asgi import get_asgi_application

        with uvicorn_server(get_asgi_application()) as port:
            yield port


def test_allowed_actual_request_and_vary_merged(port: int) -> None:
    response = fetch(port, "GET", "/api/items", [("Origin", ORIGIN)])
    assert response.status == 200
    assert response.get("access-control-allow-origin") == ORIGIN
    assert response.get("access-control-allow-credentials") == "true"
    assert response.get_all("vary") == ["Accept-Encoding, Origin"]


def test_preflights_answered_without_the_view(port: int) -> None:
    allowed = fetch(port, "OPTIONS", "/api/items", [
        ("Origin", ORIGIN), ("Access-Control-Request-Method", "PUT"), ("Access-Control-Request-Headers", "content-type"),
    ])
    assert (allowed.status, allowed.body) == (204, b"")
    assert allowed.get("access-control-allow-headers") == "content-type"
    assert allowed.get("access-control-max-age") == "600"
    denied = fetch(port, "OPTIONS", "/api/items", [("Origin", "https://evil.example"), ("Access-Control-Request-Method", "PUT")])
    assert (denied.status, denied.body) == (403, b"")
    assert denied.get("access-control-allow-origin") is None
    assert denied.get("vary") == "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"


def test_error_and_not_found_responses_get_the_headers(port: int) -> None:
    for path, status in (("/api/error", 500), ("/api/nowhere", 404)):
        response = fetch(port, "GET", path, [("Origin", ORIGIN)])
        assert response.status == status
        assert response.get("access-control-allow-origin") == ORIGIN


def test_routes_from_settings(port: int) -> None:
    public = fetch(port, "GET", "/public/items", [("Origin", "https://anyone.example")])
    assert public.get("access-control-allow-origin") == "*"
    assert public.get("access-control-allow-credentials") is None
    # /publicx is not under /public: the default policy applies.
    other = fetch(port, "GET", "/publicx", [("Origin", "https://anyone.example")])
    assert other.get("access-control-allow-origin") is None


def test_on_decision_from_a_dotted_path(port: int) -> None:
    decisions.clear()
    fetch(port, "GET", "/api/items", [("Origin", ORIGIN)])
    assert decisions == ["actual"]
