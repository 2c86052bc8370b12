#!/usr/bin/env python3
"""Evaluate a model with `kiln-eval` (the host reference evaluator) on each
sample of a batch and stack the outputs, as `kiln run` does for batch-1 models.

Usage: kiln_eval_batch.py KILN_EVAL MODEL INPUT.npy OUT.npy [OUT2.npy ...] [--count N] [-O N]
(one OUT per model output, in order)
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
    ap.add_argument("outputs", nargs="+")
    ap.add_argument("--count", type=int, default=None, help="first N samples only")
    ap.add_argument("-O", dest="level", default=None,
                    help="kiln-eval's optimisation level (-O0 keeps QDQ graphs in float)")
    args = ap.parse_args()
    x = np.load(args.input)
    n = x.shape[0] if args.count is None else min(args.count, x.shape[0])
    outs = [[] for _ in args.outputs]
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(n):
            xi = os.path.join(tmp, "x.npy")
            ys = [os.path.join(tmp, f"y{j}.npy") for j in range(len(outs))]
            np.save(xi, x[i:i + 1])
            cmd = [args.kiln_eval, args.model, "--input", xi]
            if args.level is not None:
                cmd.append("-O" + args.level)
            for y in ys:
                cmd += ["-o", y]
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode != 0:
                sys.stderr.write(r.stderr)
                return f"kiln-eval failed on sample {i}"
            for j, y in enumerate(ys):
                outs[j].append(np.load(y))
    for path, out in zip(args.outputs, outs):
        np.save(path, np.concatenate(out))
    print(f"kiln-eval: {n} sample(s) -> {', '.join(args.outputs)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
