#!/usr/bin/env python3
"""No CLI flag inside the engine's text: messages name options by key in backquotes (`max_cells`),
and each front end shows them its own way (hotspot::nameOptions; docs/api.md).

usage: check_messages.py ENGINE_DIR   (exit 1 listing every string literal that holds a --flag)
"""
import pathlib
import re
import sys

LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')
FLAG = re.compile(r'(?<![\w-])--[a-z][a-z0-9]*(?:-[a-z0-9]+)*')


def code_part(line: str) -> str:
    """The line without a trailing // comment (a // inside a string literal does not count)."""
    quoted = False
    for i, c in enumerate(line):
        if c == '"' and (i == 0 or line[i - 1] != "\\"):
            quoted = not quoted
        elif not quoted and line.startswith("//", i):
            return line[:i]
    return line


def main(engine: pathlib.Path) -> int:
    found = []
    files = sorted(p for d in ("src", "include") for p in (engine / d).rglob("*") if p.suffix in (".cpp", ".hpp", ".in"))
    for path in files:
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            for literal in LITERAL.findall(code_part(line)):
                for flag in FLAG.findall(literal):
                    found.append(f"{path}:{number}: {flag} in \"{literal[:80]}\"")
    if not files:
        print(f"no engine sources under {engine}")
        return 1
    for f in found:
        print(f)
    print(f"messages: {len(files)} files, {len(found)} CLI flags in engine text")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(pathlib.Path(sys.argv[1])))
