#!/usr/bin/env python3
"""Side-by-side benchmark of Kiln and ONNX Runtime (CPU, 1 thread), interleaved in one run.

    /usr/bin/python3 bench/ort/compare.py                      # the 'bench' model set
    /usr/bin/python3 bench/ort/compare.py --models resnet18,resnet8 --rounds 5
    /usr/bin/python3 bench/ort/compare.py --model q.onnx \\
        --kiln-arg=--some-int8-flag                             # extra (e.g. QDQ) models

Per model it
  1. compiles the model once with `kiln compile` (-O3; --kiln-arg adds flags);
  2. runs --rounds rounds; each round runs `kiln bench` on the compiled library
     and `ort_bench.js` (ONNX Runtime through onnxruntime-node's native binding:
     intra_op_num_threads=1, inter_op_num_threads=1, ORT_ENABLE_ALL, sequential),
     alternating which goes first, each for >= --min-seconds and >= --runs
     inferences after --warmup, on the same input (the export's input_0.npy);
  3. pools the per-inference latencies of all rounds per runtime and reports
     p50/p90/p99, the ratio kiln/ORT of p50, and the geometric mean over models;
  4. cold start: Kiln = process start -> first output (median of the fresh
     processes `kiln bench` starts); ORT = session creation + first run inside a
     node process that has already loaded the library (median over rounds);
  5. checks that the outputs agree: max|kiln - ort| <= atol + rtol * max|ort|
     (rtol 1e-3, atol 1e-5, the project's fp32 tolerance), and reports the same
     against torch's output_0.npy where the export has one.

Models come from scripts/models/export_torchvision.py --models bench (exported
into --models-dir on first use, seeded, so every run sees the same weights and
inputs). ONNX Runtime comes from bench/ort/install.sh (npm, into a cache dir).
int8: --model adds any .onnx (e.g. a QDQ export) that both runtimes then run as
it is, and --kiln-arg passes Kiln's quantisation flags to `kiln compile`.

Writes --json (every number) and --markdown (the table) when asked. Not part of
ctest: it downloads ONNX Runtime and runs for minutes.
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CACHE = os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "kiln")
BENCH_MODELS = ["mobilenet_v2", "mobilenet_v3_small", "resnet18", "squeezenet1_1",
                "shufflenet_v2_x1_0", "efficientnet_b0", "ds_cnn_kws", "resnet8",
                "dense_autoencoder"]
RTOL, ATOL = 1e-3, 1e-5
NP_TO_ORT = {"float32": "float32", "int64": "int64", "int32": "int32", "int8": "int8",
             "uint8": "uint8", "bool": "bool"}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def run(cmd, **kw):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed (exit {p.returncode}):\n{p.stderr[-4000:]}")
    return p.stdout


def percentile(sorted_values, p):
    """Nearest rank, as kiln bench computes it."""
    rank = math.ceil(p / 100.0 * len(sorted_values))
    return sorted_values[min(len(sorted_values) - 1, max(rank, 1) - 1)]


def stats(samples):
    s = sorted(samples)
    return {"n": len(s), "min": s[0], "p50": percentile(s, 50), "p90": percentile(s, 90),
            "p99": percentile(s, 99), "max": s[-1]}


def agree(got, want):
    got, want = got.astype(np.float64).ravel(), want.astype(np.float64).ravel()
    if got.shape != want.shape:
        return False, float("inf")
    diff = float(np.max(np.abs(got - want))) if got.size else 0.0
    return diff <= ATOL + RTOL * float(np.max(np.abs(want))), diff


def model_inputs(model_path, work):
    """The export's input_0.npy beside the model, else seeded standard normal
    inputs of the graph's input shapes; returns [(name, npy_path, array)]."""
    import onnx
    m = onnx.load(model_path, load_external_data=False)
    inits = {i.name for i in m.graph.initializer}
    graph_inputs = [i for i in m.graph.input if i.name not in inits]
    rng = np.random.default_rng(1)
    out = []
    for k, gi in enumerate(graph_inputs):
        beside = os.path.join(os.path.dirname(model_path), f"input_{k}.npy")
        if os.path.exists(beside):
            arr = np.load(beside)
        else:
            tt = gi.type.tensor_type
            shape = [d.dim_value for d in tt.shape.dim]
            dtype = onnx.helper.tensor_dtype_to_np_dtype(tt.elem_type)
            arr = (rng.standard_normal(shape).astype(dtype) if dtype.kind == "f"
                   else np.zeros(shape, dtype))
        path = os.path.join(work, f"input_{k}.npy")
        np.save(path, arr)
        out.append((gi.name, path, arr))
    return out


