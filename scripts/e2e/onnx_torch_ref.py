#!/usr/bin/env python3
"""fp32 reference outputs for an ONNX model, evaluated with torch.nn.functional.

Independent of Kiln (no shared code with the runtime's kernels); covers the ops
of the bundled CNNs. onnx 1.12 has no ReferenceEvaluator and onnxruntime is no
Python dependency here, hence this small evaluator.

Usage: onnx_torch_ref.py MODEL.onnx INPUT.npy OUT.npy
INPUT may carry a batch of B samples along axis 0 for a batch-1 model; each
sample is evaluated alone and the outputs stacked, as `kiln run` does.
"""
import sys

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper


def attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def pool_pads(a, x):
    p = a.get("pads", [0, 0, 0, 0])
    if any(p):
        x = F.pad(x, (p[1], p[3], p[0], p[2]), value=-float("inf")
                  if a.get("_max") else 0.0)
    return x


def conv(env, n, a):
    x, w = env[n.input[0]], env[n.input[1]]
    b = env[n.input[2]] if len(n.input) > 2 and n.input[2] else None
    p = a.get("pads", [0, 0, 0, 0])
    x = F.pad(x, (p[1], p[3], p[0], p[2]))
    return F.conv2d(x, w, b, stride=a.get("strides", [1, 1]),
                    dilation=a.get("dilations", [1, 1]), groups=a.get("group", 1))


def maxpool(env, n, a):
    a["_max"] = True
    return F.max_pool2d(pool_pads(a, env[n.input[0]]), a["kernel_shape"],
                        a.get("strides", a["kernel_shape"]), ceil_mode=bool(a.get("ceil_mode", 0)))


def avgpool(env, n, a):
    if any(a.get("pads", [0])) and not a.get("count_include_pad", 0):
        raise NotImplementedError("AveragePool with pads and count_include_pad=0")
    return F.avg_pool2d(pool_pads(a, env[n.input[0]]), a["kernel_shape"],
                        a.get("strides", a["kernel_shape"]), ceil_mode=bool(a.get("ceil_mode", 0)))


def pad(env, n, a):
    x = env[n.input[0]]
    pads = [int(v) for v in env[n.input[1]].tolist()]
    r = x.dim()
    torch_pads = []
    for i in reversed(range(r)):
        torch_pads += [pads[i], pads[i + r]]
    value = float(env[n.input[2]]) if len(n.input) > 2 and n.input[2] else 0.0
    return F.pad(x, torch_pads, mode="constant", value=value)


def gemm(env, n, a):
    A, B = env[n.input[0]], env[n.input[1]]
    if a.get("transA", 0):
        A = A.t()
    if a.get("transB", 0):
        B = B.t()
    y = a.get("alpha", 1.0) * (A @ B)
    if len(n.input) > 2 and n.input[2]:
        y = y + a.get("beta", 1.0) * env[n.input[2]]
    return y


OPS = {
    "Conv": conv,
    "Relu": lambda env, n, a: F.relu(env[n.input[0]]),
    "MaxPool": maxpool,
    "AveragePool": avgpool,
    "GlobalAveragePool": lambda env, n, a: env[n.input[0]].mean(dim=(2, 3), keepdim=True),
    "Pad": pad,
    "Flatten": lambda env, n, a: env[n.input[0]].flatten(a.get("axis", 1)),
    "Gemm": gemm,
    "Add": lambda env, n, a: env[n.input[0]] + env[n.input[1]],
    "Mul": lambda env, n, a: env[n.input[0]] * env[n.input[1]],
    "Reshape": lambda env, n, a: env[n.input[0]].reshape([int(v) for v in env[n.input[1]].tolist()]),
    "Constant": lambda env, n, a: torch.from_numpy(numpy_helper.to_array(a["value"]).copy()),
}


def evaluate(model, x):
    env = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in model.graph.initializer}
    env[model.graph.input[0].name] = torch.from_numpy(x)
    for n in model.graph.node:
        if n.op_type not in OPS:
            raise SystemExit(f"onnx_torch_ref: op {n.op_type} ({n.name}) is not covered")
        env[n.output[0]] = OPS[n.op_type](env, n, attrs(n))
    return env[model.graph.output[0].name].numpy()


def main():
    model = onnx.load(sys.argv[1])
    x = np.load(sys.argv[2]).astype(np.float32)
    want = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim]
    with torch.no_grad():
        if list(x.shape) == want:
            out = evaluate(model, x)
        else:
            out = np.concatenate([evaluate(model, x[i:i + 1]) for i in range(x.shape[0])])
    np.save(sys.argv[3], out.astype(np.float32))


if __name__ == "__main__":
    main()
