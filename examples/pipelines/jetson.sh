#!/usr/bin/env bash
# Jetson: hardware H.264 decoding and encoding around flashvsrfilter. nvv4l2decoder decodes into
# NVMM (device) memory; nvvidconv copies the frames to NV12 in system memory, which flashvsrfilter
# takes without conversion; the second nvvidconv copies the 4x (or SCALE=2) frames back to NVMM
# for nvv4l2h264enc.
# Shows: flashvsrfilter between NVIDIA's hardware codecs; file in, H.264 MP4 out.
# Needs: a Jetson with JetPack's GStreamer plugins (nvv4l2decoder, nvvidconv, nvv4l2h264enc); the
# built plugin (or a system-wide install); an MP4 input with H.264 video.
# Without a Jetson: FLASHVSR_EXAMPLE_STAND_INS=1 runs the same pipeline with avdec_h264, videoconvert
# and x264enc in place of the NVIDIA elements and plain system-memory caps (see common.sh); the
# tests do.
# Usage: jetson.sh [IN] [OUT]   (defaults: the bundled sample clip, sample-x4-jetson.mp4)
set -euo pipefail
source "$(dirname "$0")/common.sh"
in="${1:-$repo_dir/examples/sample-320x180.mp4}"
out="${2:-sample-x${SCALE:-4}-jetson.mp4}"
gst_launch_hw -e filesrc location="$in" ! qtdemux ! h264parse ! nvv4l2decoder ! nvvidconv \
  ! video/x-raw,format=NV12 ! flashvsrfilter scale="${SCALE:-4}" ${MODEL:+model="$MODEL"} \
  ! nvvidconv ! 'video/x-raw(memory:NVMM),format=NV12' ! nvv4l2h264enc ! h264parse ! mp4mux \
  ! filesink location="$out"
