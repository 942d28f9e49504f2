"""The shared vectors over the wire: every decision vector of tests/vectors/ sent as raw HTTP/1.1 to
/api/echo of every server, under its policy written as a policy file; status (preflights) and CORS headers
compared with the vector's expectation."""

import pytest

import vectors
from checks import cors_problems
from servers import selected
from wire import exchange

CASES, NOT_SENT = vectors.load()


def test_most_vectors_are_sent():
    # Leaving a vector out is a decision written in vectors.py with its reason, not a silent filter.
    assert len(CASES) >= 340, NOT_SENT


@pytest.mark.parametrize("server,case", [pytest.param(s, c, id=f"{s.name}-{c.name}")
                                         for s in selected() for c in CASES])
def test_vector(server, case, pool):
    running = pool.get(server, case.policy_text)
    response = exchange(running.port, case.raw.to_bytes(running.port),
                        head_request=case.raw.method == "HEAD")
    deviation = server.deviation_for(case.raw)
    if deviation is not None:
        problem = deviation.check(response)
        assert problem is None, f"{server.name} documents '{deviation.name}' ({deviation.doc}): {problem}\n{response}"
        return
    want_status = case.status if case.kind == "preflight" else 200
    problems = cors_problems(case.headers, response)
    if response.status != want_status:
        problems.insert(0, f"status {response.status}, want {want_status}")
    assert not problems, "\n".join(problems) + f"\n{response}"


# Requests at the servers' limits, under one policy: what each answers when nothing stops it, and each
# server's documented deviation where one applies.
LIMITS_POLICY = """origins = https://app.example.com
methods = GET, HEAD, POST, PUT
request-headers = x-custom
"""
APP = "https://app.example.com"
ALLOWED_GET = [("Access-Control-Allow-Origin", APP), ("Vary", "Origin")]
ALLOWED_PREFLIGHT = [("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT"),
                     ("Access-Control-Allow-Headers", "x-custom"),
                     ("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")]
ORIGIN = ("Origin", APP.encode())
PREFLIGHT = [ORIGIN, ("Access-Control-Request-Method", b"PUT")]


def padded(size):
    """An allowed GET whose head is `size` bytes or a little more: one long X-Padding line."""
    return vectors.RawRequest("GET", [ORIGIN, ("X-Padding", b"p" * size)])


LIMIT_CASES = {
    "head-12k": (padded(12 * 1024), 200, ALLOWED_GET),
    "head-20k": (padded(20 * 1024), 200, ALLOWED_GET),
    "head-40k": (padded(40 * 1024), 200, ALLOWED_GET),
    "acrh-32-lines": (vectors.RawRequest("OPTIONS", PREFLIGHT + [("Access-Control-Request-Headers", b"x-custom")] * 32),
                      204, ALLOWED_PREFLIGHT),
    "acrh-33-lines": (vectors.RawRequest("OPTIONS", PREFLIGHT + [("Access-Control-Request-Headers", b"x-custom")] * 33),
                      204, ALLOWED_PREFLIGHT),
    "origin-33-lines": (vectors.RawRequest("GET", [ORIGIN] * 33), 200, [("Vary", "Origin")]),
    "header-lines-70-with-origin": (vectors.RawRequest("GET", [ORIGIN] + [("X-Filler", b"f")] * 69), 200,
                                    ALLOWED_GET),
}


@pytest.mark.parametrize("server,name", [pytest.param(s, n, id=f"{s.name}-limit-{n}") for s in selected()
                                         for n in LIMIT_CASES])
def test_limit(server, name, pool):
    raw, status, headers = LIMIT_CASES[name]
    running = pool.get(server, LIMITS_POLICY)
    response = exchange(running.port, raw.to_bytes(running.port))
    deviation = server.deviation_for(raw)
    if deviation is not None:
        problem = deviation.check(response)
        assert problem is None, f"{server.name} documents '{deviation.name}' ({deviation.doc}): {problem}\n{response}"
        return
    problems = cors_problems(headers, response)
    if response.status != status:
        problems.insert(0, f"status {response.status}, want {status}")
    assert not problems, "\n".join(problems) + f"\n{response}"
