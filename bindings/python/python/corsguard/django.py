"""Django middleware: add ``"corsguard.django.CorsMiddleware"`` to ``MIDDLEWARE``, as high as possible (above
any middleware that may answer on its own, such as ``CommonMiddleware``), and describe the policy in settings:

``CORSGUARD_POLICY``
    a :class:`corsguard.Policy`, or a dict of its keyword arguments, for every request (or for paths no route
    covers).
``CORSGUARD_ROUTES``
    optional: path prefix to policy (or dict of keyword arguments), longest prefix first; matched on
    ``request.path_info``, the path Django resolves.
``CORSGUARD_ON_DECISION``
    optional: a callable (or its dotted path) called with every :class:`corsguard.Decision`.

Works under WSGI and ASGI (sync and async middleware chains).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Awaitable, Callable, Optional, Union

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import patch_vary_headers
from django.utils.module_loading import import_string

from ._common import MARK, Reporter, RouteTable
from ._corsguard import Policy
from ._errors import PolicyError

GetResponse = Callable[[HttpRequest], Union[HttpResponseBase, Awaitable[HttpResponseBase]]]


def _policy(value: Any, setting: str) -> Policy:
    if isinstance(value, Policy):
        return value
    if isinstance(value, Mapping):
        try:
            return Policy(**value)
        except PolicyError as error:
            raise ImproperlyConfigured(f"{setting}: {error}") from error
    raise ImproperlyConfigured(f"{setting} must be a corsguard.Policy or a dict of its arguments")


def _apply(response: HttpResponseBase, cors: list[tuple[str, str]]) -> None:
    """Adds the decision's headers to a Django response, whose headers are a case-insensitive mapping: Vary is
    merged into the response's own (never replaced), repeated names are joined with commas."""
    seen: set[str] = set()
    for name, value in cors:
        if name == "Vary":
            patch_vary_headers(response, [v.strip() for v in value.split(",")])
        elif name in seen:
            response.headers[name] = f"{response.headers[name]}, {value}"
        else:
            response.headers[name] = value
            seen.add(name)


class CorsMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response: GetResponse) -> None:
        default = getattr(settings, "CORSGUARD_POLICY", None)
        routes = getattr(settings, "CORSGUARD_ROUTES", None)
        if default is None and routes is None:
            raise ImproperlyConfigured("corsguard.django.CorsMiddleware needs CORSGUARD_POLICY or CORSGUARD_ROUTES")
        on_decision = getattr(settings, "CORSGUARD_ON_DECISION", None)
        if isinstance(on_decision, str):
            on_decision = import_string(on_decision)
        self.routes = RouteTable(
            None if default is None else _policy(default, "CORSGUARD_POLICY"),
            {prefix: _policy(p, f"CORSGUARD_ROUTES[{prefix!r}]") for prefix, p in (routes or {}).items()},
        )
        self.reporter = Reporter(on_decision)
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def _decide(self, request: HttpRequest) -> Optional[tuple[int, list[tuple[str, str]]]]:
        meta = request.META
        if MARK in meta:
            return None
        policy = self.routes.single or self.routes.policy_for(request.path_info or "/")
        if policy is None:
            return None
        meta[MARK] = True
        status, cors, decision = policy._wsgi(meta, self.reporter.full, self.reporter.logs_denials())
        if decision is not None:
            origin = meta.get("HTTP_ORIGIN")
            origins = [origin.encode("latin-1", "replace")] if origin is not None else []
            self.reporter.report(decision, request.method or "", request.path_info, origins)
        return status, cors

    @staticmethod
    def _preflight(status: int, cors: list[tuple[str, str]]) -> HttpResponse:
        response = HttpResponse(status=status)
        _apply(response, cors)
        return response

    def __call__(self, request: HttpRequest) -> Any:
        if self.is_async:
            return self.__acall__(request)
        decided = self._decide(request)
        if decided is None:
            return self.get_response(request)
        status, cors = decided
        if status:
            return self._preflight(status, cors)
        response = self.get_response(request)
        assert isinstance(response, HttpResponseBase)
        _apply(response, cors)
        return response

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        decided = self._decide(request)
        if decided is None:
            response = self.get_response(request)
            assert not isinstance(response, HttpResponseBase)
            return await response
        status, cors = decided
        if status:
            return self._preflight(status, cors)
        pending = self.get_response(request)
        assert not isinstance(pending, HttpResponseBase)
        response = await pending
        _apply(response, cors)
        return response
