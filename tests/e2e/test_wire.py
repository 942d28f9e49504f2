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
