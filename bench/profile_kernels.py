#!/usr/bin/env python3
"""Where a model's time goes: perf samples per runtime kernel of a `kiln bench` program.

    /usr/bin/python3 bench/profile_kernels.py MODEL.onnx [--runs N] [--top K] [-- COMPILE FLAGS]
    /usr/bin/python3 bench/profile_kernels.py --program BUILD/.../NAME-bench --io BUILD/.../io

Builds the bench program with `kiln bench --build-dir` (or takes one that
`kiln bench` or bench/ort/compare.py kept), runs its warm loop under
`perf record`, and prints each symbol's share of the model's samples; the
harness's own peak measurement (kiln_bench_measure_peak and the FMA loop) is
left out of the total. Needs perf (Debian linux-perf) and permission to
sample (perf_event_paranoid <= 2, or root).
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HARNESS = ("kiln_bench_measure_peak", "fma_chains", "time_add_chain", "time_fma")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", nargs="?")
    ap.add_argument("--program")
    ap.add_argument("--io")
    ap.add_argument("--kiln", default=os.path.join(ROOT, "build", "bin", "kiln"))
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("compile_flags", nargs="*")
    args = ap.parse_args()
    if not args.program:
        if not args.model:
            sys.exit("profile_kernels.py: give MODEL or --program/--io")
        build = tempfile.mkdtemp(prefix="kiln-profile-")
        cmd = [args.kiln, "bench", args.model, "--runs", "1", "--min-seconds", "0",
               "--cold-runs", "1", "--build-dir", build]
        for f in args.compile_flags:
            cmd += ["-Xcompile", f]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        args.program = glob.glob(os.path.join(build, "*", "*", "*-bench"))[0]
        args.io = os.path.join(os.path.dirname(os.path.dirname(args.program)), "io")
    data = tempfile.mktemp(suffix=".perf")
    subprocess.run(["perf", "record", "-q", "-o", data, args.program, args.io, "warm",
                    "3", str(args.runs), "0"], check=True, stdout=subprocess.DEVNULL)
    rep = subprocess.run(["perf", "report", "-i", data, "--no-children", "--stdio",
                          "--sort", "symbol"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    os.unlink(data)
    rows = []
    for line in rep.splitlines():
        m = re.match(r"\s*([0-9.]+)%\s+\[[.k]\]\s+(\S+)", line)
        if m:
            rows.append((float(m.group(1)), m.group(2)))
    rows.sort(reverse=True)
    model = [(p, s) for p, s in rows if s not in HARNESS]
    total = sum(p for p, _ in model) or 1.0
    print(f"{'share':>7}  symbol   ({os.path.basename(args.program)}, {args.runs} runs)")
    for p, s in model[:args.top]:
        print(f"{100 * p / total:6.1f}%  {s}")


if __name__ == "__main__":
    main()
