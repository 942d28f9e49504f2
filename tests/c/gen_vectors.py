#!/usr/bin/env python3
"""Turns the shared vectors (tests/vectors/NAME.json, schema in docs/vectors.md) into a C source file of
test data for tests/c/test_vectors.c: the decision and policy-error vectors, and the policy files of
policy_files.json. The file is generated at build time and never committed.

Every name in a vector (kind, verdict, reason, origin error, policy error kind) becomes the header's own
constant (CORSGUARD_REASON_ORIGIN_NOT_ALLOWED, ...), after checking that the header defines it with the same
number as the vector's code: a vector and the C ABI that disagree on a name or a number fail here, loudly.

usage: gen_vectors.py HEADER OUT.c VECTOR.json...
"""

import json
import os
import re
import sys

# PolicyConfig::new's defaults (docs/vectors.md), for a vector that sets one of a pair of settings.
DEFAULT_STATUSES = {"preflight_success_status": 204, "preflight_failure_status": 403}
DEFAULT_CAPS = {"max_origin_len": 512, "max_request_headers_len": 2048, "max_request_headers_count": 64}
POLICY_KEYS = {
    "origins", "credentials", "methods", "request_headers", "exposed_headers", "max_age",
    "allow_insecure_origins_with_credentials", "private_network", *DEFAULT_STATUSES, *DEFAULT_CAPS,
}
REQUEST_KEYS = {"method", "origin", "request_method", "request_headers", "request_private_network"}


class VectorError(Exception):
    pass


def header_constants(path):
    """Every `NAME = number` enumerator in the header."""
    with open(path, encoding="utf-8") as f:
        return {m.group(1): int(m.group(2)) for m in re.finditer(r"\b(CORSGUARD_[A-Z0-9_]+) = (\d+),", f.read())}


def constant(constants, prefix, snake, code=None):
    name = prefix + snake.upper()
    if name not in constants:
        raise VectorError(f"{snake!r}: the header has no {name}")
    if code is not None and constants[name] != code:
        raise VectorError(f"{name} is {constants[name]} in the header but {code} in the vector")
    return name


def byte_string(value):
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, dict) and set(value) == {"hex"}:
        return bytes.fromhex(value["hex"])
    raise VectorError(f"not a byte string: {value!r}")


