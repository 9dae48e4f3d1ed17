#!/usr/bin/env python3
"""The Python/NumPy peer of `hotspot sites` (docs/benchmarks.md): the same maximal covering
instance (written by hotspot_bench with HOTSPOT_SITES_DUMP=DIR), solved by greedy in NumPy.

Two variants, both timed from the loaded arrays to the 50 picks:
  plain  every round recomputes every candidate's gain (np.add.reduceat over a CSR of covered cells)
  lazy   the same lazy-gains (CELF) greedy as the engine: vectorised first gains, then a heap
Checks that the picks equal the engine's (DIR/hotspot_picks.txt).
  usage: /usr/bin/python3 tests/bench/sites_numpy_peer.py DIR [RUNS=3]
"""
import heapq, sys, time
import numpy as np

CELL, N, RADIUS, SITES = 10.0, 1000, 100.0, 50

def coverage_csr(cx, cy):
    """Cells whose centre is within RADIUS of each candidate, as CSR (indptr, indices)."""
    reach = int(np.ceil(RADIUS / CELL)) + 1
    offsets = np.arange(-reach, reach + 1)
    dr, dc = np.meshgrid(offsets, offsets, indexing="ij")
    dr, dc = dr.ravel(), dc.ravel()
    parts, counts = [], []
    for start in range(0, len(cx), 10000):
        x, y = cx[start:start + 10000, None], cy[start:start + 10000, None]
        col = np.floor(x / CELL).astype(np.int64) + dc
        row = np.floor((N * CELL - y) / CELL).astype(np.int64) + dr
        ok = (col >= 0) & (col < N) & (row >= 0) & (row < N)
        px, py = (col + 0.5) * CELL, N * CELL - (row + 0.5) * CELL
        ok &= (px - x) ** 2 + (py - y) ** 2 <= RADIUS * RADIUS
        cells = row * N + col
        counts.append(ok.sum(axis=1))
        parts.append(cells[ok])
    counts = np.concatenate(counts)
    indptr = np.concatenate([[0], np.cumsum(counts)])
    return indptr, np.concatenate(parts)

def gains(demand_left, indptr, indices):
    values = demand_left[indices]
    sums = np.add.reduceat(values, indptr[:-1]) if len(values) else np.zeros(len(indptr) - 1)
    sums[indptr[:-1] == indptr[1:]] = 0  # reduceat's value for empty rows is not 0
    return sums

def plain(demand, cx, cy):
    indptr, indices = coverage_csr(cx, cy)
    left = demand.copy()
    picks = []
    for _ in range(SITES):
        g = gains(left, indptr, indices)
        best = int(np.argmax(g))
        if g[best] <= 0:
            break
        picks.append((best, float(g[best])))
        left[indices[indptr[best]:indptr[best + 1]]] = 0
    return picks

def lazy(demand, cx, cy):
    indptr, indices = coverage_csr(cx, cy)
    left = demand.copy()
    g = gains(left, indptr, indices)
    heap = [(-g[c], c, 0) for c in np.nonzero(g > 0)[0].tolist()]
    heapq.heapify(heap)
    picks = []
    while heap and len(picks) < SITES:
        neg, c, rnd = heapq.heappop(heap)
        cells = indices[indptr[c]:indptr[c + 1]]
        if rnd != len(picks):
            v = float(left[cells].sum())
            if v > 0:
                heapq.heappush(heap, (-v, c, len(picks)))
            continue
        picks.append((c, -neg))
        left[cells] = 0
    return picks

def main():
    d = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    demand = np.fromfile(f"{d}/demand.f64", dtype=np.float64)
    xy = np.fromfile(f"{d}/candidates.f64", dtype=np.float64).reshape(-1, 2)
    cx, cy = xy[:, 0].copy(), xy[:, 1].copy()
    ours = [int(line.split()[0]) for line in open(f"{d}/hotspot_picks.txt")]
    print(f"NumPy {np.__version__}, {len(demand)} cells, {len(cx)} candidates, {SITES} sites, radius {RADIUS} m")
    for name, solve in (("plain", plain), ("lazy", lazy)):
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            picks = solve(demand, cx, cy)
            times.append(time.perf_counter() - t0)
        same = [p[0] for p in picks] == ours
        print(f"{name:6s} median {sorted(times)[len(times) // 2]:.3f} s  runs {' '.join(f'{t:.3f}' for t in times)}  "
              f"covered {sum(p[1] for p in picks):.1f}  same picks as hotspot: {same}")

main()
