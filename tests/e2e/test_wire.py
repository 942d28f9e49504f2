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
    judge(server, running, case.raw, response, case.status if case.kind == "preflight" else 200, case.headers)


def judge(server, running, raw, response, want_status, want_headers):
    """The response to `raw` against the expected status and CORS headers, or against the server's documented
    deviation where one applies."""
    deviation = server.deviation_for(raw)
    documents = f"{server.name} documents '{deviation.name}' ({deviation.doc})" if deviation else ""
    if deviation is not None and deviation.shown is not None:
        # The answer to the request as the server shows it to the middleware, sent as such: the same status,
        # the same Access-Control-* lines and Vary tokens.
        shown = exchange(running.port, deviation.shown(raw).to_bytes(running.port), head_request=raw.method == "HEAD")
        problems = cors_problems([(n, v) for n, values in shown.cors().items() for v in values]
                                 + [("Vary", ", ".join(shown.vary()))], response)
        if response.status != shown.status:
            problems.insert(0, f"status {response.status}, {shown.status} for the request as shown")
        assert not problems, f"{documents}:\n" + "\n".join(problems) + f"\n{response}\nas shown: {shown}"
        return
    refused = None
    if deviation is not None:
        refused = deviation.check(response)
        if refused is None:
            return
        assert deviation.sometimes, f"{documents}: {refused}\n{response}"
    problems = cors_problems(want_headers, response)
    if response.status != want_status:
        problems.insert(0, f"status {response.status}, want {want_status}")
    if problems and refused is not None:
        problems.insert(0, f"neither {documents} ({refused}) nor the expected answer:")
    assert not problems, "\n".join(problems) + f"\n{response}"


# Requests at the servers' limits, under one policy: what each answers when nothing stops it, and each
# server's documented deviation where one applies. With them, two Origin lines of which the first is empty: a
# server that joins repeated lines (WSGI) makes them ", https://app.example.com", which must still be denied.
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
    "origin-empty-line-first": (vectors.RawRequest("GET", [("Origin", b""), ORIGIN]), 200, [("Vary", "Origin")]),
    "header-lines-70-with-origin": (vectors.RawRequest("GET", [ORIGIN] + [("X-Filler", b"f")] * 69), 200,
                                    ALLOWED_GET),
}


@pytest.mark.parametrize("server,name", [pytest.param(s, n, id=f"{s.name}-limit-{n}") for s in selected()
                                         for n in LIMIT_CASES])
def test_limit(server, name, pool):
    raw, status, headers = LIMIT_CASES[name]
    running = pool.get(server, LIMITS_POLICY)
    response = exchange(running.port, raw.to_bytes(running.port))
    judge(server, running, raw, response, status, headers)
