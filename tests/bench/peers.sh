#!/usr/bin/env bash
# Every whole-command workload of docs/benchmarks.md against its peers, side by side in one run:
# whole processes, outputs written, interleaved (hotspot, then each peer, PAIRS times) so all see
# the same machine load; prints each run, then per workload the median, min-max, peak memory and
# the ratio to hotspot, and the load average before and after.
#
#   bash tests/bench/peers.sh [--install] [WORKLOAD...]   (default: density gistar sites roads geocode;
#   also moran: local Moran's I against spdep, near-repeat: the Knox test against NumPy, forecast: forecast-evaluate against NumPy/SciPy,
#   and roads-tables: roads with STATS19 casualty and
#   vehicle tables, no peer)
#
# --install first installs the peers from Debian's archive (root; the packages listed below).
#
# Environment: ROWS (incidents, default 1000000), PAIRS (default 3), SLOW_PAIRS (runs of the peers
# that take minutes at 1M: spdep Gi* and GeoPandas; default 1), BUILD (default build), WORK
# (scratch, default /tmp/hotspot-peers), HOTSPOT_SHARED_DIR (default ../shared; geocode needs it).
# Peers come from Debian: apt-get install r-cran-spatstat r-cran-spdep qgis python3-geopandas
# python3-rtree python3-scipy postgresql-15-postgis-3; a missing peer is reported and left out.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROWS=${ROWS:-1000000}
PAIRS=${PAIRS:-3}
SLOW_PAIRS=${SLOW_PAIRS:-1}
BUILD=${BUILD:-build}
WORK=${WORK:-/tmp/hotspot-peers}
SHARED=${HOTSPOT_SHARED_DIR:-../shared}
HOTSPOT=$(realpath "$BUILD/engine/hotspot")
if [ "${1:-}" = "--install" ]; then
  shift
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q r-cran-spatstat r-cran-spdep qgis python3-geopandas python3-rtree \
    python3-scipy python3-pandas postgresql-15-postgis-3 bc >/dev/null || { echo "peers.sh: installing the peers failed"; exit 1; }
