#!/usr/bin/env bash
# The PostGIS peer of `hotspot roads` (docs/benchmarks.md): snap with a KNN LATERAL join and
# ST_LineLocatePoint, cluster with ST_ClusterDBSCAN (eps 50 m, 4 points: planar, not network
# distance), cut 20 m lixels with ST_LineSubstring, and a planar quartic density at lixel centres
# (PostGIS has no network KDE). Uses a throwaway server from .ci/postgis.
#   usage: tests/bench/roads_postgis_peer.sh INPUT_DIR   (made by make_road_bench_input.py)
set -euo pipefail
cd "$(dirname "$0")/../.."
input=$(realpath "$1")
read -r dir port < <(bash .ci/postgis start)
trap 'bash .ci/postgis stop "$dir"' EXIT
PG="host=$dir port=$port dbname=hotspot_test user=postgres"
sql() { psql -X -q -v ON_ERROR_STOP=1 "$PG" -c "$1"; }
step() {
  local name=$1 query=$2 t0 t1
  t0=$(date +%s.%N)
  sql "$query"
  t1=$(date +%s.%N)
  printf '%-34s %7.3f s\n' "$name" "$(echo "$t1 - $t0" | bc)"
}
ogr2ogr -f PostgreSQL PG:"$PG" "$input/network.csv" -nln roads -a_srs EPSG:27700 -oo GEOM_POSSIBLE_NAMES=WKT -oo KEEP_GEOM_COLUMNS=NO \
  -lco GEOMETRY_NAME=geom -lco FID=id -nlt LINESTRING
sql "CREATE TABLE collisions (collision_index text, e double precision, n double precision, lon text, lat text, severity int, date text, time text)"
psql -X -q "$PG" -c "\\copy collisions FROM '$input/collisions.csv' CSV HEADER"
sql "ALTER TABLE collisions ADD COLUMN id serial; ALTER TABLE collisions ADD COLUMN geom geometry(Point, 27700);
     UPDATE collisions SET geom = ST_SetSRID(ST_MakePoint(e, n), 27700); CREATE INDEX ON collisions USING gist (geom); ANALYZE"
echo "PostGIS $(psql -X -At "$PG" -c 'SELECT postgis_lib_version()'), PostgreSQL $(psql -X -At "$PG" -c 'SHOW server_version')"
echo "roads: $(psql -X -At "$PG" -c 'SELECT count(*) FROM roads'), collisions: $(psql -X -At "$PG" -c 'SELECT count(*) FROM collisions')"
start=$(date +%s.%N)
step "snap (KNN within 30 m)" "CREATE TABLE snapped AS
  SELECT c.id, r.id AS edge, ST_LineLocatePoint(r.geom, c.geom) * ST_Length(r.geom) AS offset_m, ST_ClosestPoint(r.geom, c.geom) AS geom
  FROM collisions c CROSS JOIN LATERAL (
    SELECT id, geom FROM roads r WHERE ST_DWithin(r.geom, c.geom, 30) ORDER BY r.geom <-> c.geom LIMIT 1) r"
step "cluster (ST_ClusterDBSCAN 50 m, 4)" "CREATE TABLE clusters AS
  SELECT id, ST_ClusterDBSCAN(geom, eps := 50, minpoints := 4) OVER () AS cid FROM snapped"
step "lixels (ST_LineSubstring 20 m)" "CREATE TABLE lixels AS
  SELECT row_number() OVER () AS lid, ST_LineInterpolatePoint(ST_LineSubstring(r.geom, k::float8 / s.n, (k + 1)::float8 / s.n), 0.5) AS centre
  FROM roads r CROSS JOIN LATERAL (SELECT greatest(1, round(ST_Length(r.geom) / 20))::int AS n) s CROSS JOIN LATERAL generate_series(0, s.n - 1) k;
  CREATE INDEX ON snapped USING gist (geom)"
step "planar quartic KDE at lixels" "CREATE TABLE density AS
  SELECT l.lid, sum(15.0 / 16.0 * power(1 - power(ST_Distance(l.centre, s.geom) / 300, 2), 2) / 300) AS density
  FROM lixels l JOIN snapped s ON ST_DWithin(l.centre, s.geom, 300) GROUP BY l.lid"
end=$(date +%s.%N)
printf '%-34s %7.3f s\n' "total" "$(echo "$end - $start" | bc)"
echo "clusters: $(psql -X -At "$PG" -c 'SELECT count(DISTINCT cid) FROM clusters WHERE cid IS NOT NULL'), snapped: $(psql -X -At "$PG" -c 'SELECT count(*) FROM snapped'), lixels: $(psql -X -At "$PG" -c 'SELECT count(*) FROM lixels')"
