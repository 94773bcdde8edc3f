#!/usr/bin/env bash
# Installs dependencies if needed, builds everything and runs every test (unit, real GStreamer
# pipelines, native loader processes, CLI).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
mvn -B -ntp verify "$@"
