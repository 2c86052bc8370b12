#!/usr/bin/env python3
"""Checks `kiln bench --per-layer --json` against the library's report.

    check_per_layer.py BENCH.json REPORT.json [--runs N]

Every report op appears once, in its index, with the report's kind, name and
MACs; the rows are sorted slowest first; every time is >= 0 and together they
are no more than the per-inference time the program measured around the
whole run (the marks cover all of it but the call itself). Timing values are
never compared with constants. Prints "per-layer ok: N ops" or the first
problem and exits 1.
"""
import argparse
import json
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bench")
    ap.add_argument("report")
    ap.add_argument("--runs", type=int, default=1)
    args = ap.parse_args()
    bench = json.load(open(args.bench))
    report = json.load(open(args.report))

    def need(cond, what):
        if not cond:
            print("FAIL:", what)
            print(json.dumps(bench.get("per_layer"), indent=1)[:3000])
            sys.exit(1)

    need("per_layer" in bench, "a per_layer object")
    pl = bench["per_layer"]
    need(pl["runs"] >= args.runs, "runs")
    total = pl["us_per_inference"]
    rows = pl["ops"]
    ops = report["ops"]
    times = [r["us"] for r in rows]
    need(times == sorted(times, reverse=True), "slowest first")
    need(all(t >= 0 for t in times), "no negative time")
    need(0 < sum(times) <= total * 1.0001, "op times within the inference")
    by_index = {r["index"]: r for r in rows}
    need(len(by_index) == len(rows), "each index once")
    for i, op in enumerate(ops):
        need(i in by_index, f"op {i} listed")
        r = by_index[i]
        need(r["kind"] == op["kind"] and r["name"] == op["name"],
             f"op {i} kind and name")
        need(r["macs"] == op.get("macs", 0), f"op {i} MACs")
    extra = [r for r in rows if r["index"] >= len(ops)]
    need(all(r["kind"] == "output copies" for r in extra), "only output copies past the ops")
    print(f"per-layer ok: {len(ops)} ops")


if __name__ == "__main__":
    main()
