#!/usr/bin/python3
"""The GeoPandas peer for the geocode benchmark: the same work as `hotspot geocode --no-output`
(read police.uk CSVs, WGS84 -> EPSG:27700, assign each row to an LSOA and a priority area).
With a fourth argument OUT_DIR it also writes what `hotspot geocode` writes by default: the
incidents with their areas as a GeoPackage layer and as CSV, and counts per area as CSV.
Run with Debian's /usr/bin/python3 (python3-geopandas)."""
import glob, sys, time
import pandas as pd
import geopandas as gpd

def main():
    csv_dir, lsoa_path, priority_path = sys.argv[1:4]
    t0 = time.perf_counter()
    df = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False) for p in sorted(glob.glob(csv_dir + "/*.csv"))], ignore_index=True)
    df["Longitude"] = pd.to_numeric(df["Longitude"])
    df["Latitude"] = pd.to_numeric(df["Latitude"])
    t1 = time.perf_counter()
    pts = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["Longitude"], df["Latitude"]), crs="EPSG:4326").to_crs("EPSG:27700")
    t2 = time.perf_counter()
    lsoa = gpd.read_file(lsoa_path).to_crs("EPSG:27700")[["LSOA11CD", "geometry"]]
    pa = gpd.read_file(priority_path).to_crs("EPSG:27700")[["code", "geometry"]]
    j1 = gpd.sjoin(pts, lsoa, how="left", predicate="intersects")
    j1 = j1[~j1.index.duplicated(keep="first")]
    j2 = gpd.sjoin(pts[["geometry"]], pa, how="left", predicate="intersects")
    j2 = j2[~j2.index.duplicated(keep="first")]
    t3 = time.perf_counter()
    assigned = int(j1["LSOA11CD"].notna().sum())
    written = ""
    if len(sys.argv) > 4:
        import os
        out = sys.argv[4]
        os.makedirs(out, exist_ok=True)
        result = j1.drop(columns=["index_right"]).rename(columns={"LSOA11CD": "lsoa_code"})
        result["priority_code"] = j2["code"]
        result.to_file(os.path.join(out, "incidents.gpkg"), layer="incidents", driver="GPKG")
        pd.DataFrame(result.drop(columns="geometry")).assign(x=result.geometry.x, y=result.geometry.y).to_csv(os.path.join(out, "incidents.csv"), index=False)
        result.groupby(["lsoa_code", "Month", "Crime type"]).size().rename("incidents").to_csv(os.path.join(out, "area_summary.csv"))
        written = f", write {time.perf_counter()-t3:.3f} s"
    print(f"geopandas: rows {len(df)}, assigned to an LSOA {assigned}, in a priority area {int(j2['code'].notna().sum())}; "
          f"read {t1-t0:.3f} s, transform {t2-t1:.3f} s, sjoin {t3-t2:.3f} s{written}, total {time.perf_counter()-t0:.3f} s")

main()
