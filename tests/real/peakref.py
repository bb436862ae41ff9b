"""peakref.py OUT.tsv -m MODULE [ARG...]: the reference for the heap at a
program's peak, by Python function, from tracemalloc alone.

The program runs twice, each time in a fresh python started as `python
-X tracemalloc=1000 -c CODE`: tracemalloc traces from the interpreter's
start, and CODE imports only _tracemalloc (built in) and runpy (which
`python -m` imports too), so that the program finds sys.modules as
`python -m MODULE` leaves it.  (Had this script imported a module the
program imports too, that module's bytes would belong to no function
of the program here, and to the program's import under Valgrind.)  A
SCRIPT instead of -m MODULE runs through runpy.run_path: runpy imported
first, and the script's folder not put at the head of sys.path.

The traced heap is read at every call and return, of Python functions
and of builtins (sys.setprofile), and at every line (sys.settrace), in
the main thread.  The first run learns tracemalloc's peak and the event
at which the heap read was largest; the second takes the traces at that
event, and nowhere else (a snapshot makes objects, and so moves the
garbage collector's next collection: the heap after it is no longer the
program's).  That heap is under the peak when the peak fell between two
events (inside a builtin, or within one line); OUT.tsv's first lines
give both, "#peak" and "#snapshot" (the heap as the traces were taken).
The caller sets PYTHONMALLOC=malloc and PYTHONHASHSEED=0, as rangewall's
DHAT run has them, so that this run and the one under Valgrind allocate
alike.

OUT.tsv then gets, for each Python function named as rangewall names it
("py:QUALNAME (FILE:FIRSTLINE)"), the bytes allocated with it on the
stack and live in those traces, each block once however often the
function is on its stack.  Frames of frozen modules (importlib's,
runpy's) and of files not readable as source are left out.  A frame is
a file and a line, and a line can belong to several code objects, a
function and the comprehension or lambda written on it: the frame is
the K-th of them, outermost first, where K is the number of frames just
outside it at the same file and line (the function that ran the
comprehension there is one).  Python 3.11+ (the code objects' qualified
names)."""

import os
import subprocess
import sys

NFRAMES = 1000
NEVER = 999999999       # an event the first run does not reach

# Runs in the measured python: nothing imported before the program but
# what `python -m` imports itself.  The traces are pickled after the
# program ends.
PASS = r"""
import sys, _tracemalloc, runpy
at, out, argv = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
state = [0, 0, 0, None, 0]    # events seen, the largest heap at one, its event, traces, the heap then
def prof(frame, event, arg):
    cur = _tracemalloc.get_traced_memory()[0]
    state[0] += 1
    if cur > state[1]:
        state[1], state[2] = cur, state[0]
    if state[0] == at:
        state[3], state[4] = _tracemalloc._get_traces(), cur
    return prof
if argv[0] == "-m":
    sys.argv = argv[1:]
    run = lambda: runpy._run_module_as_main(argv[1], alter_argv=True)
else:
    sys.argv = argv
    run = lambda: runpy.run_path(argv[0], run_name="__main__")
sys.setprofile(prof)
sys.settrace(prof)
try:
    run()
except SystemExit:
    pass
finally:
    sys.settrace(None)
    sys.setprofile(None)
peak = _tracemalloc.get_traced_memory()[1]
_tracemalloc.stop()
import pickle
with open(out, "wb") as f:
    pickle.dump((peak, state[1], state[2], state[3], state[4]), f)
"""


def functions_of(filename, cache={}):
    """{line: [(qualname, first line), ...]} for the code objects compiled
    from FILE: the code objects each line belongs to, outermost first."""
    if filename in cache:
        return cache[filename]
    lines = {}
    try:
        with open(filename, "rb") as f:
            code = compile(f.read(), filename, "exec")
    except (OSError, SyntaxError, ValueError):
        code = None
    todo = [code] if code else []
    while todo:             # outer code objects before those inside them
        c = todo.pop(0)
        for line in sorted({ln for _, _, ln in c.co_lines() if ln is not None}):
            lines.setdefault(line, []).append((c.co_qualname, c.co_firstlineno))
        todo += [k for k in c.co_consts if hasattr(k, "co_lines")]
    cache[filename] = lines
    return lines


def by_function(traces):
    """{function: bytes} from _tracemalloc's raw traces, (domain, size,
    ((file, line), ...) innermost first, total frames)."""
    out = {}
    for t in traces:
        tb, seen = t[2], set()
        for i, (filename, lineno) in enumerate(tb):
            q = functions_of(filename).get(lineno)
            if not q:
                continue
            outside = 0     # the frames just outside this one at its line
            while i + 1 + outside < len(tb) and tb[i + 1 + outside] == (filename, lineno):
                outside += 1
            name, first = q[min(outside, len(q) - 1)]
            key = "py:{} ({}:{})".format(name, filename, first)
            if key not in seen:
                seen.add(key)
                out[key] = out.get(key, 0) + t[1]
    return out


def run_pass(at, out, argv):
    # the same allocations in both runs: AT as wide, and as large an int
    cmd = [sys.executable, "-X", "tracemalloc={}".format(NFRAMES), "-c", PASS, "{:09d}".format(at), out] + argv
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    import pickle
    with open(out, "rb") as f:
        return pickle.load(f)


def main():
    out, argv = sys.argv[1], sys.argv[2:]
    peak, largest, event, _, _ = run_pass(NEVER, out + ".pickle", argv)
    _, _, _, traces, again = run_pass(event, out + ".pickle", argv)
    os.unlink(out + ".pickle")
    # (about 250 B moved from run to run on Pygments' 5 MB, the event
    # the same: objects' addresses differ; 0.1 % is allowed)
    if traces is None or abs(again - largest) > largest // 1000:
        sys.exit("peakref.py: the second run did not repeat the first: {} B at event {}, then {}".format(largest, event, again))
    with open(out, "w") as f:
        f.write("#peak\t{}\n#snapshot\t{}\n".format(peak, again))
        for k, v in sorted(by_function(traces).items(), key=lambda x: -x[1]):
            f.write("{}\t{}\n".format(k, v))
    return 0


if __name__ == "__main__":
    sys.exit(main())
