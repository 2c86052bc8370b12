"""Reference for tiny_cnn.mlir in numpy: writes the input, or checks output.

usage: check_tiny_cnn.py input FILE | check_tiny_cnn.py check FILE.mlir OUTPUT.txt
"""
import re
import sys

import numpy as np


def model_input():
    return (np.sin(np.arange(72, dtype=np.float32) * 0.37) * 2.0).reshape(1, 2, 6, 6)


def parse_constants(mlir):
    """Reads the dense constants back from the .mlir text, in order."""
    consts = []
    for m in re.finditer(r'kiln\.constant dense<(.*?)> : tensor<([0-9x]+)xf32>', mlir, re.S):
        body, shape = m.group(1), [int(d) for d in m.group(2).split('x')]
        if body.startswith('"0x'):
            arr = np.frombuffer(bytes.fromhex(body[3:-1]), dtype=np.float32)
        else:
            arr = np.array([float(v) for v in re.findall(r'-?[0-9.]+(?:e-?[0-9]+)?', body)],
                           dtype=np.float32)
        consts.append(arr.reshape(shape))
    return consts


def reference(mlir):
    w, b, fw, fb = parse_constants(mlir)
    x = np.pad(model_input()[0], ((0, 0), (1, 1), (1, 1)))
    conv = np.zeros((3, 6, 6), np.float64)
    for m in range(3):
        for i in range(6):
            for j in range(6):
                conv[m, i, j] = np.sum(x[:, i:i + 3, j:j + 3] * w[m]) + b[m]
    relu = np.maximum(conv, 0)
    pool = relu.reshape(3, 3, 2, 3, 2).max(axis=(2, 4))
    logits = pool.reshape(1, 27) @ fw.T.astype(np.float64) + fb
    e = np.exp(logits - logits.max())
    return (e / e.sum()).reshape(-1)


if __name__ == '__main__':
    if sys.argv[1] == 'input':
        model_input().astype(np.float32).tofile(sys.argv[2])
        sys.exit(0)
    expected = reference(open(sys.argv[2]).read())
    got = np.array([float(v) for v in open(sys.argv[3]).read().split()])
    if got.shape != expected.shape or not np.allclose(got, expected, rtol=1e-4, atol=1e-6):
        print('MISMATCH\nexpected', expected, '\ngot     ', got)
        sys.exit(1)
    # The softmax must not be degenerate, or the check would prove little.
    print('OK max-abs-err %.3g, spread %.3g' % (np.abs(got - expected).max(), expected.max() - expected.min()))
