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

n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000000

vg.phase("build")
x = numpy.arange(n, dtype=numpy.int64)

vg.phase("drop")
del x
