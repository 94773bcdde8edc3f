#!/usr/bin/env bash
# Side by side: flashvsrfilter with the default neural model (left; MODEL=... picks another) and
# bicubic videoscale (right; method=catrom, Catmull-Rom, the same Keys a = -0.5 kernel as
# model=bicubic) on the same 320x180 input, composited into one 2560x720 H.264 file.
# Shows: tee + compositor comparison.
# Needs: the built plugin (or a system-wide install); gstreamer1.0-plugins-{base,good,ugly}.
# Usage: compare-with-videoscale.sh [OUT] [IN]   (defaults: compare.mp4, the bundled sample clip; IN must be 320x180)
set -euo pipefail
source "$(dirname "$0")/common.sh"
out="${1:-compare.mp4}"
in="${2:-$repo_dir/examples/sample-320x180.mp4}"
gst-launch-1.0 -e compositor name=mix sink_1::xpos=1280 ! videoconvert ! x264enc ! mp4mux ! filesink location="$out" \
  filesrc location="$in" ! decodebin ! videoconvert ! tee name=t \
  t. ! queue ! flashvsrfilter ${MODEL:+model="$MODEL"} ! mix.sink_0 \
  t. ! queue ! videoscale method=catrom ! video/x-raw,width=1280,height=720 ! mix.sink_1
