#!/usr/bin/env python3
"""Compares .npy files (or one file against one array in an .npz) within tolerance.

Usage: npcompare.py ACTUAL EXPECTED [--rtol R] [--atol A] [--scale-relative]
       [--exact] [--top1]

Elementwise: |a - e| <= atol + rtol * |e| (numpy.allclose). --scale-relative
uses the output's range instead: max|a - e| <= atol + rtol * max|e|, which is
what deep random-weight nets need (see test/e2e/models/README.md). --exact
demands identical bytes. --top1 also demands the same argmax per row.
Exit status 0 on match, 1 with a report on mismatch.
"""
import argparse
import sys

import numpy as np


def load(path):
    if ":" in path and path.split(":", 1)[0].endswith(".npz"):
        f, key = path.split(":", 1)
        return np.load(f)[key]
    return np.load(path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("actual")
    ap.add_argument("expected")
    ap.add_argument("--rtol", type=float, default=1e-3)
    ap.add_argument("--atol", type=float, default=1e-5)
    ap.add_argument("--scale-relative", action="store_true")
    ap.add_argument("--exact", action="store_true")
    ap.add_argument("--top1", action="store_true")
    args = ap.parse_args()
    a, e = load(args.actual), load(args.expected)
    if a.shape != e.shape:
        print(f"shape mismatch: {args.actual} {a.shape} vs {args.expected} {e.shape}")
        return 1
    if a.dtype != e.dtype and args.exact:
        print(f"dtype mismatch: {a.dtype} vs {e.dtype}")
        return 1
    af, ef = a.astype(np.float64), e.astype(np.float64)
    diff = np.abs(af - ef)
    maxdiff = float(diff.max()) if diff.size else 0.0
    if args.exact:
        ok = a.tobytes() == e.tobytes()
    elif args.scale_relative:
        ok = maxdiff <= args.atol + args.rtol * (float(np.abs(ef).max()) if ef.size else 0.0)
    else:
        ok = bool(np.allclose(af, ef, rtol=args.rtol, atol=args.atol))
    if ok and args.top1 and a.ndim == 2:
        agree = (a.argmax(axis=1) == e.argmax(axis=1))
        if not agree.all():
            print(f"top-1 differs on {int((~agree).sum())} of {len(agree)} rows")
            ok = False
    print(f"{'MATCH' if ok else 'MISMATCH'} {args.actual} vs {args.expected}: "
          f"shape {a.shape}, max |diff| {maxdiff:.3g}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
