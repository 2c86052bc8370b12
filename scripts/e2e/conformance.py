#!/usr/bin/env python3
"""ONNX conformance for Kiln: compile each model, run it on its test data, compare.

Usage:
  conformance.py [SUITE_DIR ...] [--kiln PATH] [--target T] [--layout L] [-j N] [--filter RE]
                 [--overrides FILE] [--work DIR] [--scale-relative] [--json OUT]

SUITE_DIR holds one directory per test with model.onnx and test_data_set_*/
{input,output}_*.pb (the ONNX backend-test layout; the exports of
scripts/models/export_torchvision.py use it too). Default: the node,
pytorch-converted, pytorch-operator and simple suites of libonnx-testdata.

Each test is compiled with `kiln compile` and run with `kiln run LIBDIR` on
every data set, as a user would. A compile that ends in a diagnostic (an op,
type or attribute Kiln declines) counts as "unsupported"; a compiler crash or
timeout, a run failure or a wrong output counts as "failed". The summary lists
the most common reasons for "unsupported". Outputs
must match within rtol 1e-3, atol 1e-5 (np.allclose), bit-exact for integer
and bool outputs; --scale-relative bounds max|diff| by atol + rtol * max|ref|
instead, for deep random-weight nets.

--compare-O0 is the optimiser's safety net: each model is compiled at -O3
with MLIR's --mlir-print-ir-after-change, and where a graph-optimisation pass
changed the IR (elsewhere -O0 and -O3 generate the same code), the -O0 graph
is evaluated with the host reference evaluator (`kiln-eval -O0`, the runtime's
C reference kernels, no C++ build) and the compiled -O3 outputs must match it
within the same tolerance. A test whose -O0 outputs match the reference but
whose -O3 outputs differ from them fails ("-O3 differs from -O0").

Per-test exceptions live in ONE file (test/e2e/conformance_overrides.json):
  {"test_name": {"expect": "fail" | "skip", "rtol": R, "atol": A,
                 "reason": "why (required)"}}
"fail" is a known failure (an unexpected pass is reported so the entry gets
removed); "skip" is not run. The exit status is 1 on any unexpected result.
"""
import argparse
import concurrent.futures as cf
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import time

import numpy as np
import onnx
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TESTDATA = "/usr/share/libonnx-testdata/data"
DEFAULT_SUITES = [os.path.join(TESTDATA, s)
                  for s in ("node", "pytorch-converted", "pytorch-operator", "simple")]
CRASH = re.compile(r"Stack dump|LLVM ERROR|Assertion .* failed|Segmentation fault|timed out")


def load_overrides(path):
    if not path or not os.path.exists(path):
        return {}
    with open(path) as f:
        overrides = json.load(f)
    for name, entry in overrides.items():
        if not entry.get("reason"):
            sys.exit(f"{path}: override for {name} needs a 'reason'")
        if entry.get("expect", "pass") not in ("pass", "fail", "skip"):
            sys.exit(f"{path}: override for {name}: expect must be pass, fail or skip")
    return overrides


def read_pb(path):
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return numpy_helper.to_array(t)


def compare(actual, expected, rtol, atol, scale_relative):
    """Returns None when equal within tolerance, else a one-line reason."""
    if actual.shape != expected.shape:
        if actual.size == expected.size and actual.size <= 1:
            actual = actual.reshape(expected.shape)
        else:
            return f"shape {list(actual.shape)} vs expected {list(expected.shape)}"
    if expected.dtype.kind in "biu":
        if not np.array_equal(actual.astype(np.int64), expected.astype(np.int64)):
            return f"{int((actual.astype(np.int64) != expected.astype(np.int64)).sum())} integer elements differ"
        return None
    a, e = actual.astype(np.float64), expected.astype(np.float64)
    if np.isnan(e).any() or np.isnan(a).any():
        if not np.array_equal(np.isnan(a), np.isnan(e)):
            return "NaN positions differ"
        a, e = np.nan_to_num(a), np.nan_to_num(e)
    diff = np.abs(a - e)
    maxdiff = float(diff.max()) if diff.size else 0.0
    if scale_relative:
        ok = maxdiff <= atol + rtol * (float(np.abs(e).max()) if e.size else 0.0)
    else:
        ok = bool(np.allclose(a, e, rtol=rtol, atol=atol, equal_nan=True))
    return None if ok else f"max |diff| {maxdiff:.3g}"


