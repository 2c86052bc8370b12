#!/usr/bin/env bash
# The runtime's plain-C tests on the cross targets: the int8 hash (every int8
# kernel bit for bit against the x86 C reference), NHWC against NCHW, and the
# smoke test, built by runtime-only cross configures and run under qemu:
# AArch64 Linux through qemu-aarch64, Cortex-M4 firmware (Kiln's harness)
# through qemu-system-arm on MPS2 AN386. Usage: runtime_cross.sh WORKDIR
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:?usage: runtime_cross.sh WORKDIR}
tests=(kiln_runtime_smoke kiln_int8_crosscheck kiln_nhwc_crosscheck)
mkdir -p "$work"
for target in aarch64-linux-gnu cortex-m4; do
  dir="$work/$target"
  cmake -G Ninja -S "$src" -B "$dir" -DKILN_ENABLE_COMPILER=OFF \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_TOOLCHAIN_FILE="$src/runtime/cmake/$target.cmake" > "$dir.configure.log" 2>&1 ||
    { cat "$dir.configure.log"; exit 1; }
  ninja -C "$dir" "${tests[@]}"
  ctest --test-dir "$dir" --output-on-failure -V
  # Every test must have run: a missing emulator would leave none registered.
  n=$(ctest --test-dir "$dir" -N | sed -n 's/^Total Tests: //p')
  if [ "$n" != "${#tests[@]}" ]; then
    echo "runtime_cross.sh: $target registered $n tests, expected ${#tests[@]}" >&2
    exit 1
  fi
done
