"""corsguard.asgi.CORSMiddleware against Starlette's CORSMiddleware, each around the same minimal ASGI
application, called directly (no server, no network) on the seven cases of cases.py, in alternating rounds
within one process. Prints the time per request through each stack, the cost each middleware adds over the
bare application, and the ratios.

    python bindings/python/benchmarks/bench_asgi.py [--rounds 15] [--requests 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import sys
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).parent))

import starlette
from starlette.middleware.cors import CORSMiddleware as StarletteCORS

import corsguard
from cases import BROWSER, CASES, EXPOSED, MANY_ORIGINS, METHODS, ORIGIN, REQUEST_HEADERS, corsguard_kwargs
from corsguard.asgi import CORSMiddleware as CorsguardCORS


async def app(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})


async def receive() -> Any:
    return {"type": "http.request", "body": b"", "more_body": False}


async def send(message: Any) -> None:
    pass


def stacks(many: bool) -> dict[str, Callable[..., Any]]:
    origins = MANY_ORIGINS if many else [ORIGIN]
    return {
        "bare": app,
        "starlette": StarletteCORS(
            app,
            allow_origins=origins,
            allow_methods=METHODS,
            allow_headers=REQUEST_HEADERS,
            allow_credentials=True,
            expose_headers=EXPOSED,
            max_age=600,
        ),
        "corsguard": CorsguardCORS(app, policy=corsguard.Policy(**corsguard_kwargs(many))),  # type: ignore[arg-type]
    }


def scopes(method: str, cors: list[tuple[str, str]], n: int) -> list[dict[str, Any]]:
    headers = [(k.encode(), v.encode()) for k, v in BROWSER + cors]
    base = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "https",
            "path": "/api/items", "raw_path": b"/api/items", "query_string": b"", "root_path": "", "headers": headers,
            "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 50000)}
    # One scope per request, made before timing: the middleware may mark the scope it is handed.
    return [dict(base) for _ in range(n)]


async def time_stack(stack: Callable[..., Any], prepared: list[dict[str, Any]]) -> float:
    start = time.perf_counter()
    for scope in prepared:
        await stack(scope, receive, send)
    return (time.perf_counter() - start) / len(prepared)


async def main(rounds: int, requests: int) -> int:
    print(f"Python {platform.python_version()}, Starlette {starlette.__version__}, corsguard {corsguard.__version__}; "
          f"{rounds} rounds x {requests} requests per case and stack, fastest round per request")
    print("| case | bare app | Starlette | corsguard | Starlette added | corsguard added | total ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    worst = float("inf")
    for case, (method, cors, many) in CASES.items():
        built = stacks(many)
        times: dict[str, list[float]] = {name: [] for name in built}
        for _ in range(rounds):
            for name, stack in built.items():
                times[name].append(await time_stack(stack, scopes(method, cors, requests)))
        med = {name: min(t) * 1e6 for name, t in times.items()}
        ratio = med["starlette"] / med["corsguard"]
        worst = min(worst, ratio)
        print(f"| {case} | {med['bare']:.2f} µs | {med['starlette']:.2f} µs | {med['corsguard']:.2f} µs | "
              f"{med['starlette'] - med['bare']:.2f} µs | {med['corsguard'] - med['bare']:.2f} µs | {ratio:.1f}x |")
    print(f"lowest ratio: {worst:.2f}x (bar: 2x)")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--requests", type=int, default=20000)
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.rounds, args.requests)))
