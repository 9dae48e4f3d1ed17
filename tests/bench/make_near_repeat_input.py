#!/usr/bin/env python3
"""Writes the near-repeat benchmark input (not committed): N dated burglaries over a 20 x 20 km city
(EPSG:27700), 70 % spread at random, 30 % as near repeats (a follower within 200 m and 21 days of an
earlier one), dates over two years. Standard library only; deterministic.
  usage: make_near_repeat_input.py OUT.csv [N=100000]
"""
import datetime, random, sys

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
rng = random.Random(19)
x0, y0, side = 440000.0, 250000.0, 20000.0
start = datetime.date(2022, 1, 1)
events = []
while len(events) < n:
    if events and rng.random() < 0.3:
        bx, by, bd = events[rng.randrange(len(events))]
        ang = rng.random() * 6.283185307
        r = rng.random() * 200
        import math
        events.append((bx + r * math.cos(ang), by + r * math.sin(ang), min(729, bd + rng.randrange(22))))
    else:
        events.append((x0 + rng.random() * side, y0 + rng.random() * side, rng.randrange(730)))
with open(out, "w") as f:
    f.write("id,x,y,date,category\n")
    for i, (x, y, d) in enumerate(events):
        f.write(f"B{i},{x:.1f},{y:.1f},{(start + datetime.timedelta(days=d)).isoformat()},Burglary\n")
