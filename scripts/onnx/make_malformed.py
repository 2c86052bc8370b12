#!/usr/bin/env python3
"""Write malformed and hostile ONNX models for the importer's error tests.

Usage: make_malformed.py OUTDIR

Each CASE.onnx in OUTDIR breaks one rule (see CASES below); ext_ok.onnx is the
valid external-data baseline. Side files for the external-data attacks are
created next to the models, plus one outside OUTDIR (OUTDIR/../outside.bin).
"""
import os
import random
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def relu_graph(inits=(), nodes=None, name="g"):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])
    nodes = nodes if nodes is not None else [helper.make_node("Relu", ["x"], ["y"], name="relu")]
    return helper.make_graph(nodes, name, [x], [y], list(inits))


def model(graph, ir_version=8, opset=13):
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = ir_version
    return m


def add_graph(weight):
    node = helper.make_node("Add", ["x", "w"], ["y"], name="add")
    return relu_graph([weight], [node])


def external(name, location, dims=(1, 4), offset=None, length=None):
    t = TensorProto()
    t.name = name
    t.data_type = TensorProto.FLOAT
    t.dims.extend(dims)
    t.data_location = TensorProto.EXTERNAL
    for k, v in (("location", location), ("offset", offset), ("length", length)):
        if v is not None:
            e = t.external_data.add()
            e.key, e.value = k, str(v)
    return t


def save(out, name, m):
    with open(os.path.join(out, name + ".onnx"), "wb") as f:
        f.write(m.SerializeToString())


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    good = model(relu_graph()).SerializeToString()
    with open(os.path.join(out, "truncated.onnx"), "wb") as f:
        f.write(good[: len(good) // 2])
    rng = random.Random(0)
    with open(os.path.join(out, "random.onnx"), "wb") as f:
        f.write(bytes(rng.randrange(256) for _ in range(4096)))
    save(out, "ir_version", model(relu_graph(), ir_version=99))
    save(out, "missing_initializer", model(relu_graph(nodes=[
        helper.make_node("Add", ["x", "nowhere"], ["y"], name="add")])))
    save(out, "cycle", model(relu_graph(nodes=[
        helper.make_node("Add", ["x", "b"], ["a"], name="first"),
        helper.make_node("Relu", ["a"], ["b"], name="second"),
        helper.make_node("Relu", ["a"], ["y"], name="third")])))
    save(out, "duplicate", model(relu_graph(nodes=[
        helper.make_node("Relu", ["x"], ["t"], name="one"),
        helper.make_node("Relu", ["x"], ["t"], name="two"),
        helper.make_node("Relu", ["t"], ["y"], name="three")])))
    save(out, "use_before_def", model(relu_graph(nodes=[
        helper.make_node("Relu", ["t"], ["y"], name="consumer"),
        helper.make_node("Relu", ["x"], ["t"], name="producer")])))
    neg = numpy_helper.from_array(np.zeros((1, 4), np.float32), "w")
    neg.dims[1] = -4
    save(out, "negative_dim", model(add_graph(neg)))
    big = numpy_helper.from_array(np.zeros((1, 4), np.float32), "w")
    big.dims[:] = [1 << 40, 1 << 40]
    save(out, "overflow_dim", model(add_graph(big)))
    short = numpy_helper.from_array(np.zeros((1, 4), np.float32), "w")
    short.raw_data = short.raw_data[:10]
    save(out, "raw_size", model(add_graph(short)))
    dyn = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 4])
    dyn_out = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 4])
    save(out, "dynamic", model(helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"], name="relu")], "g", [dyn], [dyn_out])))
    save(out, "unsupported", model(relu_graph(nodes=[
        helper.make_node("Relu", ["x"], ["a"], name="r"),
        helper.make_node("Celu", ["a"], ["b"], name="celu_1"),
        helper.make_node("Celu", ["b"], ["c"], name="celu_2"),
        helper.make_node("Elu", ["c"], ["d"], name="elu_1"),
        helper.make_node("Sin", ["d"], ["y"], name="sin_1")])))

    # External data: one valid file and one attack per rule.
    data = np.arange(4, dtype=np.float32).tobytes()
    with open(os.path.join(out, "w.bin"), "wb") as f:
        f.write(b"\0" * 16 + data)
    with open(os.path.join(out, "..", "outside.bin"), "wb") as f:
        f.write(data)
    for link, target in (("link.bin", "w.bin"),):
        path = os.path.join(out, link)
        if os.path.lexists(path):
            os.remove(path)
        os.symlink(target, path)
    with open(os.path.join(out, "hard_a.bin"), "wb") as f:
        f.write(data)
    if os.path.lexists(os.path.join(out, "hard_b.bin")):
        os.remove(os.path.join(out, "hard_b.bin"))
    os.link(os.path.join(out, "hard_a.bin"), os.path.join(out, "hard_b.bin"))
    if not os.path.exists(os.path.join(out, "fifo.bin")):
        os.mkfifo(os.path.join(out, "fifo.bin"))
    os.makedirs(os.path.join(out, "subdir"), exist_ok=True)
    cases = {
        "ext_ok": external("w", "w.bin", offset=16, length=16),
        "ext_dotdot": external("w", "../outside.bin"),
        "ext_absolute": external("w", os.path.abspath(os.path.join(out, "w.bin"))),
        "ext_symlink": external("w", "link.bin", offset=16),
        "ext_hardlink": external("w", "hard_a.bin"),
        "ext_fifo": external("w", "fifo.bin"),
        "ext_directory": external("w", "subdir"),
        "ext_offset": external("w", "w.bin", offset=4096, length=16),
        "ext_past_end": external("w", "w.bin", offset=24, length=16),
        "ext_length": external("w", "w.bin", offset=16, length=12),
        "ext_overflow": external("w", "w.bin", dims=(1 << 31, 1 << 31, 1 << 31)),
        "ext_missing": external("w", "absent.bin"),
    }
    for name, tensor in cases.items():
        save(out, name, model(add_graph(tensor)))


if __name__ == "__main__":
    main()
