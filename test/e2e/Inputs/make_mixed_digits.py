"""A mixed int8/float digits CNN: the QDQ model with some convs left in float.

usage: make_mixed_digits.py QDQ.onnx FLOAT.onnx OUT.onnx CONV_NAME [...]

Each named Conv of the QDQ model (scripts/models/make_qdq_digits.py) reads the
float weights and bias of the float model instead of their DequantizeLinear,
so kiln-quantize-ops keeps it in float while every other conv becomes int8:
the graph a target preferring NHWC runs with NHWC float kernels between NCHW
int8 ones.
"""
import sys

import onnx
from onnx import numpy_helper


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    qdq, flt = onnx.load(sys.argv[1]), onnx.load(sys.argv[2])
    floats = {i.name: i for i in flt.graph.initializer}
    wanted = set(sys.argv[4:])
    done = set()
    for node in qdq.graph.node:
        if node.op_type != "Conv" or node.name not in wanted:
            continue
        for i in (1, 2):
            name = node.input[i]
            base = name[:-len("_dq")] if name.endswith("_dq") else name
            if base not in floats:
                sys.exit(f"{node.name}: no float initializer '{base}' in {sys.argv[2]}")
            qdq.graph.initializer.append(floats[base])
            node.input[i] = base
        done.add(node.name)
    if done != wanted:
        sys.exit(f"no Conv named {sorted(wanted - done)} in {sys.argv[1]}")
    # Drop the weight DequantizeLinear nodes nothing reads any more.
    used = {i for n in qdq.graph.node for i in n.input}
    keep = [n for n in qdq.graph.node
            if n.op_type != "DequantizeLinear" or n.output[0] in used]
    del qdq.graph.node[:]
    qdq.graph.node.extend(keep)
    onnx.checker.check_model(qdq)
    onnx.save(qdq, sys.argv[3])
    print(f"wrote {sys.argv[3]}: {len(done)} float conv(s)")


if __name__ == "__main__":
    main()
