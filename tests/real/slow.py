"""slow.py - make a function of a real program slower, its result unchanged.

USAGE: python3 slow.py FILE.py FUNCTION twice|tenth

Rewrites FILE.py so that FUNCTION, a module-level function whose first
parameter is a sequence (a str, say), first calls itself once more --
on the whole of that argument (twice: the function costs twice what it
did) or on its first tenth (tenth: about a tenth more, where its cost
follows its input's length) -- and then does its own work as before.
The inner call's result is dropped, and a module-level flag keeps it
from recursing further.  The calls are FUNCTION's own: the profile
charges them to it (Callgrind names the inner level FUNCTION'2).
"""
import ast
import sys


def main(argv):
    if len(argv) != 4 or argv[3] not in ("twice", "tenth"):
        sys.exit(__doc__.split("\n\n")[1])
    path, name, how = argv[1:]
    with open(path, encoding="utf-8") as f:
        source = f.read()
    tree = ast.parse(source)
    fn = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name]
    if not fn:
        sys.exit("slow.py: no function {} in {}".format(name, path))
    fn = fn[0]
    body = fn.body[1:] if ast.get_docstring(fn) is not None else fn.body
    params = [a.arg for a in fn.args.posonlyargs + fn.args.args]
    first = params[0]
    arg = first if how == "twice" else "{0}[: len({0}) // 10]".format(first)
    call = "{}({})".format(name, ", ".join([arg] + ["{0}={0}".format(p) for p in params[1:]]))
    indent = " " * body[0].col_offset
    lines = source.split("\n")
    at = body[0].lineno - 1
    if body[0].decorator_list if hasattr(body[0], "decorator_list") else False:
        at = body[0].decorator_list[0].lineno - 1
    added = ["global _rangewall_again",
             "if not _rangewall_again:",
             "    _rangewall_again = True",
             "    try:",
             "        {}".format(call),
             "    finally:",
             "        _rangewall_again = False"]
    lines[at:at] = [indent + a for a in added]
    lines.append("_rangewall_again = False")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
