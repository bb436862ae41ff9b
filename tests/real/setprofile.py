"""setprofile.py - the reference for rangewall's Python call counts: run a
program under sys.setprofile and count the calls the interpreter reports.

USAGE: python setprofile.py OUT.tsv (SCRIPT | -m MODULE) [ARG...]

Runs the program as python would (runpy: a script, or a module with -m),
with sys.argv set to what it would see, and writes OUT.tsv: a line a code
object that was called, "FILE<TAB>LINE<TAB>NAME<TAB>CALLS<TAB>STARTS":
CALLS is the "call" events sys.setprofile saw (every call, and every
resumption of a generator or coroutine); STARTS is the first of those
resumptions, one a generator or coroutine object started.  The hash seed
is the caller's: run it with PYTHONHASHSEED=0, as rangewall runs.
"""
import dis
import runpy
import sys

GENERATOR = 0x20 | 0x80 | 0x200     # CO_GENERATOR, CO_COROUTINE, CO_ASYNC_GENERATOR


def first_resume(code, cache={}):
    """Where a generator's frame is on its first resumption: f_lasti -1
    before 3.11, the first RESUME's offset from 3.11."""
    if code not in cache:
        if sys.version_info < (3, 11):
            cache[code] = -1
        else:
            cache[code] = min(i.offset for i in dis.get_instructions(code)
                              if i.opname == "RESUME")
    return cache[code]


def main(argv):
    if len(argv) < 3 or (argv[2] == "-m" and len(argv) < 4):
        sys.exit("usage: setprofile.py OUT.tsv (SCRIPT | -m MODULE) [ARG...]")
    out, counts = argv[1], {}

    def profile(frame, event, arg):
        if event != "call":
            return
        co = frame.f_code
        key = (co.co_filename, co.co_firstlineno, co.co_name)
        c = counts.get(key)
        if c is None:
            c = counts[key] = [0, 0]
        c[0] += 1
        if co.co_flags & GENERATOR and frame.f_lasti == first_resume(co):
            c[1] += 1

    if argv[2] == "-m":
        sys.argv = [argv[3]] + argv[4:]
        run = lambda: runpy.run_module(argv[3], run_name="__main__", alter_sys=True)
    else:
        sys.argv = argv[2:]
        run = lambda: runpy.run_path(argv[2], run_name="__main__")
    status = 0
    sys.setprofile(profile)
    try:
        run()
    except SystemExit as e:
        status = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    finally:
        sys.setprofile(None)
    with open(out, "w") as f:
        for (path, line, name), (calls, starts) in sorted(counts.items()):
            f.write("{}\t{}\t{}\t{}\t{}\n".format(path, line, name, calls, starts))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
