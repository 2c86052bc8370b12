#!/usr/bin/env python3
"""Import every libonnx-testdata model with kiln-translate and tally the outcome.

Usage: import_testdata.py KILN_TRANSLATE [--data DIR] [--jobs N] [--verbose]

Prints how many models import cleanly, how many are refused as unsupported (by
op type), how many fail otherwise, and how many crash (signal or sanitizer
report). Exits 1 if anything crashed; refusals and errors are expected.
"""
import argparse
import collections
import concurrent.futures
import os
import re
import subprocess
import sys

SUITES = ["node", "pytorch-converted", "pytorch-operator", "simple"]


def run_one(tool, path):
    try:
        p = subprocess.run([tool, "--import-onnx", path, "-o", os.devnull],
                           capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        return path, "crash", "timeout"
    err = p.stderr
    if p.returncode < 0 or p.returncode > 1 or "Sanitizer" in err or "PLEASE submit" in err:
        return path, "crash", err[-2000:]
    if p.returncode == 0:
        return path, "ok", ""
    if "unsupported ONNX op types" in err:
        return path, "unsupported", err
    return path, "error", err


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tool")
    ap.add_argument("--data", default="/usr/share/libonnx-testdata/data")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    models = []
    for suite in SUITES:
        root = os.path.join(args.data, suite)
        for name in sorted(os.listdir(root)) if os.path.isdir(root) else []:
            path = os.path.join(root, name, "model.onnx")
            if os.path.isfile(path):
                models.append(path)
    counts = collections.Counter()
    unsupported = collections.Counter()
    errors = collections.Counter()
    crashes = []
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for path, kind, err in pool.map(lambda m: run_one(args.tool, m), models):
            counts[kind] += 1
            if kind == "unsupported":
                for op in re.findall(r"^\s+(\S+) x\d+:", err, re.M):
                    unsupported[op] += 1
            elif kind == "error":
                first = next((l for l in err.splitlines() if "error:" in l), err[:200])
                # Group errors by message shape, not by node names.
                key = re.sub(r"'[^']*'", "'…'", first.split("error:", 1)[-1].strip())
                errors[re.sub(r"\d+", "N", key)[:110]] += 1
                if args.verbose:
                    print(f"error: {path}: {first}")
            elif kind == "crash":
                crashes.append((path, err))
    print(f"models: {len(models)}")
    print(f"imported cleanly: {counts['ok']}")
    print(f"refused as unsupported: {counts['unsupported']}")
    print(f"other errors: {counts['error']}")
    print(f"crashes: {counts['crash']}")
    print("\nunsupported op types (models refusing them):")
    for op, n in unsupported.most_common():
        print(f"  {op}: {n}")
    print("\nother errors by message:")
    for msg, n in errors.most_common():
        print(f"  {n:4d}  {msg}")
    for path, err in crashes:
        print(f"\nCRASH {path}\n{err}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
