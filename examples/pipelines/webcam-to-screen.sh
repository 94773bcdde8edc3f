#!/usr/bin/env bash
# A V4L2 camera, scaled to WIDTHxHEIGHT (default 320x240), upscaled 4x (or SCALE=2) live and shown
# in a window. Stop with Ctrl-C.
# Shows: flashvsrfilter behind a live source. It reports its latency, so the window shows frames
# at a steady delay, and with qos (on by default) it skips frames that would reach the window too
# late instead of falling further behind.
# Needs: a camera (DEVICE, default /dev/video0) and a display; the built plugin (or a system-wide
# install); gstreamer1.0-plugins-{base,good}.
# Without a camera: FLASHVSR_EXAMPLE_STAND_INS=1 runs the same pipeline with videotestsrc
# is-live=true as the camera and fakesink sync=true as the window (see common.sh); the tests do.
# MODEL=vsr-small-fast picks the network without temporal smoothing: live 4x on a 2-core CPU keeps up
# with 25 frames/s only with it (README, "Live use").
set -euo pipefail
source "$(dirname "$0")/common.sh"
# The queue lets flashvsrfilter work on the next frame while the window waits for the clock.
gst_launch_hw v4l2src device="${DEVICE:-/dev/video0}" ! videoconvert ! videoscale \
  ! video/x-raw,width="${WIDTH:-320}",height="${HEIGHT:-240}" ! flashvsrfilter scale="${SCALE:-4}" ${MODEL:+model="$MODEL"} \
  ! queue ! videoconvert ! autovideosink
