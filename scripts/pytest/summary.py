"""rangewall pytest's summary: per measured test, its figures, in three forms.

USAGE: python3 scripts/pytest/summary.py DIR [--baseline SUMMARY.JSON[.gz]]
                                              [--fn-check +P%@FLOOR]

Reads, in DIR (a rangewall pytest result: the callgrind driver's files):
tests.jsonl (the plugin's line per measured test, and per test it could
not measure, Callgrind pass), heap.jsonl (the heap pass's, if it ran),
inclusive.tsv (cgparts: every function of every part), run.json (the
project's root and the interpreter's sys.path) and the context.  Writes
in DIR:
  summary.json  rangewall-pytest-summary, version 2 (its JSON schema:
                scripts/pytest/summary.v2.json): the run, then per test
                its node id, part, Ir, cache events and estimated cycles
                (with --cache-sim), heap figures and Python functions
                (named relative to the project's root, or by module); the
                tests not measured, and why; against a baseline, the
                functions that grew past --fn-check
  bencher.json  the same figures in Bencher's metric format (BMF):
                {test: {measure: {"value": N}}}
  tests.tsv     part, file, node id, Ir, heap peak, leaked, allocs: a line
                a test
and prints a table, each test's change against the baseline's when one
is given, the per-function check (a function whose inclusive Ir within a
test grew by more than +P % and more than FLOOR Ir; default +10%@5000),
and the tests not measured.  Exits 0; 3 when no test was measured.
"""

import gzip
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from rw import limits, pyframes  # noqa: E402
from rw.fmt import group  # noqa: E402
from rw.results import context_value  # noqa: E402

SCHEMA = "rangewall-pytest-summary"
VERSION = 2
PLUGIN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rangewall_pytest.py")
HEAP = ("heap", "leaked", "allocs", "heap_start", "heap_end")
FN_CHECK = "+10%@5000"


