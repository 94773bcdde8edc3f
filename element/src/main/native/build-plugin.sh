#!/bin/sh
# Builds the GStreamer plugin directory for flashvsrfilter:
#   <out>/libgstflashvsr.so   the native loader (compiled here with gcc)
#   <out>/flashvsr.conf       libjvm path, class path, JVM options
#   <out>/*.jar               the element's classes and its runtime dependencies
# Run by the element module's Maven build (process-classes phase); usable by hand:
#   sh build-plugin.sh --out DIR --java-home JDK --version V --module-jar NAME.jar \
#      --classes DIR --classpath CP
# CP is the module's runtime class path (directories are packed into jars).
# --native-only compiles just <out>/libgstflashvsr.so (only the JDK's JNI headers are
# used), e.g. for another architecture with CC and PKG_CONFIG set to cross tools
# (scripts/cross-build-aarch64.sh).
# Files whose content did not change are left untouched, so their mtime stays and
# GStreamer's registry does not rescan the plugin for nothing.
# Environment: CC (default gcc), PKG_CONFIG (default pkg-config), CFLAGS, LDFLAGS,
# FLASHVSR_LIBJVM_AT_RUNTIME (libjvm path to write into the config instead of the
# building JDK's).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out='' java_home='' version=0.0.0 module_jar='' classes='' classpath='' native_only=0
while [ $# -gt 0 ]; do
    case "$1" in
        --out) out=$2; shift 2 ;;
        --java-home) java_home=$2; shift 2 ;;
        --version) version=$2; shift 2 ;;
        --module-jar) module_jar=$2; shift 2 ;;
        --classes) classes=$2; shift 2 ;;
        --classpath) classpath=$2; shift 2 ;;
        --native-only) native_only=1; shift ;;
        *) echo "build-plugin.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
[ -n "$out" ] || { echo "build-plugin.sh: --out is required" >&2; exit 2; }

die() { echo "build-plugin.sh: $*" >&2; exit 1; }

# Replace $2 by $1 only if the content differs; drop $1 otherwise.
install_if_changed() {
    if [ -f "$2" ] && cmp -s "$1" "$2"; then
        rm -f "$1"
    else
        mv -f "$1" "$2"
        echo "build-plugin.sh: updated $2"
    fi
}

# --- the JDK: JNI headers now, libjvm at run time ---------------------------------
# (a cross build needs only the headers: the building JDK's libjvm is of the wrong
# architecture and is not written anywhere)
jdk=
for cand in "$java_home" "${JAVA_HOME:-}"; do
    if [ -n "$cand" ] && [ -f "$cand/include/jni.h" ] &&
        { [ "$native_only" = 1 ] || [ -f "$cand/lib/server/libjvm.so" ]; }; then
        jdk=$cand; break
    fi
done
[ -n "$jdk" ] || die "no JDK with include/jni.h and (unless --native-only) lib/server/libjvm.so (tried '$java_home' and JAVA_HOME='${JAVA_HOME:-}')"
libjvm=${FLASHVSR_LIBJVM_AT_RUNTIME:-$jdk/lib/server/libjvm.so}

CC=${CC:-gcc}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
command -v "$CC" >/dev/null 2>&1 || die "C compiler '$CC' not found (install gcc)"
gst_cflags=$($PKG_CONFIG --cflags gstreamer-1.0) || die "pkg-config cannot find gstreamer-1.0 (install libgstreamer1.0-dev)"
gst_libs=$($PKG_CONFIG --libs gstreamer-1.0)

mkdir -p "$out"

# --- the loader library ----------------------------------------------------------
so="$out/libgstflashvsr.so"
src="$here/gstflashvsrloader.c"
# shellcheck disable=SC2086
$CC -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter -fPIC -shared \
    -fvisibility=hidden -fno-strict-aliasing \
    -DPACKAGE="\"flashvsr-gst\"" -DVERSION="\"$version\"" \
    -I"$jdk/include" -I"$jdk/include/linux" $gst_cflags ${CFLAGS:-} \
    -o "$so.tmp" "$src" \
    -Wl,-z,defs -Wl,--as-needed $gst_libs -ldl -lpthread ${LDFLAGS:-}
