"""calls.py - compare rangewall's Python call counts with sys.setprofile's.

USAGE: python3 calls.py REFERENCE.tsv RESULT-DIR PREFIX [--generators-start-once]

REFERENCE.tsv is setprofile.py's; RESULT-DIR a rangewall callgrind
--pyframes result (its inclusive.tsv and pyframes.map).  For every code
object whose file starts with PREFIX (the program's own package), the
calls rangewall counted, summed over the run's parts, must equal the
reference's.  With --generators-start-once (CPython 3.11+, where a
generator's or coroutine's creation runs its frame through the hook
once), a generator function's expected calls are its resumptions plus
one per object started.  Prints a line a function checked,
"CALLS-OURS CALLS-EXPECTED NAME (FILE:LINE)", mismatches first, and a
last line "N functions, N differ"; exits 1 if any differ or none were
checked.
"""
import collections
import re
import sys


def ours(result):
    """{(file, line, last name part): calls} from inclusive.tsv's py: rows."""
    out = collections.Counter()
    with open(result + "/inclusive.tsv") as f:
        next(f)
        for row in f:
            part, phase, fn, inc, self_ir, calls, obj = row.rstrip("\n").split("\t")
            m = re.search(r":py:(.*) \((.*):(\d+)\)('\d+)?$", fn)
            if m:
                name = m.group(1).rsplit(".", 1)[-1]
                out[(m.group(2), int(m.group(3)), name)] += int(calls)
    return out


def main(argv):
    if len(argv) not in (4, 5) or (len(argv) == 5 and argv[4] != "--generators-start-once"):
        sys.exit("usage: calls.py REFERENCE.tsv RESULT-DIR PREFIX [--generators-start-once]")
    starts_once = len(argv) == 5
    got = ours(argv[2])
    lines, bad = [], 0
    with open(argv[1]) as f:
        for row in f:
            path, line, name, calls, starts = row.rstrip("\n").split("\t")
            if not path.startswith(argv[3]):
                continue
            want = int(calls) + (int(starts) if starts_once else 0)
            have = got.get((path, int(line), name), 0)
            ok = have == want
            bad += not ok
            lines.append((ok, "{} {} {}{} ({}:{})".format(
                have, want, "" if ok else "DIFFERS ", name, path, line)))
    for ok, text in sorted(lines, key=lambda x: x[0]):
        print(text)
    print("{} functions, {} differ".format(len(lines), bad))
    return 1 if bad or not lines else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
