#!/usr/bin/env bash
# Checks FlashVSR at its real size on this machine: writes a synthetic FlashVSR v1.1 release
# (official files, formats, tensor names and shapes; random weights; 30 DiT layers = the real
# 1.4-billion-parameter model), imports it with `tools/flashvsr import`, then upscales a
# videotestsrc stream x4 through `gst-launch-1.0 ... ! flashvsrfilter model=PACKAGE ! fakesink`
# twice (first start: graphs built; second start: from the cache), each under /usr/bin/time -v,
# and prints a table of times, frames and peak resident memory.
#   scripts/flashvsr-scale-check.sh [--layers N] [--work DIR] [--size WxH] [--frames N] [--no-build]
# --layers   DiT blocks, 1-30 (default 30: full size)
# --work     folder for the release, the package and the logs: new, empty, or one an earlier run
#            used (default: a new folder under /var/tmp, deleted at the end). A release already in
#            DIR/release with as many layers is reused.
# --size     input frame size (default 32x32; the output is 4x that)
# --frames   input frames (default 29)
# --no-build skip `mvn -B -ntp -q package -DskipTests` (use what was built before)
# Disk: about 6.4 GB for the release plus 6.4 GB for the package (less with `import --link`) and
# the graph cache: ~14 GB at 30 layers. Exit status: 0 when both runs gave one frame per input.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

layers=30 work="" size=32x32 frames=29 build=1
usage() {
    sed -n '/^#   scripts/,/^# --no-build/p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}
while [ $# -gt 0 ]; do
    case "$1" in
        --layers) [ $# -ge 2 ] || usage; layers=$2; shift 2 ;;
        --work) [ $# -ge 2 ] || usage; work=$2; shift 2 ;;
        --size) [ $# -ge 2 ] || usage; size=$2; shift 2 ;;
        --frames) [ $# -ge 2 ] || usage; frames=$2; shift 2 ;;
        --no-build) build=0; shift ;;
        -h | --help) usage ;;
        *) echo "flashvsr-scale-check: unknown argument '$1'" >&2; usage ;;
    esac
done
fail() {
    echo "flashvsr-scale-check: $*" >&2
    exit 2
}
[[ "$layers" =~ ^[0-9]+$ ]] && [ "$layers" -ge 1 ] && [ "$layers" -le 30 ] \
    || fail "--layers '$layers' must be 1 to 30 (30 = the real size)"
[[ "$size" =~ ^([1-9][0-9]*)x([1-9][0-9]*)$ ]] || fail "--size '$size' must be WIDTHxHEIGHT, e.g. 32x32"
width=${BASH_REMATCH[1]} height=${BASH_REMATCH[2]}
[[ "$frames" =~ ^[1-9][0-9]*$ ]] || fail "--frames '$frames' must be a positive number of frames"
[ -x /usr/bin/time ] || fail "/usr/bin/time (GNU time) is missing: run scripts/install-deps.sh"
command -v gst-launch-1.0 >/dev/null || fail "gst-launch-1.0 is missing: run scripts/install-deps.sh"

# Parameters: 25,775,680 outside the blocks, 46,440,704 per block (FP32); the projector, decoder
# and text context add 761 MB. Twice that for the release and a copied package, plus 1.5 GB.
release_mb=$(( (25775680 + layers * 46440704) * 4 / 1000000 + 761 ))
keep=1
if [ -z "$work" ]; then
    work=$(mktemp -d /var/tmp/flashvsr-scale.XXXXXX)
    keep=0
fi
mkdir -p "$work"
work=$(cd "$work" && pwd)
# The script deletes and rewrites release/ and package/ in the work folder: only in one it made.
if [ -n "$(ls -A "$work")" ] && [ ! -f "$work/.flashvsr-scale-check" ]; then
    fail "--work $work is not empty and was not made by this script: give a new or empty folder"
fi
touch "$work/.flashvsr-scale-check"
cleanup() {
    if [ "$keep" = 0 ]; then rm -rf "$work"; fi
}
trap cleanup EXIT
release=$work/release
reuse=0
if [ -f "$release/layers" ] && [ "$(cat "$release/layers")" = "$layers" ]; then
    reuse=1
fi
free_mb=$(df -Pm "$work" | awk 'NR == 2 { print $4 }')
needed_mb=$(( (2 - reuse) * release_mb + 1500 ))
[ "$free_mb" -ge "$needed_mb" ] \
    || fail "$work: needs about $(( needed_mb / 1000 )) GB free for $layers layers, has $(( free_mb / 1000 )) GB; use --work or fewer --layers"

if [ "$build" = 1 ]; then
    echo "building (mvn -B -ntp -q package -DskipTests) ..."
    mvn -B -ntp -q package -DskipTests
fi
for built in trt-engine/target/test-classes tools/target/lib element/target/gst-plugin/libgstflashvsr.so; do
    [ -e "$built" ] || fail "$built is missing: run without --no-build"
done

free_bytes() {
    df -P -B1 "$work" | awk 'NR == 2 { print $4 }'
}

gigabytes() {
    awk -v b="$1" 'BEGIN { printf "%.1f GB", b / 1e9 }'
}

