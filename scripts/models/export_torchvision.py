#!/usr/bin/env python3
"""Export torchvision classifiers and MCU-class models to ONNX with reference data.

Run with Debian's interpreter (the python3 first on PATH lacks torch):

    /usr/bin/python3 scripts/models/export_torchvision.py --out build/models   # all, 224
    /usr/bin/python3 scripts/models/export_torchvision.py --out DIR --size 96 --models tiny,resnet18
    /usr/bin/python3 scripts/models/export_torchvision.py --out DIR --size 96 \\
        --models mobilenet_v2,resnet50:64         # NAME:SIZE overrides --size for one model

--size (default 224) applies to the torchvision models only; the tiny models have
fixed inputs. Every torchvision model here works at any size >= 64. The full set
exports in about 50 s at 224 and 25 s at 96 on 2 cores; output is byte-identical
from run to run.

For every model NAME it writes

    DIR/NAME/model.onnx                      opset --opset (13), static batch 1,
                                             input "input", output "output"
    DIR/NAME/input_0.npy, output_0.npy       seeded random input and torch's output
    DIR/NAME/test_data_set_0/input_0.pb      the same as ONNX TensorProto, laid out
    DIR/NAME/test_data_set_0/output_0.pb     like the ONNX backend test data
    DIR/NAME/meta.json                       shapes, params, ops, timings
    DIR/manifest.json                        all of the above, one entry per model

Weights are random (torch.manual_seed(0) before each model is built; torchvision
`weights=None`). BatchNorm running statistics are then re-estimated on a few seeded
random batches (--no-calibrate-bn turns this off), so activations keep a realistic
scale instead of growing through deep residual stacks as they do with the default
mean 0 / var 1 statistics. Input: standard normal, seed 1 (numpy default_rng).

By default torch's eval-mode export folds each BatchNorm into its Conv; --keep-bn
keeps BatchNormalization nodes (torch TrainingMode.PRESERVE on an eval-mode model).
Constant folding is on; torch 1.13 still leaves a few dynamic-shape subgraphs
(Shape -> Gather -> Unsqueeze -> Concat -> Reshape), which Kiln's importer folds.

Every model is checked with onnx.checker.check_model (full check) and
onnx.shape_inference.infer_shapes(strict_mode, data_prop); the script prints a table
and the union of op types over all exported models, and exits non-zero on failure.
"""
import argparse
import json
import os
import sys
import time
import warnings

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mcu_models  # noqa: E402

TORCHVISION_MODELS = [
    "mobilenet_v2", "mobilenet_v3_small", "mobilenet_v3_large", "resnet18", "resnet50",
    "squeezenet1_1", "shufflenet_v2_x0_5", "mnasnet0_5", "efficientnet_b0",
]
TINY_MODELS = list(mcu_models.TINY_MODELS)
# torchvision architectures at widths and class counts that fit a Cortex-M's
# 4 MB of flash (mps2-an386): constructor keyword arguments per name.
MCU_TORCHVISION_MODELS = {
    "mobilenet_v2_035_c10": ("mobilenet_v2", {"width_mult": 0.35, "num_classes": 10}),
}
# The side-by-side benchmark against ONNX Runtime (bench/ort/compare.py): the
# torchvision set at full width plus the MCU-class models.
BENCH_TORCHVISION_MODELS = [
    "mobilenet_v2", "mobilenet_v3_small", "resnet18", "squeezenet1_1",
    "shufflenet_v2_x1_0", "efficientnet_b0",
]
GROUPS = {
    "all": TORCHVISION_MODELS + TINY_MODELS,
    "bench": BENCH_TORCHVISION_MODELS + ["ds_cnn_kws", "resnet8", "dense_autoencoder"],
    "torchvision": TORCHVISION_MODELS,
    "tiny": TINY_MODELS,
    "mcu-torchvision": list(MCU_TORCHVISION_MODELS),
}
DEFAULT_SIZE = 224       # ImageNet size; any size >= 64 works for every model here
MODEL_SEED = 0
INPUT_SEED = 1


