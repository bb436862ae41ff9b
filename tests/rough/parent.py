"""parent.py - a program that runs a Python child (tests/rough.bats)."""
import subprocess
import sys


def parent_work():
    return sum(range(1000))


parent_work()
subprocess.run([sys.executable, "-c", "def child_work():\n    return sum(range(1000))\nchild_work()"],
               check=True)
