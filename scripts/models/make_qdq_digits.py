#!/usr/bin/env python3
"""Write a QDQ (QuantizeLinear/DequantizeLinear) int8 version of the digits CNN.

The layout is what onnxruntime's quantize_static exports in QDQ format:
per-channel symmetric int8 weights (DequantizeLinear on an int8 initializer,
axis 0), int32 biases with scale input_scale * weight_scale[c], and a
QuantizeLinear/DequantizeLinear pair on every activation (asymmetric int8,
per tensor; MaxPool and Flatten keep their input's parameters). Scales come
from min/max over the first CALIB samples of sklearn's digits training split
(the samples models/digits_cnn.onnx was trained on, never the test split),
computed here with numpy: no calibration tool is involved, so Kiln's importer
and integer lowering are tested against an independent producer.

Usage: make_qdq_digits.py OUT.onnx [--model models/digits_cnn.onnx] [--calib 256]
       [--uint8]      (uint8 activations, zero points 128 higher: ORT's older default)
       [--qoperator]  (ORT's QOperator format instead: QLinearConv with int32 bias,
                       MaxPool and Flatten on 8-bit tensors, AveragePool between
                       DequantizeLinear/QuantizeLinear, QLinearMatMul + float bias Add)
"""
import argparse
import os
import sys

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))
import onnx_torch_ref  # noqa: E402  (the repo's independent fp32 evaluator)


def calibration_inputs(count):
    from sklearn.datasets import load_digits
    d = load_digits()
    x = (d.images[:1438] / 16.0).astype(np.float32)  # the training split
    return x[:count].reshape(-1, 1, 1, 8, 8)


def activation_ranges(model, samples):
    """min/max of every node output over the samples (fp32 evaluation)."""
    lo, hi = {}, {}
    graph_in = model.graph.input[0].name
    with torch.no_grad():
        for x in samples:
            env = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy())
                   for i in model.graph.initializer}
            env[graph_in] = torch.from_numpy(x)
            for n in model.graph.node:
                env[n.output[0]] = onnx_torch_ref.OPS[n.op_type](env, n, onnx_torch_ref.attrs(n))
            for name, v in env.items():
                if isinstance(v, torch.Tensor) and v.dtype == torch.float32:
                    a = v.numpy()
                    lo[name] = min(lo.get(name, 0.0), float(a.min()))
                    hi[name] = max(hi.get(name, 0.0), float(a.max()))
    return lo, hi


