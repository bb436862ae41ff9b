"""rec.py N - a recursive function, N levels deep, each doing the same
work: rangewall compare must count its growth once (tests/rough.bats)."""
import sys


def run(k):
    if k:
        run(k - 1)
    return sum(range(200))


run(int(sys.argv[1]))
