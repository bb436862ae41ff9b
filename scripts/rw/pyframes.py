"""Python functions in the tools' outputs: the runner's --pyframes map applied.

With --pyframes the runner evaluates each Python function through a stub
of its own (pyembed/pyframes.c) and writes pyframes.map, a line a stub:
"ADDRESS SIZE py:NAME (FILE:LINE)".  The tools name the stubs by their
addresses -- Callgrind "0x0000000004a5b000", Massif, DHAT and Memcheck
"0x4A5B00E: ???" -- and these functions rename them, so that KCachegrind,
callgrind_annotate, ms_print, dh_view.html and a Memcheck report show
py:NAME (FILE:LINE).  In a Callgrind part a stub's costs are moved to its
Python file and first line, so that KCachegrind's source view opens it.
"""

import bisect
import os
import re

# The interpreter's own Python code: its standard library (lib/pythonX.Y,
# but for the packages installed in it) and its frozen modules.
INTERPRETER_PATH = re.compile(
    r"\((<[^>]*>|[^()]*/lib/python\d+\.\d+/(?![^()]*-packages/)[^()]*):\d+\)$")


def program_first(items, home=None):
    """(py:NAME (FILE:LINE), figure) pairs, the largest figures first, but
    the program's own functions before the rest: those in HOME (the
    folder it ran in) first, then any other code (its packages), the
    interpreter's own last (the standard library; runpy's frames for a -m
    run among them; code made from a string, "<string>", whose maker is
    not known, with them).  py:<module> frames are left out."""
    def tier(name):
        path = name[name.rfind(" (") + 2:]
        if home and path.startswith(home.rstrip("/") + "/"):
            return 0
        return 2 if INTERPRETER_PATH.search(name) else 1
    return sorted(((n, v) for n, v in items if not n.startswith("py:<module>")),
                  key=lambda x: (tier(x[0]), -x[1], x[0]))

def python_function(fn):
    """'FILE:py:NAME (FILE:LINE)'2' -> ('py:NAME (FILE:LINE)', "'2"), or None."""
    i = fn.find(":py:")
    if i < 0:
        return None
    name = fn[i + 1:]
    close = name.rfind(")")
    if "'" in name[close:]:
        name, _, depth = name[:close + 1], "", name[close + 1:]
        return name, depth
    return name, ""


def per_part(rows):
    """inclusive.tsv's rows (part, phase, function, inclusive Ir, self Ir,
    calls, object; tab-separated) -> {(part, phase): {py:NAME (FILE:LINE):
    [inclusive Ir, self Ir, calls]}}, in order.  A recursive call's deeper
    levels (Callgrind's '2 ...) are inside the outer level's inclusive Ir;
    their self Ir and calls add to its own."""
    parts = {}
    for r in rows:
        part, ph, fn, inc, self_ir, calls, _ = r.rstrip("\n").split("\t")
        named = python_function(fn)
        if named is None:
            continue
        d = parts.setdefault((part, ph), {}).setdefault(named[0], [0, 0, 0])
        if not named[1]:
            d[0] = max(d[0], int(inc))
        d[1] += int(self_ir)
        d[2] += int(calls)
    return parts


UNKNOWN = re.compile(r"0x([0-9A-Fa-f]+): \?\?\?")
CG_NAME = re.compile(r"^0x([0-9a-f]+)('\d+)?$")


PAST = "# past the hook: "
BASE = "# base: "


