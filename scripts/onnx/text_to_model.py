#!/usr/bin/env python3
"""Turn an ONNX textual-syntax model into a binary .onnx file for tests.

Usage: text_to_model.py IN.txt OUT.onnx [--opset N] [--skip-check]

Convenience for hand-written tests: an initializer written with a single value
(`<float[4,3,3,3] w = {0.5}>`) is filled with that value to its full shape.
Lines starting with `#` are comments. `--skip-check` writes models the ONNX
checker would refuse, for the importer's error tests.
"""
import argparse
import sys

import numpy as np
import onnx
import onnx.checker
import onnx.mapping
import onnx.numpy_helper
import onnx.parser


def fill_initializers(graph):
    for i, init in enumerate(graph.initializer):
        count = int(np.prod(init.dims)) if len(init.dims) else 1
        value = onnx.numpy_helper.to_array(init) if init.raw_data else None
        if value is None:
            fields = [init.float_data, init.int32_data, init.int64_data, init.double_data]
            have = [f for f in fields if len(f)]
            if len(have) == 1 and len(have[0]) == 1 and count > 1:
                dtype = onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[init.data_type]
                filled = np.full(tuple(init.dims), have[0][0], dtype=dtype)
                graph.initializer[i].CopyFrom(onnx.numpy_helper.from_array(filled, init.name))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--skip-check", action="store_true")
    args = ap.parse_args()
    text = "\n".join(l for l in open(args.input).read().splitlines()
                     if not l.lstrip().startswith("#"))
    model = onnx.parser.parse_model(text)
    fill_initializers(model.graph)
    if not args.skip_check:
        onnx.checker.check_model(model)
    onnx.save(model, args.output)


if __name__ == "__main__":
    sys.exit(main())
