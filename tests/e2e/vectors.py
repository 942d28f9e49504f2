"""The shared vectors of tests/vectors/ as wire cases: each decision vector whose policy can be written as a
policy file and whose request can be sent as HTTP/1.1, with the raw request bytes and what to expect.
"""

import glob
import json
import os

from policyfile import NotWritable, to_policy_file
from wire import request_bytes

VECTORS = os.path.join(os.path.dirname(__file__), "..", "vectors")
HEADER_NAMES = {"origin": "Origin", "request_method": "Access-Control-Request-Method",
                "request_headers": "Access-Control-Request-Headers",
                "request_private_network": "Access-Control-Request-Private-Network"}
# Vectors that hold for the core's API but whose request an HTTP/1.1 server cannot receive as written.
NOT_ON_THE_WIRE = {
    "headers-byte-cap-counts-ows": "the core counts the line's trailing blanks toward the byte cap; on the wire "
                                   "they are OWS, which HTTP parsers strip from the field value",
    "actual-empty-method": "an empty method makes no HTTP/1.1 request line",
}


def byte_string(value):
    if isinstance(value, dict):
        return bytes.fromhex(value["hex"])
    return value.encode("utf-8")


class RawRequest:
    def __init__(self, method, lines):
        self.method = method
        self.lines = lines  # [(header name, value bytes)]
        self.max_lines = max([sum(1 for n, _ in lines if n == name) for name in HEADER_NAMES.values()] + [0])
        self.data = request_bytes(method, "/api/echo", 0, lines)  # for sizes; the port is filled in to send
        self.line_count = self.data.count(b"\r\n") - 2  # header lines: Host and Connection included

    def count(self, name):
        return sum(1 for n, _ in self.lines if n == name)

    def to_bytes(self, port):
        return request_bytes(self.method, "/api/echo", port, self.lines)


class WireCase:
    def __init__(self, vector, policy_text, raw):
        self.name = vector["name"]
        self.policy_text = policy_text
        self.raw = raw
        expect = vector["expect"]
        self.kind = expect["kind"]
        self.verdict = expect["verdict"]
        self.status = expect["status"]
        self.headers = [(n, byte_string(v).decode("latin-1")) for n, v in expect["headers"]]


def unsendable(vector):
    """Why this vector's request cannot be sent as HTTP/1.1, or None."""
    if vector["name"] in NOT_ON_THE_WIRE:
        return NOT_ON_THE_WIRE[vector["name"]]
    request = vector["request"]
    for field in HEADER_NAMES:
        for line in request.get(field, []):
            if any(b in byte_string(line) for b in b"\r\n\0"):
                return f"{field} holds CR, LF or NUL: it would end the header line (or the server refuses it)"
    return None


def load():
    """(cases, skipped): skipped is [(vector name, reason)] for every vector left out."""
    cases, skipped = [], []
    for path in sorted(glob.glob(os.path.join(VECTORS, "*.json"))):
        with open(path, encoding="utf-8") as f:
            vectors = json.load(f).get("vectors", [])
        for vector in vectors:
            if "request" not in vector:  # policy_errors.json, policy_files.json: no request to send
                continue
            try:
                policy_text = to_policy_file(vector["policy"])
            except NotWritable as e:
                skipped.append((vector["name"], f"policy not writable as a file: {e}"))
                continue
            reason = unsendable(vector)
            if reason:
                skipped.append((vector["name"], reason))
                continue
            request = vector["request"]
            lines = [(HEADER_NAMES[field], byte_string(line)) for field in HEADER_NAMES
                     for line in request.get(field, [])]
            cases.append(WireCase(vector, policy_text, RawRequest(request["method"], lines)))
    cases.sort(key=lambda c: (c.policy_text, c.name))
    return cases, skipped
