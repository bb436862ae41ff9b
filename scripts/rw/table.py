"""benchmarks.txt: every benchmark's row (see the file's header)."""

import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TABLE = os.path.join(ROOT, "benchmarks.txt")


def rows(path=TABLE):
    """[{column: value}] in the table's order; '-' stays '-'."""
    cols, out = None, []
    with open(path) as f:
        for line in f:
            if line.startswith("# name "):
                cols = line[1:].split()
                continue
            if line.startswith("#") or not line.strip():
                continue
            words = line.split(None, len(cols) - 1)
            out.append(dict(zip(cols, words + [""] * (len(cols) - len(words)))))
    return out


def row(name, path=TABLE):
    """The row of benchmark `name` (py-range@3.11 -> py-range), or None."""
    base = name.partition("@")[0]
    for r in rows(path):
        if r["name"] == base:
            return r
    return None
