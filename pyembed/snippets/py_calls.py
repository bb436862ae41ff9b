# py-calls: N calls of a small Python function -- what --pyframes costs.
#
# Each call of f goes through the interpreter's call machinery; with the
# runner's --pyframes (PYFRAMES=yes) it also goes through the frame
# evaluation hook and f's stub, and from 3.11 it is no longer inlined into
# the caller's evaluation.  `make bench` counts it both ways.  Phase: calls.
#
#   build/pyembed/pyrun-3.11 --pyframes pyembed/snippets/py_calls.py 1000000
import sys
import vg

if len(sys.argv) != 2:  # N's default is make's: benchmarks.txt
    sys.exit("usage: py_calls.py N")
n = int(sys.argv[1])


def f(x):
    return x + 1


def loop(n):
    for i in range(n):
        f(i)


vg.phase("calls")
loop(n)
