"""examples/server.py, the end-to-end suite's Python server, started as the suite starts it, in both modes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from servers import _free_socket, _wait_until_up, fetch

SERVER = Path(__file__).resolve().parents[1] / "examples" / "server.py"
POLICY = """origins = https://app.example.com
credentials = true
methods = GET, HEAD, POST, PUT, DELETE, PURGE
exposed-headers = x-request-id, x-total-count
"""


@pytest.fixture(scope="module", params=["asgi", "wsgi"])
def port(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    policy = tmp_path_factory.mktemp("policy") / "policy.conf"
    policy.write_text(POLICY)
    sock = _free_socket()
    port = sock.getsockname()[1]
    sock.close()
    command = [sys.executable, str(SERVER), "--policy", str(policy), "--port", str(port)]
    if request.param == "wsgi":
        command.append("--wsgi")
    process = subprocess.Popen(command, stderr=subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        _wait_until_up(port)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(10)
        assert process.stderr is not None
        process.stderr.close()


def test_routes_and_headers(port: int) -> None:
    items = fetch(port, "GET", "/api/items", [("Origin", "https://app.example.com")])
    assert (items.status, items.body) == (200, b'{"items":[1,2,3]}')
    assert items.get("access-control-allow-origin") == "https://app.example.com"
    assert [v for v in items.get_all("vary")] == ["Accept-Encoding", "Origin"]
    assert items.get("x-total-count") == "3"
    echo = fetch(port, "PURGE", "/api/echo", [("Origin", "https://app.example.com")])
    assert echo.body == b'{"method":"PURGE"}'
    assert fetch(port, "GET", "/api/error").status == 500
    redirect = fetch(port, "GET", "/api/redirect?to=https%3A%2F%2Fx.example%2Fa%3Fb%3D1")
    assert (redirect.status, redirect.get("location")) == (302, "https://x.example/a?b=1")
    assert fetch(port, "GET", "/elsewhere").status == 404


def test_preflight(port: int) -> None:
    response = fetch(port, "OPTIONS", "/api/echo", [("Origin", "https://app.example.com"),
                                                   ("Access-Control-Request-Method", "PURGE")])
    assert (response.status, response.body) == (204, b"")
    assert response.get("access-control-allow-methods") == "GET, HEAD, POST, PUT, DELETE, PURGE"


def test_a_bad_policy_file_fails_at_start(tmp_path: Path) -> None:
    policy = tmp_path / "bad.conf"
    policy.write_text("origins = *\ncredentials = true\n")
    done = subprocess.run([sys.executable, str(SERVER), "--policy", str(policy), "--port", "1"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert "line 1, column 11" in done.stderr and "credentials" in done.stderr
