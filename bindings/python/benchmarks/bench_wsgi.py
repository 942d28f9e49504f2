"""corsguard.wsgi.CORSMiddleware against flask-cors, each on the same Flask application, called directly
through WSGI (no server) on the seven cases of cases.py, in alternating rounds within one process. Flask's
own cost dwarfs both, so what is compared is the cost each adds over the bare Flask application.

    python bindings/python/benchmarks/bench_wsgi.py [--rounds 15] [--requests 3000]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import platform
import sys
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).parent))

import flask
from flask_cors import CORS
from werkzeug.test import EnvironBuilder

import corsguard
from cases import BROWSER, CASES, EXPOSED, MANY_ORIGINS, METHODS, ORIGIN, REQUEST_HEADERS, corsguard_kwargs
from corsguard.wsgi import CORSMiddleware


def flask_app() -> flask.Flask:
    app = flask.Flask("bench")

    @app.route("/api/items", methods=["GET", "PUT"])
    def items() -> str:
        return "ok"

    return app


def stacks(many: bool) -> dict[str, Callable[..., Any]]:
    with_flask_cors = flask_app()
    CORS(with_flask_cors, origins=MANY_ORIGINS if many else [ORIGIN], supports_credentials=True, methods=METHODS,
         allow_headers=REQUEST_HEADERS, expose_headers=EXPOSED, max_age=600)
    with_corsguard = flask_app()
    with_corsguard.wsgi_app = CORSMiddleware(  # type: ignore[method-assign]
        with_corsguard.wsgi_app, policy=corsguard.Policy(**corsguard_kwargs(many))  # type: ignore[arg-type]
    )
    return {"bare": flask_app(), "flask-cors": with_flask_cors, "corsguard": with_corsguard}


def environs(method: str, cors: list[tuple[str, str]], n: int) -> list[dict[str, Any]]:
    base = EnvironBuilder(path="/api/items", method=method, headers=BROWSER + cors).get_environ()
    return [dict(base) for _ in range(n)]


def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
    return lambda data: None


def time_stack(app: Callable[..., Any], prepared: list[dict[str, Any]]) -> float:
    start = time.perf_counter()
    for environ in prepared:
        body = app(environ, start_response)
        for _ in body:
            pass
        close = getattr(body, "close", None)
        if close is not None:
            close()
    return (time.perf_counter() - start) / len(prepared)


def main(rounds: int, requests: int) -> int:
    print(f"Python {platform.python_version()}, Flask {importlib.metadata.version('flask')}, flask-cors "
          f"{importlib.metadata.version('flask-cors')}, corsguard {corsguard.__version__}; {rounds} rounds x "
          f"{requests} requests per case and stack, fastest round per request")
    print("| case | Flask alone | + flask-cors | + corsguard | flask-cors added | corsguard added | added ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    worst = float("inf")
    for case, (method, cors, many) in CASES.items():
        built = stacks(many)
        times: dict[str, list[float]] = {name: [] for name in built}
        for _ in range(rounds):
            for name, app in built.items():
                times[name].append(time_stack(app, environs(method, cors, requests)))
        best = {name: min(t) * 1e6 for name, t in times.items()}
        added_flask_cors = best["flask-cors"] - best["bare"]
        if method == "OPTIONS":
            # corsguard answers preflights itself and Flask never runs, so the comparison is whole answers.
            ratio = best["flask-cors"] / best["corsguard"]
            added = f"(answers alone) {best['corsguard']:.1f} µs"
            note = " (totals)"
        else:
            added_corsguard = best["corsguard"] - best["bare"]
            ratio = added_flask_cors / added_corsguard if added_corsguard > 0 else float("inf")
            added = f"{added_corsguard:.1f} µs"
            note = ""
        worst = min(worst, ratio)
        print(f"| {case} | {best['bare']:.1f} µs | {best['flask-cors']:.1f} µs | {best['corsguard']:.1f} µs | "
              f"{added_flask_cors:.1f} µs | {added} | {ratio:.1f}x{note} |")
    print(f"lowest ratio of added costs: {worst:.1f}x (bar: 5x)")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()
    sys.exit(main(args.rounds, args.requests))
