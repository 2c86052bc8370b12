#!/usr/bin/env python3
"""Evaluate a model with `kiln-eval` (the host reference evaluator) on each
sample of a batch and stack the outputs, as `kiln run` does for batch-1 models.

Usage: kiln_eval_batch.py KILN_EVAL MODEL.onnx INPUT.npy OUT.npy [--count N]
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("kiln_eval")
    ap.add_argument("model")
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--count", type=int, default=None, help="first N samples only")
    args = ap.parse_args()
    x = np.load(args.input)
    n = x.shape[0] if args.count is None else min(args.count, x.shape[0])
    outs = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(n):
            xi, yi = os.path.join(tmp, "x.npy"), os.path.join(tmp, "y.npy")
            np.save(xi, x[i:i + 1])
            r = subprocess.run([args.kiln_eval, args.model, "--input", xi, "-o", yi],
                               capture_output=True, text=True)
            if r.returncode != 0:
                sys.stderr.write(r.stderr)
                return f"kiln-eval failed on sample {i}"
            outs.append(np.load(yi))
    np.save(args.output, np.concatenate(outs))
    print(f"kiln-eval: {n} sample(s) -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
