"""rangewall pytest's summary: per measured test, its figures, in three forms.

USAGE: python3 scripts/pytest/summary.py DIR [--baseline SUMMARY.JSON]

Reads, in DIR (a rangewall pytest result: the callgrind driver's files):
tests.jsonl (the plugin's line per measured test, Callgrind pass),
heap.jsonl (the heap pass's, if it ran), inclusive.tsv (cgparts: every
function of every part) and context.txt.  Writes in DIR:
  summary.json  rangewall-pytest-summary, version 1 (its JSON schema:
                scripts/pytest/summary.v1.json): the run, then per test
                its node id, part, Ir, cache events and estimated cycles
                (with --cache-sim), heap figures and Python functions
  bencher.json  the same figures in Bencher's metric format (BMF):
                {test: {measure: {"value": N}}}
  tests.tsv     part, file, node id, Ir, heap peak, leaked, allocs: a line
                a test
and prints a table, with each test's change against the baseline's when
one is given.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from rw import pyframes  # noqa: E402
from rw.fmt import group  # noqa: E402
from rw.results import context_value  # noqa: E402

SCHEMA = "rangewall-pytest-summary"
VERSION = 1
PLUGIN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rangewall_pytest.py:")
HEAP = ("heap", "leaked", "allocs", "heap_start", "heap_end")


def read_jsonl(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def cycles(ev):
    if not ev or "I1mr" not in ev:
        return None
    return (ev["Ir"] + 10 * (ev["I1mr"] + ev["D1mr"] + ev["D1mw"])
            + 100 * (ev["ILmr"] + ev["DLmr"] + ev["DLmw"]))


def main(argv):
    d = argv[1]
    base = {}
    if len(argv) > 3 and argv[2] == "--baseline":
        with open(argv[3], encoding="utf-8") as f:
            base = {t["nodeid"]: t for t in json.load(f)["tests"]}
    heap = {r["nodeid"]: r for r in read_jsonl(os.path.join(d, "heap.jsonl"))}
    with open(os.path.join(d, "inclusive.tsv"), encoding="utf-8") as f:
        funcs = {ph: fs for (_, ph), fs in pyframes.per_part(f.readlines()[1:]).items()}
    tests = []
    for r in read_jsonl(os.path.join(d, "tests.jsonl")):
        t = {"nodeid": r["nodeid"], "part": r["part"], "file": r.get("file"), "how": r["how"],
             "Ir": r.get("Ir")}
        if r.get("unchecked"):
            t["unchecked"] = r["unchecked"]
        if r.get("events") and "I1mr" in r["events"]:
            t["events"] = r["events"]
            t["cycles"] = cycles(r["events"])
        h = heap.get(r["nodeid"])
        if h is not None and "heap" in h:
            t.update({k: h[k] for k in HEAP})
        # The test's own functions: not the frames it ran under, nor the
        # plugin's (the lambda that makes the counted call).
        skip = set(r.get("outside", []))
        t["functions"] = [
            {"name": name, "self": s, "inclusive": inc, "calls": calls}
            for name, (inc, s, calls) in sorted(funcs.get(r["part"], {}).items(),
                                                key=lambda x: (-x[1][0], x[0]))
            if name[name.rfind(" (") + 2:-1] not in skip
            and not name[name.rfind(" (") + 2:].startswith(PLUGIN)]
        tests.append(t)
    summary = {
        "schema": SCHEMA, "version": VERSION,
        "python": context_value(d, "python version") or None,
        "executable": context_value(d, "binary") or None,
        "rangewall": context_value(d, "rangewall") or None,
        "cwd": context_value(d, "cwd") or None,
        "cache_sim": any("events" in t for t in tests),
        "cycles_formula": "Ir + 10 * (I1mr + D1mr + D1mw) + 100 * (ILmr + DLmr + DLmw)",
        "heap_pass": bool(heap),
        "tests": tests,
    }
    interrupted = context_value(d, "interrupted")
    if interrupted:
        summary["interrupted"] = interrupted
    with open(os.path.join(d, "summary.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, ensure_ascii=False, indent=1)
        f.write("\n")
    bmf = {}
    for t in tests:
        m = {"instructions": {"value": t["Ir"]}}
        if "cycles" in t:
            m["estimated-cycles"] = {"value": t["cycles"]}
        for k, name in (("heap", "heap-peak-bytes"), ("leaked", "heap-leaked-bytes"),
                        ("allocs", "allocations")):
            if k in t:
                m[name] = {"value": t[k]}
        bmf[t["nodeid"]] = m
    with open(os.path.join(d, "bencher.json"), "w", encoding="utf-8") as f:
        json.dump(bmf, f, ensure_ascii=False, indent=1)
        f.write("\n")
    with open(os.path.join(d, "tests.tsv"), "w", encoding="utf-8") as f:
        f.write("part\tfile\tnodeid\tIr\theap\tleaked\tallocs\n")
        for t in tests:
            f.write("\t".join(str(t.get(k) if t.get(k) is not None else "-")
                               for k in ("part", "file", "nodeid", "Ir", "heap", "leaked",
                                         "allocs")) + "\n")
    print("rangewall pytest: {}{} measured test{} ({})".format(
        "INTERRUPTED (Ctrl-C): " if interrupted else "", len(tests), "" if len(tests) == 1 else "s",
        os.path.join(d, "summary.json")))
    print("  {:>14} {:>9} {:>13} {:>11} {:>8}  {}".format(
        "Ir", "vs base", "heap peak B", "leaked B", "allocs", "test"))
    for t in tests:
        b = base.get(t["nodeid"], {}).get("Ir")
        change = "{:+.2f}%".format(100.0 * (t["Ir"] - b) / b) if b and t["Ir"] is not None else "-"
        print("  {:>14} {:>9} {:>13} {:>11} {:>8}  {}".format(
            group(t["Ir"]) if t["Ir"] is not None else "?", change,
            group(t["heap"]) if "heap" in t else "-", group(t["leaked"]) if "leaked" in t else "-",
            group(t["allocs"]) if "allocs" in t else "-", t["nodeid"]))
    unchecked = [t for t in tests if t.get("unchecked")]
    if unchecked:
        print("rangewall pytest: not checked, no figure to compare with ({}): {}".format(
            "not in the baseline" if base else "no --baseline",
            "; ".join("{} ({})".format(t["nodeid"], " ".join(t["unchecked"])) for t in unchecked)))


if __name__ == "__main__":
    main(sys.argv)
