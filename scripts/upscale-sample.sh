#!/usr/bin/env bash
# The main job: installs dependencies if needed, builds, and upscales the bundled sample clip
# (320x180, 120 frames) 4x with the default model into sample-x4.mp4 (1280x720, 120 frames).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
mvn -B -ntp -q package -DskipTests
tools/flashvsr upscale examples/sample-320x180.mp4 "${1:-sample-x4.mp4}"
