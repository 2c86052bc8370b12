#!/usr/bin/env bash
# Kiln's main job on the bundled model: installs what is missing, builds, then
# compiles models/digits_cnn.onnx and runs it on bundled digits.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
BIN=${KILN_BUILD_DIR:-build}/bin
"$BIN/kiln-translate" --import-onnx models/digits_cnn.onnx
