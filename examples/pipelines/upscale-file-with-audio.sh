#!/usr/bin/env bash
# Upscales the video of an MP4 4x (or SCALE=2) into a new MP4 and copies its audio stream as it is,
# without decoding or re-encoding it.
# Shows: qtdemux pads split by stream; video through flashvsrfilter and x264enc, audio straight
# into mp4mux. For Matroska use matroskademux and matroskamux instead.
# Needs: an input with one video and one audio stream (upscale-file.sh takes video-only files);
# the built plugin (or a system-wide install); gstreamer1.0-plugins-{base,good,ugly}, -libav.
# Usage: upscale-file-with-audio.sh IN [OUT]   (default OUT: upscaled-with-audio.mp4)
set -euo pipefail
source "$(dirname "$0")/common.sh"
in="${1:?usage: upscale-file-with-audio.sh IN [OUT]}"
out="${2:-upscaled-with-audio.mp4}"
# The audio queue is unbounded: x264enc holds many frames before its first output, and mp4mux
# waits for that video while the demuxer keeps producing audio; a full queue would stall the
# demuxer and with it the whole pipeline. Compressed audio needs little memory.
gst-launch-1.0 -e filesrc location="$in" ! qtdemux name=demux \
  mp4mux name=mux ! filesink location="$out" \
  demux.video_0 ! queue ! decodebin ! videoconvert ! flashvsrfilter scale="${SCALE:-4}" ${MODEL:+model="$MODEL"} \
  ! videoconvert ! x264enc ! mux. \
  demux.audio_0 ! queue max-size-buffers=0 max-size-bytes=0 max-size-time=0 ! mux.
