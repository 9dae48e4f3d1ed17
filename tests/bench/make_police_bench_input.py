#!/usr/bin/env python3
"""Writes N police.uk street rows for the geocode benchmark (not committed anywhere).

Rows are the real Northamptonshire rows of ../shared/reference, copied with new Crime IDs and
moved by a random offset of up to +-150 m. Two modes:
  unique  every row gets its own offset: all coordinates distinct (the worst case for caches)
  snap    each copy moves each police.uk snap point by one offset, so crimes keep sharing snap
          points as in real downloads (32,207 rows on 6,878 distinct points, 4.7 rows a point)
Standard library only; deterministic (seeded).
"""
import csv, glob, os, random, sys

def main():
    shared, out_dir, total = sys.argv[1], sys.argv[2], int(sys.argv[3])
    files_out = int(sys.argv[4]) if len(sys.argv) > 4 else 10
    mode = sys.argv[5] if len(sys.argv) > 5 else "unique"
    rows = []
    for path in sorted(glob.glob(os.path.join(shared, "reference/police-uk-northamptonshire-2018-10_2019-02/*.csv"))):
        with open(path, newline="") as f:
            reader = csv.reader(f)
            header = next(reader)
            rows.extend(r for r in reader if r[4] and r[5])
    rng = random.Random(42)
    os.makedirs(out_dir, exist_ok=True)
    per_file = total // files_out
    n = 0
    for k in range(files_out):
        path = os.path.join(out_dir, f"bench-{k:02d}-street.csv")
        with open(path, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            for _ in range(per_file if k < files_out - 1 else total - n):
                r = list(rows[n % len(rows)])
                r[0] = "%064x" % rng.getrandbits(256) if r[0] else ""
                if mode == "snap":
                    copy = n // len(rows)
                    local = random.Random(hash((copy, r[4], r[5])) & 0xFFFFFFFF)
                    dx, dy = local.uniform(-0.0022, 0.0022), local.uniform(-0.0013, 0.0013)
                else:
                    dx, dy = rng.uniform(-0.0022, 0.0022), rng.uniform(-0.0013, 0.0013)
                r[4] = "%.6f" % (float(r[4]) + dx)
                r[5] = "%.6f" % (float(r[5]) + dy)
                w.writerow(r)
                n += 1
    print(f"wrote {n} rows in {files_out} files to {out_dir} ({mode} coordinates)")

main()
