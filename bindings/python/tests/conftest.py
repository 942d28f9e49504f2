"""Shared helpers: the shared vectors' location and their policy and byte-string encodings."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Union

import pytest

import corsguard

REPO = Path(__file__).resolve().parents[3]
VECTORS = Path(os.environ.get("CORSGUARD_VECTORS", REPO / "tests" / "vectors"))


def load_vectors() -> list[tuple[str, dict[str, Any]]]:
    """Every vector of every file, as (file, vector)."""
    found = []
    for path in sorted(VECTORS.glob("*.json")):
        if path.name == "policy_files.json":
            continue  # policy-file vectors: test_policy_file.py
        for vector in json.loads(path.read_text())["vectors"]:
            found.append((path.name, vector))
    return found


def byte_string(value: Union[str, dict[str, str]]) -> bytes:
    """A vector byte string: a JSON string's UTF-8 bytes, or {"hex": ...}."""
    if isinstance(value, dict):
        return bytes.fromhex(value["hex"])
    return value.encode("utf-8")


def policy_kwargs(spec: dict[str, Any]) -> dict[str, Any]:
    """A vector's policy object as Policy keyword arguments."""
    return dict(spec)


def build(spec: dict[str, Any]) -> corsguard.Policy:
    kwargs = policy_kwargs(spec)
    return corsguard.Policy(kwargs.pop("origins"), **kwargs)


HEADER_NAMES = {
    "origin": "Origin",
    "request_method": "Access-Control-Request-Method",
    "request_headers": "Access-Control-Request-Headers",
    "request_private_network": "Access-Control-Request-Private-Network",
}


def header_lines(request: dict[str, Any]) -> list[tuple[bytes, bytes]]:
    """A vector's request as raw header lines, every line of every header kept."""
    lines = []
    for field, name in HEADER_NAMES.items():
        for value in request.get(field) or []:
            lines.append((name.encode(), byte_string(value)))
    return lines


@pytest.fixture
def policy() -> corsguard.Policy:
    return corsguard.Policy(
        ["https://app.example.com", "https://*.example.org"],
        methods=["GET", "POST", "PUT"],
        request_headers=["content-type", "x-request-id"],
        exposed_headers=["x-request-id"],
        max_age=600,
    )
