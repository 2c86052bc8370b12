#!/usr/bin/env python3
"""Top-1 accuracy of logits [N, C] against int labels [N]; fails outside a band.

Usage: accuracy.py LOGITS.npy LABELS.npy --expect 0.9777 [--within 0.01]
"""
import argparse
import sys

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("logits")
    ap.add_argument("labels")
    ap.add_argument("--expect", type=float, required=True)
    ap.add_argument("--within", type=float, default=0.01)
    args = ap.parse_args()
    logits, labels = np.load(args.logits), np.load(args.labels)
    if logits.ndim != 2 or logits.shape[0] != labels.shape[0]:
        print(f"shape mismatch: logits {logits.shape}, labels {labels.shape}")
        return 1
    acc = float((logits.argmax(axis=1) == labels).mean())
    ok = abs(acc - args.expect) <= args.within
    print(f"accuracy {acc:.4f} on {len(labels)} samples "
          f"({'within' if ok else 'OUTSIDE'} {args.expect:.4f} +- {args.within})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
