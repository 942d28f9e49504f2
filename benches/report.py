#!/usr/bin/env python3
"""Turns a benchmark run into the tables of BENCHMARKS.md and the scaling plot.

Reads criterion's estimates (median of each benchmark) from one or more criterion directories (one per run;
CRITERION_DIR may be a comma-separated list) and the instruction counts written by benches/callgrind.sh;
writes benches/results/criterion.tsv (every run's medians, committed), prints the Markdown tables, and draws
the scaling plot. With several runs each figure is the lowest of the runs' medians: interference from other
work on a shared machine only ever adds time. Optional "before" inputs add a before/after table.

usage: report.py CRITERION_DIRS CALLGRIND_TSV [--before-criterion DIRS | --before-tsv TSV] [--before-callgrind TSV]
                 [--paired FILES] [--plot PNG] [--tsv OUT]

--paired takes the Markdown tables printed by benches/paired.rs (comma-separated, one file per run) and prints
one table of every run's ratios side by side.
"""
import argparse
import csv
import json
import os
import sys

CORE = [
    ("allowed_actual", "allowed actual request, exact origin", 25),
    ("denied_actual", "denied actual request (`https://app.example.com.evil.net`)", None),
    ("pattern_actual", "subdomain-pattern match (`https://eu.api.example.net`)", None),
    ("preflight_1_header", "preflight, 1 requested header", None),
    ("preflight_5_headers", "preflight, 5 requested headers", 100),
    ("preflight_20_headers", "preflight, 20 requested headers", None),
    ("origin_253_bytes", "253-byte host of one-letter labels (denied)", None),
    ("acrh_1mib_commas", "ACRH: 1 MiB of commas (refused)", 1000),
    ("acrh_1mib_one_name", "ACRH: 1 MiB of one repeated name (refused)", 1000),
    ("acrh_1024_lines", "ACRH: 1024 lines (refused)", 1000),
]
SIZES = [1, 10, 100, 1000, 10000]
SCALING = ["scaling_exact_allowed", "scaling_exact_denied", "scaling_patterns_allowed", "scaling_patterns_denied"]


def medians(roots):
    """{(group, implementation, case): lowest median ns over the runs in the comma-separated `roots`}"""
    out = {}
    for run in runs(roots):
        for key, v in run.items():
            out[key] = min(v, out.get(key, v))
    return out


def runs(roots):
    return [run_medians(r) for r in (roots or "").split(",") if r]


def run_medians(root):
    """{(group, implementation, case): median ns} of one run"""
    out = {}
    if not root or not os.path.isdir(root):
        return out
    for group in os.listdir(root):
        gdir = os.path.join(root, group)
        if not os.path.isdir(gdir) or group == "report":
            continue
        for impl in os.listdir(gdir):
            idir = os.path.join(gdir, impl)
            if not os.path.isdir(idir) or impl == "report":
                continue
            for case in os.listdir(idir):
                est = os.path.join(idir, case, "new", "estimates.json")
                if os.path.isfile(est):
                    with open(est) as f:
                        out[(group, impl, case)] = json.load(f)["median"]["point_estimate"]
    return out


def tsv_medians(path):
    """{(group, implementation, case): lowest median ns} from a criterion.tsv this script wrote earlier"""
    out = {}
    if not path or not os.path.isfile(path):
        return out
    with open(path) as f:
        for row in csv.DictReader(f, delimiter="\t"):
            values = [float(v) for k, v in row.items() if k.startswith("median_ns_run") and v not in ("-", None)]
            if values:
                out[(row["group"], row["implementation"], row["case"])] = min(values)
    return out


def instructions(path):
    out = {}
    if not path or not os.path.isfile(path):
        return out
    with open(path) as f:
        for row in csv.DictReader(f, delimiter="\t"):
            out[(row["group"], row["implementation"], row["case"])] = int(row["instructions"])
    return out


def paired_runs(paths):
    """[{case id: (ours ns text, theirs ns text, median ratio, lowest round ratio)}] per paired output file"""
    out = []
    for path in (paths or "").split(","):
        if not path:
            continue
        rows = {}
        with open(path) as f:
            for line in f:
                cells = [c.strip() for c in line.strip().strip("|").split("|")]
                if len(cells) == 6 and cells[3].endswith("x") and "/" in cells[0]:
                    rows[cells[0]] = (cells[1], cells[2], float(cells[3][:-1]), float(cells[4][:-1]))
        out.append(rows)
    return out


