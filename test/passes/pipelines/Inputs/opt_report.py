"""Op count and planned arena size at -O0 vs -O3 for exported models: the table
of docs/optimisation-report.md.

    /usr/bin/python3 test/passes/pipelines/Inputs/opt_report.py \
        --kiln-opt build/bin/kiln-opt --kiln-translate build/bin/kiln-translate \
        --models DIR   # from scripts/models/export_torchvision.py --out DIR

Ops are the kiln ops that run: every op of the function body but
kiln.constant, so a kiln.fused_elementwise counts once and the ops of its body
not at all. "fused" is the number of kiln.fused_elementwise at -O3 and the ops
their bodies absorbed. The arena is `kiln.arena_size` after kiln-plan-memory
with 16-byte alignment. The NHWC columns run -O3 with layout=nhwc (the
Cortex-M targets' default): ops, arena, and the kiln.transpose left over.
"""
import argparse
import os
import re
import subprocess


def run(kiln_opt, mlir, level, layout="nchw"):
    pipeline = (f"builtin.module(kiln-O{level}{{layout={layout}}},"
                "func.func(kiln-plan-memory))")
    out = subprocess.run([kiln_opt, mlir, f"--pass-pipeline={pipeline}"],
                         check=True, capture_output=True, text=True).stdout
    # Function-body ops are indented four spaces; fused bodies nest deeper.
    ops = [m for m in re.findall(r"^    %\S+ = (kiln\.[a-z_0-9]+)", out, re.M)
           if m != "kiln.constant"]
    inner = [m for m in re.findall(r"^      %\S+ = (kiln\.[a-z_0-9]+)", out, re.M)
             if m != "kiln.constant"]
    arena = int(re.search(r"kiln\.arena_size = (\d+)", out).group(1))
    return (len(ops), arena, ops.count("kiln.fused_elementwise"), len(inner),
            ops.count("kiln.transpose"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kiln-opt", required=True)
    ap.add_argument("--kiln-translate", required=True)
    ap.add_argument("--models", required=True)
    args = ap.parse_args()
    print("| model | ops -O0 | ops -O3 | fused (ops absorbed) | arena -O0 (bytes) "
          "| arena -O3 (bytes) | arena change | ops -O3 NHWC | arena -O3 NHWC "
          "| transposes NHWC |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name in sorted(os.listdir(args.models)):
        onnx = os.path.join(args.models, name, "model.onnx")
        if not os.path.exists(onnx):
            continue
        mlir = os.path.join(args.models, name, "model.mlir")
        subprocess.run([args.kiln_translate, "--import-onnx", onnx, "-o", mlir], check=True)
        o0, a0, _, _, _ = run(args.kiln_opt, mlir, 0)
        o3, a3, fused, absorbed, _ = run(args.kiln_opt, mlir, 3)
        on, an, _, _, tn = run(args.kiln_opt, mlir, 3, "nhwc")
        print(f"| {name} | {o0} | {o3} | {fused} ({absorbed}) | {a0:,} | {a3:,} "
              f"| {100.0 * (a3 - a0) / a0:+.1f} % | {on} | {an:,} | {tn} |",
              flush=True)


if __name__ == "__main__":
    main()
