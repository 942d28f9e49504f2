"""ASGI middleware (Starlette, FastAPI, or any ASGI application).

``app.add_middleware(CORSMiddleware, policy=policy)`` in Starlette and FastAPI, or
``CORSMiddleware(app, policy=policy)`` around any ASGI application. Preflights are answered here, with the
decision's status and an empty body; every other HTTP response gets the decision's headers, ``Vary`` added
beside the application's own.
"""

from __future__ import annotations

from collections.abc import Awaitable, MutableMapping
from typing import Any, Callable, Optional

from ._common import MARK, OnDecision, Reporter, RouteTable, Routes
from ._corsguard import Policy

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_CONTENT_LENGTH_ZERO = (b"content-length", b"0")


def route_path(scope: Scope) -> str:
    """The path the application routes on: ``path`` without the ``root_path`` it is mounted under (as Starlette
    reads it)."""
    path: str = scope.get("path", "") or "/"
    root: str = scope.get("root_path", "")
    if root and path.startswith(root) and (len(path) == len(root) or path[len(root)] == "/"):
        return path[len(root):] or "/"
    return path


class CORSMiddleware:
    """CORS for an ASGI application.

    :param policy: the policy for every request (or, with ``routes``, for paths no prefix covers; ``None``
        leaves those alone).
    :param routes: path prefix to policy, longest prefix first (see :class:`corsguard._common.RouteTable`).
    :param on_decision: called with every :class:`corsguard.Decision`, for metrics.
    """

    def __init__(
        self,
        app: ASGIApp,
        policy: Optional[Policy] = None,
        *,
        routes: Optional[Routes] = None,
        on_decision: Optional[OnDecision] = None,
    ) -> None:
        if policy is None and routes is None:
            raise TypeError("CORSMiddleware needs a policy, routes, or both")
        self.app = app
        self.routes = RouteTable(policy, routes)
        self.reporter = Reporter(on_decision)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or MARK in scope:
            await self.app(scope, receive, send)
            return
        policy = self.routes.single or self.routes.policy_for(route_path(scope))
        if policy is None:
            await self.app(scope, receive, send)
            return
        scope[MARK] = True
        status, cors, decision = policy._asgi(
            scope, self.reporter.full, self.reporter.logs_denials()  # type: ignore[arg-type]
        )
        if decision is not None:
            origins = [value for name, value in scope.get("headers", ()) if name.lower() == b"origin"]
            self.reporter.report(decision, scope.get("method", ""), scope.get("path", ""), origins)
        if status:
            # A preflight: answered here, never by the application. 204 carries no Content-Length (RFC 9110).
            headers = list(cors) if status == 204 else [*cors, _CONTENT_LENGTH_ZERO]
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return

        def send_with_cors(message: Message) -> Awaitable[None]:
            # Not a coroutine of its own: returning the server's awaitable saves a frame per message.
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *cors]
            return send(message)

        await self.app(scope, receive, send_with_cors)
