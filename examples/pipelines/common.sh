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
