# toggle.py - vg.stop()/vg.start() pairs around uncounted work (tests/vg.bats).
#
#   pyrun toggle.py K M pairs|none
# K times: with "pairs", vg.stop(); junk(M); vg.start(); then sorted(data),
# the counted work.  junk allocates nothing, so it leaves no trace in the
# counted part but the time it takes.
import sys
import vg

data = list(range(64, 0, -1))


def junk(m):
    x = 0
    for i in range(m):
        x = (x + i) & 127
    return x


def main(k, m, pairs):
    stop, start = vg.stop, vg.start
    for _ in range(k):
        if pairs:
            stop()
            junk(m)
            start()
        sorted(data)


k, m, pairs = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "pairs"
vg.phase("loop")
main(k, m, pairs)
vg.phase("end")
