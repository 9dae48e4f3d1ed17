#!/usr/bin/env bash
# Whole-command benchmark for geocode, outputs written as by default, against GeoPandas doing the
# same work and writing the same kinds of files, in interleaved pairs (hotspot, then GeoPandas)
# so both see the same machine load. Needs ../shared/reference, a Release build in build/ and
# Debian's python3-geopandas + python3-rtree.
#
#   bash tests/bench/geocode_whole_command.sh [ROWS] [PAIRS] [snap|unique]
#
# Prints each run's wall time and peak memory, then medians and min-max, and the load average.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=${1:-1000000}
PAIRS=${2:-3}
MODE=${3:-snap}
SHARED=${HOTSPOT_SHARED_DIR:-../shared}
WORK=${HOTSPOT_BENCH_DIR:-/tmp/hotspot-bench}
mkdir -p "$WORK"
[ -d "$WORK/police-$ROWS-$MODE" ] || PYTHONHASHSEED=0 python3 tests/bench/make_police_bench_input.py "$SHARED" "$WORK/police-$ROWS-$MODE" "$ROWS" 10 "$MODE"
if [ ! -f "$WORK/lsoa.gpkg" ]; then
  for f in "$SHARED"/reference/uk-geojson-martinjc/lsoa_by_lad/E07000*.json; do ogr2ogr -f GPKG -append -nln lsoa "$WORK/lsoa.gpkg" "$f"; done
fi
echo "input: $ROWS rows ($MODE), $(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
ours=(); theirs=()
for pair in $(seq "$PAIRS"); do
  rm -rf "$WORK/out-hotspot" "$WORK/out-geopandas"
  line=$(/usr/bin/time -f "%e %M" ./build/engine/hotspot geocode -q --timing "$WORK/police-$ROWS-$MODE" \
           -a lsoa="$WORK/lsoa.gpkg" -a priority=shapes/priority_areas.geojson -o "$WORK/out-hotspot" 2>&1 | tail -2 | tr '\n' ' ')
  echo "pair $pair hotspot: $line (wall s, peak KB)"
  ours+=("$(echo "$line" | awk '{print $(NF-1)}')")
  line=$(/usr/bin/time -f "%e %M" /usr/bin/python3 tests/bench/geopandas_sjoin.py "$WORK/police-$ROWS-$MODE" "$WORK/lsoa.gpkg" \
           shapes/priority_areas.geojson "$WORK/out-geopandas" 2>&1 | tail -2 | tr '\n' ' ')
  echo "pair $pair geopandas: $line (wall s, peak KB)"
  theirs+=("$(echo "$line" | awk '{print $(NF-1)}')")
done
stats() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {printf "median %s s (min %s, max %s)", a[int((NR+1)/2)], a[1], a[NR]}'; }
echo "hotspot:   $(stats "${ours[@]}")"
echo "geopandas: $(stats "${theirs[@]}")"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
