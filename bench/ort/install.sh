#!/bin/sh
# Installs ONNX Runtime (npm onnxruntime-node@1.30, which ships libonnxruntime.so) into a cache dir.
#
#   bench/ort/install.sh            -> prints the node_modules directory
#
# The directory is $KILN_ORT_DIR, else $XDG_CACHE_HOME/kiln/ort-npm, else
# ~/.cache/kiln/ort-npm; nothing lands in the source tree. --ignore-scripts:
# the package's install script would try to download GPU providers, and the
# CPU library it ships is all the benchmark needs.
set -eu
dir="${KILN_ORT_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kiln/ort-npm}"
pkg="$dir/node_modules/onnxruntime-node/package.json"
if [ ! -f "$pkg" ] || ! grep -q '"version": "1\.30\.' "$pkg"; then
  command -v npm >/dev/null || { echo "install.sh: npm is missing (Debian package npm)" >&2; exit 1; }
  mkdir -p "$dir"
  [ -f "$dir/package.json" ] || echo '{"private": true}' > "$dir/package.json"
  (cd "$dir" && npm install --ignore-scripts --no-audit --no-fund onnxruntime-node@1.30 >&2)
fi
lib="$dir/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1"
[ "$(uname -m)" != x86_64 ] || [ -f "$lib" ] || { echo "install.sh: $lib is missing" >&2; exit 1; }
echo "$dir/node_modules"
