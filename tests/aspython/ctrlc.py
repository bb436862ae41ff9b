"""ctrlc.py - a program that meets Ctrl-C (tests/aspython.bats).

USAGE: ctrlc.py [READY]

Without READY it does a little work and ends (a whole run).  With it, it
makes the file READY once it is waiting, then waits for KeyboardInterrupt:
it prints a line and raises it again, as a program cleaning up would."""
import os
import sys
import time


def work():
    return sum(i * i for i in range(1000))


def wait(ready):
    with open(ready + ".tmp", "w") as f:
        f.write("%d\n" % os.getpid())
    os.rename(ready + ".tmp", ready)     # whole, and only once waiting
    while True:
        time.sleep(0.01)


work()
if len(sys.argv) > 1:
    try:
        wait(sys.argv[1])
    except KeyboardInterrupt:
        print("ctrlc.py: caught KeyboardInterrupt, cleaning up", flush=True)
        raise