SAFE = set(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:;/*+-_=!#$%&()<>[]{}@^|~'`")


def c_string(data):
    """A C string literal; octal escapes (at most three digits, so never swallowing the next character) for
    every byte but letters, digits and some punctuation (no '?': trigraphs; no quote or backslash)."""
    return '"' + "".join(chr(b) if b in SAFE else f"\\{b:03o}" for b in data) + '"'


class Writer:
    def __init__(self):
        self.arrays = []
        self.count = 0

    def name(self, kind):
        self.count += 1
        return f"tv_{kind}_{self.count}"

    def c_bytes(self, data):
        """A tv_bytes initializer: the bytes and their exact length (they may hold NUL). Long strings become
        arrays of numbers: C99 only promises string literals of up to 4095 bytes."""
        if len(data) <= 1000:
            return f"{{{c_string(data)}, {len(data)}u}}"
        name = self.name("long")
        numbers = ",".join(str(b) for b in data)
        self.arrays.append(f"static const char {name}[{len(data)}] = {{{numbers}}};")
        return f"{{{name}, {len(data)}u}}"


    def list_of(self, items):
        """A tv_list initializer for a list of byte strings (the array is emitted separately)."""
        if not items:
            return "{0, 0u}"
        name = self.name("list")
        self.arrays.append(f"static const tv_bytes {name}[] = {{{', '.join(self.c_bytes(i) for i in items)}}};")
        return f"{{{name}, {len(items)}u}}"

    def headers_of(self, pairs):
        if not pairs:
            return "{0, 0u}"
        name = self.name("headers")
        items = ", ".join(f"{{{self.c_bytes(n)}, {self.c_bytes(v)}}}" for n, v in pairs)
        self.arrays.append(f"static const tv_header {name}[] = {{{items}}};")
        return f"{{{name}, {len(pairs)}u}}"


def list_setting(policy, key, w, modes):
    """(mode, list) for a setting that is a list of names or one of the strings in `modes`."""
    if key not in policy:
        return "TV_DEFAULT", "{0, 0u}"
    value = policy[key]
    if isinstance(value, str):
        if value not in modes:
            raise VectorError(f"{key}: unknown value {value!r}")
        return modes[value], "{0, 0u}"
    if not isinstance(value, list):
        raise VectorError(f"{key}: not a list: {value!r}")
    return "TV_LIST", w.list_of([byte_string(v) for v in value])


def vector_c(v, source, constants, w):
    name = v.get("name")
    if not isinstance(name, str):
        raise VectorError("a vector without a name")
    policy = v.get("policy")
    if not isinstance(policy, dict) or "origins" not in policy:
        raise VectorError("no policy with origins")
    unknown = set(policy) - POLICY_KEYS
    if unknown:
        raise VectorError(f"unknown policy settings {sorted(unknown)}")

    f = {"name": c_string(name.encode()), "source": c_string(source.encode())}
    f["origins"] = w.list_of([byte_string(o) for o in policy["origins"]])
    for key in ("credentials", "private_network", "allow_insecure_origins_with_credentials"):
        if key in policy:
            f["has_" + key] = "1"
            f[key] = "1" if policy[key] else "0"
    f["methods_mode"], f["methods"] = list_setting(policy, "methods", w, {"*": "TV_ANY"})
    f["request_headers_mode"], f["request_headers"] = list_setting(
        policy, "request_headers", w, {"*": "TV_ANY", "*+authorization": "TV_ANY_WITH_AUTHORIZATION"})
    f["exposed_headers_mode"], f["exposed_headers"] = list_setting(policy, "exposed_headers", w, {"*": "TV_ANY"})
    if "max_age" in policy:
        if policy["max_age"] is None:
            f["max_age_mode"] = "TV_CLEARED"
        else:
            f["max_age_mode"], f["max_age"] = "TV_SET", f"{policy['max_age']}u"
    if any(k in policy for k in DEFAULT_STATUSES):
        statuses = {**DEFAULT_STATUSES, **{k: policy[k] for k in DEFAULT_STATUSES if k in policy}}
        f["has_statuses"] = "1"
        f["success_status"] = f"{statuses['preflight_success_status']}u"
        f["failure_status"] = f"{statuses['preflight_failure_status']}u"
    if any(k in policy for k in DEFAULT_CAPS):
        caps = {**DEFAULT_CAPS, **{k: policy[k] for k in DEFAULT_CAPS if k in policy}}
        f["has_caps"] = "1"
        for k, value in caps.items():
            f[k] = f"{value}u"

    if "expect_error" in v:
        e = v["expect_error"]
        f["expect_error"] = "1"
        f["error_kind"] = constant(constants, "CORSGUARD_POLICY_ERROR_KIND_", e["kind"], e.get("code"))
        setting = e.get("setting")
        f["error_setting"] = c_string(setting.encode()) if setting is not None else "0"
        f["error_index"] = "CORSGUARD_NO_INDEX" if e.get("index") is None else f"{e['index']}u"
        origin_error = e.get("origin_error")
        f["error_origin_error"] = (
            constant(constants, "CORSGUARD_ORIGIN_ERROR_", origin_error) if origin_error else "0")
    elif "expect" in v:
        request = v.get("request")
        if not isinstance(request, dict):
            raise VectorError("a decision vector without a request")
        unknown = set(request) - REQUEST_KEYS
        if unknown:
            raise VectorError(f"unknown request fields {sorted(unknown)}")
        f["method"] = w.c_bytes(byte_string(request.get("method", "GET")))
        for key in ("origin", "request_method", "request_headers", "request_private_network"):
            if key in request:
                lines = request[key]
                if not isinstance(lines, list):
                    raise VectorError(f"request {key} is not a list of lines")
                f["req_" + key] = w.list_of([byte_string(line) for line in lines])
        x = v["expect"]
        f["kind"] = constant(constants, "CORSGUARD_KIND_", x["kind"])
        f["verdict"] = constant(constants, "CORSGUARD_VERDICT_", x["verdict"])
        f["reason"] = constant(constants, "CORSGUARD_REASON_", x["reason"], x.get("reason_code")) if x.get("reason") else "0"
        if x.get("reason") is None and x.get("reason_code") is not None:
            raise VectorError("reason_code without reason")
        f["origin_error"] = constant(constants, "CORSGUARD_ORIGIN_ERROR_", x["origin_error"]) if x.get("origin_error") else "0"
        f["status"] = f"{x['status']}u" if x.get("status") is not None else "0u"
        f["headers"] = w.headers_of([(byte_string(n), byte_string(val)) for n, val in x.get("headers", [])])
    else:
        raise VectorError("neither expect nor expect_error")
    return "    {" + ", ".join(f".{k} = {val}" for k, val in f.items()) + "},"


def policy_file_c(v, constants, w):
    """A tv_policy_file row for a vector of tests/vectors/policy_files.json."""
    name = v.get("name")
    if not isinstance(name, str):
        raise VectorError("a policy file vector without a name")
    if set(v) != {"name", "text", "expect_file_error"}:
        raise VectorError(f"unexpected fields {sorted(v)}")
    f = {"name": c_string(name.encode()), "text": w.c_bytes(byte_string(v["text"]))}
    e = v["expect_file_error"]
    if e is not None:
        f["expect_error"] = "1"
        f["line"], f["column"] = f"{e['line']}u", f"{e['column']}u"
        if e["syntax"] is not None:
            f["syntax"] = constant(constants, "CORSGUARD_SYNTAX_ERROR_", e["syntax"], e["syntax_code"])
        else:
            p = e["policy"]
            f["policy_kind"] = constant(constants, "CORSGUARD_POLICY_ERROR_KIND_", p["kind"], p["code"])
            f["policy_setting"] = c_string(p["setting"].encode())
            f["policy_index"] = "CORSGUARD_NO_INDEX" if p["index"] is None else f"{p['index']}u"
            f["policy_origin_error"] = (
                constant(constants, "CORSGUARD_ORIGIN_ERROR_", p["origin_error"]) if p["origin_error"] else "0")
    return "    {" + ", ".join(f".{k} = {val}" for k, val in f.items()) + "},"


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    header, out, files = argv[0], argv[1], sorted(argv[2:])
    constants = header_constants(header)
    w = Writer()
    rows, file_rows, names, errors = [], [], set(), []
    for path in files:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        source = os.path.basename(path)
        for i, v in enumerate(doc.get("policy_files", [])):
            try:
                if v.get("name") in names:
                    raise VectorError("duplicate name")
                names.add(v.get("name"))
                file_rows.append(policy_file_c(v, constants, w))
            except (VectorError, KeyError, TypeError, ValueError) as e:
                errors.append(f"{source}[{i}] {v.get('name')!r}: {e}")
        for i, v in enumerate(doc.get("vectors", [])):
            try:
                if v.get("name") in names:
                    raise VectorError("duplicate name")
                names.add(v.get("name"))
                rows.append(vector_c(v, source, constants, w))
            except (VectorError, KeyError, TypeError, ValueError) as e:
                errors.append(f"{source}[{i}] {v.get('name')!r}: {e}")
    if errors:
        sys.stderr.write("gen_vectors: cannot use these vectors:\n  " + "\n  ".join(errors) + "\n")
        return 1
    with open(out, "w", encoding="utf-8") as f:
        f.write("/* Generated by tests/c/gen_vectors.py from the JSON files in tests/vectors: do not edit or commit. */\n")
        f.write('#include "vectors.h"\n\n')
        f.write("\n".join(w.arrays) + "\n\n")
        f.write("const tv_vector tv_vectors[] = {\n" + "\n".join(rows) + "\n    {0}\n};\n")
        f.write(f"const size_t tv_vector_count = {len(rows)}u;\n\n")
        f.write("const tv_policy_file tv_policy_files[] = {\n" + "\n".join(file_rows) + "\n    {0}\n};\n")
        f.write(f"const size_t tv_policy_file_count = {len(file_rows)}u;\n")
    print(f"gen_vectors: {len(rows)} vectors and {len(file_rows)} policy files from {len(files)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
