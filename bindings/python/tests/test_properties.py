"""Hypothesis properties of decide over arbitrary bytes: it never raises, never emits CR, LF or NUL, and an
allowed CORS request's Access-Control-Allow-Origin is exactly the (trimmed) origin or *."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import corsguard

POLICIES = [
    corsguard.Policy(["https://app.example.com", "https://*.example.org", "http://localhost:*"], credentials=True,
                     methods="*", request_headers="*", exposed_headers=["x-a"], max_age=60),
    corsguard.Policy(["*"], request_headers="*+authorization", exposed_headers="*", private_network=True),
]
NAMES = [b"origin", b"Origin", b"access-control-request-method", b"access-control-request-headers",
         b"access-control-request-private-network", b"x-other"]
ORIGIN_LIKE = st.sampled_from([b"https://app.example.com", b"https://a.example.org", b"http://localhost:8080", b"null"])
VALUES = st.one_of(st.binary(max_size=80), ORIGIN_LIKE, ORIGIN_LIKE.map(lambda o: b" " + o + b"\t"))
HEADERS = st.lists(st.tuples(st.sampled_from(NAMES), VALUES), max_size=6)
METHODS = st.sampled_from([b"GET", b"OPTIONS", b"POST", b"options", b""])
BAD = (b"\r", b"\n", b"\0")


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(POLICIES), METHODS, HEADERS)
def test_decide_is_total_and_its_headers_are_clean(policy: corsguard.Policy, method: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    decision = policy.decide(method, headers)
    for name, value in decision.raw_headers:
        assert not any(b in value for b in BAD)
        assert value == value.strip(b" \t")
    origins = [v for n, v in headers if n.lower() == b"origin"]
    if not origins:
        assert decision.kind == "not_cors"
    acao = [v for n, v in decision.raw_headers if n == b"access-control-allow-origin"]
    if decision.allowed and decision.kind != "not_cors":
        assert len(origins) == 1 and acao in ([b"*"], [origins[0].strip(b" \t")])
        if policy.credentials:
            assert acao != [b"*"]
    if not decision.allowed:
        assert [n for n, _ in decision.raw_headers] == [b"vary"]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(POLICIES), METHODS, HEADERS)
def test_the_asgi_call_agrees_with_decide(policy: corsguard.Policy, method: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    decision = policy.decide(method, headers)
    scope = {"method": method.decode("latin-1"), "headers": [(n.lower(), v) for n, v in headers]}
    status, cors, full = policy._asgi(scope, True)
    assert list(cors) == decision.raw_headers
    assert status == (decision.status if decision.answer_now else 0)
    assert full is not None and full.reason == decision.reason


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40), st.text(max_size=40))
def test_str_values_never_raise(origin: str, method: str) -> None:
    decision = POLICIES[0].decide("OPTIONS", [("origin", origin), ("access-control-request-method", method)])
    assert decision.kind == "preflight"
