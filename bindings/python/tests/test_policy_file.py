"""Policy.from_text and Policy.from_file: every vector of tests/vectors/policy_files.json, and the errors'
fields."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import pytest

import corsguard
from conftest import VECTORS, byte_string

FILES = json.loads((VECTORS / "policy_files.json").read_text())["policy_files"]


def test_the_file_vectors_were_read() -> None:
    assert len(FILES) >= 50


@pytest.mark.parametrize("vector", FILES, ids=[v["name"] for v in FILES])
def test_policy_file_vector(vector: dict[str, Any], tmp_path: Path) -> None:
    text = byte_string(vector["text"])
    expect = vector["expect_file_error"]
    path = tmp_path / "policy.conf"
    path.write_bytes(text)
    builds: list[Callable[[], corsguard.Policy]] = [
        lambda: corsguard.Policy.from_text(text),
        lambda: corsguard.Policy.from_file(path),
        lambda: corsguard.Policy.from_file(str(path)),
    ]
    for build in builds:
        if expect is None:
            assert isinstance(build(), corsguard.Policy)
            continue
        with pytest.raises(corsguard.PolicyError) as caught:
            build()
        error = caught.value
        assert (error.line, error.column) == (expect["line"], expect["column"])
        if expect["syntax"] is not None:
            assert isinstance(error, corsguard.PolicySyntaxError)
            assert (error.kind, error.code, error.setting) == (expect["syntax"], expect["syntax_code"], None)
        else:
            policy = expect["policy"]
            assert not isinstance(error, corsguard.PolicySyntaxError)
            assert (error.kind, error.code, error.setting, error.index, error.origin_error) == (
                policy["kind"], policy["code"], policy["setting"], policy["index"], policy["origin_error"])


def test_text_as_str_and_the_policy_it_builds() -> None:
    policy = corsguard.Policy.from_text("origins = https://app.example.com\ncredentials = true\nmax-age = 60\n")
    assert policy.credentials and policy.origin_count == 1
    decision = policy.decide("OPTIONS", [("origin", "https://app.example.com"), ("access-control-request-method", "GET")])
    assert ("Access-Control-Max-Age", "60") in decision.headers


def test_errors_say_where() -> None:
    with pytest.raises(corsguard.PolicySyntaxError) as caught:
        corsguard.Policy.from_text("origins = https://a.example\ncolour = blue\n")
    assert (caught.value.line, caught.value.kind) == (2, "unknown_key")
    assert str(caught.value).startswith("line 2, column 1: ")


def test_a_missing_file_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        corsguard.Policy.from_file(tmp_path / "absent.conf")
    with pytest.raises(TypeError):
        corsguard.Policy.from_text(1)  # type: ignore[arg-type]
