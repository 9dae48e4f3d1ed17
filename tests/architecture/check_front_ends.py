#!/usr/bin/env python3
"""The front ends (the CLI, the viewer, the Python module) use only the engine's public API: they
include engine headers only as "hotspot/...", never the private engine/src headers.

usage: check_front_ends.py PROJECT_DIR   (exit 1 listing every private include)
"""
import pathlib
import re
import sys

PRIVATE = re.compile(r'#include\s+"(core|crs|io|export|geocode|density|roads|concentration|interventions|report|validation)/[^"]+"')
FRONT_ENDS = ("engine/cli", "viewer/src", "engine/python")


def main(root: pathlib.Path) -> int:
    found, files = [], 0
    for front in FRONT_ENDS:
        for path in sorted((root / front).rglob("*")):
            if path.suffix not in (".cpp", ".hpp", ".h"):
                continue
            files += 1
            for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                if PRIVATE.search(line):
                    found.append(f"{path}:{number}: {line.strip()}")
    if files == 0:
        print(f"no front-end sources under {root}")
        return 1
    for f in found:
        print(f)
    print(f"front ends: {files} files, {len(found)} private engine includes")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(pathlib.Path(sys.argv[1])))
