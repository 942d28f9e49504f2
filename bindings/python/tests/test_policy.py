"""The Python API: building policies (arguments, types, errors), decide's inputs, immutability, threads."""

from __future__ import annotations

import pickle
import threading
from typing import Any

import pytest

import corsguard

ORIGIN = "https://app.example.com"


def test_settings_by_keyword() -> None:
    policy = corsguard.Policy(
        [ORIGIN, "https://*.example.org", "http://localhost:*"], credentials=True, methods="*",
        request_headers="*+authorization", exposed_headers=["x-total-count"], max_age=0, preflight_success_status=200,
        preflight_failure_status=200, private_network=True, max_origin_len=100, max_request_headers_len=100,
        max_request_headers_count=3,
    )
    assert (policy.credentials, policy.allows_any_origin, policy.origin_count) == (True, False, 3)
    assert repr(policy) == "<corsguard.Policy: 3 origins, credentials>"
    decision = policy.decide("OPTIONS", [("Origin", "https://a.example.org"), ("Access-Control-Request-Method", "PATCH"),
                                         ("Access-Control-Request-Headers", "authorization")])
    assert decision.status == 200
    assert decision.headers == [
        ("Access-Control-Allow-Origin", "https://a.example.org"),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Allow-Methods", "PATCH"),
        ("Access-Control-Allow-Headers", "authorization"),
        ("Access-Control-Max-Age", "0"),
        ("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network"),
    ]


@pytest.mark.parametrize(
    ("kwargs", "kind", "setting", "index"),
    [
        ({"origins": []}, "no_origins", "origins", None),
        ({"origins": ["https://a.example", "null"]}, "null_origin", "origins", 1),
        ({"origins": ["*"], "credentials": True}, "any_origin_with_credentials", "origins", 0),
        ({"origins": [ORIGIN], "methods": ["GET", "*"]}, "wildcard_in_list", "methods", 1),
        ({"origins": [ORIGIN], "max_age": 86401}, "max_age_out_of_range", "max_age", None),
        ({"origins": [ORIGIN], "max_age": -1}, "max_age_out_of_range", "max_age", None),
        ({"origins": [ORIGIN], "max_age": 2**80}, "max_age_out_of_range", "max_age", None),
        ({"origins": [ORIGIN], "preflight_success_status": 301}, "status_out_of_range", "preflight_success_status", None),
        ({"origins": [ORIGIN], "preflight_failure_status": -403}, "status_out_of_range", "preflight_failure_status", None),
        ({"origins": [ORIGIN], "max_origin_len": 0}, "cap_out_of_range", "max_origin_len", None),
        ({"origins": [ORIGIN], "max_request_headers_count": -1}, "cap_out_of_range", "max_request_headers_count", None),
    ],
)
def test_refused_policies(kwargs: dict[str, Any], kind: str, setting: str, index: Any) -> None:
    origins = kwargs.pop("origins")
    with pytest.raises(corsguard.PolicyError) as caught:
        corsguard.Policy(origins, **kwargs)
    error = caught.value
    assert (error.kind, error.setting, error.index) == (kind, setting, index)
    assert isinstance(error.code, int) and error.line is None
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.kind, copy.code, str(copy)) == (error.kind, error.code, str(error))


def test_malformed_origin_names_its_origin_error() -> None:
    with pytest.raises(corsguard.PolicyError) as caught:
        corsguard.Policy(["https://App.example.com"])
    assert (caught.value.kind, caught.value.origin_error) == ("origin_malformed", "uppercase_host")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"origins": ORIGIN},
        {"origins": [ORIGIN, 1]},
        {"origins": [ORIGIN], "methods": "GET"},
        {"origins": [ORIGIN], "exposed_headers": "*+authorization"},
        {"origins": [ORIGIN], "max_age": "600"},
        {"origins": [ORIGIN], "max_age": True},
        {"origins": [ORIGIN], "credentials": 1},
    ],
)
def test_wrong_types_are_type_errors(kwargs: dict[str, Any]) -> None:
    origins = kwargs.pop("origins")
    with pytest.raises(TypeError):
        corsguard.Policy(origins, **kwargs)


def test_decide_takes_bytes_str_and_any_iterable_of_pairs(policy: corsguard.Policy) -> None:
    want = policy.decide(b"GET", [(b"origin", b"https://app.example.com")])
    assert want.allowed and want.kind == "actual"
    for headers in (
        [("Origin", "https://app.example.com")],
        [["ORIGIN", b"https://app.example.com"]],
        iter([(b"Origin", bytearray(b"https://app.example.com"))]),
        {"origin": "https://app.example.com"}.items(),
        [("accept", "x"), ("origin", "  https://app.example.com\t")],
    ):
        assert policy.decide("GET", headers).headers == want.headers  # type: ignore[arg-type]


def test_repeated_lines_are_kept(policy: corsguard.Policy) -> None:
    two = policy.decide("GET", [("origin", ORIGIN), ("origin", ORIGIN)])
    assert two.reason is not None and two.reason.name == "origin_multiple"
    split = policy.decide("OPTIONS", [("origin", ORIGIN), ("access-control-request-method", "PUT"),
                                      ("access-control-request-headers", "content-type"),
                                      ("access-control-request-headers", "x-request-id")])
    assert split.allowed


def test_decide_refuses_what_is_not_a_header(policy: corsguard.Policy) -> None:
    for bad in ([("origin",)], [("origin", ORIGIN, "x")], [("origin", 1)], [1]):
        with pytest.raises(TypeError):
            policy.decide("GET", bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        policy.decide(None, [])  # type: ignore[arg-type]


def test_reasons_are_values(policy: corsguard.Policy) -> None:
    reason = policy.decide("GET", [("origin", "null")]).reason
    assert reason is not None
    assert (reason.code, reason.name, str(reason)) == (4, "origin_null", reason.message)
    assert reason == policy.decide("GET", [("origin", "null")]).reason
    assert len({reason, policy.decide("GET", [("origin", "null")]).reason}) == 1
    assert "origin_null" in repr(reason)
    malformed = policy.decide("GET", [("origin", "https://app.example.com/")])
    assert malformed.origin_error is not None and malformed.origin_error.name == "has_path"


def test_objects_are_immutable(policy: corsguard.Policy) -> None:
    decision = policy.decide("GET", [])
    for obj, attribute in ((policy, "credentials"), (decision, "allowed"), (decision, "status")):
        with pytest.raises(AttributeError):
            setattr(obj, attribute, True)
    assert "not_cors" in repr(decision)


def test_threads_deciding_at_once(policy: corsguard.Policy) -> None:
    cases = [
        ([("origin", ORIGIN)], True),
        ([("origin", "https://evil.example")], False),
        ([("origin", "https://x.example.org")], True),
    ]
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def work(seed: int) -> None:
        try:
            barrier.wait()
            for i in range(3000):
                headers, allowed = cases[(i + seed) % len(cases)]
                decision = policy.decide("GET", headers)
                assert decision.allowed == allowed
                if allowed:
                    assert decision.headers[0] == ("Access-Control-Allow-Origin", headers[0][1])
                status, cors, _ = policy._asgi({"method": "GET", "headers": [(b"origin", headers[0][1].encode())]})
                assert status == 0 and (cors[0][0] == b"access-control-allow-origin") == allowed
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