def run(cmd, timeout):
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=timeout)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return -1, "", f"timed out after {timeout} s"
    except OSError as e:
        return -1, "", f"cannot execute {cmd[0]}: {e}"


def first_error(text):
    """The line that explains a failure: a build's own diagnostic rather than
    the `command failed: <command line>` line that precedes it."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if "error" in line:
            if "command failed" in line:
                for detail in lines[i + 1:]:
                    if "error" in detail or "undefined reference" in detail:
                        return "build: " + detail.strip()
            # "unsupported ONNX op types ...:" lists the ops on the next line.
            if line.rstrip().endswith(":") and i + 1 < len(lines):
                return line.strip() + " " + lines[i + 1].strip()
            return line.strip()
    lines = [l for l in text.splitlines() if l.strip()]
    return lines[0].strip() if lines else "(no output)"


# A pass of the optimisation pipeline that changed the IR, as
# --mlir-print-ir-after-change reports it (memory planning runs at every level).
CHANGED_PASS = re.compile(r"IR Dump After \w+ \((kiln-[a-z0-9-]+)\)")
LEVEL_INDEPENDENT_PASSES = {"kiln-plan-memory"}


def strip_ir_dumps(text):
    """Drops the IR printed by --mlir-print-ir-after-change so diagnostics
    stand alone (a dumped name could contain 'error')."""
    kept, in_dump = [], False
    for line in text.splitlines():
        if line.startswith("// -----// IR Dump"):
            in_dump = True
        elif in_dump and line == "}":
            in_dump = False
        elif not in_dump:
            kept.append(line)
    return "\n".join(kept)


def sorted_pbs(ds, kind):
    return sorted(glob.glob(os.path.join(ds, f"{kind}_*.pb")),
                  key=lambda p: int(re.search(kind + r"_(\d+)", p).group(1)))


def compare_with_O0(test_dir, work, args, ds, got_files, rtol, atol):
    """-O3 outputs against `kiln-eval -O0`: (None | reason, O0 matches the
    reference?), or (None, None) when the evaluator cannot run the model."""
    outs = [os.path.join(work, f"O0_{i}.npy") for i in range(len(got_files))]
    cmd = [args.kiln_eval, os.path.join(test_dir, "model.onnx"), "-O0"]
    for f in sorted_pbs(ds, "input"):
        cmd += ["--input", f]
    for o in outs:
        cmd += ["-o", o]
    rc, out, err = run(cmd, args.timeout)
    if rc != 0:
        return None, None
    expected = [read_pb(f) for f in sorted_pbs(ds, "output")]
    o0_ok = all(compare(np.load(o), e, rtol, atol, args.scale_relative) is None
                for o, e in zip(outs, expected))
    for j, (got, o0) in enumerate(zip(got_files, outs)):
        problem = compare(np.load(got), np.load(o0), rtol, atol, args.scale_relative)
        if problem:
            return f"output {j}: {problem}", o0_ok
    return None, o0_ok


def run_test(test_dir, args, override):
    """Returns (status, detail, seconds, levels); status in
    pass/fail/unsupported; levels in None/same/compared/no-eval."""
    name = os.path.basename(test_dir)
    work = os.path.join(args.work, os.path.basename(os.path.dirname(test_dir)), name)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    lib = os.path.join(work, "lib")
    t0 = time.time()
    cmd = [args.kiln, "compile", os.path.join(test_dir, "model.onnx"),
           "--target", args.target, "-o", lib, "--name", "model"]
    if args.layout:
        cmd += ["--layout", args.layout]
    if args.compare_O0:
        cmd += ["-O3", "--mlir-print-ir-after-all", "--mlir-print-ir-after-change"]
    rc, out, err = run(cmd, args.timeout)
    changed = sorted(set(CHANGED_PASS.findall(err)) - LEVEL_INDEPENDENT_PASSES)
    err = strip_ir_dumps(err)
    if rc != 0:
        # A diagnostic is the compiler declining the model (an op, type or
        # attribute it does not handle); a crash or a hang is a failure.
        crashed = rc < 0 or CRASH.search(err + out) or "error:" not in err + out
        msg = first_error(err + out)
        status = "fail" if crashed or args.strict else "unsupported"
        return status, "compile: " + msg, time.time() - t0, None
    rtol = override.get("rtol", args.rtol)
    atol = override.get("atol", args.atol)
    sets = sorted(glob.glob(os.path.join(test_dir, "test_data_set_*")))
    if not sets:
        return "fail", "no test_data_set_*", time.time() - t0, None
    levels = None
    if args.compare_O0:
        levels = "compared" if changed else "same"
    status, detail = "pass", ""
    for ds in sets:
        dsname = os.path.basename(ds)
        outputs = sorted_pbs(ds, "output")
        cmd = [args.kiln, "run", lib, "--target", args.target, "-o",
               os.path.join(work, "out"), "--build-dir", os.path.join(work, "build"),
               "--json", "-j", "1", "--opt", args.opt]
        for f in sorted_pbs(ds, "input"):
            cmd += ["--input", f]
        rc, out, err = run(cmd, args.timeout)
        if rc != 0:
            return "fail", f"{dsname}: run: {first_error(err + out)}", time.time() - t0, levels
        summary = json.loads(out)
        files = [o["file"] for o in summary["outputs"]]
        if len(files) != len(outputs):
            return "fail", f"{len(files)} outputs, expected {len(outputs)}", time.time() - t0, levels
        for j, (got, want) in enumerate(zip(files, outputs)):
            problem = compare(np.load(got), read_pb(want), rtol, atol, args.scale_relative)
            if problem and status == "pass":
                status, detail = "fail", f"{dsname} output {j}: {problem}"
        if levels == "compared":
            differs, o0_ok = compare_with_O0(test_dir, work, args, ds, files, rtol, atol)
            if o0_ok is None:
                levels = "no-eval"
            elif o0_ok and (differs or status == "fail"):
                passes = ", ".join(changed)
                return ("fail", f"{dsname}: -O3 differs from -O0, which matches the "
                        f"reference: {differs or detail} (changed by {passes})",
                        time.time() - t0, levels)
        if status == "fail":
            break
    if status == "pass" and not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return status, detail, time.time() - t0, levels


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("suites", nargs="*", default=DEFAULT_SUITES)
    ap.add_argument("--kiln", default=os.path.join(ROOT, "build", "bin", "kiln"))
    ap.add_argument("--target", default="host")
    ap.add_argument("--layout", choices=("nchw", "nhwc"),
                    help="kiln compile --layout (default: the target's preferred layout)")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--filter", default="", help="regex on test names")
    ap.add_argument("--overrides", default=os.path.join(ROOT, "test", "e2e", "conformance_overrides.json"))
    ap.add_argument("--work", default=os.path.join(os.getcwd(), "conformance-work"))
    ap.add_argument("--rtol", type=float, default=1e-3)
    ap.add_argument("--atol", type=float, default=1e-5)
    ap.add_argument("--scale-relative", action="store_true")
    ap.add_argument("--opt", default="-O1", help="optimisation of the test builds")
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("--keep", action="store_true", help="keep work dirs of passing tests")
    ap.add_argument("--json", help="write per-test results here")
    ap.add_argument("--top-reasons", type=int, default=15)
    ap.add_argument("--strict", action="store_true",
                    help="count unsupported models as failures (model suites that must compile)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print passing tests too")
    ap.add_argument("--compare-O0", action="store_true",
                    help="also check -O3 against -O0 where the optimiser changed the IR")
    ap.add_argument("--kiln-eval", help="kiln-eval binary (default: beside --kiln)")
    args = ap.parse_args()
    args.work = os.path.abspath(args.work)
    if not os.path.exists(args.kiln):
        sys.exit(f"conformance: no kiln binary at {args.kiln} (use --kiln)")
    overrides = load_overrides(args.overrides)
    if args.compare_O0 and not args.kiln_eval:
        found = shutil.which(args.kiln)
        args.kiln_eval = os.path.join(os.path.dirname(os.path.abspath(found or args.kiln)),
                                      "kiln-eval")

    tests = []
    for suite in args.suites:
        for d in sorted(glob.glob(os.path.join(suite, "*", "model.onnx"))):
            d = os.path.dirname(d)
            if re.search(args.filter, os.path.basename(d)):
                tests.append(d)
    if not tests:
        sys.exit("conformance: no tests found")

    counts = {k: 0 for k in ("pass", "fail", "unsupported", "xfail", "xpass", "skip")}
    level_counts = {"same": 0, "compared": 0, "no-eval": 0}
    results = {}
    t0 = time.time()
    with cf.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {}
        for d in tests:
            name = os.path.basename(d)
            ov = overrides.get(name, {})
            if ov.get("expect") == "skip":
                counts["skip"] += 1
                results[name] = {"status": "skip", "detail": ov["reason"]}
                continue
            futures[pool.submit(run_test, d, args, ov)] = (name, ov)
        for fut in cf.as_completed(futures):
            name, ov = futures[fut]
            status, detail, secs, levels = fut.result()
            if levels and status in ("pass", "xpass", "fail", "xfail"):
                level_counts[levels] += 1
            if ov.get("expect") == "fail":
                status = {"fail": "xfail", "pass": "xpass"}.get(status, status)
            counts[status] += 1
            results[name] = {"status": status, "detail": detail, "seconds": round(secs, 2)}
            if levels:
                results[name]["levels"] = levels
            if status in ("fail", "xpass") or args.verbose:
                print(f"{status.upper():12} {name}: {detail}", flush=True)
    elapsed = time.time() - t0
    reasons = {}
    for r in results.values():
        if r["status"] == "unsupported":
            key = re.sub(r"node '[^']*'|'[^']*model.onnx'|\([^)]*nodes\)", "", r["detail"])
            key = re.sub(r"^compile: model.onnx:0:0: ", "", key)
            reasons[key] = reasons.get(key, 0) + 1
    if reasons:
        print("most common reasons for unsupported:")
        for key, n in sorted(reasons.items(), key=lambda kv: -kv[1])[:args.top_reasons]:
            print(f"  {n:4}  {key[:150]}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"counts": counts, "levels": level_counts if args.compare_O0 else None,
                       "seconds": round(elapsed, 1), "tests": results},
                      f, indent=1, sort_keys=True)
    print(f"{counts['pass']} passed, {counts['fail']} failed, "
          f"{counts['unsupported']} unsupported, {counts['xfail']} expected failures, "
          f"{counts['xpass']} unexpected passes, {counts['skip']} skipped "
          f"({len(tests)} tests, target {args.target}"
          f"{', layout ' + args.layout if args.layout else ''}, {elapsed:.0f} s)")
    if args.compare_O0:
        print(f"-O0 vs -O3: {level_counts['compared']} compared where the optimiser "
              f"changed the IR, {level_counts['same']} with unchanged IR, "
              f"{level_counts['no-eval']} not evaluable on the host")
    return 1 if counts["fail"] or counts["xpass"] else 0


if __name__ == "__main__":
    sys.exit(main())
