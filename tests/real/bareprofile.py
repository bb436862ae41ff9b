"""bareprofile.py - sys.setprofile's call counts for a script, importing
nothing the script could import itself.

USAGE: python bareprofile.py OUT.tsv SCRIPT [ARG...]

setprofile.py imports dis and runpy before the program runs: the modules
they import are then already loaded, and the program's own imports of
them make no calls.  Where the calls counted are the import system's own
(importlib's _ModuleLock.__init__, say), the reference must import nothing
first: this one uses sys and builtins alone, and runs SCRIPT as python
runs a script (compiled, executed in a namespace of its own, named
__main__).  It
writes setprofile.py's format, "FILE<TAB>LINE<TAB>NAME<TAB>CALLS<TAB>0", a
line a code object called (no generator starts: calls.py without
--generators-start-once).
"""
import sys


def main(argv):
    if len(argv) < 3:
        sys.exit("usage: bareprofile.py OUT.tsv SCRIPT [ARG...]")
    out, path = argv[1], argv[2]
    counts = {}

    def profile(frame, event, arg):
        if event == "call":
            co = frame.f_code
            key = (co.co_filename, co.co_firstlineno, co.co_name)
            counts[key] = counts.get(key, 0) + 1

    with open(path, "rb") as f:
        code = compile(f.read(), path, "exec")
    namespace = {"__name__": "__main__", "__file__": path, "__builtins__": __builtins__}
    sys.argv = argv[2:]
    sys.setprofile(profile)
    try:
        exec(code, namespace)
    finally:
        sys.setprofile(None)
        with open(out, "w") as f:
            for (fn, line, name), c in sorted(counts.items()):
                f.write("{}\t{}\t{}\t{}\t0\n".format(fn, line, name, c))


main(sys.argv)
