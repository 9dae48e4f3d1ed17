#!/usr/bin/env python3
"""Writes the `hotspot roads` benchmark input (not committed anywhere): a road grid and collisions.

  network.csv      a street grid as WKT LineStrings, one per edge (EPSG:27700, no CRS in the file:
                   --network-srs): N x N nodes 100 m apart, 2 N (N - 1) edges (N = 159: 50,244),
                   each with a kink vertex 40 m in (2 segments per edge)
  collisions.csv   STATS19 2024-schema rows: 70 % spread over the network, 30 % around 500 hotspots,
                   dates over 36 months, severities 1.5 % fatal / 18 % serious
Standard library only; deterministic (seeded).
  usage: make_road_bench_input.py OUT_DIR [COLLISIONS=100000] [N=159]
"""
import os, random, sys

def main():
    out = sys.argv[1]
    total = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 159
    x0, y0, step = 440000.0, 240000.0, 100.0
    rng = random.Random(7)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "network.csv"), "w") as f:
        # One feature per edge (a noded network, as PostGIS peers expect), with a kink vertex 40 m in.
        f.write("WKT,name,highway\n")
        for i in range(n):
            for k in range(n - 1):
                ax, ay = x0 + k * step, y0 + i * step
                f.write(f"\"LINESTRING ({ax:.1f} {ay:.1f}, {ax + 40:.1f} {ay + 3:.1f}, {ax + step:.1f} {ay:.1f})\",Street E{i},residential\n")
                bx, by = x0 + i * step, y0 + k * step
                f.write(f"\"LINESTRING ({bx:.1f} {by:.1f}, {bx + 3:.1f} {by + 40:.1f}, {bx:.1f} {by + step:.1f})\",Street N{i},residential\n")
    extent = (n - 1) * step
    hotspots = [(x0 + rng.randrange(n) * step + rng.random() * step, y0 + rng.randrange(n) * step) for _ in range(500)]
    with open(os.path.join(out, "collisions.csv"), "w") as f:
        f.write("collision_index,location_easting_osgr,location_northing_osgr,longitude,latitude,collision_severity,date,time\n")
        for c in range(total):
            if rng.random() < 0.7:
                if rng.random() < 0.5:
                    x, y = x0 + rng.random() * extent, y0 + rng.randrange(n) * step
                else:
                    x, y = x0 + rng.randrange(n) * step, y0 + rng.random() * extent
            else:
                hx, hy = hotspots[rng.randrange(len(hotspots))]
                x, y = hx + rng.gauss(0, 15), hy
            x += rng.gauss(0, 4)
            y += rng.gauss(0, 4)
            u = rng.random()
            sev = 1 if u < 0.015 else 2 if u < 0.195 else 3
            year = 2019 + rng.randrange(3)
            f.write(f"{year}99{c:07d},{x:.0f},{y:.0f},,,{sev},{1 + rng.randrange(28):02d}/{1 + rng.randrange(12):02d}/{year},"
                    f"{rng.randrange(24):02d}:{rng.randrange(60):02d}\n")

main()
