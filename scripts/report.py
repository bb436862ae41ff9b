#!/usr/bin/env python3
"""report - turn the raw results into REPORT.md, with plots.

USAGE: scripts/report.py [-r RESULTS] [-o REPORT.md] [--images DIR]

Reads only what the drivers wrote under RESULTS (default: results/) and
writes REPORT.md (default: RESULTS/REPORT.md) with its plots in DIR
(default: RESULTS/report/):
  - the seed figures of both investigations, each beside the value
    reproduced here, the benchmark, Python and tool that measured it, the
    ratio and the reason for a difference;
  - instructions and bytes per element of range(n), every benchmark and
    Python found, as tables and bar charts (gnuplot);
  - the inclusive-cost split of the seed, recomputed per phase;
  - the StringIO wall on every Python measured;
  - the Massif timelines, phase ends marked;
  - the context: machine, compiler, Valgrind, each Python's build flags.
A row whose raw file is missing says which file and the command that
makes it, and the report lists those rows at its end and on stderr: it
never stops on a missing file, and never invents a figure.

REQUIRES: Python 3.5+ (standard library), gnuplot.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys

PROG = "report"
SEED_N = 10000000          # seed 000's range(10000000)
SEED_WRITES = 100000       # seed 003's wall: the 100,000th write
MIB = 1024.0 * 1024.0


class Missing(Exception):
    """A raw file a row needs is not there."""

    def __init__(self, path, make):
        Exception.__init__(self, path)
        self.path, self.make = path, make


def group(v, nd=0):
    """12345678 -> '12,345,678'; nd decimals."""
    return "{:,.{}f}".format(v, nd)


def sig(v):
    """A ratio or a small figure with three significant digits."""
    if v == 0:
        return "0"
    if abs(v) >= 100:
        return group(v)
    if abs(v) >= 10:
        return "{:.1f}".format(v)
    return "{:.3g}".format(v)


class NotHere(Missing):
    """A row's Python is not on this machine: nothing to run."""

    def __init__(self, why):
        Missing.__init__(self, why, "")

    def __str__(self):
        return self.path


