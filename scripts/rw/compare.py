"""Comparing two result folders: the figures each tool's files give, per
phase, read the same way on both sides.

A figure is a row (tool, phase, metric, value, scales); `scales` says the
value grows with the benchmark's n (the phases that build, fill, drop or
free), so two runs at different sizes are compared per element there and
absolutely in start-up, setup, exit and finalisation.  Function and site
rows (what grew) are separate: {name: value} per phase.
"""

import os
import re

from . import massif as rwmassif
from . import plots

# Phases whose cost does not depend on n.
FIXED_PHASES = {"startup", "setup", "exit", "finalize", "main", "program"}

# Context keys that must be equal on both sides: a figure measured another
# way is not a change.
MUST_MATCH = ["mode", "annotate", "measure", "chunk", "pyframes", "dhat mode"]

# Context keys whose difference changes counts without being a change of
# the code: flagged at the top of the comparison.
MACHINE = ["cpu", "glibc", "valgrind", "compiler", "kernel"]


class NotResult(Exception):
    """A folder that is not what the comparison needs."""


def read_tsv(path):
    with open(path, errors="replace") as f:
        lines = f.read().splitlines()
    if not lines:
        return []
    head = lines[0].split("\t")
    return [dict(zip(head, x.split("\t"))) for x in lines[1:] if x]


# A result's context file as {key: value}, `command` a list.
context = plots.read_context


def tool_options(ctx):
    """Valgrind's options from the recorded command, its file names left out."""
    words = re.findall(r"'((?:[^']|'\\'')*)'", " ".join(ctx.get("command", [])[:1]))
    opts, on = [], False
    for w in words:
        if os.path.basename(w) == "valgrind":
            on = True
            continue
        if on:
            if not w.startswith("--"):
                break
            if re.match(r"--(log-file|[a-z]+-out-file|xml-file)=", w):
                continue
            opts.append(w)
    return opts


def strip_paths(name):
    """A function or site without its directories: the checkout's path and the
    Python's build path must not make two names differ."""
    name = re.sub(r"0x[0-9A-Fa-f]+: ", "", name)
    return re.sub(r"[^\s():'\"]*/", "", name)


def n_of(ctx):
    try:
        return int(ctx.get("n", "-"))
    except ValueError:
        return None


def scales(phase):
    return phase not in FIXED_PHASES


# --- per tool: [(phase, metric, value)] and {phase: {name: value}} -------------
def callgrind(d):
    rows = [(r["phase"], "Ir", int(r["Ir"])) for r in read_tsv(os.path.join(d, "phases.tsv"))]
    funcs = {}
    p = os.path.join(d, "inclusive.tsv")
    if os.path.isfile(p):
        for r in read_tsv(p):
            name = strip_paths(r["function"])
            if ":py:" in name:      # FILE:py:NAME (FILE:LINE): the name says its file
                name = name[name.index(":py:") + 1:]
            # A recursive call's deeper levels (Callgrind's NAME'2, '3 ...)
            # are inside the outermost level's inclusive cost: one call
            # chain counts once.  Their own costs add up.
            m = re.match(r"^(.*)'\d+$", name)
            deeper = m is not None
            if deeper:
                name = m.group(1)
            per = funcs.setdefault(r["phase"], {})
            incl, own = per.get(name, (0, 0))
            # A name met twice after stripping (two copies of a routine) adds up.
            per[name] = (incl + (0 if deeper else int(r["inclusive_Ir"])), own + int(r["self_Ir"]))
    return rows, funcs


def massif(d):
    rows = []
    for r in read_tsv(os.path.join(d, "phases.tsv")):
        rows.append((r["phase"], "heap", int(r["useful_heap_B"])))
    # Massif's own peak is found within --peak-inaccuracy (1 %); a phase's
    # end snapshot can be higher, so the peak is the larger of the two.
    peak_heap = max([int(r["useful_heap_B"]) for r in read_tsv(os.path.join(d, "massif.tsv"))] +
                    [v for _, _, v in rows] + [0])
    rows.append(("peak", "heap", peak_heap))
    funcs = {}
    out = os.path.join(d, "massif.out")
    if os.path.isfile(out):
        snaps = [s for s in rwmassif.read(out) if s.tree]
        if snaps:
            peak = max(snaps, key=lambda s: s.heap)
            per = {}
            for b, label, _ in peak.tree[2]:
                name = strip_paths(label)
                per[name] = (per.get(name, (0,))[0] + b,)
            for name, b in rwmassif.python_bytes(peak.tree).items():
                per[strip_paths(name)] = (b,)
            funcs["peak"] = per
    return rows, funcs


