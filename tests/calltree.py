# calltree.py - Python functions of known structure (tests/pyframes.bats).
#
#   pyrun calltree.py tree|once|profile|recurse|peek [warm]
# tree:    top() calls mid() twice, mid() calls leaf(10000) three times:
#          1 top, 2 mid, 6 leaf, each leaf a list of 10,000 ints.
# once:    leaf(10000) once, for its cost alone.
# warm:    first build and drop such a list elsewhere (warm()): leaf's first
#          call then finds pymalloc's pools as its later calls do, not
#          fresh from the arena, so that one call costs what each of six
#          does.
# profile: tree, with sys.setprofile counting the calls the interpreter
#          makes itself; prints "top 1 mid 2 leaf 6".
# recurse: fact(20) -- a function calling itself: 20 calls.
# peek:    peek() reads 16 bytes malloc left uninitialised and branches on
#          them (ctypes): one Memcheck error, in peek.
# snap:    leaf(10000) twice, a Massif snapshot named "leaf" (vg.snapshot)
#          while each list is whole.
import sys


def leaf(n):
    return [i for i in range(n)]


def mid():
    for _ in range(3):
        leaf(10000)


def top():
    mid()
    mid()


def warm():
    return [i for i in range(10000)]


def fact(k):
    return 1 if k <= 1 else k * fact(k - 1)


def peek():
    import ctypes
    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    p = libc.malloc(16)
    return ctypes.string_at(p, 16) == b"\0" * 16


what = sys.argv[1]
if sys.argv[2:] == ["warm"]:
    warm()
if what == "tree":
    top()
elif what == "once":
    leaf(10000)
elif what == "peek":
    peek()
elif what == "snap":
    import vg
    for _ in range(2):
        xs = leaf(10000)
        vg.snapshot("leaf")     # a detailed snapshot while the list is whole
        del xs
elif what == "recurse":
    fact(20)
elif what == "profile":
    calls = {"top": 0, "mid": 0, "leaf": 0}

    def count(frame, event, arg):
        if event == "call" and frame.f_code.co_name in calls:
            calls[frame.f_code.co_name] += 1

    sys.setprofile(count)
    top()
    sys.setprofile(None)
    print(" ".join("{} {}".format(k, calls[k]) for k in ("top", "mid", "leaf")))
else:
    sys.exit("calltree.py: unknown case '{}'".format(what))
