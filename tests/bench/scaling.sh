#!/usr/bin/env bash
# Whole-command time and peak memory as the input grows (docs/scaling.md): geocode, density and
# gistar at 100k, 1M, 5M and 10M rows, outputs written as by default. Each size runs RUNS times
# (default 2; the table shows the median and the range) and writes one row per run to
# $WORK/scaling.tsv, then the Markdown table and docs/scaling.svg (time against rows, log-log).
#
#   bash tests/bench/scaling.sh [SIZES...]     (default: 100000 1000000 5000000 10000000)
#
# Inputs are generated into $WORK (default /tmp/hotspot-scaling; 10M police.uk rows are ~2.2 GB)
# and never committed. geocode needs ../shared/reference (HOTSPOT_SHARED_DIR).
set -uo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-2}
BUILD=${BUILD:-build}
WORK=${WORK:-/tmp/hotspot-scaling}
SHARED=${HOTSPOT_SHARED_DIR:-../shared}
HOTSPOT=$(realpath "$BUILD/engine/hotspot")
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000 5000000 10000000)
mkdir -p "$WORK"
out="$WORK/scaling.tsv"
: >"$out"
echo "scaling.sh: sizes ${sizes[*]}, $RUNS runs each, $(nproc) cores, $(git rev-parse --short HEAD), load $(cut -d' ' -f1-3 /proc/loadavg)"
if [ ! -f "$WORK/lsoa.gpkg" ] && [ -d "$SHARED/reference" ]; then
  for f in "$SHARED"/reference/uk-geojson-martinjc/lsoa_by_lad/E07000*.json; do ogr2ogr -f GPKG -append -nln lsoa "$WORK/lsoa.gpkg" "$f"; done
fi

measure() {  # measure COMMAND ROWS -- ARGS...
  local command=$1 rows=$2
  shift 3
  rm -rf "$WORK/out"
  if ! /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$HOTSPOT" "$command" -q "$@" -o "$WORK/out" >/dev/null 2>"$WORK/err.txt"; then
    echo "  $command $rows: FAILED"; tail -3 "$WORK/err.txt"; return
  fi
  read -r wall kb <"$WORK/time.txt"
  printf '%s\t%s\t%s\t%s\n' "$command" "$rows" "$wall" "$kb" >>"$out"
  printf '  %-8s %9s rows %8.2f s %7d MB\n' "$command" "$rows" "$wall" "$((kb / 1024))"
}

for n in "${sizes[@]}"; do
  points="$WORK/points-$n.csv"
  [ -s "$points" ] || python3 tests/bench/make_kde_points.py "$points" "$n"
  police="$WORK/police-$n-snap"
  if [ -d "$SHARED/reference" ] && [ ! -d "$police" ]; then
    PYTHONHASHSEED=0 python3 tests/bench/make_police_bench_input.py "$SHARED" "$police" "$n" 10 snap >/dev/null
  fi
  for _ in $(seq "$RUNS"); do
    [ -d "$police" ] && measure geocode "$n" -- "$police" -a lsoa="$WORK/lsoa.gpkg" -a priority=shapes/priority_areas.geojson
    measure density "$n" -- "$points" --columns x=x,y=y --srs EPSG:27700 --cell 50 --bandwidth 250
    measure gistar "$n" -- "$points" --columns x=x,y=y --srs EPSG:27700 --cell 50
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$out" docs/scaling.svg <<'PY'
import collections, math, statistics, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    command, rows, wall, kb = line.split("\t")
    runs[(command, int(rows))].append((float(wall), int(kb)))
print("| command | rows | median wall | min-max | peak RSS | rows/s |")
print("|---|---:|---:|---|---:|---:|")
for (command, rows), r in sorted(runs.items()):
    walls = [w for w, _ in r]
    med = statistics.median(walls)
    print(f"| {command} | {rows:,} | {med:.2f} s | {min(walls):.2f}-{max(walls):.2f} s | {max(k for _, k in r) // 1024} MB | {rows / med / 1e6:.2f} M |")
# A small log-log chart: one line per command.
W, H, L, B = 640, 400, 70, 50
xs = sorted({rows for _, rows in runs}); ys = [statistics.median(w for w, _ in r) for r in runs.values()]
if len(xs) > 1:
    x0, x1 = math.log10(min(xs)), math.log10(max(xs))
    y0, y1 = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))
    px = lambda v: L + (math.log10(v) - x0) / (x1 - x0) * (W - L - 20)
    py = lambda v: H - B - (math.log10(v) - y0) / max(y1 - y0, 1) * (H - B - 20)
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<line x1="{L}" y1="{H - B}" x2="{W - 20}" y2="{H - B}" stroke="black"/><line x1="{L}" y1="20" x2="{L}" y2="{H - B}" stroke="black"/>',
           f'<text x="{(W + L) / 2}" y="{H - 10}" text-anchor="middle">input rows (log scale)</text>',
           f'<text x="15" y="{(H - B) / 2}" transform="rotate(-90 15 {(H - B) / 2})" text-anchor="middle">whole command, seconds (log scale)</text>']
    for x in xs: svg.append(f'<text x="{px(x):.0f}" y="{H - B + 18}" text-anchor="middle">{x:,}</text>')
    for e in range(y0, y1 + 1): svg.append(f'<text x="{L - 8}" y="{py(10 ** e) + 4:.0f}" text-anchor="end">{10 ** e:g}</text>')
    colours = {"geocode": "#1b9e77", "density": "#d95f02", "gistar": "#7570b3"}
    for k, command in enumerate(sorted({c for c, _ in runs})):
        pts = [(rows, statistics.median(w for w, _ in runs[(command, rows)])) for rows in xs if (command, rows) in runs]
        path = " ".join(f"{px(r):.1f},{py(t):.1f}" for r, t in pts)
        colour = colours.get(command, "black")
        svg.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        svg.append(f'<text x="{L + 10}" y="{30 + 16 * k}" fill="{colour}">{command}</text>')
    svg.append("</svg>")
    open(sys.argv[2], "w").write("\n".join(svg) + "\n")
    print(f"\nchart: {sys.argv[2]}")
PY
