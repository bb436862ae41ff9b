"""echo.py - what a program sees: its arguments, its folder, its stdin's
lines; a line on stderr (tests/rough.bats)."""
import os
import sys

print("argv", sys.argv[1:])
print("cwd", os.getcwd())
if "stdin" in sys.argv[1:]:
    print("stdin lines", len(sys.stdin.readlines()))
print("to stderr", file=sys.stderr)
