"""getsig.py - print what the program was given: SIGINT's and SIGQUIT's
handlers, the blocked signals, and the names of the environment's
variables that rangewall must not add (tests/aspython.bats)."""
import os
import signal

print("SIGINT", signal.getsignal(signal.SIGINT), "SIGQUIT", signal.getsignal(signal.SIGQUIT),
      "blocked", sorted(int(s) for s in signal.pthread_sigmask(signal.SIG_BLOCK, [])))
print("environment", sorted(k for k in os.environ
                            if k.startswith("RW_") or k in ("MODE", "N", "PYFRAMES", "SNIPPET")))