def read_jsonl(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load(path):
    with (gzip.open if path.endswith(".gz") else open)(path, "rt", encoding="utf-8") as f:
        return json.load(f)


def cycles(ev):
    if not ev or "I1mr" not in ev:
        return None
    return (ev["Ir"] + 10 * (ev["I1mr"] + ev["D1mr"] + ev["D1mw"])
            + 100 * (ev["ILmr"] + ev["DLmr"] + ev["DLmw"]))


def without_line(name):
    """'py:f (FILE:LINE)' -> 'py:f (FILE)': an edit above a function moves
    its first line, not what it is."""
    head, sep, where = name.rpartition(" (")
    return "{} ({})".format(head, where[:-1].rpartition(":")[0]) if sep else name


def functions(funcs, skip, names):
    """A test's Python functions, by inclusive Ir: not the frames its call
    ran under (skip: FILE:LINE), nor the plugin's; named as baselines name
    them (names: rw.pyframes.Names)."""
    out = {}
    for name, (inc, s, calls) in funcs.items():
        where = name[name.rfind(" (") + 2:-1]
        if where in skip or where.startswith(PLUGIN + ":"):
            continue
        label = names.relabel(name)
        f = out.setdefault(label, {"name": label, "self": 0, "inclusive": 0, "calls": 0})
        f["self"] += s
        f["inclusive"] = max(f["inclusive"], inc)
        f["calls"] += calls
    return sorted(out.values(), key=lambda f: (-f["inclusive"], f["name"]))


def fn_growth(test, base, lim):
    """The functions whose inclusive Ir grew past the limit, against the
    baseline's test."""
    was = {}
    for f in base.get("functions", []):
        k = without_line(f["name"])
        was[k] = max(was.get(k, 0), f["inclusive"])
    out = []
    for f in test["functions"]:
        a = was.get(without_line(f["name"]))
        if a is not None and lim.exceeded(a, f["inclusive"]):
            out.append({"name": f["name"], "was": a, "now": f["inclusive"],
                        "change": round(100.0 * (f["inclusive"] - a) / a, 2) if a else None})
    return sorted(out, key=lambda g: -(g["now"] - g["was"]))


def main(argv):
    args = argv[1:]
    if not args:
        sys.exit(__doc__.split("\n\n")[1])
    d, base, check = args[0], {}, FN_CHECK
    rest = args[1:]
    while rest:
        if rest[0] == "--baseline" and len(rest) > 1:
            base = {t["nodeid"]: t for t in load(rest[1])["tests"]}
        elif rest[0] == "--fn-check" and len(rest) > 1:
            check = rest[1]
        else:
            sys.exit("summary.py: unknown argument '{}'".format(rest[0]))
        rest = rest[2:]
    lim = limits.parse("fn:" + check, {"fn": 5000})["fn"]
    heap = {r["nodeid"]: r for r in read_jsonl(os.path.join(d, "heap.jsonl")) if "heap" in r}
    run = {}
    if os.path.exists(os.path.join(d, "run.json")):
        with open(os.path.join(d, "run.json"), encoding="utf-8") as f:
            run = json.load(f)
    names = pyframes.Names(run.get("root") or context_value(d, "cwd") or "/", run.get("sys_path") or [])
    funcs = {}
    if os.path.exists(os.path.join(d, "inclusive.tsv")):
        with open(os.path.join(d, "inclusive.tsv"), encoding="utf-8") as f:
            funcs = {ph: fs for (_, ph), fs in pyframes.per_part(f.readlines()[1:]).items()}
    tests, unmeasured = [], []
    for r in read_jsonl(os.path.join(d, "tests.jsonl")):
        if "unmeasured" in r:
            unmeasured.append({"nodeid": r["nodeid"], "why": r["unmeasured"]})
            continue
        t = {"nodeid": r["nodeid"], "part": r["part"], "file": r.get("file"), "how": r["how"],
             "kind": r.get("kind", "function"), "Ir": r.get("Ir")}
        if r.get("unchecked"):
            t["unchecked"] = r["unchecked"]
        if r.get("events") and "I1mr" in r["events"]:
            t["events"] = r["events"]
            t["cycles"] = cycles(r["events"])
        h = heap.get(r["nodeid"])
        if h is not None:
            t.update({k: h[k] for k in HEAP})
        t["functions"] = functions(funcs.get(r["part"], {}), set(r.get("outside", [])), names)
        tests.append(t)
    grown = []
    for t in tests:
        if t["nodeid"] in base:
            g = fn_growth(t, base[t["nodeid"]], lim)
            if g:
                t["fn_growth"] = g
                grown.append(t)
    summary = {
        "schema": SCHEMA, "version": VERSION,
        "python": context_value(d, "python version") or None,
        "executable": context_value(d, "binary") or None,
        "rangewall": context_value(d, "rangewall") or None,
        "cwd": context_value(d, "cwd") or None,
        "root": run.get("root"),
        "collected": run.get("collected"),
        "args": run.get("args"),
        "cache_sim": any("events" in t for t in tests),
        "cycles_formula": "Ir + 10 * (I1mr + D1mr + D1mw) + 100 * (ILmr + DLmr + DLmw)",
        "heap_pass": bool(heap),
        "fn_check": str(lim),
        "tests": tests,
        "unmeasured": unmeasured,
    }
    interrupted = context_value(d, "interrupted")
    if interrupted:
        summary["interrupted"] = interrupted
    write(d, summary)
    report(d, summary, base, grown)
    return 0 if tests else 3


def write(d, summary):
    """summary.json, bencher.json and tests.tsv in D."""
    tests = summary["tests"]
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


def report(d, summary, base, grown):
    tests, unmeasured = summary["tests"], summary["unmeasured"]
    print("rangewall pytest: {}{} measured test{} ({})".format(
        "INTERRUPTED (Ctrl-C): " if summary.get("interrupted") else "", len(tests),
        "" if len(tests) == 1 else "s", os.path.join(d, "summary.json")))
    if not tests:
        return
    print("  {:>14} {:>9} {:>13} {:>11} {:>8}  {}".format(
        "Ir", "vs base", "heap peak B", "leaked B", "allocs", "test"))
    for t in tests:
        b = base.get(t["nodeid"], {}).get("Ir")
        change = "{:+.2f}%".format(100.0 * (t["Ir"] - b) / b) if b and t["Ir"] is not None else "-"
        print("  {:>14} {:>9} {:>13} {:>11} {:>8}  {}".format(
            group(t["Ir"]) if t["Ir"] is not None else "?", change,
            group(t["heap"]) if "heap" in t else "-", group(t["leaked"]) if "leaked" in t else "-",
            group(t["allocs"]) if "allocs" in t else "-", t["nodeid"]))
    def memcheck_metric(lim):
        return lim.split(":")[0] in ("errors", "lost")
    unchecked = [(t["nodeid"], [u for u in t.get("unchecked", []) if not memcheck_metric(u)]) for t in tests]
    unchecked = [(n, u) for n, u in unchecked if u]
    if unchecked:
        print("rangewall pytest: not checked, no figure to compare with ({}): {}".format(
            "not in the baseline" if base else "no --baseline",
            "; ".join("{} ({})".format(n, " ".join(u)) for n, u in unchecked)))
    mc = sorted({u for t in tests for u in t.get("unchecked", []) if memcheck_metric(u)})
    if mc:
        print("rangewall pytest: not checked: {} (errors and lost are measured only with --memcheck)".format(
            " ".join(mc)))
    if base:
        now, was = {t["nodeid"] for t in tests}, set(base)
        if now != was:
            print("rangewall pytest: the baseline measured {} tests, this run {}: {} in common, "
                  "compared; a test's figures do not depend on which others run".format(
                      len(was), len(now), len(now & was)))
        print("rangewall pytest: functions whose inclusive Ir grew by more than {} in a test: {}".format(
            summary["fn_check"].replace("fn:", ""), "none" if not grown else ""))
        for t in grown:
            for g in t["fn_growth"]:
                print("  {}: {} {:+,} Ir ({:+.2f} %)".format(
                    t["nodeid"], g["name"], g["now"] - g["was"], g["change"] or 0))
    if unmeasured:
        print("rangewall pytest: {} test{} not measured (summary.json's unmeasured says why)".format(
            len(unmeasured), "" if len(unmeasured) == 1 else "s"))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
