"""Numerical safety net of the -O pipelines: -O0 and -O3 agree with each other
and with torch on real models, evaluated by kiln-eval (the host reference
evaluator over the runtime's C kernels).

Tolerance: rtol 1e-3 and atol 1e-5 scaled by the largest |reference| value
(at least 1), because deep random-weight networks produce logits in the tens
to hundreds, where an absolute 1e-5 is below fp32 resolution.
"""
import argparse
import os
import subprocess
import sys

import numpy as np

RTOL, ATOL = 1e-3, 1e-5
TORCHVISION = ["mobilenet_v2", "resnet18", "squeezenet1_1",
               "transformer_layer", "ds_cnn_kws", "resnet8"]
DIGIT_SAMPLES = 20


def evaluate(kiln_eval, model, level, inputs, out):
    cmd = [kiln_eval, model, f"-O{level}", "-o", out]
    for i in inputs:
        cmd += ["--input", i]
    subprocess.run(cmd, check=True)
    return np.load(out)


def close(a, b):
    atol = ATOL * max(1.0, float(np.abs(b).max()))
    return np.allclose(a, b, rtol=RTOL, atol=atol), float(np.abs(a - b).max())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kiln-eval", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    failures = []

    # The digits CNN twice: BN folded by torch's exporter, and BN kept so that
    # Kiln's own kiln-fold-batch-norm does it. All four must agree.
    digits = np.load(os.path.join(args.src, "models", "digits_test.npz"))
    correct = 0
    for n in range(DIGIT_SAMPLES):
        x = os.path.join(args.work, f"digit{n}.npy")
        np.save(x, digits["x"][n:n + 1])
        outs = {}
        for model in ["digits_cnn", "digits_cnn_bn"]:
            for level in (0, 3):
                path = os.path.join(args.src, "models", model + ".onnx")
                outs[(model, level)] = evaluate(
                    args.kiln_eval, path, level, [x],
                    os.path.join(args.work, f"{model}_O{level}_{n}.npy"))
        ref = outs[("digits_cnn", 0)]
        for key, out in outs.items():
            ok, err = close(out, ref)
            if not ok:
                failures.append(f"digits sample {n}: {key} differs by {err}")
        correct += int(np.argmax(outs[("digits_cnn_bn", 3)]) == digits["y"][n])
    print(f"digits: {correct}/{DIGIT_SAMPLES} correct at -O3")
    if correct < DIGIT_SAMPLES - 2:
        failures.append(f"digits accuracy {correct}/{DIGIT_SAMPLES}")

    models = os.path.join(args.work, "models")
    subprocess.run([sys.executable,
                    os.path.join(args.src, "scripts/models/export_torchvision.py"),
                    "--size", "64", "--out", models, "--models", ",".join(TORCHVISION)],
                   check=True, stdout=subprocess.DEVNULL)
    for name in TORCHVISION:
        d = os.path.join(models, name)
        torch_out = np.load(os.path.join(d, "output_0.npy"))
        o0 = evaluate(args.kiln_eval, os.path.join(d, "model.onnx"), 0,
                      [os.path.join(d, "input_0.npy")], os.path.join(d, "O0.npy"))
        o3 = evaluate(args.kiln_eval, os.path.join(d, "model.onnx"), 3,
                      [os.path.join(d, "input_0.npy")], os.path.join(d, "O3.npy"))
        for label, a, b in [("O0 vs torch", o0, torch_out),
                            ("O3 vs torch", o3, torch_out), ("O3 vs O0", o3, o0)]:
            ok, err = close(a, b)
            print(f"{name:18s} {label:12s} max abs diff {err:.3g} "
                  f"(|ref| max {np.abs(b).max():.3g}) {'ok' if ok else 'FAIL'}")
            if not ok:
                failures.append(f"{name}: {label} differs by {err}")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
