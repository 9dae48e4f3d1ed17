"""Inputs for the sites whole-command benchmark (tests/bench/peers.sh): 1,000,000 incidents around
300 Gaussian hotspots in a 10 km square and 100,000 uniform candidate sites, as CSVs (EPSG:27700).
Deterministic (its own LCG); written to a scratch folder, never committed.
    python3 tests/bench/make_sites_bench_input.py OUT_DIR [INCIDENTS] [CANDIDATES]
"""
import math, os, sys

M = (1 << 64) - 1
s = 7
def nxt():
    global s
    s = (s * 6364136223846793005 + 1442695040888963407) & M
    return (s >> 11) * 2.0 ** -53
out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000000
m = int(sys.argv[3]) if len(sys.argv) > 3 else 100000
os.makedirs(out, exist_ok=True)
x0, y0, side = 440000.0, 250000.0, 10000.0
hot = [(x0 + side * nxt(), y0 + side * nxt(), 50 + 250 * nxt()) for _ in range(300)]
with open(os.path.join(out, "incidents.csv"), "w") as f:
    f.write("id,x,y\n")
    for i in range(n):
        cx, cy, sd = hot[int(nxt() * 300) % 300]
        r = sd * math.sqrt(-2 * math.log(max(nxt(), 1e-12))); a = 2 * math.pi * nxt()
        f.write("i%d,%.1f,%.1f\n" % (i, min(max(cx + r * math.cos(a), x0), x0 + side - 0.1), min(max(cy + r * math.sin(a), y0), y0 + side - 0.1)))
with open(os.path.join(out, "candidates.csv"), "w") as f:
    f.write("id,x,y\n")
    for k in range(m):
        f.write("c%d,%.1f,%.1f\n" % (k, x0 + side * nxt(), y0 + side * nxt()))
