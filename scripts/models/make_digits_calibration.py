#!/usr/bin/env python3
"""Write the digits CNN's calibration set for post-training quantisation.

    /usr/bin/python3 scripts/models/make_digits_calibration.py [--out models] [--count 256]

Writes models/digits_calib.npz: x float32 [N,1,8,8] normalised as the model
expects (pixel / 16), y int64 [N]. The samples are taken evenly spaced from the
TRAINING split of train_digits.py (sklearn's load_digits() in its own order,
first 1438 samples), so they are disjoint from models/digits_test.npz (the
last 359), which stays the held-out set that `kiln validate` measures on.
"""
import argparse
import os

import numpy as np
from sklearn.datasets import load_digits

TEST_FRACTION = 0.2  # as scripts/models/train_digits.py


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="models")
    ap.add_argument("--count", type=int, default=256)
    args = ap.parse_args()
    d = load_digits()
    x = (d.images.astype(np.float32) / 16.0).reshape(-1, 1, 8, 8)
    y = d.target.astype(np.int64)
    n_train = len(x) - int(round(len(x) * TEST_FRACTION))
    idx = np.linspace(0, n_train - 1, args.count).round().astype(np.int64)
    assert len(np.unique(idx)) == args.count and idx.max() < n_train
    path = os.path.join(args.out, "digits_calib.npz")
    np.savez_compressed(path, x=x[idx], y=y[idx])
    print(f"wrote {path}: {args.count} training samples (indices {idx[0]}..{idx[-1]} "
          f"of {n_train}), class counts {np.bincount(y[idx], minlength=10).tolist()}")


if __name__ == "__main__":
    main()
