#!/usr/bin/env bash
# Cross-compiles the native loader plugin libgstflashvsr.so for aarch64 (Jetson) on a Debian 12
# x86-64 machine, against Debian's arm64 GStreamer headers, then checks the result: an ELF 64-bit
# AArch64 shared object that needs only GStreamer, GLib and the C library (libjvm is opened at
# run time, never linked). Only the loader is built: the jars are architecture-independent.
# Installs what is missing with apt-get (through sudo when not root): the arm64 architecture,
# gcc-aarch64-linux-gnu and libgstreamer1.0-dev:arm64 (plus a JDK for jni.h when none is found).
# The binary is built against Debian 12 (GStreamer 1.22, glibc 2.36): it proves the loader
# compiles and links for aarch64; for JetPack compile it on the device (README, "Jetson").
#   scripts/cross-build-aarch64.sh [--out DIR]    (default: element/target/gst-plugin-aarch64)
set -euo pipefail
cd "$(dirname "$0")/.."

out=element/target/gst-plugin-aarch64
while [ $# -gt 0 ]; do
  case "$1" in
    --out)
      [ $# -ge 2 ] || { echo "cross-build-aarch64.sh: --out needs a directory" >&2; exit 2; }
      out=$2; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { print substr($0, 3); next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "cross-build-aarch64.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

die() { echo "cross-build-aarch64.sh: FAILED: $*" >&2; exit 1; }

triplet=aarch64-linux-gnu

# The JNI headers come from the host JDK: jni.h is portable and OpenJDK's linux jni_md.h is
# the same on every Linux architecture.
find_jdk() {
  local javac
  if [ -n "${JAVA_HOME:-}" ] && [ -f "$JAVA_HOME/include/jni.h" ]; then
    echo "$JAVA_HOME"
  elif javac=$(command -v javac); then
    javac=$(readlink -f "$javac")
    [ -f "${javac%/bin/javac}/include/jni.h" ] && echo "${javac%/bin/javac}"
  fi
}

# --- packages --------------------------------------------------------------------
# libgstreamer1.0-dev:arm64 pulls libglib2.0-dev:arm64, libc6-dev:arm64 and pkgconf:arm64
# (which provides aarch64-linux-gnu-pkg-config); the amd64 -dev packages stay installed.
packages=("gcc-$triplet" libgstreamer1.0-dev:arm64)
[ -n "$(find_jdk)" ] || packages+=(openjdk-17-jdk-headless)
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo dpkg --add-architecture arm64 || die "dpkg --add-architecture arm64"
fi
scripts/install-deps.sh "${packages[@]}" || die "installing ${packages[*]}"

jdk=$(find_jdk) || true
[ -n "$jdk" ] || die "no JDK with include/jni.h (set JAVA_HOME)"
command -v "$triplet-gcc" >/dev/null || die "$triplet-gcc not found (package gcc-$triplet)"
command -v "$triplet-pkg-config" >/dev/null || die "$triplet-pkg-config not found (package pkgconf:arm64)"

# --- build: build-plugin.sh's own compile command, with the cross tools -------------
version=$(sed -n 's|^  <version>\(.*\)</version>$|\1|p' pom.xml | head -n 1)
so="$out/libgstflashvsr.so"
CC="$triplet-gcc" PKG_CONFIG="$triplet-pkg-config" \
  sh element/src/main/native/build-plugin.sh --native-only --out "$out" --java-home "$jdk" \
  --version "${version:-0.0.0}" || die "compiling $so"
[ -f "$so" ] || die "$so was not written"

# --- checks ----------------------------------------------------------------------
readelf="$triplet-readelf"
header=$("$readelf" -h "$so") || die "$so is not an ELF file"
grep -Eq 'Class:[[:space:]]+ELF64' <<<"$header" || die "$so is not ELF 64-bit"
grep -Eq 'Type:[[:space:]]+DYN' <<<"$header" || die "$so is not a shared object"
machine=$(sed -n 's/^ *Machine:[[:space:]]*//p' <<<"$header")
[ "$machine" = AArch64 ] || die "$so is built for '$machine', not AArch64"

# Linked with -z defs, so every undefined symbol resolves in a NEEDED library: allowing only
# these libraries proves nothing else (libjvm above all) is needed when GStreamer loads it.
needed=$("$readelf" -d -W "$so" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p')
bad_needed=$(grep -Ev '^(libgstreamer-1\.0|libgobject-2\.0|libglib-2\.0)\.so\.0$|^(libc\.so\.6|libdl\.so\.2|libpthread\.so\.0|ld-linux-aarch64\.so\.1)$' <<<"$needed" || true)
[ -z "$bad_needed" ] || die "$so needs libraries other than GStreamer/GLib/libc: $(echo "$bad_needed" | tr '\n' ' ')"
# Names as a second look: GStreamer/GLib prefixes, glibc's versioned symbols, and the weak
# toolchain hooks every shared object references.
undefined=$("$readelf" --dyn-syms -W "$so" | awk '$7 == "UND" && $8 != "" { print $8 }')
bad_undefined=$(grep -Ev '^(_?gst_|g_|glib_)|@GLIBC_[0-9.]+$|^(__gmon_start__|_ITM_(de)?registerTMCloneTable|__cxa_finalize)$' <<<"$undefined" || true)
[ -z "$bad_undefined" ] || die "$so has undefined symbols outside GStreamer/GLib/libc: $(echo "$bad_undefined" | tr '\n' ' ')"

echo "cross-build-aarch64.sh: OK $so: ELF64 AArch64 shared object, $(wc -c <"$so") bytes," \
  "needs $(echo "$needed" | tr '\n' ' ')($(wc -l <<<"$undefined") undefined symbols, all GStreamer/GLib/libc), ${SECONDS}s"