def ns(v):
    if v is None:
        return "-"
    if v >= 1e6:
        return f"{v / 1e6:.2f} ms"
    if v >= 1e3:
        return f"{v / 1e3:.2f} µs"
    return f"{v:.1f} ns"


def ratio(a, b):
    return f"{a / b:.1f}x" if a and b else "-"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("criterion")
    p.add_argument("callgrind")
    p.add_argument("--before-criterion")
    p.add_argument("--before-callgrind")
    p.add_argument("--before-tsv", help="a criterion.tsv written earlier, instead of --before-criterion")
    p.add_argument("--paired", help="comma-separated outputs of benches/paired.rs, one per run")
    p.add_argument("--plot")
    p.add_argument("--tsv", default=os.path.join(os.path.dirname(__file__), "results", "criterion.tsv"))
    a = p.parse_args()
    m = medians(a.criterion)
    all_runs = runs(a.criterion)
    ir = instructions(a.callgrind)
    if not m:
        sys.exit(f"no criterion estimates under {a.criterion}")
    os.makedirs(os.path.dirname(a.tsv), exist_ok=True)
    with open(a.tsv, "w") as f:
        f.write("group\timplementation\tcase\t" + "\t".join(f"median_ns_run{i + 1}" for i in range(len(all_runs))) + "\n")
        for key in sorted(m):
            g, i, c = key
            f.write(f"{g}\t{i}\t{c}\t" + "\t".join(f"{r[key]:.3f}" if key in r else "-" for r in all_runs) + "\n")
    spreads = sorted(max(r[k] for r in all_runs if k in r) / m[k] for k in m if all(k in r for r in all_runs))
    if len(all_runs) > 1 and spreads:
        print(f"Runs: {len(all_runs)}. Highest ÷ lowest median of the same benchmark across runs: median "
              f"{spreads[len(spreads) // 2]:.2f}, worst {spreads[-1]:.2f}.\n")

    def get(g, i, c):
        return m.get((g, i, c))

    def run_ratios(g, c):
        """tower-http ÷ corsguard (decide + walk) within each run: the issue asks for ratios from one run."""
        out = []
        for r in all_runs:
            w, t = r.get((g, "corsguard", c)), r.get((g, "tower-http", c))
            if w and t:
                out.append(t / w)
        return out

    def ratio_cell(g, c):
        rs = run_ratios(g, c)
        return " / ".join(f"{x:.1f}x" for x in rs) if rs else "-"

    def ten_x(g, c):
        rs = run_ratios(g, c)
        return "met" if rs and min(rs) >= 10 else "missed"

    print("### Single requests (group `core`)\n")
    print("| case | corsguard: decide | corsguard: decide + walk headers | tower-http | tower-http ÷ corsguard, "
          "each run | instructions: corsguard | instructions: tower-http | target |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for case, label, target in CORE:
        d = get("core", "corsguard-decide", case)
        w = get("core", "corsguard", case)
        t = get("core", "tower-http", case)
        if target is None:
            verdict = "≥ 10x tower-http in every criterion run: " + ten_x("core", case)
        else:
            verdict = f"decide ≤ {ns(target)}: " + ("met" if d is not None and d <= target else "missed")
            verdict += "; ≥ 10x in every criterion run: " + ten_x("core", case)
        print(f"| {label} | {ns(d)} | {ns(w)} | {ns(t)} | {ratio_cell('core', case)} "
              f"| {ir.get(('core', 'corsguard', case), '-')} | {ir.get(('core', 'tower-http', case), '-')} | {verdict} |")

    print("\n### The same requests in tower-http's types (group `core`)\n")
    print("| case | corsguard via http types | tower-http | dropping the `http::Request` alone |")
    print("|---|---:|---:|---:|")
    for case in ["allowed_actual", "denied_actual", "preflight_5_headers"]:
        print(f"| {case} | {ns(get('core', 'corsguard-http', case))} | {ns(get('core', 'tower-http', case))} "
              f"| {ns(get('core', 'request-drop', case))} |")

    print("\n### Scaling: 1 to 10,000 exact origins or subdomain patterns\n")
    print("| group | policy size | corsguard | ÷ size 1 | instructions | tower-http | ÷ size 1 "
          "| tower-http ÷ corsguard, each run |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for g in SCALING:
        base_c = get(g, "corsguard", "1")
        base_t = get(g, "tower-http", "1")
        for n in SIZES:
            c = get(g, "corsguard", str(n))
            t = get(g, "tower-http", str(n))
            print(f"| {g} | {n:,} | {ns(c)} | {ratio(c, base_c)} | {ir.get((g, 'corsguard', str(n)), '-')} "
                  f"| {ns(t)} | {ratio(t, base_t)} | {ratio_cell(g, str(n))} |")

    print("\n### Building the policy\n")
    print("| policy | corsguard `Policy::build` | tower-http `CorsLayer` + `layer` | tower-http ÷ corsguard, each run "
          "| instructions: corsguard | instructions: tower-http |")
    print("|---|---:|---:|---:|---:|---:|")
    for case in ["baseline", "10000_exact"]:
        c = get("build_policy", "corsguard", case)
        t = get("build_policy", "tower-http", case)
        print(f"| {case} | {ns(c)} | {ns(t)} | {ratio_cell('build_policy', case)} "
              f"| {ir.get(('build_policy', 'corsguard', case), '-')} | {ir.get(('build_policy', 'tower-http', case), '-')} |")

    if a.before_criterion or a.before_callgrind or a.before_tsv:
        bm = tsv_medians(a.before_tsv) if a.before_tsv else medians(a.before_criterion)
        bir = instructions(a.before_callgrind)
        print("\n### Before and after the core optimisations (corsguard: decide + walk headers)\n")
        print("| case | median before | median after | instructions before | instructions after |")
        print("|---|---:|---:|---:|---:|")
        rows = [("core", c) for c, _, _ in CORE] + [(g, str(n)) for g in SCALING for n in (1, 10000)]
        rows += [("build_policy", "baseline"), ("build_policy", "10000_exact")]
        for g, c in rows:
            print(f"| {g}/{c} | {ns(bm.get((g, 'corsguard', c)))} | {ns(m.get((g, 'corsguard', c)))} "
                  f"| {bir.get((g, 'corsguard', c), '-')} | {ir.get((g, 'corsguard', c), '-')} |")

    if a.paired:
        pruns = paired_runs(a.paired)
        print(f"\n### Paired ratios ({len(pruns)} runs of `benches/paired.rs`)\n")
        print("| case | " + " | ".join(f"run {i + 1}: corsguard / tower-http, ratio (lowest round)" for i in range(len(pruns)))
              + " | ≥ 10x in every run (median of rounds) |")
        print("|---|" + "---:|" * len(pruns) + "---|")
        for case in pruns[0]:
            cells, ok = [], True
            for r in pruns:
                if case not in r:
                    cells.append("-")
                    ok = False
                    continue
                ours, theirs, med, low = r[case]
                cells.append(f"{ours} / {theirs}, **{med:.1f}x** ({low:.1f}x)")
                ok = ok and med >= 10
            print(f"| {case} | " + " | ".join(cells) + f" | {'met' if ok else 'missed'} |")

    if a.plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, 2, figsize=(11, 4.4), sharey=True)
        for ax, kind, title in [(axes[0], "exact", "exact origins"), (axes[1], "patterns", "subdomain patterns")]:
            for impl, colour in [("corsguard", "tab:green"), ("tower-http", "tab:red")]:
                for verdict, style in [("allowed", "-o"), ("denied", "--s")]:
                    g = f"scaling_{kind}_{verdict}"
                    ys = [get(g, impl, str(n)) for n in SIZES]
                    if all(y is not None for y in ys):
                        ax.plot(SIZES, ys, style, color=colour, label=f"{impl}, {verdict}")
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xticks(SIZES)
            ax.set_xticklabels([f"{n:,}" for n in SIZES])
            ax.set_xlabel(f"number of {title} in the policy")
            ax.set_title(f"Actual request vs {title}")
            ax.grid(True, which="both", alpha=0.3)
        axes[0].set_ylabel("median time per request (ns, log scale)")
        axes[1].legend(loc="upper left", fontsize=8)
        fig.suptitle(f"corsguard decision vs tower-http CorsLayer (lowest criterion median of {len(all_runs)} run(s))")
        fig.tight_layout()
        fig.savefig(a.plot, dpi=110)


if __name__ == "__main__":
    main()
