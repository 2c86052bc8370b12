#!/usr/bin/env python3
"""Turn a float ONNX model into an ORT-style QDQ int8 model (for the int8 side-by-side bench).

The layout is what onnxruntime's quantize_static writes in QDQ format, here
produced independently (no ORT quantisation tool): every activation input and
output of Conv/Gemm/MatMul/Add gets one QuantizeLinear/DequantizeLinear pair
(asymmetric int8, per tensor, range widened to contain 0); a Conv/Gemm/MatMul
output whose only consumer is Relu or Clip is quantised after the activation
(the int8 kernel's clamp; an Add output is quantised itself, then its Relu); MaxPool/Flatten/Reshape outputs keep their input's
parameters. Weights are per-channel symmetric int8 behind DequantizeLinear
(axis 0 for Conv and Gemm transB=1, axis 1 for MatMul/Gemm transB=0), biases
int32 at scale input_scale * weight_scale[c]. The writers are
make_qdq_digits.py's (act_params, quantize_weights, quantize_bias).

Activation ranges are min/max over --calib inputs: the input_0.npy beside the
model (when present) and seeded standard-normal samples of the input shape (or
--calibration FILE.npy, batched along axis 0). They are computed by running
the float model with ONNX Runtime (bench/ort/install.sh) through node, with
every intermediate tensor added as a graph output (bench/ort/ort_tensors.js).

Usage: make_qdq_model.py MODEL.onnx OUT.onnx [--calib 8] [--calibration X.npy]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from make_qdq_digits import act_params, quantize_bias, quantize_weights  # noqa: E402

WEIGHTED = ("Conv", "Gemm", "MatMul")
QUANTISED = WEIGHTED + ("Add",)
ACTIVATIONS = ("Relu", "Clip")
KEEPS = ("MaxPool", "Flatten", "Reshape")


def ort_modules():
    return subprocess.run(["sh", os.path.join(ROOT, "bench/ort/install.sh")], check=True,
                          stdout=subprocess.PIPE, text=True).stdout.strip()


def calibration_samples(model_path, shape, args):
    if args.calibration:
        x = np.load(args.calibration).astype(np.float32)
        return [x[i:i + 1] for i in range(min(args.calib, len(x)))]
    samples = []
    beside = os.path.join(os.path.dirname(model_path), "input_0.npy")
    if os.path.exists(beside):
        samples.append(np.load(beside).astype(np.float32))
    rng = np.random.default_rng(7)
    while len(samples) < args.calib:
        samples.append(rng.standard_normal(shape).astype(np.float32))
    return samples


def activation_ranges(model, model_path, args):
    """min/max of every float tensor over the calibration samples, run by ORT."""
    inferred = onnx.shape_inference.infer_shapes(model)
    float_values = {v.name for v in list(inferred.graph.value_info) + list(inferred.graph.output)
                    if v.type.tensor_type.elem_type == TensorProto.FLOAT}
    inits = {i.name for i in model.graph.initializer}
    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    existing = {o.name for o in probe.graph.output}
    for n in probe.graph.node:
        for o in n.output:
            if o in float_values and o not in existing and o not in inits:
                probe.graph.output.append(helper.make_tensor_value_info(o, TensorProto.FLOAT, None))
                existing.add(o)
    gi = [i for i in model.graph.input if i.name not in inits][0]
    shape = [d.dim_value for d in gi.type.tensor_type.shape.dim]
    lo, hi = {}, {}
    modules = ort_modules()
    samples = calibration_samples(model_path, shape, args)
    with tempfile.TemporaryDirectory(prefix="kiln-qdq-") as tmp:
        probe_path = os.path.join(tmp, "probe.onnx")
        onnx.save(probe, probe_path)
        for k, x in enumerate(samples):
            raw = os.path.join(tmp, f"in{k}.bin")
            np.ascontiguousarray(x, np.float32).tofile(raw)
            out = os.path.join(tmp, f"out{k}")
            subprocess.run(["node", os.path.join(ROOT, "bench/ort/ort_tensors.js"), modules,
                            probe_path, gi.name, raw, ",".join(map(str, x.shape)), out],
                           check=True)
            values = {gi.name: x}
            for e in json.load(open(os.path.join(out, "index.json"))):
                values[e["name"]] = np.fromfile(os.path.join(out, e["file"]), np.float32)
            for name, a in values.items():
                lo[name] = min(lo.get(name, 0.0), float(a.min()))
                hi[name] = max(hi.get(name, 0.0), float(a.max()))
    return lo, hi, len(samples)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    ap.add_argument("output")
    ap.add_argument("--calib", type=int, default=8, help="calibration samples")
    ap.add_argument("--calibration", help="calibration inputs (.npy, batched along axis 0)")
    args = ap.parse_args()

    model = onnx.load(args.model)
    g = model.graph
    inits = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    # Identity over an initializer (torch's shared weights): read through it.
    alias = {n.output[0]: n.input[0] for n in g.node
             if n.op_type == "Identity" and n.input[0] in inits}
    for a, src in alias.items():
        inits[a] = inits[src]
    lo, hi, ncalib = activation_ranges(model, args.model, args)

    consumers = {}
    for n in g.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    producer = {o: n for n in g.node for o in n.output}
    graph_outputs = {o.name for o in g.output}
    graph_input = [i for i in g.input if i.name not in inits][0].name

    # Which tensors get a Q/DQ pair, and whose parameters they use.
    quantised = {}  # tensor -> tensor whose range sets its scale/zero point

    def mark(t):
        if t in inits or t in quantised:
            return
        src = producer.get(t)
        if src is not None and src.op_type in KEEPS and src.input[0] in quantised:
            quantised[t] = quantised[src.input[0]]
        else:
            quantised[t] = t

    for n in g.node:  # in topological order, so KEEPS see their input first
        if n.op_type in QUANTISED:
            for i in (n.input[:1] if n.op_type in ("Conv", "Gemm") else n.input):
                if i not in inits:
                    mark(i)
            out = n.output[0]
            users = consumers.get(out, [])
            if (n.op_type != "Add" and len(users) == 1 and users[0].op_type in ACTIVATIONS
                    and out not in graph_outputs):
                mark(users[0].output[0])
            else:
                mark(out)
        elif n.op_type in KEEPS and n.input[0] in quantised:
            mark(n.output[0])

    nodes, new_inits = [], []
    qparams = {}  # range source -> (scale name, zp name, scale)

    def add_init(name, array):
        new_inits.append(numpy_helper.from_array(array, name))
        return name

    def params(t):
        src = quantised[t]
        if src not in qparams:
            scale, zp = act_params(lo[src], hi[src], False)
            qparams[src] = (add_init(src + "_scale", np.array(scale, np.float32)),
                            add_init(src + "_zp", np.array(zp, np.int8)), float(scale))
        return qparams[src]

    dq_name = {}  # tensor -> name consumers read

    def emit_qdq(t):
        s, z, _ = params(t)
        src = t + "_float" if t in graph_outputs else t
        out = t if t in graph_outputs else t + "_dq"
        nodes.append(helper.make_node("QuantizeLinear", [src, s, z], [t + "_q"],
                                      name=t + "_QuantizeLinear"))
        nodes.append(helper.make_node("DequantizeLinear", [t + "_q", s, z], [out],
                                      name=t + "_DequantizeLinear"))
        dq_name[t] = out

    if graph_input in quantised:
        emit_qdq(graph_input)
    used_inits = set()
    for n in g.node:
        if n.op_type == "Identity" and n.output[0] in alias:
            continue
        ins = [dq_name.get(i, i) for i in n.input]
        if n.op_type in WEIGHTED and len(n.input) > 1 and n.input[1] in inits \
                and n.input[0] in quantised:
            w = inits[n.input[1]]
            if n.op_type == "MatMul":
                axis = 1
            elif n.op_type == "Gemm":
                ta = {a.name: a.i for a in n.attribute}
                axis = 0 if ta.get("transB", 0) else 1
            else:
                axis = 0
            wq, ws = quantize_weights(w, axis)
            wn = n.name or n.output[0]
            add_init(wn + "_w_q", wq)
            add_init(wn + "_w_scale", ws)
            add_init(wn + "_w_zp", np.zeros(w.shape[axis], np.int8))
            nodes.append(helper.make_node("DequantizeLinear",
                                          [wn + "_w_q", wn + "_w_scale", wn + "_w_zp"],
                                          [wn + "_w_dq"], axis=axis, name=wn + "_w_DequantizeLinear"))
            ins[1] = wn + "_w_dq"
            if len(n.input) > 2 and n.input[2] in inits:
                bscales = (np.float32(params(n.input[0])[2]) * ws).astype(np.float32)
                add_init(wn + "_b_q", quantize_bias(inits[n.input[2]], bscales))
                add_init(wn + "_b_scale", bscales)
                nodes.append(helper.make_node("DequantizeLinear", [wn + "_b_q", wn + "_b_scale"],
                                              [wn + "_b_dq"], axis=0,
                                              name=wn + "_b_DequantizeLinear"))
                ins[2] = wn + "_b_dq"
        outs = [o + "_float" if (o in quantised and o in graph_outputs) else o for o in n.output]
        node = helper.make_node(n.op_type, ins, outs, name=n.name)
        node.attribute.extend(n.attribute)
        nodes.append(node)
        used_inits.update(i for i in ins if i in inits)
        for o in n.output:
            if o in quantised:
                emit_qdq(o)

    kept = [numpy_helper.from_array(inits[i], i) for i in sorted(used_inits)]
    graph = helper.make_graph(nodes, g.name + "_qdq", [i for i in g.input if i.name not in inits],
                              list(g.output), kept + new_inits)
    qmodel = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                               producer_name="kiln scripts/models/make_qdq_model.py")
    qmodel.ir_version = 7
    onnx.checker.check_model(qmodel)
    onnx.save(qmodel, args.output)
    print(f"wrote {args.output}: {sum(1 for x in nodes if x.op_type == 'QuantizeLinear')} "
          f"activation QDQ pairs, {sum(1 for x in g.node if x.op_type in WEIGHTED)} int8-weight "
          f"ops, calibrated on {ncalib} samples")


if __name__ == "__main__":
    main()
