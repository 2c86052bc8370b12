"""Op count and planned arena size at -O0 vs -O3 for exported models: the table
of docs/optimisation-report.md.

    /usr/bin/python3 test/passes/pipelines/Inputs/opt_report.py \
        --kiln-opt build/bin/kiln-opt --kiln-translate build/bin/kiln-translate \
        --models DIR   # from scripts/models/export_torchvision.py --out DIR

Ops are the kiln ops that run (every op but kiln.constant); the arena is
`kiln.arena_size` after kiln-plan-memory with 16-byte alignment.
"""
import argparse
import os
import re
import subprocess


def run(kiln_opt, mlir, level):
    pipeline = f"builtin.module(kiln-O{level},func.func(kiln-plan-memory))"
    out = subprocess.run([kiln_opt, mlir, f"--pass-pipeline={pipeline}"],
                         check=True, capture_output=True, text=True).stdout
    ops = [m for m in re.findall(r"= (kiln\.[a-z_0-9]+)", out) if m != "kiln.constant"]
    arena = int(re.search(r"kiln\.arena_size = (\d+)", out).group(1))
    return len(ops), arena


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kiln-opt", required=True)
    ap.add_argument("--kiln-translate", required=True)
    ap.add_argument("--models", required=True)
    args = ap.parse_args()
    print("| model | ops -O0 | ops -O3 | arena -O0 (bytes) | arena -O3 (bytes) | arena change |")
    print("|---|---:|---:|---:|---:|---:|")
    for name in sorted(os.listdir(args.models)):
        onnx = os.path.join(args.models, name, "model.onnx")
        if not os.path.exists(onnx):
            continue
        mlir = os.path.join(args.models, name, "model.mlir")
        subprocess.run([args.kiln_translate, "--import-onnx", onnx, "-o", mlir], check=True)
        o0, a0 = run(args.kiln_opt, mlir, 0)
        o3, a3 = run(args.kiln_opt, mlir, 3)
        print(f"| {name} | {o0} | {o3} | {a0:,} | {a3:,} | {100.0 * (a3 - a0) / a0:+.1f} % |")


if __name__ == "__main__":
    main()
