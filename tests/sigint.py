"""sigint.py - run a command as a terminal runs it, and press Ctrl-C.

USAGE: python3 sigint.py [--ignore-int] [--block-usr1] [--ready FILE [--again GLOB]]
                         -- CMD [ARG...]

Starts CMD in a process group of its own with SIGINT and SIGQUIT at their
defaults, as a shell with job control starts a foreground job: bats, CI
and a non-interactive sh may have started this script with them ignored,
which the command would inherit.  --ignore-int starts it with SIGINT
ignored instead (as nohup or a background job would), --block-usr1 with
SIGUSR1 blocked.  With --ready, waits for FILE to appear (the program
under test makes it once it runs), then sends SIGINT to the whole process
group, as Ctrl-C does; with --again, waits for a file matching GLOB and
sends a second SIGINT.  Exits with CMD's status as a shell reports it:
128 + N for a command killed by signal N.
"""
import glob
import os
import signal
import sys
import time

TIMEOUT = 600       # seconds to wait for a ready file


def wait_for(path, pid):
    """True once path exists; False if the command ended first."""
    deadline = time.monotonic() + TIMEOUT
    while not glob.glob(path):
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            return False
        if time.monotonic() > deadline:
            sys.exit("sigint.py: {} did not appear in {} s".format(path, TIMEOUT))
        time.sleep(0.05)
    return True


def status(pid):
    _, st = os.waitpid(pid, 0)
    return 128 + os.WTERMSIG(st) if os.WIFSIGNALED(st) else os.WEXITSTATUS(st)


def main(argv):
    ready = again = None
    ignore_int = block_usr1 = False
    args = argv[1:]
    while args and args[0] != "--":
        if args[0] in ("--ignore-int", "--block-usr1"):
            ignore_int = ignore_int or args[0] == "--ignore-int"
            block_usr1 = block_usr1 or args[0] == "--block-usr1"
            args = args[1:]
        elif args[0] in ("--ready", "--again") and len(args) > 1:
            if args[0] == "--ready":
                ready = args[1]
            else:
                again = args[1]
            args = args[2:]
        else:
            sys.exit(__doc__.split("\n\n")[1])
    cmd = args[1:]
    if not cmd:
        sys.exit(__doc__.split("\n\n")[1])
    pid = os.fork()
    if pid == 0:
        os.setpgid(0, 0)
        signal.signal(signal.SIGINT, signal.SIG_IGN if ignore_int else signal.SIG_DFL)
        signal.signal(signal.SIGQUIT, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, [signal.SIGUSR1] if block_usr1 else [])
        os.execvp(cmd[0], cmd)
    for path in (ready, again):
        if path is None:
            break
        if not wait_for(path, pid):
            # The command ended before it was ready: its own status says why.
            print("sigint.py: the command ended before {} appeared".format(path), file=sys.stderr)
            return status(pid)
        os.killpg(pid, signal.SIGINT)
    return status(pid)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