def kiln_round(args, lib, inputs, work, first):
    samples = os.path.join(work, "kiln_samples.txt")
    cmd = [args.kiln, "bench", lib, "--runs", str(args.runs), "--min-seconds",
           str(args.min_seconds), "--warmup", str(args.warmup), "--cold-runs",
           str(args.cold_runs), "--json", "--samples-out", samples,
           "--build-dir", os.path.join(work, "kiln-build")]
    for name, path, _ in inputs:
        cmd += ["--input", f"{name}={path}"]
    if first:
        cmd += ["--save-outputs", os.path.join(work, "kiln-out")]
    r = json.loads(run(args.taskset + cmd))
    with open(samples) as f:
        r["samples_us"] = [float(x) for x in f]
    return r


def ort_round(args, model, inputs, work, first):
    job = {"model": model, "warmup": args.warmup, "runs": args.runs,
           "min_seconds": args.min_seconds,
           "output_dir": os.path.join(work, "ort-out") if first else None, "inputs": []}
    for k, (name, _, arr) in enumerate(inputs):
        raw = os.path.join(work, f"ort_in{k}.bin")
        np.ascontiguousarray(arr).tofile(raw)
        job["inputs"].append({"name": name, "file": raw, "dims": list(arr.shape),
                              "type": NP_TO_ORT[str(arr.dtype)]})
    job_file = os.path.join(work, "ort_job.json")
    with open(job_file, "w") as f:
        json.dump(job, f)
    return json.loads(run(args.taskset + ["node", os.path.join(HERE, "ort_bench.js"),
                                          args.ort, job_file]))


def identity_model(path):
    """A one-element Identity: what ORT's node binding costs per call."""
    import onnx
    from onnx import TensorProto, helper
    g = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "floor",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])])
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), path)


def bench_model(args, label, model, work):
    os.makedirs(work, exist_ok=True)
    load_before = os.getloadavg()[0]
    inputs = model_inputs(model, work)
    lib = os.path.join(work, "lib")
    t = time.time()
    run([args.kiln, "compile", model, "-o", lib, "--name", "model", "-O3"] +
        args.kiln_arg)
    compile_s = time.time() - t
    kiln_rounds, ort_rounds = [], []
    for r in range(args.rounds):
        order = ["kiln", "ort"] if r % 2 == 0 else ["ort", "kiln"]
        for side in order:
            if side == "kiln":
                kiln_rounds.append(kiln_round(args, lib, inputs, work, r == 0))
            else:
                ort_rounds.append(ort_round(args, model, inputs, work, r == 0))
    ks = stats([s for k in kiln_rounds for s in k["samples_us"]])
    os_ = stats([s for o in ort_rounds for s in o["samples_us"]])
    k0 = kiln_rounds[0]
    res = {"model": label, "path": model, "compile_s": compile_s,
           "macs": k0.get("macs"), "kiln": ks, "ort": os_,
           "ratio_p50": ks["p50"] / os_["p50"],
           "ratio_min": ks["min"] / os_["min"],
           "load_avg": [load_before, os.getloadavg()[0]],
           "kiln_peak_percent": statistics.median(
               [k["peak"]["percent"] for k in kiln_rounds if "peak" in k] or [float("nan")]),
           "peak_gmacs": k0.get("peak", {}).get("macs_per_s", float("nan")) / 1e9,
           "kiln_cold_first_output_us": statistics.median(
               [v for k in kiln_rounds for v in k["cold_start"]["first_output_us_all"]]),
           "kiln_cold_first_inference_us": statistics.median(
               [v for k in kiln_rounds for v in k["cold_start"]["first_inference_us_all"]]),
           "ort_session_create_us": statistics.median(o["session_create_us"] for o in ort_rounds),
           "ort_first_run_us": statistics.median(o["first_run_us"] for o in ort_rounds),
           "ort_cold_us": statistics.median(o["cold_us"] for o in ort_rounds),
           "kiln_drift": [k.get("drift", {}).get("ratio") for k in kiln_rounds],
           "ort_version": ort_rounds[0]["ort_version"]}
    peak = k0.get("peak", {}).get("macs_per_s")
    res["kiln_peak_percent_at_min"] = (100.0 * res["macs"] / (ks["min"] / 1e6) / peak
                                       if peak and res["macs"] else float("nan"))
    res["cold_ratio"] = res["ort_cold_us"] / res["kiln_cold_first_output_us"]
    # Outputs of round 0: Kiln's first cold run and ORT's last warm run.
    ok = True
    diffs = []
    torch_diffs = []
    for j, o in enumerate(ort_rounds[0]["outputs"]):
        want = np.fromfile(o["file"], dtype=np.dtype(o["type"] if o["type"] != "bool" else "u1"))
        got = np.load(os.path.join(work, "kiln-out", f"output_{j}.npy"))
        good, diff = agree(got, want)
        ok &= good
        diffs.append(diff)
        ref = os.path.join(os.path.dirname(model), f"output_{j}.npy")
        if os.path.exists(ref):
            torch_diffs.append(agree(got, np.load(ref))[1])
    res["outputs_agree"] = ok
    res["max_abs_diff_vs_ort"] = max(diffs) if diffs else 0.0
    res["max_abs_diff_vs_torch"] = max(torch_diffs) if torch_diffs else None
    return res


