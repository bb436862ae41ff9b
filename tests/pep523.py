"""pep523.py - the paths by which CPython may enter a Python function
without its frame-evaluation hook, each taken N times (default 100):
the instructions CPython gh-104405 names, and 3.13's
CALL_ALLOC_AND_ENTER_INIT (tests/pep523.bats).

  python pep523.py [N]    run every case

  BINARY_SUBSCR_GETITEM              Subscripted.__getitem__, s[i]
  LOAD_ATTR_PROPERTY                 Property.value, p.value
  LOAD_ATTR_GETATTRIBUTE_OVERRIDDEN  Overridden.__getattribute__
  CALL_ALLOC_AND_ENTER_INIT          Initialised.__init__, Initialised()
  FOR_ITER_GEN                       numbers(), in a for loop
  SEND, SEND_GEN                     numbers() under delegate()'s yield
                                     from; leaf() awaited by awaiting()

and two paths that are no instruction of the issue's: a function that
raises, caught by its caller (raiser(), catcher()), and a list
comprehension, a function of its own until 3.12 inlines it (PEP 709):
comprehension()'s <listcomp>.
"""
import sys

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100


class Subscripted:                  # BINARY_SUBSCR_GETITEM
    def __getitem__(self, i):
        return i


class Property:                     # LOAD_ATTR_PROPERTY
    @property
    def value(self):
        return 1


class Overridden:                   # LOAD_ATTR_GETATTRIBUTE_OVERRIDDEN
    def __getattribute__(self, name):
        return 1


class Initialised:                  # CALL_ALLOC_AND_ENTER_INIT (3.13)
    def __init__(self):
        self.x = 1


def numbers(n):                     # FOR_ITER_GEN
    for i in range(n):
        yield i


def delegate(n):                    # SEND, SEND_GEN: yield from
    yield from numbers(n)


async def leaf():                   # SEND, SEND_GEN: await
    return 1


async def awaiting(n):
    for _ in range(n):
        await leaf()


def raiser(i):                      # raises; catcher() catches
    raise ValueError(i)


def catcher(n):
    for i in range(n):
        try:
            raiser(i)
        except ValueError:
            pass


def comprehension(n):               # <listcomp>: inlined from 3.12
    return [i for i in range(n)]


def run():
    s = Subscripted()
    for i in range(N):
        s[i]
    p = Property()
    for _ in range(N):
        p.value
    o = Overridden()
    for _ in range(N):
        o.anything
    for _ in range(N):
        Initialised()
    for _ in numbers(N):
        pass
    for _ in delegate(N):
        pass
    try:
        awaiting(N).send(None)
    except StopIteration:
        pass
    catcher(N)
    for _ in range(N):
        comprehension(3)


run()
