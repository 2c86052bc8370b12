"""numpy reference for ../lower-families.mlir (constants mirrored here).

usage: check_families.py input FILE | check_families.py check OUTPUT.txt
"""
import sys

import numpy as np


def inputs():
    x = (np.cos(np.arange(128, dtype=np.float32) * 0.31) * 3.0).reshape(1, 2, 8, 8)
    res = (np.arange(32, dtype=np.float32) * 0.05 - 0.7).reshape(1, 2, 4, 4)
    small = np.array([1.0, -2.0, 3.5, 0.25], np.float32)
    return x, res, small


def conv_depthwise(x, w, stride, pads):
    top, left, bottom, right = pads
    xp = np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)))
    c, kh, kw = x.shape[1], w.shape[2], w.shape[3]
    oh = (xp.shape[2] - kh) // stride + 1
    ow = (xp.shape[3] - kw) // stride + 1
    y = np.zeros((1, c, oh, ow))
    for ch in range(c):
        for i in range(oh):
            for j in range(ow):
                win = xp[0, ch, i * stride:i * stride + kh, j * stride:j * stride + kw]
                y[0, ch, i, j] = np.sum(win * w[ch, 0])
    return y


def avg_pool_include_pad(x, k, pad):
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    y = np.zeros_like(x)
    for i in range(x.shape[2]):
        for j in range(x.shape[3]):
            y[:, :, i, j] = xp[:, :, i:i + k, j:j + k].mean(axis=(2, 3))
    return y


def reference():
    x, res, small = [a.astype(np.float64) for a in inputs()]
    c = conv_depthwise(x, np.full((2, 1, 3, 3), 0.25), 2, (1, 1, 1, 0)) + res
    c = np.clip(c, 0.0, 6.0)
    s, b, m, v = [np.array(a).reshape(1, 2, 1, 1) for a in
                  ([1.0, 2.0], [0.5, -0.5], [0.1, 0.2], [1.5, 2.5])]
    bn = s * (c - m) / np.sqrt(v + 1e-3) + b
    ap = avg_pool_include_pad(bn, 3, 1)
    mu = ap * np.array([2.0, 3.0]).reshape(2, 1, 1)
    mu2 = mu * mu
    lr = np.where(mu2 < 0, 0.2 * mu2, mu2)
    t = lr.transpose(0, 2, 3, 1)
    sl = t[:, 1:3, :, :]
    p = np.concatenate([sl, np.full((1, 1, 4, 2), -1.5)], axis=1)
    rm = p.mean(axis=(2, 3))
    ln_in2 = sl.reshape(2, 8)[:, 0:8:2]
    mean = ln_in2.mean(axis=1, keepdims=True)
    var = ((ln_in2 - mean) ** 2).mean(axis=1, keepdims=True)
    ln = (ln_in2 - mean) / np.sqrt(var + 1e-5) * np.array([1.0, 0.5, 2.0, 1.5])
    mm = ln @ np.full((4, 3), 0.3)
    mm = np.where(mm < 0, 0.1 * mm, mm)
    ls = mm - mm.max(axis=1, keepdims=True)
    ls = ls - np.log(np.exp(ls).sum(axis=1, keepdims=True))
    return np.concatenate([rm.ravel(), ls.ravel(), small.ravel()])


if __name__ == '__main__':
    if sys.argv[1] == 'input':
        with open(sys.argv[2], 'wb') as f:
            for a in inputs():
                f.write(a.astype(np.float32).tobytes())
        sys.exit(0)
    expected = reference()
    got = np.array([float(v) for v in open(sys.argv[2]).read().split()])
    if got.shape != expected.shape or not np.allclose(got, expected, rtol=1e-4, atol=1e-5):
        print('MISMATCH\nexpected', expected, '\ngot     ', got)
        sys.exit(1)
    print('OK max-abs-err %.3g' % np.abs(got - expected).max())
