#!/usr/bin/env bash
# The PostGIS peer for the geocode benchmark, as one whole process doing what `hotspot geocode`
# does by default: load the police.uk CSVs (COPY), WGS84 -> EPSG:27700 (ST_Transform), assign
# every row to an LSOA and a priority area (GiST index, ST_Intersects), and write the joined rows
# as CSV and as a GeoPackage layer (ogr2ogr from the server) with counts per LSOA, month and crime
# type. The area layers are loaded by the same process (433 polygons: a fraction of a second).
#
#   bash tests/bench/geocode_postgis_peer.sh CSV_DIR LSOA.gpkg PRIORITY.geojson OUT_DIR HOST PORT
#
# HOST/PORT: a server with PostGIS and a database hotspot_test (bash .ci/postgis start prints them).
# Prints the stage times and the rows assigned to an LSOA (to compare with hotspot's accounting).
set -euo pipefail
csv_dir=$1 lsoa=$2 priority=$3 out=$4 host=$5 port=$6
pg="PG:host=$host port=$port dbname=hotspot_test user=postgres"
psql_run() { psql -X -q -v ON_ERROR_STOP=1 -h "$host" -p "$port" -U postgres -d hotspot_test "$@"; }
mkdir -p "$out"
t0=$(date +%s.%N)
psql_run -c "DROP SCHEMA IF EXISTS bench_geocode CASCADE; CREATE SCHEMA bench_geocode"
ogr2ogr -f PostgreSQL "$pg" "$lsoa" -nln lsoa -lco SCHEMA=bench_geocode -lco GEOMETRY_NAME=geom -t_srs EPSG:27700 -select LSOA11CD
ogr2ogr -f PostgreSQL "$pg" "$priority" -nln priority -lco SCHEMA=bench_geocode -lco GEOMETRY_NAME=geom -t_srs EPSG:27700 -select code
copies=""
for f in "$csv_dir"/*.csv; do copies+="\\copy bench_geocode.crimes FROM '$f' CSV HEADER"$'\n'; done
t1=$(date +%s.%N)
psql_run <<SQL
SET search_path = bench_geocode, public;
CREATE UNLOGGED TABLE crimes (crime_id text, month text, reported_by text, falls_within text, longitude double precision,
  latitude double precision, location text, lsoa_code text, lsoa_name text, crime_type text, last_outcome text, context text);
$copies
CREATE UNLOGGED TABLE located AS
  SELECT *, ST_Transform(ST_SetSRID(ST_MakePoint(longitude, latitude), 4326), 27700) AS geom
  FROM crimes WHERE longitude IS NOT NULL AND latitude IS NOT NULL;
CREATE INDEX ON located USING GIST (geom);
ANALYZE located;
CREATE UNLOGGED TABLE joined AS
  SELECT c.*, (SELECT l."lsoa11cd" FROM lsoa l WHERE ST_Intersects(l.geom, c.geom) LIMIT 1) AS lsoa_code_assigned,
         (SELECT p.code FROM priority p WHERE ST_Intersects(p.geom, c.geom) LIMIT 1) AS priority_code
  FROM located c;
\copy (SELECT crime_id, month, reported_by, falls_within, longitude, latitude, location, lsoa_code, lsoa_name, crime_type, last_outcome, context, lsoa_code_assigned, priority_code, ST_X(geom) AS x, ST_Y(geom) AS y FROM joined) TO '$out/incidents.csv' CSV HEADER
\copy (SELECT lsoa_code_assigned, month, crime_type, count(*) AS incidents FROM joined GROUP BY 1, 2, 3 ORDER BY 1, 2, 3) TO '$out/area_summary.csv' CSV HEADER
SQL
t2=$(date +%s.%N)
ogr2ogr -f GPKG "$out/incidents.gpkg" "$pg" bench_geocode.joined -nln incidents
t3=$(date +%s.%N)
assigned=$(psql_run -At -c "SELECT count(lsoa_code_assigned) FROM bench_geocode.joined")
psql_run -c "DROP SCHEMA bench_geocode CASCADE"
echo "postgis: assigned to an LSOA $assigned; areas $(echo "$t1 - $t0" | bc) s, COPY + transform + join + CSV $(echo "$t2 - $t1" | bc) s, GeoPackage $(echo "$t3 - $t2" | bc) s"
