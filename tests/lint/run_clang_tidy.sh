#!/usr/bin/env bash
# Runs the checks of .clang-tidy over the engine's sources (not tests, not the viewer's Qt code).
#   usage: tests/lint/run_clang_tidy.sh BUILD_DIR [FILE...]
# BUILD_DIR must hold compile_commands.json (every build here writes one). Exit 1 on any finding.
set -euo pipefail
build=$(realpath "$1")
shift
cd "$(dirname "$0")/../.."
command -v clang-tidy >/dev/null || { echo "clang-tidy is not installed (Debian: clang-tidy)"; exit 77; }
[ -f "$build/compile_commands.json" ] || { echo "no $build/compile_commands.json"; exit 1; }
if [ $# -gt 0 ]; then files=("$@"); else mapfile -t files < <(find engine/src engine/cli -name '*.cpp' | sort); fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
printf '%s\n' "${files[@]}" | xargs -P "$(nproc)" -n 1 clang-tidy -p "$build" --quiet >"$log" 2>/dev/null || true
if grep -q "warning:\|error:" "$log"; then
  grep "warning:\|error:" "$log" | sort -u
  echo "clang-tidy: $(grep -c "warning:\|error:" "$log") findings in ${#files[@]} files"
  exit 1
fi
echo "clang-tidy: ${#files[@]} files, no findings"
