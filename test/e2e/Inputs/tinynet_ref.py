#!/usr/bin/env python3
"""Harness test fixture: numpy reference for Inputs/tinynet, weights read from tinynet.c."""
import argparse
import os
import re

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def weights():
    src = open(os.path.join(HERE, "tinynet", "tinynet.c")).read()
    out = {}
    for name in ("conv_w", "conv_b", "fc_w", "fc_b"):
        body = re.search(r"%s\[\d+\] = \{([^}]*)\}" % name, src).group(1)
        out[name] = np.array([float(v.rstrip("f")) for v in body.replace("\n", " ").split(",")],
                             dtype=np.float32)
    return out


def forward(x):
    w = weights()
    k = w["conv_w"].reshape(2, 1, 3, 3)
    n = x.shape[0]
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    conv = np.zeros((n, 2, 6, 6), np.float32)
    for m in range(2):
        for i in range(6):
            for j in range(6):
                conv[:, m, i, j] = (xp[:, 0, i:i + 3, j:j + 3] * k[m, 0]).sum(axis=(1, 2))
        conv[:, m] += w["conv_b"][m]
    conv = np.maximum(conv, 0)
    pooled = conv.reshape(n, 2, 3, 2, 3, 2).max(axis=(3, 5))
    logits = pooled.reshape(n, 18) @ w["fc_w"].reshape(4, 18).T + w["fc_b"]
    return logits.astype(np.float32), pooled.astype(np.float32)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--input", required=True, help="where to write the input .npy")
    ap.add_argument("--ref-dir", required=True, help="where to write reference outputs")
    args = ap.parse_args()
    rng = np.random.RandomState(3)
    x = rng.uniform(-1, 1, (args.batch, 1, 6, 6)).astype(np.float32)
    np.save(args.input, x)
    logits, pooled = forward(x)
    os.makedirs(args.ref_dir, exist_ok=True)
    np.save(os.path.join(args.ref_dir, "logits.npy"), logits)
    np.save(os.path.join(args.ref_dir, "features_pooled_0.npy"), pooled)


if __name__ == "__main__":
    main()
