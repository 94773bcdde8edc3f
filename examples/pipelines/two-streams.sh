#!/usr/bin/env bash
# Two independent streams, each through its own flashvsrfilter instance, in one pipeline: two
# files upscaled 4x (or SCALE=2) into two H.264 MP4s.
# Shows: several instances running concurrently, each with its own model session and settings
# (MODEL1 and MODEL2 pick each one's model).
# Needs: the built plugin (or a system-wide install); gstreamer1.0-plugins-{base,good,ugly}, -libav.
# Usage: two-streams.sh [IN1] [IN2] [OUT1] [OUT2]
#   (defaults: the bundled sample clip twice, two-streams-1.mp4, two-streams-2.mp4)
set -euo pipefail
source "$(dirname "$0")/common.sh"
sample="$repo_dir/examples/sample-320x180.mp4"
gst-launch-1.0 -e \
  filesrc location="${1:-$sample}" ! decodebin ! videoconvert \
  ! flashvsrfilter name=vsr1 scale="${SCALE:-4}" ${MODEL1:+model="$MODEL1"} \
  ! videoconvert ! x264enc ! mp4mux ! filesink location="${3:-two-streams-1.mp4}" \
  filesrc location="${2:-$sample}" ! decodebin ! videoconvert \
  ! flashvsrfilter name=vsr2 scale="${SCALE:-4}" ${MODEL2:+model="$MODEL2"} \
  ! videoconvert ! x264enc ! mp4mux ! filesink location="${4:-two-streams-2.mp4}"
