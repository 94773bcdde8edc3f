#!/usr/bin/env bash
# Records an RTSP camera's H.264 video, upscaled 4x (or SCALE=2), into an MP4. Stop with Ctrl-C;
# gst-launch-1.0 -e then finishes the file. A stream that ends by itself ends the recording too.
# Shows: rtspsrc (its jitter buffer, LATENCY_MS, default 200) feeding flashvsrfilter; file output
# from a live source. An H.265 camera needs rtph265depay and avdec_h265 instead.
# RTP comes over the RTSP TCP connection (PROTOCOLS, default tcp): a recording wants every frame
# more than UDP's lower latency, and over UDP a busy machine loses frames. PROTOCOLS=udp for a
# camera that cannot do TCP.
# Needs: an RTSP camera or server with H.264 video; the built plugin (or a system-wide install);
# gstreamer1.0-plugins-{base,good,ugly}, -libav.
# Without a camera: rtsp-test-server.py serves a test pattern the same way.
# Usage: rtsp-camera-to-file.sh URL [OUT]   (e.g. rtsp://192.168.1.10:554/stream1; default OUT: camera-x4.mp4)
# MODEL=vsr-small-fast picks the network without temporal smoothing: live 4x on a 2-core CPU keeps up
# with 25 frames/s only with it (README, "Live use").
set -euo pipefail
source "$(dirname "$0")/common.sh"
url="${1:?usage: rtsp-camera-to-file.sh URL [OUT]}"
out="${2:-camera-x${SCALE:-4}.mp4}"
gst-launch-1.0 -e rtspsrc location="$url" latency="${LATENCY_MS:-200}" protocols="${PROTOCOLS:-tcp}" \
  ! rtph264depay ! avdec_h264 ! videoconvert ! flashvsrfilter scale="${SCALE:-4}" ${MODEL:+model="$MODEL"} ! videoconvert ! x264enc ! mp4mux \
  ! filesink location="$out"