class Map:
    """The stubs, sorted by address: find(addr) -> (name, file, line) or None.
    past: the functions the interpreter entered past the runner's hook
    ("INSTRUCTION py:NAME (FILE:LINE)" each; pyembed/pyframes.c), whose
    calls the profile undercounts."""

    def __init__(self, path):
        rows, self.past = [], []
        with open(path, errors="replace") as f:
            for line in f:
                if line.startswith(BASE):
                    # A forked process's map: the entries before the fork
                    # are in the file this line names, beside it.
                    base = Map(os.path.join(os.path.dirname(path), line[len(BASE):].strip()))
                    rows += base.rows
                    self.past += base.past
                    continue
                if line.startswith(PAST):
                    self.past.append(line[len(PAST):].rstrip("\n"))
                    continue
                m = re.match(r"([0-9a-f]+) ([0-9a-f]+) (py:.*) \((.*):(\d+)\)$", line.rstrip("\n"))
                if m:
                    start = int(m.group(1), 16)
                    rows.append((start, start + int(m.group(2), 16), m.group(3), m.group(4),
                                 int(m.group(5))))
        rows.sort()
        self.rows = rows
        self.starts = [r[0] for r in rows]

    def warning(self):
        """One line saying which functions' calls are undercounted, or ''."""
        if not self.past:
            return ""
        names = [p.split(" ", 1)[1].split(" (")[0] if " " in p else p for p in self.past]
        how = sorted(set(p.split(" ", 1)[0] for p in self.past))
        return ("calls NOT exact for {} (entered past the frame hook by {}: the first "
                "calls only are counted, the rest is the caller's cost; see pyframes.map)").format(
                    ", ".join(names[:5]) + (" and {} more".format(len(names) - 5) if len(names) > 5 else ""),
                    " and ".join(how))

    def __len__(self):
        return len(self.rows)

    def find(self, addr):
        i = bisect.bisect_right(self.starts, addr) - 1
        if i >= 0 and addr < self.rows[i][1]:
            return self.rows[i][2:]
        return None

    def label(self, addr):
        r = self.find(addr)
        return None if r is None else "{} ({}:{})".format(*r)


def rename_frames(text, m):
    """'0x4A5B00E: ???' -> '0x4A5B00E: py:leaf (t.py:3)' wherever a stub's
    address stands for an unknown frame (Massif, DHAT, Memcheck)."""
    def sub(mt):
        label = m.label(int(mt.group(1), 16))
        return mt.group(0) if label is None else "0x{}: {}".format(mt.group(1), label)
    return UNKNOWN.sub(sub, text)


