"""WSGI middleware (Flask, or any WSGI application).

``app.wsgi_app = CORSMiddleware(app.wsgi_app, policy=policy)`` in Flask, or ``CORSMiddleware(app, ...)`` around
any WSGI application. A WSGI server joins repeated header lines with commas before the application sees them,
so several ``Origin`` lines arrive as one malformed value (and are denied, as they should be).
"""

from __future__ import annotations

import http
from collections.abc import Iterable
from typing import Any, Callable, Optional

from ._common import MARK, OnDecision, Reporter, RouteTable, Routes
from ._corsguard import Policy

Environ = dict[str, Any]
Headers = list[tuple[str, str]]
StartResponse = Callable[..., Callable[[bytes], object]]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]

# The headers of a request without Origin, under every policy (the extension answers the same).
NOT_CORS_HEADERS: Headers = [("Vary", "Origin")]


def status_line(status: int) -> str:
    try:
        return f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Status {status}"


class CORSMiddleware:
    """CORS for a WSGI application; same parameters as :class:`corsguard.asgi.CORSMiddleware`."""

    def __init__(
        self,
        app: WSGIApp,
        policy: Optional[Policy] = None,
        *,
        routes: Optional[Routes] = None,
        on_decision: Optional[OnDecision] = None,
    ) -> None:
        if policy is None and routes is None:
            raise TypeError("CORSMiddleware needs a policy, routes, or both")
        self.app = app
        self.routes = RouteTable(policy, routes, wsgi=True)
        self.reporter = Reporter(on_decision)
        self._status_lines: dict[int, str] = {}

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        if MARK in environ:
            return self.app(environ, start_response)
        policy = self.routes.single or self.routes.policy_for(environ.get("PATH_INFO", "") or "/")
        if policy is None:
            return self.app(environ, start_response)
        environ[MARK] = True
        if "HTTP_ORIGIN" not in environ and not self.reporter.full:
            # Not a CORS request: under every policy its only header is `Vary: Origin`, so it is answered
            # without crossing into the extension (with on_decision, which is given the Decision, it crosses
            # like every other request).
            status, cors, decision = 0, NOT_CORS_HEADERS, None
        else:
            status, cors, decision = policy._wsgi(environ, self.reporter.full, self.reporter.logs_denials())
        if decision is not None:
            origin = environ.get("HTTP_ORIGIN")
            origins = [origin.encode("latin-1", "replace")] if origin is not None else []
            self.reporter.report(decision, environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", ""), origins)
        if status:
            line = self._status_lines.get(status) or self._status_lines.setdefault(status, status_line(status))
            start_response(line, cors if status == 204 else [*cors, ("Content-Length", "0")])
            return []

        def start_with_cors(status: str, headers: Headers, exc_info: Any = None) -> Callable[[bytes], object]:
            # Called again with exc_info when the application fails after starting: the server then sends the
            # second call's headers only, so they get the CORS headers too.
            return start_response(status, [*headers, *cors], exc_info)

        return self.app(environ, start_with_cors)
