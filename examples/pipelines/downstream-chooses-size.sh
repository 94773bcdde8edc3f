#!/usr/bin/env bash
# Downstream asks for 1280x720; flashvsrfilter (scale 4) makes videotestsrc produce 320x180.
# Shows: caps queries answered in both directions. Prints the negotiated caps on both sides.
# Needs: the built plugin (or a system-wide install); gstreamer1.0-plugins-base.
set -euo pipefail
source "$(dirname "$0")/common.sh"
gst-launch-1.0 -v videotestsrc num-buffers="${NUM_BUFFERS:-30}" ! flashvsrfilter name=vsr \
  ! video/x-raw,width=1280,height=720 ! fakesink 2>&1 | grep -E "vsr\.GstPad:(sink|src): caps"
