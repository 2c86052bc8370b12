#!/usr/bin/env bash
# Builds an ASan+UBSan kiln-translate in its own tree (default build-asan/), so
# it never disturbs the main build. Only the ONNX importer and the tool are
# instrumented (at -O1, KILN_SANITIZE_FRONTEND); the dialect is compiled plain
# at -O0 and MLIR/libonnx are Debian's prebuilt libraries, which keeps the
# build to a few minutes on two cores.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=$(realpath -m "${1:-$ROOT/build-asan}")
mkdir -p "$BUILD_DIR"
# Two runs of this script must not build the same tree at once.
exec 9>"$BUILD_DIR/.build.lock"
flock 9
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -G Ninja -S "$ROOT" -B "$BUILD_DIR" \
    -DCMAKE_BUILD_TYPE=None \
    -DCMAKE_C_FLAGS="-O0 -g0" -DCMAKE_CXX_FLAGS="-O0 -g0" \
    -DKILN_SANITIZE_FRONTEND=ON \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_DIR=/usr/lib/llvm-22/lib/cmake/llvm \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit >/dev/null
fi
ninja -C "$BUILD_DIR" kiln-translate
# The whole point is the instrumentation: refuse a binary without it.
# ldd is read once into a variable: `ldd | grep -q` under pipefail fails at
# random when grep exits at its first match and ldd dies of SIGPIPE.
libs=$(ldd "$BUILD_DIR/bin/kiln-translate")
for rt in libasan libubsan; do
  if ! grep -q "$rt" <<<"$libs"; then
    echo "sanitize: $BUILD_DIR/bin/kiln-translate is not linked with $rt" >&2
    exit 1
  fi
done
