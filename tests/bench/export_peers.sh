#!/usr/bin/env bash
# Export benchmark, side by side with ogr2ogr in one run (issue: exports and PostGIS): the
# 1,000,000 geocoded incidents copied to a GeoPackage and to PostGIS (a new table) by
# `hotspot export` and by `ogr2ogr`, in interleaved pairs (hotspot, ogr2ogr, hotspot, ...) so that
# both see the same machine and server state. Each PostGIS run starts from a dropped schema and a
# CHECKPOINT. Needs a Release build in build/, psql, and a PostGIS server (bash .ci/postgis start).
#
#   bash tests/bench/geocode_benchmark.sh 1000000 1 snap      # makes the police.uk-format input
#   build/engine/hotspot geocode -q --no-csv /tmp/hotspot-bench/police-1000000-snap -o /tmp/hotspot-bench/inc
#   bash tests/bench/export_peers.sh /tmp/hotspot-bench/inc/incidents.gpkg "PG:host=... port=... dbname=... user=..." [PAIRS]
set -euo pipefail
src=$1
pg=$2
pairs=${3:-5}
hotspot=${HOTSPOT_BIN:-build/engine/hotspot}
work=$(mktemp -d /tmp/hotspot-export-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
rows=$(ogrinfo -so "$src" incidents | sed -n 's/Feature Count: //p')
conninfo=${pg#PG:}

elapsed() {  # runs "$@", prints wall seconds
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
    end=$(date +%s.%N)
    python3 -c "print(f'{$end - $start:.2f}')"
}
fresh_db() {
    psql -q "$conninfo" -c "DROP SCHEMA IF EXISTS bench_h CASCADE; DROP SCHEMA IF EXISTS bench_o CASCADE; CREATE SCHEMA bench_o; CHECKPOINT;" >/dev/null 2>&1
    sync
    sleep 2
}
summary() {  # label, then "h o" pairs
    python3 - "$rows" "$@" <<'PY'
import statistics, sys
rows = int(sys.argv[1]); label = sys.argv[2]; t = [float(v) for v in sys.argv[3:]]
h, o = t[0::2], t[1::2]
mh, mo = statistics.median(h), statistics.median(o)
wins = sum(a < b for a, b in zip(h, o))
print(f"{label}: hotspot median {mh:.2f} s ({rows / mh:,.0f} rows/s), ogr2ogr median {mo:.2f} s ({rows / mo:,.0f} rows/s); "
      f"ogr2ogr / hotspot = {mo / mh:.2f}; hotspot faster in {wins} of {len(h)} pairs")
PY
}

echo "source: $src ($rows rows); $pairs interleaved pairs per target; $(nproc) cores"
gpkg=()
for i in $(seq "$pairs"); do
    rm -f "$work"/h.gpkg "$work"/o.gpkg; sync
    h=$(elapsed "$hotspot" -q export "$src" --layer incidents -f gpkg --to "$work/h.gpkg" --no-styles)
    o=$(elapsed ogr2ogr -f GPKG "$work/o.gpkg" "$src" incidents)
    echo "GeoPackage pair $i: hotspot $h s, ogr2ogr $o s"
    gpkg+=("$h" "$o")
done
pgt=()
for i in $(seq "$pairs"); do
    fresh_db
    h=$(elapsed "$hotspot" -q export "$src" --layer incidents -f postgis --to "$pg" --run-id bench --schema bench_h)
    fresh_db
    o=$(elapsed ogr2ogr -f PostgreSQL "$pg" "$src" incidents -lco SCHEMA=bench_o -nln incidents)
    echo "PostGIS new table pair $i: hotspot $h s, ogr2ogr $o s"
    pgt+=("$h" "$o")
done
fresh_db
summary "GeoPackage" "${gpkg[@]}"
summary "PostGIS, new table" "${pgt[@]}"
