"""The end-to-end suite's Python server: the routes every server in tests/e2e implements, behind
corsguard.asgi.CORSMiddleware under uvicorn (or, with --wsgi, corsguard.wsgi.CORSMiddleware under waitress).

    python bindings/python/examples/server.py --policy FILE --port N [--wsgi]

Listens on 127.0.0.1:N until SIGTERM or SIGINT. Denials are logged to stderr (logger "corsguard").
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
from collections.abc import Iterable
from typing import Any, Callable
from urllib.parse import parse_qs

import corsguard
from corsguard.asgi import Receive, Scope, Send

Headers = list[tuple[str, str]]


def route(method: str, path: str, query: str) -> tuple[int, Headers, bytes]:
    """The shared routes: status, headers and body for one request (the same for ASGI and WSGI)."""
    def json_body(status: int, value: Any, extra: Headers = []) -> tuple[int, Headers, bytes]:
        body = json.dumps(value, separators=(",", ":")).encode()
        return status, [("Content-Type", "application/json"), *extra], body

    if path == "/api/items" and method in ("GET", "HEAD"):
        return json_body(200, {"items": [1, 2, 3]}, [("X-Request-Id", "42"), ("X-Total-Count", "3"), ("Vary", "Accept-Encoding")])
    if path == "/api/echo":
        return json_body(200, {"method": method}, [("X-Request-Id", "42")])
    if path == "/api/error":
        return json_body(500, {"error": "boom"})
    if path == "/api/redirect":
        target = parse_qs(query).get("to", ["/"])[0]
        return 302, [("Location", target), ("Content-Length", "0")], b""
    return json_body(404, {"error": "not found"})


async def asgi_app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    while True:  # read the request body, if any, before answering
        message = await receive()
        if not message.get("more_body"):
            break
    method = scope["method"]
    status, headers, body = route(method, scope["path"], scope.get("query_string", b"").decode("latin-1"))
    raw = [(n.lower().encode(), v.encode("latin-1")) for n, v in headers]
    if body or status != 302:
        raw.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": b"" if method == "HEAD" else body})


def wsgi_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    method = environ["REQUEST_METHOD"]
    status, headers, body = route(method, environ.get("PATH_INFO", "/"), environ.get("QUERY_STRING", ""))
    from corsguard.wsgi import status_line

    if status != 302:
        headers = [*headers, ("Content-Length", str(len(body)))]
    start_response(status_line(status), headers)
    return [b"" if method == "HEAD" else body]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--policy", required=True, help="a corsguard policy file")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--wsgi", action="store_true", help="WSGI middleware under waitress instead of ASGI under uvicorn")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(name)s: %(message)s")
    try:
        policy = corsguard.Policy.from_file(args.policy)
    except (corsguard.PolicyError, OSError) as error:
        print(f"{args.policy}: {error}", file=sys.stderr)
        return 2

    if args.wsgi:
        import waitress.server

        from corsguard.wsgi import CORSMiddleware as WSGIMiddleware

        server = waitress.server.create_server(WSGIMiddleware(wsgi_app, policy=policy), host="127.0.0.1", port=args.port)
        signal.signal(signal.SIGTERM, lambda *_: server.close())
        try:
            server.run()
        except (KeyboardInterrupt, OSError, ValueError):
            pass  # closed by a signal
        return 0

    import uvicorn

    from corsguard.asgi import CORSMiddleware

    # uvicorn handles SIGTERM and SIGINT itself (graceful shutdown), and keeps connections alive.
    uvicorn.run(CORSMiddleware(asgi_app, policy=policy), host="127.0.0.1", port=args.port, log_level="warning",
                lifespan="off")
    return 0


if __name__ == "__main__":
    sys.exit(main())