def dhat(d):
    rows, funcs = [], {}
    with open(os.path.join(d, "dhat.txt"), errors="replace") as f:
        text = f.read()
    m = re.search(r"tot_alloc:\s+([\d,]+) bytes in ([\d,]+) blocks", text)
    if m:
        rows.append(("program", "bytes", int(m.group(1).replace(",", ""))))
        rows.append(("program", "blocks", int(m.group(2).replace(",", ""))))
    m = re.search(r"max_live:\s+([\d,]+) bytes", text)
    if m:
        rows.append(("program", "max_live", int(m.group(1).replace(",", ""))))
    p = os.path.join(d, "dhat.tsv")
    if os.path.isfile(p):
        per = {}
        for r in read_tsv(p):
            name = strip_paths(r["site"])
            per[name] = (per.get(name, (0,))[0] + int(r["bytes"]),)
        funcs["program"] = per
    return rows, funcs


def walltime(d):
    return [(r["phase"], "wall", float(r["best_s"])) for r in read_tsv(os.path.join(d, "walltime.tsv"))], {}


def strace(d):
    p = os.path.join(d, "phases.tsv")
    rows = []
    for r in read_tsv(p):
        rows.append((r["phase"], "syscalls", sum(int(r[k]) for k in ("brk_calls", "mmap_calls", "munmap_calls"))))
        rows.append((r["phase"], "mapped", int(r["mmap_B"]) + int(r["grown_B"])))
    return rows, {}


def ltrace(d):
    rows, funcs = [], {}
    with open(os.path.join(d, "summary.txt"), errors="replace") as f:
        for line in f:
            w = line.split()
            if len(w) == 5 and w[3].isdigit() and w[4] != "total":
                rows.append(("program", "calls:" + w[4], int(w[3])))
    p = os.path.join(d, "malloc-sizes.txt")
    if os.path.isfile(p):
        per = {}
        with open(p) as f:
            for line in f:
                w = line.split()
                if len(w) == 2 and w[0].isdigit():
                    per["malloc({} B)".format(w[1])] = (int(w[0]),)
        funcs["program"] = per
    return rows, funcs


def memcheck(d):
    rows = []
    with open(os.path.join(d, "summary.txt"), errors="replace") as f:
        for line in f:
            k, _, v = line.strip().partition(": ")
            if k == "errors":
                rows.append(("program", "errors", int(v.split()[0].replace(",", ""))))
            elif k == "definitely lost":
                rows.append(("program", "lost", int(v.split()[0].replace(",", ""))))
    return rows, {}


READERS = {
    "callgrind": callgrind, "callgrind-all": callgrind,
    "massif": massif,
    "dhat": dhat, "dhat-copy": dhat, "dhat-adhoc": dhat,
    "walltime": walltime, "strace": strace, "ltrace": ltrace, "memcheck": memcheck,
}


def figures(d, tool):
    """(rows, funcs) of one result folder RESULTS/BENCH/TOOL, or None when the
    tool has no figures to compare (timeline: a picture)."""
    reader = READERS.get(tool)
    if reader is None:
        return None
    try:
        return reader(d)
    except (OSError, KeyError, ValueError) as e:
        raise NotResult("cannot read the figures in {} ({})".format(d, e.__class__.__name__ if not str(e) else e))


def results(root):
    """{(bench, tool): folder} of a results folder: each BENCH/TOOL/ with a
    context.  An interrupted run's (TOOL.interrupted: Ctrl-C) is not a
    whole run: it is not compared."""
    out = {}
    if not os.path.isdir(root):
        return out
    for bench in sorted(os.listdir(root)):
        bd = os.path.join(root, bench)
        if not os.path.isdir(bd):
            continue
        for tool in sorted(os.listdir(bd)):
            if tool.endswith(".interrupted"):
                continue
            td = os.path.join(bd, tool)
            if os.path.isfile(os.path.join(td, "context")):
                out[(bench, tool)] = td
    return out
