"""Every shared vector in tests/vectors through Policy.decide, and through the ASGI and WSGI calls the
middleware makes: the same answers as the Rust and C suites."""

from __future__ import annotations

from typing import Any

import pytest

import corsguard
from conftest import HEADER_NAMES, build, byte_string, header_lines, load_vectors

VECTORS = load_vectors()
DECISIONS = [(f, v) for f, v in VECTORS if "expect" in v]
ERRORS = [(f, v) for f, v in VECTORS if "expect_error" in v]


def test_the_vectors_were_read() -> None:
    assert len(DECISIONS) >= 300, len(DECISIONS)
    assert len(ERRORS) >= 100, len(ERRORS)
    names = [v["name"] for _, v in VECTORS]
    assert len(names) == len(set(names)), "vector names are unique"


def expected_headers(expect: dict[str, Any]) -> list[tuple[bytes, bytes]]:
    return [(name.encode(), byte_string(value)) for name, value in expect["headers"]]


def check(decision: corsguard.Decision, expect: dict[str, Any]) -> None:
    assert decision.kind == expect["kind"]
    assert decision.verdict == expect["verdict"]
    assert decision.allowed == (expect["verdict"] == "allowed")
    if expect["reason"] is None:
        assert decision.reason is None
    else:
        assert decision.reason is not None
        assert (decision.reason.name, decision.reason.code) == (expect["reason"], expect["reason_code"])
    origin_error = decision.origin_error
    assert (origin_error.name if origin_error else None) == expect["origin_error"]
    assert decision.status == expect["status"]
    assert decision.answer_now == (expect["kind"] == "preflight")
    want = expected_headers(expect)
    assert [(n.encode(), v.encode()) for n, v in decision.headers] == want
    assert decision.raw_headers == [(n.lower(), v) for n, v in want]


@pytest.mark.parametrize("vector", [v for _, v in DECISIONS], ids=[v["name"] for _, v in DECISIONS])
def test_decision_vector(vector: dict[str, Any]) -> None:
    policy = build(vector["policy"])
    request = vector["request"]
    lines = header_lines(request)
    check(policy.decide(request["method"], lines), vector["expect"])
    # The same lines as str (Latin-1, as WSGI would hand them over) decide the same unless a value has a
    # non-ASCII byte, where only the Origin's exact error may differ.
    if all(value.isascii() for _, value in lines):
        as_text = [(n.decode(), v.decode()) for n, v in lines]
        check(policy.decide(request["method"].encode(), as_text), vector["expect"])


@pytest.mark.parametrize("vector", [v for _, v in DECISIONS], ids=[v["name"] for _, v in DECISIONS])
def test_decision_vector_through_asgi_and_wsgi(vector: dict[str, Any]) -> None:
    policy = build(vector["policy"])
    request = vector["request"]
    expect = vector["expect"]
    want = expected_headers(expect)
    status = expect["status"] if expect["kind"] == "preflight" else 0

    scope = {"type": "http", "method": request["method"], "headers": [(n.lower(), v) for n, v in header_lines(request)]}
    got_status, headers, decision = policy._asgi(scope, True)
    assert got_status == status
    assert list(headers) == [(n.lower(), v) for n, v in want]
    assert decision is not None
    check(decision, expect)

    # WSGI servers join repeated lines; only vectors with one line per header mean the same there. A value's
    # bytes reach the environ as Latin-1 characters (PEP 3333), bytes >= 0x80 included, and decide the same.
    fields = [request.get(field) or [] for field in HEADER_NAMES]
    if any(len(values) > 1 for values in fields):
        return
    environ: dict[str, Any] = {"REQUEST_METHOD": request["method"]}
    for name, value in header_lines(request):
        environ["HTTP_" + name.decode().upper().replace("-", "_")] = value.decode("latin-1")
    got_status, text_headers, decision = policy._wsgi(environ, False)
    assert got_status == status
    assert [(n.encode(), v.encode()) for n, v in text_headers] == want
    assert (decision is None) == (expect["verdict"] == "allowed")
    got_status, text_headers, decision = policy._wsgi(environ, True)
    assert decision is not None
    check(decision, expect)


@pytest.mark.parametrize("vector", [v for _, v in ERRORS], ids=[v["name"] for _, v in ERRORS])
def test_policy_error_vector(vector: dict[str, Any]) -> None:
    with pytest.raises(corsguard.PolicyError) as caught:
        build(vector["policy"])
    error = caught.value
    expect = vector["expect_error"]
    assert (error.kind, error.code, error.setting, error.index, error.origin_error) == (
        expect["kind"],
        expect["code"],
        expect["setting"],
        expect["index"],
        expect["origin_error"],
    )
    assert isinstance(error, ValueError)
    assert error.message == str(error) and f"error {expect['code']} in `{expect['setting']}`" in str(error)
