# py-range: the seed's benchmark, range(N) -- a list of N ints.
#
# Python 2's range() builds the list; Python 3's is lazy, so list(range(N))
# does the same work there.  Phases: build (the list and its N ints), drop
# (the list and its ints freed), then the runner's finalize.
#
#   build/pyembed/pyrun-3.11 pyembed/snippets/py_range.py 1000000
import sys
import vg

if len(sys.argv) != 2:  # N's default is make's: benchmarks.txt
    sys.exit("usage: py_range.py N")
n = int(sys.argv[1])

vg.phase("build")
if sys.version_info[0] == 2:
    x = range(n)
else:
    x = list(range(n))

vg.phase("drop")
del x
