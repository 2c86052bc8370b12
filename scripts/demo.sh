#!/usr/bin/env bash
# Kiln's main job on the bundled model: installs what is missing, builds, then
# compiles models/digits_cnn.onnx into a standalone library, prints its report,
# and runs it on 16 bundled digits.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
BIN=${KILN_BUILD_DIR:-build}/bin
OUT=${KILN_DEMO_DIR:-build/demo}
rm -rf "$OUT"

echo "== kiln compile models/digits_cnn.onnx --target host --name digits"
"$BIN/kiln" compile models/digits_cnn.onnx --target host --name digits -o "$OUT/digits"
ls -l "$OUT/digits"
echo "== report (digits.report.json)"
/usr/bin/python3 - "$OUT/digits/digits.report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
summary = {k: v for k, v in r.items() if k not in ("ops", "inputs", "outputs")}
summary["ops"] = len(r["ops"])
summary["inputs"] = [(t["name"], t["shape"]) for t in r["inputs"]]
summary["outputs"] = [(t["name"], t["shape"]) for t in r["outputs"]]
for key, value in summary.items():
    print(f"  {key}: {json.dumps(value)}")
PY

echo "== kiln run on 16 test digits (labels: $(/usr/bin/python3 -c 'import numpy; print(numpy.load("models/digits_samples_labels.npy").tolist())'))"
"$BIN/kiln" run models/digits_cnn.onnx --target host --name digits \
  --input models/digits_samples.npy -o "$OUT/run"
