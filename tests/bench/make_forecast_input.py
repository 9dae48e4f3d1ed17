#!/usr/bin/env python3
"""Writes the forecast-evaluate benchmark input (not committed): MONTHS months of PER_MONTH dated
crimes over a 30 x 30 km force area (EPSG:27700). 55 % fall on 4,000 places whose attractiveness
drifts from month to month (persistent hot spots), 25 % are near repeats (within 200 m and 3 weeks
of an earlier crime), 20 % are spread at random. Standard library only; deterministic.
  usage: make_forecast_input.py OUT.csv [MONTHS=36] [PER_MONTH=20000]
"""
import datetime, math, random, sys

out = sys.argv[1]
months = int(sys.argv[2]) if len(sys.argv) > 2 else 36
per_month = int(sys.argv[3]) if len(sys.argv) > 3 else 20000
rng = random.Random(2004)
x0, y0, side = 430000.0, 240000.0, 30000.0
places = [(x0 + rng.random() * side, y0 + rng.random() * side) for _ in range(4000)]
weights = [rng.lognormvariate(0, 1.2) for _ in places]
with open(out, "w") as f:
    f.write("id,x,y,date,category\n")
    n = 0
    previous = []
    for m in range(months):
        year, month = 2021 + m // 12, m % 12 + 1
        days = (datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.date(year, month, 1)).days
        weights = [w * math.exp(rng.gauss(0, 0.15)) for w in weights]
        chosen = rng.choices(range(len(places)), weights=weights, k=int(per_month * 0.55))
        current = []
        for p in chosen:
            px, py = places[p]
            current.append((px + rng.gauss(0, 15), py + rng.gauss(0, 15), rng.randrange(1, days + 1)))
        for _ in range(int(per_month * 0.25)):
            if previous:
                bx, by, _ = rng.choice(previous)
                a, r = rng.random() * 2 * math.pi, rng.random() * 200
                current.append((bx + r * math.cos(a), by + r * math.sin(a), rng.randrange(1, min(21, days) + 1)))
            else:
                current.append((x0 + rng.random() * side, y0 + rng.random() * side, rng.randrange(1, days + 1)))
        while len(current) < per_month:
            current.append((x0 + rng.random() * side, y0 + rng.random() * side, rng.randrange(1, days + 1)))
        for x, y, d in current:
            f.write(f"F{n},{x:.1f},{y:.1f},{year:04d}-{month:02d}-{d:02d},Burglary\n")
            n += 1
        previous = current
