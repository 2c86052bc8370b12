#!/usr/bin/env bash
# Exports torchvision classifiers and the tiny model set at 64x64 and imports
# each with kiln-translate; every import must succeed and the IR must verify.
# Usage: import_torchvision.sh BIN_DIR OUT_DIR
set -euo pipefail
bin=$1 out=$2
src=$(cd "$(dirname "$0")/../.." && pwd)
models=mobilenet_v2,resnet18,squeezenet1_1,shufflenet_v2_x0_5,efficientnet_b0,mobilenet_v3_small,mnasnet0_5,tiny
/usr/bin/python3 "$src/scripts/models/export_torchvision.py" --out "$out" --size 64 \
  --models "$models" >/dev/null
failed=0 count=0
for model in "$out"/*/model.onnx; do
  name=$(basename "$(dirname "$model")")
  count=$((count + 1))
  if "$bin/kiln-translate" --import-onnx "$model" -o "$out/$name.mlir" &&
     "$bin/kiln-opt" "$out/$name.mlir" -o /dev/null; then
    echo "imported $name: $(grep -c 'kiln\.' "$out/$name.mlir") kiln ops"
  else
    echo "FAILED $name"
    failed=$((failed + 1))
  fi
done
echo "$((count - failed))/$count models imported"
[ "$count" -ge 8 ] && [ "$failed" -eq 0 ]
