# py-array: the seed's first suggested fix, the same N ints in an
# array('l'): one buffer of machine integers, no int objects.
#
# Built from an iterator, so no list of ints exists on the way (xrange on
# Python 2).  Phases: build, drop.
import sys
from array import array
import vg

if len(sys.argv) != 2:  # N's default is make's: benchmarks.txt
    sys.exit("usage: py_array.py N")
n = int(sys.argv[1])
numbers = xrange(n) if sys.version_info[0] == 2 else range(n)  # noqa: F821

vg.phase("build")
x = array("l", numbers)

vg.phase("drop")
del x
