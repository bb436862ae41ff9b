"""memsummary - rangewall pytest --memcheck's summary: summary.json and the
table printed after pytest's own summary.

USAGE: memsummary.py DIR

Reads DIR/tests.jsonl (a line a test, the plugin's) and writes
DIR/summary.json (rangewall-pytest-memcheck v1, whose JSON schema is
scripts/pytest/memcheck.v1.json): per measured test, its errors (how many,
repeats included; each distinct one's kind, stack and Python caller) and
the bytes and blocks a leak check after it found lost since the template's
check.  Prints a line a test that has errors or lost bytes, then the
totals.  Exits 3 when no test was measured.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from rw import memcheck  # noqa: E402

KINDS = ("definitely", "indirectly", "possibly")


def main(argv):
    if len(argv) != 2:
        print("memsummary: error: expected DIR, got: {}".format(" ".join(argv[1:]) or "nothing"),
              file=sys.stderr)
        return 2
    d = argv[1]
    tests, unmeasured = [], []
    path = os.path.join(d, "tests.jsonl")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                if "unmeasured" in r:
                    unmeasured.append({"nodeid": r["nodeid"], "why": r["unmeasured"]})
                    continue
                t = {"nodeid": r["nodeid"], "kind": r.get("kind"), "errors": r.get("errors", 0),
                     "error_list": r.get("error_list", []), "leaks": r.get("leak_list", []),
                     "unchecked": r.get("unchecked", [])}
                for k in KINDS:
                    t[k + "_lost"] = r.get(k + "_lost", 0)
                    t[k + "_lost_blocks"] = r.get(k + "_lost_blocks", 0)
                tests.append(t)
    summary = {"schema": "rangewall-pytest-memcheck", "version": 1, "tests": tests,
               "unmeasured": unmeasured,
               "totals": {"tests": len(tests), "errors": sum(t["errors"] for t in tests),
                          "tests_with_errors": sum(1 for t in tests if t["errors"]),
                          "definitely_lost": sum(t["definitely_lost"] for t in tests),
                          "indirectly_lost": sum(t["indirectly_lost"] for t in tests),
                          "possibly_lost": sum(t["possibly_lost"] for t in tests)}}
    with open(os.path.join(d, "summary.json.tmp"), "w", encoding="utf-8") as f:
        json.dump(summary, f, ensure_ascii=False, indent=1)
    os.replace(os.path.join(d, "summary.json.tmp"), os.path.join(d, "summary.json"))
    if not tests:
        return 3
    print("=== rangewall pytest --memcheck: {} tests".format(len(tests)))
    for t in tests:
        # possibly lost is not a leak figure for Python objects: in the totals only
        lost = [(k, t[k + "_lost"], t[k + "_lost_blocks"]) for k in KINDS[:2] if t[k + "_lost"]]
        if not t["errors"] and not lost:
            continue
        kinds = sorted({e["kind"] for e in t["error_list"]})
        print("{}: {} error{}{}{}".format(
            t["nodeid"], t["errors"], "" if t["errors"] == 1 else "s",
            " ({})".format(", ".join(kinds)) if kinds else "",
            "".join("; {} lost {:,} B in {:,} block{}".format(k, b, n, "" if n == 1 else "s")
                    for k, b, n in lost)))
        for e in t["error_list"] + t["leaks"]:
            print("  " + memcheck.describe(e))
    tot = summary["totals"]
    print("rangewall: {} error{} in {} of {} tests; lost: definitely {:,} B, indirectly {:,} B "
          "(possibly lost, not a leak figure for Python's objects: {:,} B); each test's log in {}".format(
              tot["errors"], "" if tot["errors"] == 1 else "s", tot["tests_with_errors"], len(tests),
              tot["definitely_lost"], tot["indirectly_lost"], tot["possibly_lost"],
              os.path.join(d, "tests.log")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