def fmt_ms(us):
    return f"{us / 1000:.3f}" if us < 10000 else f"{us / 1000:.2f}"


def table(results, machine):
    lines = [
        f"Machine: {machine}",
        "",
        "| model | MMAC | Kiln p50 / p90 / p99 (ms) | ORT p50 / p90 / p99 (ms) | kiln/ORT p50 "
        "| kiln/ORT min | Kiln % of peak (p50, min) | cold: Kiln first output (ms) "
        "| cold: ORT create + 1st run (ms) | cold ORT/Kiln | max abs diff vs ORT | agree "
        "| load avg |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:-:|---:|",
    ]
    for r in results:
        if "error" in r:
            lines.append(f"| {r['model']} | | error: {r['error'].splitlines()[0][:80]} "
                         "| | | | | | | | | | |")
            continue
        k, o = r["kiln"], r["ort"]
        macs = f"{r['macs'] / 1e6:.1f}" if r.get("macs") else ""
        lines.append(
            f"| {r['model']} | {macs} | {fmt_ms(k['p50'])} / {fmt_ms(k['p90'])} / {fmt_ms(k['p99'])} "
            f"| {fmt_ms(o['p50'])} / {fmt_ms(o['p90'])} / {fmt_ms(o['p99'])} "
            f"| **{r['ratio_p50']:.2f}** | {r['ratio_min']:.2f} "
            f"| {r['kiln_peak_percent']:.1f}%, {r['kiln_peak_percent_at_min']:.1f}% "
            f"| {fmt_ms(r['kiln_cold_first_output_us'])} | {fmt_ms(r['ort_cold_us'])} "
            f"| {r['cold_ratio']:.0f}x | {r['max_abs_diff_vs_ort']:.2e} "
            f"| {'yes' if r['outputs_agree'] else 'NO'} "
            f"| {r['load_avg'][0]:.1f}-{r['load_avg'][1]:.1f} |")
    good = [r for r in results if "error" not in r]
    if good:
        gm = math.exp(sum(math.log(r["ratio_p50"]) for r in good) / len(good))
        gmin = math.exp(sum(math.log(r["ratio_min"]) for r in good) / len(good))
        gc = math.exp(sum(math.log(r["cold_ratio"]) for r in good) / len(good))
        lines.append(f"| **geometric mean** | | | | **{gm:.2f}** | {gmin:.2f} | | | "
                     f"| {gc:.0f}x | | | |")
    return "\n".join(lines)


