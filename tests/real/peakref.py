"""peakref.py OUT.tsv (-m MODULE | SCRIPT) [ARG...]: the reference for the
heap at a program's peak, by Python function, from tracemalloc alone.

The program runs twice, each time in a fresh python started as
`python -X tracemalloc=1000 -c CODE`, so that tracemalloc traces from
the interpreter's start and the program finds sys.modules as `python -m
MODULE` (or `python SCRIPT`) leaves it: CODE imports only _tracemalloc
(built in) and runpy (which -m imports too).  A module the reference
imported first would be charged to nobody here and to the program's
import under Valgrind.  The first run learns the peak (tracemalloc's
traced peak); the second takes the traces the first time the traced
heap comes within 0.2 % of that peak, and again each time it passes the
last (checked at every Python call and return, through sys.setprofile).
Run it as rangewall runs the program (PYTHONMALLOC=malloc for DHAT,
PYTHONHASHSEED=0): the same allocations then happen in both.

OUT.tsv gets, for each Python function named as rangewall names it
("py:QUALNAME (FILE:FIRSTLINE)"), the bytes allocated with it on the
stack and live in those traces, each block once however often the
function is on its stack.  Python 3.11+ (the code objects' qualified
names)."""

import os
import subprocess
import sys

NFRAMES = 1000

# Runs in the measured python: nothing imported before the program but
# what `python -m` imports itself.  The traces are pickled after the
# program ends.
PASS = r"""
import sys, _tracemalloc, runpy
target, out, argv = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
state = [0, None]
def prof(frame, event, arg):
    cur = _tracemalloc.get_traced_memory()[0]
    if target and cur >= target * 0.998 and cur > state[0]:
        state[0], state[1] = cur, _tracemalloc._get_traces()
if argv[0] == "-m":
    sys.argv = argv[1:]
    run = lambda: runpy._run_module_as_main(argv[1], alter_argv=True)
else:
    sys.argv = argv
    run = lambda: runpy.run_path(argv[0], run_name="__main__")
sys.setprofile(prof)
try:
    run()
except SystemExit:
    pass
finally:
    sys.setprofile(None)
peak = _tracemalloc.get_traced_memory()[1]
_tracemalloc.stop()
import pickle
with open(out, "wb") as f:
    pickle.dump((peak, state[0], state[1]), f)
"""


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


def by_function(traces):
    """{function: bytes} from _tracemalloc's raw traces, (domain, size,
    ((file, line), ...) innermost first, total frames)."""
    out = {}
    for t in traces:
        seen = set()
        for filename, lineno in t[2]:
            q = functions_of(filename).get(lineno)
            if q is None:
                continue
            key = "py:{} ({}:{})".format(q[0], filename, q[1])
            if key not in seen:
                seen.add(key)
                out[key] = out.get(key, 0) + t[1]
    return out


def run_pass(target, out, argv):
    cmd = [sys.executable, "-X", "tracemalloc={}".format(NFRAMES), "-c", PASS, str(target), out] + argv
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    import pickle
    with open(out, "rb") as f:
        return pickle.load(f)


def main():
    out, argv = sys.argv[1], sys.argv[2:]
    peak = run_pass(0, out + ".pickle", argv)[0]
    _, at, traces = run_pass(peak, out + ".pickle", argv)
    os.unlink(out + ".pickle")
    with open(out, "w") as f:
        f.write("#peak\t{}\n#snapshot\t{}\n".format(peak, at))
        if traces is not None:
            for k, v in sorted(by_function(traces).items(), key=lambda x: -x[1]):
                f.write("{}\t{}\n".format(k, v))
    return 0


if __name__ == "__main__":
    sys.exit(main())
