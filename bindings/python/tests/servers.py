"""Real servers for the tests, each in a thread of the test process on a free loopback port: uvicorn for ASGI
applications, waitress for WSGI ones; and a small HTTP client that sends header lines exactly as given."""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any, Callable, NamedTuple, Optional


class Response(NamedTuple):
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def get_all(self, name: str) -> list[str]:
        return [v for n, v in self.headers if n.lower() == name.lower()]

    def get(self, name: str) -> Optional[str]:
        values = self.get_all(name)
        return values[0] if values else None

    def cors(self) -> list[tuple[str, str]]:
        """The CORS and Vary headers, in order, names as sent."""
        return [(n, v) for n, v in self.headers if n.lower().startswith("access-control-") or n.lower() == "vary"]


def fetch(port: int, method: str, path: str, headers: Optional[list[tuple[str, str]]] = None) -> Response:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        for name, value in headers or []:
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        body = response.read()
        return Response(response.status, response.getheaders(), body)
    finally:
        connection.close()


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def _wait_until_up(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.02)
    raise RuntimeError(f"the server on port {port} did not start")


@contextlib.contextmanager
def uvicorn_server(app: Callable[..., Any]) -> Iterator[int]:
    import uvicorn

    sock = _free_socket()
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        _wait_until_up(port)
        yield port
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@contextlib.contextmanager
def waitress_server(app: Callable[..., Any]) -> Iterator[int]:
    import waitress.server

    server = waitress.server.create_server(app, host="127.0.0.1", port=0, threads=4)
    port = int(server.effective_port)
    closed = threading.Event()

    def run() -> None:
        try:
            server.run()
        except OSError:
            # waitress's select loop fails on the socket closed under it from this thread: that is the stop.
            if not closed.is_set():
                raise

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        _wait_until_up(port)
        yield port
    finally:
        closed.set()
        server.close()
        thread.join(10)
