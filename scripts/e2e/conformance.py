#!/usr/bin/env python3
"""ONNX conformance for Kiln: compile each model, run it on its test data, compare.

Usage:
  conformance.py [SUITE_DIR ...] [--kiln PATH] [--target T] [-j N] [--filter RE]
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


def run_test(test_dir, args, override):
    """Returns (status, detail, seconds); status in pass/fail/unsupported."""
    name = os.path.basename(test_dir)
    work = os.path.join(args.work, os.path.basename(os.path.dirname(test_dir)), name)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    lib = os.path.join(work, "lib")
    t0 = time.time()
    rc, out, err = run([args.kiln, "compile", os.path.join(test_dir, "model.onnx"),
                        "--target", args.target, "-o", lib, "--name", "model"], args.timeout)
    if rc != 0:
        # A diagnostic is the compiler declining the model (an op, type or
        # attribute it does not handle); a crash or a hang is a failure.
        crashed = rc < 0 or CRASH.search(err + out) or "error:" not in err + out
        msg = first_error(err + out)
        status = "fail" if crashed or args.strict else "unsupported"
        return status, "compile: " + msg, time.time() - t0
    rtol = override.get("rtol", args.rtol)
    atol = override.get("atol", args.atol)
    sets = sorted(glob.glob(os.path.join(test_dir, "test_data_set_*")))
    if not sets:
        return "fail", "no test_data_set_*", time.time() - t0
    for ds in sets:
        inputs = sorted(glob.glob(os.path.join(ds, "input_*.pb")),
                        key=lambda p: int(re.search(r"input_(\d+)", p).group(1)))
        outputs = sorted(glob.glob(os.path.join(ds, "output_*.pb")),
                         key=lambda p: int(re.search(r"output_(\d+)", p).group(1)))
        cmd = [args.kiln, "run", lib, "--target", args.target, "-o",
               os.path.join(work, "out"), "--build-dir", os.path.join(work, "build"),
               "--json", "-j", "1", "--opt", args.opt]
        for f in inputs:
            cmd += ["--input", f]
        rc, out, err = run(cmd, args.timeout)
        if rc != 0:
            return "fail", f"{os.path.basename(ds)}: run: {first_error(err + out)}", time.time() - t0
        summary = json.loads(out)
        files = [o["file"] for o in summary["outputs"]]
        if len(files) != len(outputs):
            return "fail", f"{len(files)} outputs, expected {len(outputs)}", time.time() - t0
        for j, (got, want) in enumerate(zip(files, outputs)):
            problem = compare(np.load(got), read_pb(want), rtol, atol, args.scale_relative)
            if problem:
                return "fail", f"{os.path.basename(ds)} output {j}: {problem}", time.time() - t0
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return "pass", "", time.time() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("suites", nargs="*", default=DEFAULT_SUITES)
    ap.add_argument("--kiln", default=os.path.join(ROOT, "build", "bin", "kiln"))
    ap.add_argument("--target", default="host")
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
    args = ap.parse_args()
    args.work = os.path.abspath(args.work)
    if not os.path.exists(args.kiln):
        sys.exit(f"conformance: no kiln binary at {args.kiln} (use --kiln)")
    overrides = load_overrides(args.overrides)

    tests = []
    for suite in args.suites:
        for d in sorted(glob.glob(os.path.join(suite, "*", "model.onnx"))):
            d = os.path.dirname(d)
            if re.search(args.filter, os.path.basename(d)):
                tests.append(d)
    if not tests:
        sys.exit("conformance: no tests found")

    counts = {k: 0 for k in ("pass", "fail", "unsupported", "xfail", "xpass", "skip")}
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
            status, detail, secs = fut.result()
            if ov.get("expect") == "fail":
                status = {"fail": "xfail", "pass": "xpass"}.get(status, status)
            counts[status] += 1
            results[name] = {"status": status, "detail": detail, "seconds": round(secs, 2)}
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
            json.dump({"counts": counts, "seconds": round(elapsed, 1), "tests": results},
                      f, indent=1, sort_keys=True)
    print(f"{counts['pass']} passed, {counts['fail']} failed, "
          f"{counts['unsupported']} unsupported, {counts['xfail']} expected failures, "
          f"{counts['xpass']} unexpected passes, {counts['skip']} skipped "
          f"({len(tests)} tests, target {args.target}, {elapsed:.0f} s)")
    return 1 if counts["fail"] or counts["xpass"] else 0


if __name__ == "__main__":
    sys.exit(main())
