"""A test that meets Ctrl-C under Callgrind (tests/aspython.bats): where
the folder pytest runs in holds a file `wait-for-ctrlc`, and only under
Valgrind (the heap pass runs natively), it makes the file `ready` once
waiting, and waits for KeyboardInterrupt: it prints a line and raises it
again."""
import os
import time

import vg


def test_quick():
    assert sum(range(100)) == 4950


def test_ctrlc():
    if not os.path.exists("wait-for-ctrlc") or not vg.running():
        return
    with open("ready.tmp", "w") as f:
        f.write("%d\n" % os.getpid())
    os.rename("ready.tmp", "ready")     # whole, and only once waiting
    try:
        while True:
            time.sleep(0.01)
    except KeyboardInterrupt:
        print("test_ctrlc: caught KeyboardInterrupt", flush=True)
        raise
