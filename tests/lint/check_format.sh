#!/usr/bin/env bash
# Every C++ source follows .clang-format: clang-format would change nothing.
#   usage: check_format.sh SOURCE_DIR [FILE...]   (files: check only those; the fixture test uses it)
# To fix: clang-format -i --style=file <file>   (or the command in docs/contributing.md)
set -euo pipefail
source=$(realpath "$1")
cd "$source"
command -v clang-format >/dev/null || { echo "clang-format is not installed (Debian: clang-format)"; exit 77; }
shift
if [ $# -gt 0 ]; then
  files=("$@")
else
  # Fixtures are deliberately wrong (tests/lint/fixture is misformatted on purpose).
  mapfile -t files < <(find engine viewer tests data shapes \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' \) -not -path '*/fixture/*' | sort)
  [ "${#files[@]}" -gt 50 ] || { echo "found only ${#files[@]} sources under $source"; exit 1; }
fi
bad=()
for f in "${files[@]}"; do
  clang-format --style=file --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if [ "${#bad[@]}" -gt 0 ]; then
  echo "${#bad[@]} of ${#files[@]} files differ from .clang-format:"; printf '  %s\n' "${bad[@]}"
  echo "fix with: clang-format -i --style=file <file>"
  exit 1
fi
echo "format: ${#files[@]} files follow .clang-format"