def build(name, size):
    """Return (model, input_shape)."""
    torch.manual_seed(MODEL_SEED)
    if name in mcu_models.TINY_MODELS:
        ctor, shape = mcu_models.TINY_MODELS[name]
        return ctor(), tuple(shape)
    import torchvision.models as tvm
    arch, kwargs = MCU_TORCHVISION_MODELS.get(name, (name, {}))
    return getattr(tvm, arch)(weights=None, **kwargs), (1, 3, size, size)


def calibrate_bn(model, shape, batches=2, batch_size=8):
    """Re-estimate BatchNorm running stats on seeded N(0,1) batches (cumulative mean)."""
    bns = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    if not bns:
        return
    saved = [m.momentum for m in bns]
    for m in bns:
        m.reset_running_stats()
        m.momentum = None
    gen = torch.Generator().manual_seed(MODEL_SEED + 1)
    model.train()
    with torch.no_grad():
        for _ in range(batches):
            model(torch.randn((batch_size,) + tuple(shape[1:]), generator=gen))
    for m, mom in zip(bns, saved):
        m.momentum = mom
    model.eval()


def write_pb(path, arr, name):
    from onnx import numpy_helper
    with open(path, "wb") as f:
        f.write(numpy_helper.from_array(arr, name).SerializeToString())


