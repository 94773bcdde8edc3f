# shellcheck shell=bash
# Sourced by the example scripts: makes the flashvsr plugin built in this checkout visible to
# GStreamer unless it is installed system-wide (see element/src/main/native/INSTALL.md).
repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
plugin_dir="$repo_dir/element/target/gst-plugin"
if [ -f "$plugin_dir/libgstflashvsr.so" ]; then
  export GST_PLUGIN_PATH="$plugin_dir${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
elif ! gst-inspect-1.0 flashvsrfilter >/dev/null 2>&1; then
  echo "flashvsrfilter not found: build first (mvn -B -q package -DskipTests) or install the plugin" >&2
  exit 2
fi

# Hardware stand-ins. Scripts whose pipelines need hardware that most machines lack (a camera, a
# Jetson) run them with gst_launch_hw instead of gst-launch-1.0. With FLASHVSR_EXAMPLE_STAND_INS=1
# it replaces each hardware element below, together with the properties written after it, by its
# software stand-in, drops the memory:NVMM caps feature, and runs gst-launch-1.0 -v so that the
# output shows the caps of every pad (the stand-in sink also prints a line per frame). The stand-in
# camera stops after NUM_BUFFERS frames (default 300). This is how the tests run those scripts.
declare -A hardware_stand_ins=(
  [v4l2src]="videotestsrc is-live=true num-buffers=${NUM_BUFFERS:-300}"
  [autovideosink]="fakesink sync=true silent=false"
  [nvv4l2decoder]="avdec_h264"
  [nvvidconv]="videoconvert"
  [nvv4l2h264enc]="x264enc"
)

gst_launch_hw() {
  if [ "${FLASHVSR_EXAMPLE_STAND_INS:-0}" != 1 ]; then
    gst-launch-1.0 "$@"
    return
  fi
  local word args=() after_stand_in=false
  for word in "$@"; do
    if [ -n "${hardware_stand_ins[$word]:-}" ]; then
      read -ra stand_in <<<"${hardware_stand_ins[$word]}"
      args+=("${stand_in[@]}")
      after_stand_in=true
    elif $after_stand_in && [[ "$word" == *=* ]]; then
      continue # a property of the hardware element, unknown to its stand-in
    else
      after_stand_in=false
      args+=("${word//(memory:NVMM)/}")
    fi
  done
  echo "With stand-ins: gst-launch-1.0 -v ${args[*]}" >&2
  gst-launch-1.0 -v "${args[@]}"
}
