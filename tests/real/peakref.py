"""peakref.py OUT.tsv (-m MODULE | SCRIPT) [ARG...]: the reference for the
heap at a program's peak, by Python function, from tracemalloc alone.

The program runs twice, each time in a fresh python: once to learn its
peak (tracemalloc's traced peak), then again with a snapshot taken the
first time the traced heap comes within 0.2 % of that peak, and again
each time it passes the last snapshot (checked at every Python call and
return, through sys.setprofile).  OUT.tsv gets, for each Python function
named as rangewall names it ("py:QUALNAME (FILE:FIRSTLINE)"), the bytes
allocated with it on the stack and live in that snapshot, each block
once however often the function is on its stack.  Python 3.11+ (the
code objects' qualified names)."""

import os
import subprocess
import sys
import tracemalloc

NFRAMES = 1000


def run_program(argv):
    import runpy
    sys.argv = argv[1:] if argv[0] == "-m" else argv[:]
    try:
        if argv[0] == "-m":
            sys.argv[0] = argv[1]
            runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
        else:
            runpy.run_path(argv[0], run_name="__main__")
    except SystemExit:
        pass


def functions_of(filename, cache={}):
    """{line: (qualname, first line)} for the code objects compiled from
    FILE: each line to the innermost function it belongs to."""
    if filename in cache:
        return cache[filename]
    lines = {}
    try:
        with open(filename, "rb") as f:
            code = compile(f.read(), filename, "exec")
    except (OSError, SyntaxError, ValueError):
        code = None
    todo = [code] if code else []
    while todo:
        c = todo.pop()
        for _, _, line in c.co_lines():
            if line is not None:
                lines[line] = (c.co_qualname, c.co_firstlineno)
        todo += [k for k in c.co_consts if hasattr(k, "co_lines")]
    cache[filename] = lines
    return lines


def by_function(snapshot):
    out = {}
    for t in snapshot.traces:
        seen = set()
        for fr in t.traceback:
            q = functions_of(fr.filename).get(fr.lineno)
            if q is None:
                continue
            key = "py:{} ({}:{})".format(q[0], fr.filename, q[1])
            if key not in seen:
                seen.add(key)
                out[key] = out.get(key, 0) + t.size
    return out


def main():
    if sys.argv[1] == "--pass":
        target, out, argv = int(sys.argv[2]), sys.argv[3], sys.argv[4:]
        tracemalloc.start(NFRAMES)
        state = {"at": 0, "snap": None}

        def prof(frame, event, arg):
            cur = tracemalloc.get_traced_memory()[0]
            if target and cur >= target * 0.998 and cur > state["at"]:
                sys.setprofile(None)
                state["snap"], state["at"] = tracemalloc.take_snapshot(), cur
                sys.setprofile(prof)

        sys.setprofile(prof)
        try:
            run_program(argv)
        finally:
            sys.setprofile(None)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        with open(out, "w") as f:
            f.write("#peak\t{}\n#snapshot\t{}\n".format(peak, state["at"]))
            if state["snap"] is not None:
                for k, v in sorted(by_function(state["snap"]).items(), key=lambda x: -x[1]):
                    f.write("{}\t{}\n".format(k, v))
        return 0
    out, argv = sys.argv[1], sys.argv[2:]
    me = os.path.abspath(__file__)
    subprocess.run([sys.executable, me, "--pass", "0", out] + argv, check=True, stdout=subprocess.DEVNULL)
    with open(out) as f:
        peak = int(f.readline().split("\t")[1])
    subprocess.run([sys.executable, me, "--pass", str(peak), out] + argv, check=True, stdout=subprocess.DEVNULL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
