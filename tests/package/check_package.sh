#!/usr/bin/env bash
# The installed package works for a separate program: install the build tree into a scratch
# prefix, build tests/package/consumer against it with find_package(hotspot CONFIG), run it, and
# check that its Gi* hot spots are the installed CLI's, cell for cell.
#   usage: check_package.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(realpath "$1")
source=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/include/hotspot/analysis_run.hpp" || { echo "headers not installed under include/hotspot"; exit 1; }
ls "$work/prefix"/lib*/libhotspot.so.0 >/dev/null || { echo "libhotspot.so.0 (SOVERSION) not installed"; exit 1; }
cmake -S "$source/tests/package/consumer" -B "$work/consumer" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/consumer" >/dev/null
# The program runs against the installed shared library, not the build tree's.
# (ldd into a file first: `ldd | grep -q` under pipefail fails when grep exits early and ldd gets SIGPIPE.)
ldd "$work/consumer/gistar_hotspots" >"$work/ldd.txt"
grep -q "$work/prefix/.*libhotspot.so.0" "$work/ldd.txt" || { echo "not linked to the installed libhotspot.so.0"; cat "$work/ldd.txt"; exit 1; }
"$work/consumer/gistar_hotspots" "$source/data/police" "$work/api" >"$work/api.txt"
"$work/prefix/bin/hotspot" gistar -q "$source/data/police" --group burglary --months 2021 --cell 250 -o "$work/cli"
grep -q "^hotspot " "$work/api.txt"
grep -q "balanced" "$work/api.txt" || { echo "no balanced ledger in the program's report"; cat "$work/api.txt"; exit 1; }
for raster in gistar_counts.tif gistar_z.tif gistar_bin.tif; do
  a=$(gdalinfo -checksum "$work/api/$raster" | grep Checksum)
  b=$(gdalinfo -checksum "$work/cli/$raster" | grep Checksum)
  [ -n "$a" ] && [ "$a" = "$b" ] || { echo "$raster differs: program $a, CLI $b"; exit 1; }
done
hot() { ogrinfo -ro -q -sql "SELECT COUNT(*) AS n FROM hotspot_cells WHERE gi_bin >= 2" "$1" | sed -n 's/.*n (Integer) = //p'; }
hot_api=$(hot "$work/api/hotspots.gpkg")
hot_cli=$(hot "$work/cli/hotspots.gpkg")
[ -n "$hot_api" ] && [ "$hot_api" = "$hot_cli" ] || { echo "hot cells differ: program '$hot_api', CLI '$hot_cli'"; exit 1; }
echo "package: find_package(hotspot) program = CLI ($hot_api hot cells at 95 %+; rasters identical)"
