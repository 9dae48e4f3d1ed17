#!/usr/bin/env python3
"""Writes N police.uk street rows for the geocode benchmark (not committed anywhere).

Rows are the real Northamptonshire rows of ../shared/reference, each copy moved by a random
offset of up to +-150 m and given a new Crime ID, so every row has its own coordinates (no cache
or duplicate shortcut helps either tool). Standard library only; deterministic (seeded).
"""
import csv, glob, os, random, sys

def main():
    shared, out_dir, total = sys.argv[1], sys.argv[2], int(sys.argv[3])
    files_out = int(sys.argv[4]) if len(sys.argv) > 4 else 10
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
                r[4] = "%.6f" % (float(r[4]) + rng.uniform(-0.0022, 0.0022))
                r[5] = "%.6f" % (float(r[5]) + rng.uniform(-0.0013, 0.0013))
                w.writerow(r)
                n += 1
    print(f"wrote {n} rows in {files_out} files to {out_dir}")

main()
