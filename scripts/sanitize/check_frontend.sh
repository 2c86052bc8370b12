#!/usr/bin/env bash
# Runs the ONNX importer's hostile-input lit suites (malformed models, external
# data attacks) with an ASan+UBSan kiln-translate; any sanitizer report fails.
# Usage: check_frontend.sh [ASAN_BUILD_DIR]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=$(realpath -m "${1:-$ROOT/build-asan}")
start=$(date +%s)
bash "$ROOT/scripts/sanitize/build.sh" "$BUILD_DIR"
echo "sanitize: build took $(( $(date +%s) - start ))s"

REPORTS=$(mktemp -d)
trap 'rm -rf "$REPORTS"' EXIT
# Reports go to files as well as aborting, so a report inside a test that
# expects a failing exit is still caught.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:log_path=$REPORTS/asan"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:abort_on_error=1:log_path=$REPORTS/ubsan"
status=0
/usr/lib/llvm-22/bin/lit -sv \
  "$BUILD_DIR/test/frontend/onnx/malformed.test" \
  "$BUILD_DIR/test/frontend/onnx/external_data.test" \
  "$BUILD_DIR/test/frontend/onnx/quant.test" \
  "$BUILD_DIR/test/frontend/onnx/conv.test" || status=1
if compgen -G "$REPORTS/*" >/dev/null; then
  echo "sanitize: sanitizer reports:" >&2
  cat "$REPORTS"/* >&2
  status=1
fi
exit $status
