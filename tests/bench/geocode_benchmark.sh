#!/usr/bin/env bash
# Benchmark command for the geocode target (issue: 1,000,000 police.uk rows into ~450 LSOA
# polygons plus the priority areas). Needs ../shared/reference, a Release build in build/, and
# for the peer Debian's python3-geopandas (apt-get install python3-geopandas).
#
#   bash tests/bench/geocode_benchmark.sh [ROWS] [RUNS] [unique|snap]
#
# Prints hotspot's wall time and peak memory for RUNS runs (and the median), then GeoPandas's.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=${1:-1000000}
RUNS=${2:-5}
MODE=${3:-unique}
SHARED=${HOTSPOT_SHARED_DIR:-../shared}
WORK=${HOTSPOT_BENCH_DIR:-/tmp/hotspot-bench}
mkdir -p "$WORK"
if [ ! -d "$WORK/police-$ROWS-$MODE" ]; then
  PYTHONHASHSEED=0 python3 tests/bench/make_police_bench_input.py "$SHARED" "$WORK/police-$ROWS-$MODE" "$ROWS" 10 "$MODE"
fi
# One LSOA layer for both tools: the 2011 LSOAs of the 7 Northamptonshire districts.
if [ ! -f "$WORK/lsoa.gpkg" ]; then
  for f in "$SHARED"/reference/uk-geojson-martinjc/lsoa_by_lad/E07000*.json; do
    ogr2ogr -f GPKG -append -nln lsoa "$WORK/lsoa.gpkg" "$f"
  done
fi
echo "input: $ROWS rows in $(ls "$WORK/police-$ROWS-$MODE" | wc -l) files ($(du -sh "$WORK/police-$ROWS-$MODE" | cut -f1)); areas: $(ogrinfo -so "$WORK/lsoa.gpkg" lsoa | sed -n 's/Feature Count: //p') LSOAs + 11 priority areas; $(nproc) cores"
times=()
for run in $(seq "$RUNS"); do
  line=$(/usr/bin/time -f "%e %M" ./build/engine/hotspot geocode -q --no-output --timing "$WORK/police-$ROWS-$MODE" \
           -a lsoa="$WORK/lsoa.gpkg" -a priority=shapes/priority_areas.geojson 2>&1 | tail -2 | tr '\n' ' ')
  echo "hotspot run $run: $line  (last two numbers: wall seconds, peak RSS KB)"
  times+=("$(echo "$line" | awk '{print $(NF-1)}')")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "hotspot median wall: $median s = $(awk -v r="$ROWS" -v t="$median" 'BEGIN {printf "%.0f", r/t}') rows/s"
if /usr/bin/python3 -c "import geopandas" 2>/dev/null; then
  /usr/bin/time -f "geopandas wall %e s, peak RSS %M KB" /usr/bin/python3 tests/bench/geopandas_sjoin.py "$WORK/police-$ROWS-$MODE" "$WORK/lsoa.gpkg" shapes/priority_areas.geojson
else
  echo "geopandas not installed: apt-get install python3-geopandas"
fi
