#!/usr/bin/env bash
# Live restream: receives RTP/H.264 on UDP port IN_PORT (default 5000), upscales it 4x (or SCALE=2)
# and sends it on as RTP/H.264 to OUT_HOST:OUT_PORT (default 127.0.0.1:5002). Runs until Ctrl-C.
# Shows: flashvsrfilter in a live network pipeline, with x264enc tuned for low latency.
# Needs: the built plugin (or a system-wide install); gstreamer1.0-plugins-{base,good,ugly}, -libav.
# Try it on one machine with a test sender and a receiver that shows the result:
#   gst-launch-1.0 videotestsrc is-live=true ! video/x-raw,format=I420,width=320,height=180 \
#     ! x264enc tune=zerolatency ! rtph264pay config-interval=-1 ! udpsink host=127.0.0.1 port=5000
#   gst-launch-1.0 udpsrc port=5002 caps="application/x-rtp,media=video,clock-rate=90000,encoding-name=H264,payload=96" \
#     ! rtpjitterbuffer ! rtph264depay ! avdec_h264 ! videoconvert ! autovideosink
# MODEL=vsr-small-fast picks the network without temporal smoothing: live 4x on a 2-core CPU keeps up
# with 25 frames/s only with it (README, "Live use").
set -euo pipefail
source "$(dirname "$0")/common.sh"
# config-interval=-1 repeats SPS/PPS before every key frame, so receivers can join at any time.
# The queue lets flashvsrfilter work on the next frame while the encoder side waits for the clock.
gst-launch-1.0 udpsrc port="${IN_PORT:-5000}" \
  caps="application/x-rtp,media=video,clock-rate=90000,encoding-name=H264,payload=96" \
  ! rtpjitterbuffer ! rtph264depay ! avdec_h264 ! videoconvert ! flashvsrfilter scale="${SCALE:-4}" ${MODEL:+model="$MODEL"} \
  ! queue ! videoconvert ! x264enc tune=zerolatency speed-preset=veryfast ! rtph264pay config-interval=-1 \
  ! udpsink host="${OUT_HOST:-127.0.0.1}" port="${OUT_PORT:-5002}"
