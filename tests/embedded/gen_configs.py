#!/usr/bin/env python3
"""Turns the policy of every shared vector (tests/vectors/NAME.json) into a `static const corsguard_config`
for tests/embedded/freestanding.c, the way firmware writes its policy: constant data, no builder, no heap.
The generated file is built at test time and never committed.

The requests and expected answers come from tests/c/gen_vectors.py (imported and run unchanged): this script
only adds the configs, in the same order, each tagged with its vector's name so the runner can check that the
two tables line up.

usage: gen_configs.py HEADER OUT.c VECTOR.json...
"""

import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "c"))
import gen_vectors  # noqa: E402  (tests/c/gen_vectors.py: byte strings, C literals, header constants)

# A list setting's mode: the header's constant for each way a vector can set it.
LIST_MODES = {"list": "CORSGUARD_MODE_LIST", "*": "CORSGUARD_MODE_ANY", "*+authorization": "CORSGUARD_MODE_ANY_WITH_AUTHORIZATION"}
CAPS = ("max_origin_len", "max_request_headers_len", "max_request_headers_count")
STATUSES = ("preflight_success_status", "preflight_failure_status")


def header_defines(path):
    """Every `#define CORSGUARD_NAME number` and `CORSGUARD_NAME = number` constant of the header."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    found = {m.group(1): int(m.group(2)) for m in re.finditer(r"#define (CORSGUARD_[A-Z0-9_]+) (\d+)\b", text)}
    found.update(gen_vectors.header_constants(path))
    return found


class Configs:
    def __init__(self, constants):
        self.constants = constants
        self.arrays = []
        self.count = 0

    def name(self, kind):
        self.count += 1
        return f"ec_{kind}_{self.count}"

    def mode(self, key):
        name = LIST_MODES[key]
        if name not in self.constants:
            raise gen_vectors.VectorError(f"the header has no {name}")
        return name

    def slice_of(self, data):
        """A corsguard_slice initializer. CORSGUARD_SLICE for what a C string literal can hold; an array of
        numbers for long strings (C99 only promises literals of up to 4095 bytes)."""
        if len(data) <= 1000:
            return f"CORSGUARD_SLICE({gen_vectors.c_string(data)})"
        name = self.name("long")
        self.arrays.append(f"static const uint8_t {name}[{len(data)}] = {{{','.join(str(b) for b in data)}}};")
        return f"{{{name}, {len(data)}u}}"

    def slices(self, items):
        if not items:
            return "0", "0u"
        name = self.name("list")
        body = ", ".join(self.slice_of(gen_vectors.byte_string(i)) for i in items)
        self.arrays.append(f"static const corsguard_slice {name}[] = {{{body}}};")
        return name, f"{len(items)}u"

    def list_setting(self, fields, policy, key, prefix, count_field):
        if key not in policy:
            return
        value = policy[key]
        if isinstance(value, str):
            if value not in LIST_MODES:
                raise gen_vectors.VectorError(f"{key}: unknown value {value!r}")
            fields[f"{prefix}_mode"] = self.mode(value)
            return
        fields[f"{prefix}_mode"] = self.mode("list")
        fields[prefix], fields[count_field] = self.slices(value)

    def config(self, v):
        """(initializer fields, why the config cannot say what the vector says, or None)."""
        policy = v["policy"]
        fields = {}
        fields["origins"], fields["origin_count"] = self.slices(policy["origins"])
        for key in ("credentials", "private_network", "allow_insecure_origins_with_credentials"):
            if policy.get(key):
                fields[key] = "true"
        self.list_setting(fields, policy, "methods", "methods", "method_count")
        self.list_setting(fields, policy, "request_headers", "request_headers", "request_header_count")
        self.list_setting(fields, policy, "exposed_headers", "exposed_headers", "exposed_header_count")
        if policy.get("max_age") is not None:
            fields["has_max_age"] = "true"
            fields["max_age"] = f"{policy['max_age']}u"
        inexpressible = []
        for key in STATUSES + CAPS:
            if key in policy:
                # In corsguard_config, 0 means "the default": a vector that sets 0 cannot be written as a config.
                if policy[key] == 0:
                    inexpressible.append(f"{key} 0")
                fields[key] = f"{policy[key]}u"
        return fields, ", ".join(inexpressible) or None


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    header, out, files = argv[0], argv[1], sorted(argv[2:])
    configs = Configs(header_defines(header))
    rows, errors = [], []
    for path in files:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        for i, v in enumerate(doc.get("vectors", [])):
            try:
                fields, inexpressible = configs.config(v)
            except (gen_vectors.VectorError, KeyError, TypeError, ValueError) as e:
                errors.append(f"{os.path.basename(path)}[{i}] {v.get('name')!r}: {e}")
                continue
            name = configs.name("config")
            init = ", ".join(f".{k} = {val}" for k, val in fields.items())
            configs.arrays.append(f"static const corsguard_config {name} = {{{init}}};")
            why = gen_vectors.c_string(inexpressible.encode()) if inexpressible else "0"
            rows.append(f"    {{{gen_vectors.c_string(v['name'].encode())}, &{name}, {why}}},")
    if errors:
        sys.stderr.write("gen_configs: cannot use these vectors:\n  " + "\n  ".join(errors) + "\n")
        return 1
    with open(out, "w", encoding="utf-8") as f:
        f.write("/* Generated by tests/embedded/gen_configs.py from tests/vectors: do not edit or commit. */\n")
        f.write('#include "configs.h"\n\n')
        f.write("\n".join(configs.arrays) + "\n\n")
        f.write("const ec_vector_config ec_configs[] = {\n" + "\n".join(rows) + "\n    {0, 0, 0}\n};\n")
        f.write(f"const size_t ec_config_count = {len(rows)}u;\n")
    print(f"gen_configs: {len(rows)} configs from {len(files)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
