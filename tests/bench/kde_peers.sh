#!/usr/bin/env bash
# Density benchmarks side by side with their peers, in one run (issue: hotspot densities):
#   hotspot_bench (BM_Kde1MQuartic1000x1000, BM_GiStarQueen), R spatstat density.ppp and spdep
#   localG (tests/bench/r_peers.R), and QGIS's heatmap through qgis_process when it is installed.
# Peers come from Debian: apt-get install r-cran-spatstat r-cran-spdep qgis
#   bash tests/bench/kde_peers.sh [BUILD_DIR] [WORK_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
work=${2:-/tmp/hotspot-kde-peers}
mkdir -p "$work"

echo "== hotspot_bench (median of 3 repetitions)"
"$build/tests/bench/hotspot_bench" --benchmark_filter='Kde1M|GiStar' --benchmark_repetitions=3 \
    --benchmark_report_aggregates_only=true --benchmark_format=json >"$work/hotspot.json"
ours_kde=$(python3 -c 'import json,sys; b=json.load(open(sys.argv[1]))["benchmarks"]; print([x["real_time"] for x in b if x["name"].startswith("BM_Kde1M") and x["aggregate_name"]=="median"][0])' "$work/hotspot.json")
ours_gi=$(python3 -c 'import json,sys; b=json.load(open(sys.argv[1]))["benchmarks"]; print([x["real_time"] for x in b if x["name"].startswith("BM_GiStarQueen/316") and x["aggregate_name"]=="median"][0])' "$work/hotspot.json")
echo "KDE 1M points 1000x1000: ${ours_kde} ms; Gi* 99,856 cells: ${ours_gi} ms"

echo "== R spatstat and spdep"
Rscript "$here/r_peers.R" | tee "$work/r.txt"
spatstat_s=$(sed -n 's/^spatstat.*median \([0-9.]*\) s.*/\1/p' "$work/r.txt")
spdep_s=$(sed -n 's/^spdep localG.*median \([0-9.]*\) s.*/\1/p' "$work/r.txt")

qgis_s=""
if command -v qgis_process.bin >/dev/null; then
    echo "== QGIS heatmap (qgis_process), 1M points from a GeoPackage, 50 m pixels, 250 m quartic"
    export QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp/runtime-$(id -u)}
    if [ ! -s "$work/points.gpkg" ]; then
        python3 "$here/make_kde_points.py" "$work/points.csv"
        python3 "$here/make_kde_points.py" "$work/points10.csv" 10
        for f in points points10; do
            ogr2ogr -f GPKG "$work/$f.gpkg" "$work/$f.csv" -oo X_POSSIBLE_NAMES=x -oo Y_POSSIBLE_NAMES=y \
                -a_srs EPSG:27700 -nln points -lco SPATIAL_INDEX=NO
        done
    fi
    heatmap() {  # qgis_process.bin: Debian's qgis_process wrapper passes an option 3.22 refuses
        local start end
        start=$(date +%s.%N)
        qgis_process.bin run qgis:heatmapkerneldensityestimation --INPUT="$1" --RADIUS=250 --PIXEL_SIZE=50 \
            --KERNEL=0 --OUTPUT_VALUE=0 --OUTPUT="$work/qgis.tif" >/dev/null 2>&1
        end=$(date +%s.%N)
        python3 -c "print(f'{$end - $start:.3f}')"
    }
    big=(); small=()
    for _ in 1 2 3; do small+=("$(heatmap "$work/points10.gpkg")"); big+=("$(heatmap "$work/points.gpkg")"); done
    med() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
    qgis_total=$(med "${big[@]}"); qgis_start=$(med "${small[@]}")
    qgis_s=$(python3 -c "print(f'{$qgis_total - $qgis_start:.3f}')")
    echo "qgis_process 1M points: median ${qgis_total} s (runs ${big[*]}); 10 points (start-up): ${qgis_start} s; net ${qgis_s} s"
else
    echo "== QGIS: qgis_process not installed (apt-get install qgis), left out"
fi

echo "== Side by side"
python3 - "$ours_kde" "$ours_gi" "$spatstat_s" "$spdep_s" "$qgis_s" <<'PY'
import sys
kde, gi, spatstat, spdep, qgis = sys.argv[1:]
kde, gi = float(kde), float(gi)
peers = {"spatstat density.ppp": float(spatstat)}
if qgis:
    peers["QGIS heatmap (net of start-up)"] = float(qgis)
for name, s in peers.items():
    print(f"KDE: hotspot {kde:.1f} ms vs {name} {s * 1000:.0f} ms: {s * 1000 / kde:.1f}x")
fastest = min(peers.values())
print(f"KDE against the fastest peer: {fastest * 1000 / kde:.1f}x (goal 20x)")
print(f"Gi*: hotspot {gi:.2f} ms vs spdep localG {float(spdep) * 1000:.0f} ms: {float(spdep) * 1000 / gi:.1f}x (goal 20x)")
PY
