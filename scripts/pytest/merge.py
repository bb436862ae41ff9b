"""rangewall pytest --merge: the summaries of a suite's shards, as one.

USAGE: python3 scripts/pytest/merge.py [--baseline SUMMARY.JSON[.gz]] [--shown DIR2]
                                       DIR SUMMARY...

Each SUMMARY is a shard's summary.json (or .json.gz, or the results
folder that holds it), run on the same Python: CI shards chosen with
pytest's own selection (-k, paths, --deselect), or machines.  A test's
figures do not depend on what else its run chose (the counted passes
collect the whole suite), so the shards' tests are put side by side, in
the suite's order (their parts, t<N>: N is the test's place in the
suite).  A test in two shards must have the same figures there.  Writes
summary.json, bencher.json and tests.tsv in DIR and prints the table, as
a run does (against the baseline: the shards' changes and per-function
checks; DIR2: the folder named, where DIR will go).  Exits 2, in one line, on summaries that do not go together.
"""
import os
import sys

import summary as sm


def fail(msg):
    print("rangewall: error: --merge: " + msg, file=sys.stderr)
    sys.exit(2)


def read(path):
    if os.path.isdir(path):
        for name in ("summary.json", "summary.json.gz"):
            if os.path.exists(os.path.join(path, name)):
                path = os.path.join(path, name)
                break
        else:
            fail("no summary.json in '{}'".format(path))
    try:
        s = sm.load(path)
    except (OSError, ValueError) as e:
        fail("'{}': not a summary ({})".format(path, e))
    if s.get("schema") != sm.SCHEMA or s.get("version") != sm.VERSION:
        fail("'{}' is not a {} v{} (rangewall pytest's summary.json)".format(
            path, sm.SCHEMA, sm.VERSION))
    return path, s


def place(t):
    part = t.get("part") or ""
    return int(part[1:]) if part[1:].isdigit() else 1 << 62


def main(argv):
    args, base, shown = argv[1:], {}, None
    while args[:1] in (["--baseline"], ["--shown"]) and len(args) > 1:
        if args[0] == "--baseline":
            base = {t["nodeid"]: t for t in sm.load(args[1])["tests"]}
        else:
            shown = args[1]
        args = args[2:]
    if len(args) < 3:
        fail("give the shards' summary.json files (two or more)")
    d, shards = args[0], [read(p) for p in args[1:]]
    first_path, first = shards[0]
    for path, s in shards[1:]:
        for key in ("python", "collected", "heap_pass", "cache_sim"):
            if s.get(key) != first.get(key):
                fail("'{}' has {} {}, '{}' {}: shards of one suite, on one Python, with the same options".format(
                    path, key, s.get(key), first_path, first.get(key)))
    tests, where = {}, {}
    for path, s in shards:
        for t in s["tests"]:
            k = t["nodeid"]
            if k in tests and any(tests[k].get(m) != t.get(m) for m in ("Ir", "heap", "allocs")):
                fail("{} differs between '{}' and '{}'".format(k, where[k], path))
            tests[k], where[k] = t, path
    unmeasured = {}
    for _, s in shards:
        for u in s["unmeasured"]:
            if u["nodeid"] not in tests:
                unmeasured[u["nodeid"]] = u
    merged = dict(first)
    merged.pop("interrupted", None)
    merged["tests"] = sorted(tests.values(), key=place)
    merged["unmeasured"] = list(unmeasured.values())
    merged["merged"] = [os.path.abspath(p) for p, _ in shards]
    stopped = [p for p, s in shards if s.get("interrupted")]
    if stopped:
        merged["interrupted"] = "in " + ", ".join(stopped)
    os.makedirs(d, exist_ok=True)
    sm.write(d, merged)
    sm.report(shown or d, merged, base, [t for t in merged["tests"] if t.get("fn_growth")])
    return 0 if tests else 3


if __name__ == "__main__":
    sys.exit(main(sys.argv))
