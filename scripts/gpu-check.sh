#!/usr/bin/env bash
# The checks that need an NVIDIA GPU (issues 18 and 19), in at most 10 minutes, one summary line each:
# the CUDA runtime found; every frame kernel (colour to and from planar FP32/FP16 in all 8 formats,
# BT.601/709/2020, both ranges; bicubic x2/x4; padding and cropping) against the CPU code on the
# same frames; the cuda backend's sessions (frames in = frames out, in order, within 1 level of the
# CPU frame path); NV12 to FP16 throughput at 1080p and 4K against a device-to-device copy; device
# memory over 10,000 frames of one session. Then, where TensorRT 10 loads: each recurrent model and
# precision on the tensorrt backend against the CPU backend's fp32 output, its frames per second at
# 1280x720 and 1920x1080 output against the cuda backend's bicubic in the same run, and device
# memory over 10,000 frames (engines go to the engine cache: the first run builds them).
# With the tiny golden FlashVSR's data (--flashvsr-golden DIR, the folder holding release-layout/ and
# pipeline/; taken from ../shared/golden/flashvsr beside the checkout when there), also FlashVSR on
# the tensorrt backend in fp32 against upstream's output, within 1 level.
#   scripts/gpu-check.sh [--device N] [--memory-frames N] [--engine-cache DIR] [--flashvsr-golden DIR]
#                        [--no-tensorrt]
#   scripts/gpu-check.sh --bundle DIR
# Needs only the built jars (tools/target/lib, or lib/ beside this script in a bundle), Java 17+
# (java on PATH, JAVA=..., or jre/ beside this script in a bundle), the NVIDIA driver (libcuda.so.1,
# R580 or later) and the CUDA 13 runtime (libcudart.so.13, found on the loader path or in
# /usr/local/cuda/lib64); for the TensorRT part also TensorRT 10 (libnvinfer.so.10 and
# libnvonnxparser.so.10 on the loader path): no Maven, GStreamer or network.
# --bundle DIR  copies what the check needs into DIR (this script, the engine's jars with ONNX
#               Runtime's jar cut to its linux-x64 library, a compressed JRE made with jlink when
#               this JDK has it, and libcudart.so.13 when this machine has CUDA 13), for a GPU
#               machine that has no Java; run DIR/gpu-check.sh there.
# Exit status: 0 all checks passed (TensorRT missing is a skip), 1 a check failed, 2 no usable GPU,
# 124 past 10 minutes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

# The jars the check loads: trt-engine and its runtime dependencies (the CUDA and TensorRT presets'
# Java classes and JNI libraries, ONNX Runtime for the CPU reference, the manifest and graph readers).
jars_in() {
    local dir=$1
    ls "$dir"/trt-engine-*.jar "$dir"/javacpp-*.jar "$dir"/cuda-*.jar "$dir"/tensorrt-*.jar \
        "$dir"/onnxruntime-*.jar "$dir"/jackson-*.jar "$dir"/tribuo-util-onnx-*.jar "$dir"/protobuf-java-*.jar \
        2>/dev/null | grep -v -- '-tests\.jar$'
}

if [ "${1:-}" = "--bundle" ]; then
    [ $# -eq 2 ] || { echo "usage: scripts/gpu-check.sh --bundle DIR" >&2; exit 2; }
    out=$2
    lib="$here/../tools/target/lib"
    [ -n "$(jars_in "$lib")" ] || { echo "gpu-check: no jars in $lib; build first: mvn -B -ntp package -DskipTests" >&2; exit 2; }
    mkdir -p "$out/lib"
    jars_in "$lib" | xargs -I{} cp {} "$out/lib/"
    # ONNX Runtime's jar carries libraries for 5 platforms; the check runs on linux-x64 only
    if command -v zip >/dev/null 2>&1; then
        for ort in "$out"/lib/onnxruntime-*.jar; do
            zip -q -d "$ort" 'ai/onnxruntime/native/osx-*' 'ai/onnxruntime/native/win-*' \
                'ai/onnxruntime/native/linux-aarch64/*' >/dev/null || true
        done
    fi
    cp "$0" "$out/gpu-check.sh"
    # the CUDA runtime the presets' JNI library links (NVIDIA lists it as redistributable)
    for cudart in /usr/local/cuda/lib64/libcudart.so.13*; do
        [ -e "$cudart" ] && mkdir -p "$out/native" && cp -P "$cudart" "$out/native/"
    done
    if command -v jlink >/dev/null 2>&1 && [ ! -e "$out/jre" ]; then
        # java.base, plus what JavaCPP uses (sun.misc.Unsafe in jdk.unsupported, java.logging)
        jlink --add-modules java.base,jdk.unsupported,java.logging --strip-debug --no-header-files \
            --no-man-pages --compress=2 --output "$out/jre"
    fi
    du -sh "$out"
    exit 0
fi

if [ -d "$here/lib" ]; then
    lib="$here/lib" # a bundle
else
    lib="$here/../tools/target/lib"
fi
classpath=$(jars_in "$lib" | paste -sd: -)
if [ -z "$classpath" ]; then
    echo "gpu-check: no jars in $lib; build first: mvn -B -ntp package -DskipTests" >&2
    exit 2
fi
if [ -n "${JAVA:-}" ]; then
    java=$JAVA
elif [ -x "$here/jre/bin/java" ]; then
    java="$here/jre/bin/java"
else
    java=java
fi
command -v "$java" >/dev/null 2>&1 || { echo "gpu-check: no Java found; install Java 17+ or set JAVA" >&2; exit 2; }
# libcudart.so.13 from a bundle, or where CUDA installs it, in case the loader path does not have it
for cudalib in "$here/native" /usr/local/cuda/lib64 /usr/local/cuda/targets/*/lib; do
    [ -d "$cudalib" ] && export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$cudalib"
done
golden=()
shared_golden="$here/../../shared/golden/flashvsr"
if [[ " $* " != *" --flashvsr-golden "* ]] && [ -d "$shared_golden/release-layout" ]; then
    golden=(--flashvsr-golden "$(cd "$shared_golden" && pwd)")
fi
exec timeout 600 "$java" -Xmx2g -cp "$classpath" dev.flashvsr.engine.gpu.GpuCheck "$@" "${golden[@]}"
