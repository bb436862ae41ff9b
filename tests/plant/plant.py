"""plant.py - call each of rwplant's planted errors once, each from a
Python function of its own (tests/memcheck.bats).  With no argument it
imports nothing of rwplant: a clean program."""
import sys


def check_uninit(m):
    m.uninit()


def check_use_after_free(m):
    m.use_after_free()


def check_leak(m):
    m.leak()


def check_freed_to_api(m):
    return m.freed_to_api()


if sys.argv[1:] == ["planted"]:
    import rwplant
    check_uninit(rwplant)
    check_use_after_free(rwplant)
    check_leak(rwplant)
    check_freed_to_api(rwplant)
else:
    print("hi")
