"""The 1,000,000 clustered points of BM_Kde1MQuartic1000x1000 as a CSV (x,y in EPSG:27700), for
peers that read files (QGIS's heatmap). Same 64-bit LCG and recipe as clusteredPoints() in
tests/bench/density_bench.cpp.

    python3 tests/bench/make_kde_points.py OUT.csv [N]
"""
import math
import sys

M = (1 << 64) - 1
s = 42
n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000000
def nxt():
    global s
    s=(s*6364136223846793005+1442695040888963407)&M
    return (s>>11)*2.0**-53
cent=[(450000+50000*nxt(),250000+50000*nxt()) for _ in range(200)]
out=open(sys.argv[1],'w'); out.write("x,y\n")
for i in range(n):
    cx,cy=cent[int(nxt()*200)%200]
    r=600*math.sqrt(-2*math.log(max(nxt(),1e-12))); a=2*math.pi*nxt()
    out.write("%.3f,%.3f\n"%(min(max(cx+r*math.cos(a),450000.0),499999.0),min(max(cy+r*math.sin(a),250000.0),299999.0)))
