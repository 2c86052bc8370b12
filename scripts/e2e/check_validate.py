"""Asserts thresholds on a `kiln validate --json` report (first output)."""
import argparse
import json
import sys

ap = argparse.ArgumentParser()
ap.add_argument("report")
ap.add_argument("--min-accuracy-ratio", type=float)
ap.add_argument("--min-agreement", type=float)
ap.add_argument("--layers", type=int, help="expected number of per-layer rows")
a = ap.parse_args()
r = json.load(open(a.report))
out = r["outputs"][0]
errors = []
if a.min_agreement is not None and out["top1_agreement"] < a.min_agreement:
    errors.append("top-1 agreement %.4f < %.4f" % (out["top1_agreement"], a.min_agreement))
if a.min_accuracy_ratio is not None:
    ratio = out["accuracy"] / out["accuracy_reference"]
    if ratio < a.min_accuracy_ratio:
        errors.append("accuracy %.4f / fp32 %.4f = %.4f < %.4f" % (
            out["accuracy"], out["accuracy_reference"], ratio, a.min_accuracy_ratio))
if a.layers is not None and len(r.get("layers", [])) != a.layers:
    errors.append("%d per-layer rows, expected %d" % (len(r.get("layers", [])), a.layers))
for e in errors:
    print("check_validate: " + e, file=sys.stderr)
print("check_validate: %s %s %s: agreement %.4f, accuracy %s" % (
    r["quantize"], r.get("calibrate", ""), r.get("weights", ""), out["top1_agreement"],
    "%.4f" % out["accuracy"] if "accuracy" in out else "-"))
sys.exit(1 if errors else 0)
