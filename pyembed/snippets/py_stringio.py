# py-stringio: seed 003's write_to_memory loop -- WRITES writes of one
# CHUNK-character string to an io.StringIO.
#
# On CPython <= 3.11 write() only stores a reference, and every 100,000th
# joins them all (Objects/accu.c): the wall.  3.12 copies as it goes.
# Phases: "writes" (all but the last write), "last" (the last write: the
# 100,000th by default), then with "getvalue" the seed's fix, "getvalue",
# and "drop".  The probe prints the string's refcount around the last
# write: 100,000 references wait in the accumulator before the wall.
#
#   build/pyembed/pyrun-3.11 pyembed/snippets/py_stringio.py 100000 10000
#   ... py_stringio.py WRITES CHUNK getvalue
import io
import sys
import vg

if not 3 <= len(sys.argv) <= 4:  # the defaults are make's: benchmarks.txt
    sys.exit("usage: py_stringio.py WRITES CHUNK [getvalue]")
writes, chunk = int(sys.argv[1]), int(sys.argv[2])
getvalue = sys.argv[3:4] == ["getvalue"]
counts = xrange if sys.version_info[0] == 2 else range  # noqa: F821

s = u"a" * chunk  # io.StringIO takes unicode only, on Python 2 too
output = io.StringIO()
write = output.write


def probe(when):
    sys.stderr.write("probe: sys.getrefcount(s) %s write %d: %d\n"
                     % (when, writes, sys.getrefcount(s)))


vg.phase("writes")
for _ in counts(writes - 1):
    write(s)
probe("before")

vg.phase("last")
write(s)

if getvalue:
    vg.phase("getvalue")
    value = output.getvalue()
    del value

vg.phase("drop")
probe("after")
# No output.close(): on 2.7 it reallocs the 4 GB buffer (UCS-4) to nothing,
# and Massif 3.19 fails an assertion there (update_heap_stats).  Dropping
# the last reference frees it.
del output, write
