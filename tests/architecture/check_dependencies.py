#!/usr/bin/env python3
"""The engine's modules may depend only downwards: each module's files (engine/src/<module>/ and
its public headers in engine/include/hotspot/) include only headers of the modules listed below it.
Prints the module graph; exits 1 naming each include that goes the wrong way (or a header this
table does not place). docs/architecture.md shows the same order.
  usage: check_dependencies.py [ENGINE_DIR]"""
import os
import re
import sys

# Lowest first. A module may include its own headers and those of every module before it.
LAYERS = ["core", "crs", "io", "export", "geocode", "density", "roads", "concentration", "interventions", "report", "validation"]
PUBLIC = {
    "core": ["error", "options", "progress", "run_report", "strings", "version", "incidents", "grid"],
    "crs": ["crs"],
    "io": ["category_map", "ingest", "outcomes", "vector_data", "layer_source"],
    "export": ["export"],
    "geocode": ["address", "area_layer", "census", "code_agreement", "gazetteer", "geocode_run", "ons_geography"],
    "density": ["analysis_run", "emerging", "forecast", "gistar", "kde", "moran", "near_repeat", "stats"],
    "roads": ["road_localities", "road_network", "roads_run"],
    "concentration": ["concentration"],
    "interventions": ["interventions", "interventions_run"],
    "report": ["report", "attribution"],
    "validation": [],
}
HEADER_MODULE = {h: m for m, hs in PUBLIC.items() for h in hs}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def module_of_include(path):
    if path.startswith("hotspot/"):
        return HEADER_MODULE.get(os.path.splitext(path[len("hotspot/"):])[0], "?" + path)
    first = path.split("/")[0]
    return first if first in LAYERS else None  # a build-generated or local header


def main():
    engine = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "engine")
    files = []  # (module, path)
    for module in LAYERS:
        folder = os.path.join(engine, "src", module)
        for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
            if name.endswith((".cpp", ".hpp", ".in")):
                files.append((module, os.path.join(folder, name)))
    for name in sorted(os.listdir(os.path.join(engine, "include", "hotspot"))):
        stem = os.path.splitext(name)[0]
        files.append((HEADER_MODULE.get(stem, "?" + name), os.path.join(engine, "include", "hotspot", name)))
    edges, problems = {}, []
    for module, path in files:
        if module.startswith("?"):
            problems.append(f"{path}: public header not placed in a module (add it to PUBLIC in {__file__})")
            continue
        for included in INCLUDE.findall(open(path, encoding="utf-8").read()):
            target = module_of_include(included)
            if target is None or target == module:
                continue
            if target.startswith("?"):
                problems.append(f"{path}: includes {included}, a header not placed in a module")
                continue
            edges.setdefault(module, set()).add(target)
            if LAYERS.index(target) > LAYERS.index(module):
                problems.append(f"{path}: {module} includes {included} ({target}), a module above it")
    for module in LAYERS:
        print(f"{module:14} -> {', '.join(sorted(edges.get(module, []), key=LAYERS.index)) or '(nothing)'}")
    for p in problems:
        print("wrong way:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
