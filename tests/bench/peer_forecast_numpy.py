#!/usr/bin/python3
"""Peer for `hotspot forecast-evaluate`: the same rolling-origin evaluation written as an analyst
would in NumPy/SciPy (pandas to read, bincount for counts and kernels, cKDTree for the study area),
with the same definitions, so the two answers can be compared as well as timed.
  usage: peer_forecast_numpy.py CRIMES.csv OUT_SUMMARY.csv [CELL=100] [BANDWIDTH=250]
CRIMES.csv: id,x,y,date,category (EPSG:27700 metres, ISO dates). Writes method,coverage_pct,pai_mean.
"""
import math, sys

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

crimes_path, out_path = sys.argv[1], sys.argv[2]
cs = float(sys.argv[3]) if len(sys.argv) > 3 else 100.0
bandwidth = float(sys.argv[4]) if len(sys.argv) > 4 else 250.0
history, coverage, buffer_m, pro_radius, pro_weeks, gi_months = 12, [0.01, 0.05, 0.10], 250.0, 400.0, 8, 12

df = pd.read_csv(crimes_path, usecols=["x", "y", "date"])
x, y = df["x"].to_numpy(float), df["y"].to_numpy(float)
dates = pd.to_datetime(df["date"], format="%Y-%m-%d")
month = (dates.dt.year * 12 + dates.dt.month - 1).to_numpy()
day_number = (dates - pd.Timestamp("1970-01-01")).dt.days.to_numpy()
first, last = month.min(), month.max()
months = last - first + 1

ox, oy = math.floor(x.min() / cs) * cs, math.floor(y.min() / cs) * cs
cols, rows = max(1, math.ceil((x.max() - ox) / cs)), max(1, math.ceil((y.max() - oy) / cs))
ncell = cols * rows
pcol = np.minimum(((x - ox) // cs).astype(np.int64), cols - 1)
top = oy + rows * cs
# Rows count from the north, and a crime on a cell edge belongs to the cell east / south of it, as the engine's grid.
prow = np.minimum(((top - y) // cs).astype(np.int64), rows - 1)
pcell = prow * cols + pcol

# Study area: cells whose centre is within the buffer of a crime, and the cells holding crimes.
cc, rr = np.meshgrid(np.arange(cols), np.arange(rows))
centres = np.column_stack([ox + (cc.ravel() + 0.5) * cs, top - (rr.ravel() + 0.5) * cs])
places = np.unique(np.column_stack([x, y]), axis=0)
dist, _ = cKDTree(places).query(centres, distance_upper_bound=buffer_m)
valid = np.isfinite(dist)
valid[pcell] = True


def spread(px, py, weight_of_distance, reach, extra=None):
    """Sum over points of weight_of_distance(d) (x extra) at every cell centre within reach."""
    out = np.zeros(ncell)
    c0, r0 = ((px - ox) // cs).astype(np.int64), ((top - py) // cs).astype(np.int64)
    steps = int(math.ceil(reach / cs)) + 1
    for dr in range(-steps, steps + 1):
        for dc in range(-steps, steps + 1):
            c, r = c0 + dc, r0 + dr
            inside = (c >= 0) & (c < cols) & (r >= 0) & (r < rows)
            d = np.hypot(ox + (c + 0.5) * cs - px, top - (r + 0.5) * cs - py)
            w = weight_of_distance(d)
            if extra is not None:
                w = w * extra
            keep = inside & (w != 0)
            out += np.bincount((r * cols + c)[keep], weights=w[keep], minlength=ncell)
    return out


def quartic(d):
    u2 = (d / bandwidth) ** 2
    return np.where(d < bandwidth, (1 - u2) ** 2, 0.0)


counts, kde, members = [], [], []
for m in range(months):
    sel = month == first + m
    members.append(np.flatnonzero(sel))
    counts.append(np.bincount(pcell[sel], minlength=ncell).astype(float))
    kde.append(spread(x[sel], y[sel], quartic, bandwidth))


def box3(a):
    """Sum over the 3 x 3 block of cells around each cell (zero beyond the grid)."""
    g = np.pad(a.reshape(rows, cols), 1)
    s = sum(g[1 + dr:1 + dr + rows, 1 + dc:1 + dc + cols] for dr in (-1, 0, 1) for dc in (-1, 0, 1))
    return s.ravel()


def gistar_z(values):
    v = np.where(valid, values, 0.0)
    n = valid.sum()
    mean = v[valid].sum() / n
    sd = math.sqrt((v[valid] ** 2).sum() / n - mean ** 2)
    s, w = box3(v), box3(valid.astype(float))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (s - mean * w) / (sd * np.sqrt((n * w - w * w) / (n - 1)))
    return np.where(valid, z, np.nan)


def score(surface, target, chosen):
    key = np.where(np.isnan(surface), -np.inf, surface)[valid]
    t = target[valid]
    cutoff = np.partition(key, len(key) - chosen)[len(key) - chosen]
    above, tied = key > cutoff, key == cutoff
    hits = t[above].sum() + (chosen - above.sum()) / tied.sum() * t[tied].sum()
    return hits / t.sum() / (chosen / len(key)) if t.sum() > 0 else np.nan


methods = ["kde_1m", "kde_3m", "kde_12m", "prospective", "gistar_12m", "last_year"]
pai = {(meth, c): [] for meth in methods for c in coverage}
nvalid = valid.sum()
for m in range(history, months):
    target_month = first + m
    origin = (pd.Timestamp(year=target_month // 12, month=target_month % 12 + 1, day=1) - pd.Timestamp("1970-01-01")).days
    surfaces = {
        "kde_1m": kde[m - 1],
        "kde_3m": sum(kde[max(0, m - 3):m]),
        "kde_12m": sum(kde[max(0, m - 12):m]),
        "gistar_12m": gistar_z(sum(counts[max(0, m - gi_months):m])),
    }
    idx = np.concatenate(members[max(0, m - (pro_weeks // 4 + 2)):m])
    elapsed = origin - day_number[idx]
    weeks = elapsed // 7
    ok = (elapsed >= 0) & (weeks <= pro_weeks)
    surfaces["prospective"] = spread(x[idx][ok], y[idx][ok], lambda d: np.where(d <= pro_radius, 1.0 / (1.0 + np.floor(d / (cs / 2))), 0.0),
                                     pro_radius, 1.0 / (1.0 + weeks[ok]))
    if m >= 12:
        surfaces["last_year"] = counts[m - 12]
    for meth, surface in surfaces.items():
        for c in coverage:
            pai[(meth, c)].append(score(surface, counts[m], max(1, int(math.floor(c * nvalid + 0.5)))))

with open(out_path, "w") as f:
    f.write("method,coverage_pct,pai_mean\n")
    for (meth, c), values in pai.items():
        v = [p for p in values if np.isfinite(p)]
        f.write(f"{meth},{100 * c:g},{sum(v) / len(v):.4f}\n")