# Reads /usr/bin/time -v's report: wall seconds and peak resident MB into $wall and $rss.
read_stats() {
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0;
        for (i = 1; i <= n; i++) s = s * 60 + t[i]; printf "%.1f", s }' "$1")
    rss=$(awk -F': ' '/Maximum resident set size/ { printf "%d", $2 / 1024 }' "$1")
}

# Runs a command under /usr/bin/time -v, its output into $1; sets $wall and $rss.
measured() {
    local log=$1 status=0
    shift
    /usr/bin/time -v -o "$log.time" "$@" >"$log" 2>&1 || status=$?
    read_stats "$log.time"
    return $status
}

# Prefixes each line with the time it was read (seconds since the epoch).
stamp() {
    local line
    while IFS= read -r line; do
        printf '%s %s\n' "$EPOCHREALTIME" "$line"
    done
}

rows=()
if [ "$reuse" = 1 ]; then
    echo "reusing the $layers-layer release in $release"
    rows+=("$(printf '%-30s %9s %10s  %s' "generate release" "-" "-" "reused from $release")")
else
    rm -rf "$release"
    echo "writing a synthetic release with $layers DiT layers ($(gigabytes $(( release_mb * 1000000 )))) to $release ..."
    if ! measured "$work/generate.log" java -Xmx256m -cp "trt-engine/target/test-classes:tools/target/lib/*" \
            dev.flashvsr.engine.flashvsr.load.SyntheticRelease "$release" --layers "$layers"; then
        cat "$work/generate.log" >&2
        fail "writing the release failed"
    fi
    echo "$layers" >"$release/layers"
    rows+=("$(printf '%-30s %9s %10s  %s' "generate release" "$wall" "$rss" "$(gigabytes "$(du -sb "$release" | cut -f1)")")")
fi

package=$work/package
rm -rf "$package"
link=()
if tools/flashvsr import --help 2>&1 | grep -q -- '--link'; then
    link=(--link)
fi
echo "importing ${link[*]:-(copy)} into $package ..."
free_before=$(free_bytes)
if ! measured "$work/import.log" tools/flashvsr import "${link[@]}" "$release" "$package"; then
    cat "$work/import.log" >&2
    fail "the import failed"
fi
rows+=("$(printf '%-30s %9s %10s  %s' "import ${link[*]:-(copy)}" "$wall" "$rss" \
    "$(gigabytes $(( free_before - $(free_bytes) ))) more disk in use")")

out_width=$(( 4 * width )) out_height=$(( 4 * height ))
frame_bytes=$(( ((3 * out_width + 3) / 4 * 4) * out_height ))
failed=0
# One gst-launch-1.0 run. Output lines are time-stamped as they come: start-up = when the element
# logs its open session, first output = the first buffer fakesink prints, in seconds from launch.
stream() {
    local name=$1 log=$work/$2.log
    echo "$name: gst-launch-1.0 ... $frames frames ${width}x${height} -> ${out_width}x${out_height} ..."
    local start=$EPOCHREALTIME status
    set +e
    /usr/bin/time -v -o "$log.time" env GST_PLUGIN_PATH="$repo/element/target/gst-plugin" \
        GST_REGISTRY="$work/registry.bin" GST_DEBUG=flashvsr:4 GST_DEBUG_NO_COLOR=1 stdbuf -oL gst-launch-1.0 -v \
        videotestsrc num-buffers="$frames" pattern=ball \
        ! "video/x-raw,format=RGB,width=$width,height=$height,framerate=8/1" \
        ! flashvsrfilter model="$package" ! fakesink silent=false 2>&1 | stamp >"$log"
    status=${PIPESTATUS[0]}
    set -e
    read_stats "$log.time"
    local out startup first
    out=$(grep -c "(fakesink0:sink) ($frame_bytes bytes," "$log" || true)
    startup=$(awk -v s="$start" '/flashvsrfilter0>? input .*: session/ { printf "%.1f", $1 - s; exit }' "$log")
    first=$(awk -v s="$start" '/\(fakesink0:sink\) \(/ { printf "%.1f", $1 - s; exit }' "$log")
    local note="exit $status, $out of $frames frames out"
    if [ "$status" != 0 ] || [ "$out" != "$frames" ]; then
        failed=1
        note="$note; $(grep -m1 -E 'ERROR|Error' "$log" | cut -d' ' -f2- | sed 's/^ERROR: from element [^ ]*: //' \
            | cut -c1-200 || true)"
    fi
    rows+=("$(printf '%-30s %9s %10s  %s' "$name" "$wall" "$rss" \
        "session open at ${startup:--} s, first output at ${first:--} s; $note")")
}
stream "first start (builds graphs)" run1
stream "second start (cache)" run2

echo
echo "FlashVSR real-size check: $layers of 30 DiT layers, $frames frames ${width}x${height} -> ${out_width}x${out_height}"
echo "on $(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo); work folder $work"
printf '%-30s %9s %10s  %s\n' "step" "wall s" "max RSS MB" "notes"
printf '%s\n' "${rows[@]}"
if [ "$keep" = 1 ]; then
    echo "logs: $work/{generate,import,run1,run2}.log"
fi
if [ "$failed" = 1 ]; then
    echo "FAILED: see the notes above$([ "$keep" = 1 ] && echo " and the logs")" >&2
    exit 1
fi
