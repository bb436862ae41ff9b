# sweep_stringio: time every StringIO.write of seed 003's loop, natively,
# and write them as CSV (write,ns).  Used by scripts/sweep (make sweep).
#
#   build/pyembed/pyrun-3.11 pyembed/snippets/sweep_stringio.py WRITES CHUNK OUT.csv [stalls]
#
# With "stalls", OUT gets only the stalls -- writes slower than 2 ms and
# 100x the median write (the lower middle value) -- and stdout the line
# "writes,stalls,longest_ns,total_ns": what the sweep needs of a run whose
# every timing it does not keep.
#
# The timings go in a preallocated array, so that recording them allocates
# nothing; the clock is perf_counter_ns where there is one (3.7+).
import io
import sys
import time
from array import array

writes, chunk, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
stalls_only = sys.argv[4:5] == ["stalls"]
counts = xrange if sys.version_info[0] == 2 else range  # noqa: F821
if hasattr(time, "perf_counter_ns"):
    clock, scale = time.perf_counter_ns, 1
elif hasattr(time, "perf_counter"):
    clock, scale = time.perf_counter, 1e9
else:
    clock, scale = time.time, 1e9

s = u"a" * chunk
write = io.StringIO().write
ns = array("d", [0.0]) * writes

for i in counts(writes):
    t0 = clock()
    write(s)
    ns[i] = clock() - t0

with open(out, "w") as f:
    f.write("write,ns\n")
    if stalls_only:
        ints = [int(t * scale) for t in ns]
        median = sorted(ints)[(writes + 1) // 2 - 1]
        stalls = [(i + 1, t) for i, t in enumerate(ints) if t > 100 * median and t > 2000000]
        for i, t in stalls:
            f.write("%d,%d\n" % (i, t))
        sys.stdout.write("%d,%d,%d,%d\n" % (writes, len(stalls), max(ints), sum(ints)))
    else:
        for i in counts(writes):
            f.write("%d,%d\n" % (i + 1, ns[i] * scale))