def pythons_here():
    """The tags scripts/pythons finds."""
    exe = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pythons")
    try:
        out = subprocess.run([exe, "all"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             universal_newlines=True).stdout
    except OSError:
        return set()
    return {line.split()[0] for line in out.splitlines() if line.strip()}


class Results:
    """The raw results folder, and the rows that lost their source."""

    def __init__(self, root):
        self.root = root
        self.missing = []   # (row, path, command)
        self.here = None    # the Pythons found, asked once

    def python_here(self, bench):
        if "@" not in bench:
            return True
        if self.here is None:
            self.here = pythons_here()
        return bench.partition("@")[2] in self.here

    def path(self, bench, tool, name):
        return os.path.join(self.root, bench, tool, name)

    def need(self, bench, tool, name):
        p = self.path(bench, tool, name)
        if not os.path.isfile(p):
            if not self.python_here(bench):
                raise NotHere("Python {} is not installed here (see docker/ for a 2.7 "
                              "pydebug build)".format(bench.partition("@")[2]))
            raise Missing(p, "make {} BENCH={}".format(tool, bench))
        return p

    def read(self, bench, tool, name):
        with open(self.need(bench, tool, name), errors="replace") as f:
            return f.read()

    def tsv(self, bench, tool, name):
        lines = self.read(bench, tool, name).splitlines()
        head = lines[0].split("\t")
        return [dict(zip(head, line.split("\t"))) for line in lines[1:] if line]

    def context(self, bench, tool):
        ctx = {}
        for line in self.read(bench, tool, "context").splitlines():
            k, _, v = line.partition(": ")
            ctx.setdefault(k, v)
        return ctx

    def n(self, bench, tool):
        return int(self.context(bench, tool)["n"])

    def benches(self, prefix):
        """py-range@* (or a native name) with any results, in Python order."""
        found = [d for d in os.listdir(self.root)
                 if os.path.isdir(os.path.join(self.root, d))
                 and (d == prefix or d.startswith(prefix + "@"))]
        return sorted(found, key=tag_key)

    # --- figures --------------------------------------------------------
    def callgrind_phases(self, bench):
        """[(phase, Ir)] in run order."""
        return [(r["phase"], int(r["Ir"])) for r in self.tsv(bench, "callgrind", "phases.tsv")]

    def callgrind_total(self, bench):
        return sum(ir for _, ir in self.callgrind_phases(bench))

    def phase_ir(self, bench, phase):
        for ph, ir in self.callgrind_phases(bench):
            if ph == phase:
                return ir
        raise Missing(self.path(bench, "callgrind", "phases.tsv") + " (phase " + phase + ")",
                      "make callgrind BENCH=" + bench)

    def massif_peak(self, bench):
        """The peak useful heap: Massif's snapshots and the phase ends."""
        peak = 0
        for r in self.tsv(bench, "massif", "massif.tsv"):
            peak = max(peak, int(r["useful_heap_B"]))
        for r in self.tsv(bench, "massif", "phases.tsv"):
            peak = max(peak, int(r["useful_heap_B"]))
        return peak

    def massif_phase(self, bench, phase):
        for r in self.tsv(bench, "massif", "phases.tsv"):
            if r["phase"] == phase:
                return int(r["useful_heap_B"])
        raise Missing(self.path(bench, "massif", "phases.tsv") + " (phase " + phase + ")",
                      "make massif BENCH=" + bench)

    def walltime(self, bench, phase="total"):
        for r in self.tsv(bench, "walltime", "walltime.tsv"):
            if r["phase"] == phase:
                return float(r["best_s"])
        raise Missing(self.path(bench, "walltime", "walltime.tsv") + " (phase " + phase + ")",
                      "make walltime BENCH=" + bench)

    def dhat(self, bench):
        """{'guest_insns': n, 'max_live': (bytes, blocks), 'tot_alloc': ...}"""
        out = {}
        for line in self.read(bench, "dhat", "dhat.txt").splitlines():
            m = re.match(r"(\w+):\s+(\d+)(?: bytes in (\d+) blocks)?", line)
            if m:
                out[m.group(1)] = (int(m.group(2)), int(m.group(3) or 0))
        return out

    def malloc_sizes(self, bench):
        """{size: count} from ltrace's histogram."""
        out = {}
        for line in self.read(bench, "ltrace", "malloc-sizes.txt").splitlines()[1:]:
            count, size = line.split()
            out[int(size)] = int(count)
        return out

    def strace_calls(self, bench):
        out = {}
        for line in self.read(bench, "strace", "summary.txt").splitlines():
            f = line.split()
            if len(f) >= 5 and f[-1].isalpha() and f[-2].isdigit():
                out[f[-1]] = int(f[-2])
        return out

    def brk_growth(self, bench):
        """Bytes the heap grew by brk, from the first brk to the highest."""
        tops = [int(m.group(1), 16) for m in
                re.finditer(r"^brk\(0x[0-9a-f]+\)\s+= (0x[0-9a-f]+)",
                            self.read(bench, "strace", "strace.log"), re.M)]
        firsts = re.search(r"^brk\(NULL\)\s+= (0x[0-9a-f]+)",
                           self.read(bench, "strace", "strace.log"), re.M)
        if not tops or not firsts:
            return 0
        return max(tops) - int(firsts.group(1), 16)

    def big_mmaps(self, bench):
        sizes = []
        for line in self.read(bench, "strace", "big-maps.txt").splitlines():
            m = re.match(r"mmap\(NULL, (\d+), .*MAP_ANONYMOUS", line)
            if m:
                sizes.append(int(m.group(1)))
        return sizes

    def massif_peak_tree(self, bench):
        """[(function, bytes)] of the peak snapshot's whole tree."""
        text = self.read(bench, "massif", "massif.out")
        snaps = text.split("#-----------\nsnapshot=")
        best, best_heap = None, -1
        for s in snaps:
            if "heap_tree=peak" in s or "heap_tree=detailed" in s:
                m = re.search(r"^mem_heap_B=(\d+)", s, re.M)
                if m and int(m.group(1)) > best_heap:
                    best, best_heap = s, int(m.group(1))
        if best is None:
            raise Missing(self.path(bench, "massif", "massif.out") + " (no detailed snapshot)",
                          "make massif BENCH=" + bench)
        nodes = re.findall(r"^ *n\d+: (\d+) (?:0x[0-9A-F]+: )?(.*)$", best, re.M)
        return best_heap, [(fn, int(b)) for b, fn in nodes]

    def inclusive(self, bench):
        """{part: {function: inclusive Ir}} from callgrind_annotate's output."""
        parts, cur = {}, None
        for line in self.read(bench, "callgrind", "callgrind.txt").splitlines():
            m = re.match(r"Trigger: (?:Client Request: (\S+)|Program termination)", line)
            if m:
                cur = parts.setdefault(m.group(1) or "exit", {})
                continue
            m = re.match(r"\s*([\d,]+) \(\s*[\d.]+%\)\s+(?:.*:)?([^:\s]+)(?: \[.*\])?$", line)
            if m and cur is not None:
                name = re.sub(r"(\.(lto_priv|constprop|part|isra|cold)\.\d+)+$|'\d+$", "",
                              m.group(2))
                ir = int(m.group(1).replace(",", ""))
                cur[name] = max(cur.get(name, 0), ir)
        return parts


def tag_key(bench):
    """Sort py-X@2.7 < py-X@3.6 < ... < py-X@3.11d: by version, debug last."""
    tag = bench.partition("@")[2]
    nums = [int(x) for x in re.findall(r"\d+", tag)]
    return (bench.partition("@")[0], nums, tag.endswith("d"))


# --- the report ---------------------------------------------------------------
class Report:
    def __init__(self, res, out, images):
        self.res, self.out, self.images = res, out, images
        self.md = []
        self.rel = os.path.relpath(images, os.path.dirname(os.path.abspath(out)))

    def w(self, *lines):
        self.md.extend(lines)

    def image(self, name, alt):
        self.w("![{}]({}/{})".format(alt, self.rel, name), "")

    def row(self, cells, label):
        """A table row from cells(); a missing source fills the row with why."""
        try:
            self.w("| " + " | ".join(cells()) + " |")
        except NotHere as e:
            self.w("| {} | | not measurable here: {} | | | |".format(label, e))
        except Missing as e:
            self.res.missing.append((label, e.path, e.make))
            self.w("| {} | | not measured here: `{}` is missing (run `{}`) | | | |".format(
                label, os.path.relpath(e.path), e.make))

    def gnuplot(self, script):
        r = subprocess.run([os.environ.get("GNUPLOT", "gnuplot")], input=script,
                           universal_newlines=True, stderr=subprocess.PIPE)
        if r.returncode != 0:
            sys.exit("{}: error: gnuplot failed: {}".format(PROG, r.stderr.strip()[-300:]))

    # --- seed 000 -----------------------------------------------------------
    def seed000(self):
        r = self.res
        self.w("## Seed 000: range(n), n = 10,000,000", "",
               "The seed ran Python 2.7.12 built `--with-pydebug --with-valgrind` on Ubuntu 16.04. "
               "Here: `2.7` is pyenv's release 2.7.18, `3.11d` Debian's `python3.11-dbg` "
               "(`--with-pydebug --with-valgrind`, the seed's flags on 3.11), `3.11` Debian's "
               "release python3. Counts measured at a smaller n are scaled to the seed's n "
               "(marked ×k); Python Ir here are the snippet's only (start-up and "
               "finalisation are split off), the seed's the whole process.", "",
               "| figure | seed | reproduced here | measured by | here / seed | why they differ |",
               "|---|---|---|---|---|---|")
        py2, dbg, rel = "py-range@2.7", self.first("py-range", "d"), self.first("py-range", "rel")

        def walltime(bench, seed, why):
            def cells():
                t = r.walltime(bench)
                return ["wall time, " + bench, "{} s".format(seed), "{:.3f} s".format(t),
                        "walltime (best of 5, whole process)", sig(t / seed), why]
            return cells
        self.row(walltime("c-range", 0.072, "same C program; this machine's CPU"), "wall time, C")
        self.row(walltime(py2, 0.404, "release 2.7.18 here, pydebug 2.7.12 in the seed"),
                 "wall time, python2.7")
        if rel:
            self.row(walltime(rel, 0.040, "not comparable: the seed's python3.5 timed `range(n)`, "
                              "which is lazy in Python 3; py-range builds `list(range(n))`"),
                     "wall time, python3")

        def ltrace_c():
            n = r.n("c-range", "ltrace")
            sizes = r.malloc_sizes("c-range")
            big = max(sizes)
            k = SEED_N / n
            return ["ltrace: C mallocs", "one malloc(40,000,000)",
                    "{} × malloc({}) at n={}{}".format(sizes[big], group(big), group(n),
                                                       scaled(k, "malloc({})".format(group(big * k)))),
                    "ltrace c-range", sig(big * k / 40e6), "—"]
        self.row(ltrace_c, "ltrace: C mallocs")

        def ltrace_py():
            n = r.n(py2, "ltrace")
            sizes = r.malloc_sizes(py2)
            k = SEED_N / n
            c992 = sizes.get(992, 0)
            big = max(sizes)
            return ["ltrace: Python malloc histogram", "243,929 × 992 B, one 80,000,000 B",
                    "{} × 992 B, {} × {} B at n={}{}".format(
                        group(c992), sizes[big], group(big), group(n),
                        scaled(k, "{} × 992 B".format(group(c992 * k)))),
                    "ltrace " + py2, sig(c992 * k / 243929.0),
                    "the same 992-byte int blocks (41 ints of 24 B); pydebug ints are bigger"]
        self.row(ltrace_py, "ltrace: Python malloc histogram")

        def strace_c():
            maps = r.big_mmaps("c-range")
            n = r.n("c-range", "strace")
            return ["strace: C", "one mmap/munmap of 40,001,536 B",
                    "{} mmap of {} B at n={}".format(len(maps), " + ".join(group(m) for m in maps),
                                                   group(n)),
                    "strace c-range", sig(max(maps) / 40001536.0) if maps else "—",
                    "glibc serves blocks over 128 KiB with mmap, then as now"]
        self.row(strace_c, "strace: C")

        def strace_py():
            calls = r.strace_calls(py2)
            grown = r.brk_growth(py2)
            brk = calls.get("brk", 0)
            return ["strace: Python", "61,837 brk, 29 mmap",
                    "{} brk, {} mmap".format(group(brk), group(calls.get("mmap", 0))),
                    "strace " + py2, sig(brk / 61837.0),
                    "each brk here grows the heap by {} KiB on average ({} MB in all): glibc "
                    "2.36 pads every brk by 128 KiB (M_TOP_PAD); the seed's grew ~8 KiB each".format(
                        group(grown / 1024.0 / max(brk, 1)), group(grown / 1e6))]
        self.row(strace_py, "strace: Python")

        def massif(bench, seed_mib, label, why):
            def cells():
                p = r.massif_peak(bench)
                return ["Massif peak: " + label, "{} MB".format(seed_mib),
                        "{} MB ({} B)".format("{:.2f}".format(p / MIB), group(p)),
                        "massif " + bench, sig(p / MIB / seed_mib), why]
            return cells
        self.row(massif("c-range", 38.15, "C", "the seed's MB are MiB (ms_print)"), "Massif peak: C")
        for b, why in ((py2, "release 2.7 ints are 24 B, pydebug's 40 B (two more pointers)"),
                       (dbg, "pydebug 3.11: every object malloc'd, 3.x ints 32 B + debug padding")):
            if b:
                self.row(massif(b, 482.6, "Python " + b.partition("@")[2], why),
                         "Massif peak: Python " + b)

        def split():
            peak, tree = r.massif_peak_tree(py2)
            share = {}
            for fn in ("fill_free_list", "PyList_New"):
                share[fn] = max([b for f, b in tree if f.startswith(fn + " ")] or [0])
            return ["Massif peak split (Python)", "fill_free_list 82.18 % (412 MB), PyList_New 15.96 % (80 MB)",
                    "fill_free_list {:.2f} % ({} MB), PyList_New {:.2f} % ({} MB)".format(
                        100.0 * share["fill_free_list"] / peak, group(share["fill_free_list"] / 1e6),
                        100.0 * share["PyList_New"] / peak, group(share["PyList_New"] / 1e6)),
                    "massif " + py2, sig(share["fill_free_list"] / peak / 0.8218),
                    "smaller release ints shrink the free-list share; the list is the same 80 MB"]
        self.row(split, "Massif peak split (Python)")

        def dhat_c():
            d = r.dhat("c-range")
            return ["DHAT: C", "40,000,000 B in 1 block; 100,110,715 guest insns",
                    "{} B in {} block; {} guest insns".format(group(d["tot_alloc"][0]), d["tot_alloc"][1],
                                                            group(d["guest_insns"][0])),
                    "dhat c-range", sig(d["guest_insns"][0] / 100110715.0),
                    "the same program (built without client requests for DHAT)"]
        self.row(dhat_c, "DHAT: C")
        # The debug build under DHAT is not in make's default (65 s): shown when run.
        for b in (py2, dbg):
            if not b or (b == dbg and not os.path.isdir(r.path(b, "dhat", ""))):
                continue

            def dhat_py(b=b):
                d = r.dhat(b)
                return ["DHAT: Python " + b.partition("@")[2],
                        "max_live 499,221,126 B in 429,745 blocks; tot_alloc 501,946,111 B in "
                        "439,591 blocks; 2,753,608,005 insns",
                        "max_live {} B in {} blocks; tot_alloc {} B in {} blocks; {} insns".format(
                            group(d["max_live"][0]), group(d["max_live"][1]), group(d["tot_alloc"][0]),
                            group(d["tot_alloc"][1]), group(d["guest_insns"][0])),
                        "dhat " + b, sig(d["max_live"][0] / 499221126.0),
                        "release 2.7: pymalloc hides small objects from malloc"
                        if b == py2 else "3.11d under DHAT: every object malloc'd (10 M blocks)"]
            self.row(dhat_py, "DHAT: Python " + b)

        def cg_c():
            t = r.callgrind_total("c-range")
            seed = r.phase_ir("c-range", "seed")
            n = r.n("c-range", "callgrind")
            return ["Callgrind Ir: C", "100,153,094 (10 Ir per int)",
                    "{} ({:.3f} Ir per int in the seed loop)".format(group(t), seed / float(n)),
                    "callgrind c-range", sig(t / 100153094.0), "same -O0 program; glibc 2.36 start-up"]
        self.row(cg_c, "Callgrind Ir: C")
        for b in (py2, dbg, rel):
            if not b:
                continue

            def cg_py(b=b):
                t = r.callgrind_total(b)
                n = r.n(b, "callgrind")
                return ["Callgrind Ir: Python " + b.partition("@")[2],
                        "2,899,174,708 (290 Ir per int)",
                        "{} ({:.1f} Ir per int)".format(group(t), t / float(n)),
                        "callgrind " + b + " (snippet)", sig(t / 2899174708.0),
                        {py2: "release build, snippet only (the seed's count includes start-up "
                              "and Py_Finalize)",
                         dbg: "pydebug 3.11: every object through malloc and debug hooks",
                         rel: "3.x ints are heap objects from pymalloc; no free list"}[b]]
            self.row(cg_py, "Callgrind Ir: Python " + b)
        self.w("")

    def first(self, prefix, kind):
        """The first py-range@TAG found of a kind: 'd' debug, 'rel' Debian's release."""
        for b in self.res.benches(prefix):
            tag = b.partition("@")[2]
            if kind == "d" and tag.endswith("d"):
                return b
            if kind == "rel" and re.match(r"^3\.\d+$", tag):
                try:
                    exe = self.res.context(b, "callgrind").get("python", "").split()
                except Missing:
                    continue
                if len(exe) > 3 and exe[3].startswith("/usr/bin/"):
                    return b
        return None

    # --- inclusive split ----------------------------------------------------------
    SPLIT_2 = ["builtin_range", "PyList_New", "PyInt_FromLong", "fill_free_list",
               "_Py_NewReference", "list_dealloc", "int_dealloc", "Py_Finalize"]
    SPLIT_3 = ["list_extend", "rangeiter_next", "PyLong_FromLong", "_PyLong_FromMedium",
               "PyObject_Malloc", "_Py_NewReference", "list_dealloc", "PyObject_Free",
               "Py_FinalizeEx"]
    SEED_SPLIT = {"builtin_range": "43.32 %", "PyList_New": "5.5 %", "PyInt_FromLong": "32.92 %",
                  "fill_free_list": "11.13 %", "_Py_NewReference": "13.11 %",
                  "list_dealloc": "36.56 %", "Py_Finalize": "14.79 %"}

    def split(self):
        self.w("## Where range(n)'s instructions go (Callgrind, inclusive)", "",
               "Each function's inclusive Ir as a share of the snippet's total, per phase "
               "(`build`: `x = list(range(n))`, `drop`: `del x`), from `callgrind_annotate "
               "--inclusive=yes` of each part. The seed's shares are of the whole process "
               "(PyRun 83.4 %), so its `Py_Finalize` has no counterpart here: the runner "
               "stops counting when the snippet ends. — : not in the part (inlined, or "
               "below callgrind_annotate's 99 % threshold).", "")
        for b in self.res.benches("py-range"):
            try:
                parts = self.res.inclusive(b)
                total = self.res.callgrind_total(b)
            except Missing:
                continue    # the Ir table above already says so
            names = self.SPLIT_2 if "@2." in b else self.SPLIT_3
            phases = [p for p in ("build", "drop") if p in parts]
            self.w("**{}** (snippet: {} Ir)".format(b, group(total)), "",
                   "| function | seed (2.7 pydebug) | " + " | ".join(phases) + " | all phases |",
                   "|---|---|" + "---|" * (len(phases) + 1))
            for fn in names:
                vals = [parts[p].get(fn) for p in phases]
                if not any(vals):
                    continue
                cells = ["{:.2f} % ({})".format(100.0 * v / total, group(v)) if v else "—" for v in vals]
                self.w("| {} | {} | {} | {:.2f} % |".format(
                    fn, self.SEED_SPLIT.get(fn, "—"), " | ".join(cells),
                    100.0 * sum(v or 0 for v in vals) / total))
            self.w("")

    # --- per element ------------------------------------------------------------------
    def per_element(self):
        r = self.res
        self.w("## range(n) per element: instructions and bytes", "",
               "Ir per element: the measured phase (C: the seed loop; Python: `build` + `drop`) "
               "over n, from Callgrind. Bytes per element: Massif's peak useful heap over n. "
               "The native int-list model (`c-intlist`) mimics Python 2's free list.", "",
               "| benchmark | Python | build | Ir / element | bytes / element | n |",
               "|---|---|---|---|---|---|")
        rows = []
        for b in ["c-range", "c-range-O2", "c-intlist"] + r.benches("py-range"):
            try:
                n = r.n(b, "callgrind")
                if b.startswith("c-range"):
                    ir = r.phase_ir(b, "seed")
                else:   # c-intlist and Python: the list built, then dropped
                    ir = r.phase_ir(b, "build") + r.phase_ir(b, "drop")
                ipe = ir / float(n)
            except Missing as e:
                r.missing.append(("Ir per element, " + b, e.path, e.make))
                ipe = None
            try:
                bpe = r.massif_peak(b) / float(r.n(b, "massif"))
            except Missing as e:
                r.missing.append(("bytes per element, " + b, e.path, e.make))
                bpe = None
            py, flags = self.python_of(b)
            if ipe is None and bpe is None:
                continue
            self.w("| {} | {} | {} | {} | {} | {} |".format(
                b, py, flags, "{:.2f}".format(ipe) if ipe is not None else "missing",
                "{:.2f}".format(bpe) if bpe is not None else "missing", group(n) if ipe else ""))
            rows.append((b, ipe, bpe))
        self.w("")
        self.bars(rows, 1, "ir-per-element.png", "Instructions per element of range(n) (Callgrind)",
                  "Ir per element (log scale)")
        self.bars(rows, 2, "bytes-per-element.png",
                  "Peak heap per element of range(n) (Massif, useful heap)", "bytes per element")

    def bars(self, rows, col, name, title, ylabel):
        rows = [x for x in rows if x[col] is not None]
        if not rows:
            return
        data = os.path.join(self.images, name.replace(".png", ".tsv"))
        with open(data, "w") as f:
            f.write("benchmark\tvalue\n")
            for x in rows:
                f.write("{}\t{:.4f}\n".format(x[0], x[col]))
        log = "set logscale y" if col == 1 else "unset logscale y"
        self.gnuplot("""set terminal pngcairo size 1000,520 font "sans,10"
set output "{out}"
set title "{title}"
set ylabel "{ylabel}"
set xlabel "benchmark (C, then each Python: 2.7 ... 3.13, d = pydebug)"
set style fill solid 0.8 border -1
set boxwidth 0.7
set grid ytics
set xtics rotate by -35 left noenhanced
set datafile separator "\\t"
{log}
set yrange [{ymin}:*]
set key off
plot "{data}" skip 1 using 0:2:xtic(1) with boxes lc rgb "#4477aa", \\
     "" skip 1 using 0:2:(sprintf("%.1f", $2)) with labels offset 0,0.7 font ",8"
""".format(out=os.path.join(self.images, name), title=title, ylabel=ylabel, data=data, log=log,
           ymin="1" if col == 1 else "0"))
        self.image(name, title)

    def python_of(self, bench):
        """('3.11.2', 'pydebug, valgrind') for py-*@TAG; ('—', C flags) else."""
        for tool in ("callgrind", "massif", "dhat", "walltime", "strace", "ltrace"):
            try:
                ctx = self.res.context(bench, tool)
                break
            except Missing:
                ctx = None
        if ctx is None:
            return "?", "?"
        if "python" not in ctx:
            m = re.search(r" (-O\d)", ctx.get("build flags", ""))
            return "—", "C " + (m.group(1) if m else "")
        f = ctx["python"].split()
        return f[1], python_flags(f[3]) if len(f) > 3 else "?"

    # --- seed 003 --------------------------------------------------------------------
    def seed003(self):
        r = self.res
        rel = self.first("py-stringio", "rel")
        self.w("## Seed 003: the StringIO wall", "",
               "The seed wrote 1 MB chunks with Python 3.9.5 (99 GB and 100 GB). A 24 GiB "
               "machine cannot hold that: here 10 KB chunks (1 GB), the same 100,000 writes; "
               "the seed's sizes are knobs (`N=`, `CHUNK=`) for a bigger machine. The "
               "`writes` phase is the first 99,999 writes, `last` the 100,000th.", "",
               "| figure | seed | reproduced here | measured by | here / seed | why they differ |",
               "|---|---|---|---|---|---|")
        if rel is None:
            self.w("| every row | | not measured here: no py-stringio result on Debian's python3 "
                   "(run `make walltime callgrind massif BENCH=py-stringio@release`) | | | |", "")
            self.res.missing.append(("seed 003", os.path.join(r.root, "py-stringio@*"),
                                     "make walltime callgrind massif BENCH=py-stringio@release"))
        else:
            def t99():
                t = r.walltime(rel, "writes")
                return ["99,999 writes", "0.361 s (99 GB)", "{:.3f} s ({} GB)".format(t, self.gb(rel)),
                        "walltime " + rel, sig(t / 0.361), "1/100 of the bytes (10 KB chunks)"]
            self.row(t99, "99,999 writes")

            def t100():
                a, b = r.walltime(rel, "writes"), r.walltime(rel, "last")
                return ["100,000 writes", "28.5 s (≈ 80× the 99,999)",
                        "{:.3f} s ({} × the 99,999; the 100,000th alone {:.3f} s)".format(
                            a + b, sig((a + b) / a), b),
                        "walltime " + rel, sig((a + b) / a / 80.0),
                        "the join copies 1 GB here, 100 GB there; Python 3.11 vs 3.9.5"]
            self.row(t100, "100,000 writes")

            def stalls():
                rows = [x for x in self.csv(os.path.join(r.root, "sweep", "stalls.csv"))
                        if x["series"] == rel.partition("@")[2]]
                if not rows:
                    raise Missing(os.path.join(r.root, "sweep", "stalls.csv") + " (" + rel + ")",
                                  "make sweep")
                txt = "; ".join("{} B chunks: {} stalls in {} writes, longest {} ms".format(
                    group(int(x["chunk_B"])), x["stalls"], group(int(x["writes"])),
                    x["longest_write_ms"]) for x in rows)
                return ["stalls", "one per 100,000 writes; 10× smaller chunks → 10× more, each shorter",
                        txt, "sweep (native)", "—", "the same law; a stall is > 2 ms and 100× the median"]
            self.row(stalls, "stalls")

            def refcount():
                log = r.read(rel, "callgrind", "stderr.log")
                probes = re.findall(r"probe: sys.getrefcount\(s\) (before|after) write (\d+): (\d+)", log)
                d = {p[0]: int(p[2]) for p in probes}
                return ["refcount of the written string", "100,000 just before the 100,000th write, 1 after",
                        "{} before, {} after (sys.getrefcount counts its own argument: {} and {})".format(
                            group(d["before"]), d["after"], group(d["before"] - 1), d["after"] - 1),
                        "callgrind " + rel + " (stderr.log)", sig((d["before"] - 1) / 100000.0),
                        "the same accumulator (`Objects/accu.c`)"]
            self.row(refcount, "refcount")

            def where():
                parts = r.inclusive(rel)
                last = parts.get("last", {})
                tot = r.phase_ir(rel, "last")
                acc = max(v for k, v in last.items() if "accu" in k.lower() or k == "flush_accumulator"
                          or k == "_PyAccu_Accumulate" or k == "join_list_unicode") if last else 0
                cp = max([v for k, v in last.items() if "memmove" in k or "memcpy" in k] or [0])
                secs = r.walltime(rel, "last")
                gb = self.gb(rel)
                return ["where the time goes", "write_str → flush_accumulator → memmove; ≈ 3.4 GB/s",
                        "accumulator join {:.1f} %, memmove/memcpy {:.1f} % of the 100,000th write's "
                        "{} Ir; {:.1f} GB/s ({} GB in {:.3f} s)".format(
                            100.0 * acc / tot, 100.0 * cp / tot, group(tot), gb / secs, gb, secs),
                        "callgrind + walltime " + rel, sig(gb / secs / 3.4),
                        "this machine's memory bandwidth; Callgrind counts `rep movsb` per byte"]
            self.row(where, "where the time goes")

            def fix():
                g = self.first("py-stringio-getvalue", "rel")
                newest = [b for b in r.benches("py-stringio")
                          if re.match(r".*@3\.(1[2-9]|[2-9]\d)$", b)]
                txt = []
                if g:
                    txt.append("getvalue() on {}: {} Ir".format(
                        g.partition("@")[2], group(r.phase_ir(g, "getvalue"))))
                for b in newest:
                    w, l = r.phase_ir(b, "writes"), r.phase_ir(b, "last")
                    txt.append("{}: the 100,000th write costs {} × an ordinary one".format(
                        b.partition("@")[2], sig(l / (w / float(r.n(b, "callgrind") - 1)))))
                if not txt:
                    raise Missing(os.path.join(r.root, "py-stringio@3.12+"), "make callgrind BENCH=py-stringio@newest")
                return ["the fix", "getvalue() after the loop forces the join; 3.12 removed the accumulator",
                        "; ".join(txt), "callgrind", "—", "3.12+ copy as they go (`_PyUnicodeWriter`)"]
            self.row(fix, "the fix")
            self.w("")
        self.stringio_table()

    def gb(self, bench):
        ctx = self.res.context(bench, "walltime")
        chunk = re.search(r"py_stringio\.py' '(\d+)' '(\d+)'", ctx.get("command", ""))
        if not chunk:
            return 0
        return int(chunk.group(1)) * int(chunk.group(2)) / 1e9

    @staticmethod
    def csv(path):
        if not os.path.isfile(path):
            raise Missing(path, "make sweep")
        with open(path) as f:
            lines = f.read().splitlines()
        head = lines[0].split(",")
        return [dict(zip(head, x.split(","))) for x in lines[1:] if x]

    def stringio_table(self):
        r = self.res
        self.w("### The wall on each Python", "",
               "99,999 writes against the 100,000th: Callgrind Ir, wall time (best of 5) and "
               "Massif's useful heap after each. Wall: the 100,000th write costs over 1,000 "
               "ordinary ones.", "",
               "| Python | build | Ir, 99,999 writes | Ir, the 100,000th | time, 99,999 | "
               "time, the 100,000th | heap after 99,999 | heap after 100,000 | wall |",
               "|---|---|---|---|---|---|---|---|---|")
        rows = []
        for b in r.benches("py-stringio"):
            cells, ratio = [], None
            try:
                w, l = r.phase_ir(b, "writes"), r.phase_ir(b, "last")
                ratio = l / (w / float(r.n(b, "callgrind") - 1))
                cells += [group(w), "{} ({} ×)".format(group(l), sig(ratio))]
            except Missing as e:
                r.missing.append(("StringIO Ir, " + b, e.path, e.make))
                cells += ["—", "—"]
            try:
                cells += ["{:.3f} s".format(r.walltime(b, "writes")),
                          "{:.3f} s".format(r.walltime(b, "last"))]
            except Missing:
                cells += ["—", "—"]
            try:
                cells += [group(r.massif_phase(b, "writes")) + " B",
                          group(r.massif_phase(b, "last")) + " B"]
            except Missing:
                cells += ["—", "—"]
            py, flags = self.python_of(b)
            wall = "—" if ratio is None else ("yes" if ratio > 1000 else "no")
            self.w("| {} | {} | {} | {} |".format(py, flags, " | ".join(cells), wall))
            if ratio is not None:
                rows.append((b.partition("@")[2], ratio))
        self.w("")
        if rows:
            data = os.path.join(self.images, "stringio-wall.tsv")
            with open(data, "w") as f:
                f.write("python\tratio\n")
                for t, v in rows:
                    f.write("{}\t{:.3f}\n".format(t, v))
            self.gnuplot("""set terminal pngcairo size 900,460 font "sans,10"
set output "{out}"
set title "The 100,000th StringIO.write against an ordinary one (Callgrind Ir)"
set ylabel "Ir of the 100,000th write / mean Ir of the first 99,999 (log)"
set xlabel "Python"
set logscale y
set yrange [0.5:*]
set style fill solid 0.8 border -1
set boxwidth 0.6
set grid ytics
set datafile separator "\\t"
set key off
plot "{data}" skip 1 using 0:2:xtic(1) with boxes lc rgb "#aa3377", \\
     "" skip 1 using 0:2:(sprintf("%.0f x", $2)) with labels offset 0,0.8 font ",8"
""".format(out=os.path.join(self.images, "stringio-wall.png"), data=data))
            self.image("stringio-wall.png", "The StringIO wall per Python")
        sweep = os.path.join(r.root, "sweep")
        for name in ("latency.png", "stalls.png"):
            if os.path.isfile(os.path.join(sweep, name)):
                shutil.copy(os.path.join(sweep, name), os.path.join(self.images, "sweep-" + name))
                self.image("sweep-" + name, "sweep: " + name)
            else:
                r.missing.append(("sweep plot " + name, os.path.join(sweep, name), "make sweep"))

    # --- massif timelines --------------------------------------------------------
    def timelines(self):
        self.w("## Massif timelines", "",
               "Heap over time (Massif `--time-unit=B`), one plot per benchmark, phase ends "
               "marked; `ms_print` or massif-visualizer open the `massif.out` beside each.", "")
        for b in sorted(os.listdir(self.res.root), key=tag_key):
            png = self.res.path(b, "massif", "massif.png")
            if os.path.isfile(png):
                name = "massif-{}.png".format(b.replace("@", "-"))
                shutil.copy(png, os.path.join(self.images, name))
                self.w("**{}** — `{}`".format(b, os.path.relpath(self.res.path(b, "massif", "massif.out"))), "")
                self.image(name, "Massif " + b)

    # --- context -------------------------------------------------------------------------
    def context(self):
        self.w("## Context", "")
        ctx = None
        for b in ("c-range", "py-range@2.7"):
            for tool in ("callgrind", "massif"):
                try:
                    ctx = self.res.context(b, tool)
                    break
                except Missing:
                    pass
            if ctx:
                break
        if ctx:
            for k in ("date", "host", "cpu", "kernel", "glibc", "compiler", "valgrind"):
                self.w("- {}: {}".format(k, ctx.get(k, "?")))
        self.w("", "| Python | version | executable | build |", "|---|---|---|---|")
        seen = set()
        for b in sorted(os.listdir(self.res.root), key=tag_key):
            tag = b.partition("@")[2]
            if not tag or tag in seen:
                continue
            for tool in os.listdir(os.path.join(self.res.root, b)):
                try:
                    f = self.res.context(b, tool).get("python", "").split()
                except Missing:
                    continue
                if len(f) > 3:
                    seen.add(tag)
                    self.w("| {} | {} | `{}` | {} |".format(tag, f[1], f[3], python_flags(f[3])))
                    break
        self.w("")


FLAG_WORDS = [("--with-pydebug", "pydebug"), ("--with-valgrind", "valgrind"),
              ("--enable-optimizations", "PGO"), ("--with-lto", "LTO"),
              ("--enable-shared", "shared libpython"), ("--without-pymalloc", "no pymalloc")]


def python_flags(exe):
    """The build flags that matter here, from the interpreter's CONFIG_ARGS."""
    try:
        out = subprocess.run([exe, "-c", "import sysconfig; print(sysconfig.get_config_var('CONFIG_ARGS'))"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             universal_newlines=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return "(interpreter not found)"
    words = [w for flag, w in FLAG_WORDS if flag in out]
    if "pydebug" not in words:
        words.insert(0, "release")
    return ", ".join(words)


def scaled(k, what):
    return "" if k == 1 else " → ×{:g}: {}".format(k, what)


def main():
    ap = argparse.ArgumentParser(prog="scripts/report.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("-r", dest="results", default="results", help="results folder (default: results)")
    ap.add_argument("-o", dest="out", help="the report (default: RESULTS/REPORT.md)")
    ap.add_argument("--images", help="where the plots go (default: RESULTS/report)")
    a = ap.parse_args()
    if not os.path.isdir(a.results):
        print("{}: error: results folder '{}' does not exist (run: make)".format(PROG, a.results),
              file=sys.stderr)
        return 2
    out = a.out or os.path.join(a.results, "REPORT.md")
    images = a.images or os.path.join(a.results, "report")
    # Write beside, then rename: a failed run keeps the previous report.
    tmp_images = images + ".tmp.{}".format(os.getpid())
    os.makedirs(tmp_images)
    try:
        res = Results(a.results)
        rep = Report(res, out, tmp_images)
        # Plots are drawn in the temporary folder, linked where they will be.
        rep.rel = os.path.relpath(images, os.path.dirname(os.path.abspath(out)))
        rep.w("# rangewall: the seeds reproduced", "",
              "Generated by `scripts/report.py -r {}` (`make report`) from the raw results alone; "
              "every figure below comes from a file under `{}/`.".format(a.results, a.results), "")
        rep.seed000()
        rep.split()
        rep.per_element()
        rep.seed003()
        rep.timelines()
        rep.context()
        if res.missing:
            rep.w("## Rows without a source", "",
                  "These figures could not be reproduced from the results present:", "")
            for row, path, make in res.missing:
                rep.w("- {}: `{}` missing — run `{}`".format(row, os.path.relpath(path), make))
            rep.w("")
        with open(out + ".tmp", "w") as f:
            f.write("\n".join(rep.md))
        old = images + ".old.{}".format(os.getpid())
        if os.path.isdir(images):
            os.rename(images, old)
        os.rename(tmp_images, images)
        shutil.rmtree(old, ignore_errors=True)
        os.rename(out + ".tmp", out)
    finally:
        shutil.rmtree(tmp_images, ignore_errors=True)
    for row, path, make in res.missing:
        print("{}: no source for '{}': {} (run: {})".format(PROG, row, os.path.relpath(path), make),
              file=sys.stderr)
    print("{}: wrote {} ({} rows without a source)".format(PROG, out, len(res.missing)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
