#!/usr/bin/env python3
"""Whole-process peer of `hotspot sites --demand counts` (tests/bench/peers.sh): read the
incidents and candidates CSVs, count incidents into the same square cells, find the cells each
candidate covers (centre within the radius) with SciPy's cKDTree, choose sites by greedy with lazy
gains (a heap, as the engine), write sites.csv.
  /usr/bin/python3 tests/bench/peer_sites_ckdtree.py INCIDENTS.csv CANDIDATES.csv OUT_DIR [SITES=50] [RADIUS=100] [CELL=10]
"""
import heapq, os, sys
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

inc_path, cand_path, out = sys.argv[1:4]
sites = int(sys.argv[4]) if len(sys.argv) > 4 else 50
radius = float(sys.argv[5]) if len(sys.argv) > 5 else 100.0
cell = float(sys.argv[6]) if len(sys.argv) > 6 else 10.0
p = pd.read_csv(inc_path, usecols=["x", "y"], dtype="float64")
c = pd.read_csv(cand_path, dtype={"id": str, "x": "float64", "y": "float64"})
x, y = p.x.to_numpy(), p.y.to_numpy()
# The engine's demand grid: the incidents' extent grown by the radius, aligned to the cell size.
x0, y0 = np.floor((x.min() - radius) / cell) * cell, np.floor((y.min() - radius) / cell) * cell
cols = int(np.ceil((x.max() + radius - x0) / cell)); rows = int(np.ceil((y.max() + radius - y0) / cell))
top = y0 + rows * cell
col = np.minimum(((x - x0) // cell).astype(np.int64), cols - 1)
row = np.minimum(((top - y) // cell).astype(np.int64), rows - 1)
demand = np.bincount(row * cols + col, minlength=rows * cols).astype(np.float64)
cells = np.flatnonzero(demand)
centres = np.column_stack([x0 + (cells % cols + 0.5) * cell, top - (cells // cols + 0.5) * cell])
covered_lists = cKDTree(centres).query_ball_point(np.column_stack([c.x, c.y]), radius)
left = demand[cells].copy()
heap = [(-left[l].sum() if l else 0.0, k) for k, l in enumerate(covered_lists)]
heapq.heapify(heap)
picks, cumulative = [], 0.0
while heap and len(picks) < sites:
    negative, k = heapq.heappop(heap)
    gain = left[covered_lists[k]].sum() if covered_lists[k] else 0.0
    if heap and gain < -heap[0][0] - 1e-12:
        heapq.heappush(heap, (-gain, k))
        continue
    if gain <= 0:
        break
    left[covered_lists[k]] = 0
    cumulative += gain
    picks.append((len(picks) + 1, c.id[k], c.x[k], c.y[k], gain, cumulative))
os.makedirs(out, exist_ok=True)
pd.DataFrame(picks, columns=["rank", "candidate_id", "x", "y", "gain", "cumulative"]).to_csv(os.path.join(out, "sites.csv"), index=False)
