# py-numpy: the seed's second suggested fix, numpy.arange(N): one buffer
# of int64, filled in C.  Skipped (exit 77) where numpy is not installed.
# Phases: build, drop.
import sys
import vg

try:
    import numpy
except ImportError:
    sys.stderr.write("skip: numpy is not importable on this Python\n")
    sys.exit(77)

if len(sys.argv) != 2:  # N's default is make's: benchmarks.txt
    sys.exit("usage: py_numpy.py N")
n = int(sys.argv[1])

vg.phase("build")
x = numpy.arange(n, dtype=numpy.int64)

vg.phase("drop")
del x