def export_one(name, size, out_dir, opset, keep_bn, calibrate):
    import onnx
    t0 = time.time()
    model, shape = build(name, size)
    model.eval()
    if calibrate:
        calibrate_bn(model, shape)
    x = np.random.default_rng(INPUT_SEED).standard_normal(shape).astype(np.float32)
    xt = torch.from_numpy(x)
    with torch.no_grad():
        y = model(xt).numpy()
    t_build = time.time() - t0

    d = os.path.join(out_dir, name)
    os.makedirs(os.path.join(d, "test_data_set_0"), exist_ok=True)
    path = os.path.join(d, "model.onnx")
    mode = torch.onnx.TrainingMode.PRESERVE if keep_bn else torch.onnx.TrainingMode.EVAL
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, xt, path, opset_version=opset,
                          input_names=["input"], output_names=["output"],
                          do_constant_folding=True, training=mode)
    t_export = time.time() - t0 - t_build

    m = onnx.load(path)
    m.doc_string = (f"Kiln test model {name}: random weights (torch seed {MODEL_SEED}), "
                    f"input {list(shape)} float32")
    onnx.save(m, path)
    onnx.checker.check_model(m, full_check=True)
    inferred = onnx.shape_inference.infer_shapes(m, strict_mode=True, data_prop=True)
    out_vi = inferred.graph.output[0].type.tensor_type.shape
    out_shape = [dd.dim_value if dd.HasField("dim_value") else dd.dim_param
                 for dd in out_vi.dim]
    if out_shape != list(y.shape):
        raise RuntimeError(f"{name}: inferred output shape {out_shape} != torch {y.shape}")
    # intermediate values whose shape inference left a dimension unknown
    unknown = 0
    for vi in inferred.graph.value_info:
        tt = vi.type.tensor_type
        if not tt.HasField("shape") or any(not dd.HasField("dim_value")
                                           for dd in tt.shape.dim):
            unknown += 1
    t_check = time.time() - t0 - t_build - t_export

    np.save(os.path.join(d, "input_0.npy"), x)
    np.save(os.path.join(d, "output_0.npy"), y)
    write_pb(os.path.join(d, "test_data_set_0", "input_0.pb"), x, m.graph.input[0].name)
    write_pb(os.path.join(d, "test_data_set_0", "output_0.pb"), y, m.graph.output[0].name)

    ops = sorted({n.op_type for n in m.graph.node})
    meta = {
        "name": name,
        "input_name": m.graph.input[0].name, "input_shape": list(shape),
        "output_name": m.graph.output[0].name, "output_shape": list(y.shape),
        "opset": opset, "keep_bn": keep_bn, "bn_calibrated": calibrate,
        "params": int(sum(p.numel() for p in model.parameters())),
        "onnx_bytes": os.path.getsize(path), "nodes": len(m.graph.node),
        "op_types": ops,
        "shape_ops": sum(n.op_type == "Shape" for n in m.graph.node),
        "unknown_shape_values": unknown,
        "output_abs_max": float(np.abs(y).max()), "output_std": float(y.std()),
        "seconds": {"build": round(t_build, 2), "export": round(t_export, 2),
                    "check": round(t_check, 2), "total": round(time.time() - t0, 2)},
    }
    with open(os.path.join(d, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    return meta


def parse_models(spec, default_size):
    out = []
    for item in spec.split(","):
        item = item.strip()
        if not item:
            continue
        name, _, sz = item.partition(":")
        size = int(sz) if sz else default_size
        names = GROUPS.get(name, [name])
        for n in names:
            if n not in (TORCHVISION_MODELS + TINY_MODELS + GROUPS["mcu-torchvision"]
                         + BENCH_TORCHVISION_MODELS):
                known = list(GROUPS) + GROUPS["all"] + GROUPS["mcu-torchvision"]
                raise SystemExit(f"unknown model {n!r}; known: {', '.join(known)}")
            out = [(o, s) for o, s in out if o != n] + [(n, size)]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--models", default="all",
                    help="comma list of names or groups (all, torchvision, tiny); "
                         "NAME:SIZE sets one torchvision model's input size")
    ap.add_argument("--size", type=int, default=DEFAULT_SIZE,
                    help=f"input H=W for torchvision models (default {DEFAULT_SIZE}; "
                         "use 96 or 64 for fast tests; >= 64 works for all of them)")
    ap.add_argument("--opset", type=int, default=13)
    ap.add_argument("--keep-bn", action="store_true",
                    help="keep BatchNormalization nodes instead of folding them into Conv")
    ap.add_argument("--no-calibrate-bn", action="store_true",
                    help="keep default BN statistics (mean 0, var 1)")
    ap.add_argument("--threads", type=int, default=0,
                    help="torch intra-op threads (0: torch's default)")
    args = ap.parse_args()

    if args.threads:
        torch.set_num_threads(args.threads)
    models = parse_models(args.models, args.size)
    os.makedirs(args.out, exist_ok=True)

    t_all = time.time()
    metas, failed = [], []
    for name, size in models:
        try:
            meta = export_one(name, size, args.out, args.opset, args.keep_bn,
                              not args.no_calibrate_bn)
            metas.append(meta)
            print(f"[{len(metas) + len(failed):2d}/{len(models)}] {name:20s} "
                  f"{meta['seconds']['total']:6.2f}s", file=sys.stderr, flush=True)
        except Exception as e:  # report and go on with the others
            failed.append((name, f"{type(e).__name__}: {e}"))
            print(f"FAILED {name}: {type(e).__name__}: {e}", file=sys.stderr, flush=True)
    total = time.time() - t_all

    hdr = (f"{'name':20s} {'input':16s} {'params':>10s} {'size':>9s} {'opset':>5s} "
           f"{'nodes':>5s} {'shape':>5s} {'secs':>6s}  ops")
    print(hdr)
    print("-" * len(hdr))
    for mt in metas:
        shape = "x".join(str(s) for s in mt["input_shape"])
        print(f"{mt['name']:20s} {shape:16s} {mt['params']:>10,d} "
              f"{mt['onnx_bytes'] / 1024:>7.0f}KB {mt['opset']:>5d} {mt['nodes']:>5d} "
              f"{mt['shape_ops']:>5d} {mt['seconds']['total']:>6.2f}  "
              f"{' '.join(mt['op_types'])}")
    union = sorted(set().union(*[set(mt["op_types"]) for mt in metas])) if metas else []
    print(f"\nunion of op types ({len(union)}): {', '.join(union)}")
    print(f"exported {len(metas)}/{len(models)} models in {total:.1f}s")
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump({"models": metas, "op_types_union": union,
                   "failed": [{"name": n, "error": e} for n, e in failed],
                   "seconds": round(total, 2)}, f, indent=1)
    for n, e in failed:
        print(f"FAILED {n}: {e}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
