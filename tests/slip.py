"""slip.py - a function entered past the frame hook despite the runner's
guard (pyembed/pyframes.c, "Paths past the hook"), which the outputs must
name (tests/pep523.bats).

On CPython 3.11.0-3.11.3, gi becomes Late's __getitem__ outside a class
body and is first called through an instruction specialised before the
runner met it: BINARY_SUBSCR_GETITEM enters it past the hook, 5 times.
"""


class Late:
    pass


def gi(self, k):
    return k


Late.__getitem__ = gi   # made outside a class body, never called yet


def f(r):
    for _ in range(20):     # warms f up: r[0] below is specialised on its first run
        pass
    return r[0]


for _ in range(5):
    f(Late())
