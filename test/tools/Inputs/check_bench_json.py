#!/usr/bin/env python3
"""Checks the shape and internal consistency of `kiln bench --json` output.

    check_bench_json.py FILE [--emulated] [--runs N] [--macs N] [--cold-runs K]

Timing values are never compared with constants (the machine is shared and
noisy); only their order and presence: min <= p50 <= p90 <= p99 <= max, every
time positive, the run count at least --runs, MACs exactly as counted by hand.
Prints "ok" or the first problem and exits 1.
"""
import argparse
import json
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--emulated", action="store_true")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--macs", type=int)
    ap.add_argument("--cold-runs", type=int, default=1)
    args = ap.parse_args()
    with open(args.file) as f:
        r = json.load(f)

    def need(cond, what):
        if not cond:
            print("FAIL:", what)
            print(json.dumps(r, indent=1)[:3000])
            sys.exit(1)

    need(r.get("emulated") is args.emulated, "emulated flag")
    key, other = ("emulated_time_us", "latency_us") if args.emulated else (
        "latency_us", "emulated_time_us")
    need(key in r and other not in r, f"timings under {key} only")
    t = r[key]
    need(0 < t["min"] <= t["p50"] <= t["p90"] <= t["p99"] <= t["max"],
         "min <= p50 <= p90 <= p99 <= max, all positive")
    need(t["min"] <= t["mean"] <= t["max"] and t["std"] >= 0, "mean and std")
    need(r["runs"] >= args.runs, "at least --runs timed runs")
    need(r["throughput_per_s"] > 0 and r["seconds"] > 0, "throughput")
    cold = r["cold_start"]
    need(cold["runs"] == args.cold_runs and cold["first_inference_us"] > 0,
         "cold runs and first inference")
    if args.emulated:
        need("first_output_us" not in cold and "peak" not in r and
             "macs_per_s" not in r, "no latency-derived numbers when emulated")
    else:
        need(cold["first_output_us"] > cold["process_start_us"] > 0,
             "first output comes after process start")
        need(cold["first_output_us"] >= cold["first_inference_us"],
             "first output includes the first inference")
        need(r["macs_per_s"] > 0, "MAC/s")
        if "peak" in r:
            p = r["peak"]
            need(p["clock_ghz"] > 0.1 and p["lanes"] in (8, 16) and
                 p["macs_per_s"] > 0 and 0 < p["percent"], "peak fields")
    if args.macs is not None:
        need(r.get("macs") == args.macs, f"macs == {args.macs}")
    print("ok")


if __name__ == "__main__":
    main()
