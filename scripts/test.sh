#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, then runs every lit,
# GoogleTest and end-to-end test through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
ctest --test-dir "${KILN_BUILD_DIR:-build}" --output-on-failure -j "$(nproc)" "$@"
