#!/usr/bin/env bash
# Installs what building, running and testing flashvsr-gst needs on Debian/Ubuntu: a JDK 17,
# Maven, a C compiler with GStreamer headers (native loader plugin), g++ (the CUDA kernels'
# host-emulation tests build them as C++), clang 16 (the build compiles the CUDA kernels to PTX
# with it), GStreamer with the plugins
# the pipelines use and gst-discoverer-1.0 (-base-apps; the example tests check outputs with it),
# Python GObject bindings (embedding tests) with the RTSP server's (test camera for the RTSP
# example), and the photos the sample clip, training and validation use (Debian's wallpapers and
# scikit-image's test images), GNU time (/usr/bin/time -v: peak memory in the real-size check) and
# ffmpeg (its ffprobe reads the MP4 chapters the CLI writes back, independently of our reader).
# Skips apt when all are present.
#   scripts/install-deps.sh [PACKAGE...]   (packages given: installs those instead, when missing)
set -euo pipefail

packages=(
  openjdk-17-jdk-headless maven gcc g++ clang-16 libc6-dev pkg-config
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-ugly gstreamer1.0-plugins-bad gstreamer1.0-libav
  gstreamer1.0-plugins-base-apps
  python3 python3-gi gir1.2-gstreamer-1.0 gir1.2-gst-rtsp-server-1.0
  lomiri-wallpapers-16.04 python3-skimage time ffmpeg
)
if [ $# -gt 0 ]; then
  packages=("$@")
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "Installing: ${missing[*]}" >&2
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
