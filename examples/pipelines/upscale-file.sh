#!/usr/bin/env bash
# Upscales the video of a file 4x (or SCALE=2) with flashvsrfilter into an H.264 MP4.
# Shows: decodebin -> videoconvert -> flashvsrfilter -> x264enc -> mp4mux with plain gst-launch-1.0.
# Needs: the built plugin (or a system-wide install); gstreamer1.0-plugins-{base,good,ugly}, -libav.
# Usage: upscale-file.sh [IN] [OUT]   (defaults: the bundled sample clip, sample-x4.mp4)
set -euo pipefail
source "$(dirname "$0")/common.sh"
in="${1:-$repo_dir/examples/sample-320x180.mp4}"
out="${2:-sample-x${SCALE:-4}.mp4}"
gst-launch-1.0 -e filesrc location="$in" ! decodebin ! videoconvert ! flashvsrfilter scale="${SCALE:-4}" ${MODEL:+model="$MODEL"} \
  ! videoconvert ! x264enc ! mp4mux ! filesink location="$out"
