#!/usr/bin/env bash
# Compiles the engine (trt-engine's main code: the CUDA driver and TensorRT runtime bindings) against
# the JavaCPP presets a JetPack 6 build uses instead of the default ones: javacpp 1.5.11, CUDA
# 12.6-9.5 and TensorRT 10.6 (JetPack 6 has CUDA 12.6 and TensorRT 10.3; the CUDA 13 presets cannot
# load there). Proves the Java code builds with -Djavacpp.version=1.5.11
# -Dcuda-presets.version=12.6-9.5-1.5.11 -Dtensorrt-presets.version=10.6-1.5.11; it runs nothing.
# Builds in a copy under target/, so the classes the other builds and tests use stay compiled
# against the default presets.
set -euo pipefail
cd "$(dirname "$0")/.."
copy=target/jetpack6-presets
rm -rf "$copy"
mkdir -p "$copy/trt-engine/src"
cp pom.xml "$copy/"
cp trt-engine/pom.xml "$copy/trt-engine/"
cp -r trt-engine/src/main "$copy/trt-engine/src/"
(cd "$copy" && mvn -B -ntp -q -f trt-engine/pom.xml compile -Dmaven.antrun.skip \
    -Djavacpp.version=1.5.11 -Dcuda-presets.version=12.6-9.5-1.5.11 -Dtensorrt-presets.version=10.6-1.5.11)
rm -rf "$copy"
echo "check-jetpack6-presets: trt-engine compiles against javacpp 1.5.11, CUDA 12.6 and TensorRT 10.6 presets"