fi
workloads=("$@")
[ ${#workloads[@]} -gt 0 ] || workloads=(density gistar sites roads geocode)
mkdir -p "$WORK"
results="$WORK/results.tsv"
: >"$results"
export QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp/runtime-$(id -u)}
mkdir -p "$XDG_RUNTIME_DIR"
echo "peers.sh: $ROWS rows, $PAIRS pairs ($SLOW_PAIRS for minute-long peers), $(nproc) cores, $(git rev-parse --short HEAD)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
# A virtio balloon with free page reporting (feature bit 5) hands freed memory back to the host:
# a run right after another program's exit then waits for fresh memory (docs/benchmarks.md).
for dev in /sys/bus/virtio/devices/*; do
  if [ "$(cat "$dev/device" 2>/dev/null)" = "0x0005" ]; then
    features=$(cat "$dev/features" 2>/dev/null)
    echo "virtio balloon free page reporting: $([ "${features:5:1}" = 1 ] && echo on || echo off)"
  fi
done

# run WORKLOAD TOOL OUT_DIR -- COMMAND...: one whole process, wall time and peak RSS recorded.
run() {
  local workload=$1 tool=$2 out=$3
  shift 4
  rm -rf "$out"; mkdir -p "$out"
  if ! /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" >/dev/null 2>"$WORK/last.err"; then
    echo "  $workload $tool: FAILED (see $WORK/last.err)"; tail -3 "$WORK/last.err"; return 1
  fi
  local wall kb
  read -r wall kb <"$WORK/time.txt"
  printf '%s\t%s\t%s\t%s\n' "$workload" "$tool" "$wall" "$kb" >>"$results"
  printf '  %-8s %-34s %8.2f s %7.0f MB\n' "$workload" "$tool" "$wall" "$((kb / 1024))"
}
have() { command -v "$1" >/dev/null 2>&1; }
rlib() { Rscript -e "suppressMessages(library($1))" >/dev/null 2>&1; }

density() {
  local points="$WORK/points-$ROWS.csv"
  [ -s "$points" ] || python3 tests/bench/make_kde_points.py "$points" "$ROWS"
  echo "== density: $ROWS clustered points -> quartic KDE, 50 m cells, 250 m radius, GeoTIFFs written"
  for _ in $(seq "$PAIRS"); do
    run density hotspot "$WORK/out-density" -- "$HOTSPOT" density -q "$points" --columns x=x,y=y --srs EPSG:27700 --cell 50 \
      --bandwidth 250 -o "$WORK/out-density"
    if rlib spatstat; then
      run density "spatstat density.ppp (R)" "$WORK/out-spatstat" -- Rscript tests/bench/peer_spatstat_density.R "$points" \
        "$WORK/out-spatstat" 50 250
    fi
    if have qgis_process.bin; then
      run density "QGIS 3.22 heatmap (qgis_process)" "$WORK/qgis" -- qgis_process.bin run qgis:heatmapkerneldensityestimation \
        "--INPUT=delimitedtext://file://$points?type=csv&xField=x&yField=y&crs=EPSG:27700&spatialIndex=no&subsetIndex=no&watchFile=no" \
        --RADIUS=250 --PIXEL_SIZE=50 --KERNEL=0 --OUTPUT_VALUE=0 "--OUTPUT=$WORK/qgis/heatmap.tif"
    fi
  done
  rlib spatstat || echo "  spatstat not installed (apt-get install r-cran-spatstat): left out"
  have qgis_process.bin || echo "  QGIS not installed (apt-get install qgis): left out"
}

gistar() {
  local points="$WORK/points-$ROWS.csv"
  [ -s "$points" ] || python3 tests/bench/make_kde_points.py "$points" "$ROWS"
  echo "== gistar: $ROWS clustered points -> 50 m cells (about 1000 x 1000), queen + self, outputs written"
  for _ in $(seq "$PAIRS"); do
    run gistar hotspot "$WORK/out-gistar" -- "$HOTSPOT" gistar -q "$points" --columns x=x,y=y --srs EPSG:27700 --cell 50 -o "$WORK/out-gistar"
  done
  if rlib spdep; then
    for _ in $(seq "$SLOW_PAIRS"); do
      run gistar hotspot "$WORK/out-gistar" -- "$HOTSPOT" gistar -q "$points" --columns x=x,y=y --srs EPSG:27700 --cell 50 -o "$WORK/out-gistar"
      run gistar "spdep localG (R)" "$WORK/out-spdep" -- Rscript tests/bench/peer_spdep_gistar.R "$points" "$WORK/out-spdep" 50
    done
  else
    echo "  spdep not installed (apt-get install r-cran-spdep): left out"
  fi
}

moran() {
  local points="$WORK/points-$ROWS.csv"
  [ -s "$points" ] || python3 tests/bench/make_kde_points.py "$points" "$ROWS"
  echo "== moran: $ROWS clustered points -> 50 m cells (about 1000 x 1000), local Moran's I, queen, row-standardised, outputs written"
  for _ in $(seq "$PAIRS"); do
    run moran hotspot "$WORK/out-moran" -- "$HOTSPOT" moran -q "$points" --columns x=x,y=y --srs EPSG:27700 --cell 50 -o "$WORK/out-moran"
  done
  if rlib spdep; then
    for _ in $(seq "$SLOW_PAIRS"); do
      run moran hotspot "$WORK/out-moran" -- "$HOTSPOT" moran -q "$points" --columns x=x,y=y --srs EPSG:27700 --cell 50 -o "$WORK/out-moran"
      run moran "spdep localmoran (R)" "$WORK/out-spdep-moran" -- Rscript tests/bench/peer_spdep_localmoran.R "$points" "$WORK/out-spdep-moran" 50
    done
  else
    echo "  spdep not installed (apt-get install r-cran-spdep): left out"
  fi
}

near_repeat() {
  local events="$WORK/near-repeat-100000.csv"
  [ -s "$events" ] || python3 tests/bench/make_near_repeat_input.py "$events" 100000
  echo "== near-repeat: 100,000 dated burglaries, distance bands to 400 m, 14-day bands to 56 days, 999 permutations"
  for _ in $(seq "$PAIRS"); do
    run near-repeat hotspot "$WORK/out-near-repeat" -- "$HOTSPOT" near-repeat -q "$events" --columns id=id,x=x,y=y,date=date,category=category \
      --srs EPSG:27700 -o "$WORK/out-near-repeat"
    if /usr/bin/python3 -c 'import scipy, pandas' 2>/dev/null; then
      run near-repeat "SciPy cKDTree + NumPy Knox (Python)" "$WORK/out-knox-numpy" -- /usr/bin/python3 tests/bench/peer_knox_numpy.py "$events" \
        "$WORK/out-knox-numpy/knox.csv" 999
    fi
  done
}

forecast() {
  local crimes="$WORK/forecast-36x20000.csv"
  [ -s "$crimes" ] || python3 tests/bench/make_forecast_input.py "$crimes" 36 20000
  echo "== forecast: 36 months x 20,000 dated crimes, 100 m cells, 24 target months x 6 maps x 3 coverages, outputs written"
  for _ in $(seq "$PAIRS"); do
    run forecast hotspot "$WORK/out-forecast" -- "$HOTSPOT" forecast-evaluate -q "$crimes" --columns id=id,x=x,y=y,date=date,category=category \
      --srs EPSG:27700 -o "$WORK/out-forecast"
    if /usr/bin/python3 -c 'import scipy, pandas' 2>/dev/null; then
      run forecast "NumPy/SciPy, same definitions (Python)" "$WORK/out-forecast-numpy" -- /usr/bin/python3 tests/bench/peer_forecast_numpy.py \
        "$crimes" "$WORK/out-forecast-numpy/summary.csv"
    fi
  done
  if [ -s "$WORK/out-forecast-numpy/summary.csv" ]; then
    python3 - "$WORK/out-forecast/forecast_summary.csv" "$WORK/out-forecast-numpy/summary.csv" <<'PY'
import csv, sys
ours = {(r["method"], r["coverage_pct"]): float(r["pai_mean"]) for r in csv.DictReader(open(sys.argv[1]))}
peer = {(r["method"], r["coverage_pct"]): float(r["pai_mean"]) for r in csv.DictReader(open(sys.argv[2]))}
worst = max(abs(ours[k] - v) for k, v in peer.items())
print(f"  same answer: {len(peer)} mean PAIs, largest difference {worst:.1e}")
PY
  fi
}

sites() {
  local dir="$WORK/sites-$ROWS"
  [ -s "$dir/candidates.csv" ] || python3 tests/bench/make_sites_bench_input.py "$dir" "$ROWS" 100000
  echo "== sites: $ROWS incidents, 100,000 candidates, 50 sites of 100 m radius on 10 m cells (counts demand)"
  for _ in $(seq "$PAIRS"); do
    run sites hotspot "$WORK/out-sites" -- "$HOTSPOT" sites -q "$dir/incidents.csv" --columns x=x,y=y --srs EPSG:27700 \
      --candidates "$dir/candidates.csv" --demand counts --cell 10 --radius 100 -n 50 -o "$WORK/out-sites"
    run sites "SciPy cKDTree lazy greedy (Python)" "$WORK/out-ckdtree" -- /usr/bin/python3 tests/bench/peer_sites_ckdtree.py \
      "$dir/incidents.csv" "$dir/candidates.csv" "$WORK/out-ckdtree" 50 100 10
  done
  if diff -q <(cut -d, -f2 "$WORK/out-sites/sites.csv") <(cut -d, -f2 "$WORK/out-ckdtree/sites.csv") >/dev/null; then
    echo "  same answer: the 50 picks are the same candidates in the same order"
  else
    echo "  DIFFERENT picks: compare $WORK/out-sites/sites.csv and $WORK/out-ckdtree/sites.csv"
  fi
}

roads() {
  local dir="$WORK/roads"
  [ -s "$dir/network.csv" ] || python3 tests/bench/make_road_bench_input.py "$dir" >/dev/null
  echo "== roads: 100,000 collisions on a 50,244-edge network, outputs written"
  for _ in $(seq "$PAIRS"); do
    run roads hotspot "$WORK/out-roads" -- "$HOTSPOT" roads -q --network "$dir/network.csv" --network-srs EPSG:27700 \
      --collisions "$dir/collisions.csv" -o "$WORK/out-roads"
  done
  if have pg_ctlcluster || ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    local total
    total=$(bash tests/bench/roads_postgis_peer.sh "$dir" 2>/dev/null | awk '$1 == "total" {print $2}')
    if [ -n "$total" ]; then
      printf 'roads\t%s\t%s\t0\n' "PostGIS SQL steps (loading not timed)" "$total" >>"$results"
      printf '  %-8s %-34s %8.2f s\n' roads "PostGIS SQL steps (loading not timed)" "$total"
    fi
  else
    echo "  PostgreSQL/PostGIS not installed: left out"
  fi
}

# The issue 16 workload: the same 100k collisions with circumstance columns, 200k casualties and
# 200k vehicles (found beside the collision file), the register profiled. No peer does this.
roads_tables() {
  local dir="$WORK/roads"
  [ -s "$dir/tables/casualties.csv" ] || python3 tests/bench/make_road_bench_input.py "$dir" >/dev/null
  echo "== roads-tables: 100,000 collisions + their casualties and vehicles on a 50,244-edge network, outputs written"
  for _ in $(seq "$PAIRS"); do
    run roads-tables hotspot "$WORK/out-roads-tables" -- "$HOTSPOT" roads -q --network "$dir/network.csv" --network-srs EPSG:27700 \
      --collisions "$dir/tables/collisions.csv" -o "$WORK/out-roads-tables"
  done
}

geocode() {
  if [ ! -d "$SHARED/reference" ]; then echo "== geocode: $SHARED/reference not present, left out"; return; fi
  local input="$WORK/police-$ROWS-snap" lsoa="$WORK/lsoa.gpkg"
  [ -d "$input" ] || PYTHONHASHSEED=0 python3 tests/bench/make_police_bench_input.py "$SHARED" "$input" "$ROWS" 10 snap >/dev/null
  if [ ! -f "$lsoa" ]; then
    for f in "$SHARED"/reference/uk-geojson-martinjc/lsoa_by_lad/E07000*.json; do ogr2ogr -f GPKG -append -nln lsoa "$lsoa" "$f"; done
  fi
  echo "== geocode: $ROWS police.uk rows (10 files) -> 422 LSOAs + 11 priority areas, default outputs"
  # The PostGIS pipeline (COPY, ST_Transform, GiST join, CSV + GeoPackage out) on a throwaway
  # server started here (not timed); the peer's process is timed whole, the server's start is not.
  local pgdir="" pgport=""
  if [ "$(id -u)" -eq 0 ] && [ -x /usr/lib/postgresql/15/bin/initdb ] && have psql && have bc; then
    read -r pgdir pgport < <(bash .ci/postgis start) || true
  fi
  for _ in $(seq "$PAIRS"); do
    run geocode hotspot "$WORK/out-geocode" -- "$HOTSPOT" geocode -q "$input" -a lsoa="$lsoa" -a priority=shapes/priority_areas.geojson \
      -o "$WORK/out-geocode"
    if [ -n "$pgport" ]; then
      run geocode "PostGIS SQL pipeline (COPY, join, CSV + GPKG)" "$WORK/out-postgis" -- bash tests/bench/geocode_postgis_peer.sh "$input" "$lsoa" \
        shapes/priority_areas.geojson "$WORK/out-postgis" "$pgdir" "$pgport"
    fi
  done
  if [ -n "$pgport" ]; then bash .ci/postgis stop "$pgdir"; else echo "  PostGIS test server not available (root + postgresql-15-postgis-3): left out"; fi
  if /usr/bin/python3 -c 'import geopandas, rtree' 2>/dev/null; then
    for _ in $(seq "$SLOW_PAIRS"); do
      run geocode hotspot "$WORK/out-geocode" -- "$HOTSPOT" geocode -q "$input" -a lsoa="$lsoa" -a priority=shapes/priority_areas.geojson \
        -o "$WORK/out-geocode"
      run geocode "GeoPandas sjoin (Python)" "$WORK/out-geopandas" -- /usr/bin/python3 tests/bench/geopandas_sjoin.py "$input" "$lsoa" \
        shapes/priority_areas.geojson "$WORK/out-geopandas"
    done
  else
    echo "  GeoPandas or rtree not installed (apt-get install python3-geopandas python3-rtree): left out"
  fi
}

for w in "${workloads[@]}"; do
  case "$w" in
    density | gistar | moran | sites | roads | geocode) "$w" ;;
    roads-tables) roads_tables ;;
    near-repeat) near_repeat ;;
    forecast) forecast ;;
    *) echo "unknown workload '$w' (density gistar moran sites roads roads-tables near-repeat forecast geocode)"; exit 2 ;;
  esac
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
python3 - "$results" <<'PY'
import collections, statistics, sys
runs = collections.defaultdict(list)
order = []
for line in open(sys.argv[1]):
    w, tool, wall, kb = line.rstrip("\n").split("\t")
    if (w, tool) not in runs: order.append((w, tool))
    runs[(w, tool)].append((float(wall), int(kb)))
print("| workload | tool | runs | median wall | min-max | peak RSS | hotspot faster by |")
print("|---|---|---:|---:|---|---:|---:|")
for w, tool in order:
    r = runs[(w, tool)]
    walls = [x for x, _ in r]
    med = statistics.median(walls)
    ours = statistics.median(x for x, _ in runs[(w, "hotspot")]) if (w, "hotspot") in runs else None
    ratio = "" if tool == "hotspot" or not ours else f"{med / ours:.1f}x"
    mem = max(k for _, k in r) // 1024
    print(f"| {w} | {tool} | {len(r)} | {med:.2f} s | {min(walls):.2f}-{max(walls):.2f} s | {str(mem) + ' MB' if mem else '-'} | {ratio} |")
PY
