#!/bin/sh
# Compiles every CUDA kernel source of this folder (*.cu) to PTX for sm_72 with clang 16 (no CUDA
# toolkit needed), one NAME.ptx per NAME.cu, which the driver JIT-compiles for the GPU it runs on.
# Run by trt-engine's Maven build (process-resources phase) with the classes folder's
# dev/flashvsr/engine/cuda as --out, so the PTX lands in the jar; usable by hand:
#   sh build-ptx.sh --out DIR
# Without clang++-16 it builds nothing, says so and succeeds: the build works on any machine,
# and the GPU path then reports the PTX missing. Environment: CLANGXX (default clang++-16).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=''
while [ $# -gt 0 ]; do
    case "$1" in
        --out) out=$2; shift 2 ;;
        *) echo "build-ptx.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
[ -n "$out" ] || { echo "build-ptx.sh: --out is required" >&2; exit 2; }

clangxx=${CLANGXX:-clang++-16}
mkdir -p "$out"
rm -f "$out"/*.ptx # no PTX of a deleted or renamed source stays behind
if ! command -v "$clangxx" >/dev/null 2>&1; then
    echo "build-ptx.sh: WARNING: $clangxx not found, the CUDA kernels are NOT compiled to PTX and the" \
        "jar has none (the GPU colour conversion will report them missing); install it with" \
        "scripts/install-deps.sh (Debian package clang-16)" >&2
    exit 0
fi
for source in "$here"/*.cu; do
    [ -e "$source" ] || continue
    name=$(basename "$source" .cu)
    # -nocudainc -nocudalib: no CUDA toolkit (host_shim.h supplies __global__ & co.);
    # -Wno-unknown-cuda-version: without a toolkit clang warns about the CUDA version it assumes
    "$clangxx" -x cuda --cuda-device-only -nocudainc -nocudalib --cuda-gpu-arch=sm_72 -O2 \
        -Wno-unknown-cuda-version -S -o "$out/$name.ptx" "$source"
done
