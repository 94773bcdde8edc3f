#!/usr/bin/env bash
# Two flashvsrfilter instances in one pipeline: NV12 320x180 -> 640x360 -> 1280x720.
# Shows: several instances side by side, NV12 in and out, frame counting with fakesink.
# Needs: the built plugin (or a system-wide install); gstreamer1.0-plugins-base.
set -euo pipefail
source "$(dirname "$0")/common.sh"
gst-launch-1.0 videotestsrc num-buffers="${NUM_BUFFERS:-60}" ! video/x-raw,format=NV12,width=320,height=180 \
  ! flashvsrfilter scale=2 ! flashvsrfilter scale=2 ! video/x-raw,width=1280,height=720 ! fakesink
