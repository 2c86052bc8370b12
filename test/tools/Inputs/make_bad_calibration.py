"""Writes malformed calibration sets for kiln-validate.test into argv[1]."""
import os
import sys

import numpy as np

out = sys.argv[1]
good = np.load(os.path.join(os.path.dirname(__file__), "../../../models/digits_calib.npz"))["x"]


def mkdir(name):
    path = os.path.join(out, name)
    os.makedirs(path, exist_ok=True)
    return path


mkdir("empty")
np.save(os.path.join(mkdir("shape"), "a.npy"), np.zeros((2, 1, 7, 8), np.float32))
np.save(os.path.join(mkdir("dtype"), "a.npy"), np.zeros((1, 1, 8, 8), np.int32))
nan = good[:3].copy()
nan[2, 0, 4, 4] = np.nan
d = mkdir("nan")
np.save(os.path.join(d, "a.npy"), good[:2])
np.save(os.path.join(d, "b.npy"), nan)
inf = good[:1].copy()
inf[0, 0, 0, 1] = np.inf
np.savez(os.path.join(out, "inf.npz"), x=inf)
np.savez(os.path.join(out, "nofit.npz"), a=np.zeros((4, 3), np.float32))
np.savez(os.path.join(out, "zero.npz"), x=np.zeros((0, 1, 8, 8), np.float32))
# Good data in every accepted layout: a directory of single samples, a
# directory of batches, and an uncompressed .npz.
d = mkdir("singles")
for i in range(4):
    np.save(os.path.join(d, "s%d.npy" % i), good[i])
d = mkdir("batches")
np.save(os.path.join(d, "b0.npy"), good[:3])
np.save(os.path.join(d, "b1.npy"), good[3:5])
np.savez(os.path.join(out, "plain.npz"), input=good[:8])
