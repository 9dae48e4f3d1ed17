#!/usr/bin/env python3
"""Peer of `hotspot near-repeat` (tests/bench): the same Knox test with SciPy and NumPy. Pairs within
the largest distance band from cKDTree.query_pairs, then for each permutation the times shuffled
(numpy.random.permutation) and the pairs counted by band with numpy.histogram2d; writes the table.
  usage: /usr/bin/python3 peer_knox_numpy.py EVENTS.csv OUT.csv [PERMUTATIONS=999]
"""
import sys
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

events = pd.read_csv(sys.argv[1])
perms = int(sys.argv[3]) if len(sys.argv) > 3 else 999
xy = events[["x", "y"]].to_numpy()
t = (pd.to_datetime(events["date"]) - pd.Timestamp("1970-01-01")).dt.days.to_numpy()
d_edges = np.array([0.0, 100, 200, 300, 400])
t_edges = np.array([14, 28, 42, 56])
pairs = cKDTree(xy).query_pairs(400.0, output_type="ndarray")
a, b = pairs[:, 0], pairs[:, 1]
dist = np.hypot(*(xy[a] - xy[b]).T)
dband = np.where(dist == 0, 0, np.searchsorted(d_edges[1:], dist, side="left") + 1)

def table(times):
    dt = np.abs(times[a] - times[b])
    keep = dt <= t_edges[-1]
    tband = np.searchsorted(t_edges, dt[keep], side="left")
    out = np.zeros((5, 4), dtype=np.int64)
    np.add.at(out, (dband[keep], tband), 1)
    return out

observed = table(t)
rng = np.random.default_rng(12345)
total = np.zeros_like(observed, dtype=float)
at_least = np.zeros_like(observed)
for _ in range(perms):
    sim = table(rng.permutation(t))
    total += sim
    at_least += sim >= observed
expected = total / perms
p = (at_least + 1) / (perms + 1)
rows = []
for d in range(5):
    for k in range(4):
        rows.append((d, k, observed[d, k], expected[d, k], observed[d, k] / expected[d, k], p[d, k]))
pd.DataFrame(rows, columns=["distance_band", "time_band", "observed", "expected", "ratio", "p"]).to_csv(sys.argv[2], index=False)