def act_params(lo, hi, uint8):
    """Asymmetric 8-bit scale/zero point whose range contains [lo, hi] and 0."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    scale = np.float32(max(hi - lo, 1e-8) / 255.0)
    qmin = 0 if uint8 else -128
    zp = int(np.clip(np.round(qmin - lo / float(scale)), qmin, qmin + 255))
    return scale, zp


def quantize_weights(w, axis=0):
    """Per-channel symmetric int8 (qmin -127) along `axis`: (int8 array, float32 scales)."""
    ch = w.shape[axis]
    amax = np.abs(np.moveaxis(w, axis, 0).reshape(ch, -1)).max(axis=1)
    scale = (np.maximum(amax, 1e-8) / 127.0).astype(np.float32)
    shape = [1] * w.ndim
    shape[axis] = ch
    return np.clip(np.round(w / scale.reshape(shape)), -127, 127).astype(np.int8), scale


def quantize_bias(b, scales):
    """int32 bias at scale input_scale * weight_scale[c]."""
    return np.round(b / scales).astype(np.int32)


def write_qoperator(model, inits, lo, hi, args):
    """The same network in QOperator form; 8-bit tensors flow between ops."""
    act_np = np.uint8 if args.uint8 else np.int8
    nodes, new_inits = [], []

    def add_init(name, array):
        new_inits.append(numpy_helper.from_array(array, name))
        return name

    def act(name):
        scale, zp = act_params(lo[name], hi[name], args.uint8)
        return (add_init(name + "_scale", np.array(scale, np.float32)),
                add_init(name + "_zp", np.array(zp, act_np)), float(scale))

    graph_in = model.graph.input[0].name
    params = {graph_in: act(graph_in)}
    nodes.append(helper.make_node("QuantizeLinear", [graph_in, *params[graph_in][:2]],
                                  [graph_in + "_q"], name="input_QuantizeLinear"))
    current = {graph_in: graph_in + "_q"}  # float name -> int8 tensor name
    relu_of = {n.input[0]: n.output[0] for n in model.graph.node if n.op_type == "Relu"}
    for n in model.graph.node:
        if n.op_type in ("Constant", "Relu"):
            continue
        if n.op_type == "Pad":  # torch's zero pad before AveragePool
            current[n.output[0]], params[n.output[0]] = current[n.input[0]], params[n.input[0]]
            continue
        x = n.input[0]
        if n.op_type == "Conv":
            # The Relu is the output range: a zero point of -128 at real 0
            # clamps negatives, as ORT fuses Conv+Relu into QLinearConv.
            out = relu_of[n.output[0]]
            params[out] = act(out)
            w = inits[n.input[1]]
            ws = (np.maximum(np.abs(w.reshape(w.shape[0], -1)).max(axis=1), 1e-8) / 127.0
                  ).astype(np.float32)
            wq = np.clip(np.round(w / ws.reshape(-1, 1, 1, 1)), -127, 127).astype(np.int8)
            bq = np.round(inits[n.input[2]] / (np.float32(params[x][2]) * ws)).astype(np.int32)
            names = [add_init(n.input[1] + "_q", wq), add_init(n.input[1] + "_scale", ws),
                     add_init(n.input[1] + "_zp", np.zeros(w.shape[0], np.int8))]
            node = helper.make_node(
                "QLinearConv", [current[x], *params[x][:2], *names, *params[out][:2],
                                add_init(n.input[2] + "_q", bq)], [out + "_q"], name=n.name)
            node.attribute.extend(a for a in n.attribute)
            nodes.append(node)
            current[out] = out + "_q"
        elif n.op_type in ("MaxPool", "Flatten"):
            node = helper.make_node(n.op_type, [current[x]], [n.output[0] + "_q"], name=n.name)
            node.attribute.extend(n.attribute)
            nodes.append(node)
            current[n.output[0]], params[n.output[0]] = n.output[0] + "_q", params[x]
        elif n.op_type == "AveragePool":
            out = n.output[0]
            params[out] = act(out)
            nodes.append(helper.make_node("DequantizeLinear", [current[x], *params[x][:2]],
                                          [x + "_f"], name=n.name + "_DequantizeLinear"))
            node = helper.make_node("AveragePool", [x + "_f"], [out], name=n.name)
            node.attribute.extend(n.attribute)
            nodes.append(node)
            nodes.append(helper.make_node("QuantizeLinear", [out, *params[out][:2]], [out + "_q"],
                                          name=n.name + "_QuantizeLinear"))
            current[out] = out + "_q"
        elif n.op_type == "Gemm":
            w = inits[n.input[1]].T  # [K, N] for MatMul; per-column scales
            ws = (np.maximum(np.abs(w).max(axis=0), 1e-8) / 127.0).astype(np.float32)
            wq = np.clip(np.round(w / ws), -127, 127).astype(np.int8)
            mm = n.output[0] + "_mm"
            params[mm] = act(n.output[0])  # the logits' range, before the bias
            names = [add_init(n.input[1] + "_q", wq), add_init(n.input[1] + "_scale", ws),
                     add_init(n.input[1] + "_zp", np.zeros(w.shape[1], np.int8))]
            nodes.append(helper.make_node("QLinearMatMul", [current[x], *params[x][:2], *names,
                                                            *params[mm][:2]], [mm + "_q"],
                                          name=n.name))
            nodes.append(helper.make_node("DequantizeLinear", [mm + "_q", *params[mm][:2]],
                                          [mm + "_f"], name=n.name + "_DequantizeLinear"))
            nodes.append(helper.make_node("Add", [mm + "_f", add_init(n.input[2] + "_f",
                                                                       inits[n.input[2]])],
                                          [n.output[0]], name=n.name + "_bias"))
        else:
            raise SystemExit(f"make_qdq_digits: no QOperator form for {n.op_type}")
    graph = helper.make_graph(nodes, "digits_cnn_qoperator", [model.graph.input[0]],
                              [model.graph.output[0]], new_inits)
    qmodel = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                               producer_name="kiln scripts/models/make_qdq_digits.py")
    qmodel.ir_version = 7
    onnx.checker.check_model(qmodel)
    onnx.save(qmodel, args.output)
    print(f"wrote {args.output}: QOperator ({'uint8' if args.uint8 else 'int8'}), "
          f"{sum(1 for n in nodes if n.op_type == 'QLinearConv')} QLinearConv, "
          f"{sum(1 for n in nodes if n.op_type == 'QLinearMatMul')} QLinearMatMul, "
          f"calibrated on {args.calib} samples")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("output")
    ap.add_argument("--model", default=os.path.join(
        os.path.dirname(__file__), "..", "..", "models", "digits_cnn.onnx"))
    ap.add_argument("--calib", type=int, default=256)
    ap.add_argument("--uint8", action="store_true")
    ap.add_argument("--qoperator", action="store_true")
    args = ap.parse_args()

    model = onnx.load(args.model)
    inits = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    lo, hi = activation_ranges(model, calibration_inputs(args.calib))
    act_type = TensorProto.UINT8 if args.uint8 else TensorProto.INT8
    act_np = np.uint8 if args.uint8 else np.int8

    if args.qoperator:
        return write_qoperator(model, inits, lo, hi, args)
    nodes, new_inits = [], []
    qparams = {}  # float tensor name -> (scale name, zp name, scale)

    def add_init(name, array):
        new_inits.append(numpy_helper.from_array(array, name))
        return name

    def qdq(name, params_of=None):
        """Q/DQ of activation `name`; returns the dequantised name."""
        src = params_of or name
        if src not in qparams:
            scale, zp = act_params(lo[src], hi[src], args.uint8)
            qparams[src] = (add_init(src + "_scale", np.array(scale, np.float32)),
                            add_init(src + "_zp", np.array(zp, act_np)), float(scale))
        s, z, _ = qparams[src]
        nodes.append(helper.make_node("QuantizeLinear", [name, s, z], [name + "_q"],
                                      name=name + "_QuantizeLinear"))
        nodes.append(helper.make_node("DequantizeLinear", [name + "_q", s, z], [name + "_dq"],
                                      name=name + "_DequantizeLinear"))
        qparams[name] = qparams[src]
        return name + "_dq"

    def weights(name, in_scale, axis=0):
        """Per-channel symmetric int8 weights and their int32 bias scales."""
        w = inits[name]
        ch = w.shape[axis]
        q, scale = quantize_weights(w, axis)
        add_init(name + "_q", q)
        add_init(name + "_scale", scale)
        add_init(name + "_zp", np.zeros(ch, np.int8))
        nodes.append(helper.make_node("DequantizeLinear", [name + "_q", name + "_scale", name + "_zp"],
                                      [name + "_dq"], axis=axis, name=name + "_DequantizeLinear"))
        return name + "_dq", (np.float32(in_scale) * scale).astype(np.float32)

    def bias(name, scales):
        q = quantize_bias(inits[name], scales)
        add_init(name + "_q", q)
        add_init(name + "_scale", scales)
        nodes.append(helper.make_node("DequantizeLinear", [name + "_q", name + "_scale"],
                                      [name + "_dq"], axis=0, name=name + "_DequantizeLinear"))
        return name + "_dq"

    current = {model.graph.input[0].name: qdq(model.graph.input[0].name)}
    skip_relu_input = set()
    for n in model.graph.node:
        if n.op_type in ("Constant", "Pad"):
            # torch's zero Pad before AveragePool: pass the data through.
            if n.op_type == "Pad":
                current[n.output[0]] = current[n.input[0]]
                qparams[n.output[0]] = qparams[n.input[0]]
            continue
        ins = list(n.input)
        if n.op_type in ("Conv", "Gemm"):
            x = current[ins[0]]
            in_scale = qparams[ins[0]][2]
            w, bscales = weights(ins[1], in_scale, axis=0)
            b = bias(ins[2], bscales)
            node = helper.make_node(n.op_type, [x, w, b], [n.output[0]], name=n.name)
            node.attribute.extend(n.attribute)
            nodes.append(node)
            if n.op_type == "Gemm":
                current[n.output[0]] = qdq(n.output[0])
            else:
                skip_relu_input.add(n.output[0])  # quantised after its Relu
            continue
        node = helper.make_node(n.op_type, [current.get(i, i) for i in ins], [n.output[0]],
                                name=n.name)
        node.attribute.extend(n.attribute)
        nodes.append(node)
        keeps = n.op_type in ("MaxPool", "Flatten")
        current[n.output[0]] = qdq(n.output[0], params_of=ins[0] if keeps else None)

    out_name = model.graph.output[0].name
    final = helper.make_node("Identity", [current[out_name]], [out_name + "_out"], name="logits_out")
    nodes.append(final)
    output = helper.make_tensor_value_info(out_name + "_out", TensorProto.FLOAT,
                                           [d.dim_value for d in
                                            model.graph.output[0].type.tensor_type.shape.dim])
    output.name = out_name
    final.output[0] = out_name
    # The float Gemm output keeps its name internally under a new one.
    for node in nodes:
        for i, o in enumerate(node.output):
            if o == out_name and node is not final:
                node.output[i] = out_name + "_float"
        for i, v in enumerate(node.input):
            if v == out_name:
                node.input[i] = out_name + "_float"
    graph = helper.make_graph(nodes, "digits_cnn_qdq", [model.graph.input[0]], [output],
                              new_inits)
    qmodel = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                               producer_name="kiln scripts/models/make_qdq_digits.py")
    qmodel.ir_version = 7
    onnx.checker.check_model(qmodel)
    onnx.save(qmodel, args.output)
    print(f"wrote {args.output}: {sum(1 for n in nodes if n.op_type == 'QuantizeLinear')} "
          f"activation QDQ pairs, {len(new_inits)} initializers, "
          f"{'uint8' if args.uint8 else 'int8'} activations, calibrated on {args.calib} samples")


if __name__ == "__main__":
    main()