def machine_name():
    model = cores = "?"
    flags = []
    try:
        out = subprocess.run(["lscpu"], stdout=subprocess.PIPE, text=True).stdout
        for line in out.splitlines():
            k, _, v = line.partition(":")
            if k.strip() == "Model name":
                model = v.strip()
            elif k.strip() == "CPU(s)":
                cores = v.strip()
            elif k.strip() == "Flags":
                flags = [f for f in v.split() if f in ("avx2", "fma", "avx512f", "avx512bw",
                                                        "avx512vl", "avx512_vnni", "avx_vnni")]
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("cpu family"):
                    model += f" (family {line.split(':')[1].strip()})"
                    break
    except OSError:
        pass
    return f"{model}, {cores} vCPU, {' '.join(flags)}"


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default=",".join(BENCH_MODELS),
                    help="comma-separated export names (default: the bench set)")
    ap.add_argument("--model", action="append", default=[],
                    help="an extra .onnx to bench (e.g. a QDQ int8 export); repeatable")
    ap.add_argument("--models-dir", default=os.path.join(CACHE, "bench-models"),
                    help="export_torchvision.py output (exported there if missing)")
    ap.add_argument("--kiln", default=os.path.join(ROOT, "build", "bin", "kiln"))
    ap.add_argument("--kiln-arg", action="append", default=[],
                    help="extra argument for kiln compile (int8 flags); repeatable")
    ap.add_argument("--ort", default=os.environ.get("KILN_ORT_NODE_MODULES"),
                    help="node_modules holding onnxruntime-node (default: bench/ort/install.sh)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--min-seconds", type=float, default=2.0)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--cold-runs", type=int, default=3)
    ap.add_argument("--taskset", default="",
                    help="pin both runtimes to this CPU list (taskset -c)")
    ap.add_argument("--nice", type=int,
                    help="run both runtimes at this nice level (negative needs root): on a "
                         "shared machine it keeps other jobs from time-slicing the timed runs")
    ap.add_argument("--work", help="keep builds and outputs here (default: a temp dir)")
    ap.add_argument("--json", help="write every number here")
    ap.add_argument("--markdown", help="write the table here")
    args = ap.parse_args()
    args.taskset = ["taskset", "-c", args.taskset] if args.taskset else []
    if args.nice is not None:
        args.taskset = ["nice", "-n", str(args.nice)] + args.taskset
    if not os.path.exists(args.kiln):
        sys.exit(f"compare.py: no kiln at {args.kiln} (build it, or pass --kiln)")
    if not args.ort:
        args.ort = run(["sh", os.path.join(HERE, "install.sh")]).strip()

    names = [n for n in args.models.split(",") if n]
    missing = [n for n in names
               if not os.path.exists(os.path.join(args.models_dir, n, "model.onnx"))]
    if missing:
        log(f"exporting {','.join(missing)} into {args.models_dir}")
        subprocess.run([sys.executable if "torch" in sys.modules else "/usr/bin/python3",
                        os.path.join(ROOT, "scripts/models/export_torchvision.py"),
                        "--out", args.models_dir, "--models", ",".join(missing),
                        "--threads", "1"], check=True, stdout=sys.stderr)
    models = [(n, os.path.join(args.models_dir, n, "model.onnx")) for n in names]
    models += [(os.path.basename(p), os.path.abspath(p)) for p in args.model]

    work = args.work or tempfile.mkdtemp(prefix="kiln-vs-ort-")
    results = []
    # The binding's per-call floor, so small models can be read fairly.
    floor_dir = os.path.join(work, "_identity")
    os.makedirs(floor_dir, exist_ok=True)
    identity_model(os.path.join(floor_dir, "identity.onnx"))
    floor = ort_round(args, os.path.join(floor_dir, "identity.onnx"),
                      [("x", None, np.zeros([1], np.float32))], floor_dir, False)
    floor_p50 = stats(floor["samples_us"])["p50"]
    log(f"ORT {floor['ort_version']} node-binding floor (1-element Identity): p50 {floor_p50:.1f} us")
    for i, (label, path) in enumerate(models):
        log(f"[{i + 1}/{len(models)}] {label}")
        try:
            r = bench_model(args, label, path, os.path.join(work, f"{i}_{label}"))
            log(f"  kiln p50 {r['kiln']['p50']:.1f} us, ORT p50 {r['ort']['p50']:.1f} us, "
                f"ratio {r['ratio_p50']:.2f}, outputs {'agree' if r['outputs_agree'] else 'DIFFER'}")
        except Exception as e:  # one failing model must not hide the others
            r = {"model": label, "path": path, "error": str(e)}
            log(f"  error: {e}")
        results.append(r)

    machine = machine_name()
    md = table(results, machine)
    md += (f"\n\n{args.rounds} interleaved rounds per model, each >= {args.min_seconds} s and "
           f">= {args.runs} inferences per runtime after {args.warmup} warm-up runs"
           + (f", both at nice {args.nice}" if args.nice is not None else "") + ". "
           f"ONNX Runtime {floor['ort_version']} (onnxruntime-node, native binding called "
           f"synchronously); its per-call floor on a 1-element Identity model is "
           f"{floor_p50:.1f} us (p50), included in the ORT columns.")
    print(md)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(md + "\n")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": machine, "ort_floor_p50_us": floor_p50,
                       "rounds": args.rounds, "min_seconds": args.min_seconds,
                       "results": results}, f, indent=1)
    failed = [r["model"] for r in results if "error" in r or not r.get("outputs_agree")]
    if failed:
        log(f"compare.py: {len(failed)} model(s) failed or disagree: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
