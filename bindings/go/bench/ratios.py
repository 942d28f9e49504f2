#!/usr/bin/env python3
"""Reads `go test -bench . -benchmem -count N` output on stdin and prints, per case, the median and the
lowest ns/op of each library, allocs/op, corsguard's ratios to jub0bs/cors and rs/cors (of medians), and
their geometric mean over the cases: the table in BENCHMARKS.md."""
import math
import re
import statistics
import sys

LIBS = ["corsguard", "jub0bs", "rs"]
runs = {}
allocs = {}
order = []
for line in sys.stdin:
    m = re.match(r"BenchmarkMiddleware/(\S+)/(\w+)-\d+\s+\d+\s+([\d.]+) ns/op\s+\d+ B/op\s+(\d+) allocs/op", line)
    if not m:
        continue
    case, lib, ns, a = m.group(1), m.group(2), float(m.group(3)), int(m.group(4))
    if case not in order:
        order.append(case)
    runs.setdefault((case, lib), []).append(ns)
    allocs[(case, lib)] = max(allocs.get((case, lib), 0), a)

print("| case | corsguard ns/op (min) | jub0bs ns/op (min) | rs ns/op (min) | allocs/op cg / jub0bs / rs "
      "| cg / jub0bs | cg / rs |")
print("|---|---:|---:|---:|---:|---:|---:|")
ratios = {"jub0bs": [], "rs": []}
for case in order:
    med = {lib: statistics.median(runs[(case, lib)]) for lib in LIBS}
    low = {lib: min(runs[(case, lib)]) for lib in LIBS}
    r = {other: med["corsguard"] / med[other] for other in ("jub0bs", "rs")}
    for other in r:
        ratios[other].append(r[other])
    cells = " | ".join(f"{med[lib]:.0f} ({low[lib]:.0f})" for lib in LIBS)
    a = " / ".join(str(allocs[(case, lib)]) for lib in LIBS)
    print(f"| {case} | {cells} | {a} | {r['jub0bs']:.2f}x | {r['rs']:.2f}x |")
for other in ratios:
    g = math.exp(sum(math.log(x) for x in ratios[other]) / len(ratios[other]))
    print(f"geometric mean of corsguard / {other}: {g:.2f}x (worst case {max(ratios[other]):.2f}x)")