def rename_callgrind(lines, m):
    """A Callgrind part's lines, the stubs renamed py:NAME (FILE:LINE) and
    their costs moved to FILE, at LINE (so that a viewer opens the source).
    The part must have been written with --compress-pos=no (absolute
    positions: a stub's lines move without moving its neighbours').

    A stub is a function named by its address (with, for a recursive call,
    Callgrind's depth suffix 'N).  Its definition, and every call to it,
    then names the Python file (fl=, cfl=); the file that was current before
    is named again where the part goes on without naming it."""
    out = []
    ids = {}            # compressed fn id -> (label, file, line) for stubs
    cur_fl = None       # the part's own current fl= line (as written)
    shown_fl = None     # the fl= line in force in what we wrote
    in_stub = None      # (file, line) while inside a stub's block
    pending_cfl = None  # a cfl=/cfi= line waiting for its cfn=
    call_stub = None    # the stub a cfn= names, for its calls= target
    after_calls = False

    def stub_of(value):
        """(label, file, line) if a fn=/cfn= value names a stub, else None."""
        mm = re.match(r"^\((\d+)\)(?: (.*))?$", value)
        if mm:
            if mm.group(2) is None:
                return ids.get(mm.group(1))
            name = mm.group(2)
        else:
            name = value
        nm = CG_NAME.match(name)
        if not nm:
            return None
        r = m.find(int(nm.group(1), 16))
        if r is None:
            return None
        label = "{} ({}:{}){}".format(r[0], r[1], r[2], nm.group(2) or "")
        info = (label, r[1], r[2])
        if mm:
            ids[mm.group(1)] = info
        return info

    def renamed(key, value, info):
        mm = re.match(r"^\((\d+)\)(?: (.*))?$", value)
        if mm and mm.group(2) is None:
            return "{}={}".format(key, value)          # a reference: its definition was renamed
        if mm:
            return "{}=({}) {}".format(key, mm.group(1), info[0])
        return "{}={}".format(key, info[0])

    for line in lines:
        if line.startswith("fl="):
            cur_fl = line
            continue                                     # written with its fn=
        if line.startswith(("fi=", "fe=")) and in_stub:
            out.append(line)
            continue
        if line.startswith("fn="):
            info = stub_of(line[3:])
            if info:
                in_stub = (info[1], info[2])
                want = "fl={}".format(info[1])
                out.append(want)
                shown_fl = want
                out.append(renamed("fn", line[3:], info))
            else:
                in_stub = None
                if cur_fl is not None and shown_fl != cur_fl:
                    out.append(cur_fl)
                    shown_fl = cur_fl
                out.append(line)
            after_calls = False
            continue
        if line.startswith(("cfl=", "cfi=")):
            pending_cfl = line
            continue
        if line.startswith("cfn="):
            info = stub_of(line[4:])
            call_stub = info
            if info:
                out.append("cfl={}".format(info[1]))
                out.append(renamed("cfn", line[4:], info))
            else:
                if pending_cfl is not None:
                    out.append(pending_cfl)
                out.append(line)
            pending_cfl = None
            continue
        if line.startswith("calls="):
            after_calls = True
            if call_stub:       # the call's target: the Python function's first line
                words = line.split()
                if len(words) > 1:
                    words[1] = str(call_stub[2])
                line = " ".join(words)
            out.append(line)
            continue
        if in_stub and line[:1].isdigit() and not after_calls:
            # A cost line of the stub itself: at the function's first line.
            words = line.split()
            words[0] = str(in_stub[1])
            out.append(" ".join(words))
            continue
        if after_calls and in_stub and line[:1].isdigit():
            words = line.split()
            words[0] = str(in_stub[1])
            out.append(" ".join(words))
            after_calls = False
            continue
        after_calls = False
        out.append(line)
    return out


PACKAGES = re.compile(r"/(site|dist)-packages/$")


class Names:
    """A Python function's name as baselines and comparisons give it, so
    that two checkouts at other paths, or two machines, name it alike:
    py:NAME (FILE:LINE), FILE relative to the project's ROOT where it is
    under it, else the module it is (by the interpreter's PATH, sys.path:
    the standard library, site-packages -- a virtualenv's inside the
    project among them), else as it is ("<frozen ...>", "<string>")."""

    def __init__(self, root, path):
        self.root = root.rstrip("/") + "/"
        dirs = sorted({p.rstrip("/") + "/" for p in path if p and os.path.isabs(p)}, key=len, reverse=True)
        self.packages = [d for d in dirs if PACKAGES.search(d)]
        self.others = [d for d in dirs if not PACKAGES.search(d)]
        self.cache = {}

    def file(self, f):
        if f not in self.cache:
            self.cache[f] = self._file(f)
        return self.cache[f]

    def _file(self, f):
        if f.startswith("<"):
            return f
        for d in self.packages:
            if f.startswith(d):
                return module(f[len(d):])
        if f.startswith(self.root):
            return f[len(self.root):]
        for d in self.others:
            if f.startswith(d):
                return module(f[len(d):])
        return f

    def label(self, name, file, line):
        return "{} ({}:{})".format(name, self.file(file), line)

    def relabel(self, label):
        """'py:NAME (/abs/FILE:LINE)' -> the same, FILE named as above."""
        head, sep, where = label.rpartition(" (")
        if not sep:
            return label
        file, _, line = where[:-1].rpartition(":")
        return self.label(head, file, line)


def module(rel):
    """'json/decoder.py' -> 'json.decoder'; 'pkg/__init__.py' -> 'pkg'."""
    if rel.endswith(".py"):
        rel = rel[:-3]
    if rel.endswith("/__init__"):
        rel = rel[:-len("/__init__")]
    return rel.replace("/", ".")