install_if_changed "$so.tmp" "$so"
[ "$native_only" = 0 ] || exit 0

# --- jars ------------------------------------------------------------------------
jar_tool="$jdk/bin/jar"
[ -x "$jar_tool" ] || die "no jar tool at $jar_tool"
listing="$out/.jars.tmp"
: > "$listing"

# pack a directory of classes into $out/$2 (skipped when nothing in it is newer
# than the jar: deleting a file changes its directory's mtime, so that counts too)
pack_dir() {
    echo "$2" >> "$listing"
    if [ -f "$out/$2" ] && [ -z "$(find "$1" -newer "$out/$2" -print | head -n 1)" ]; then
        return 0
    fi
    rm -f "$out/$2.tmp"
    "$jar_tool" --create --file "$out/$2.tmp" -C "$1" .
    mv -f "$out/$2.tmp" "$out/$2"
    echo "build-plugin.sh: updated $out/$2"
}

copy_jar() {
    name=$(basename "$1")
    cp "$1" "$out/$name.tmp"
    install_if_changed "$out/$name.tmp" "$out/$name"
    echo "$name" >> "$listing"
}

old_ifs=$IFS
IFS=:
for entry in $classpath; do
    IFS=$old_ifs
    [ -n "$entry" ] || continue
    if [ -n "$classes" ] && [ "$entry" = "$classes" ]; then
        [ -n "$module_jar" ] || die "--module-jar is required with --classes"
        pack_dir "$entry" "$module_jar"
    elif [ -d "$entry" ]; then
        # a reactor module that has not been packaged yet: <module>/target/classes
        module=$(basename "$(dirname "$(dirname "$entry")")")
        pack_dir "$entry" "$module.jar"
    elif [ -f "$entry" ]; then
        case "$entry" in
            *.jar) copy_jar "$entry" ;;
            *) die "unexpected class path entry $entry" ;;
        esac
    fi
done
IFS=$old_ifs

# drop jars that are no longer part of the class path
for f in "$out"/*.jar; do
    [ -e "$f" ] || continue
    grep -qx "$(basename "$f")" "$listing" || { rm -f "$f"; echo "build-plugin.sh: removed stale $f"; }
done

# --- config ----------------------------------------------------------------------
cp_line=$(paste -sd: "$listing")
rm -f "$listing"
conf_tmp="$out/flashvsr.conf.tmp"
cat > "$conf_tmp" <<EOF
# Configuration of libgstflashvsr.so, the GStreamer loader plugin of flashvsrfilter.
# Written by the flashvsr-gst build; relative paths are relative to this directory.
# Environment overrides: FLASHVSR_LIBJVM, FLASHVSR_CLASSPATH, FLASHVSR_JVM_OPTIONS
# (extra options, appended, so they win: e.g. FLASHVSR_JVM_OPTIONS=-Xmx8g or
# -XX:MaxRAMPercentage=50). -Xrs is always passed.
#
# Heap: -XX:MaxRAMPercentage=25 lets the Java heap grow to a quarter of the memory
# the process may use (RAM, or its cgroup limit when lower), which the JVM reads when
# it starts, so the setting suits whichever machine runs the plugin. The heap holds
# frames and streaming state (for FlashVSR the key/value cache, which grows with the
# frame size); model weights stay outside it, mapped or loaded by the runtime, and
# take most of the other three quarters. Java's direct buffers (session tensors) are
# limited to the same size by default; the element's automatic max-memory budget is
# a quarter of the machine too. Raise it where a stream's state needs more.
[loader]
libjvm=$libjvm
classpath=$cp_line
jvm-options=-XX:-UsePerfData;-Xss4m;-XX:MaxRAMPercentage=25;--enable-native-access=ALL-UNNAMED
EOF
install_if_changed "$conf_tmp" "$out/flashvsr.conf"
